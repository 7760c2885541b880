//! Configuration and custom-rule errors through the real binary: each one gives
//! `path:line:col` (the path relative to the current directory, as in findings), says what is
//! wrong in words (no debug dumps), suggests the closest valid value, and exits 2.

use crate::common::{project, run};

const HPA: &str = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
";

/// A valid custom rule, to break one field at a time.
const RULE: &str = "name: hpa-min-two
level: error
summary: An HPA may scale down to a single pod.
message: minReplicas must be at least 2
match:
  kinds: [HorizontalPodAutoscaler]
schema:
  properties:
    spec:
      properties:
        minReplicas: {type: integer, minimum: 2}
";

/// Standard error of a run that must fail with a usage or configuration error.
fn error_of(dir: &std::path::Path, args: &[&str]) -> String {
    let (out, err, code) = run(dir, args);
    assert_eq!(code, 2, "{args:?}: {out}{err}");
    assert!(err.starts_with("scalelint: error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    for debug in ["Span {", "Syntax {", "Some(", "\\\""] {
        assert!(!err.contains(debug), "debug output: {err}");
    }
    err.trim_end()
        .strip_prefix("scalelint: error: ")
        .unwrap()
        .to_string()
}

fn config_error(config: &str) -> String {
    let p = project(&[(".scalelint.yaml", config), ("hpa.yaml", HPA)]);
    error_of(p.path(), &["check"])
}

fn custom_rule_error(rule: &str) -> String {
    let p = project(&[(".scalelint/rules/r.yaml", rule), ("hpa.yaml", HPA)]);
    error_of(p.path(), &["check"])
}

#[test]
fn the_valid_custom_rule_loads() {
    let p = project(&[(".scalelint/rules/r.yaml", RULE), ("hpa.yaml", HPA)]);
    let (out, err, code) = run(p.path(), &["check", "--fail-on", "never"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn a_yaml_error_in_a_custom_rule_is_a_message_at_its_place() {
    let err = custom_rule_error("name: x\nlevel: [error\nsummary: s\n");
    assert!(
        err.starts_with(".scalelint/rules/r.yaml:3:8: invalid YAML: "),
        "{err}"
    );
    let err = custom_rule_error(&format!("{RULE}level: warning\n"));
    assert!(
        err.starts_with(".scalelint/rules/r.yaml:12:1: key `level` is set twice (first on line 2)"),
        "{err}"
    );
}

#[test]
fn custom_rule_field_errors_point_at_the_field_and_suggest() {
    let cases = [
        (
            RULE.replace("level: error", "level: eror"),
            "2:8: `level` must be error, warning or info, not `eror`; did you mean `error`?",
        ),
        (
            RULE.replace("level: error", "level: warn"),
            "2:8: `level` must be error, warning or info, not `warn`; did you mean `warning`?",
        ),
        (
            RULE.replace("message:", "mesage:"),
            "4:1: unknown key `mesage` in a custom rule; did you mean `message`?",
        ),
        (
            RULE.replace("  kinds:", "  format: kubernets\n  kinds:"),
            "6:11: unknown format `kubernets` (kubernetes, pgbouncer, redis, kafka, prometheus); did you mean `kubernetes`?",
        ),
        (
            RULE.replace("  kinds:", "  kind:"),
            "6:3: unknown key `kind` in `match`; did you mean `kinds`?",
        ),
        (
            RULE.replace("message: minReplicas must be at least 2\n", ""),
            "1:1: the custom rule has no `message` (required: name, level, summary, message, match, schema)",
        ),
        (
            RULE.replace("name: hpa-min-two", "name: HPA_min"),
            "1:7: custom rule name `HPA_min` must be lower-case letters, digits and `-`",
        ),
        (
            RULE.replace("name: hpa-min-two", "name: hpa-min-replicas"),
            "1:7: custom rule `hpa-min-replicas` has the name of a built-in rule",
        ),
        (
            RULE.replace(
                "  kinds: [HorizontalPodAutoscaler]\n",
                "  group: autoscaling\n",
            ),
            "5:1: `match.kinds` must name Kubernetes kinds",
        ),
        (
            RULE.replace("type: integer", "type: integr"),
            "11:29: invalid JSON Schema: \"integr\" is not valid",
        ),
        (
            RULE.replace(
                "summary: An HPA may scale down to a single pod.",
                "summary: [one, two]",
            ),
            "3:10: `summary` must be text",
        ),
    ];
    for (rule, want) in cases {
        let err = custom_rule_error(&rule);
        let want = format!(".scalelint/rules/r.yaml:{want}");
        assert!(err.starts_with(&want), "want {want}\ngot  {err}");
    }
}

#[test]
fn a_custom_rule_defined_twice_names_both_files() {
    let p = project(&[
        (".scalelint/rules/a.yaml", RULE),
        (".scalelint/rules/b.yaml", RULE),
        ("hpa.yaml", HPA),
    ]);
    let err = error_of(p.path(), &["check"]);
    assert_eq!(
        err,
        ".scalelint/rules/b.yaml:1:7: custom rule `hpa-min-two` is also defined in .scalelint/rules/a.yaml"
    );
}

#[test]
fn a_missing_custom_rules_path_points_at_the_config_entry() {
    let err = config_error("custom-rules: [policies/]\n");
    assert_eq!(
        err,
        ".scalelint.yaml:1:16: custom rules `policies/`: no such file or folder"
    );
}

#[test]
fn config_values_get_suggestions() {
    let cases = [
        (
            "fail-on: warn\n",
            ".scalelint.yaml:1:10: `fail-on` must be error, warning, info or never, not `warn`; did you mean `warning`?",
        ),
        (
            "rules:\n  hpa-min-replicas: {level: warn}\n",
            ".scalelint.yaml:2:29: `level` must be error, warning or info, not `warn`; did you mean `warning`?",
        ),
        (
            "rules:\n  hpa-min-replicas: warn\n",
            "did you mean `warning`?",
        ),
        (
            "tier: mediun\n",
            ".scalelint.yaml:1:7: unknown tier `mediun` (heavy, light, medium); did you mean `medium`?",
        ),
        (
            "rules:\n  container-resources-tier: {tier: mediun}\n",
            ".scalelint.yaml:2:36: unknown tier `mediun` (heavy, light, medium); did you mean `medium`?",
        ),
        (
            "rules:\n  kafak-*: off\n",
            ".scalelint.yaml:2:3: rule group matches no rule `kafak-*`; did you mean `kafka-*`?",
        ),
        (
            "rules:\n  HPA-min-replicas: off\n",
            "did you mean `hpa-min-replicas`?",
        ),
    ];
    for (config, want) in cases {
        let err = config_error(config);
        assert!(
            err.starts_with(want) || (!want.starts_with('.') && err.ends_with(want)),
            "{config}\nwant {want}\ngot  {err}"
        );
    }
}

#[test]
fn a_tier_added_in_the_config_can_be_the_default() {
    for config in [
        "tier: batch\nrules:\n  container-resources-tier:\n    tiers: {batch: {cpu-request: 2}}\n",
        "rules:\n  container-resources-tier:\n    tier: batch\n    tiers: {batch: {cpu-request: 2}}\n",
    ] {
        let p = project(&[(".scalelint.yaml", config), ("hpa.yaml", HPA)]);
        let (out, err, code) = run(p.path(), &["check", "--fail-on", "never"]);
        assert_eq!(code, 0, "{config}: {out}{err}");
        assert!(err.is_empty(), "{config}: {err}");
    }
    let err = config_error(
        "tier: bach\nrules:\n  container-resources-tier:\n    tiers: {batch: {cpu-request: 2}}\n",
    );
    assert_eq!(
        err,
        ".scalelint.yaml:1:7: unknown tier `bach` (batch, heavy, light, medium); did you mean `batch`?"
    );
}

#[test]
fn cli_rule_names_get_suggestions() {
    let p = project(&[("hpa.yaml", HPA)]);
    assert_eq!(
        error_of(p.path(), &["check", "--select", "kafak-*"]),
        "--select: rule group matches no rule `kafak-*`; did you mean `kafka-*`?"
    );
    assert_eq!(
        error_of(p.path(), &["check", "--ignore", "*-eror"]),
        "--ignore: rule group matches no rule `*-eror`; did you mean `*-error`?"
    );
    assert_eq!(
        error_of(p.path(), &["explain", "hpa-min-replica"]),
        "unknown rule `hpa-min-replica`; did you mean `hpa-min-replicas`? (see `scalelint rules`)"
    );
}

#[test]
fn explain_finds_rules_whatever_their_case() {
    let p = project(&[]);
    let (out, err, code) = run(p.path(), &["explain", "HPA-MIN-REPLICAS"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("## hpa-min-replicas\n"), "{out}");
}

#[test]
fn paths_in_errors_are_relative_to_the_current_directory() {
    let p = project(&[
        (".scalelint.yaml", "fail_on: error\n"),
        ("deploy/hpa.yaml", HPA),
    ]);
    assert_eq!(
        error_of(&p.path().join("deploy"), &["check"]),
        "../.scalelint.yaml:1:1: unknown key `fail_on`; did you mean `fail-on`?"
    );
    let p = project(&[
        (
            ".scalelint/rules/r.yaml",
            &RULE.replace("level: error", "level: eror"),
        ),
        ("deploy/hpa.yaml", HPA),
    ]);
    let err = error_of(&p.path().join("deploy"), &["check"]);
    assert!(err.starts_with("../.scalelint/rules/r.yaml:2:8: "), "{err}");
}

//! `.scalelint.yaml` and the rule-selection flags, on real files in a scratch project.

use crate::common::{project, run};

use std::path::Path;

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
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 60
";

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: ghcr.io/example/api:1.0.0
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 200m
              memory: 128Mi
";

fn check(dir: &Path, extra: &[&str]) -> (String, String, i32) {
    let mut args = vec!["check", "--format", "compact"];
    args.extend_from_slice(extra);
    run(dir, &args)
}

#[test]
fn misspelt_rule_name_exits_2_with_position_and_suggestion() {
    let p = project(&[
        (
            ".scalelint.yaml",
            "fail-on: error\nrules:\n  hpa-min-replica: off\n",
        ),
        ("hpa.yaml", HPA),
    ]);
    let (out, err, code) = check(p.path(), &[]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(
            ".scalelint.yaml:3:3: unknown rule `hpa-min-replica`; did you mean `hpa-min-replicas`?"
        ),
        "{err}"
    );
}

#[test]
fn unknown_key_wrong_type_unknown_param_and_bad_level_are_errors() {
    let cases = [
        (
            "fail_on: error\n",
            "1:1: unknown key `fail_on`; did you mean `fail-on`?",
        ),
        (
            "rules:\n  hpa-min-replicas: {min: three}\n",
            "2:27: parameter `min` of rule `hpa-min-replicas` must be integer",
        ),
        (
            "rules:\n  hpa-min-replicas:\n    mni: 3\n",
            "3:5: unknown parameter `mni` of rule `hpa-min-replicas`; did you mean `min`?",
        ),
        (
            "rules:\n  hpa-min-replicas: eror\n",
            "did you mean `error`?",
        ),
        (
            "fail-on: warn\n",
            "1:10: `fail-on` must be error, warning, info or never",
        ),
        (
            "rules:\n  kafak-*: off\n",
            "rule group matches no rule `kafak-*`",
        ),
    ];
    for (config, expected) in cases {
        let p = project(&[(".scalelint.yaml", config), ("hpa.yaml", HPA)]);
        let (_, err, code) = check(p.path(), &[]);
        assert_eq!(code, 2, "{config}: {err}");
        assert!(err.contains(expected), "{config}: {err}");
    }
}

#[test]
fn level_and_params_override_defaults() {
    // minReplicas 2 passes the default (2) but not `min: 3`, reported at the configured level.
    let p = project(&[("hpa.yaml", HPA)]);
    let (out, _, _) = check(p.path(), &[]);
    assert!(!out.contains("[hpa-min-replicas]"), "{out}");
    let p = project(&[
        (
            ".scalelint.yaml",
            "rules:\n  hpa-min-replicas: {level: warning, min: 3}\n",
        ),
        ("hpa.yaml", HPA),
    ]);
    let (out, _, _) = check(p.path(), &[]);
    assert!(out.contains("warning[hpa-min-replicas]"), "{out}");
}

#[test]
fn rules_and_groups_turn_off_and_names_win_over_groups() {
    let p = project(&[
        (
            ".scalelint.yaml",
            "rules:\n  hpa-*: off\n  hpa-min-replicas: {min: 3}\n",
        ),
        ("hpa.yaml", HPA),
    ]);
    let (out, _, _) = check(p.path(), &[]);
    assert!(out.contains("[hpa-min-replicas]"), "{out}");
    let others = out
        .lines()
        .filter(|l| l.contains("[hpa-") && !l.contains("[hpa-min-replicas]"));
    assert_eq!(others.count(), 0, "{out}");
    let p = project(&[
        (".scalelint.yaml", "rules:\n  hpa-target-missing: off\n"),
        ("hpa.yaml", HPA),
    ]);
    let (out, _, _) = check(p.path(), &[]);
    assert!(!out.contains("[hpa-target-missing]"), "{out}");
}

#[test]
fn fail_on_from_config_and_flag_override() {
    let p = project(&[(".scalelint.yaml", "fail-on: never\n"), ("hpa.yaml", HPA)]);
    let (out, _, code) = check(p.path(), &[]);
    assert!(!out.is_empty());
    assert_eq!(code, 0, "{out}");
    let (out, _, code) = check(p.path(), &["--fail-on", "info"]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn exclude_skips_matching_files() {
    let p = project(&[
        (
            ".scalelint.yaml",
            "exclude:\n  - legacy/**\n  - \"*.generated.yaml\"\n",
        ),
        ("legacy/hpa.yaml", HPA),
        ("deploy/app.generated.yaml", HPA),
        ("deploy/hpa.yaml", HPA),
    ]);
    let (out, _, _) = check(p.path(), &[]);
    assert!(out.contains("deploy/hpa.yaml"), "{out}");
    assert!(!out.contains("legacy/"), "{out}");
    assert!(!out.contains("generated"), "{out}");
}

#[test]
fn tier_sets_the_default_workload_tier() {
    let p = project(&[("api.yaml", DEPLOYMENT)]);
    let (out, _, _) = check(p.path(), &[]);
    assert!(!out.contains("[container-resources-tier]"), "{out}");
    let p = project(&[
        (".scalelint.yaml", "tier: light\n"),
        ("api.yaml", DEPLOYMENT),
    ]);
    let (out, _, _) = check(p.path(), &[]);
    assert!(out.contains("[container-resources-tier]"), "{out}");
}

#[test]
fn select_and_ignore_override_the_config() {
    let p = project(&[
        (".scalelint.yaml", "rules:\n  hpa-min-replicas: {min: 3}\n"),
        ("hpa.yaml", HPA),
    ]);
    let (out, _, _) = check(p.path(), &["--select", "hpa-min-replicas"]);
    assert!(out.contains("[hpa-min-replicas]"), "{out}");
    assert_eq!(out.lines().filter(|l| l.contains('[')).count(), 1, "{out}");
    let (out, _, _) = check(p.path(), &["--ignore", "hpa-min-replicas,pdb-*"]);
    assert!(!out.contains("[hpa-min-replicas]"), "{out}");
    let (_, err, code) = check(p.path(), &["--select", "hpa-min-replica"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--select: unknown rule `hpa-min-replica`; did you mean `hpa-min-replicas`?"),
        "{err}"
    );
}

#[test]
fn config_is_found_upwards_and_can_be_named() {
    let p = project(&[
        (".scalelint.yaml", "rules:\n  hpa-min-replicas: {min: 3}\n"),
        ("deploy/hpa.yaml", HPA),
        ("other.yaml", "rules:\n  hpa-min-replicas: off\n"),
    ]);
    let (out, _, _) = check(&p.path().join("deploy"), &["hpa.yaml"]);
    assert!(out.contains("[hpa-min-replicas]"), "{out}");
    let (out, _, _) = check(
        &p.path().join("deploy"),
        &["--config", "../other.yaml", "hpa.yaml"],
    );
    assert!(!out.contains("[hpa-min-replicas]"), "{out}");
    let (_, err, code) = check(p.path(), &["--config", "missing.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read config missing.yaml"), "{err}");
}

#[test]
fn init_writes_a_config_of_defaults_and_does_not_overwrite() {
    let p = project(&[("api.yaml", DEPLOYMENT)]);
    let (_, err, code) = run(p.path(), &["init"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(p.path().join(".scalelint.yaml")).unwrap();
    assert!(
        text.contains("  hpa-min-replicas:\n    # level: error\n"),
        "{text}"
    );
    assert!(text.contains("    min: 2\n"), "{text}");
    // The defaults change nothing, and uncommenting `tier` works with the rule's own
    // `tier: null` written below it.
    let (before, _, _) = check(p.path(), &["--config", "/dev/null"]);
    let (after, _, _) = check(p.path(), &[]);
    assert_eq!(before, after);
    std::fs::write(
        p.path().join(".scalelint.yaml"),
        text.replace("# tier: medium", "tier: light"),
    )
    .unwrap();
    let (out, _, _) = check(p.path(), &[]);
    assert!(out.contains("[container-resources-tier]"), "{out}");
    let (_, err, code) = run(p.path(), &["init"]);
    assert_eq!(code, 2);
    assert!(err.contains("exists; use --force"), "{err}");
    let (_, _, code) = run(p.path(), &["init", "--force"]);
    assert_eq!(code, 0);
}

/// `rules` and `explain` read no files: a broken configuration is a warning there, and the
/// built-in rules are still described; a valid one brings its custom rules.
#[test]
fn rules_and_explain_survive_a_broken_configuration() {
    let broken = project(&[(".scalelint.yaml", "rules:\n  hpa-min-replica: off\n")]);
    let (out, err, code) = run(broken.path(), &["explain", "hpa-min-replicas"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("hpa-min-replicas"), "{out}");
    assert!(
        err.contains(".scalelint.yaml:2:3: unknown rule `hpa-min-replica`")
            && err.contains("showing the built-in rules only"),
        "{err}"
    );
    // `check` still refuses it.
    let (_, err, code) = run(broken.path(), &["check", "."]);
    assert_eq!(code, 2, "{err}");

    let custom = std::fs::read_to_string("tests/custom-rules/hpa-min-two.yaml").unwrap();
    let fine = project(&[(".scalelint/rules/hpa-min-two.yaml", custom.as_str())]);
    let (out, err, code) = run(fine.path(), &["rules"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("hpa-min-two"), "{out}");
    assert!(err.is_empty(), "{err}");
}

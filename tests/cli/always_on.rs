//! Source problems (a file that could not be read, parsed or linted) are outside rule
//! selection: `--select`, `--ignore`, `rules: {x: off}` and groups leave them on, as ruff keeps
//! syntax errors outside its rule selection. Only their level can be set.

use crate::common::{project, run};

const BROKEN: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: [name\n";
const TEMPLATE: &str =
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: {{ .Values.n }}\n";

fn check(dir: &std::path::Path, extra: &[&str]) -> (String, String, i32) {
    let mut args = vec!["check", "--format", "compact"];
    args.extend_from_slice(extra);
    run(dir, &args)
}

#[test]
fn select_does_not_hide_missing_or_broken_files() {
    let p = project(&[("broken.yaml", BROKEN)]);
    let (out, err, code) = check(p.path(), &["--select", "hpa-min-replicas", "missing.yaml"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("missing.yaml:1:1: error[io-error]"), "{out}");
    let (out, err, code) = check(p.path(), &["--select", "hpa-min-replicas", "broken.yaml"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("broken.yaml:4:1: error[parse-error]"), "{out}");
    assert!(err.is_empty(), "selection is silent: {err}");
}

#[test]
fn a_template_that_was_not_linted_is_reported_whatever_the_selection() {
    let p = project(&[("chart.yaml", TEMPLATE)]);
    let (out, err, code) = check(
        p.path(),
        &[
            "--select",
            "hpa-min-replicas",
            "--fail-on",
            "info",
            "chart.yaml",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("info[template-skipped]"), "{out}");
}

#[test]
fn ignore_by_name_keeps_the_rule_and_warns_once() {
    let p = project(&[("broken.yaml", BROKEN)]);
    let (out, err, code) = check(p.path(), &["--ignore", "parse-error", "broken.yaml"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("error[parse-error]"), "{out}");
    assert_eq!(
        err.matches("scalelint: warning:").count(),
        1,
        "one warning: {err}"
    );
    assert!(
        err.contains("--ignore: `parse-error` cannot be turned off"),
        "{err}"
    );
    // A rule that is not always on is still ignored.
    let (out, _, _) = check(p.path(), &["--ignore", "parse-error,hpa-min-replicas"]);
    assert!(!out.contains("[hpa-min-replicas]"), "{out}");
}

#[test]
fn groups_skip_always_on_rules_silently() {
    let p = project(&[("broken.yaml", BROKEN)]);
    for group in ["*", "*-error", "parse-*"] {
        let (out, err, code) = check(p.path(), &["--ignore", group, "broken.yaml"]);
        assert_eq!(code, 1, "--ignore {group}: {out}{err}");
        assert!(
            out.contains("error[parse-error]"),
            "--ignore {group}: {out}"
        );
        assert!(err.is_empty(), "--ignore {group}: {err}");
    }
    let p = project(&[
        (
            ".scalelint.yaml",
            "rules:\n  \"*-error\": off\n  \"*\": off\n",
        ),
        ("broken.yaml", BROKEN),
    ]);
    let (out, err, code) = check(p.path(), &["broken.yaml", "missing.yaml"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("error[parse-error]"), "{out}");
    assert!(out.contains("missing.yaml:1:1: error[io-error]"), "{out}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn config_off_by_name_keeps_the_rule_and_warns_with_the_place() {
    let p = project(&[
        (
            ".scalelint.yaml",
            "rules:\n  hpa-min-replicas: off\n  parse-error: off\n",
        ),
        ("broken.yaml", BROKEN),
    ]);
    let (out, err, code) = check(p.path(), &["broken.yaml"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("error[parse-error]"), "{out}");
    assert!(
        err.starts_with("scalelint: warning: ")
            && err.contains(".scalelint.yaml:3:3: `parse-error` cannot be turned off"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn the_level_of_an_always_on_rule_can_be_set() {
    let p = project(&[
        (".scalelint.yaml", "rules:\n  parse-error: warning\n"),
        ("broken.yaml", BROKEN),
    ]);
    let (out, err, code) = check(p.path(), &["--fail-on", "error", "broken.yaml"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("warning[parse-error]"), "{out}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn explain_and_the_reference_say_the_rule_is_always_reported() {
    let p = project(&[]);
    for rule in ["io-error", "parse-error", "template-skipped"] {
        let (out, _, code) = run(p.path(), &["explain", rule]);
        assert_eq!(code, 0);
        assert!(out.contains("Always reported"), "{rule}: {out}");
    }
    let (out, _, _) = run(p.path(), &["explain", "hpa-min-replicas"]);
    assert!(!out.contains("Always reported"), "{out}");
    let reference = std::fs::read_to_string("docs/rules.md").unwrap();
    assert_eq!(reference.matches("Always reported").count(), {
        let (out, _, _) = run(p.path(), &["rules", "--format", "markdown"]);
        out.matches("Always reported").count()
    });
}

//! Selections and paths that match nothing say so, instead of a green run that checked
//! nothing.

use crate::common::{HPA, project, run};

#[test]
fn an_empty_selection_is_a_usage_error() {
    let p = project(&[("hpa.yaml", HPA)]);
    for select in ["", " ", ",", " , "] {
        let (out, err, code) = run(p.path(), &["check", "--select", select]);
        assert_eq!(code, 2, "--select {select:?}: {out}{err}");
        assert!(
            err.contains("scalelint: error: --select names no rule"),
            "--select {select:?}: {err}"
        );
        assert!(out.is_empty(), "{out}");
    }
    // A trailing comma is only a trailing comma.
    let (out, err, code) = run(
        p.path(),
        &[
            "check",
            "--format",
            "compact",
            "--select",
            "hpa-min-replicas,",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("[hpa-min-replicas]"), "{out}");
}

#[test]
fn a_selection_that_the_ignores_empty_is_a_usage_error() {
    let p = project(&[("hpa.yaml", HPA)]);
    let (out, err, code) = run(
        p.path(),
        &["check", "--select", "hpa-min-replicas", "--ignore", "hpa-*"],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("scalelint: error: --select and --ignore leave no rule to run"),
        "{err}"
    );
    // Selecting only an always-on rule is a choice, not an empty selection.
    let (_, err, code) = run(p.path(), &["check", "--select", "parse-error"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_run_with_no_file_to_lint_warns() {
    let p = project(&[
        ("empty/README.md", "# nothing to lint\n"),
        ("hpa.yaml", HPA),
    ]);
    for args in [
        &["check", "empty"][..],
        &["check", "empty", "--format", "json"],
    ] {
        let (out, err, code) = run(p.path(), args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        assert!(
            err.starts_with("scalelint: warning: no file to lint in `empty`"),
            "{args:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // Everything excluded.
    let p = project(&[
        (".scalelint.yaml", "exclude: [\"*.yaml\"]\n"),
        ("hpa.yaml", HPA),
    ]);
    let (_, err, code) = run(p.path(), &["check"]);
    assert_eq!(code, 0);
    assert!(err.contains("no file to lint in `.`"), "{err}");
    // A run with files is quiet; an empty file is still a file.
    let p = project(&[("hpa.yaml", HPA), ("empty.yaml", "")]);
    let (_, err, _) = run(p.path(), &["check"]);
    assert!(err.is_empty(), "{err}");
    let (_, err, _) = run(p.path(), &["check", "empty.yaml"]);
    assert!(err.is_empty(), "{err}");
}

#[test]
fn stdin_filename_without_stdin_is_a_usage_error() {
    let p = project(&[("hpa.yaml", HPA)]);
    let (out, err, code) = run(
        p.path(),
        &["check", "hpa.yaml", "--stdin-filename", "chart.yaml"],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("scalelint: error: --stdin-filename names standard input, but `-` is not among the paths"),
        "{err}"
    );
}

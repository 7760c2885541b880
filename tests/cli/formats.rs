//! Snapshots of the CI formats on the sample repository, so a change to them is reviewed.

use assert_cmd::Command;

fn run(format: &str, paths: &[&str]) -> String {
    let out = Command::cargo_bin("scalelint")
        .unwrap()
        .arg("check")
        .args(paths)
        .args(["--format", format])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Compares with `tests/snapshots/formats__NAME.snap` (the name this file's snapshots had
/// when it was a test binary of its own).
fn assert_snapshot(name: &str, value: String) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(format!("formats__{name}"), value);
    });
}

#[test]
fn github_annotations() {
    assert_snapshot(
        "github_annotations",
        run("github", &["examples/shop/api", "examples/shop/data"]),
    );
}

#[test]
fn junit_report() {
    assert_snapshot(
        "junit_report",
        run(
            "junit",
            &["examples/shop/worker", "examples/compliant/data"],
        ),
    );
}

#[test]
fn github_escapes_what_the_runner_requires() {
    // A path with `,` and `:` and a message with `%` and a newline-bearing help.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a,b:c.yaml");
    std::fs::write(
        &path,
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: w}\nspec:\n  minReplicas: 2\n  maxReplicas: 5\n  metrics:\n    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 95}}\n",
    )
    .unwrap();
    let out = Command::cargo_bin("scalelint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "a,b:c.yaml", "--format", "github"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("hpa-utilization-target"))
        .unwrap();
    assert!(
        line.starts_with("::warning file=a%2Cb%3Ac.yaml,line=9,col="),
        "{line}"
    );
    assert!(line.contains("target is 95%25;"), "{line}");
    assert!(line.contains("%0Ahelp: "), "{line}");
    assert_eq!(text.lines().count(), text.matches("::").count() / 2);
}

//! `check --fix`, `--unsafe-fixes` and `--diff` with the real binary: what is written, what is
//! left, exit codes, and fixes through Kustomize patches and Helm values.

use crate::common::{HPA, copy_dir, project, run};
use std::path::Path;

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).expect("JSON output")
}

/// The done-when of the fix issue: `--fix` on a copy of `examples/shop` leaves only findings
/// without a safe fix, a second `--fix` changes nothing, and the diff (snapshotted, so a
/// reviewer sees every changed line) touches only the lines the fixes are about.
#[test]
fn fix_on_the_shop_leaves_only_findings_without_a_safe_fix() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    copy_dir(Path::new("examples/shop"), &dir.path().join("shop"));
    let (diff, stderr, code) = run(dir.path(), &["check", "shop", "--diff"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("would fix"), "{stderr}");
    // Nothing written by --diff.
    let (again, _, _) = run(dir.path(), &["check", "shop", "--diff"]);
    assert_eq!(diff, again);
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("fix__shop_diff", diff);
    });

    let (_, stderr, _) = run(dir.path(), &["check", "shop", "--fix", "--format", "json"]);
    assert!(stderr.contains("fixed "), "{stderr}");
    let (out, _, _) = run(dir.path(), &["check", "shop", "--format", "json"]);
    let report = json(&out);
    let safe: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["fix"]["applicability"] == "safe")
        .map(|d| format!("{} {}:{}", d["rule"], d["path"], d["start"]["line"]))
        .collect();
    assert!(safe.is_empty(), "safe fixes left after --fix: {safe:?}");
    assert_eq!(report["summary"]["fixable"], 0);
    // A second --fix changes nothing, and --diff has nothing to show.
    let (_, stderr, _) = run(dir.path(), &["check", "shop", "--fix"]);
    assert!(!stderr.contains("fixed "), "{stderr}");
    let (diff, stderr, code) = run(dir.path(), &["check", "shop", "--diff"]);
    assert_eq!((diff.as_str(), code), ("", 0), "{stderr}");
    assert!(stderr.contains("nothing to fix"), "{stderr}");
}

#[test]
fn unsafe_fixes_are_applied_only_when_asked() {
    let text = "apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  minReplicas: 2\n  maxReplicas: 10\n  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n      targetAverageUtilization: 70\n";
    let dir = project(&[("hpa.yaml", text)]);
    let args = ["check", "hpa.yaml", "--select", "hpa-api-version"];
    let (out, _, code) = run(dir.path(), &args);
    assert_eq!(code, 1);
    assert!(out.contains("fixable with --unsafe-fixes"), "{out}");
    let (_, _, _) = run(dir.path(), &[&args[..], &["--fix"]].concat());
    assert_eq!(
        read(dir.path(), "hpa.yaml"),
        text,
        "--fix applies no unsafe fix"
    );
    let (_, stderr, code) = run(dir.path(), &[&args[..], &["--unsafe-fixes"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        read(dir.path(), "hpa.yaml"),
        text.replace("autoscaling/v2beta1", "autoscaling/v2")
            .replace(
                "      targetAverageUtilization: 70\n",
                "      target:\n        type: Utilization\n        averageUtilization: 70\n"
            )
    );
}

#[test]
fn standard_input_is_never_written_and_its_fixes_are_only_shown() {
    let dir = project(&[]);
    let out = assert_cmd::Command::cargo_bin("scalelint")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "-",
            "--fix",
            "--select",
            "hpa-min-replicas",
            "--stdin-filename",
            "hpa.yaml",
        ])
        .write_stdin(HPA)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join("hpa.yaml").exists());
    assert!(
        stdout.contains("not applied: scalelint writes only the files it was given to check"),
        "{stdout}"
    );
}

#[test]
fn sarif_and_json_carry_the_fix() {
    let dir = project(&[("hpa.yaml", HPA)]);
    let args = ["check", "hpa.yaml", "--select", "hpa-min-replicas"];
    let (out, _, _) = run(dir.path(), &[&args[..], &["--format", "sarif"]].concat());
    let sarif = json(&out);
    let fix = &sarif["runs"][0]["results"][0]["fixes"][0];
    assert_eq!(fix["description"]["text"], "set `minReplicas: 2`");
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "hpa.yaml");
    assert_eq!(
        change["replacements"][0],
        serde_json::json!({
            "deletedRegion": {"startLine": 10, "startColumn": 16, "endLine": 10, "endColumn": 17},
            "insertedContent": {"text": "2"},
        })
    );
    let (out, _, _) = run(dir.path(), &[&args[..], &["--format", "json"]].concat());
    let j = json(&out);
    assert_eq!(
        j["diagnostics"][0]["fix"],
        serde_json::json!({
            "message": "set `minReplicas: 2`",
            "applicability": "safe",
            "edits": [{"start": {"line": 10, "column": 16}, "end": {"line": 10, "column": 17}, "replacement": "2"}],
            "display_only_because": null,
        })
    );
    assert_eq!(j["summary"]["fixable"], 1);
}

#[test]
fn crlf_files_keep_their_line_endings() {
    let text = HPA.replace("  minReplicas: 1\n", "").replace('\n', "\r\n");
    let dir = project(&[("hpa.yaml", &text)]);
    let (_, stderr, code) = run(
        dir.path(),
        &["check", "hpa.yaml", "--select", "hpa-min-replicas", "--fix"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        read(dir.path(), "hpa.yaml"),
        format!("{text}  minReplicas: 2\r\n")
    );
}

/// A finding traced from a rendered overlay to the patch that set the value is fixed in the
/// patch; one whose source does not hold the rendered value is only shown.
#[test]
fn a_fix_follows_a_finding_into_a_kustomize_patch() {
    let base_hpa = HPA.replace("  minReplicas: 1\n", "  minReplicas: 3\n");
    let dir = project(&[
        ("base/hpa.yaml", base_hpa.as_str()),
        ("base/kustomization.yaml", "resources:\n- hpa.yaml\n"),
        (
            "overlay/kustomization.yaml",
            "resources:\n- ../base\npatches:\n- path: hpa-patch.yaml\n",
        ),
        (
            "overlay/hpa-patch.yaml",
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  minReplicas: 1\n",
        ),
    ]);
    let args = ["check", ".", "--select", "hpa-min-replicas"];
    let (out, _, code) = run(dir.path(), &args);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("overlay/hpa-patch.yaml"), "{out}");
    assert!(out.contains("fixable with --fix"), "{out}");
    let (_, stderr, code) = run(dir.path(), &[&args[..], &["--fix"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(read(dir.path(), "overlay/hpa-patch.yaml").ends_with("  minReplicas: 2\n"));
    assert_eq!(read(dir.path(), "base/hpa.yaml"), base_hpa);
}

/// A finding traced from a chart's render to the values line that holds the rendered value
/// is fixed there (the chart is rendered statically when helm is not used); a fix that
/// inserts keys into the render cannot be placed in a template and is only shown.
#[test]
fn a_fix_follows_a_finding_into_a_helm_values_file() {
    let template = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  minReplicas: {{ .Values.autoscaling.minReplicas }}\n  maxReplicas: {{ .Values.autoscaling.maxReplicas }}\n";
    let values = "autoscaling:\n  minReplicas: 1\n  maxReplicas: 10\n";
    let dir = project(&[
        (
            "chart/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        ),
        ("chart/values.yaml", values),
        ("chart/templates/hpa.yaml", template),
    ]);
    // No helm on PATH here: the chart is rendered by scalelint's own evaluator.
    let args = [
        "check",
        "chart",
        "--select",
        "hpa-min-replicas,hpa-scale-down-rate",
    ];
    let (out, _, _) = run(dir.path(), &args);
    assert!(out.contains("--> chart/values.yaml:2:16"), "{out}");
    assert!(out.contains("the fix does not map to its source"), "{out}");
    let (diff, _, code) = run(dir.path(), &[&args[..], &["--diff"]].concat());
    assert_eq!(code, 1);
    assert!(diff.starts_with("--- a/chart/values.yaml\n"), "{diff}");
    let (_, stderr, _) = run(dir.path(), &[&args[..], &["--fix"]].concat());
    assert!(stderr.contains("fixed 1 finding in 1 file"), "{stderr}");
    assert_eq!(
        read(dir.path(), "chart/values.yaml"),
        values.replace("minReplicas: 1", "minReplicas: 2")
    );
    assert_eq!(read(dir.path(), "chart/templates/hpa.yaml"), template);
}

/// Two fixes that insert at the same place (after `spec`'s last child) are applied one pass
/// after the other, and the result is what both ask for.
#[test]
fn fixes_that_clash_are_applied_in_later_passes() {
    let text = HPA.replace("  minReplicas: 1\n", "");
    let dir = project(&[("hpa.yaml", &text)]);
    let args = [
        "check",
        "hpa.yaml",
        "--select",
        "hpa-min-replicas,hpa-scale-down-rate",
    ];
    let (_, stderr, code) = run(dir.path(), &[&args[..], &["--fix"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("fixed 2 findings in 1 file"), "{stderr}");
    let fixed = read(dir.path(), "hpa.yaml");
    assert!(fixed.starts_with(&text), "{fixed}");
    let added = &fixed[text.len()..];
    assert!(added.contains("  minReplicas: 2\n"), "{added}");
    assert!(
        added.contains("  behavior:\n    scaleDown:\n      policies:\n        - type: Percent\n          value: 10\n          periodSeconds: 60\n"),
        "{added}"
    );
}

/// `rules` and `explain` say which fixes a rule offers, from its metadata.
#[test]
fn rules_and_explain_say_what_a_rule_fixes() {
    let dir = project(&[]);
    let (table, _, code) = run(dir.path(), &["rules"]);
    assert_eq!(code, 0);
    let header = table.lines().next().unwrap();
    assert!(header.contains("FIX"), "{header}");
    let row = |rule: &str| {
        table
            .lines()
            .find(|l| l.starts_with(&format!("{rule} ")))
            .unwrap()
            .to_string()
    };
    assert!(row("hpa-api-version").contains("safe / unsafe"));
    assert!(row("redis-maxmemory").contains("display-only"));
    assert!(
        row("pdb-missing").contains("  -  "),
        "{}",
        row("pdb-missing")
    );
    let (text, _, _) = run(dir.path(), &["explain", "pgbouncer-pool-mode"]);
    assert!(
        text.contains("Autofix: findings may carry an unsafe fix (applied with `--unsafe-fixes`"),
        "{text}"
    );
}

//! The real binary: exit codes, formats, stdin, output files.

use assert_cmd::Command;
use serde_json::Value;

fn scalelint() -> Command {
    let mut c = Command::cargo_bin("scalelint").expect("binary builds");
    c.env_remove("NO_COLOR");
    c
}

fn stdout_of(args: &[&str]) -> (String, i32) {
    let out = scalelint().args(args).output().expect("runs");
    (
        String::from_utf8(out.stdout).expect("utf-8 output"),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn compliant_sample_is_clean_and_exits_zero() {
    let (out, code) = stdout_of(&["check", "examples/compliant"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("checked 4 files, 6 objects: 0 errors, 0 warnings, 0 notes"),
        "{out}"
    );
}

#[test]
fn shop_sample_has_findings_and_a_broken_file_does_not_hide_the_others() {
    let (out, code) = stdout_of(&["check", "examples/shop", "--format", "compact"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("examples/shop/broken/typo.yaml:"), "{out}");
    assert!(out.contains("error[parse-error]"), "{out}");
    assert!(
        out.contains("examples/shop/api/hpa.yaml:11:16: error[hpa-min-replicas] minReplicas is 1"),
        "{out}"
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    // Only an info finding: template-skipped.
    let dir = "fixtures/template-skipped/fail.yaml";
    assert_eq!(stdout_of(&["check", dir]).1, 0);
    assert_eq!(stdout_of(&["check", dir, "--fail-on", "info"]).1, 1);
    assert_eq!(
        stdout_of(&["check", "examples/shop", "--fail-on", "never"]).1,
        0
    );
    assert_eq!(
        stdout_of(&["check", "examples/shop", "--fail-on", "error"]).1,
        1
    );
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(stdout_of(&["check", "--format", "xml"]).1, 2);
    assert_eq!(stdout_of(&["frobnicate"]).1, 2);
    let out = scalelint()
        .args(["explain", "hpa-min-replica"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `hpa-min-replicas`"), "{err}");
}

const DUPLICATE: &str = "spec:\n  minReplicas: 2\n  maxReplicas: 10\n  minReplicas: 3\n";

fn stdin_run(input: &str, args: &[&str]) -> (String, i32) {
    let out = scalelint()
        .args(["check", "-", "--stdin-filename", "dup.yaml"])
        .args(args)
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn compact_format_is_one_line_per_finding() {
    let (out, code) = stdin_run(DUPLICATE, &["--format", "compact"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "dup.yaml:4:3: error[duplicate-key] key `minReplicas` is set twice in the same mapping; the last one silently wins\n"
    );
}

#[test]
fn json_format_is_versioned_and_positions_are_one_based() {
    let (out, code) = stdin_run(DUPLICATE, &["--format", "json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).expect("stdout is one JSON document");
    assert_eq!(v["version"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["rule"], "duplicate-key");
    assert_eq!(d["level"], "error");
    assert_eq!(d["path"], "dup.yaml");
    assert_eq!(d["start"], serde_json::json!({"line": 4, "column": 3}));
    assert_eq!(d["end"], serde_json::json!({"line": 4, "column": 14}));
    assert_eq!(d["labels"][0]["start"]["line"], 2);
    assert_eq!(d["labels"][0]["message"], "first set here");
    assert!(d["help"].is_string());
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn sarif_format_is_only_the_document_with_rules_and_results() {
    let (out, _) = stdout_of(&["check", "examples/shop", "--format", "sarif"]);
    let v: Value = serde_json::from_str(&out).expect("stdout is one SARIF document");
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "scalelint");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "hpa-min-replicas"));
    for r in run["results"].as_array().unwrap() {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
    }
    // An empty run still has `results`.
    let (out, _) = stdout_of(&["check", "examples/compliant", "--format", "sarif"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn stdin_is_named_by_stdin_filename() {
    let input = std::fs::read_to_string("fixtures/hpa-min-replicas/fail.yaml").unwrap();
    let out = scalelint()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "chart.yaml",
            "--format",
            "compact",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("chart.yaml:11:16: error[hpa-min-replicas]"),
        "{text}"
    );
    assert!(text.lines().all(|l| l.starts_with("chart.yaml:")), "{text}");
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let out = scalelint()
        .args([
            "check",
            "fixtures/duplicate-key/fail.yaml",
            "--format",
            "json",
            "--output",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"duplicate-key"), "{rules:?}");
}

#[test]
fn output_is_identical_from_run_to_run() {
    let a = stdout_of(&["check", "tests/corpus/k8s", "examples", "--format", "json"]).0;
    let b = stdout_of(&["check", "tests/corpus/k8s", "examples", "--format", "json"]).0;
    assert_eq!(a, b);
}

#[test]
fn human_output_has_no_colour_off_a_terminal() {
    let (out, _) = stdout_of(&["check", "examples/shop"]);
    assert!(!out.contains('\u{1b}'), "escape codes in piped output");
    assert!(
        out.contains("  --> examples/shop/api/hpa.yaml:11:16"),
        "{out}"
    );
}

#[test]
fn rules_and_explain_come_from_metadata() {
    let (out, code) = stdout_of(&["rules"]);
    assert_eq!(code, 0);
    assert!(out.contains("hpa-min-replicas"));
    assert!(out.contains("parse-error"));
    let (out, code) = stdout_of(&["explain", "hpa-min-replicas"]);
    assert_eq!(code, 0);
    assert!(out.contains("### Why"), "{out}");
    assert!(out.contains("| `min` | integer | `2` |"), "{out}");
    assert!(
        out.contains("```yaml"),
        "the failing fixture is shown: {out}"
    );
}

#[test]
fn missing_paths_are_io_errors_not_crashes() {
    let (out, code) = stdout_of(&[
        "check",
        "no/such/file.yaml",
        "examples/compliant",
        "--format",
        "compact",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("no/such/file.yaml:1:1: error[io-error]"),
        "{out}"
    );
}

#[test]
fn gitignored_and_hidden_files_are_not_walked_but_named_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "a: 1\na: 2\n";
    std::fs::write(dir.path().join(".gitignore"), "ignored.yaml\n").unwrap();
    std::fs::write(dir.path().join("ignored.yaml"), bad).unwrap();
    std::fs::create_dir(dir.path().join(".hidden")).unwrap();
    std::fs::write(dir.path().join(".hidden/x.yaml"), bad).unwrap();
    std::fs::write(dir.path().join("notes.txt"), bad).unwrap();
    std::fs::write(dir.path().join("kept.yml"), bad).unwrap();
    let out = scalelint()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "compact"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        "kept.yml:2:1: error[duplicate-key] key `a` is set twice in the same mapping; the last one silently wins\n"
    );
    // Named explicitly, any file is read.
    let out = scalelint()
        .current_dir(dir.path())
        .args(["check", "notes.txt", "ignored.yaml", "--format", "compact"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
}

#[test]
fn columns_count_characters_in_json_and_utf16_units_in_sarif() {
    // `𝄞` is one character but two UTF-16 code units, and four bytes.
    let input = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec: {\"𝄞\": 1, minReplicas: 1, maxReplicas: 5}\n";
    let run = |format: &str| {
        let out = scalelint()
            .args([
                "check",
                "-",
                "--stdin-filename",
                "hpa.yaml",
                "--format",
                format,
            ])
            .write_stdin(input)
            .output()
            .unwrap();
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let json = run("json");
    let d = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "hpa-min-replicas")
        .unwrap();
    assert_eq!(d["start"], serde_json::json!({"line": 4, "column": 29}));
    let sarif = run("sarif");
    let r = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "hpa-min-replicas")
        .unwrap();
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 4);
    assert_eq!(region["startColumn"], 30);
    assert_eq!(region["endColumn"], 31);
}

#[test]
fn sarif_fingerprints_survive_moved_lines() {
    let original = std::fs::read_to_string("examples/shop/api/hpa.yaml").unwrap();
    let moved = format!("# a comment\n# and another\n\n{original}");
    let fingerprints = |text: String| {
        let out = scalelint()
            .args([
                "check",
                "-",
                "--stdin-filename",
                "hpa.yaml",
                "--format",
                "sarif",
            ])
            .write_stdin(text)
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["scalelintLocation/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let a = fingerprints(original);
    let b = fingerprints(moved);
    assert_eq!(a.len(), b.len());
    assert!(!a.is_empty());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.0, y.0);
        assert_eq!(x.1, y.1, "fingerprint of {} changed", x.0);
        assert_eq!(x.2 + 3, y.2);
    }
    // Distinct findings have distinct fingerprints.
    let mut fps: Vec<&String> = a.iter().map(|x| &x.1).collect();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), a.len());
}

#[test]
fn sarif_reports_unreadable_files_as_tool_notifications() {
    let (out, _) = stdout_of(&[
        "check",
        "no/such/file.yaml",
        "examples/compliant",
        "--format",
        "sarif",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    let n = &inv["toolExecutionNotifications"][0];
    assert_eq!(n["associatedRule"]["id"], "io-error");
    assert_eq!(v["runs"][0]["automationDetails"]["id"], "scalelint/");
    let rule = &v["runs"][0]["tool"]["driver"]["rules"][0];
    assert!(
        rule["helpUri"]
            .as_str()
            .unwrap()
            .contains("/docs/rules.md#")
    );
}

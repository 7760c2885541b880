//! No swallowed errors. Writing the output: a failed write to standard output or `--output` is an error (exit code
//! 2, a message on standard error), never silence; a closed pipe (`| head`) stays quiet.

use std::process::{Command, Stdio};

const FILE: &str = "fixtures/hpa-min-replicas/fail.yaml";

fn scalelint() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("scalelint"));
    c.env_remove("NO_COLOR");
    c
}

/// Exit code and standard error of a run whose standard output goes to `stdout`.
fn with_stdout(args: &[&str], stdout: Stdio) -> (i32, String) {
    let out = scalelint()
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_an_error() {
    let full = || Stdio::from(std::fs::File::create("/dev/full").unwrap());
    for format in ["human", "json", "sarif"] {
        let (code, err) = with_stdout(&["check", FILE, "--format", format], full());
        assert_eq!(code, 2, "{format}: {err}");
        assert!(
            err.starts_with("scalelint: error: cannot write to standard output: "),
            "{format}: {err}"
        );
    }
    for args in [
        &["rules"][..],
        &["rules", "--format", "markdown"],
        &["explain", "parse-error"],
    ] {
        let (code, err) = with_stdout(args, full());
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains("cannot write to standard output"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_is_quiet() {
    for args in [
        &["check", FILE][..],
        &["check", FILE, "--format", "json"],
        &["rules"],
        &["rules", "--format", "markdown"],
        &["explain", "hpa-min-replicas"],
    ] {
        let mut child = scalelint()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the output is written, as `| head -0` would.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.is_empty(), "{args:?}: {err}");
        let code = out.status.code();
        assert!(matches!(code, Some(0 | 1)), "{args:?}: {code:?}");
    }
}

#[test]
fn an_output_file_that_cannot_be_written_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/folder/report.json");
    for target in [dir.path(), missing.as_path()] {
        let out = scalelint()
            .args(["check", FILE, "--format", "json", "--output"])
            .arg(target)
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{target:?}: {err}");
        assert!(
            err.starts_with("scalelint: error: cannot write "),
            "{target:?}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
}

/// Without a current directory no configuration can be found: an error, not a run without it.
#[cfg(target_os = "linux")]
#[test]
fn a_vanished_current_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("scalelint");
    let out = Command::new("sh")
        .current_dir(dir.path())
        .args([
            "-c",
            "mkdir gone && cd gone && rmdir ../gone && exec \"$0\" check /dev/null",
        ])
        .arg(&bin)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("scalelint: error: cannot read the current directory"),
        "{err}"
    );
}

#[test]
fn sarif_places_a_finding_inside_a_configmaps_embedded_file() {
    // The ConfigMap fixture: `maxmemory 0` on line 10, its value at column 15.
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (out, _, _) = crate::common::run(
        &root,
        &[
            "check",
            "--format",
            "sarif",
            "fixtures/redis-maxmemory/fail-configmap.yaml",
        ],
    );
    let sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "redis-maxmemory")
        .expect("redis-maxmemory");
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_i64(), region["startColumn"].as_i64()),
        (Some(10), Some(15))
    );
}

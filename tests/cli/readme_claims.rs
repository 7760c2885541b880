//! What README.md promises a user, checked against the real binary and the repository: the
//! JSON example is real output, install and CI snippets pin what exists, the human summary
//! and `explain` say what the README says.

use std::process::{Command, Stdio};

fn readme() -> String {
    std::fs::read_to_string("README.md").unwrap()
}

/// The text of the first fenced block of `lang` after `marker`.
fn block_after<'a>(text: &'a str, marker: &str, lang: &str) -> &'a str {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in README"));
    let open = format!("```{lang}\n");
    let start = at + text[at..].find(&open).unwrap() + open.len();
    let end = start + text[start..].find("```\n").unwrap();
    &text[start..end]
}

fn scalelint(args: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("scalelint"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut input, stdin.as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn the_json_example_is_real_output_byte_for_byte() {
    let readme = readme();
    let input = block_after(&readme, "<!-- json-example:start -->", "yaml");
    let command = "scalelint check - --stdin-filename hpa.yaml --format json < hpa.yaml";
    assert!(readme.contains(command), "README shows the command");
    let shown = block_after(&readme, "<!-- json-example:start -->", "json");
    let (out, err, code) = scalelint(
        &[
            "check",
            "-",
            "--stdin-filename",
            "hpa.yaml",
            "--format",
            "json",
        ],
        input,
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        shown, out,
        "README's JSON example differs from the output; paste the output above"
    );
}

#[test]
fn install_and_ci_snippets_pin_what_exists() {
    let readme = readme();
    // No release is tagged: the examples pin a commit, and say how.
    let tags = Command::new("git").args(["tag", "--list"]).output();
    let tags = tags
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    for line in readme.lines() {
        if let Some(rev) = line
            .trim()
            .strip_prefix("rev: ")
            .or_else(|| line.trim().strip_prefix("- uses: scalelint/scalelint@"))
        {
            let rev = rev.split_whitespace().next().unwrap_or("");
            assert!(
                tags.lines().any(|t| t == rev) || rev == "COMMIT_SHA",
                "README pins `{rev}`, which is neither a tag nor the commit placeholder"
            );
        }
    }
    assert!(readme.contains("git ls-remote https://github.com/scalelint/scalelint"));
    // `cargo install` without `--locked` ignores Cargo.lock.
    for line in readme.lines().filter(|l| l.contains("cargo install ")) {
        if line.contains("cargo-fuzz") {
            continue;
        }
        assert!(line.contains("--locked"), "{line}");
    }
    let action = std::fs::read_to_string("action.yml").unwrap();
    assert!(action.contains("cargo install --locked"), "{action}");
    assert!(readme.contains("several minutes"));
}

#[test]
fn the_human_summary_counts_notes_as_findings_call_them() {
    let input = std::fs::read_to_string("fixtures/template-skipped/fail.yaml").unwrap();
    let (out, _, _) = scalelint(&["check", "-", "--stdin-filename", "chart.yaml"], &input);
    assert!(out.contains("note[template-skipped]"), "{out}");
    assert!(out.contains(": 0 errors, 0 warnings, 1 note in "), "{out}");
    assert!(!out.contains("info"), "{out}");
}

#[test]
fn explain_does_not_point_at_files_an_installed_binary_lacks() {
    let (out, _, code) = scalelint(&["explain", "hpa-min-replicas"], "");
    assert_eq!(code, 0);
    assert!(!out.contains("fixtures/"), "{out}");
    assert!(out.contains("Failing example (`fail.yaml`):"), "{out}");
    assert!(out.contains("Passing example (`pass.yaml`):"), "{out}");
}

#[test]
fn the_readme_says_which_output_is_deterministic() {
    let readme = readme();
    assert!(!readme.contains("output is identical from run to run"));
    assert!(readme.contains("except for the elapsed time"));
}

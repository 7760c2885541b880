//! The same input gives byte-identical output across runs and thread counts (issue 10).

use std::process::Command;

const CORPUS: &str = "../shared/corpus";

fn run(threads: &str, format: &str) -> (Vec<u8>, Option<i32>) {
    let out = Command::new(assert_cmd::cargo::cargo_bin("scalelint"))
        .args(["check", CORPUS, "--format", format, "--fail-on", "never"])
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    (out.stdout, out.status.code())
}

#[test]
fn corpus_output_is_identical_across_runs_and_thread_counts() {
    if !std::path::Path::new(CORPUS).is_dir() {
        eprintln!("{CORPUS} not present: determinism test skipped");
        return;
    }
    for format in ["json", "sarif"] {
        let one = run("1", format);
        assert_eq!(one.1, Some(0), "{format}");
        assert!(one.0.len() > 1000, "{format}: suspiciously small output");
        for threads in ["4", "4", "1"] {
            let other = run(threads, format);
            assert!(
                one == other,
                "{format} output differs between 1 and {threads} threads"
            );
        }
    }
}

#[test]
fn jobs_flag_does_not_change_the_output() {
    let run = |jobs: &str| {
        let out = assert_cmd::Command::cargo_bin("scalelint")
            .unwrap()
            .args([
                "check", "examples", "fixtures", "--format", "json", "--jobs", jobs,
            ])
            .output()
            .unwrap();
        (out.stdout, out.status.code())
    };
    let one = run("1");
    assert!(!one.0.is_empty());
    assert_eq!(one, run("3"));
    let bad = assert_cmd::Command::cargo_bin("scalelint")
        .unwrap()
        .args(["check", "examples", "--jobs", "0"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

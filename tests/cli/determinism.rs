//! The same input gives byte-identical output across runs and thread counts (issue 10).

use crate::common::{CORPUS, shared_corpus};
use std::path::Path;
use std::process::Command;

fn run(corpus: &Path, threads: &str, format: &str) -> (Vec<u8>, Option<i32>) {
    let out = Command::new(assert_cmd::cargo::cargo_bin("scalelint"))
        .arg("check")
        .arg(corpus)
        .args(["--format", format, "--fail-on", "never"])
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    (out.stdout, out.status.code())
}

fn identical_across_runs_and_thread_counts(corpus: &Path) {
    for format in ["json", "sarif"] {
        let one = run(corpus, "1", format);
        assert_eq!(one.1, Some(0), "{format}");
        assert!(one.0.len() > 1000, "{format}: suspiciously small output");
        for threads in ["4", "4", "1"] {
            let other = run(corpus, threads, format);
            assert!(
                one == other,
                "{format} output differs between 1 and {threads} threads"
            );
        }
    }
}

#[test]
fn corpus_output_is_identical_across_runs_and_thread_counts() {
    identical_across_runs_and_thread_counts(Path::new(CORPUS));
}

#[test]
fn corpus_output_is_identical_across_runs_and_thread_counts_opt_in() {
    let Some(corpus) = shared_corpus("the whole shared corpus through the binary, 1 and 4 threads")
    else {
        return;
    };
    identical_across_runs_and_thread_counts(&corpus);
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

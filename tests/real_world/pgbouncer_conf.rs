//! `pgbouncer.conf` is PgBouncer's config as much as `pgbouncer.ini` (packages and images
//! ship both names): linted alike whether walked or named, with the same findings.
//!
//! The configs are PgBouncer's own, copied into `tests/corpus/pgbouncer/` (ISC, see
//! `tests/corpus/SOURCES.tsv`). The same comparison over every ini of the shared corpus's
//! `pgbouncer/` is opt-in: `SCALELINT_SHARED_CORPUS=1 cargo test --test real_world pgbouncer_conf`.

use crate::common::{self, CORPUS, shared_corpus};
use scalelint::Report;
use std::path::{Path, PathBuf};

fn pgbouncer_dir() -> PathBuf {
    Path::new(CORPUS).join("pgbouncer")
}

/// `line:col rule: message [labels]` of every finding, file names left out.
fn findings(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| {
            let file = &report.files[f.file];
            let at = file.line_col(f.span.start);
            let labels: Vec<String> = f
                .labels
                .iter()
                .map(|l| {
                    let lc = file.line_col(l.span.start);
                    format!("{}:{} {}", lc.line, lc.column, l.message)
                })
                .collect();
            format!(
                "{}:{} {}: {} {labels:?}",
                at.line, at.column, f.rule, f.message
            )
        })
        .collect()
}

fn ini_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ini"))
        .collect();
    files.sort();
    files
}

/// Lint `ini` as it is, then a copy named `pgbouncer.conf`, named explicitly and found by
/// walking its folder: all three give the same findings, which are returned.
fn same_as_conf(ini: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(ini).unwrap();
    let as_ini = common::lint_files([ini]);
    assert_eq!(as_ini.objects, 1, "{}", ini.display());
    let want = findings(&as_ini);
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("pgbouncer.conf");
    std::fs::write(&conf, &text).unwrap();
    let named = common::lint_files([&conf]);
    assert_eq!(named.objects, 1, "{} named", ini.display());
    assert_eq!(
        findings(&named),
        want,
        "{} named as pgbouncer.conf",
        ini.display()
    );
    let walked = common::lint_files([dir.path()]);
    assert_eq!(walked.objects, 1, "{} walked", ini.display());
    assert_eq!(
        findings(&walked),
        want,
        "{} walked as pgbouncer.conf",
        ini.display()
    );
    want
}

#[test]
fn copied_configs_give_the_same_findings_as_pgbouncer_conf() {
    let files = ini_files(&pgbouncer_dir());
    assert_eq!(files.len(), 4, "{files:?}");
    for ini in &files {
        assert!(!same_as_conf(ini).is_empty(), "{}", ini.display());
    }
}

#[test]
fn shared_corpus_gives_the_same_findings_as_pgbouncer_conf_opt_in() {
    let Some(root) = shared_corpus(
        "every pgbouncer ini of the shared corpus linted as pgbouncer.conf (four of them of \
         unknown licence)",
    ) else {
        return;
    };
    let dir = &root.join("pgbouncer");
    let files = ini_files(dir);
    assert!(files.len() >= 8, "{} holds {files:?}", dir.display());
    for ini in &files {
        same_as_conf(ini);
    }
}

#[test]
fn cli_walks_and_names_pgbouncer_conf() {
    let text = std::fs::read_to_string(pgbouncer_dir().join("pgbouncer-pgbouncer__test__test.ini"))
        .unwrap();
    let p = common::project(&[
        ("db/pgbouncer.conf", &text),
        ("db/nginx.conf", "events {}\n"),
    ]);
    for args in [
        &["check", "--format", "compact", "."][..],
        &["check", "--format", "compact", "db/pgbouncer.conf"],
    ] {
        let (out, _, code) = common::run(p.path(), args);
        assert_eq!(code, 1, "{args:?}: {out}");
        // pool_mode = statement, at line 80 of PgBouncer's test.ini.
        assert!(
            out.contains("db/pgbouncer.conf:80:13: warning[pgbouncer-pool-mode]"),
            "{args:?}: {out}"
        );
        assert!(!out.contains("nginx.conf"), "{out}");
    }
}

//! Real pgbouncer.ini files: they parse cleanly, the rules land on the right lines, and the
//! `userlist.txt` beside them is never linted. PgBouncer's own files are copied into
//! `tests/corpus/pgbouncer` (ISC); the configs from other projects (licences unknown) are
//! opt-in.

use crate::common::{CORPUS, lint_files, shared_corpus, under};
use scalelint::Report;
use std::path::{Path, PathBuf};

fn pgbouncer_dir() -> PathBuf {
    Path::new(CORPUS).join("pgbouncer")
}

fn run(paths: &[&str]) -> Report {
    run_in(&pgbouncer_dir(), paths)
}

fn run_in(dir: &Path, paths: &[&str]) -> Report {
    lint_files(paths.iter().map(|p| under(dir, p)))
}

/// `file-name:line:col rule` for every finding, file names without the corpus folder.
fn positions(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| {
            let file = &report.files[f.file];
            let at = file.line_col(f.span.start);
            let name = file.path.rsplit('/').next().unwrap_or(&file.path);
            format!("{name}:{}:{} {}", at.line, at.column, f.rule)
        })
        .collect()
}

fn ini_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("corpus present")
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| n.ends_with(".ini"))
        .collect();
    names.sort();
    names
}

/// Every ini of `dir` is one PgBouncer object without parse errors; returns how many.
fn every_ini_parses_without_errors(dir: &Path) -> usize {
    let names = ini_files(dir);
    for name in &names {
        let report = run_in(dir, &[name]);
        assert_eq!(report.files.len(), 1, "{name}");
        assert_eq!(report.objects, 1, "{name} is one PgBouncer object");
        let problems: Vec<String> = positions(&report)
            .into_iter()
            .filter(|p| {
                p.ends_with(" parse-error")
                    || p.ends_with(" duplicate-key")
                    || p.ends_with(" io-error")
            })
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
    }
    names.len()
}

#[test]
fn every_corpus_ini_parses_without_errors() {
    // PgBouncer's etc/pgbouncer.ini, etc/pgbouncer-minimal.ini, test/test.ini and
    // test/ctest6000.ini.
    assert_eq!(every_ini_parses_without_errors(&pgbouncer_dir()), 4);
}

#[test]
fn every_corpus_ini_parses_without_errors_opt_in() {
    let Some(root) = shared_corpus(
        "every pgbouncer.ini of the shared corpus, four of them from projects of unknown licence",
    ) else {
        return;
    };
    let n = every_ini_parses_without_errors(&root.join("pgbouncer"));
    assert!(n >= 8, "corpus not found: {n} files");
}

#[test]
fn upstream_example_config_gets_the_defaults_judged_at_line_1() {
    // pgbouncer's own etc/pgbouncer.ini: 400 lines, nearly all comments; it sets none of the
    // pool settings, so PgBouncer's defaults (session, 100 clients, no reserve) are judged.
    let report = run(&["pgbouncer-pgbouncer__etc__pgbouncer.ini"]);
    assert_eq!(
        positions(&report),
        [
            "pgbouncer-pgbouncer__etc__pgbouncer.ini:1:1 pgbouncer-max-client-conn",
            "pgbouncer-pgbouncer__etc__pgbouncer.ini:1:1 pgbouncer-pool-mode",
            "pgbouncer-pgbouncer__etc__pgbouncer.ini:1:1 pgbouncer-reserve-pool",
        ]
    );
}

#[test]
fn test_config_findings_land_on_their_values() {
    let report = run(&["pgbouncer-pgbouncer__test__test.ini"]);
    assert_eq!(
        positions(&report),
        [
            "pgbouncer-pgbouncer__test__test.ini:1:1 pgbouncer-reserve-pool",
            // p3 = port=6666 host=127.0.0.1 dbname=p0 user=bouncer pool_mode=session
            "pgbouncer-pgbouncer__test__test.ini:10:64 pgbouncer-pool-mode",
            // pool_mode = statement
            "pgbouncer-pgbouncer__test__test.ini:80:13 pgbouncer-pool-mode",
            // max_client_conn = 10
            "pgbouncer-pgbouncer__test__test.ini:83:19 pgbouncer-max-client-conn",
        ]
    );
    let file = &report.files[0];
    let texts: Vec<&str> = report.findings.iter().map(|f| file.slice(f.span)).collect();
    assert_eq!(texts, ["", "session", "statement", "10"]);
}

#[test]
fn real_world_configs_opt_in() {
    let Some(root) = shared_corpus(
        "pgbouncer.ini files of scalable-n8n, rinha-de-backend-2024-q1 and pooler-bench \
         (licences unknown)",
    ) else {
        return;
    };
    let dir = root.join("pgbouncer");
    let run = |paths: &[&str]| run_in(&dir, paths);
    // Transaction pooling, 1000 clients, a reserve of 20, pool 50: nothing to say.
    let report = run(&["LucasMedeiros-dev-scalable-n8n__pgbouncer.ini"]);
    assert!(report.findings.is_empty(), "{:#?}", positions(&report));
    // No final newline; no pool_mode, no max_client_conn; a reserve of 10.
    let report = run(&["GA9BR1-rinha-de-backend-2024-q1__pgbouncer.ini"]);
    assert_eq!(
        positions(&report),
        [
            "GA9BR1-rinha-de-backend-2024-q1__pgbouncer.ini:1:1 pgbouncer-max-client-conn",
            "GA9BR1-rinha-de-backend-2024-q1__pgbouncer.ini:1:1 pgbouncer-pool-mode",
        ]
    );
    // `key=value` without blanks; default_pool_size 100 equals the default max_client_conn.
    let report = run(&["JelteF-pooler-bench__pgbouncer.ini"]);
    assert_eq!(
        positions(&report),
        [
            "JelteF-pooler-bench__pgbouncer.ini:1:1 pgbouncer-max-client-conn",
            "JelteF-pooler-bench__pgbouncer.ini:1:1 pgbouncer-reserve-pool",
        ]
    );
}

#[test]
fn userlist_named_explicitly_produces_nothing() {
    let report = run(&["pgbouncer-pgbouncer__etc__userlist.txt"]);
    assert_eq!(report.files.len(), 1, "it is read");
    assert_eq!(report.objects, 0);
    assert!(report.findings.is_empty(), "{:#?}", positions(&report));
}

/// Walking `dir` lints every ini as one object, and not `userlist.txt`.
fn the_folder_walked_lints_every_ini_and_not_the_userlist_in(dir: &Path) {
    assert!(dir.join("pgbouncer-pgbouncer__etc__userlist.txt").is_file());
    let report = run_in(dir, &["."]);
    let ini = ini_files(dir).len();
    assert_eq!(report.objects, ini);
    assert!(
        report
            .findings
            .iter()
            .all(|f| !report.files[f.file].path.ends_with("userlist.txt")),
        "{:#?}",
        positions(&report)
    );
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.rule == "parse-error" || f.rule == "duplicate-key"),
        "{:#?}",
        positions(&report)
    );
}

#[test]
fn the_folder_walked_lints_every_ini_and_not_the_userlist() {
    the_folder_walked_lints_every_ini_and_not_the_userlist_in(&pgbouncer_dir());
}

#[test]
fn the_folder_walked_lints_every_ini_and_not_the_userlist_opt_in() {
    let Some(root) = shared_corpus(
        "walking the shared corpus's pgbouncer/, four of its inis of unknown licence",
    ) else {
        return;
    };
    the_folder_walked_lints_every_ini_and_not_the_userlist_in(&root.join("pgbouncer"));
}

#[test]
fn the_scaling_guide_example_is_silent() {
    let report = lint_files(["fixtures/pgbouncer-pool-mode/pass.ini"]);
    assert_eq!(report.objects, 1);
    assert!(report.findings.is_empty(), "{:#?}", positions(&report));
}

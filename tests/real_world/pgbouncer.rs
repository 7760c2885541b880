//! Real pgbouncer.ini files from `../shared/corpus/pgbouncer`: they parse cleanly, the rules
//! land on the right lines, and the `userlist.txt` beside them is never linted.

use scalelint::engine::{Report, lint_paths};
use std::path::PathBuf;

const CORPUS: &str = "../shared/corpus/pgbouncer";

fn run(paths: &[&str]) -> Report {
    lint_paths(paths.iter().map(|p| PathBuf::from(CORPUS).join(p))).expect("rules load")
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

fn ini_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(CORPUS)
        .expect("corpus present")
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| n.ends_with(".ini"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_corpus_ini_parses_without_errors() {
    let names = ini_files();
    assert!(names.len() >= 8, "corpus not found: {names:?}");
    for name in &names {
        let report = run(&[name]);
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
fn real_world_configs() {
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

#[test]
fn the_folder_walked_lints_every_ini_and_not_the_userlist() {
    let report = run(&["."]);
    let ini = ini_files().len();
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
fn the_scaling_guide_example_is_silent() {
    let report = lint_paths(["fixtures/pgbouncer-pool-mode/pass.ini"]).expect("rules load");
    assert_eq!(report.objects, 1);
    assert!(report.findings.is_empty(), "{:#?}", positions(&report));
}

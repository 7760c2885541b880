//! Redis: the cases a single-file fixture cannot show (files side by side, duplicates and
//! syntax errors in redis.conf, sniffing) and, opt-in, real files of the shared corpus's
//! `redis/`: the upstream redis.conf and sentinel.conf (RSALv2/SSPLv1 at the corpus commit)
//! and configs from the wild (licences unknown), none of which could be copied.

use crate::common::{CORPUS, lint_files, lint_texts, shared_corpus, under};
use scalelint::Report;
use scalelint::sources::redis;
use std::path::{Path, PathBuf};

fn run(paths: &[PathBuf]) -> Report {
    lint_files(paths)
}

fn in_memory(files: &[(&str, &str)]) -> Report {
    lint_texts(files)
}

/// The shared corpus's `redis/`, when the opt-in is set.
fn shared_redis(what: &str) -> Option<PathBuf> {
    shared_corpus(&format!(
        "{what} (the shared corpus's redis/: redis/redis files under RSALv2/SSPLv1, the others \
         of unknown licence)"
    ))
    .map(|root| under(&root, "redis"))
}

/// `file:line:col rule` for every finding.
fn found(report: &Report) -> Vec<String> {
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

#[test]
fn every_corpus_file_is_redis_and_parses_opt_in() {
    let Some(dir) = shared_redis("every Redis file parses and is recognised") else {
        return;
    };
    let report = run(&[dir]);
    assert_eq!(report.files.len(), 6, "corpus not found");
    assert_eq!(report.objects, 6, "every file is recognised as Redis");
    let bad: Vec<String> = report
        .findings
        .iter()
        .filter(|f| matches!(&*f.rule, "parse-error" | "io-error" | "duplicate-key"))
        .map(|f| format!("{}: {}", report.files[f.file].path, f.message))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // Named or not, each would also be recognised by its content.
    // (Read from disk: the report keeps the text of files with findings only.)
    for f in &report.files {
        let text = std::fs::read_to_string(&f.path).unwrap();
        assert!(redis::looks_like(&text), "{}", f.path);
    }
}

#[test]
fn upstream_redis_conf_has_no_memory_limit_and_nothing_else_out_of_place_opt_in() {
    let Some(dir) = shared_redis("the upstream redis.conf's findings") else {
        return;
    };
    let report = run(&[dir.join("redis-redis__redis.conf")]);
    assert_eq!(report.objects, 1);
    let all = found(&report);
    assert!(
        all.contains(&"redis-redis__redis.conf:1:1 redis-maxmemory".to_string()),
        "{all:#?}"
    );
    // Alone, it also has the default policy and no replication: both about the whole
    // file, so at line 1 as well.
    assert_eq!(
        all,
        [
            "redis-redis__redis.conf:1:1 redis-eviction-policy",
            "redis-redis__redis.conf:1:1 redis-high-availability",
            "redis-redis__redis.conf:1:1 redis-maxmemory",
        ],
        "{all:#?}"
    );
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "redis-maxmemory")
        .unwrap();
    assert!(
        f.message.starts_with("maxmemory is not set"),
        "{}",
        f.message
    );
}

#[test]
fn upstream_sentinel_conf_is_a_sentinel_with_a_sound_quorum_opt_in() {
    let Some(dir) = shared_redis("the upstream sentinel.conf's findings") else {
        return;
    };
    let report = run(&[dir.join("redis-redis__sentinel.conf")]);
    assert_eq!(report.objects, 1);
    // Named `redis-…`, recognised by its content: no server rule may judge it.
    let all = found(&report);
    assert!(
        all.iter().all(|f| f.ends_with("redis-sentinel-quorum")),
        "{all:#?}"
    );
    assert!(all.is_empty(), "quorum 2 is fine: {all:#?}");
}

#[test]
fn the_upstream_sentinel_conf_beside_servers_covers_them_opt_in() {
    let Some(dir) = shared_redis("the upstream sentinel.conf beside real servers") else {
        return;
    };
    // The corpus directory holds the upstream sentinel.conf: the servers beside it are
    // not single points of failure.
    let report = run(&[dir]);
    let ha: Vec<_> = found(&report)
        .into_iter()
        .filter(|f| f.ends_with("redis-high-availability"))
        .collect();
    assert!(ha.is_empty(), "{ha:#?}");
}

#[test]
fn a_sentinel_conf_beside_a_server_covers_it() {
    let server = "port 6379\nmaxmemory 1gb\nmaxmemory-policy allkeys-lru\n";
    let sentinel = "port 26379\nsentinel monitor m 10.0.0.1 6379 2\n";
    let report = in_memory(&[
        ("a/redis.conf", server),
        ("a/sentinel.conf", sentinel),
        ("b/redis.conf", server),
        ("c/d/redis-6379.conf", server),
        ("c/sentinel-26379.conf", sentinel),
    ]);
    let ha: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == "redis-high-availability")
        .map(|f| report.files[f.file].path.clone())
        .collect();
    assert_eq!(ha, ["b/redis.conf", "c/d/redis-6379.conf"]);
}

#[test]
fn the_scaling_guide_example_is_silent() {
    let guide = Path::new("fixtures/redis-maxmemory/pass.conf");
    let text = std::fs::read_to_string(guide).unwrap();
    for line in [
        "cluster-enabled yes",
        "cluster-node-timeout 5000",
        "maxmemory 2gb",
        "maxmemory-policy allkeys-lru",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}");
    }
    let report = run(&[guide.to_path_buf()]);
    assert_eq!(report.objects, 1);
    assert!(report.findings.is_empty(), "{:#?}", found(&report));
}

#[test]
fn windows_paths_and_trailing_spaces_opt_in() {
    let Some(dir) = shared_redis("a redis.conf with Windows paths and trailing spaces") else {
        return;
    };
    let path = dir.join("Albert0i-Redis7.2.4-Homebrew-Replication__redis.conf");
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed = redis::parse(&text);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let dir = parsed.root.get("dir").unwrap();
    assert_eq!(dir.text(), Some(r"c:\data"));
    assert_eq!(&text[dir.span.start..dir.span.end], r"c:\data");
    let port = parsed.root.get("port").unwrap();
    assert_eq!(&text[port.span.start..port.span.end], "6379");
    assert_eq!(parsed.root.get("requirepass").unwrap().text(), Some(""));
    let report = run(&[path]);
    let all = found(&report);
    // 256mb with allkeys-lru: only the standalone server is worth a note.
    assert_eq!(
        all,
        ["Albert0i-Redis7.2.4-Homebrew-Replication__redis.conf:1:1 redis-high-availability"]
    );
}

#[test]
fn crlf_files_keep_exact_positions() {
    let text = "port 6379\r\nmaxmemory 0  \r\nmaxmemory-policy allkeys-lru\r\n";
    let report = in_memory(&[("redis.conf", text)]);
    let all = found(&report);
    assert!(
        all.contains(&"redis.conf:2:11 redis-maxmemory".to_string()),
        "{all:#?}"
    );
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "redis-maxmemory")
        .unwrap();
    assert_eq!(f.span.end - f.span.start, 1);
}

#[test]
fn duplicates_and_syntax_errors_in_redis_conf() {
    let text = "maxmemory 1gb\nsave 900 1\nsave 300 10\nlogfile \"/var/log/redis.log\nMAXMEMORY 2gb\nmaxmemory-policy allkeys-lru\n";
    let report = in_memory(&[("redis.conf", text)]);
    let all = found(&report);
    assert!(
        all.contains(&"redis.conf:5:1 duplicate-key".to_string()),
        "{all:#?}"
    );
    assert!(
        all.contains(&"redis.conf:4:9 parse-error".to_string()),
        "{all:#?}"
    );
    let dup = report
        .findings
        .iter()
        .find(|f| f.rule == "duplicate-key")
        .unwrap();
    assert_eq!(report.files[0].line_col(dup.labels[0].span.start).line, 1);
    assert!(!report.findings.iter().any(|f| f.rule == "redis-maxmemory"));
    let pe = report
        .findings
        .iter()
        .find(|f| f.rule == "parse-error")
        .unwrap();
    assert!(pe.message.contains("unbalanced quotes"), "{}", pe.message);
    // `save` repeats legitimately: one duplicate only.
    assert_eq!(
        report
            .findings
            .iter()
            .filter(|f| f.rule == "duplicate-key")
            .count(),
        1
    );
}

/// No file of these folders of `root` is sniffed as Redis; returns how many were checked.
fn not_sniffed_as_redis(root: &Path, dirs: &[&str]) -> usize {
    let mut checked = 0;
    for dir in dirs {
        let mut stack = vec![under(root, dir)];
        while let Some(d) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(text) = std::fs::read_to_string(&p) {
                    assert!(!redis::looks_like(&text), "{}", p.display());
                    checked += 1;
                }
            }
        }
    }
    checked
}

#[test]
fn other_formats_are_not_sniffed_as_redis_opt_in() {
    let Some(root) = shared_corpus(
        "sniffing every file of the shared corpus's k8s/, kafka/, pgbouncer/, prometheus/ and \
         python-api-base/ (some of unknown licence or none)",
    ) else {
        return;
    };
    let dirs = ["k8s", "kafka", "pgbouncer", "prometheus", "python-api-base"];
    let checked = not_sniffed_as_redis(&root, &dirs);
    assert!(checked > 100, "corpus not found: {checked}");
}

#[test]
fn other_formats_are_not_sniffed_as_redis() {
    let dirs = [
        "embedded",
        "grafana",
        "helm",
        "k6",
        "k8s",
        "kafka",
        "kustomize",
        "pgbouncer",
        "prometheus",
        "yaml-test-suite",
    ];
    let checked = not_sniffed_as_redis(Path::new(CORPUS), &dirs);
    assert_eq!(checked, crate::common::copied_count("", |_| true));

    // A `.conf` that is not Redis is skipped, not linted.
    let report = in_memory(&[
        (
            "nginx.conf",
            "user nginx;\nworker_processes auto;\nevents {\n}\n",
        ),
        ("app.conf", "port: 6379\nmaxmemory: 2gb\n"),
        ("settings.conf", "[main]\nport = 6379\ntimeout = 30\n"),
        (
            "cache.conf",
            "port 6379\nmaxmemory 1gb\nmaxmemory-policy allkeys-lru\n",
        ),
    ]);
    assert_eq!(report.objects, 1);
    assert!(
        found(&report).iter().all(|f| f.starts_with("cache.conf:")),
        "{:#?}",
        found(&report)
    );
}

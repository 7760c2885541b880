//! Suppression comments in the flat formats, read as their programs read them: a comment is
//! a line of its own (or, in pgbouncer.ini, the rest of a `[section]` header), so a
//! `scalelint-disable-…` after a value is part of the value. It silences nothing and is
//! reported with the form that works; the form that works, works.

use crate::common::{project, run};

/// Compact output lines.
fn compact(files: &[(&str, &str)]) -> Vec<String> {
    let p = project(files);
    let (out, _, _) = run(p.path(), &["check", "--format", "compact", "."]);
    out.lines().map(str::to_owned).collect()
}

fn of<'a>(lines: &'a [String], rule: &str) -> Vec<&'a str> {
    lines
        .iter()
        .filter(|l| l.contains(&format!("[{rule}]")))
        .map(String::as_str)
        .collect()
}

#[test]
fn a_directive_after_a_value_is_reported_and_silences_nothing() {
    let lines = compact(&[
        (
            "server.properties",
            "broker.id=0\nlog.dirs=/data\nnum.partitions=3 # scalelint-disable-line kafka-partitions\n",
        ),
        (
            "redis.conf",
            "maxmemory 0 # scalelint-disable-line redis-maxmemory\nmaxmemory-policy allkeys-lru\ncluster-enabled yes\n",
        ),
        (
            "pgbouncer.ini",
            "[pgbouncer]\npool_mode = session ; scalelint-disable-line pgbouncer-pool-mode\nmax_client_conn = 1000\nreserve_pool_size = 5\n",
        ),
    ]);
    let unused = of(&lines, "suppression-unused");
    assert_eq!(unused.len(), 3, "{lines:#?}");
    assert!(
        unused[0].starts_with("pgbouncer.ini:2:21: info[suppression-unused] this suppression is part of the value, not a comment: in pgbouncer.ini `;` and `#` start a comment only at the start of a line"),
        "{unused:#?}"
    );
    assert!(
        unused[1].starts_with("redis.conf:1:13: info[suppression-unused] this suppression is part of the value, not a comment: in redis.conf only a line that starts with `#` is a comment"),
        "{unused:#?}"
    );
    assert!(
        unused[2].starts_with("server.properties:3:18: info[suppression-unused] this suppression is part of the value, not a comment: in a .properties file `#` and `!` start a comment only at the start of a line"),
        "{unused:#?}"
    );
    // The values they were written after are what the programs refuse.
    let invalid = of(&lines, "invalid-value");
    assert_eq!(invalid.len(), 3, "{lines:#?}");
    assert!(
        invalid[0].starts_with("pgbouncer.ini:2:13:"),
        "{invalid:#?}"
    );
    assert!(invalid[1].starts_with("redis.conf:1:11:"), "{invalid:#?}");
    assert!(
        invalid[2].starts_with("server.properties:3:16:"),
        "{invalid:#?}"
    );
}

#[test]
fn the_help_gives_the_line_to_write() {
    let p = project(&[(
        "server.properties",
        "broker.id=0\nlog.dirs=/data\nnum.partitions=3 # scalelint-disable-line kafka-partitions -- dev\n",
    )]);
    let (out, _, _) = run(
        p.path(),
        &["check", "--no-color", "--select", "suppression-unused"],
    );
    assert!(
        out.contains("= help: remove it from the value and write `# scalelint-disable-next-line kafka-partitions -- dev` on a line of its own just above this one"),
        "{out}"
    );
}

#[test]
fn a_comment_line_above_works_in_every_flat_format() {
    let lines = compact(&[
        (
            "server.properties",
            "broker.id=0\nlog.dirs=/data\ndefault.replication.factor=3\nmin.insync.replicas=2\n! scalelint-disable-next-line kafka-partitions -- one consumer\nnum.partitions=3\n",
        ),
        (
            "redis.conf",
            "# scalelint-disable-next-line redis-maxmemory -- a cache sized by the container\nmaxmemory 0\nmaxmemory-policy allkeys-lru\ncluster-enabled yes\n",
        ),
        (
            "pgbouncer.ini",
            "[pgbouncer]\n; scalelint-disable-next-line pgbouncer-pool-mode -- LISTEN/NOTIFY\npool_mode = session\nmax_client_conn = 1000\nreserve_pool_size = 5\n",
        ),
    ]);
    for rule in [
        "kafka-partitions",
        "redis-maxmemory",
        "pgbouncer-pool-mode",
        "suppression-unused",
        "invalid-value",
    ] {
        assert!(of(&lines, rule).is_empty(), "{rule}: {lines:#?}");
    }
}

#[test]
fn yaml_comments_after_a_value_still_work() {
    let lines = compact(&[(
        "topic.yaml",
        "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata:\n  name: t\nspec:\n  partitions: 3 # scalelint-disable-line kafka-partitions\n  replicas: 3\n",
    )]);
    assert!(of(&lines, "kafka-partitions").is_empty(), "{lines:#?}");
    assert!(of(&lines, "suppression-unused").is_empty(), "{lines:#?}");
}

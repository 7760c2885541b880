//! Which parser a file goes to: by name first, then by content.
//!
//! Walking a directory picks files by extension (`*.yaml|yml|json`, `*.ini`, `*.conf`,
//! `*.properties`, `*.js|mjs|cjs|ts|mts|cts`); the name and content then decide whether an
//! `.ini` is PgBouncer, a `.conf` is PgBouncer or Redis, a `.properties` is Kafka, a script
//! is a k6 test (it imports from `k6`). Anything else (a Minecraft
//! `server.properties`, an nginx `.conf`) is not linted and produces no finding. Explicitly
//! named files are classified the same way; one with an unknown extension is sniffed.

use super::{FlatParsed, k6, pgbouncer, properties, redis};
use std::path::Path;

/// What a file's name says it may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Yaml,
    Ini,
    Conf,
    Properties,
    /// JavaScript or TypeScript: a k6 script when it imports from `k6`.
    Script,
    /// Named explicitly (or standard input) with no extension we know: sniff the content.
    Unknown,
}

/// What the file is, once its content has been seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decided {
    Yaml,
    /// YAML from a file whose name promised nothing: linted, but a file that does not parse
    /// is not reported (it was probably never YAML: a `userlist.txt`, a `Makefile`).
    YamlIfValid,
    PgBouncer,
    Redis,
    Kafka,
    /// A k6 load-test script.
    K6,
    /// Not a format scalelint lints.
    Skip,
}

/// The kind of a file found while walking a directory, or `None` to skip it.
pub fn by_name(path: &Path) -> Option<Kind> {
    // kustomize's third name for a kustomization file has no extension.
    if path.file_name().and_then(|n| n.to_str()) == Some("Kustomization") {
        return Some(Kind::Yaml);
    }
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "yaml" | "yml" | "json" => Some(Kind::Yaml),
        "ini" => Some(Kind::Ini),
        "conf" => Some(Kind::Conf),
        "properties" => Some(Kind::Properties),
        "js" | "mjs" | "cjs" | "ts" | "mts" | "cts" => Some(Kind::Script),
        _ => None,
    }
}

/// The kind of a file the user named explicitly: whatever its name, it is read.
pub fn named(path: &Path) -> Kind {
    by_name(path).unwrap_or(Kind::Unknown)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Decide from the name and the text.
pub fn decide(kind: Kind, path: &Path, text: &str) -> Decided {
    decide_parsing(kind, path, text).0
}

/// [`decide`], with the parse of a Kafka config when deciding took one: telling a Kafka
/// `.properties` file from another takes its parse, which is the loader's as well (parsed
/// twice, the properties files were 7 % of a one-thread run of the benchmark corpus).
pub fn decide_parsing(kind: Kind, path: &Path, text: &str) -> (Decided, Option<FlatParsed>) {
    let name = file_name(path);
    let decided = match kind {
        Kind::Yaml => Decided::Yaml,
        Kind::Ini if name.starts_with("pgbouncer") || pgbouncer::looks_like(text) => {
            Decided::PgBouncer
        }
        // PgBouncer documents `pgbouncer.ini`, but packages and images also ship
        // `pgbouncer.conf`. A `pgbouncer*.conf` that is not INI at all (an nginx `stream`
        // block, a logrotate stanza) is not one.
        Kind::Conf if name.starts_with("pgbouncer") && pgbouncer::reads_as_ini(text) => {
            Decided::PgBouncer
        }
        Kind::Conf if name.starts_with("redis") || name.starts_with("sentinel") => Decided::Redis,
        Kind::Conf if pgbouncer::looks_like(text) => Decided::PgBouncer,
        Kind::Conf if redis::looks_like(text) => Decided::Redis,
        Kind::Properties => return kafka_or(text, Decided::Skip),
        Kind::Script if k6::looks_like(text) => Decided::K6,
        Kind::Ini | Kind::Conf | Kind::Script => Decided::Skip,
        Kind::Unknown => {
            if pgbouncer::looks_like(text) {
                Decided::PgBouncer
            } else if redis::looks_like(text) {
                Decided::Redis
            } else {
                return kafka_or(text, Decided::YamlIfValid);
            }
        }
    };
    (decided, None)
}

/// Kafka, with the parse, when `text` is a Kafka config; else `otherwise`.
fn kafka_or(text: &str, otherwise: Decided) -> (Decided, Option<FlatParsed>) {
    match properties::parse_if_kafka(text) {
        Some(parsed) => (Decided::Kafka, Some(parsed)),
        None => (otherwise, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide_named(name: &str, text: &str) -> Decided {
        let path = Path::new(name);
        decide(named(path), path, text)
    }

    const PGBOUNCER: &str = "[databases]\ndb = host=a\n\n[pgbouncer]\npool_mode = session\n";

    #[test]
    fn pgbouncer_conf_is_pgbouncer_by_name_or_content() {
        for name in [
            "pgbouncer.conf",
            "pgbouncer-prod.conf",
            "etc/PgBouncer.CONF",
        ] {
            assert_eq!(decide_named(name, PGBOUNCER), Decided::PgBouncer, "{name}");
        }
        // Any `.conf` (or `.ini`) with a `[pgbouncer]` or `[databases]` section.
        for name in ["pool.conf", "pool.ini", "bouncer"] {
            assert_eq!(decide_named(name, PGBOUNCER), Decided::PgBouncer, "{name}");
            assert_eq!(
                decide_named(name, "[databases]\n* = host=db\n"),
                Decided::PgBouncer,
                "{name}"
            );
        }
        // A file named pgbouncer*.conf that is not INI, or an INI of something else.
        assert_eq!(
            decide_named("pgbouncer.conf", "stream {\n  server { listen 6432; }\n}\n"),
            Decided::Skip
        );
        assert_eq!(
            decide_named("app.conf", "[server]\nport = 1\n"),
            Decided::Skip
        );
    }

    #[test]
    fn redis_conf_stays_redis() {
        let redis = "maxmemory 2gb\nmaxmemory-policy allkeys-lru\n";
        for name in ["redis.conf", "sentinel.conf", "cache.conf"] {
            assert_eq!(decide_named(name, redis), Decided::Redis, "{name}");
        }
        // The name wins: a redis.conf is Redis whatever it holds.
        assert_eq!(decide_named("redis.conf", PGBOUNCER), Decided::Redis);
        assert_eq!(decide_named("nginx.conf", "events {}\n"), Decided::Skip);
    }

    #[test]
    fn walking_picks_conf_files() {
        assert_eq!(by_name(Path::new("a/pgbouncer.conf")), Some(Kind::Conf));
        assert_eq!(by_name(Path::new("a/pgbouncer.ini")), Some(Kind::Ini));
        assert_eq!(by_name(Path::new("a/userlist.txt")), None);
        assert_eq!(
            by_name(Path::new("overlays/prod/Kustomization")),
            Some(Kind::Yaml)
        );
    }
}

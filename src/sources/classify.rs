//! Which parser a file goes to: by name first, then by content.
//!
//! Walking a directory picks files by extension (`*.yaml|yml|json`, `*.ini`, `*.conf`,
//! `*.properties`); the content then decides whether an `.ini` is PgBouncer, a `.conf` is
//! Redis, a `.properties` is Kafka. Anything else (a Minecraft `server.properties`, an
//! nginx `.conf`) is not linted and produces no finding. Explicitly named files are
//! classified the same way; one with an unknown extension is sniffed.

use super::{pgbouncer, properties, redis};
use std::path::Path;

/// What a file's name says it may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Yaml,
    Ini,
    Conf,
    Properties,
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
    /// Not a format scalelint lints.
    Skip,
}

/// The kind of a file found while walking a directory, or `None` to skip it.
pub fn by_name(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "yaml" | "yml" | "json" => Some(Kind::Yaml),
        "ini" => Some(Kind::Ini),
        "conf" => Some(Kind::Conf),
        "properties" => Some(Kind::Properties),
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
    let name = file_name(path);
    match kind {
        Kind::Yaml => Decided::Yaml,
        Kind::Ini if name.starts_with("pgbouncer") || pgbouncer::looks_like(text) => {
            Decided::PgBouncer
        }
        Kind::Conf
            if name.starts_with("redis")
                || name.starts_with("sentinel")
                || redis::looks_like(text) =>
        {
            Decided::Redis
        }
        Kind::Properties if properties::looks_like_kafka(text) => Decided::Kafka,
        Kind::Ini | Kind::Conf | Kind::Properties => Decided::Skip,
        Kind::Unknown => {
            if pgbouncer::looks_like(text) {
                Decided::PgBouncer
            } else if redis::looks_like(text) {
                Decided::Redis
            } else if properties::looks_like_kafka(text) {
                Decided::Kafka
            } else {
                Decided::YamlIfValid
            }
        }
    }
}

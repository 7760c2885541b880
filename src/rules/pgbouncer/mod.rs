//! PgBouncer rules. They judge the `[pgbouncer]` section of a pgbouncer.ini (and the
//! per-database and per-user overrides of `[databases]` and `[users]`).
//!
//! A file without a `[pgbouncer]` section is a fragment (a `%include`d list of databases,
//! say): the settings it does not set are not judged there, since the main file sets them.

pub mod values;

pub use values::rejected_values;

use crate::model::{Node, Object};

domain! {
    pgbouncer_max_client_conn,
    pgbouncer_pool_mode,
    pgbouncer_pool_size,
    pgbouncer_reserve_pool,
}

// PgBouncer's defaults (doc/config.md) for the settings these rules judge.
pub const DEFAULT_POOL_MODE: &str = "session";
pub const DEFAULT_MAX_CLIENT_CONN: i64 = 100;
pub const DEFAULT_POOL_SIZE: i64 = 20;
pub const DEFAULT_RESERVE_POOL_SIZE: i64 = 0;
/// 0 means unlimited.
pub const DEFAULT_MAX_DB_CONNECTIONS: i64 = 0;

/// The `[pgbouncer]` section, if the file has one.
/// How a fix writes `key` set to `value` where `obj`'s settings live, and where that is: a
/// line of the INI file's [pgbouncer] section, a `config.global` entry of a PostgreSQL
/// operator's cluster, the `mode` of a Zalando pooler or the `poolMode` of a CloudNativePG
/// `Pooler` or a KubeDB `PgBouncer` (`sources::embedded::pgbouncer_of`).
pub fn written(obj: &Object, key: &str, value: &str) -> (String, &'static str) {
    if obj.kind == "PgBouncerPooler" && obj.group() == "kubedb.com" {
        return (
            format!("`poolMode: {value}`"),
            " under `spec.connectionPool`",
        );
    }
    if obj.kind == "PgBouncerPooler" && obj.group() == "postgresql.cnpg.io" {
        return (format!("`poolMode: {value}`"), " under `spec.pgbouncer`");
    }
    if obj.kind == "PgBouncerPooler" {
        return (format!("`mode: {value}`"), " under `spec.connectionPooler`");
    }
    if matches!(
        obj.group(),
        "postgres-operator.crunchydata.com" | "pgv2.percona.com"
    ) {
        return (
            format!("`{key}: \"{value}\"`"),
            " under `spec.proxy.pgBouncer.config.global`",
        );
    }
    (format!("`{key} = {value}`"), INI_PLACE)
}

const INI_PLACE: &str = " to the [pgbouncer] section";

/// Whether `obj`'s settings are written as an INI file (a `pgbouncer.ini`, or one kept in a
/// ConfigMap) rather than as an operator resource's fields.
pub fn is_ini(obj: &Object) -> bool {
    written(obj, "", "").1 == INI_PLACE
}

pub fn main_section(obj: &Object) -> Option<&Node> {
    obj.root.get("pgbouncer")
}

/// The `pool_mode` overrides in `[databases]` and `[users]` connection strings: what the
/// section names (`database`, `user`), the entry's name as written, and the value.
pub fn pool_mode_overrides(obj: &Object) -> impl Iterator<Item = (&'static str, &str, &Node)> {
    [("databases", "database"), ("users", "user")]
        .into_iter()
        .flat_map(move |(section, what)| {
            obj.root
                .get(section)
                .and_then(Node::as_map)
                .unwrap_or_default()
                .iter()
                .filter_map(move |e| {
                    let node = e.value.get("pool_mode")?;
                    Some((what, e.key.text().unwrap_or_default(), node))
                })
        })
}

/// An integer setting of `[pgbouncer]` as PgBouncer reads it: the value node when set, and
/// the value in force (the default when absent). `None` when PgBouncer refuses the value
/// (it does not load such a file: `invalid-value`'s) or when it is outside `int` (PgBouncer
/// truncates it to a number these rules do not guess).
pub fn int_setting<'a>(
    section: &'a Node,
    key: &str,
    default: i64,
) -> Option<(Option<&'a Node>, i64)> {
    match section.get(key) {
        None => Some((None, default)),
        Some(node) => parse_int(node.text()?).map(|n| (Some(node), n)),
    }
}

/// An integer as PgBouncer reads it, within `int`: see [`values::read_int`].
pub fn parse_int(text: &str) -> Option<i64> {
    values::read_int(text).value()
}

/// A finding as unit tests look at it: the text under the primary span, message, labels.
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct Hit {
    pub at: String,
    pub message: String,
    pub labels: Vec<String>,
}

/// Runs one PgBouncer rule over a pgbouncer.ini text with some parameters overridden.
#[cfg(test)]
pub(crate) fn run_rule(name: &str, overrides: serde_json::Value, text: &str) -> Vec<Hit> {
    let (source, found) = crate::rules::testing::run(name, overrides, "pgbouncer.ini", text);
    found
        .into_iter()
        .map(|f| Hit {
            at: source.slice(f.span).to_string(),
            message: f.message,
            labels: f
                .labels
                .iter()
                .map(|l| format!("{}: {}", source.slice(l.span), l.message))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_int;

    #[test]
    fn integers_as_strtol_base_0_reads_them() {
        for (text, want) in [
            ("25", Some(25)),
            ("0", Some(0)),
            ("-1", Some(-1)),
            ("+7", Some(7)),
            ("0x10", Some(16)),
            ("0X1f", Some(31)),
            ("010", Some(8)),
            ("08", None),
            ("0x", None),
            ("", None),
            ("-", None),
            ("25 ", None),
            ("1e3", None),
            ("1000k", None),
            ("ten", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(parse_int(text), want, "{text:?}");
        }
    }
}

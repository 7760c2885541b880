//! Redis rules: `redis.conf` (kind `RedisConfig`) and `sentinel.conf` (`SentinelConfig`).
//! The `redis-*` rules judge server configs; a Sentinel config is judged only by
//! `redis-sentinel-quorum`.

pub mod values;

pub use values::rejected_values;

use crate::model::Node;
use crate::rules::values::Read;
use values::{Value, setting};

domain! {
    redis_cluster_node_timeout,
    redis_eviction_policy,
    redis_high_availability,
    redis_maxmemory,
    redis_sentinel_quorum,
}

/// The kind of a server config.
pub const SERVER: &[&str] = &["RedisConfig"];

/// The value of a single-argument setting and what Redis reads in it, when it reads one. A
/// value Redis refuses (a wrong argument count, `1.5gb`) stops it at startup: that is
/// `invalid-value`'s, and the rules leave it alone.
fn read<'a>(root: &'a Node, directive: &str) -> Option<(&'a Node, Value<'a>)> {
    match setting(root, directive)? {
        (node, Read::Value(v)) => Some((node, v)),
        (_, Read::Rejected { .. } | Read::Unknown) => None,
    }
}

/// Whether a server config runs in cluster mode: `cluster-enabled yes` (any case). Returns
/// the value node, for labels.
fn cluster_enabled(root: &Node) -> Option<&Node> {
    match read(root, "cluster-enabled")? {
        (node, Value::Bool(true)) => Some(node),
        _ => None,
    }
}

//! Redis rules: `redis.conf` (kind `RedisConfig`) and `sentinel.conf` (`SentinelConfig`).
//! The `redis-*` rules judge server configs; a Sentinel config is judged only by
//! `redis-sentinel-quorum`.

pub mod redis_cluster_node_timeout;
pub mod redis_eviction_policy;
pub mod redis_high_availability;
pub mod redis_maxmemory;
pub mod redis_sentinel_quorum;
pub mod values;

pub use values::rejected_values;

use crate::engine::rule::Builder;
use crate::model::Node;
use crate::rules::source::invalid_value::Read;
use values::{Value, setting};

pub static RULES: &[(&str, Builder)] = &[
    (redis_maxmemory::NAME, redis_maxmemory::build),
    (redis_eviction_policy::NAME, redis_eviction_policy::build),
    (
        redis_cluster_node_timeout::NAME,
        redis_cluster_node_timeout::build,
    ),
    (
        redis_high_availability::NAME,
        redis_high_availability::build,
    ),
    (redis_sentinel_quorum::NAME, redis_sentinel_quorum::build),
];

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

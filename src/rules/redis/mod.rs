//! Redis rules: `redis.conf` (kind `RedisConfig`) and `sentinel.conf` (`SentinelConfig`).
//! The `redis-*` rules judge server configs; a Sentinel config is judged only by
//! `redis-sentinel-quorum`.

pub mod redis_cluster_node_timeout;
pub mod redis_eviction_policy;
pub mod redis_high_availability;
pub mod redis_maxmemory;
pub mod redis_sentinel_quorum;

use crate::engine::rule::Builder;
use crate::model::Node;
use crate::sources::redis::yes_no;

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

/// The value of a single-argument directive. A directive written with no argument or
/// several is not a value Redis would accept there (it refuses to start): `None`, and the
/// rules leave it alone.
fn single<'a>(root: &'a Node, directive: &str) -> Option<&'a Node> {
    root.get(directive).filter(|n| n.as_scalar().is_some())
}

/// Whether a server config runs in cluster mode: `cluster-enabled yes` (any case). Returns
/// the value node, for labels.
fn cluster_enabled(root: &Node) -> Option<&Node> {
    single(root, "cluster-enabled").filter(|n| n.text().and_then(yes_no) == Some(true))
}

//! `redis-high-availability`: a Redis server that is neither a cluster node nor a replica,
//! with no Sentinel configuration beside it, is a single point of failure.

use super::cluster_enabled;
use crate::engine::rule::{IndexCtx, Rule, Target, build_rule};
use crate::model::{Format, Node, Object};
use serde::Deserialize;

pub const NAME: &str = "redis-high-availability";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisHighAvailability {}

pub fn build(v: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    build_rule::<RedisHighAvailability>(NAME, v)
}

/// The directory part of a shown (`/`-separated) path; `""` for a bare file name.
fn directory(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Whether the server replicates from a primary: `replicaof` (or the old `slaveof`) naming
/// a host. `replicaof no one` is a primary.
fn is_replica(root: &Node) -> bool {
    ["replicaof", "slaveof"].iter().any(|d| match root.get(d) {
        Some(v) => match v.as_seq() {
            Some([host, port]) => {
                !(host.text().is_some_and(|h| h.eq_ignore_ascii_case("no"))
                    && port.text().is_some_and(|p| p.eq_ignore_ascii_case("one")))
            }
            Some(_) => false,
            None => true,
        },
        None => false,
    })
}

fn is_redis(obj: &Object, kind: &str) -> bool {
    obj.format == Format::Redis && obj.kind == kind
}

impl Rule for RedisHighAvailability {
    fn target(&self) -> Target {
        Target::Index
    }

    fn check_index(&self, cx: &mut IndexCtx<'_>) {
        let index = cx.index;
        let sentinel_dirs: Vec<&str> = index
            .objects
            .iter()
            .filter(|o| is_redis(o, "SentinelConfig"))
            .map(|o| directory(index.file_path(o.file)))
            .collect();
        for obj in index.objects.iter().filter(|o| is_redis(o, "RedisConfig")) {
            if cluster_enabled(&obj.root).is_some() || is_replica(&obj.root) {
                continue;
            }
            let dir = directory(index.file_path(obj.file));
            if sentinel_dirs.contains(&dir) {
                continue;
            }
            let f = cx
                .finding(
                    obj.file,
                    obj.anchor_span(),
                    "this Redis server is a single point of failure: it is neither a cluster node (`cluster-enabled yes`) nor a replica (`replicaof`), and no sentinel.conf was analysed beside it",
                )
                .with_label("standalone Redis server")
                .with_help("run replicas monitored by 3 Sentinels (lint their sentinel.conf together with this file), or Redis Cluster with replicas (`cluster-enabled yes`)");
            cx.emit(f);
        }
    }
}

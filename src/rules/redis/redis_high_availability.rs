//! `redis-high-availability`: a Redis server that is neither a cluster node nor a replica,
//! with no Sentinel configuration beside it, is a single point of failure.

use super::values::{Value, replica_of, setting};
use crate::engine::rule::{IndexCtx, IndexRule};
use crate::model::{Format, Node, Object, folder};
use crate::rules::values::Read;
use serde::Deserialize;

crate::declare_rule!(index RedisHighAvailability: "redis" / "redis-high-availability");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RedisHighAvailability {}

/// Whether a server config is a standalone server: neither a cluster node
/// (`cluster-enabled yes`) nor a replica (`replicaof HOST PORT`; `replicaof no one` is a
/// primary). A value Redis refuses leaves the role unknown (it does not start:
/// `invalid-value`), and the file is not judged.
fn standalone(root: &Node) -> bool {
    let cluster = match setting(root, "cluster-enabled") {
        None => false,
        Some((_, Read::Value(Value::Bool(on)))) => on,
        Some(_) => return false,
    };
    let replica = match replica_of(root) {
        None => false,
        Some((_, Read::Value(replica))) => replica,
        Some(_) => return false,
    };
    !cluster && !replica
}

fn is_redis(obj: &Object, kind: &str) -> bool {
    obj.format == Format::Redis && obj.kind == kind
}

impl IndexRule for RedisHighAvailability {
    fn check(&self, cx: &mut IndexCtx<'_>) {
        let index = cx.index;
        let sentinels: Vec<&&Object> = index
            .objects
            .iter()
            .filter(|o| is_redis(o, "SentinelConfig"))
            .collect();
        let sentinel_dirs: Vec<&str> = sentinels
            .iter()
            .map(|o| folder(index.file_path(o.file)))
            .collect();
        // Configs embedded in ConfigMaps carry their namespace (a file's is empty): a
        // sentinel.conf in the same ConfigMap, or another of the namespace, covers them.
        let sentinel_namespaces: Vec<&str> = sentinels
            .iter()
            .filter(|o| !o.namespace.is_empty())
            .map(|o| o.namespace.as_str())
            .collect();
        for obj in index.objects.iter().filter(|o| is_redis(o, "RedisConfig")) {
            if !standalone(&obj.root) {
                continue;
            }
            let dir = folder(index.file_path(obj.file));
            if sentinel_dirs.contains(&dir)
                || (!obj.namespace.is_empty()
                    && sentinel_namespaces.contains(&obj.namespace.as_str()))
            {
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

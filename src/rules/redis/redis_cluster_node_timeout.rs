//! `redis-cluster-node-timeout`: in cluster mode, a node is declared failed (and its
//! replica promoted) only after `cluster-node-timeout`; the default 15 s is a long outage.

use super::values::Value;
use super::{SERVER, cluster_enabled, read};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Format;
use serde::Deserialize;

crate::declare_rule!(object RedisClusterNodeTimeout: "redis" / "redis-cluster-node-timeout");

/// Redis' default, in milliseconds.
const DEFAULT_MS: i64 = 15000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RedisClusterNodeTimeout {
    max_ms: i64,
}

impl ObjectRule for RedisClusterNodeTimeout {
    fn target(&self) -> Target<'_> {
        Target::format(Format::Redis, SERVER)
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(enabled) = cluster_enabled(&cx.obj.root) else {
            return;
        };
        let max = self.max_ms;
        let help = format!("set `cluster-node-timeout {max}` or less");
        let consequence =
            "a failed primary's slots stay unavailable that long before a replica takes over";
        match cx.obj.root.get("cluster-node-timeout") {
            None if DEFAULT_MS > max => {
                let f = cx
                    .finding(
                        cx.obj.anchor_span(),
                        format!("cluster-node-timeout is not set and defaults to {DEFAULT_MS} ms, above {max} ms: {consequence}"),
                    )
                    .with_label("no cluster-node-timeout in this file")
                    .with_secondary(cx.obj.file, enabled.span, "cluster mode enabled here")
                    .with_help(help);
                cx.emit(f);
            }
            None => {}
            Some(_) => {
                // Not an integer Redis reads (`fast`, `+5000`): `invalid-value`'s.
                let Some((node, Value::Int(ms))) = read(&cx.obj.root, "cluster-node-timeout")
                else {
                    return;
                };
                if ms > max {
                    let f = cx
                        .finding(
                            node.span,
                            format!(
                                "cluster-node-timeout is {ms} ms, above {max} ms: {consequence}"
                            ),
                        )
                        .with_label(format!("above {max} ms"))
                        .with_help(help);
                    cx.emit(f);
                }
            }
        }
    }
}

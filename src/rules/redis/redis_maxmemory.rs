//! `redis-maxmemory`: a Redis server without a memory limit grows until the container is
//! OOM-killed, instead of evicting keys.

use super::values::Value;
use super::{SERVER, read};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Format;
use crate::model::Applicability;
use crate::rules::common::set_config;
use crate::sources::edit::New;
use serde::Deserialize;

crate::declare_rule!(object RedisMaxmemory: "redis" / "redis-maxmemory");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RedisMaxmemory {}

const HELP: &str = "set `maxmemory` below the container's memory limit (about 75% of it leaves room for replication buffers and fork copy-on-write), e.g. `maxmemory 2gb`, with an eviction policy";

/// A limit to start from, only shown: the right one depends on the container's memory
/// limit, which the config does not know.
fn fix(cx: &Ctx<'_>, node: Option<&crate::model::Node>) -> Option<crate::model::Fix> {
    set_config(cx, None, "maxmemory", node, &New::str("2gb")).map(|p| {
        p.fix(
            Applicability::DisplayOnly,
            "set `maxmemory` to about 75% of the container's memory limit, e.g. `maxmemory 2gb`",
        )
    })
}

impl ObjectRule for RedisMaxmemory {
    fn target(&self) -> Target<'_> {
        Target::format(Format::Redis, SERVER)
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        match cx.obj.root.get("maxmemory") {
            None => {
                let f = cx
                    .finding(
                        cx.obj.anchor_span(),
                        "maxmemory is not set, so Redis grows without limit until the container is OOM-killed instead of evicting keys",
                    )
                    .with_label("no maxmemory in this file")
                    .with_help(HELP)
                    .with_fix_opt(fix(cx, None));
                cx.emit(f);
            }
            Some(_) => {
                // A value Redis refuses (`1.5gb`) is `invalid-value`'s.
                let Some((node, Value::Bytes(0))) = read(&cx.obj.root, "maxmemory") else {
                    return;
                };
                let text = node.text().unwrap_or_default();
                let f = cx
                    .finding(
                        node.span,
                        format!("maxmemory is `{text}`, which means no limit: Redis grows until the container is OOM-killed instead of evicting keys"),
                    )
                    .with_label("0 means unlimited")
                    .with_help(HELP)
                    .with_fix_opt(fix(cx, Some(node)));
                cx.emit(f);
            }
        }
    }
}

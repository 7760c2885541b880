//! `redis-sentinel-quorum`: a monitored master whose quorum is below 2, so one Sentinel's
//! view (a network blip on one host) is enough to declare it down.

use super::values::monitors;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Format;
use crate::rules::values::Read;
use serde::Deserialize;

crate::declare_rule!(object RedisSentinelQuorum: "redis" / "redis-sentinel-quorum");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RedisSentinelQuorum {}

impl ObjectRule for RedisSentinelQuorum {
    fn target(&self) -> Target<'_> {
        // Server configs too: a `sentinel monitor` line is Sentinel's whatever else the
        // file holds.
        Target::format(Format::Redis, &["SentinelConfig", "RedisConfig"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // sentinel monitor <master-name> <host> <port> <quorum>, as Sentinel reads it; a
        // quorum below 1 or a line it does not recognise stops it: `invalid-value`'s.
        for m in monitors(&cx.obj.root) {
            let Some((quorum, Read::Value(value))) = m.quorum else {
                continue;
            };
            if value >= 2 {
                continue;
            }
            let written = quorum.text().unwrap_or_default();
            let f = cx
                .finding(
                    quorum.span,
                    format!("sentinel monitor `{}` has quorum {written}: a single Sentinel's view (one host's network blip) is enough to declare the master down", m.name),
                )
                .with_label("below 2")
                .with_help("run at least 3 Sentinels and set the quorum to 2 or more (a majority of them)");
            cx.emit(f);
        }
    }
}

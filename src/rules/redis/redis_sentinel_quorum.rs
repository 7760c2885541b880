//! `redis-sentinel-quorum`: a monitored master whose quorum is below 2, so one Sentinel's
//! view (a network blip on one host) is enough to declare it down.

use crate::engine::rule::{Ctx, Rule, Target, build_rule};
use crate::model::{Format, Node};
use serde::Deserialize;

pub const NAME: &str = "redis-sentinel-quorum";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisSentinelQuorum {}

pub fn build(v: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    build_rule::<RedisSentinelQuorum>(NAME, v)
}

/// The quorum as Sentinel reads it (`atoi`): leading digits with an optional sign,
/// anything after them ignored, 0 when there are none.
fn atoi(text: &str) -> i64 {
    let t = text.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let n = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |acc, d| {
            acc.saturating_mul(10).saturating_add(i64::from(d - b'0'))
        });
    if neg { -n } else { n }
}

impl Rule for RedisSentinelQuorum {
    fn target(&self) -> Target {
        // Server configs too: a `sentinel monitor` line is Sentinel's whatever else the
        // file holds.
        Target::Format {
            format: Format::Redis,
            kinds: &["SentinelConfig", "RedisConfig"],
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(lines) = cx.obj.root.get("sentinel").and_then(Node::as_seq) else {
            return;
        };
        for line in lines {
            // sentinel monitor <master-name> <host> <port> <quorum>
            let Some([sub, name, _host, _port, quorum, ..]) = line.as_seq() else {
                continue;
            };
            if !sub
                .text()
                .is_some_and(|s| s.eq_ignore_ascii_case("monitor"))
            {
                continue;
            }
            let written = quorum.text().unwrap_or_default();
            let value = atoi(written);
            if value >= 2 {
                continue;
            }
            let name = name.text().unwrap_or_default();
            let f = cx
                .finding(
                    quorum.span,
                    format!("sentinel monitor `{name}` has quorum {written}: a single Sentinel's view (one host's network blip) is enough to declare the master down"),
                )
                .with_label("below 2")
                .with_help("run at least 3 Sentinels and set the quorum to 2 or more (a majority of them)");
            cx.emit(f);
        }
    }
}

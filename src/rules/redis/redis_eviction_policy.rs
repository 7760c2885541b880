//! `redis-eviction-policy`: what Redis does when `maxmemory` is reached is not one of the
//! allowed eviction policies (by default: evict any key, least recently or least
//! frequently used).

use super::values::Value;
use super::{SERVER, read};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Format;
use crate::model::Applicability;
use crate::rules::common::set_config;
use crate::sources::edit::New;
use serde::Deserialize;

crate::declare_rule!(object RedisEvictionPolicy: "redis" / "redis-eviction-policy");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RedisEvictionPolicy {
    allowed: Vec<String>,
}

/// What a policy does once memory is full, for the message.
fn consequence(policy: &str) -> &'static str {
    match policy.to_ascii_lowercase().as_str() {
        "noeviction" => "writes fail with OOM errors once maxmemory is reached",
        "volatile-lru" | "volatile-lfu" | "volatile-random" | "volatile-ttl" => {
            "only keys with a TTL are evicted, and writes fail once none is left"
        }
        "allkeys-random" => "keys are evicted at random, hot ones included",
        _ => "this configuration does not allow it",
    }
}

impl RedisEvictionPolicy {
    fn allowed(&self, policy: &str) -> bool {
        self.allowed.iter().any(|a| a.eq_ignore_ascii_case(policy))
    }

    /// The first allowed policy, only shown: which keys may go is the user's choice.
    fn fix(&self, cx: &Ctx<'_>, node: Option<&crate::model::Node>) -> Option<crate::model::Fix> {
        let first = self.allowed.first()?;
        set_config(cx, None, "maxmemory-policy", node, &New::str(first.clone())).map(|p| {
            p.fix(
                Applicability::DisplayOnly,
                format!("set `maxmemory-policy {first}`"),
            )
        })
    }

    fn help(&self) -> String {
        match self.allowed.first() {
            Some(first) if self.allowed.len() > 1 => format!(
                "set `maxmemory-policy {first}` (allowed: {})",
                self.allowed.join(", ")
            ),
            Some(first) => format!("set `maxmemory-policy {first}`"),
            None => "no eviction policy is allowed by this rule's configuration".to_string(),
        }
    }
}

impl ObjectRule for RedisEvictionPolicy {
    fn target(&self) -> Target<'_> {
        Target::format(Format::Redis, SERVER)
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let allowed = self.allowed.join(", ");
        match cx.obj.root.get("maxmemory-policy") {
            None => {
                if self.allowed("noeviction") {
                    return;
                }
                let f = cx
                    .finding(
                        cx.obj.anchor_span(),
                        format!(
                            "maxmemory-policy is not set and defaults to `noeviction`: {}; allowed: {allowed}",
                            consequence("noeviction")
                        ),
                    )
                    .with_label("no maxmemory-policy in this file")
                    .with_help(self.help())
                    .with_fix_opt(self.fix(cx, None));
                cx.emit(f);
            }
            Some(_) => {
                // A name Redis does not know stops it at startup: `invalid-value`'s.
                let Some((node, Value::Name(policy))) = read(&cx.obj.root, "maxmemory-policy")
                else {
                    return;
                };
                if self.allowed(policy) {
                    return;
                }
                let f = cx
                    .finding(
                        node.span,
                        format!(
                            "maxmemory-policy is `{policy}`: {}; allowed: {allowed}",
                            consequence(policy)
                        ),
                    )
                    .with_label("not an allowed policy")
                    .with_help(self.help())
                    .with_fix_opt(self.fix(cx, Some(node)));
                cx.emit(f);
            }
        }
    }
}

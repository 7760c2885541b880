//! `kafka-unclean-leader-election`: an out-of-sync replica may become leader.

use super::assignment;
use super::values::read_bool;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Format;
use crate::model::Applicability;
use crate::rules::common::set_config;
use crate::sources::edit::New;
use serde::Deserialize;

crate::declare_rule!(object KafkaUncleanLeaderElection: "kafka" / "kafka-unclean-leader-election");
const KEY: &str = "unclean.leader.election.enable";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KafkaUncleanLeaderElection {}

impl ObjectRule for KafkaUncleanLeaderElection {
    fn target(&self) -> Target<'_> {
        Target::format(Format::Kafka, &[])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // The default is false: only an explicit `true` (any case, as Kafka reads it) fires;
        // a value Kafka refuses is `invalid-value`'s.
        let Some(node) = cx.obj.root.get(KEY) else {
            return;
        };
        if read_bool(cx, KEY, node).value() != Some(true) {
            return;
        }
        let f = cx
            .finding(
                node.span,
                format!(
                    "{KEY} is {}; a replica that missed writes can become leader, and the writes it missed are lost although they were acknowledged",
                    node.text().unwrap_or("true").trim()
                ),
            )
            .with_label("unclean leader election enabled")
            .with_help(format!(
                "remove it or set {} (Kafka's default): a partition then waits for an in-sync replica instead of losing data",
                assignment(cx.obj, KEY, "false")
            ))
            .with_fix_opt(set_config(cx, None, KEY, Some(node), &New::Raw("false".into())).map(
                |p| {
                    p.fix(
                        Applicability::Safe,
                        format!("set {}", assignment(cx.obj, KEY, "false")),
                    )
                },
            ));
        cx.emit(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::run_rule;
    use super::NAME;
    use serde_json::json;

    #[test]
    fn true_in_any_case_fires_false_and_garbage_do_not() {
        for v in ["true", "TRUE", " True "] {
            let text = format!("unclean.leader.election.enable={v}\n");
            let hits = run_rule(NAME, json!({}), "t.properties", &text);
            assert_eq!(hits.len(), 1, "{v:?}");
        }
        for v in ["false", "yes", "1", ""] {
            let text = format!("unclean.leader.election.enable={v}\n");
            assert!(
                run_rule(NAME, json!({}), "t.properties", &text).is_empty(),
                "{v:?}"
            );
        }
    }
}

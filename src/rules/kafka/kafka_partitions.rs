//! `kafka-partitions`: topics with too few partitions to scale consumers out.

use super::{assignment, int_setting};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Format;
use serde::Deserialize;

crate::declare_rule!(object KafkaPartitions: "kafka" / "kafka-partitions");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KafkaPartitions {
    min: i64,
}

impl ObjectRule for KafkaPartitions {
    fn target(&self) -> Target<'_> {
        Target::format(Format::Kafka, &[])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let min = self.min;
        // Kafka's broker default for `num.partitions` is 1.
        let Some(s) = int_setting(cx, "num.partitions", Some(1)) else {
            return;
        };
        if s.value >= min {
            return;
        }
        let label = match s.node {
            Some(_) => format!("below {min}"),
            None => s.absent_label(),
        };
        let verb = if s.node.is_some() { "set" } else { "add" };
        let f = cx
            .finding(
                s.span(cx.obj),
                format!(
                    "{}; a consumer group reads a partition with one consumer at most, so at least {min} partitions are needed to scale consumers out",
                    s.describe()
                ),
            )
            .with_label(label)
            .with_help(format!(
                "{verb} {}, or higher (partitions can be added later but never removed, and adding them moves keys to other partitions)",
                assignment(cx.obj, s.key, &min.to_string())
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
    fn set_absent_and_parameterised() {
        let hits = run_rule(NAME, json!({}), "t.properties", "num.partitions=6\n");
        assert_eq!(hits[0].at, "6");
        assert!(
            run_rule(
                NAME,
                json!({"min": 6}),
                "t.properties",
                "num.partitions=6\n"
            )
            .is_empty()
        );
        // Absent: judged in a broker config only.
        let hits = run_rule(NAME, json!({}), "s.properties", "node.id=1\n");
        assert!(
            hits[0]
                .message
                .starts_with("num.partitions is not set and defaults to 1;")
        );
        assert!(run_rule(NAME, json!({}), "t.properties", "replication.factor=3\n").is_empty());
    }

    #[test]
    fn a_kafka_topic_is_told_about_spec_partitions() {
        let text = "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: t\nspec:\n  partitions: 3\n";
        let hits = run_rule(NAME, json!({}), "t.yaml", text);
        assert_eq!(hits[0].at, "3");
        assert!(
            hits[0].message.starts_with("spec.partitions is 3;"),
            "{}",
            hits[0].message
        );
        assert!(
            hits[0].help.starts_with("set `spec.partitions: 12`"),
            "{}",
            hits[0].help
        );
    }
}

//! `kafka-replication-factor`: topics kept on fewer brokers than survive losing one.

use super::{IntSetting, assignment, int_setting};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Format;
use crate::model::Applicability;
use crate::rules::common::set_config;
use crate::sources::edit::New;
use serde::Deserialize;

crate::declare_rule!(object KafkaReplicationFactor: "kafka" / "kafka-replication-factor");

/// The replication-factor keys and Kafka's broker defaults (`None`: not a broker setting).
/// `replication.factor` is a topic's (and Connect's, MirrorMaker's, Streams') own setting.
const KEYS: &[(&str, Option<i64>)] = &[
    ("replication.factor", None),
    ("default.replication.factor", Some(1)),
    ("offsets.topic.replication.factor", Some(3)),
    ("transaction.state.log.replication.factor", Some(3)),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KafkaReplicationFactor {
    min: i64,
}

impl ObjectRule for KafkaReplicationFactor {
    fn target(&self) -> Target<'_> {
        Target::format(Format::Kafka, &[])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let min = self.min;
        for &(key, default) in KEYS {
            let Some(s) = int_setting(cx, key, default) else {
                continue;
            };
            // `replication.factor=-1` (Connect, Streams, MirrorMaker) asks for the broker's
            // `default.replication.factor`, which is judged where it is set.
            if key == "replication.factor" && s.value == -1 {
                continue;
            }
            if s.value >= min {
                continue;
            }
            let f = finding(cx, &s, min);
            cx.emit(f);
        }
    }
}

fn finding(cx: &Ctx<'_>, s: &IntSetting<'_>, min: i64) -> crate::model::Finding {
    let label = match s.node {
        Some(_) => format!("below {min}"),
        None => s.absent_label(),
    };
    let verb = if s.node.is_some() { "set" } else { "add" };
    cx.finding(
        s.span(cx.obj),
        format!(
            "{}; with fewer than {min} replicas, losing a broker can lose acknowledged data or stop writes",
            s.describe()
        ),
    )
    .with_label(label)
    .with_help(format!(
        "{verb} {}, or higher, and run at least {min} brokers",
        assignment(cx.obj, s.key, &min.to_string())
    ))
    // Unsafe: with fewer than `min` brokers, topics can no longer be created.
    .with_fix_opt(
        set_config(cx, None, s.key, s.node, &New::int(min)).map(|p| {
            p.fix(
                Applicability::Unsafe,
                format!("{verb} {}", assignment(cx.obj, s.key, &min.to_string())),
            )
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::super::run_rule;
    use super::NAME;
    use serde_json::json;

    #[test]
    fn set_keys_below_min_point_at_their_values() {
        let hits = run_rule(
            NAME,
            json!({}),
            "topic.properties",
            "replication.factor=2\ndefault.replication.factor = 3\n",
        );
        assert_eq!(hits.len(), 1, "{hits:#?}");
        assert_eq!((hits[0].at.as_str(), hits[0].line), ("2", 1));
        assert_eq!(
            hits[0].message,
            "replication.factor is 2; with fewer than 3 replicas, losing a broker can lose acknowledged data or stop writes"
        );
    }

    #[test]
    fn broker_defaults_apply_only_to_broker_configs() {
        let hits = run_rule(NAME, json!({}), "server.properties", "broker.id=1\n");
        let msgs: Vec<&str> = hits.iter().map(|h| h.message.as_str()).collect();
        assert_eq!(hits.len(), 1, "{msgs:#?}");
        assert!(msgs[0].starts_with("default.replication.factor is not set and defaults to 1"));
        assert_eq!((hits[0].at.as_str(), hits[0].line), ("", 1));
        // With a higher bar, the internal topics' default of 3 is too low as well.
        let hits = run_rule(
            NAME,
            json!({"min": 4}),
            "server.properties",
            "broker.id=1\n",
        );
        assert_eq!(hits.len(), 3);
        // A client config judges only what it sets.
        assert!(run_rule(NAME, json!({}), "c.properties", "bootstrap.servers=x\n").is_empty());
    }

    #[test]
    fn minus_one_defers_to_the_broker_and_unreadable_values_are_skipped() {
        let text = "replication.factor=-1\noffsets.topic.replication.factor=three\n";
        assert!(run_rule(NAME, json!({}), "c.properties", text).is_empty());
    }

    #[test]
    fn strimzi_values_are_yaml_scalars() {
        let text = "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: t\nspec:\n  replicas: 1\n";
        let hits = run_rule(NAME, json!({}), "t.yaml", text);
        assert_eq!((hits[0].at.as_str(), hits[0].line), ("1", 6));
        // Named as the user wrote it, not as the Kafka key it stands for.
        assert!(
            hits[0].message.starts_with("spec.replicas is 1;"),
            "{}",
            hits[0].message
        );
        assert_eq!(
            hits[0].help,
            "set `spec.replicas: 3`, or higher, and run at least 3 brokers"
        );
        // A Kafka's broker config names broker keys.
        let text = "apiVersion: kafka.strimzi.io/v1\nkind: Kafka\nmetadata:\n  name: k\nspec:\n  kafka:\n    config:\n      default.replication.factor: 2\n";
        let hits = run_rule(NAME, json!({}), "k.yaml", text);
        assert!(
            hits[0]
                .message
                .starts_with("default.replication.factor is 2;"),
            "{hits:#?}"
        );
        assert!(
            hits[0]
                .help
                .starts_with("set `default.replication.factor: 3` under `spec.kafka.config`"),
            "{hits:#?}"
        );
    }
}

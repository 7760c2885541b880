//! `kafka-min-insync-replicas`: acknowledged writes kept on too few replicas, or a minimum
//! that one broker loss already breaks.

use super::{IntSetting, assignment, int_setting};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::{Finding, Format};
use crate::model::Applicability;
use crate::rules::common::set_config;
use crate::sources::edit::New;
use serde::Deserialize;

crate::declare_rule!(object KafkaMinInsyncReplicas: "kafka" / "kafka-min-insync-replicas");

/// A minimum-ISR key, its broker default, and the replication-factor keys it is compared
/// with, in order of precedence, with the broker default of the last.
struct Pair {
    key: &'static str,
    default: i64,
    factors: &'static [&'static str],
    factor_default: i64,
}

const PAIRS: &[Pair] = &[
    // A topic's own `replication.factor` wins over the broker's default for new topics.
    Pair {
        key: "min.insync.replicas",
        default: 1,
        factors: &["replication.factor", "default.replication.factor"],
        factor_default: 1,
    },
    Pair {
        key: "transaction.state.log.min.isr",
        default: 2,
        factors: &["transaction.state.log.replication.factor"],
        factor_default: 3,
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KafkaMinInsyncReplicas {
    min: i64,
}

impl ObjectRule for KafkaMinInsyncReplicas {
    fn target(&self) -> Target<'_> {
        Target::format(Format::Kafka, &[])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for pair in PAIRS {
            let Some(isr) = int_setting(cx, pair.key, Some(pair.default)) else {
                continue;
            };
            let factor = factor_in_force(cx, pair);
            let low = isr.value < self.min;
            let high = factor.as_ref().is_some_and(|rf| isr.value >= rf.value);
            if low || high {
                let f = finding(cx, &isr, factor.filter(|_| high).as_ref(), low, self.min);
                cx.emit(f);
            }
        }
    }
}

/// The replication factor the minimum is compared with: the first of `pair.factors` that is
/// set (a `replication.factor` of -1 means the broker default, so the next one), else the
/// broker default in a broker config. None when a factor that is set cannot be read: the
/// factor in force is then unknown (Kafka refuses the value: `invalid-value`).
fn factor_in_force<'a>(cx: &Ctx<'a>, pair: &Pair) -> Option<IntSetting<'a>> {
    for &key in pair.factors {
        if cx.obj.root.get(key).is_none() {
            continue;
        }
        let s = int_setting_set(cx, key)?;
        if s.value > 0 {
            return Some(s);
        }
    }
    let last = pair.factors.last()?;
    int_setting(cx, last, Some(pair.factor_default)).filter(|s| s.node.is_none())
}

fn int_setting_set<'a>(cx: &Ctx<'a>, key: &'static str) -> Option<IntSetting<'a>> {
    int_setting(cx, key, None).filter(|s| s.node.is_some())
}

fn finding(
    cx: &Ctx<'_>,
    isr: &IntSetting<'_>,
    factor: Option<&IntSetting<'_>>,
    low: bool,
    min: i64,
) -> Finding {
    let key = isr.key;
    let verb = if isr.node.is_some() { "set" } else { "add" };
    // The replication factor as the file names it (`spec.replicas` in a KafkaTopic).
    let factor_text = factor.map(|rf| match rf.node {
        Some(_) => format!("the replication factor {} ({})", rf.value, rf.name),
        None => format!(
            "the replication factor {} ({} is not set)",
            rf.value, rf.name
        ),
    });
    let (message, label, help) = match (low, factor, factor_text) {
        (true, Some(rf), Some(rf_text)) => (
            format!(
                "{}, below {min} and not below {rf_text}; an acknowledged write may live on one broker only, and losing one broker stops writes",
                isr.describe()
            ),
            format!("below {min} and not below the replication factor"),
            format!(
                "{verb} {} with {} or more",
                assignment(cx.obj, key, &min.to_string()),
                assignment(cx.obj, rf.key, &(min + 1).to_string())
            ),
        ),
        (false, Some(rf), Some(rf_text)) => {
            let consequence = if isr.value == rf.value {
                "losing one broker stops every write that asks for all in-sync replicas"
            } else {
                "writes that ask for all in-sync replicas can never succeed"
            };
            (
                format!(
                    "{}, {} {rf_text}; {consequence}",
                    isr.describe(),
                    if isr.value == rf.value {
                        "equal to"
                    } else {
                        "above"
                    }
                ),
                "not below the replication factor".to_string(),
                format!(
                    "keep {} below the replication factor: {} with {}, or raise {}",
                    isr.name,
                    assignment(cx.obj, key, &(rf.value - 1).max(min).to_string()),
                    assignment(cx.obj, rf.key, &rf.value.max(min + 1).to_string()),
                    rf.name
                ),
            )
        }
        _ => (
            format!(
                "{}; with fewer than {min} in-sync replicas, an acknowledged write may live on one broker only and be lost with it",
                isr.describe()
            ),
            format!("below {min}"),
            format!(
                "{verb} {} (with a replication factor of at least {})",
                assignment(cx.obj, key, &min.to_string()),
                min + 1
            ),
        ),
    };
    let label = if isr.node.is_some() {
        label
    } else {
        isr.absent_label()
    };
    let mut f = cx
        .finding(isr.span(cx.obj), message)
        .with_label(label)
        .with_help(help)
        .with_fix_opt(fix(cx, isr, factor, min));
    if let Some(node) = factor.and_then(|rf| rf.node) {
        f = f.with_secondary(cx.obj.file, node.span, "replication factor in force");
    }
    f
}

/// The minimum raised to `min`, or lowered below the replication factor; when neither fits
/// the factor in force, the factor raised to `min + 1` as well. Unsafe: writes that ask for
/// all in-sync replicas fail while fewer brokers than the new minimum hold a partition.
fn fix(
    cx: &Ctx<'_>,
    isr: &IntSetting<'_>,
    factor: Option<&IntSetting<'_>>,
    min: i64,
) -> Option<crate::model::Fix> {
    let set = |s: &IntSetting<'_>, v: i64| set_config(cx, None, s.key, s.node, &New::int(v));
    let words = |s: &IntSetting<'_>, v: i64| assignment(cx.obj, s.key, &v.to_string());
    let (planned, message) = match factor {
        Some(rf) if rf.value > min => (
            set(isr, rf.value - 1)?,
            format!("set {}", words(isr, rf.value - 1)),
        ),
        Some(rf) => (
            set(isr, min)?.and(set(rf, min + 1)?),
            format!("set {} and {}", words(isr, min), words(rf, min + 1)),
        ),
        None => (set(isr, min)?, format!("set {}", words(isr, min))),
    };
    Some(planned.fix(Applicability::Unsafe, message))
}

#[cfg(test)]
mod tests {
    use super::super::run_rule;
    use super::NAME;
    use serde_json::json;

    #[test]
    fn low_high_and_both_are_one_finding_each() {
        let text = "replication.factor=3\nmin.insync.replicas=1\n";
        let hits = run_rule(NAME, json!({}), "t.properties", text);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "min.insync.replicas is 1; with fewer than 2 in-sync replicas, an acknowledged write may live on one broker only and be lost with it"
        );
        assert!(hits[0].secondary.is_empty());

        let text = "replication.factor=2\nmin.insync.replicas=2\n";
        let hits = run_rule(NAME, json!({}), "t.properties", text);
        assert_eq!(
            hits[0].message,
            "min.insync.replicas is 2, equal to the replication factor 2 (replication.factor); losing one broker stops every write that asks for all in-sync replicas"
        );
        assert_eq!(hits[0].secondary, vec!["2"]);
        assert_eq!(hits[0].at, "2");

        let text = "replication.factor=3\nmin.insync.replicas=4\n";
        let hits = run_rule(NAME, json!({}), "t.properties", text);
        assert!(hits[0].message.contains("above the replication factor 3"));

        let text = "replication.factor=1\nmin.insync.replicas=1\n";
        let hits = run_rule(NAME, json!({}), "t.properties", text);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "min.insync.replicas is 1, below 2 and not below the replication factor 1 (replication.factor); an acknowledged write may live on one broker only, and losing one broker stops writes"
        );
    }

    #[test]
    fn broker_defaults_on_both_sides() {
        // server.properties as Kafka ships it: nothing about min.insync.replicas.
        let text = "broker.id=0\ntransaction.state.log.replication.factor=1\ntransaction.state.log.min.isr=1\n";
        let hits = run_rule(NAME, json!({}), "server.properties", text);
        assert_eq!(hits.len(), 2, "{hits:#?}");
        assert_eq!(hits[0].line, 1);
        assert_eq!(
            hits[0].message,
            "min.insync.replicas is not set and defaults to 1, below 2 and not below the replication factor 1 (default.replication.factor is not set); an acknowledged write may live on one broker only, and losing one broker stops writes"
        );
        assert_eq!((hits[1].at.as_str(), hits[1].line), ("1", 3));
        assert_eq!(hits[1].secondary, vec!["1"]);
        // The transaction topic's defaults (min ISR 2 of 3) are sound.
        let text = "broker.id=0\ndefault.replication.factor=3\nmin.insync.replicas=2\n";
        assert!(run_rule(NAME, json!({}), "server.properties", text).is_empty());
        // Without `default.replication.factor`, new topics get one replica: a min ISR of 2
        // can never be met.
        let text = "broker.id=0\nmin.insync.replicas=2\n";
        let hits = run_rule(NAME, json!({}), "server.properties", text);
        assert!(
            hits[0]
                .message
                .contains("above the replication factor 1 (default.replication.factor is not set)")
        );
    }

    #[test]
    fn a_kafka_topic_compares_with_spec_replicas() {
        let topic = |replicas: &str, isr: &str| {
            format!(
                "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: t\nspec:\n  replicas: {replicas}\n  config:\n    min.insync.replicas: {isr}\n"
            )
        };
        let hits = run_rule(NAME, json!({}), "t.yaml", &topic("2", "2"));
        assert_eq!(hits.len(), 1, "{hits:#?}");
        assert_eq!(
            hits[0].message,
            "min.insync.replicas is 2, equal to the replication factor 2 (spec.replicas); losing one broker stops every write that asks for all in-sync replicas"
        );
        assert_eq!(
            hits[0].help,
            "keep min.insync.replicas below the replication factor: `min.insync.replicas: 2` under `spec.config` with `spec.replicas: 3`, or raise spec.replicas"
        );
        assert_eq!(hits[0].secondary, vec!["2"]);
        let hits = run_rule(NAME, json!({}), "t.yaml", &topic("1", "1"));
        assert!(
            hits[0]
                .message
                .contains("not below the replication factor 1 (spec.replicas)"),
            "{hits:#?}"
        );
        assert_eq!(
            hits[0].help,
            "set `min.insync.replicas: 2` under `spec.config` with `spec.replicas: 3` or more"
        );
        // A .properties topic config names its keys.
        let hits = run_rule(
            NAME,
            json!({}),
            "t.properties",
            "replication.factor=1\nmin.insync.replicas=1\n",
        );
        assert_eq!(
            hits[0].help,
            "set `min.insync.replicas=2` with `replication.factor=3` or more"
        );
    }

    #[test]
    fn topic_configs_judge_only_what_they_set() {
        assert!(run_rule(NAME, json!({}), "t.properties", "replication.factor=1\n").is_empty());
        let text = "replication.factor=-1\nmin.insync.replicas=2\n";
        assert!(run_rule(NAME, json!({}), "t.properties", text).is_empty());
    }
}

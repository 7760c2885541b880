//! Kafka values read as Kafka reads them, for the Kafka rules (which judge what is read) and
//! `invalid-value` (which reports what Kafka refuses).
//!
//! Sources (apache/kafka at 1eb7644, the corpus' commit):
//! - `ConfigDef.parseType`: a String value is `trim()`med (every char up to U+0020), then an
//!   INT is `Integer.parseInt`, a SHORT `Short.parseShort` (an optional sign and decimal
//!   digits, in range), a BOOLEAN `true` or `false` in any case (`equalsIgnoreCase`);
//!   anything else is a `ConfigException` and the broker does not start (a tool or client
//!   does not load the file; a topic config fails `CreateTopics`).
//! - The keys' `define` calls, for their types and validators: see [`KEYS`].
//! - Strimzi (`KafkaTopicSpec`): `partitions` and `replicas` are `Integer`s with
//!   `@Minimum(1)`, `replicas` also `@Maximum(Short.MAX_VALUE)`; the CRD declares them
//!   `type: integer`, so the API server rejects a string (even `"3"`) or a value out of range.
//!   A `Kafka`'s `spec.kafka.config` and a topic's `spec.config` are free-form: the operator
//!   hands Kafka each value's text, numbers and booleans in their JSON form.
//!
//! Not judged (`Read::Unknown`): non-ASCII text (Java's `Character.digit` reads other
//! scripts' digits and `equalsIgnoreCase` folds some non-ASCII letters), and a YAML float with
//! an integral value (`3.0`, `1e3`), which kubectl's YAML-to-JSON conversion may turn into an
//! integer before Kafka sees it.

use super::is_broker;
use crate::engine::rule::Ctx;
use crate::model::{Node, Resolved};
use crate::rules::values::{Read, Rejected};
use crate::sources::strimzi::topic_field;
use std::borrow::Cow;

/// A key's `ConfigDef` type, with its `atLeast` bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    Int(Option<i64>),
    Short(Option<i64>),
    Boolean,
}

/// The keys the Kafka rules read, and how Kafka defines them.
const KEYS: &[(&str, Type)] = &[
    // Streams (`StreamsConfig`) and MirrorMaker (`MirrorSourceConfig`): INT, no validator
    // (-1: the broker's default).
    ("replication.factor", Type::Int(None)),
    // `ReplicationConfigs`: INT, no validator.
    ("default.replication.factor", Type::Int(None)),
    // `GroupCoordinatorConfig`: SHORT, atLeast(1).
    ("offsets.topic.replication.factor", Type::Short(Some(1))),
    // `TransactionLogConfig`: SHORT, atLeast(1); INT, atLeast(1).
    (
        "transaction.state.log.replication.factor",
        Type::Short(Some(1)),
    ),
    ("transaction.state.log.min.isr", Type::Int(Some(1))),
    // `LogConfig` (broker default and topic config): INT, atLeast(1).
    ("min.insync.replicas", Type::Int(Some(1))),
    ("num.partitions", Type::Int(Some(1))),
    // `ReplicationConfigs` and `LogConfig`: BOOLEAN.
    ("unclean.leader.election.enable", Type::Boolean),
];

/// A value Kafka reads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Bool(bool),
}

/// Java's `String.trim`: every character up to U+0020, control characters included.
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// The text Kafka is given for a value: a `.properties` value as it is; a YAML scalar of a
/// Strimzi resource as the operator passes it on. `None` when that is not known.
fn kafka_text(node: &Node) -> Option<Cow<'_, str>> {
    let s = node.as_scalar()?;
    match s.resolved() {
        Resolved::Str => Some(Cow::Borrowed(&s.text)),
        Resolved::Int(i) => Some(Cow::Owned(i.to_string())),
        Resolved::Bool(b) => Some(Cow::Owned(b.to_string())),
        // Not an integer however it travels: Kafka sees a decimal point.
        Resolved::Float(f) if f.is_finite() && f.fract() != 0.0 => Some(Cow::Borrowed(&s.text)),
        Resolved::Float(_) | Resolved::Null => None,
    }
}

fn parse(ty: Type, text: &str) -> Read<Value> {
    let t = java_trim(text);
    if !t.is_ascii() {
        return Read::Unknown;
    }
    let (n, expected) = match ty {
        Type::Boolean => {
            return if t.eq_ignore_ascii_case("true") {
                Read::Value(Value::Bool(true))
            } else if t.eq_ignore_ascii_case("false") {
                Read::Value(Value::Bool(false))
            } else {
                Read::rejected("`true` or `false`")
            };
        }
        // Rust's integer parsing is Java's on ASCII: an optional sign, then digits.
        Type::Int(min) => (
            t.parse::<i32>().ok().map(i64::from),
            match min {
                Some(m) => format!("a 32-bit integer of at least {m}"),
                None => "a 32-bit integer".to_string(),
            },
        ),
        Type::Short(min) => (
            t.parse::<i16>().ok().map(i64::from),
            format!("an integer from {} to {}", min.unwrap_or(-32768), i16::MAX),
        ),
    };
    let min = match ty {
        Type::Int(m) | Type::Short(m) => m,
        Type::Boolean => None,
    };
    match n {
        Some(n) if min.is_none_or(|m| n >= m) => Read::Value(Value::Int(n)),
        _ => Read::rejected(expected),
    }
}

/// A `KafkaTopic` field (`spec.replicas`, `spec.partitions`) as the API server validates it.
fn topic_field_value(node: &Node, field: &str) -> Read<Value> {
    let max = if field == "spec.replicas" {
        i64::from(i16::MAX)
    } else {
        i64::MAX
    };
    let expected = if field == "spec.replicas" {
        "an integer from 1 to 32767".to_string()
    } else {
        "an integer of at least 1".to_string()
    };
    let Some(s) = node.as_scalar() else {
        return Read::rejected(expected);
    };
    match s.resolved() {
        Resolved::Int(i) if (1..=max).contains(&i) => Read::Value(Value::Int(i)),
        Resolved::Float(f) if f.is_finite() && f.fract() == 0.0 && f >= 1.0 => Read::Unknown,
        Resolved::Null => Read::Unknown,
        _ => Read::rejected(expected),
    }
}

/// How `key`'s value is read here, and who refuses it: `(reading, how it is read, consequence)`.
fn reading(cx: &Ctx<'_>, key: &str, node: &Node) -> (Read<Value>, String, &'static str) {
    if let Some(field) = topic_field(cx.obj, cx.file, key) {
        return (
            topic_field_value(node, field),
            "the KafkaTopic schema declares it an integer, so a quoted number is a string"
                .to_string(),
            "the API server rejects the KafkaTopic",
        );
    }
    let ty = KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(Type::Int(None), |&(_, ty)| ty);
    let read = match kafka_text(node) {
        Some(text) => parse(ty, &text),
        None => Read::Unknown,
    };
    let mut how = match ty {
        Type::Int(_) => "Kafka reads it with Java's `Integer.parseInt` after trimming spaces: an optional sign and digits, nothing else".to_string(),
        Type::Short(_) => "Kafka reads it with Java's `Short.parseShort` after trimming spaces: an optional sign and digits, nothing else".to_string(),
        Type::Boolean => "Kafka reads it as `true` or `false`, in any case, after trimming spaces".to_string(),
    };
    if cx.obj.kind == "KafkaConfig" && node.text().is_some_and(|t| t.contains(['#', '!'])) {
        how.push_str(
            " (in a .properties file `#` and `!` start a comment only at the start of a line)",
        );
    }
    let consequence = match cx.obj.kind.as_str() {
        "KafkaTopicConfig" => "Kafka refuses to create the topic",
        _ if is_broker(cx.obj) => "Kafka refuses to start",
        _ => "Kafka refuses to load this configuration",
    };
    (read, how, consequence)
}

/// The integer `key` holds, as Kafka (or, for a KafkaTopic field, the API server) reads it.
pub fn read_int(cx: &Ctx<'_>, key: &str, node: &Node) -> Read<i64> {
    match reading(cx, key, node).0 {
        Read::Value(Value::Int(n)) => Read::Value(n),
        Read::Value(Value::Bool(_)) | Read::Unknown => Read::Unknown,
        Read::Rejected { expected } => Read::Rejected { expected },
    }
}

/// The boolean `key` holds, as Kafka reads it.
pub fn read_bool(cx: &Ctx<'_>, key: &str, node: &Node) -> Read<bool> {
    match reading(cx, key, node).0 {
        Read::Value(Value::Bool(b)) => Read::Value(b),
        Read::Value(Value::Int(_)) | Read::Unknown => Read::Unknown,
        Read::Rejected { expected } => Read::Rejected { expected },
    }
}

/// Every value of the keys the Kafka rules read that Kafka (or the API server) refuses.
pub fn rejected_values(cx: &Ctx<'_>) -> Vec<Rejected> {
    let mut out = Vec::new();
    for &(key, _) in KEYS {
        let Some(node) = cx.obj.root.get(key) else {
            continue;
        };
        let (read, how_read, consequence) = reading(cx, key, node);
        if let Read::Rejected { expected } = read {
            out.push(Rejected {
                span: node.span,
                setting: super::written_name(cx, key),
                found: Rejected::is(cx.file.slice(node.span)),
                expected,
                consequence: consequence.to_string(),
                how_read,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_booleans_as_config_def_parses_them() {
        let int = |t: &str| parse(Type::Int(None), t);
        assert_eq!(int(" 3\t"), Read::Value(Value::Int(3)));
        assert_eq!(int("+3"), Read::Value(Value::Int(3)));
        assert_eq!(int("-1"), Read::Value(Value::Int(-1)));
        assert_eq!(int("007"), Read::Value(Value::Int(7)));
        assert_eq!(int("\u{1}3\u{1f}"), Read::Value(Value::Int(3)));
        for bad in [
            "3.0",
            "2147483648",
            "",
            "one",
            "3 # note",
            "0x10",
            "1_000",
            "+",
        ] {
            assert!(matches!(int(bad), Read::Rejected { .. }), "{bad:?}");
        }
        // Java would read other scripts' digits; scalelint does not claim to know.
        assert_eq!(int("３"), Read::Unknown);
        assert_eq!(
            parse(Type::Int(Some(1)), "0"),
            Read::rejected("a 32-bit integer of at least 1")
        );
        assert_eq!(
            parse(Type::Short(Some(1)), "32768"),
            Read::rejected("an integer from 1 to 32767")
        );
        assert_eq!(
            parse(Type::Short(Some(1)), "32767"),
            Read::Value(Value::Int(32767))
        );
        let b = |t: &str| parse(Type::Boolean, t);
        assert_eq!(b(" TRUE "), Read::Value(Value::Bool(true)));
        assert_eq!(b("False"), Read::Value(Value::Bool(false)));
        for bad in ["yes", "1", "", "true # x"] {
            assert_eq!(b(bad), Read::rejected("`true` or `false`"), "{bad:?}");
        }
        assert_eq!(b("falſe"), Read::Unknown);
    }

    #[test]
    fn every_key_the_rules_read_is_typed() {
        let read_by_rules = [
            "replication.factor",
            "default.replication.factor",
            "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor",
            "transaction.state.log.min.isr",
            "min.insync.replicas",
            "num.partitions",
            "unclean.leader.election.enable",
        ];
        for k in read_by_rules {
            assert!(KEYS.iter().any(|(key, _)| *key == k), "{k}");
        }
    }
}

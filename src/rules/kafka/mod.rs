//! Kafka rules: broker, topic and client `.properties` files, and the configuration inside
//! Strimzi `Kafka` and `KafkaTopic` resources. Values are strings (or YAML scalars for
//! Strimzi); numbers and booleans are read from their text the way Kafka's `ConfigDef` does.

pub mod values;

pub use values::rejected_values;

use crate::engine::rule::Ctx;
use crate::model::{Node, Object, Span};
use crate::sources::properties::is_broker_config;
use crate::sources::strimzi::topic_field;

domain! {
    kafka_min_insync_replicas,
    kafka_partitions,
    kafka_replication_factor,
    kafka_unclean_leader_election,
}

/// Whether absent keys take the broker's defaults: a Strimzi `Kafka`'s config, or a
/// `.properties` file that sets a broker-only key. Topic and client configs are judged only
/// on what they set.
pub fn is_broker(obj: &Object) -> bool {
    match obj.kind.as_str() {
        "KafkaBrokerConfig" => true,
        "KafkaConfig" => is_broker_config(&obj.root),
        _ => false,
    }
}

/// How messages name `key` of this object: as the file writes it. That is the Kafka key in a
/// `.properties` file and under a Strimzi `config`, the field (`spec.replicas`,
/// `spec.partitions`) a `KafkaTopic` gives it.
pub fn written_name(cx: &Ctx<'_>, key: &str) -> String {
    topic_field(cx.obj, cx.file, key).map_or_else(|| key.to_string(), str::to_string)
}

/// An integer setting in force: written in the file, or Kafka's broker default.
#[derive(Clone, Debug)]
pub struct IntSetting<'a> {
    pub key: &'static str,
    /// The setting as the file names it (see [`written_name`]).
    pub name: String,
    pub value: i64,
    /// The value's node; `None` when the key is absent and the default applies.
    pub node: Option<&'a Node>,
}

impl IntSetting<'_> {
    /// The setting as the start of a message: `num.partitions is 1`,
    /// `num.partitions is not set and defaults to 1`, or `spec.partitions is 1`.
    pub fn describe(&self) -> String {
        match self.node {
            Some(_) => format!("{} is {}", self.name, self.value),
            None => format!("{} is not set and defaults to {}", self.name, self.value),
        }
    }

    /// Where a finding about it points: the value, or the object's anchor (line 1 of a file,
    /// the `config` key of a Strimzi resource) when it is absent.
    pub fn span(&self, obj: &Object) -> Span {
        self.node.map_or_else(|| obj.anchor_span(), |n| n.span)
    }

    /// What the caret says when the key is absent.
    pub fn absent_label(&self) -> String {
        format!("{} is not set here", self.name)
    }
}

/// The integer `key` in force in the checked object: its value when set and read (a value
/// Kafka refuses is `invalid-value`'s, one scalelint cannot read nobody's), else
/// `broker_default` in a broker config, else nothing to judge.
pub fn int_setting<'a>(
    cx: &Ctx<'a>,
    key: &'static str,
    broker_default: Option<i64>,
) -> Option<IntSetting<'a>> {
    let obj = cx.obj;
    let name = written_name(cx, key);
    match obj.root.get(key) {
        Some(node) => values::read_int(cx, key, node)
            .value()
            .map(|value| IntSetting {
                key,
                name,
                value,
                node: Some(node),
            }),
        None if is_broker(obj) => broker_default.map(|value| IntSetting {
            key,
            name,
            value,
            node: None,
        }),
        None => None,
    }
}

/// How to write `key` = `value` in this object's own syntax, for help texts.
pub fn assignment(obj: &Object, key: &str, value: &str) -> String {
    match obj.kind.as_str() {
        "KafkaBrokerConfig" => format!("`{key}: {value}` under `spec.kafka.config`"),
        "KafkaTopicConfig" => match key {
            "replication.factor" => format!("`spec.replicas: {value}`"),
            "num.partitions" => format!("`spec.partitions: {value}`"),
            _ => format!("`{key}: {value}` under `spec.config`"),
        },
        _ => format!("`{key}={value}`"),
    }
}

/// A finding as unit tests look at it: the text under the primary span, message, help, and
/// the texts under the secondary labels.
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct Hit {
    pub at: String,
    pub line: usize,
    pub message: String,
    pub help: String,
    pub secondary: Vec<String>,
}

/// Runs one Kafka rule over a `.properties` (or, for a `.yaml` name, Strimzi) text with some
/// parameters overridden, for cases fixtures cannot reach.
#[cfg(test)]
pub(crate) fn run_rule(
    name: &str,
    overrides: serde_json::Value,
    file_name: &str,
    text: &str,
) -> Vec<Hit> {
    let (source, found) = crate::rules::testing::run(name, overrides, file_name, text);
    found
        .into_iter()
        .map(|f| Hit {
            at: source.slice(f.span).to_string(),
            line: source.line_col(f.span.start).line,
            message: f.message,
            help: f.help.unwrap_or_default().into_owned(),
            secondary: f
                .labels
                .iter()
                .map(|l| source.slice(l.span).to_string())
                .collect(),
        })
        .collect()
}

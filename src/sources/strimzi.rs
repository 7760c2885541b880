//! Strimzi custom resources (`kafka.strimzi.io`) hold Kafka configuration: a `Kafka`'s
//! `spec.kafka.config` is its brokers' config, a `KafkaTopic`'s `spec.config` (with
//! `spec.replicas` and `spec.partitions`) a topic's. Each becomes a Kafka-format object whose
//! nodes keep their places in the YAML, so the Kafka rules report inside the resource.

use crate::kube::Kind;
use crate::model::{Entry, Format, Node, Object, SourceFile, Span, Value};

/// The `KafkaTopic` fields that stand for Kafka keys in its derived topic config: the
/// field, the key it is linted as, and how messages name the field.
const TOPIC_FIELDS: &[(&str, &str, &str)] = &[
    ("replicas", "replication.factor", "spec.replicas"),
    ("partitions", "num.partitions", "spec.partitions"),
];

/// The `KafkaTopic` field (`spec.replicas`, `spec.partitions`) that `key` of a derived topic
/// config was read from, if it was: findings name what the user wrote, not the Kafka key.
/// The derived entry keeps the key's place in the YAML, so `file` tells which it was (a
/// `replication.factor` under `spec.config` is written as such).
pub fn topic_field(obj: &Object, file: &SourceFile, key: &str) -> Option<&'static str> {
    if obj.kind != "KafkaTopicConfig" {
        return None;
    }
    let &(field, _, shown) = TOPIC_FIELDS.iter().find(|(_, k, _)| *k == key)?;
    let written = file.slice(obj.root.entry(key)?.key.span);
    (written.trim_matches(['"', '\'']) == field).then_some(shown)
}

/// The Kafka-format object derived from a Strimzi `Kafka` or `KafkaTopic`, if any.
pub fn kafka_config(obj: &Object) -> Option<Object> {
    match Kind::of(obj)? {
        Kind::Kafka => Some(broker_config(obj)),
        Kind::KafkaTopic => Some(topic_config(obj)),
        _ => None,
    }
}

/// Where findings about a key missing from the config point: the `config` key, else the
/// nearest ancestor that exists, else the resource's name.
fn anchor(obj: &Object, path: &[&str]) -> Span {
    match obj.root.deepest_entry(path) {
        Some(e) => e.key.span,
        None => obj.anchor_span(),
    }
}

/// A mapping's entries (an absent or null `config` is empty).
fn entries_of(node: Option<&Node>) -> Vec<Entry> {
    node.and_then(Node::as_map)
        .map(<[Entry]>::to_vec)
        .unwrap_or_default()
}

fn derived(obj: &Object, kind: &str, root: Node, anchor: Span) -> Object {
    obj.derived(Format::Kafka, kind, root, anchor)
}

/// `Kafka`: the brokers' config. Absent keys take Kafka's defaults, which Strimzi keeps.
fn broker_config(obj: &Object) -> Object {
    const PATH: &[&str] = &["spec", "kafka", "config"];
    let config = obj.root.path(PATH);
    let root = match config {
        Some(n) if n.as_map().is_some() => n.clone(),
        Some(n) => Node {
            span: n.span,
            value: Value::Map(Vec::new()),
        },
        None => Node {
            span: obj.root.span,
            value: Value::Map(Vec::new()),
        },
    };
    derived(obj, "KafkaBrokerConfig", root, anchor(obj, PATH))
}

/// `KafkaTopic`: `spec.config`, plus `spec.replicas` as `replication.factor` and
/// `spec.partitions` as `num.partitions` (keys pointing at `replicas` and `partitions`).
/// Strimzi's own fields win over the same keys in `config`.
fn topic_config(obj: &Object) -> Object {
    const PATH: &[&str] = &["spec", "config"];
    let spec = obj.root.get("spec");
    let mut entries = entries_of(obj.root.path(PATH));
    for &(field, key, _) in TOPIC_FIELDS {
        let Some(e) = spec.and_then(|s| s.entry(field)) else {
            continue;
        };
        if e.value.is_null() {
            continue;
        }
        entries.retain(|x| x.key.text() != Some(key));
        entries.push(Entry {
            key: Node::string(e.key.span, key),
            value: e.value.clone(),
        });
    }
    let span = spec.map_or(obj.root.span, |s| s.span);
    let root = Node {
        span,
        value: Value::Map(entries),
    };
    derived(obj, "KafkaTopicConfig", root, anchor(obj, PATH))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::{classify::Kind, load};

    fn derived_objects(text: &str) -> (String, Vec<Object>) {
        let loaded = load(0, "t.yaml".into(), text.into(), Kind::Yaml);
        let objs = loaded
            .objects
            .into_iter()
            .filter(|o| o.format == Format::Kafka)
            .collect();
        (text.to_string(), objs)
    }

    fn at(text: &str, s: Span) -> &str {
        &text[s.start..s.end]
    }

    #[test]
    fn kafka_config_is_the_broker_config() {
        let (text, objs) = derived_objects(
            "apiVersion: kafka.strimzi.io/v1\nkind: Kafka\nmetadata:\n  name: c\n  namespace: k\nspec:\n  kafka:\n    config:\n      min.insync.replicas: 1\n      unclean.leader.election.enable: true\n",
        );
        assert_eq!(objs.len(), 1);
        let o = &objs[0];
        assert_eq!(o.kind, "KafkaBrokerConfig");
        assert_eq!(o.name.as_deref(), Some("c"));
        assert_eq!(o.namespace, "k");
        assert_eq!(at(&text, o.anchor_span()), "config");
        let v = o.root.get("min.insync.replicas").unwrap();
        assert_eq!((v.text(), at(&text, v.span)), (Some("1"), "1"));
        assert_eq!(
            o.root.get("unclean.leader.election.enable").unwrap().text(),
            Some("true")
        );
    }

    #[test]
    fn kafka_without_config_anchors_at_the_nearest_ancestor() {
        let (text, objs) = derived_objects(
            "apiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata:\n  name: c\nspec:\n  kafka:\n    replicas: 3\n",
        );
        assert_eq!(at(&text, objs[0].anchor_span()), "kafka");
        assert!(objs[0].root.as_map().unwrap().is_empty());
        let (text, objs) = derived_objects(
            "apiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata:\n  name: c\n",
        );
        assert_eq!(at(&text, objs[0].anchor_span()), "c");
        let (text, objs) = derived_objects(
            "apiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata:\n  name: c\nspec:\n  kafka:\n    config:\n",
        );
        assert_eq!(at(&text, objs[0].anchor_span()), "config");
    }

    #[test]
    fn kafka_topic_maps_replicas_and_partitions() {
        let (text, objs) = derived_objects(
            "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: t\nspec:\n  partitions: 1\n  replicas: 2\n  config:\n    min.insync.replicas: 2\n    replication.factor: 9\n",
        );
        let o = &objs[0];
        assert_eq!(o.kind, "KafkaTopicConfig");
        let e = o.root.entry("replication.factor").unwrap();
        assert_eq!(at(&text, e.key.span), "replicas");
        assert_eq!(e.value.text(), Some("2"));
        let e = o.root.entry("num.partitions").unwrap();
        assert_eq!(at(&text, e.key.span), "partitions");
        assert_eq!(o.root.as_map().unwrap().len(), 3);
    }

    #[test]
    fn topic_fields_are_named_as_written() {
        let text = "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: t\nspec:\n  \"partitions\": 1\n  config:\n    replication.factor: 9\n    min.insync.replicas: 2\n";
        let loaded = load(0, "t.yaml".into(), text.into(), Kind::Yaml);
        let o = loaded
            .objects
            .iter()
            .find(|o| o.kind == "KafkaTopicConfig")
            .unwrap();
        let f = &loaded.source;
        assert_eq!(topic_field(o, f, "num.partitions"), Some("spec.partitions"));
        // Written under `config`: named as the Kafka key it is.
        assert_eq!(topic_field(o, f, "replication.factor"), None);
        assert_eq!(topic_field(o, f, "min.insync.replicas"), None);
        let broker = load(
            0,
            "k.yaml".into(),
            "apiVersion: kafka.strimzi.io/v1\nkind: Kafka\nmetadata:\n  name: k\nspec:\n  kafka:\n    config:\n      num.partitions: 1\n".into(),
            Kind::Yaml,
        );
        let b = broker
            .objects
            .iter()
            .find(|o| o.format == Format::Kafka)
            .unwrap();
        assert_eq!(topic_field(b, &broker.source, "num.partitions"), None);
    }

    #[test]
    fn other_resources_are_not_kafka_configs() {
        let (_, objs) = derived_objects(
            "apiVersion: kafka.strimzi.io/v1\nkind: KafkaConnect\nmetadata:\n  name: c\nspec:\n  config:\n    a: 1\n---\napiVersion: example.com/v1\nkind: Kafka\nmetadata:\n  name: x\n",
        );
        assert!(objs.is_empty());
    }
}

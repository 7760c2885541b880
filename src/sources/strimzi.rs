//! Strimzi custom resources (`kafka.strimzi.io`) hold Kafka configuration. (In progress.)

use crate::model::Object;

/// The Kafka-format object derived from a Strimzi `Kafka` or `KafkaTopic`, if any.
pub fn kafka_config(_obj: &Object) -> Option<Object> {
    None
}

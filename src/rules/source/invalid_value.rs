//! `invalid-value`: a Kafka, Redis or PgBouncer setting holds a value the program refuses
//! (it stops at startup), or a KafkaTopic field the API server rejects.
//!
//! This rule owns "unreadable": each domain reads its values once, the way the program
//! does ([`Read`](crate::rules::values::Read)), and the domain's rules judge only what was
//! read,
//! skipping what the program refuses (reported here, at the value) and what scalelint
//! cannot tell (reported nowhere). What each program accepts, and the
//! sources that was taken from, is written beside each reader: `rules::kafka`,
//! `rules::redis`, `rules::pgbouncer`.

use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Format;
use crate::rules::{kafka, pgbouncer, redis};

crate::declare_rule!(object InvalidValue: "source" / "invalid-value");

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct InvalidValue {}

impl ObjectRule for InvalidValue {
    fn target(&self) -> Target<'_> {
        Target::Formats(&[Format::Kafka, Format::Redis, Format::PgBouncer])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let rejected = match cx.obj.format {
            Format::Kafka => kafka::rejected_values(cx),
            Format::Redis => redis::rejected_values(cx),
            Format::PgBouncer => pgbouncer::rejected_values(cx),
            Format::Kubernetes | Format::Prometheus | Format::K6 => Vec::new(),
        };
        for r in rejected {
            let f = cx
                .finding(
                    r.span,
                    format!(
                        "{} {}, not {}: {}",
                        r.setting, r.found, r.expected, r.consequence
                    ),
                )
                .with_label("refused")
                .with_help(format!("write {}; {}", r.expected, r.how_read));
            cx.emit(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NAME;
    use crate::rules::testing::run;
    use serde_json::json;

    /// The texts under the findings of `rule`.
    fn at(rule: &str, file: &str, text: &str) -> Vec<String> {
        let (source, found) = run(rule, json!({}), file, text);
        found
            .iter()
            .map(|f| source.slice(f.span).to_string())
            .collect()
    }

    /// A value the program refuses is reported once, by this rule, at the value; the rule
    /// that reads the value says nothing about it.
    #[test]
    fn refused_values_are_reported_here_and_skipped_by_the_rule_that_reads_them() {
        let cases: &[(&str, &str, &str, &str)] = &[
            // (file, text, value, rule that reads it)
            (
                "t.properties",
                "replication.factor=three\n",
                "three",
                "kafka-replication-factor",
            ),
            (
                "s.properties",
                "broker.id=1\nnum.partitions=0\n",
                "0",
                "kafka-partitions",
            ),
            (
                "s.properties",
                "broker.id=1\ndefault.replication.factor=3\nmin.insync.replicas=2 # two\n",
                "2 # two",
                "kafka-min-insync-replicas",
            ),
            (
                "t.properties",
                "unclean.leader.election.enable=yes\n",
                "yes",
                "kafka-unclean-leader-election",
            ),
            (
                "t.yaml",
                "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: t\nspec:\n  replicas: \"1\"\n",
                "\"1\"",
                "kafka-replication-factor",
            ),
            (
                "redis.conf",
                "maxmemory 1.5gb\n",
                "1.5gb",
                "redis-maxmemory",
            ),
            (
                "redis.conf",
                "maxmemory 2gb\nmaxmemory-policy lru\n",
                "lru",
                "redis-eviction-policy",
            ),
            (
                "redis.conf",
                "cluster-enabled yes\ncluster-node-timeout +20000\n",
                "+20000",
                "redis-cluster-node-timeout",
            ),
            (
                "sentinel.conf",
                "sentinel monitor m 10.0.0.1 6379 0\n",
                "0",
                "redis-sentinel-quorum",
            ),
            (
                "pgbouncer.ini",
                "[pgbouncer]\nmax_client_conn = lots\n",
                "lots",
                "pgbouncer-max-client-conn",
            ),
            (
                "pgbouncer.ini",
                "[pgbouncer]\ndefault_pool_size = 500 ; max\n",
                "500 ; max",
                "pgbouncer-pool-size",
            ),
            (
                "pgbouncer.ini",
                "[pgbouncer]\nreserve_pool_size = none\n",
                "none",
                "pgbouncer-reserve-pool",
            ),
            (
                "pgbouncer.ini",
                "[pgbouncer]\npool_mode = pooled\n",
                "pooled",
                "pgbouncer-pool-mode",
            ),
        ];
        for &(file, text, value, rule) in cases {
            assert_eq!(at(NAME, file, text), [value], "{file}: {text:?}");
            let by_rule = at(rule, file, text);
            assert!(
                !by_rule.iter().any(|a| a == value),
                "{rule} reports {value:?} too: {by_rule:?}"
            );
        }
    }

    #[test]
    fn accepted_and_unknown_values_are_not_reported() {
        for (file, text) in [
            (
                "t.properties",
                "replication.factor= -1 \nnum.partitions=+12\n",
            ),
            ("t.properties", "unclean.leader.election.enable=TRUE\n"),
            // Java reads other scripts' digits: not claimed either way.
            ("t.properties", "num.partitions=１２\n"),
            (
                "redis.conf",
                "maxmemory 0\nmaxmemory-policy NoEviction\nreplicaof no one\n",
            ),
            ("redis.conf", "cluster-enabled no\ncluster-node-timeout 0\n"),
            // Accepted by Redis although it wraps.
            ("redis.conf", "maxmemory 99999999999999999999999gb\n"),
            ("sentinel.conf", "sentinel monitor m 10.0.0.1 6379 2x\n"),
            (
                "pgbouncer.ini",
                "[pgbouncer]\nmax_client_conn = 99999999999\nlogfile = a # b\n",
            ),
            // A fragment: only the overrides are read.
            (
                "pgbouncer.ini",
                "[databases]\na = host=x pool_mode=Session\n",
            ),
            // An integral YAML float may reach Kafka as an integer.
            (
                "k.yaml",
                "apiVersion: kafka.strimzi.io/v1\nkind: Kafka\nmetadata:\n  name: k\nspec:\n  kafka:\n    config:\n      num.partitions: 12.0\n      min.insync.replicas: \"2\"\n",
            ),
        ] {
            assert!(at(NAME, file, text).is_empty(), "{file}: {text:?}");
        }
    }

    #[test]
    fn the_message_names_setting_value_and_what_is_accepted() {
        let (_, found) = run(
            NAME,
            json!({}),
            "pgbouncer.ini",
            "[pgbouncer]\nmax_client_conn = lots\n",
        );
        assert_eq!(
            found[0].message,
            "max_client_conn is `lots`, not an integer: PgBouncer refuses to load the file"
        );
        let (_, found) = run(NAME, json!({}), "redis.conf", "maxmemory\n");
        assert_eq!(
            found[0].message,
            "maxmemory has 0 arguments, not one argument: Redis refuses to start"
        );
        let (_, found) = run(
            NAME,
            json!({}),
            "s.properties",
            "broker.id=1\nnum.partitions=\n",
        );
        assert_eq!(
            found[0].message,
            "num.partitions is empty, not a 32-bit integer of at least 1: Kafka refuses to start"
        );
    }
}

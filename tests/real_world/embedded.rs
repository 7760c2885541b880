//! Data-tier configuration where it really lives: config files in ConfigMaps and Secrets, and
//! PostgreSQL operators' resources (copied from the shared corpus's `embedded/`, Apache-2.0
//! and MIT; the files of unknown licence are read by the opt-in test). Findings sit at the
//! exact line and column inside the YAML scalar, or at the operator resource's field.

use crate::common::{corpus, lint_files, place, shared_corpus, under};
use scalelint::Report;

/// `file:line:col rule` of every finding of `rules`, file names without their folders.
fn found(report: &Report, rules: &[&str]) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| rules.contains(&&*f.rule))
        .map(|f| {
            let (path, line, column) = place(report, f);
            let name = path.rsplit('/').next().unwrap_or(path);
            format!("{name}:{line}:{column} {}", f.rule)
        })
        .collect()
}

const DATA_TIER: &[&str] = &[
    "redis-maxmemory",
    "redis-eviction-policy",
    "redis-cluster-node-timeout",
    "redis-high-availability",
    "kafka-replication-factor",
    "kafka-min-insync-replicas",
    "kafka-partitions",
    "pgbouncer-pool-mode",
    "pgbouncer-max-client-conn",
    "pgbouncer-reserve-pool",
    "pgbouncer-pool-size",
    "workload-min-replicas",
    "parse-error",
    "invalid-value",
];

#[test]
fn configmaps_and_secrets_are_linted_inside_their_scalars() {
    let report = lint_files([corpus("embedded")]);
    let got = found(&report, DATA_TIER);
    for want in [
        // kubedb: a Secret's `stringData` `server.properties: |-`, no final newline.
        "configsecret-combined.yaml:9:32 kafka-replication-factor",
        // A 6-node cluster's `redis.conf: |+` with no maxmemory: at the key.
        "redis-cluster.yml:21:3 redis-maxmemory",
        "redis-cluster.yml:24:26 redis-cluster-node-timeout",
        // OT redis-operator's additional config, a key with a `.conf` name.
        "configmap.yaml:7:3 redis-maxmemory",
    ] {
        assert!(got.iter().any(|g| g == want), "missing {want} in {got:#?}");
    }
    // Yolean's broker config (`#init#` placeholders, replication 3, min ISR 2): nothing.
    assert!(
        !got.iter().any(|g| g.starts_with("10broker-config.yml")),
        "{got:#?}"
    );
}

#[test]
fn operator_resources_are_linted_at_their_fields() {
    let report = lint_files([corpus("embedded")]);
    let got = found(&report, DATA_TIER);
    for want in [
        // CrunchyData's example: `pgBouncer: {}` (PgBouncer's defaults, session pooling) and
        // an instance set without `replicas` (1).
        "postgrescluster.yaml:8:7 workload-min-replicas",
        "postgrescluster.yaml:35:5 pgbouncer-pool-mode",
        "postgrescluster.yaml:35:5 workload-min-replicas",
        // The kuttl test: flow mappings, an apiVersion ending in a variable.
        "00-cluster.yaml:10:17 workload-min-replicas",
        "00-cluster.yaml:14:17 workload-min-replicas",
        "00-cluster.yaml:18:9 pgbouncer-pool-mode",
        // KubeDB's PgBouncer: `poolMode: session`, one replica.
        "pb-custom-config.yaml:7:13 workload-min-replicas",
        "pb-custom-config.yaml:18:15 pgbouncer-pool-mode",
        // CloudNativePG's samples: `poolMode: session`, one instance.
        "pooler-basic-auth.yaml:9:14 workload-min-replicas",
        "pooler-basic-auth.yaml:12:15 pgbouncer-pool-mode",
        "pooler-external.yaml:17:15 pgbouncer-pool-mode",
    ] {
        assert!(got.iter().any(|g| g == want), "missing {want} in {got:#?}");
    }
    // The HA example runs 2 of each: no replica finding.
    assert!(
        !got.iter()
            .any(|g| g.starts_with("ha-postgres.yaml") && g.ends_with("workload-min-replicas")),
        "{got:#?}"
    );
    // Three pooler instances are enough.
    assert!(
        !got.iter()
            .any(|g| g.starts_with("pooler-external.yaml") && g.ends_with("workload-min-replicas")),
        "{got:#?}"
    );
    // Zalando's complete manifest: 2 instances, pooler disabled.
    assert!(
        !got.iter()
            .any(|g| g.starts_with("complete-postgres-manifest.yaml")),
        "{got:#?}"
    );
}

#[test]
fn embedded_files_of_unknown_licence_opt_in() {
    let Some(root) = shared_corpus("the embedded/ files of unknown licence") else {
        return;
    };
    let report = lint_files([under(&root, "embedded")]);
    let got = found(&report, DATA_TIER);
    for want in [
        // cuckoo-echo's pgbouncer.ini: transaction pooling, no reserve pool, at the key.
        "pgbouncer-configmap.yaml:6:3 pgbouncer-reserve-pool",
        // A Redis 3-era master.conf and slave.conf beside a sentinel.conf ConfigMap in the
        // same namespace: no redis-high-availability, but no maxmemory.
        "redis-configmap.yaml:10:3 redis-maxmemory",
        "redis-configmap.yaml:14:3 redis-maxmemory",
    ] {
        assert!(got.iter().any(|g| g == want), "missing {want} in {got:#?}");
    }
    assert!(
        !got.iter().any(
            |g| g.starts_with("redis-configmap.yaml") && g.ends_with("redis-high-availability")
        ),
        "{got:#?}"
    );
    // The trailing spaces after sentinel lines are not errors.
    assert!(
        !got.iter()
            .any(|g| g.starts_with("redis-sentinel-configmap.yaml")),
        "{got:#?}"
    );
}

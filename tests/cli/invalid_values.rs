//! Values the platform refuses are findings at the value, in every format: Kafka, Redis and
//! PgBouncer settings (`invalid-value`) and Kubernetes fields of a validated kind
//! (`schema-violation`), through the real binary.

use crate::common::{project, run};

/// Compact output lines of `rule`.
fn lines_of(out: &str, rule: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.contains(&format!("[{rule}]")))
        .map(str::to_owned)
        .collect()
}

#[test]
fn hpa_min_replicas_as_a_word_is_a_schema_violation_at_the_value() {
    let hpa = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: \"two\"
  maxReplicas: 10
";
    let p = project(&[("hpa.yaml", hpa)]);
    let (out, _, code) = run(p.path(), &["check", "--format", "compact", "hpa.yaml"]);
    assert_eq!(code, 1, "{out}");
    let found = lines_of(&out, "schema-violation");
    assert_eq!(found.len(), 1, "{out}");
    assert!(
        found[0].starts_with("hpa.yaml:10:16: error[schema-violation]"),
        "{out}"
    );
    assert!(found[0].contains("minReplicas"), "{out}");
}

#[test]
fn each_flat_format_reports_the_value_its_program_refuses() {
    let p = project(&[
        (
            "kafka/server.properties",
            "broker.id=0\nlog.dirs=/data\ndefault.replication.factor=one\n",
        ),
        (
            "redis/redis.conf",
            "maxmemory 2gb\ncluster-node-timeout fast\n",
        ),
        (
            "pgbouncer/pgbouncer.ini",
            "[pgbouncer]\npool_mode = transaction\nmax_client_conn = lots\n",
        ),
    ]);
    let (out, _, code) = run(p.path(), &["check", "--format", "compact", "."]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        lines_of(&out, "invalid-value"),
        [
            "kafka/server.properties:3:28: error[invalid-value] default.replication.factor is `one`, not a 32-bit integer: Kafka refuses to start",
            "pgbouncer/pgbouncer.ini:3:19: error[invalid-value] max_client_conn is `lots`, not an integer: PgBouncer refuses to load the file",
            "redis/redis.conf:2:22: error[invalid-value] cluster-node-timeout is `fast`, not an integer of at least 0: Redis refuses to start",
        ],
        "{out}"
    );
    // The rules that read those values say nothing about them.
    for rule in ["kafka-replication-factor", "pgbouncer-max-client-conn"] {
        assert!(
            lines_of(&out, rule).iter().all(|l| !l.contains(":3:")),
            "{out}"
        );
    }
}

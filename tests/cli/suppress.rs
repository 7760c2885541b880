//! Suppression comments and the `scalelint.io/ignore` annotation, on real files: suppressed
//! findings leave human output, stay in SARIF as suppressed, and stale or misspelt
//! suppressions are reported.

use crate::common;
use crate::common::project;

use serde_json::Value;
use std::path::Path;

/// Standard output and exit code.
fn run(dir: &Path, args: &[&str]) -> (String, i32) {
    let (out, _, code) = common::run(dir, args);
    (out, code)
}

fn compact(dir: &Path) -> String {
    run(dir, &["check", "--format", "compact"]).0
}

fn hpa(before_min: &str, min_line_suffix: &str, annotations: &str) -> String {
    format!(
        "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
{annotations}spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
{before_min}  minReplicas: 1{min_line_suffix}
  maxReplicas: 10
"
    )
}

#[test]
fn next_line_comment_hides_from_human_and_shows_in_sarif_as_suppressed() {
    let text = hpa(
        "  # scalelint-disable-next-line hpa-min-replicas -- internal tool, one pod is fine\n",
        "",
        "",
    );
    let p = project(&[("hpa.yaml", &text)]);
    let (human, _) = run(p.path(), &["check", "--no-color"]);
    assert!(!human.contains("hpa-min-replicas"), "{human}");
    assert!(human.contains(" (1 suppressed) in "), "{human}");
    for format in ["compact", "github", "junit"] {
        let (out, _) = run(p.path(), &["check", "--format", format]);
        assert!(!out.contains("hpa-min-replicas"), "{format}: {out}");
    }
    let (sarif, _) = run(p.path(), &["check", "--format", "sarif"]);
    let doc: Value = serde_json::from_str(&sarif).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "hpa-min-replicas")
        .expect("suppressed finding kept in SARIF");
    assert_eq!(r["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        r["suppressions"][0]["justification"],
        "internal tool, one pod is fine"
    );
    assert!(
        results
            .iter()
            .filter(|r| r["ruleId"] != "hpa-min-replicas")
            .all(|r| r.get("suppressions").is_none())
    );
}

#[test]
fn same_line_file_wide_all_and_several_rules() {
    let cases = [
        hpa("", " # scalelint-disable-line hpa-min-replicas", ""),
        hpa("", "", "").replacen(
            "apiVersion",
            "# scalelint-disable-file hpa-min-replicas -- staging\napiVersion",
            1,
        ),
        hpa("  # scalelint-disable-next-line all\n", "", ""),
        hpa(
            "  # scalelint-disable-next-line hpa-max-replicas, hpa-min-replicas\n  # another comment\n\n",
            "",
            "",
        ),
    ];
    for text in cases {
        let p = project(&[("hpa.yaml", &text)]);
        let out = compact(p.path());
        assert!(!out.contains("[hpa-min-replicas]"), "{text}\n{out}");
        assert!(!out.contains("[suppression-unknown-rule]"), "{text}\n{out}");
    }
    // The rule not found on that line is an unused suppression.
    let p = project(&[(
        "hpa.yaml",
        &hpa(
            "  # scalelint-disable-next-line hpa-max-replicas, hpa-min-replicas\n",
            "",
            "",
        ),
    )]);
    let out = compact(p.path());
    assert!(
        out.contains("hpa.yaml:10:33: info[suppression-unused] suppression of `hpa-max-replicas` suppresses nothing"),
        "{out}"
    );
}

#[test]
fn annotation_suppresses_on_its_object_only() {
    let annotated = hpa(
        "",
        "",
        "  annotations:\n    scalelint.io/ignore: \"hpa-min-replicas -- batch tier\"\n",
    );
    let other = hpa("", "", "").replace("name: web\nspec", "name: other\nspec");
    let p = project(&[("hpa.yaml", &format!("{annotated}---\n{other}"))]);
    let out = compact(p.path());
    let hits: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("[hpa-min-replicas]"))
        .collect();
    assert_eq!(hits.len(), 1, "{out}");
    assert!(hits[0].starts_with("hpa.yaml:24:"), "{out}");
    let (sarif, _) = run(p.path(), &["check", "--format", "sarif"]);
    assert!(
        sarif.contains("\"justification\": \"batch tier\""),
        "{sarif}"
    );
}

#[test]
fn annotation_covers_what_is_derived_from_the_object() {
    let topic = "apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata:
  name: my-topic
  annotations:
    scalelint.io/ignore: kafka-partitions
spec:
  partitions: 1
  replicas: 3
";
    let p = project(&[("topic.yaml", topic)]);
    let out = compact(p.path());
    assert!(!out.contains("[kafka-partitions]"), "{out}");
    assert!(!out.contains("[suppression-unused]"), "{out}");
}

#[test]
fn comments_in_ini_and_properties_files() {
    let p = project(&[
        (
            "pgbouncer.ini",
            "[pgbouncer]\nlisten_port = 6432\n; scalelint-disable-next-line pgbouncer-pool-mode -- prepared statements\npool_mode = session\nmax_client_conn = 1000\ndefault_pool_size = 25\nreserve_pool_size = 5\n",
        ),
        (
            "kafka/server.properties",
            "num.partitions=3 \n# scalelint-disable-file kafka-partitions\nreplication.factor=3\nmin.insync.replicas=2\n",
        ),
    ]);
    let out = compact(p.path());
    assert!(!out.contains("[pgbouncer-pool-mode]"), "{out}");
    assert!(!out.contains("[kafka-partitions]"), "{out}");
    assert!(!out.contains("[suppression-"), "{out}");
}

#[test]
fn unknown_and_unused_suppressions_are_reported() {
    let text = hpa(
        "  # scalelint-disable-next-line hpa-min-replica\n",
        "",
        "  annotations:\n    scalelint.io/ignore: pdb-missing\n",
    );
    let p = project(&[("hpa.yaml", &text)]);
    let out = compact(p.path());
    assert!(
        out.contains("hpa.yaml:12:33: warning[suppression-unknown-rule] suppression names `hpa-min-replica`, which is not a rule"),
        "{out}"
    );
    assert!(out.contains("[hpa-min-replicas]"), "{out}");
    assert!(
        out.contains("hpa.yaml:6:26: info[suppression-unused] suppression of `pdb-missing` suppresses nothing"),
        "{out}"
    );
    // A suppression of a rule the configuration turns off is not stale.
    let p = project(&[
        ("hpa.yaml", &text),
        (".scalelint.yaml", "rules:\n  pdb-missing: off\n"),
    ]);
    let out = compact(p.path());
    assert!(!out.contains("[suppression-unused]"), "{out}");
    // And the suppression rules obey the configuration like any other.
    let p = project(&[
        ("hpa.yaml", &text),
        (".scalelint.yaml", "rules:\n  suppression-*: off\n"),
    ]);
    let out = compact(p.path());
    assert!(!out.contains("[suppression-"), "{out}");
}

#[test]
fn many_suppressions_and_findings_stay_fast() {
    // 4000 HPAs, each with a next-line suppression: linear matching, not quadratic.
    let one = hpa(
        "  # scalelint-disable-next-line hpa-min-replicas -- bulk\n",
        "",
        "  annotations:\n    scalelint.io/ignore: hpa-scale-down-rate\n",
    );
    let text = vec![one; 4000].join("---\n");
    let p = project(&[("hpa.yaml", &text)]);
    let start = std::time::Instant::now();
    let out = compact(p.path());
    assert!(!out.contains("[hpa-min-replicas]"));
    assert!(!out.contains("[suppression-"));
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

/// A file whose only finding comes from a cross-resource rule had its text dropped after its
/// own rules ran; it is read again so the finding and the labels into it render with their
/// source lines.
#[test]
fn cross_resource_findings_render_from_files_whose_text_was_dropped() {
    let dir = project(&[
        (
            "deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: app\n          image: example/web:1.0.0\n",
        ),
        (
            "hpa.yaml",
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 5\n",
        ),
    ]);
    let (out, err, code) = common::run(
        dir.path(),
        &[
            "check",
            ".",
            "--select",
            "workload-replicas-with-autoscaler",
            "--no-color",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("deploy.yaml:6:"), "{out}");
    assert!(out.contains("replicas: 3"), "{out}");
    assert!(out.contains("hpa.yaml:4:9"), "{out}");
    assert!(out.contains("4 |   name: web"), "{out}");
}

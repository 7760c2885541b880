//! Kafka configs: Apache Kafka's own sample configs, KRaft configs, client and Connect configs
//! and Strimzi resources (copied into `tests/corpus/kafka`), and, opt-in, the shared corpus's
//! other `server.properties` files, among them a Minecraft one that must not be mistaken for
//! Kafka (their licences are unknown).

use crate::common::{CORPUS, copied_count, lint_files, shared_corpus, under};
use scalelint::Report;
use scalelint::sources::properties;
use std::path::{Path, PathBuf};

fn kafka_dir() -> PathBuf {
    Path::new(CORPUS).join("kafka")
}

fn run(paths: &[&str]) -> Report {
    run_in(&kafka_dir(), paths)
}

fn run_in(dir: &Path, paths: &[&str]) -> Report {
    lint_files(paths.iter().map(|p| under(dir, p)))
}

/// `rule line:column` of every finding of the Kafka rules, in report order.
fn kafka_findings(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("kafka-"))
        .map(|f| {
            let at = report.files[f.file].line_col(f.span.start);
            format!("{} {}:{}", f.rule, at.line, at.column)
        })
        .collect()
}

fn only(found: &[String], rule: &str) -> Vec<String> {
    found
        .iter()
        .filter(|s| s.starts_with(&format!("{rule} ")))
        .cloned()
        .collect()
}

const RF: &str = "kafka-replication-factor";
const ISR: &str = "kafka-min-insync-replicas";

#[test]
fn apache_server_properties() {
    let report = run(&["apache-kafka__config__server.properties"]);
    assert_eq!(report.objects, 1);
    let found = kafka_findings(&report);
    // `default.replication.factor` is absent (default 1): line 1. `offsets…` and
    // `transaction.state.log.replication.factor` are set to 1.
    assert_eq!(
        only(&found, RF),
        vec![
            format!("{RF} 1:1"),
            format!("{RF} 76:34"),
            format!("{RF} 77:42")
        ]
    );
    // `min.insync.replicas` is absent (default 1, below 2 and equal to the default
    // replication factor 1); `transaction.state.log.min.isr=1` likewise, against 1.
    assert_eq!(
        only(&found, ISR),
        vec![format!("{ISR} 1:1"), format!("{ISR} 78:31")]
    );
    let isr = report
        .findings
        .iter()
        .find(|f| f.rule == ISR && f.span.start > 0)
        .unwrap();
    assert_eq!(isr.labels.len(), 1, "labels the replication factor");
    assert_eq!(report.files[0].line_col(isr.labels[0].span.start).line, 77);
    assert!(
        found.contains(&"kafka-partitions 67:16".to_string()),
        "{found:#?}"
    );
}

#[test]
fn kraft_configs() {
    for (file, first) in [
        ("apache-kafka__config__kraft__server.properties", 92),
        ("apache-kafka__config__kraft__broker.properties", 89),
        ("apache-kafka__config__kraft__controller.properties", 89),
    ] {
        let report = run(&[file]);
        let found = kafka_findings(&report);
        assert_eq!(
            only(&found, RF),
            vec![
                format!("{RF} 1:1"),
                format!("{RF} {first}:34"),
                format!("{RF} {}:42", first + 1)
            ],
            "{file}"
        );
        assert_eq!(
            only(&found, ISR),
            vec![format!("{ISR} 1:1"), format!("{ISR} {}:31", first + 2)],
            "{file}"
        );
    }
}

#[test]
fn minecraft_server_properties_is_not_kafka_opt_in() {
    let Some(root) = shared_corpus(
        "a Minecraft server.properties (0x213F/minecraft, licence unknown) is not Kafka",
    ) else {
        return;
    };
    let dir = root.join("kafka");
    let report = run_in(
        &dir,
        &["0x213F-minecraft__server.properties__NOT-KAFKA-minecraft"],
    );
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.objects, 0);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let text = std::fs::read_to_string(
        dir.join("0x213F-minecraft__server.properties__NOT-KAFKA-minecraft"),
    )
    .unwrap();
    assert!(!properties::looks_like_kafka(&text));
    // As a `.properties` file found in a directory walk, too.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("server.properties"), &text).unwrap();
    let report = lint_files([tmp.path()]);
    assert_eq!(report.objects, 0);
    assert!(report.findings.is_empty());
}

#[test]
fn client_and_connect_configs_get_no_broker_defaults() {
    let files = [
        "apache-kafka__config__producer.properties",
        "apache-kafka__config__consumer.properties",
        "apache-kafka__config__connect-standalone.properties",
        "apache-kafka__config__connect-distributed.properties",
        "apache-kafka__config__connect-file-sink.properties",
        "apache-kafka__config__connect-file-source.properties",
        "apache-kafka__config__connect-console-sink.properties",
        "apache-kafka__config__connect-console-source.properties",
        "apache-kafka__config__connect-mirror-maker.properties",
        "apache-kafka__docker__examples__fixtures__client-secrets__client-ssl.properties",
    ];
    let report = run(&files);
    assert_eq!(report.files.len(), files.len());
    let found: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            let file = &report.files[f.file];
            let at = file.line_col(f.span.start);
            format!("{} {} {}:{}", file.path, f.rule, at.line, at.column)
        })
        .collect();
    // MirrorMaker sets `replication.factor=1` itself (for the topics it creates): judged.
    // Nothing is judged by a broker default.
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].ends_with("connect-mirror-maker.properties kafka-replication-factor 39:20"),
        "{found:#?}"
    );
}

/// Every file of `dir` parses without problems, as linted and as parsed alone (whether or
/// not it is classified as Kafka); returns how many files are not YAML.
fn every_properties_file_parses(dir: &Path) -> usize {
    let report = run_in(dir, &["."]);
    let problems: Vec<String> = report
        .findings
        .iter()
        .filter(|f| matches!(&*f.rule, "parse-error" | "io-error" | "duplicate-key"))
        .map(|f| format!("{}: {}", report.files[f.file].path, f.message))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    // The parser itself, on every file, whether or not it is classified as Kafka.
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let path = e.path();
        if !path.is_file() || path.extension().is_some_and(|x| x == "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = properties::parse(&text);
        assert!(
            parsed.problems.is_empty(),
            "{}: {:?}",
            path.display(),
            parsed.problems
        );
        assert!(
            !parsed.root.as_map().unwrap().is_empty(),
            "{}",
            path.display()
        );
        n += 1;
    }
    n
}

#[test]
fn every_corpus_properties_file_parses() {
    let n = every_properties_file_parses(&kafka_dir());
    let copied = copied_count("kafka/", |f| !f.contains("/strimzi/"));
    assert_eq!(n, copied);
    assert!(n >= 15, "{n}");
}

#[test]
fn every_corpus_properties_file_parses_opt_in() {
    let Some(root) = shared_corpus(
        "every properties file of the shared corpus's kafka/, two of them of unknown licence",
    ) else {
        return;
    };
    let n = every_properties_file_parses(&root.join("kafka"));
    assert!(n >= 20, "corpus not found: {n} files");
}

/// Every `.properties` file of `dir` is recognised as Kafka, except ZooKeeper's and a
/// client's TLS settings; returns how many were checked.
fn kafka_files_are_recognised_in(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if !name.ends_with(".properties") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        // ZooKeeper's own config ships with Kafka but is not a Kafka config; a client's
        // TLS settings alone (`security.protocol`, `ssl.*`) hold nothing the rules judge
        // and are too generic to claim a file for Kafka.
        let expected = !name.contains("zookeeper") && !name.contains("client-ssl");
        assert_eq!(properties::looks_like_kafka(&text), expected, "{name}");
        n += 1;
    }
    n
}

#[test]
fn kafka_files_are_recognised() {
    let n = kafka_files_are_recognised_in(&kafka_dir());
    assert_eq!(n, copied_count("kafka/", |f| f.ends_with(".properties")));
}

#[test]
fn kafka_files_are_recognised_opt_in() {
    let Some(root) = shared_corpus(
        "recognising every .properties file of the shared corpus's kafka/ (one of unknown licence)",
    ) else {
        return;
    };
    assert!(kafka_files_are_recognised_in(&root.join("kafka")) > 0);
}

#[test]
fn strimzi_resources_are_linted_inside_the_yaml() {
    let report = run(&["strimzi"]);
    let found: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("kafka-"))
        .map(|f| {
            let file = &report.files[f.file];
            let at = file.line_col(f.span.start);
            let name = file.path.rsplit("__").next().unwrap_or("");
            format!("{name} {} {}:{}", f.rule, at.line, at.column)
        })
        .collect();
    // The single-node example uses one replica everywhere; the value is in the YAML.
    for want in [
        "kafka-single-node.yaml kafka-replication-factor 39:41",
        "kafka-single-node.yaml kafka-replication-factor 40:49",
        "kafka-single-node.yaml kafka-replication-factor 42:35",
        "kafka-single-node.yaml kafka-min-insync-replicas 41:38",
        "kafka-single-node.yaml kafka-min-insync-replicas 43:28",
        // No `num.partitions` in a Kafka's config: Kafka's default of 1, at the `config` key.
        "kafka-persistent.yaml kafka-partitions 56:5",
        // KafkaTopic: `spec.partitions: 1` and `spec.replicas: 1`.
        "kafka-topic.yaml kafka-partitions 8:15",
        "kafka-topic.yaml kafka-replication-factor 9:13",
    ] {
        assert!(found.contains(&want.to_string()), "{want}: {found:#?}");
    }
    // The three-broker examples set 3 replicas and a min ISR of 2: nothing else.
    for f in &found {
        assert!(
            f.starts_with("kafka-single-node.yaml")
                || f.contains("kafka-partitions")
                || f.starts_with("kafka-topic.yaml"),
            "{f}"
        );
    }
    // KafkaConnect's config is not judged (its `-1` replication factors defer to the brokers).
    assert!(!found.iter().any(|f| f.starts_with("kafka-connect.yaml")));
}

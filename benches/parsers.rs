//! Criterion micro-benchmarks of the source parsers, one group per parser, on real files of
//! the corpus (see its SOURCES.tsv) and, for YAML, on a generated Deployment too.
//! Throughput is in bytes of input, so the parsers can be compared with each other.
//!
//! The PgBouncer and Kafka files are copied in `tests/corpus`; the YAML manifests and Redis'
//! redis.conf are read from `../shared/corpus`, and the generated Deployment needs
//! `../shared/tools/gen-corpus` run with `python3`. Without `../shared` beside the repository
//! those benches are skipped, each with a message saying what it needs.
//!
//! Run: `cargo bench --bench parsers` (all benches: `cargo bench`; one group:
//! `cargo bench --bench parsers -- yaml`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scalelint::sources::{pgbouncer, properties, redis, yaml};
use std::hint::black_box;

mod common;

/// A real multi-document stream: 35 documents (Deployments, Services, ...), 22 KB.
const MANIFESTS: &str = "k8s/microservices-demo/GoogleCloudPlatform-microservices-demo__release__kubernetes-manifests.yaml";
/// PgBouncer's own sample configuration: every setting, most commented out.
const PGBOUNCER: &str = "pgbouncer/pgbouncer-pgbouncer__etc__pgbouncer.ini";
/// Redis' own redis.conf: 109 KB, mostly comments.
const REDIS: &str = "redis/redis-redis__redis.conf";
/// Kafka's own broker server.properties.
const PROPERTIES: &str = "kafka/apache-kafka__config__server.properties";

fn yaml_parse(c: &mut Criterion) {
    let mut inputs = Vec::new();
    let name = "microservices-demo-manifests";
    if let Some(manifests) = common::corpus_file(MANIFESTS, &format!("yaml/{name}")) {
        // What is measured must be the parser doing its whole job, not bailing out early.
        let parsed = yaml::parse(&manifests, yaml::Limits::default());
        assert!(parsed.documents.len() > 10, "{MANIFESTS}: {parsed:?}");
        assert!(
            parsed.problems.is_empty(),
            "{MANIFESTS}: {:?}",
            parsed.problems
        );
        inputs.push((name, manifests));
    }
    let name = "generated-deployment";
    if let Some(service) = common::generated_service(&format!("yaml/{name}")) {
        let parsed = yaml::parse(&service.deployment, yaml::Limits::default());
        assert_eq!(parsed.documents.len(), 1, "{:?}", parsed.problems);
        inputs.push((name, service.deployment));
    }
    if inputs.is_empty() {
        return;
    }

    let mut group = c.benchmark_group("yaml");
    for (name, text) in &inputs {
        let name = *name;
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| yaml::parse(black_box(text), yaml::Limits::default()))
        });
    }
    group.finish();
}

/// One group for a flat-format parser, after checking that it parses `rel` cleanly.
fn flat(
    c: &mut Criterion,
    group: &str,
    rel: &str,
    parse: fn(&str) -> scalelint::sources::FlatParsed,
) {
    let Some(text) = common::corpus_file(rel, group) else {
        return;
    };
    let parsed = parse(&text);
    assert!(parsed.problems.is_empty(), "{rel}: {:?}", parsed.problems);
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function(rel.split("__").last().unwrap_or(rel), |b| {
        b.iter(|| parse(black_box(&text)))
    });
    group.finish();
}

fn pgbouncer_parse(c: &mut Criterion) {
    flat(c, "pgbouncer", PGBOUNCER, pgbouncer::parse);
}

fn redis_parse(c: &mut Criterion) {
    flat(c, "redis", REDIS, redis::parse);
}

fn properties_parse(c: &mut Criterion) {
    flat(c, "properties", PROPERTIES, properties::parse);
}

criterion_group!(
    benches,
    yaml_parse,
    pgbouncer_parse,
    redis_parse,
    properties_parse
);
criterion_main!(benches);

//! Criterion micro-benchmarks of the rule pass on one file: a generated Deployment and its
//! HPA in one two-document file (what a pre-commit run lints), through the library's public
//! entry points.
//!
//! The rule pass alone (`RuleSet::check_file`) is private, so it is bracketed: `load` is
//! parsing plus object extraction (`sources::load`), `lint_sources` is that plus the
//! per-object rules, the cross-resource index and its rules, and sorting the findings
//! (`engine::lint_sources` with `scalelint::builtin_rules()`); the difference is the rules' share.
//! `builtin` is building the rule set, which every run pays once.
//!
//! `load` and `lint_sources` need `../shared/tools/gen-corpus` beside the repository, run with
//! `python3`: without it they are skipped with a message saying so (`builtin` still runs).
//!
//! Run: `cargo bench --bench rules` (all benches: `cargo bench`).

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use scalelint::engine;
use scalelint::sources::{self, classify::Kind};
use std::hint::black_box;

mod common;

fn rule_pass(c: &mut Criterion) {
    c.bench_function("builtin", |b| b.iter(scalelint::builtin_rules));
    let Some(service) = common::generated_service("rules/load and rules/lint_sources") else {
        return;
    };
    let path = format!("{}/app.yaml", service.dir);
    let text = format!("{}---\n{}", service.deployment, service.hpa);
    let rules = scalelint::builtin_rules().expect("the built-in rules");
    // Both objects are seen (the rules have something to check); the run also warms the
    // schemas, which are compiled once per process on first use.
    let report = engine::lint_sources(vec![(path.clone(), text.clone())], &rules);
    assert_eq!(report.objects, 2, "{path}: {:?}", report.findings);

    let mut group = c.benchmark_group("rules");
    group.throughput(Throughput::Bytes(text.len() as u64));
    // The inputs are moved into the functions: clone them outside the timed part.
    let input = || (path.clone(), text.clone());
    group.bench_function("load", |b| {
        b.iter_batched(
            input,
            |(path, text)| sources::load(0, path, text, Kind::Yaml),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("lint_sources", |b| {
        b.iter_batched(
            || vec![input()],
            |inputs| engine::lint_sources(inputs, black_box(&rules)),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, rule_pass);
criterion_main!(benches);

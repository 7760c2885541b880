//! Stable stand-in for the fuzz targets (issue 10): random and mutated inputs through the YAML
//! parser and the whole `lint_sources`, in every format. The ini/conf/properties parsers have
//! their own property tests beside them in `src/sources/`.

use proptest::prelude::*;
use scalelint::sources::yaml;
use scalelint::{RuleSet, lint_sources};
use std::sync::OnceLock;

const NAMES: [&str; 5] = [
    "x.yaml",
    "pgbouncer.ini",
    "redis.conf",
    "server.properties",
    "x",
];

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| scalelint::builtin_rules().unwrap())
}

/// A few real files to mutate: the repository's own examples and fixtures (always present).
fn seeds() -> &'static Vec<String> {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        [
            "examples/shop/api/hpa.yaml",
            "fixtures/hpa-min-replicas/fail.yaml",
            "fixtures/pgbouncer-pool-mode/fail.ini",
            "fixtures/redis-maxmemory/fail.conf",
            "fixtures/kafka-replication-factor/fail.properties",
        ]
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect()
    })
}

fn lint_all_names(text: &str) {
    for name in NAMES {
        lint_sources(vec![(name.to_string(), text.to_string())], rules());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        yaml::parse(&text, yaml::Limits::default());
        lint_all_names(&text);
    }

    #[test]
    fn yaml_like_text_never_panics(
        text in "([-a-z:&*!|>\\[\\]{},#\"'? \t\r\n0-9%<]{0,16}\n?){0,24}"
    ) {
        let parsed = yaml::parse(&text, yaml::Limits::default());
        yaml::comments(&text, &parsed);
        lint_all_names(&text);
    }

    #[test]
    fn mutated_seeds_never_panic(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let seeds = seeds();
        prop_assume!(!seeds.is_empty());
        let mut bytes = pick.get(seeds).clone().into_bytes();
        prop_assume!(!bytes.is_empty());
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        bytes.truncate(cut.index(bytes.len() + 1).max(1));
        let text = String::from_utf8_lossy(&bytes);
        lint_all_names(&text);
    }
}

#[test]
fn seeds_are_found() {
    assert_eq!(seeds().len(), 5, "{}", seeds().len());
}

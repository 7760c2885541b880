//! The whole lint (`lint_sources`: classify, parse, every built-in rule) on one in-memory
//! file. The first byte picks the file name, so every format is reached.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalelint::lint_sources;
use std::sync::OnceLock;

const NAMES: [&str; 6] = [
    "x.yaml",
    "pgbouncer.ini",
    "redis.conf",
    "server.properties",
    "sentinel.conf",
    "x",
];

fuzz_target!(|data: &[u8]| {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let rules = RULES.get_or_init(|| scalelint::builtin_rules().expect("built-in rules load"));
    let name = NAMES[usize::from(*first) % NAMES.len()];
    let _ = lint_sources(vec![(name.to_string(), text.to_string())], rules);
});

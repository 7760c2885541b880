//! Built-in rules, one file per rule, grouped by domain. Adding a rule: its file (which
//! declares it with `declare_rule!`), its metadata in `rules/<domain>/<name>.yaml`, fixtures
//! in `fixtures/<name>/`, and its module's name in its domain's `domain!` list.

use crate::engine::rule::Declaration;

/// A domain's rule modules: declares each module and lists its `DECLARATION` in the domain's
/// `RULES`, so the module's name is the only registry entry a rule needs.
macro_rules! domain {
    ($($rule:ident),* $(,)?) => {
        $(pub mod $rule;)*
        /// This domain's rules.
        pub static RULES: &[&crate::engine::rule::Declaration] = &[$(&$rule::DECLARATION),*];
    };
}

/// Rules reported by the engine or the parsers themselves: a declaration per rule, under the
/// name the reporting module gives it.
macro_rules! reported {
    ($($rule:ident: $name:path),* $(,)?) => {
        $(pub mod $rule {
            crate::declare_rule!(reported "source" / $name);
        })*
        /// The rules the engine and the parsers report.
        pub static REPORTED: &[&crate::engine::rule::Declaration] = &[$(&$rule::DECLARATION),*];
    };
}

pub mod common;
pub mod cross;
pub mod hpa;
pub mod k6;
pub mod k8s;
pub mod kafka;
pub mod keda;
pub mod pdb;
pub mod pgbouncer;
pub mod prometheus;
pub mod redis;
pub mod source;
#[cfg(test)]
pub(crate) mod testing;
pub mod values;

/// Every built-in rule's declaration.
pub fn builtin() -> impl Iterator<Item = &'static Declaration> {
    [
        source::REPORTED,
        source::RULES,
        k8s::RULES,
        hpa::RULES,
        keda::RULES,
        pdb::RULES,
        cross::RULES,
        pgbouncer::RULES,
        redis::RULES,
        kafka::RULES,
        prometheus::RULES,
        k6::RULES,
    ]
    .into_iter()
    .flatten()
    .copied()
}

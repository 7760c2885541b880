//! Built-in rules, one file per rule, grouped by domain. Adding a rule: its file, its
//! metadata in `rules/<domain>/<name>.yaml`, fixtures in `fixtures/<name>/`, and one line
//! in its domain's `RULES`.

pub mod common;
pub mod cross;
pub mod hpa;
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

use crate::engine::rule::Builder;

/// Every built-in rule: name and constructor.
pub fn registry() -> impl Iterator<Item = &'static (&'static str, Builder)> {
    source::RULES
        .iter()
        .chain(k8s::RULES)
        .chain(hpa::RULES)
        .chain(keda::RULES)
        .chain(pdb::RULES)
        .chain(cross::RULES)
        .chain(pgbouncer::RULES)
        .chain(redis::RULES)
        .chain(kafka::RULES)
        .chain(prometheus::RULES)
}

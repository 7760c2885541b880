//! Real-world inputs: files from public projects that were not written for scalelint.
//!
//! Each test reads the copies in `tests/corpus` (see its README and `SOURCES.tsv`), which
//! every clone has. Tests of files that could not be copied (no licence, or one that does not
//! allow it) and sweeps of the whole shared corpus are opt-in: they run when
//! `SCALELINT_SHARED_CORPUS` is set (`1` for `../shared/corpus`, or a folder) and otherwise
//! print what they skip and pass; their names end in `_opt_in`.

#[path = "../common/mod.rs"]
mod common;

mod copies;
mod corpus;
mod cross_resource;
mod embedded;
mod fixes;
mod grafana;
mod helm;
mod k6;
mod kafka;
mod kustomize;
mod pgbouncer;
mod pgbouncer_conf;
mod prometheus;
mod promtool;
mod redis;
mod schema;

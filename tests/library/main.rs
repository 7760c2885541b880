//! Tests of the library and the repository's own files: every rule against its fixtures
//! (snapshots), rule completeness, generated docs and schemas, properties of the parsers and
//! rules, two projects in one process, the module map of ARCHITECTURE.md. One test binary.

#[path = "../common/mod.rs"]
mod common;

mod architecture;
mod completeness;
mod context_cache;
mod fixtures;
mod hook;
mod null_is_absent;
mod positions_only;
mod proptest_inputs;
mod readme;
mod rolling_update;
mod schemas;
mod server;
mod shared_texts;
mod two_projects;
mod yaml_parity;

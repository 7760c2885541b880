//! Real-world inputs: files from public projects that were not written for scalelint, read
//! from the shared corpus beside the checkout (`../shared/corpus`). One test binary.

#[path = "../common/mod.rs"]
mod common;

mod corpus;
mod cross_resource;
mod kafka;
mod pgbouncer;
mod pgbouncer_conf;
mod prometheus;
mod redis;
mod schema;

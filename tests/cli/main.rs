//! Tests that run the real `scalelint` binary: exit codes, formats, configuration, projects,
//! suppressions, hostile input, determinism and the README's promises. One test binary (each
//! `tests/*.rs` file would be its own, linking the whole crate again).

#[path = "../common/mod.rs"]
mod common;

mod always_on;
mod baseline;
mod basics;
mod config;
mod custom;
mod determinism;
mod errors;
mod exclude;
mod fix;
mod formats;
mod helm;
mod hostile;
mod invalid_values;
mod kustomize;
mod nothing;
mod output;
mod project;
mod readme_claims;
mod suppress;
mod suppress_flat;
mod variants;

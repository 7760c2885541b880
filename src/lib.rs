//! scalelint: a policy linter for the scaling configuration kept in a repository.
//!
//! The library is the engine (`engine::lint`), so tests and a future language server call it
//! directly; `main.rs` is a thin CLI over it.

pub mod docs;
pub mod engine;
pub mod kube;
pub mod model;
pub mod render;
pub mod rules;
pub mod schema;
pub mod sources;

// Until the rule files import it from `kube`.
pub(crate) use kube::quantity;

//! scalelint: a policy linter for the scaling configuration kept in a repository.
//!
//! The library is the engine (`engine::lint`) and the rules, put together per project
//! (`project::Project`), so tests and a language server call it directly; `main.rs` is a thin
//! CLI over it. `ARCHITECTURE.md` is the map.

pub mod docs;
pub mod engine;
pub mod kube;
pub mod model;
pub mod project;
pub mod render;
pub mod rules;
pub mod schema;
pub mod server;
pub mod sources;
pub mod suggest;

pub use engine::{Catalog, Options, Report, RuleSet, lint, lint_sources};
pub use project::{Project, builtin_catalog, builtin_rules, lint_paths};

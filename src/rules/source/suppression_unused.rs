//! `suppression-unused`: a suppression that suppressed nothing. Reported by the engine's
//! suppression stage (`engine::suppress`).

use super::SourceRule;
use crate::engine::rule::{Rule, build_rule};
use crate::model::{FileId, Finding, Level, Span};

pub const NAME: &str = "suppression-unused";

pub fn build(v: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    build_rule::<SourceRule>(NAME, v)
}

pub fn finding(file: FileId, at: Span, name: &str) -> Finding {
    Finding::new(
        NAME,
        Level::Info,
        file,
        at,
        format!("suppression of `{name}` suppresses nothing"),
    )
    .with_label("unused")
    .with_help("remove it, so stale ignores do not hide future problems")
}

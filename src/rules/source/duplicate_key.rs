//! `duplicate-key`: the same mapping key twice. Kubernetes' strict decoding rejects it;
//! lenient tools silently keep the last one.

use super::SourceRule;
use crate::engine::rule::{Rule, build_rule};
use crate::model::{FileId, Finding, Level, Span};

pub const NAME: &str = "duplicate-key";

pub fn build(v: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    build_rule::<SourceRule>(NAME, v)
}

/// Points at the second key, labels the first.
pub fn finding(file: FileId, key: &str, first: Span, second: Span) -> Finding {
    Finding::new(
        NAME,
        Level::Error,
        file,
        second,
        format!("key `{key}` is set twice in the same mapping; the last one silently wins"),
    )
    .with_label("set again here")
    .with_secondary(file, first, "first set here")
    .with_help("remove one of the two keys (kubectl and the API server's strict decoding reject the object)")
}

//! Source problems: reported by the engine while reading and parsing, not by walking objects
//! (except `schema-violation` and `invalid-value`, per-object rules). Each rule file builds its finding so
//! wording and positions live in one place.

pub mod analysis_incomplete;
pub mod duplicate_key;
pub mod invalid_value;
pub mod io_error;
pub mod parse_error;
pub mod schema_violation;
pub mod suppression_unknown_rule;
pub mod suppression_unused;
pub mod template_skipped;

use crate::engine::rule::{Builder, Rule, Target};

pub static RULES: &[(&str, Builder)] = &[
    (analysis_incomplete::NAME, analysis_incomplete::build),
    (duplicate_key::NAME, duplicate_key::build),
    (invalid_value::NAME, invalid_value::build),
    (io_error::NAME, io_error::build),
    (parse_error::NAME, parse_error::build),
    (schema_violation::NAME, schema_violation::build),
    (
        suppression_unknown_rule::NAME,
        suppression_unknown_rule::build,
    ),
    (suppression_unused::NAME, suppression_unused::build),
    (template_skipped::NAME, template_skipped::build),
];

/// The registry entry shared by the source rules: they run inside the engine.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceRule {}

impl Rule for SourceRule {
    fn target(&self) -> Target {
        Target::Source
    }
}

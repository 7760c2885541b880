//! The findings the parsers report themselves: a file that is not UTF-8, a syntax error, a duplicate key, a template that is not YAML yet. Each module
//! builds its rule's finding, so wording and positions live in one place; the rules are
//! declared (`reported`) in `rules::source` with these names.

pub mod duplicate_key;
pub mod parse_error;
pub mod template_skipped;

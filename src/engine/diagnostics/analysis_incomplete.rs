//! `analysis-incomplete`: a limit that keeps hostile input from hanging a run cut part of the
//! analysis short (the index's relating budget, the PromQL size limits). Reported at the
//! object concerned, so a run never silently checks less than it says.

use crate::model::{FileId, Finding, Level, Span};

pub const NAME: &str = "analysis-incomplete";

/// The finding, at `span` of `file`; `message` says what was left out.
pub fn finding(file: FileId, span: Span, message: impl Into<String>) -> Finding {
    Finding::new(NAME, Level::Warning, file, span, message)
        .with_label("analysed only in part")
        .with_help("findings about this object may be missing; real configurations stay far below the limit (see `scalelint explain analysis-incomplete`)")
}

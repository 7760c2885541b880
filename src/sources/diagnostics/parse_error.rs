//! `parse-error`: a file or document cannot be parsed.

use crate::model::{FileId, Finding, Level, Span};

pub const NAME: &str = "parse-error";

/// A syntax error at `span` in a file of `format` (`YAML`, `pgbouncer.ini`, …); `detail` is
/// the parser's description.
pub fn syntax(file: FileId, span: Span, format: &str, detail: &str) -> Finding {
    let help = if format == "YAML" {
        "fix the syntax; the rest of this document was not linted, other documents still were"
    } else {
        "fix the syntax; the other lines of this file were still linted"
    };
    Finding::new(
        NAME,
        Level::Error,
        file,
        span,
        format!("invalid {format}: {detail}"),
    )
    .with_label(detail.to_string())
    .with_help(help)
}

/// A safety limit was hit (nesting depth, alias expansion).
pub fn limit(file: FileId, span: Span, detail: &str) -> Finding {
    Finding::new(NAME, Level::Error, file, span, detail.to_string())
        .with_label("limit reached here")
        .with_help("scalelint refuses input this deep or this large to stay fast and safe on untrusted files")
}

/// The file is not valid UTF-8; `at` is the first bad byte.
pub fn encoding(file: FileId, at: usize) -> Finding {
    Finding::new(
        NAME,
        Level::Error,
        file,
        Span::point(at),
        "file is not valid UTF-8",
    )
    .with_label("invalid byte sequence here")
    .with_help("save the file as UTF-8")
}

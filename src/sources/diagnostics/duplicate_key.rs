//! `duplicate-key`: the same mapping key twice. Kubernetes' strict decoding rejects it;
//! lenient tools silently keep the last one.

use crate::model::{FileId, Finding, Level, Span};

pub const NAME: &str = "duplicate-key";

/// Points at the second key, labels the first. `format` is `YAML` or the flat format's
/// name (`pgbouncer.ini`, `.properties`), which only warn about nothing and use the last.
pub fn finding(file: FileId, format: &str, key: &str, first: Span, second: Span) -> Finding {
    let (message, help) = if format == "YAML" {
        (
            format!("key `{key}` is set twice in the same mapping; the last one silently wins"),
            "remove one of the two keys (kubectl and the API server's strict decoding reject the object)"
                .to_string(),
        )
    } else {
        (
            format!("key `{key}` is set twice; the last one silently wins"),
            format!("remove one of the two settings; {format} uses the last one without a warning"),
        )
    };
    Finding::new(NAME, Level::Error, file, second, message)
        .with_label("set again here")
        .with_secondary(file, first, "first set here")
        .with_help(help)
}

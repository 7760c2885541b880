//! `suppression-unknown-rule`: a suppression names a rule that does not exist. Reported by
//! the engine's suppression stage (`engine::suppress`).

use crate::model::{FileId, Finding, Level, Span};

pub const NAME: &str = "suppression-unknown-rule";

pub fn finding(file: FileId, at: Span, name: &str, suggestion: Option<&str>) -> Finding {
    let f = Finding::new(
        NAME,
        Level::Warning,
        file,
        at,
        format!("suppression names `{name}`, which is not a rule"),
    )
    .with_label("unknown rule");
    match suggestion {
        Some(s) => f.with_help(format!("did you mean `{s}`?")),
        None => f.with_help("see `scalelint rules` for the rule names"),
    }
}

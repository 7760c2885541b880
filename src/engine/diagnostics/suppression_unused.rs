//! `suppression-unused`: a suppression that suppressed nothing. Reported by the engine's
//! suppression stage (`engine::suppress`), as is a suppression written after a value in a
//! flat format, which that format reads as part of the value: it can never suppress.

use crate::model::{FileId, Finding, Format, Level, Span};

pub const NAME: &str = "suppression-unused";

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

/// A `scalelint-disable-…` directive (`written`, from its comment marker to the end of the
/// value) that `format` reads as part of a value: it cannot work there. The help gives the
/// form that does: the directive on a line of its own.
pub fn swallowed(file: FileId, at: Span, format: Format, written: &str) -> Finding {
    let why = match format {
        Format::Redis => {
            "in redis.conf only a line that starts with `#` is a comment; Redis reads these words as more arguments of the directive"
        }
        Format::PgBouncer => {
            "in pgbouncer.ini `;` and `#` start a comment only at the start of a line; PgBouncer reads the rest of the line as the value"
        }
        _ => {
            "in a .properties file `#` and `!` start a comment only at the start of a line; Java reads the rest of the line as the value"
        }
    };
    // `# scalelint-disable-line RULE -- reason` → its words after the marker.
    let body = written.trim_start_matches(['#', ';', '!']).trim();
    let (scope, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    let rest = rest.trim();
    let fixed = |s: &str| {
        if rest.is_empty() {
            format!("`# {s}`")
        } else {
            format!("`# {s} {rest}`")
        }
    };
    let help = match scope {
        "scalelint-disable-file" => format!(
            "remove it from the value and write {} on a line of its own",
            fixed(scope)
        ),
        "scalelint-disable-next-line" => format!(
            "remove it from the value and write {} on a line of its own above the line to silence",
            fixed(scope)
        ),
        _ => format!(
            "remove it from the value and write {} on a line of its own just above this one",
            fixed("scalelint-disable-next-line")
        ),
    };
    Finding::new(
        NAME,
        Level::Info,
        file,
        at,
        format!("this suppression is part of the value, not a comment: {why}, so it cannot suppress anything"),
    )
    .with_label("part of the value")
    .with_help(help)
}

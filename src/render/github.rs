//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,endLine=…,endColumn=…,
//! title=RULE::message`, which the runner turns into annotations on the pull request.

use super::region;
use crate::engine::Report;
use crate::model::{ColumnUnit, Level};
use std::fmt::Write;

/// Escaping of a command's message, as the runner's `toolkit/core` `escapeData` does.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a property value (`file=`, `title=`), as `escapeProperty` does.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let file = report.files.get(f.file);
        let (start, end) = region(file, f.span, ColumnUnit::Chars);
        let command = match f.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let path = file.map_or("", |s| s.path.as_str());
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(path),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&f.rule),
            escape_data(&message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% of\r\nall"), "50%25 of%0D%0Aall");
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        assert_eq!(escape_data("a:b,c"), "a:b,c");
    }
}

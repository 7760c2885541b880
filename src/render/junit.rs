//! JUnit XML, as CI servers read it (Jenkins, GitLab, Azure, CircleCI): one `<testsuite>` per
//! file, one failing `<testcase>` per finding; a file without findings gets one passing
//! testcase so it shows up as checked. Valid against `schemas/junit.xsd`.

use super::region;
use crate::engine::Report;
use crate::model::{ColumnUnit, Finding};
use std::fmt::Write;

/// Escape text for XML 1.0 content and attributes; characters XML 1.0 cannot carry at all
/// (most C0 controls) become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn testcase(report: &Report, path: &str, f: &Finding) -> String {
    let (start, _) = region(report.files.get(f.file), f.span, ColumnUnit::Chars);
    let mut body = format!(
        "{path}:{}:{}: {}[{}] {}",
        start.line, start.column, f.level, f.rule, f.message
    );
    if let Some(help) = &f.help {
        body.push_str("\nhelp: ");
        body.push_str(help);
    }
    format!(
        "    <testcase name=\"{} at {}:{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"0\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
        escape(&f.rule),
        start.line,
        start.column,
        escape(path),
        escape(path),
        start.line,
        escape(&f.message),
        f.level,
        escape(&body)
    )
}

pub fn render(report: &Report) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total = report.findings.len();
    let passing = (0..report.files.len())
        .filter(|&i| !report.findings.iter().any(|f| f.file == i))
        .count();
    let _ = writeln!(
        out,
        "<testsuites name=\"scalelint\" tests=\"{}\" failures=\"{total}\" errors=\"0\" time=\"0\">",
        total + passing
    );
    // Findings are sorted by file, so each file's findings are one run.
    for (id, file) in report.files.iter().enumerate() {
        let mine: Vec<&Finding> = report.findings.iter().filter(|f| f.file == id).collect();
        let path = file.path.as_str();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"0\">",
            escape(path),
            mine.len().max(1),
            mine.len()
        );
        if mine.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase name=\"no findings\" classname=\"{}\" file=\"{}\" time=\"0\"/>",
                escape(path),
                escape(path)
            );
        }
        for f in mine {
            out.push_str(&testcase(report, path, f));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping() {
        assert_eq!(
            super::escape("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{fffd}"
        );
    }
}

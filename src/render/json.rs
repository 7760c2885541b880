//! The JSON format, version 1 (documented in README.md, "JSON output"). Deterministic: no
//! timings, sorted findings, 1-based lines and columns counted in characters, end exclusive.

use super::{Counts, region};
use crate::engine::Report;
use crate::model::{Applicability, ColumnUnit, LineCol, Span};
use serde::Serialize;
use serde_json::json;

pub const VERSION: u32 = 1;

/// How many findings a fix applies to at `threshold`.
pub(crate) fn fixable(report: &Report, threshold: Applicability) -> usize {
    report
        .findings
        .iter()
        .filter(|f| f.fix.as_ref().is_some_and(|x| x.applies_at(threshold)))
        .count()
}

pub fn render(report: &Report) -> String {
    super::written(|out| write(report, out))
}

/// A position, as the document prints it.
#[derive(Serialize)]
struct Pos {
    column: usize,
    line: usize,
}

impl From<LineCol> for Pos {
    fn from(p: LineCol) -> Pos {
        Pos {
            column: p.column,
            line: p.line,
        }
    }
}

// The members of each object in name order: the order `serde_json::Value` printed them in
// (the document is byte-identical to its first version's, which built `Value`s).
#[derive(Serialize)]
struct Diagnostic<'a> {
    end: Pos,
    fix: Option<FixOut<'a>>,
    help: &'a Option<crate::model::Text>,
    label: &'a str,
    labels: Vec<LabelOut<'a>>,
    level: &'static str,
    message: &'a str,
    path: &'a str,
    rule: &'a str,
    start: Pos,
}

#[derive(Serialize)]
struct LabelOut<'a> {
    end: Pos,
    message: &'a str,
    path: &'a str,
    start: Pos,
}

#[derive(Serialize)]
struct FixOut<'a> {
    applicability: &'static str,
    display_only_because: &'a Option<String>,
    edits: Vec<EditOut<'a>>,
    message: &'a str,
}

#[derive(Serialize)]
struct EditOut<'a> {
    end: Pos,
    replacement: &'a str,
    start: Pos,
}

/// A file's shown path and the start and end of `span` in it.
fn place(report: &Report, file: usize, span: Span) -> (&str, Pos, Pos) {
    let f = report.files.get(file);
    let (start, end) = region(f, span, ColumnUnit::Chars);
    (f.map_or("", |s| s.path.as_str()), start.into(), end.into())
}

/// One finding as the document prints it.
fn diagnostic<'a>(report: &'a Report, f: &'a crate::model::Finding) -> Diagnostic<'a> {
    let (path, start, end) = place(report, f.file, f.span);
    let labels = f
        .labels
        .iter()
        .map(|l| {
            let (path, start, end) = place(report, l.file, l.span);
            LabelOut {
                end,
                message: &l.message,
                path,
                start,
            }
        })
        .collect();
    let fix = f.fix.as_deref().map(|x| FixOut {
        applicability: x.applicability.as_str(),
        display_only_because: &x.downgraded,
        edits: x
            .edits
            .iter()
            .map(|e| {
                let (_, start, end) = place(report, f.file, e.span);
                EditOut {
                    end,
                    replacement: &e.replacement,
                    start,
                }
            })
            .collect(),
        message: &x.message,
    });
    Diagnostic {
        end,
        fix,
        help: &f.help,
        label: &f.label,
        labels,
        level: f.level.as_str(),
        message: &f.message,
        path,
        rule: &f.rule,
        start,
    }
}

/// The document, written a diagnostic at a time.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let c = Counts::of(&report.findings);
    let doc = json!({
        "version": VERSION,
        "tool": {"name": "scalelint", "version": env!("CARGO_PKG_VERSION")},
        "diagnostics": super::ITEMS,
        "summary": {
            "files": report.checked_files(),
            "objects": report.objects,
            "findings": report.findings.len(),
            "errors": c.error,
            "warnings": c.warning,
            "infos": c.info,
            "fixable": fixable(report, Applicability::Safe),
            "unsafe_fixable": fixable(report, Applicability::Unsafe) - fixable(report, Applicability::Safe),
        },
    });
    super::write_with_items(out, &doc, "diagnostics", &report.findings, |f| {
        diagnostic(report, f)
    })
}

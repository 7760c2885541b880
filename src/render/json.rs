//! The JSON format, version 1 (documented in README.md, "JSON output"). Deterministic: no
//! timings, sorted findings, 1-based lines and columns counted in characters, end exclusive.

use super::{Counts, region};
use crate::engine::Report;
use crate::model::{Applicability, ColumnUnit, LineCol, Span};
use serde_json::{Value, json};

pub const VERSION: u32 = 1;

fn pos(p: LineCol) -> Value {
    json!({"line": p.line, "column": p.column})
}

fn location(report: &Report, file: usize, span: Span) -> (String, Value, Value) {
    let f = report.files.get(file);
    let (start, end) = region(f, span, ColumnUnit::Chars);
    (
        f.map_or_else(String::new, |s| s.path.clone()),
        pos(start),
        pos(end),
    )
}

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

/// The document, written a diagnostic at a time.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let diagnostics = report.findings.iter().map(|f| {
        let (path, start, end) = location(report, f.file, f.span);
        let labels: Vec<Value> = f
            .labels
            .iter()
            .map(|l| {
                let (path, start, end) = location(report, l.file, l.span);
                json!({"path": path, "start": start, "end": end, "message": l.message})
            })
            .collect();
        let fix = f.fix.as_ref().map(|x| {
            let edits: Vec<Value> = x
                .edits
                .iter()
                .map(|e| {
                    let (_, start, end) = location(report, f.file, e.span);
                    json!({"start": start, "end": end, "replacement": e.replacement})
                })
                .collect();
            json!({
                "message": x.message,
                "applicability": x.applicability.as_str(),
                "edits": edits,
                "display_only_because": x.downgraded,
            })
        });
        json!({
            "rule": f.rule,
            "level": f.level.as_str(),
            "message": f.message,
            "path": path,
            "start": start,
            "end": end,
            "label": f.label,
            "labels": labels,
            "help": f.help,
            "fix": fix,
        })
    });
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
    super::write_with_items(out, &doc, "diagnostics", diagnostics)
}

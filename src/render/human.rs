//! rustc-style diagnostics with source snippets (codespan-reporting), then a summary line.

use super::{Counts, plural};
use crate::engine::Report;
use crate::model::{Applicability, Finding, Fix, Level, SourceFile, Span};
use codespan_reporting::diagnostic::{Diagnostic, Label, LabelStyle, Severity};
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::{self, Chars, Config, termcolor::Buffer};
use std::ops::Range;

/// Adapts the report's files to codespan without copying their text.
struct ReportFiles<'a>(&'a [SourceFile]);

impl<'a> Files<'a> for ReportFiles<'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, files::Error> {
        self.0
            .get(id)
            .map(|f| f.path.as_str())
            .ok_or(files::Error::FileMissing)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, files::Error> {
        self.0
            .get(id)
            .map(|f| f.text.as_str())
            .ok_or(files::Error::FileMissing)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, files::Error> {
        let f = self.0.get(id).ok_or(files::Error::FileMissing)?;
        Ok(f.line_col(byte_index).line - 1)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, files::Error> {
        let f = self.0.get(id).ok_or(files::Error::FileMissing)?;
        if line_index >= f.line_count() {
            return Err(files::Error::LineTooLarge {
                given: line_index,
                max: f.line_count().saturating_sub(1),
            });
        }
        let start = f.line_start(line_index + 1);
        let end = if line_index + 1 < f.line_count() {
            f.line_start(line_index + 2)
        } else {
            f.text.len()
        };
        Ok(start..end)
    }
}

/// A zero-width span still gets a caret: widen it to the character it sits on.
fn visible(file: &SourceFile, span: Span) -> Range<usize> {
    let start = file.clamp(span.start);
    let end = file.clamp(span.end.max(start));
    if end > start {
        return start..end;
    }
    match file.text.get(start..).and_then(|s| s.chars().next()) {
        Some(c) if c != '\n' && c != '\r' => start..start + c.len_utf8(),
        _ => start..start,
    }
}

fn diagnostic(report: &Report, f: &Finding) -> Diagnostic<usize> {
    let severity = match f.level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Info => Severity::Note,
    };
    let mut d = Diagnostic::new(severity)
        .with_code(f.rule.clone())
        .with_message(f.message.clone());
    let mut labels = Vec::new();
    if let Some(file) = report.files.get(f.file) {
        labels.push(
            Label::new(LabelStyle::Primary, f.file, visible(file, f.span))
                .with_message(f.label.clone()),
        );
    }
    for l in &f.labels {
        if let Some(file) = report.files.get(l.file) {
            labels.push(
                Label::new(LabelStyle::Secondary, l.file, visible(file, l.span))
                    .with_message(l.message.to_string()),
            );
        }
    }
    d = d.with_labels(labels);
    let notes: Vec<String> = f
        .help
        .iter()
        .map(|help| format!("help: {help}"))
        .chain(f.fix.as_deref().map(fix_note))
        .collect();
    if !notes.is_empty() {
        d = d.with_notes(notes);
    }
    d
}

/// What a finding's fix is and how to apply it.
fn fix_note(fix: &Fix) -> String {
    let how = match fix.applicability {
        Applicability::Safe => "fixable with --fix".to_string(),
        Applicability::Unsafe => "fixable with --unsafe-fixes; review it".to_string(),
        Applicability::DisplayOnly => match &fix.downgraded {
            Some(why) => format!("not applied: {why}"),
            None => "suggested, not applied: the choice is yours".to_string(),
        },
    };
    format!("fix: {} ({how})", fix.message)
}

/// A diagnostic without a snippet.
fn plain(report: &Report, f: &Finding) -> String {
    let path = report.files.get(f.file).map_or("", |s| s.path.as_str());
    let mut s = format!("{}[{}]: {}\n  --> {path}\n", f.level, f.rule, f.message);
    if let Some(help) = &f.help {
        s.push_str(&format!("  = help: {help}\n"));
    }
    if let Some(fix) = &f.fix {
        s.push_str(&format!("  = {}\n", fix_note(fix)));
    }
    s.push('\n');
    s
}

/// The diagnostics alone (what snapshot tests compare).
pub fn render_findings(report: &Report, color: bool) -> String {
    let config = Config {
        chars: Chars::ascii(),
        ..Config::default()
    };
    let files = ReportFiles(&report.files);
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    for f in &report.findings {
        let file = report.files.get(f.file);
        if file.is_none_or(|s| s.text.is_empty()) {
            // Nothing to show (an unreadable file): the header, the path and the help.
            let _ = std::io::Write::write_all(&mut buffer, plain(report, f).as_bytes());
            continue;
        }
        let d = diagnostic(report, f);
        if term::emit_to_write_style(&mut buffer, &config, &files, &d).is_err() {
            // A span codespan cannot place (it should not happen): fall back to one line.
            let _ = std::io::Write::write_all(&mut buffer, plain(report, f).as_bytes());
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// The closing summary line.
pub fn summary(report: &Report) -> String {
    let c = Counts::of(&report.findings);
    // Suppressed findings are not shown, but how many there are is (only when any are).
    let suppressed = if report.suppressed.is_empty() {
        String::new()
    } else {
        format!(" ({} suppressed)", report.suppressed.len())
    };
    let safe = super::json::fixable(report, Applicability::Safe);
    let unsafe_ = super::json::fixable(report, Applicability::Unsafe) - safe;
    let fixable = match (safe, unsafe_) {
        (0, 0) => String::new(),
        (s, 0) => format!("{s} fixable with --fix\n"),
        (0, u) => format!("{u} fixable with --unsafe-fixes\n"),
        (s, u) => format!("{s} fixable with --fix ({u} more with --unsafe-fixes)\n"),
    };
    format!(
        "{fixable}checked {}, {}: {}, {}, {}{suppressed} in {:.0?}\n",
        plural(report.checked_files(), "file", "files"),
        plural(report.objects, "object", "objects"),
        plural(c.error, "error", "errors"),
        plural(c.warning, "warning", "warnings"),
        // Info findings are shown as `note` (rustc's word); the summary says the same.
        plural(c.info, "note", "notes"),
        report.elapsed
    )
}

pub fn render(report: &Report, color: bool) -> String {
    let mut s = render_findings(report, color);
    s.push_str(&summary(report));
    s
}

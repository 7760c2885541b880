//! Output formats. Every renderer reads the same sorted `Report`, so all formats agree.

pub mod compact;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::engine::Report;
use crate::model::{ColumnUnit, Finding, Level, LineCol, SourceFile, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Human,
    Compact,
    Json,
    Sarif,
    Github,
    Junit,
}

#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub color: bool,
}

pub fn render(report: &Report, format: OutputFormat, opts: RenderOptions) -> String {
    match format {
        OutputFormat::Human => human::render(report, opts.color),
        OutputFormat::Compact => compact::render(report),
        OutputFormat::Json => json::render(report),
        OutputFormat::Sarif => sarif::render(report),
        OutputFormat::Github => github::render(report),
        OutputFormat::Junit => junit::render(report),
    }
}

/// Counts of findings by level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.level {
                Level::Error => c.error += 1,
                Level::Warning => c.warning += 1,
                Level::Info => c.info += 1,
            }
        }
        c
    }
}

/// Start and end (exclusive) positions of a span, 1-based.
pub(crate) fn region(
    file: Option<&SourceFile>,
    span: Span,
    unit: ColumnUnit,
) -> (LineCol, LineCol) {
    match file {
        Some(f) => (
            f.line_col_in(span.start, unit),
            f.line_col_in(span.end.max(span.start), unit),
        ),
        None => (
            LineCol { line: 1, column: 1 },
            LineCol { line: 1, column: 1 },
        ),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

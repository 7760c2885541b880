//! `path:line:col: level[rule] message`, one per line, for editors' problem matchers and `:make`.

use super::region;
use crate::engine::Report;
use crate::model::ColumnUnit;
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let file = report.files.get(f.file);
        let (start, _) = region(file, f.span, ColumnUnit::Chars);
        let path = file.map_or("", |s| s.path.as_str());
        let message = f.message.replace('\n', " ");
        let _ = writeln!(
            out,
            "{path}:{}:{}: {}[{}] {message}",
            start.line, start.column, f.level, f.rule
        );
    }
    out
}

//! `path:line:col: level[rule] message`, one per line, for editors' problem matchers and `:make`.

use super::region;
use crate::engine::Report;
use crate::model::ColumnUnit;

pub fn render(report: &Report) -> String {
    super::written(|out| write(report, out))
}

/// The lines, written one at a time (hundreds of thousands of findings are never one string).
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for f in &report.findings {
        let file = report.files.get(f.file);
        let (start, _) = region(file, f.span, ColumnUnit::Chars);
        let path = file.map_or("", |s| s.path.as_str());
        let message = f.message.replace('\n', " ");
        writeln!(
            out,
            "{path}:{}:{}: {}[{}] {message}",
            start.line, start.column, f.level, f.rule
        )?;
    }
    Ok(())
}

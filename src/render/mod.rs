//! Output formats. Every renderer reads the same sorted `Report`, so all formats agree.

pub mod compact;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::engine::Report;
use crate::model::{ColumnUnit, Finding, Level, LineCol, SourceFile, Span};
use serde_json::Value;
use std::io::{self, Write};

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

/// The same output, written to `out` as it is made: JSON and SARIF are serialised a finding
/// at a time (a report of hundreds of thousands of findings is never held whole, neither as
/// a JSON tree nor as text).
pub fn write(
    report: &Report,
    format: OutputFormat,
    opts: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Json => json::write(report, out),
        OutputFormat::Sarif => sarif::write(report, out),
        OutputFormat::Compact => compact::write(report, out),
        _ => out.write_all(render(report, format, opts).as_bytes()),
    }
}

/// What the envelope of a streamed document holds where its array of items goes: a string
/// no report contains (control characters are escaped in every value).
const ITEMS: &str = "\u{1}scalelint-items\u{1}";

/// `envelope` as `serde_json::to_string_pretty` prints it (and a newline), with the string
/// [`ITEMS`], the value of its member `key`, replaced by the array of `item(x)` for each of
/// `items`, serialised as it is written. Pretty-printing indents by nesting depth alone, so
/// an item printed on its own from its depth is what printing the whole document gives.
/// Items are serialised in chunks on every thread, a window of chunks at a time (memory
/// stays a few megabytes whatever the count), and written in order.
fn write_with_items<'a, S: Sync, T: serde::Serialize>(
    out: &mut dyn Write,
    envelope: &Value,
    key: &str,
    items: &'a [S],
    item: impl Fn(&'a S) -> T + Sync,
) -> io::Result<()> {
    use rayon::prelude::*;
    // Items per chunk: enough to outweigh a task's cost, few enough to spread a window.
    const CHUNK: usize = 1024;
    let text = serde_json::to_string_pretty(envelope).map_err(io::Error::other)?;
    let member = format!(
        "{}: ",
        serde_json::to_string(key).map_err(io::Error::other)?
    );
    let marker = serde_json::to_string(ITEMS).map_err(io::Error::other)?;
    let Some((head, tail)) = text.split_once(&format!("{member}{marker}")) else {
        out.write_all(text.as_bytes())?;
        return out.write_all(b"\n");
    };
    let line = head.rsplit('\n').next().unwrap_or("");
    let depth = (line.len() - line.trim_start_matches(' ').len()) / 2;
    out.write_all(head.as_bytes())?;
    out.write_all(member.as_bytes())?;
    let window = CHUNK * 2 * rayon::current_num_threads().max(1);
    for (w, some) in items.chunks(window).enumerate() {
        let chunks: Vec<io::Result<Vec<u8>>> = some
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut buf = Vec::with_capacity(chunk.len() * 1024);
                for (i, x) in chunk.iter().enumerate() {
                    let first = w == 0 && c == 0 && i == 0;
                    buf.extend_from_slice(if first { b"[\n" } else { b",\n" });
                    Pretty::indent(&mut buf, depth + 1)?;
                    let mut ser = serde_json::Serializer::with_formatter(
                        &mut buf,
                        Pretty {
                            depth: depth + 1,
                            has_value: false,
                        },
                    );
                    item(x).serialize(&mut ser).map_err(io::Error::other)?;
                }
                Ok(buf)
            })
            .collect();
        for chunk in chunks {
            out.write_all(&chunk?)?;
        }
    }
    if items.is_empty() {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"\n")?;
        Pretty::indent(out, depth)?;
        out.write_all(b"]")?;
    }
    out.write_all(tail.as_bytes())?;
    out.write_all(b"\n")
}

/// `serde_json`'s `PrettyFormatter` (two spaces) starting at nesting `depth`: an item of
/// an array written on its own, as the whole document would print it, without building a
/// string and indenting its lines afterwards.
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn indent<W: ?Sized + Write>(out: &mut W, depth: usize) -> io::Result<()> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        let mut n = depth * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            out.write_all(SPACES.get(..k).unwrap_or_default())?;
            n -= k;
        }
        Ok(())
    }
}

impl Pretty {
    /// `[` or `{`: one level deeper, nothing in it yet.
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// `]` or `}`, on a line of its own when something was written inside.
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            w.write_all(b"\n")?;
            Pretty::indent(w, self.depth)?;
        }
        w.write_all(bracket)
    }

    /// The start of an item or a key: a new line at this depth.
    fn next<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        Pretty::indent(w, self.depth)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// What `write` wrote, as text (JSON is UTF-8).
fn written(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
    let mut buf = Vec::new();
    // Writing to memory does not fail.
    let _ = f(&mut buf);
    String::from_utf8(buf).unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Streamed, a document reads as the whole document pretty-printed at once.
    #[test]
    fn items_written_one_by_one_read_as_the_whole_document() {
        let items = [
            json!({"a": 1, "nested": {"list": [1, {"b": "two\nlines"}], "empty": []}}),
            json!([]),
            json!("x"),
            json!({"help": null, "edits": [{"start": {"line": 1}}]}),
        ];
        for (depth, n) in [(0, 0), (0, 1), (2, 4), (3, 4)] {
            let some: Vec<Value> = items.iter().take(n).cloned().collect();
            let mut whole = json!({"z": 1, "items": some.clone(), "summary": {"n": n}});
            let mut envelope = json!({"z": 1, "items": ITEMS, "summary": {"n": n}});
            for _ in 0..depth {
                whole = json!({"runs": [{"tool": "t", "inner": whole}]});
                envelope = json!({"runs": [{"tool": "t", "inner": envelope}]});
            }
            let streamed =
                written(|out| write_with_items(out, &envelope, "items", &some, Clone::clone));
            let expected = format!("{}\n", serde_json::to_string_pretty(&whole).unwrap());
            assert_eq!(streamed, expected, "depth {depth}, {n} items");
        }
        // Several windows of chunks, written in order.
        let many: Vec<Value> = (0..20_000).map(|i| json!({"i": i, "l": [i]})).collect();
        let whole = json!({"runs": [{"items": many.clone()}]});
        let envelope = json!({"runs": [{"items": ITEMS}]});
        let streamed =
            written(|out| write_with_items(out, &envelope, "items", &many, Clone::clone));
        let expected = format!("{}\n", serde_json::to_string_pretty(&whole).unwrap());
        assert!(streamed == expected, "20,000 items differ");
    }
}

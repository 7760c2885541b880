//! The front-end: libyaml's events (`libyaml-safer`) into the tree builder. libyaml's marks
//! are byte offsets into the text it was given, so every span is exact without rescanning:
//! a quoted scalar ends at its closing quote, a block scalar starts at its `|` or `>`.

use super::{Builder, Document, Problem, Start};
use crate::model::{ScalarStyle, Span};
use libyaml_safer::{Event, EventData, Parser, ScalarStyle as LibStyle};

/// Parse one run of documents from `segment` (which starts at `at` in the file) into `b`.
/// Returns the byte offset of a fatal error, if any.
///
/// libyaml's port is not ours: should it ever panic, the document it was reading is reported
/// as unreadable and the run goes on (the fuzz target hunts for such inputs).
pub(super) fn parse_segment(
    segment: &str,
    at: Start,
    b: &mut Builder<'_>,
    on_document: &mut dyn FnMut(Document, &[Problem]),
) -> Option<usize> {
    b.document_start = at.base;
    let run = std::panic::AssertUnwindSafe(|| parse_events(segment, at, b, on_document));
    match std::panic::catch_unwind(run) {
        Ok(result) => result,
        Err(_) => {
            let offset = b.document_start;
            b.problems.push(Problem::Syntax {
                span: Span::point(offset),
                message: "the YAML parser failed on this document (an internal error of \
                          scalelint; please report it with the file)"
                    .to_string(),
            });
            Some(offset)
        }
    }
}

fn parse_events(
    segment: &str,
    Start { base, lines }: Start,
    b: &mut Builder<'_>,
    on_document: &mut dyn FnMut(Document, &[Problem]),
) -> Option<usize> {
    // libyaml takes a leading byte order mark for the stream's and does not count it in its
    // marks (any further one is text it counts).
    let base = if segment.starts_with('\u{feff}') {
        base + '\u{feff}'.len_utf8()
    } else {
        base
    };
    let mut parser = Parser::new();
    parser.set_input(Chunks(segment.as_bytes()));
    let at = |index: u64| {
        base + usize::try_from(index)
            .unwrap_or(usize::MAX)
            .min(segment.len())
    };
    loop {
        let Event {
            data,
            start_mark,
            end_mark,
            ..
        } = match parser.parse() {
            Ok(event) => event,
            Err(e) => {
                let offset = at(e.problem_mark().map_or(0, |m| m.index));
                b.problems.push(Problem::Syntax {
                    span: Span::point(offset),
                    message: message(&e, lines),
                });
                return Some(offset);
            }
        };
        let start = at(start_mark.index);
        let span = Span::new(start, at(end_mark.index).max(start));
        let result = match data {
            EventData::StreamStart { .. } => Ok(()),
            EventData::StreamEnd => return None,
            EventData::DocumentStart { .. } => {
                b.document_start = span.start;
                b.begin_document();
                Ok(())
            }
            EventData::DocumentEnd { .. } => {
                b.end_document(on_document);
                Ok(())
            }
            EventData::Alias { anchor } => b.alias(&anchor, span),
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                let style = match style {
                    LibStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    LibStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    LibStyle::Literal => ScalarStyle::Literal,
                    LibStyle::Folded => ScalarStyle::Folded,
                    _ => ScalarStyle::Plain,
                };
                b.scalar(value, style, anchor, tag.as_deref(), span)
            }
            EventData::SequenceStart { anchor, .. } => b.open_seq(anchor, span),
            EventData::MappingStart { anchor, .. } => b.open_map(anchor, span),
            EventData::SequenceEnd | EventData::MappingEnd => b.close(span),
        };
        if let Err(offset) = result {
            return Some(offset);
        }
    }
}

/// The input handed to libyaml a piece at a time: it decodes what it is given into a queue of
/// `char`s (4 bytes each) before scanning, so a whole 40 MB file at once would cost 160 MB.
/// Control characters, the reader's only error on valid UTF-8, are found before libyaml runs.
struct Chunks<'a>(&'a [u8]);

const CHUNK: usize = 64 * 1024;

impl std::io::Read for Chunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.0.len()).min(CHUNK);
        let (head, rest) = self.0.split_at(n);
        if let Some(dst) = buf.get_mut(..n) {
            dst.copy_from_slice(head);
        }
        self.0 = rest;
        Ok(n)
    }
}

impl std::io::BufRead for Chunks<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        Ok(self.0.get(..CHUNK).unwrap_or(self.0))
    }

    fn consume(&mut self, amount: usize) {
        self.0 = self.0.get(amount..).unwrap_or_default();
    }
}

/// libyaml's problem, with its context when it has one ("did not find expected key (while
/// parsing a block mapping that starts at line 3, column 1)").
fn message(e: &libyaml_safer::Error, lines: usize) -> String {
    match (e.context(), e.context_mark()) {
        (Some(context), Some(mark)) if !context.is_empty() => format!(
            "{} ({context} that starts at line {}, column {})",
            e.problem(),
            usize::try_from(mark.line)
                .unwrap_or(usize::MAX)
                .saturating_add(lines + 1),
            mark.column + 1
        ),
        (Some(context), None) if !context.is_empty() => format!("{} ({context})", e.problem()),
        _ => e.problem().to_string(),
    }
}

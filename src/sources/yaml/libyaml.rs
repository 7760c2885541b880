//! The front-end: libyaml's events (`libyaml-safer`) into the tree builder. libyaml's marks
//! are byte offsets into the text it was given, so every span is exact without rescanning:
//! a quoted scalar ends at its closing quote, a block scalar starts at its `|` or `>`.

use super::{Builder, Document, Problem};
use crate::model::{ScalarStyle, Span};
use libyaml_safer::{Event, EventData, Parser, ScalarStyle as LibStyle};

/// Parse one run of documents from `segment` (which starts at byte `base` of the file, after
/// `lines` line breaks of the text the caller counts lines from) into `b`. Returns the byte
/// offset of a fatal error, if any.
pub(super) fn parse_segment(
    segment: &str,
    base: usize,
    lines: usize,
    b: &mut Builder<'_>,
    on_document: &mut dyn FnMut(Document, &[Problem]),
) -> Option<usize> {
    // libyaml skips a leading byte order mark without counting it in its marks.
    let (segment, base) = match segment.strip_prefix('\u{feff}') {
        Some(rest) => (rest, base + '\u{feff}'.len_utf8()),
        None => (segment, base),
    };
    let mut input = segment.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
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

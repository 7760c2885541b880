//! Where each byte of a YAML scalar's decoded content was written in the source.
//!
//! A `Scalar`'s `text` is its content after unquoting, unescaping and line folding, while its
//! node's span starts at the opening quote or at the `|`/`>` indicator. To point *inside* a
//! value (at a PromQL syntax error, at a metric name in an expression) we redo the decoding
//! of the scalar's style over the source and record, for every content byte, the source byte
//! it came from. The decoding is checked against the parser's own: when the two disagree (an
//! exotic construct we do not model) the caller gets `None` and points at the whole value.

use crate::model::{Node, ScalarStyle, Span};

/// Content offset → source offset, for one scalar.
#[derive(Debug, Clone)]
pub struct ContentMap {
    /// `offsets[i]` is the source byte of content byte `i`; one more entry for the end.
    offsets: Vec<usize>,
}

impl ContentMap {
    /// Map the scalar `node` (a scalar in `src`). `None` when it is not a scalar or our
    /// decoding does not reproduce its content exactly.
    pub fn of(src: &str, node: &Node) -> Option<ContentMap> {
        let s = node.as_scalar()?;
        let (text, offsets) = decode(src, node.span, s.style)?;
        (*text == *s.text).then_some(ContentMap { offsets })
    }

    /// The source offset of content byte `i` (the end of the scalar for `i` past the end).
    pub fn offset(&self, i: usize) -> usize {
        let last = self.offsets.last().copied().unwrap_or(0);
        self.offsets.get(i).copied().unwrap_or(last)
    }

    /// The source span of content bytes `start..end`. The end maps to just after the source
    /// of the last byte, so a name written on one line gets exactly its own columns.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let s = self.offset(start);
        let e = if end > start {
            self.offset(end - 1) + 1
        } else {
            s
        };
        Span::new(s, e.max(s))
    }
}

/// Where content offsets land when no exact map exists: the value's own span for the whole
/// range, so a finding still points at the right value.
pub fn span_in(src: &str, node: &Node, start: usize, end: usize) -> Span {
    match ContentMap::of(src, node) {
        Some(m) => m.span(start, end),
        None => node.span,
    }
}

/// Decoded content and its offset table, built while scanning.
struct Out {
    text: String,
    offsets: Vec<usize>,
}

impl Out {
    fn new() -> Out {
        Out {
            text: String::new(),
            offsets: Vec::new(),
        }
    }

    /// A character copied from the source at `at`: its bytes map one to one.
    fn raw(&mut self, c: char, at: usize) {
        self.text.push(c);
        for k in 0..c.len_utf8() {
            self.offsets.push(at + k);
        }
    }

    /// A character produced by an escape or by folding: all its bytes map to `at`.
    fn made(&mut self, c: char, at: usize) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.offsets.push(at);
        }
    }

    fn finish(mut self, end: usize) -> (String, Vec<usize>) {
        self.offsets.push(end);
        (self.text, self.offsets)
    }
}

/// Decode the scalar written at `span` in `src` in `style`.
fn decode(src: &str, span: Span, style: ScalarStyle) -> Option<(String, Vec<usize>)> {
    // A block scalar's span runs on over the line breaks and blank lines after its text.
    let written = src.get(span.start..span.end)?;
    let span = Span::new(
        span.start,
        span.start + written.trim_end_matches([' ', '\t', '\r', '\n']).len(),
    );
    match style {
        ScalarStyle::Plain => flow(src, span.start, span.end, Quote::None),
        ScalarStyle::SingleQuoted => {
            let body_end = span.end.checked_sub(1)?;
            (src.get(span.start..span.start + 1)? == "'" && src.get(body_end..span.end)? == "'")
                .then_some(())?;
            flow(src, span.start + 1, body_end, Quote::Single)
        }
        ScalarStyle::DoubleQuoted => {
            let body_end = span.end.checked_sub(1)?;
            (src.get(span.start..span.start + 1)? == "\"" && src.get(body_end..span.end)? == "\"")
                .then_some(())?;
            flow(src, span.start + 1, body_end, Quote::Double)
        }
        ScalarStyle::Literal | ScalarStyle::Folded => block(src, span.start),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Single,
    Double,
}

/// The character at byte `i`, if any.
fn char_at(src: &str, i: usize) -> Option<char> {
    src.get(i..)?.chars().next()
}

/// If a line break starts at `i`, the offset just after it.
fn line_break(src: &str, i: usize) -> Option<usize> {
    let rest = src.get(i..)?;
    if rest.starts_with("\r\n") {
        Some(i + 2)
    } else if rest.starts_with('\n') || rest.starts_with('\r') {
        Some(i + 1)
    } else {
        None
    }
}

/// Plain and quoted (flow) scalars between `start` and `end`: escapes of the quoting style,
/// and line folding (trailing and leading white space of each line dropped; one line break
/// becomes a space, each further empty line a newline).
fn flow(src: &str, start: usize, end: usize, quote: Quote) -> Option<(String, Vec<usize>)> {
    let mut out = Out::new();
    let mut i = start;
    while i < end {
        let c = char_at(src, i)?;
        if c == ' ' || c == '\t' {
            let mut j = i;
            while j < end && matches!(char_at(src, j), Some(' ' | '\t')) {
                j += 1;
            }
            // White space before a line break (or the end of a plain scalar) is not content.
            if (j < end && line_break(src, j).is_none()) || (quote != Quote::None && j >= end) {
                for k in i..j {
                    out.raw(char_at(src, k)?, k);
                }
            }
            i = j;
            continue;
        }
        if let Some(after) = line_break(src, i) {
            i = fold(src, i, after, end, &mut out, ' ')?;
            continue;
        }
        match (quote, c) {
            (Quote::Single, '\'') => {
                // `''` is one quote.
                (char_at(src, i + 1)? == '\'').then_some(())?;
                out.made('\'', i);
                i += 2;
            }
            (Quote::Double, '\\') => {
                let next = char_at(src, i + 1)?;
                if let Some(after) = line_break(src, i + 1) {
                    // An escaped line break joins the lines with nothing between them.
                    i = fold(src, i + 1, after, end, &mut out, '\0')?;
                    continue;
                }
                let (ch, len) = escape(src, i + 1, next)?;
                out.made(ch, i);
                i += 1 + len;
            }
            _ => {
                out.raw(c, i);
                i += c.len_utf8();
            }
        }
    }
    Some(out.finish(end))
}

/// Fold the line break at `brk` (ending at `after`): count the empty lines that follow, skip
/// the next line's leading white space. No empty line: `joiner` (a space, or nothing for an
/// escaped break, written `'\0'`); otherwise one newline per empty line.
fn fold(
    src: &str,
    brk: usize,
    after: usize,
    end: usize,
    out: &mut Out,
    joiner: char,
) -> Option<usize> {
    let mut i = after;
    let mut empties = Vec::new();
    loop {
        while i < end && matches!(char_at(src, i), Some(' ' | '\t')) {
            i += 1;
        }
        match line_break(src, i) {
            Some(next) if i < end => {
                empties.push(i);
                i = next;
            }
            _ => break,
        }
    }
    if empties.is_empty() {
        if joiner != '\0' {
            out.made(joiner, brk);
        }
    } else {
        for at in empties {
            out.made('\n', at);
        }
    }
    Some(i)
}

/// A double-quoted escape whose letter `c` is at `at`: the character and the number of
/// source bytes after the backslash.
fn escape(src: &str, at: usize, c: char) -> Option<(char, usize)> {
    let simple = match c {
        '0' => '\0',
        'a' => '\x07',
        'b' => '\x08',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\x0b',
        'f' => '\x0c',
        'r' => '\r',
        'e' => '\x1b',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        'x' | 'u' | 'U' => {
            let n = match c {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let hex = src.get(at + 1..at + 1 + n)?;
            let v = u32::from_str_radix(hex, 16).ok()?;
            return Some((char::from_u32(v)?, 1 + n));
        }
        _ => return None,
    };
    Some((simple, c.len_utf8()))
}

/// Number of leading spaces of `line`.
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// One line of a block scalar's body.
struct Line<'a> {
    /// Offset of the line's first byte.
    start: usize,
    text: &'a str,
    /// Offset of its line break (or of the end of the text).
    brk: usize,
    has_break: bool,
}

/// Block scalars (`|` literal, `>` folded), from the header at `header`: the indentation
/// (explicit indicator, else the first non-empty line's), chomping (`-` strip, `+` keep,
/// else clip), and for `>` the folding of breaks between lines that are not more indented.
fn block(src: &str, header: usize) -> Option<(String, Vec<usize>)> {
    let folded = match char_at(src, header)? {
        '|' => false,
        '>' => true,
        _ => return None,
    };
    let header_line_start = src.get(..header)?.rfind('\n').map_or(0, |i| i + 1);
    let header_end = src
        .get(header..)?
        .find('\n')
        .map_or(src.len(), |i| header + i);
    let mut explicit = None;
    let mut chomp = ' ';
    for c in src.get(header + 1..header_end)?.chars() {
        match c {
            '1'..='9' => explicit = c.to_digit(10),
            '+' | '-' => chomp = c,
            _ => break,
        }
    }
    // The body: every line after the header until one that is less indented.
    let mut lines = Vec::new();
    let mut pos = (header_end + 1).min(src.len());
    let mut indent = match explicit {
        // Relative to the enclosing node, whose key starts the header's line (after any `- `).
        Some(n) => {
            let head = src.get(header_line_start..header)?;
            let mut col = indent_of(head);
            while let Some(rest) = head.get(col..).and_then(|r| r.strip_prefix('-')) {
                if !rest.starts_with([' ', '\t']) {
                    break;
                }
                col += 1 + indent_of(rest);
            }
            Some(col + n as usize)
        }
        None => None,
    };
    while pos < src.len() && header_end < src.len() {
        let rest = src.get(pos..)?;
        let (raw, has_break) = match rest.find('\n') {
            Some(i) => (rest.get(..i)?, true),
            None => (rest, false),
        };
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        let blank = text.trim_matches([' ', '\t']).is_empty();
        let spaces = indent_of(text);
        if !blank {
            let need = *indent.get_or_insert(spaces);
            if spaces < need {
                break;
            }
        }
        lines.push(Line {
            start: pos,
            text,
            brk: pos + text.len(),
            has_break,
        });
        pos += raw.len() + usize::from(has_break);
    }
    let indent = indent.unwrap_or(0);
    // A line is content when it has more than `indent` characters (a white-space-only line
    // longer than the indentation is a more-indented line); otherwise it is empty.
    let is_text = |l: &Line<'_>| l.text.len() > indent;
    let last_text = lines.iter().rposition(is_text);
    let mut out = Out::new();
    let Some(last_text) = last_text else {
        // No content: only keep chomping produces anything.
        if chomp == '+' {
            for l in lines.iter().filter(|l| l.has_break) {
                out.made('\n', l.brk);
            }
        }
        let end = out.offsets.last().map_or(header_end, |&o| o + 1);
        return Some(out.finish(end));
    };
    let body = lines.get(..=last_text)?;
    let more_indented = |l: &Line<'_>| {
        l.text
            .get(indent..)
            .is_some_and(|t| t.starts_with([' ', '\t']))
    };
    let mut prev_text: Option<&Line<'_>> = None;
    let mut pending_empty: Vec<usize> = Vec::new();
    for l in body {
        if !is_text(l) {
            pending_empty.push(l.brk);
            continue;
        }
        if let Some(p) = prev_text {
            let fold_here = folded && !more_indented(p) && !more_indented(l);
            if fold_here && pending_empty.is_empty() {
                out.made(' ', p.brk);
            } else {
                if !fold_here {
                    out.made('\n', p.brk);
                }
                for &at in &pending_empty {
                    out.made('\n', at);
                }
            }
        } else {
            for &at in &pending_empty {
                out.made('\n', at);
            }
        }
        pending_empty.clear();
        let content = l.text.get(indent..)?;
        for (k, c) in content.char_indices() {
            out.raw(c, l.start + indent + k);
        }
        prev_text = Some(l);
    }
    let last = prev_text?;
    let mut end = last.brk;
    match chomp {
        '-' => {}
        '+' => {
            if last.has_break {
                out.made('\n', last.brk);
                end = last.brk + 1;
            }
            for l in lines.get(last_text + 1..)?.iter().filter(|l| l.has_break) {
                out.made('\n', l.brk);
                end = l.brk + 1;
            }
        }
        _ => {
            if last.has_break {
                out.made('\n', last.brk);
                end = last.brk + 1;
            }
        }
    }
    Some(out.finish(end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LineCol, SourceFile};
    use crate::sources::yaml::{Limits, parse};

    /// Parse `yaml`, map the value of key `v`, and return (content, map, file).
    fn mapped(yaml: &str) -> (String, ContentMap, SourceFile) {
        let p = parse(yaml, Limits::default());
        assert!(p.problems.is_empty(), "{yaml:?}: {:?}", p.problems);
        let root = &p.documents[0].root;
        let node = root
            .get("v")
            .or_else(|| root.path(&["a", "v"]))
            .or_else(|| {
                root.get("l")
                    .and_then(Node::as_seq)
                    .and_then(|s| s.first())
                    .and_then(|n| n.get("v"))
            })
            .expect("a value under v");
        let text = node.text().unwrap().to_string();
        let map = ContentMap::of(yaml, node)
            .unwrap_or_else(|| panic!("no map for {yaml:?} (content {text:?})"));
        (text, map, SourceFile::new("t", yaml.to_string()))
    }

    /// Each case: YAML with a value under `v`, a needle in the content, and where the
    /// needle's first byte is in the source (1-based line, column).
    #[test]
    fn content_offsets_by_style() {
        let cases: &[(&str, &str, (usize, usize))] = &[
            // plain, one line and folded over lines
            ("v: up == 0\n", "==", (1, 7)),
            ("v: a +\n  b +\n\n   c\n", "c", (4, 4)),
            ("a:\n  v: rate(x[5m])\n    > 1\n", ">", (3, 5)),
            // single-quoted: '' is one quote
            ("v: 'x{a=''b''} > 1'\n", "> 1", (1, 16)),
            ("v: 'first\n  second  \n\n  third'\n", "third", (4, 3)),
            // double-quoted: escapes shift offsets
            ("v: \"x{a=\\\"b\\\"} > 1\"\n", "> 1", (1, 16)),
            ("v: \"\\u00e9t\\x41 \\t ok\"\n", "ok", (1, 20)),
            ("v: \"one \\\n   two\"\n", "two", (2, 4)),
            ("v: \"a\n  b\n\n  c\"\n", "c", (4, 3)),
            ("v: \"é\\\"ü\" \n", "ü", (1, 8)),
            // literal
            ("v: |\n  sum(x)\n    by (y)\n  > 1\n", "> 1", (4, 3)),
            ("l:\n  - v: |-\n      a\n\n      b\n", "b", (5, 7)),
            ("v: |2\n    indented\n  x\n", "x", (3, 3)),
            ("v: |+\n  a\n\n", "a", (2, 3)),
            ("v: |  # comment\n  a\n  # not a comment\n", "# not", (3, 3)),
            ("v: |\r\n  a\r\n  b\r\n", "b", (3, 3)),
            // folded
            ("v: >\n  a\n  b\n\n  c\n", "c", (5, 3)),
            ("v: >-\n  a\n    more\n  b\n", "b", (4, 3)),
            (
                "a:\n  v: >\n    sum by (x) (\n      rate(y[5m])\n    )\n",
                "rate",
                (4, 7),
            ),
        ];
        for &(yaml, needle, (line, column)) in cases {
            let (text, map, file) = mapped(yaml);
            let at = text
                .find(needle)
                .unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
            assert_eq!(
                file.line_col(map.offset(at)),
                LineCol { line, column },
                "{yaml:?}: {needle:?} in {text:?}"
            );
        }
    }

    #[test]
    fn raw_characters_map_onto_themselves() {
        // Every content character that was not made by an escape or by folding is the same
        // character in the source, for every case of every style.
        for yaml in [
            "v: plain text\n  over lines\n",
            "v: 'it''s\n  here'\n",
            "v: \"q\\\"x\\ty\n  z\"\n",
            "v: |\n  a b\n   c\n\n  d\n",
            "v: >+\n  a b\n   c\n\n  d\n\n",
            "v: >\n\n  lead\n  x\n",
        ] {
            let (text, map, _) = mapped(yaml);
            for (i, c) in text.char_indices() {
                let at = map.offset(i);
                let src = yaml[at..].chars().next().unwrap();
                assert!(
                    src == c || matches!(c, ' ' | '\n' | '\'' | '"' | '\t'),
                    "{yaml:?}: content {c:?} at {i} maps to {src:?}"
                );
            }
        }
    }

    proptest::proptest! {
        /// Any content, written double-quoted (with escapes) or single-quoted, maps back.
        #[test]
        fn quoted_scalars_always_map(content in "[a-z \"'\\\\\té\n{}=]{0,30}") {
            let double: String = content
                .chars()
                .map(|c| match c {
                    '"' => "\\\"".to_string(),
                    '\\' => "\\\\".to_string(),
                    '\n' => "\\n".to_string(),
                    '\t' => "\\t".to_string(),
                    c => c.to_string(),
                })
                .collect();
            let single = content.replace('\'', "''").replace('\n', "\n\n   ");
            for yaml in [format!("v: \"{double}\"\n"), format!("a:\n  v: '{single}'\n")] {
                let p = parse(&yaml, Limits::default());
                let Some(d) = p.documents.first() else { continue };
                let node = d.root.get("v").or_else(|| d.root.path(&["a", "v"])).unwrap();
                let text = node.text().unwrap();
                let map = ContentMap::of(&yaml, node);
                proptest::prop_assert!(map.is_some(), "{yaml:?} → {text:?}");
                let map = map.unwrap();
                for (i, c) in text.char_indices() {
                    let at = map.offset(i);
                    proptest::prop_assert!(at < yaml.len() && yaml.is_char_boundary(at));
                    let src = yaml[at..].chars().next().unwrap();
                    proptest::prop_assert!(src == c || "\\'\n \t".contains(src), "{yaml:?}: {c:?} → {src:?}");
                }
            }
        }
    }

    #[test]
    fn spans_of_content_ranges() {
        let yaml = "v: |\n  kube_hpa_spec_max_replicas > 1\n";
        let (text, map, _) = mapped(yaml);
        let s = text.find("kube").unwrap();
        let e = s + "kube_hpa_spec_max_replicas".len();
        let sp = map.span(s, e);
        assert_eq!(&yaml[sp.start..sp.end], "kube_hpa_spec_max_replicas");
    }

    #[test]
    fn unmodelled_scalars_have_no_map() {
        // A scalar whose decoding we do not reproduce falls back to the whole value.
        let yaml = "v: 1\n";
        let p = parse(yaml, Limits::default());
        let node = p.documents[0].root.get("v").unwrap().clone();
        let mut wrong = node.clone();
        if let crate::model::Value::Scalar(s) = &mut wrong.value {
            s.text = "2".into();
        }
        assert!(ContentMap::of(yaml, &wrong).is_none());
        assert_eq!(span_in(yaml, &wrong, 0, 1), node.span);
    }
}

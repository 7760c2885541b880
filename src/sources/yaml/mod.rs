//! Multi-document YAML (and JSON) into span-carrying `Node` trees, driven by libyaml's event
//! stream (`libyaml-safer`, a line-by-line safe Rust port of libyaml 0.2.5, the parser
//! Kubernetes' go-yaml was ported from): a document is accepted exactly when Kubernetes'
//! decoder accepts it. We build the tree ourselves rather than use a loader because we need
//! byte spans on every key and value, Kubernetes' YAML 1.1 scalar resolution, merge keys,
//! duplicate-key reports instead of silent overwrites, and hard limits on hostile input.
//!
//! libyaml's port is slow (it decodes its input into characters and checks bounds on each), so
//! a byte-level fast path (`fast.rs`) reads the block-style documents manifests are made of and
//! drives the same builder with exactly the calls libyaml's events would make; any document
//! outside its subset is handed, with the rest of its segment, to libyaml.

mod fast;
mod libyaml;

pub use fast::{Bail, Outcome};

use super::resolve::{resolve_plain, resolve_tagged};
use crate::model::{Entry, Node, Resolved, ScalarStyle, Span, Value};
use std::collections::HashMap;

/// Limits that keep hostile input from hanging the run or exhausting memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of collections accepted.
    pub max_depth: usize,
    /// Nodes that alias expansion may create in one document (billion-laughs guard).
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 256,
            max_alias_nodes: 100_000,
        }
    }
}

/// One parsed document.
#[derive(Debug)]
pub struct Document {
    pub root: Node,
}

pub use super::Problem;

#[derive(Debug, Default)]
pub struct ParsedYaml {
    /// Empty when the documents were handed to a callback ([`parse_each`]).
    pub documents: Vec<Document>,
    pub problems: Vec<Problem>,
    /// Spans of the quoted and block scalars, whose text may hold a `#` that is no comment;
    /// sorted by start.
    pub text_scalars: Vec<Span>,
}

impl ParsedYaml {
    /// The first part in which two readings of one text differ (documents, problems, text
    /// scalars), or `None`: how the fast path is held to libyaml alone (its tests, the fuzz
    /// target, `scalelint-parse-only --compare`). Documents compare by their `Debug` text, so a
    /// `.nan` equals itself.
    #[doc(hidden)]
    pub fn difference(&self, other: &ParsedYaml) -> Option<&'static str> {
        if format!("{:?}", self.documents) != format!("{:?}", other.documents) {
            Some("documents")
        } else if self.problems != other.problems {
            Some("problems")
        } else if self.text_scalars != other.text_scalars {
            Some("text scalars")
        } else {
            None
        }
    }
}

/// Parse every document of `text`. A syntax error loses the document it is in; parsing
/// resumes at the next `---` line so the documents after it are still linted.
pub fn parse(text: &str, limits: Limits) -> ParsedYaml {
    parse_with(text, limits, Front::Fast, &mut Vec::new())
}

/// [`parse`] by libyaml's events alone, without the fast path: the reference the fast path
/// must reproduce exactly (documents, spans, problems, text scalars).
pub fn parse_reference(text: &str, limits: Limits) -> ParsedYaml {
    parse_with(text, limits, Front::Libyaml, &mut Vec::new())
}

/// [`parse`], also saying how far the fast path went in each segment (coverage figures).
#[doc(hidden)]
pub fn parse_with_outcomes(text: &str, limits: Limits) -> (ParsedYaml, Vec<Outcome>) {
    let mut outcomes = Vec::new();
    let parsed = parse_with(text, limits, Front::Fast, &mut outcomes);
    (parsed, outcomes)
}

/// Which front-end reads a segment: the fast path (falling back to libyaml), or libyaml alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Front {
    Fast,
    Libyaml,
}

fn parse_with(text: &str, limits: Limits, front: Front, outcomes: &mut Vec<Outcome>) -> ParsedYaml {
    let mut documents = Vec::new();
    let mut out = parse_each_with(text, limits, front, outcomes, &mut |d, _| documents.push(d));
    out.documents = documents;
    out
}

/// [`parse`], handing each document to `on_document` as soon as it is complete, with the
/// problems found so far: a stream of thousands of documents is never held as trees at
/// once.
pub fn parse_each(
    text: &str,
    limits: Limits,
    on_document: &mut dyn FnMut(Document, &[Problem]),
) -> ParsedYaml {
    parse_each_with(text, limits, Front::Fast, &mut Vec::new(), on_document)
}

fn parse_each_with(
    text: &str,
    limits: Limits,
    front: Front,
    outcomes: &mut Vec<Outcome>,
    on_document: &mut dyn FnMut(Document, &[Problem]),
) -> ParsedYaml {
    let mut out = ParsedYaml::default();
    let mut base = 0;
    // Line breaks before `base`: libyaml counts lines from the start of what it is given.
    let mut lines = 0;
    while base <= text.len() {
        let Some(segment) = text.get(base..) else {
            break;
        };
        let mut b = Builder::new(limits, &mut out);
        let at = Start { base, lines };
        match parse_segment(segment, at, front, outcomes, &mut b, on_document) {
            None => break,
            Some(error_at) => match next_document_start(text, error_at, base) {
                Some(next) if next > base => {
                    let skipped = text.as_bytes().get(base..next).unwrap_or_default();
                    lines += memchr::memchr_iter(b'\n', skipped).count();
                    base = next;
                }
                _ => break,
            },
        }
    }
    // Pushed in text order within a segment; a resumed segment only moves forward.
    out.text_scalars.sort_unstable();
    out
}

/// Where a segment starts in the file: its byte offset and the line breaks before it.
#[derive(Clone, Copy, Debug)]
struct Start {
    base: usize,
    lines: usize,
}

/// One run of documents, up to the first fatal error (whose offset it returns).
fn parse_segment(
    segment: &str,
    Start { base, lines }: Start,
    front: Front,
    outcomes: &mut Vec<Outcome>,
    b: &mut Builder<'_>,
    on_document: &mut dyn FnMut(Document, &[Problem]),
) -> Option<usize> {
    let mut run = |text: &str, b: &mut Builder<'_>| match front {
        Front::Fast => {
            let (error, outcome) = fast::parse_segment(text, Start { base, lines }, b, on_document);
            outcomes.push(outcome);
            error
        }
        Front::Libyaml => libyaml::parse_segment(text, Start { base, lines }, b, on_document),
    };
    // libyaml decodes its whole input before the first event, and refuses all of it when one
    // character is not printable. Kubernetes decodes each document on its own, so only the
    // document holding that character is lost: the ones before it are parsed without it.
    if let Some(bad) = first_unprintable(segment) {
        let document_start = last_document_start(segment, bad);
        if document_start > 0
            && let Some(before) = segment.get(..document_start)
            && let Some(error_at) = run(before, b)
        {
            return Some(error_at);
        }
        b.problems.push(Problem::Syntax {
            span: Span::point(base + bad),
            message: "control characters are not allowed".to_string(),
        });
        return Some(base + bad);
    }
    run(segment, b)
}

/// The first character libyaml's reader refuses (YAML's printable set, as libyaml checks it).
fn first_unprintable(text: &str) -> Option<usize> {
    let printable = |c: char| matches!(c, '\t' | '\n' | '\r' | '\x20'..='\x7e' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
    // Most text is ASCII and printable: check bytes first, characters only when needed; and
    // bytes 64 at a time, with no early exit inside a block, so the check is vectorised.
    let bytes = text.as_bytes();
    let suspect = |b: &u8| *b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') || *b >= 0x7f;
    let block = |c: &[u8]| {
        c.iter().fold(false, |any, &b| {
            any | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b >= 0x7f)
        })
    };
    let from = bytes.chunks(64).position(block)? * 64;
    let first = from + bytes.get(from..)?.iter().position(suspect)?;
    text.get(first..)?
        .char_indices()
        .find(|&(_, c)| !printable(c))
        .map(|(i, _)| first + i)
}

/// Start of the line opening the document that holds `offset` (a `---` line), or 0.
fn last_document_start(text: &str, offset: usize) -> usize {
    let mut line_end = offset;
    while let Some(line_start) = text
        .get(..line_end)
        .and_then(|t| t.rfind('\n'))
        .map(|i| i + 1)
    {
        if is_document_marker(text.get(line_start..).unwrap_or_default()) {
            return line_start;
        }
        line_end = line_start - 1;
    }
    0
}

fn is_document_marker(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|after| after.is_empty() || after.starts_with([' ', '\t', '\r', '\n']))
}

/// Where to resume after an error at `offset`: the next line that opens a document (`---`),
/// or the line holding `offset` when it is one (libyaml often stops at the `---` that ends
/// the broken document; the document it opens is sound). Only positions past `after` count,
/// so every resumption moves forward.
fn next_document_start(text: &str, offset: usize, after: usize) -> Option<usize> {
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    if line_start > after && is_document_marker(text.get(line_start..)?) {
        return Some(line_start);
    }
    let mut pos = text.get(offset..)?.find('\n')? + offset + 1;
    loop {
        let rest = text.get(pos..)?;
        if is_document_marker(rest) {
            return Some(pos);
        }
        pos += rest.find('\n')? + 1;
    }
}

/// An open collection. Its items (entries) so far sit at `first..` of the builder's shared
/// item (entry) stack and move into a vector of exactly their number when it closes: no
/// growth by doubling per collection, no spare capacity kept in the tree.
enum Frame {
    Seq {
        anchor: Option<(String, usize)>,
        start: usize,
        first: usize,
    },
    Map {
        anchor: Option<(String, usize)>,
        start: usize,
        first: usize,
        key: Option<Node>,
        merges: Vec<Node>,
        /// Key → entry index, built once a mapping is large enough for linear search to hurt.
        seen: Option<HashMap<String, usize>>,
    },
}

/// What an anchor names: a collection still open, or a complete node and its node count.
enum Anchored {
    Open(usize),
    Done(Node, usize),
}

struct Builder<'p> {
    limits: Limits,
    stack: Vec<Frame>,
    text_scalars: &'p mut Vec<Span>,
    items: Vec<Node>,
    entries: Vec<Entry>,
    anchors: HashMap<String, Anchored>,
    /// Collections opened with an anchor so far (names each such collection).
    opened: usize,
    expanded: usize,
    root: Option<Node>,
    problems: &'p mut Vec<Problem>,
    /// Where the document being built starts (its `---`, or its first token).
    document_start: usize,
}

/// The comments of a YAML file (for suppressions): a `#` at the start of a line or after a
/// blank, outside quoted and block scalars. libyaml does not report comments, so they are found
/// here, using the parsed tree to know where scalars that may contain `#` are.
pub fn comments(text: &str, parsed: &ParsedYaml) -> Vec<super::Comment> {
    let mut out = Vec::new();
    if !text.contains('#') {
        return out;
    }
    let scalars = &parsed.text_scalars;
    let inside = |at: usize| {
        let i = scalars.partition_point(|s: &Span| s.start <= at);
        i > 0 && scalars.get(i - 1).is_some_and(|s| at < s.end)
    };
    // Only the `#`s need looking at (memchr finds them many bytes at a time): one is a comment
    // when it starts its line or follows a blank, and is not inside a quoted or block scalar;
    // the first on a line wins.
    let bytes = text.as_bytes();
    let mut line_done_until = 0;
    for at in memchr::memchr_iter(b'#', bytes) {
        if at < line_done_until {
            continue;
        }
        let after_blank = at == 0 || matches!(bytes.get(at - 1), Some(b' ' | b'\t' | b'\n'));
        if !after_blank || inside(at) {
            continue;
        }
        let line_end = memchr::memchr(b'\n', bytes.get(at..).unwrap_or_default())
            .map_or(text.len(), |i| at + i);
        let mut body_end = line_end;
        while body_end > at && bytes.get(body_end - 1) == Some(&b'\r') {
            body_end -= 1;
        }
        out.push(super::Comment {
            span: Span::new(at, body_end),
            text: text.get(at + 1..body_end).unwrap_or("").trim().to_string(),
        });
        line_done_until = line_end;
    }
    out
}

impl<'p> Builder<'p> {
    fn new(limits: Limits, out: &'p mut ParsedYaml) -> Builder<'p> {
        Builder {
            limits,
            stack: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            anchors: HashMap::new(),
            opened: 0,
            expanded: 0,
            root: None,
            problems: &mut out.problems,
            text_scalars: &mut out.text_scalars,
            document_start: 0,
        }
    }

    fn begin_document(&mut self) {
        self.stack.clear();
        self.items.clear();
        self.entries.clear();
        self.anchors.clear();
        self.expanded = 0;
        self.root = None;
    }

    fn end_document(&mut self, on_document: &mut dyn FnMut(Document, &[Problem])) {
        if let Some(root) = self.root.take() {
            on_document(Document { root }, self.problems);
        }
    }

    fn scalar(
        &mut self,
        text: String,
        style: ScalarStyle,
        anchor: Option<String>,
        tag: Option<&str>,
        span: Span,
    ) -> Result<(), usize> {
        // `!!int` arrives as libyaml resolved it, `tag:yaml.org,2002:int`; the non-specific
        // `!` only makes a quoted scalar a string, which it is anyway (go-yaml v3).
        let tag = tag
            .map(|t| t.strip_prefix("tag:yaml.org,2002:").unwrap_or(t))
            .filter(|t| *t != "!");
        let resolved = match (tag, style) {
            (Some(t), _) => resolve_tagged(t, &text),
            (None, ScalarStyle::Plain) => resolve_plain(&text),
            (None, _) => Resolved::Str,
        };
        if style != ScalarStyle::Plain {
            self.text_scalars.push(span);
        }
        self.value(Node::scalar(span, text, style, resolved), anchor)
    }

    /// go-yaml names a collection by its anchor as soon as it opens, so an alias inside it to
    /// that name is the document containing itself (refused), not the earlier node.
    fn open_anchor(&mut self, anchor: Option<String>) -> Option<(String, usize)> {
        let name = anchor?;
        self.opened += 1;
        self.anchors
            .insert(name.clone(), Anchored::Open(self.opened));
        Some((name, self.opened))
    }

    fn open_seq(&mut self, anchor: Option<String>, span: Span) -> Result<(), usize> {
        let anchor = self.open_anchor(anchor);
        let first = self.items.len();
        self.open(
            Frame::Seq {
                anchor,
                start: span.start,
                first,
            },
            span,
        )
    }

    fn open_map(&mut self, anchor: Option<String>, span: Span) -> Result<(), usize> {
        let anchor = self.open_anchor(anchor);
        let first = self.entries.len();
        self.open(
            Frame::Map {
                anchor,
                start: span.start,
                first,
                key: None,
                merges: Vec::new(),
                seen: None,
            },
            span,
        )
    }

    fn open(&mut self, frame: Frame, span: Span) -> Result<(), usize> {
        if self.stack.len() >= self.limits.max_depth {
            self.problems.push(Problem::Limit {
                span: Span::point(span.start),
                message: format!(
                    "nesting is deeper than {} levels; the document was not linted",
                    self.limits.max_depth
                ),
            });
            return Err(span.start);
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, span: Span) -> Result<(), usize> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (node, anchor) = match frame {
            Frame::Seq {
                anchor,
                start,
                first,
            } => {
                let items: Vec<Node> = self.items.drain(first.min(self.items.len())..).collect();
                let end = items.last().map_or(span.end, |n| n.span.end);
                (
                    Node {
                        span: Span::new(start, end.max(start)),
                        value: Value::Seq(items),
                    },
                    anchor,
                )
            }
            Frame::Map {
                anchor,
                start,
                first,
                merges,
                ..
            } => {
                let mut entries: Vec<Entry> = self
                    .entries
                    .drain(first.min(self.entries.len())..)
                    .collect();
                let end = entries.last().map_or(span.end, |e| e.value.span.end);
                apply_merges(&mut entries, merges);
                (
                    Node {
                        span: Span::new(start, end.max(start)),
                        value: Value::Map(entries),
                    },
                    anchor,
                )
            }
        };
        // The anchor names this node unless a later node took the name meanwhile.
        if let Some((name, id)) = anchor
            && matches!(self.anchors.get(&name), Some(Anchored::Open(open)) if *open == id)
        {
            let count = node.count();
            self.anchors
                .insert(name, Anchored::Done(node.clone(), count));
        }
        self.value(node, None)
    }

    fn alias(&mut self, name: &str, span: Span) -> Result<(), usize> {
        // libyaml's parser leaves these to the composer; go-yaml and PyYAML reject an unknown
        // anchor, and go-yaml an alias inside the collection its anchor names.
        let (node, count) = match self.anchors.get(name) {
            Some(Anchored::Done(node, count)) => (node, count),
            Some(Anchored::Open(_)) => {
                self.problems.push(Problem::Syntax {
                    span,
                    message: format!("anchor `{name}` value contains itself"),
                });
                return Err(span.start);
            }
            None => {
                self.problems.push(Problem::Syntax {
                    span,
                    message: format!("unknown anchor `{name}` referenced"),
                });
                return Err(span.start);
            }
        };
        self.expanded = self.expanded.saturating_add(*count);
        if self.expanded > self.limits.max_alias_nodes {
            self.problems.push(Problem::Limit {
                span,
                message: format!(
                    "aliases expand to more than {} nodes; the document was not linted",
                    self.limits.max_alias_nodes
                ),
            });
            return Err(span.start);
        }
        let mut node = node.clone();
        node.span = span;
        self.value(node, None)
    }

    /// Attach a finished node to its parent (or make it the document root).
    fn value(&mut self, node: Node, anchor: Option<String>) -> Result<(), usize> {
        if let Some(name) = anchor {
            // A name anchored again names the later node (YAML and go-yaml; libyaml's own
            // loader and PyYAML reject the repetition).
            let count = node.count();
            self.anchors
                .insert(name, Anchored::Done(node.clone(), count));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { .. }) => self.items.push(node),
            Some(Frame::Map {
                first,
                key,
                merges,
                seen,
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    let is_merge = matches!(&k.value, Value::Scalar(s)
                        if s.style == ScalarStyle::Plain && &*s.text == "<<");
                    if is_merge {
                        merges.push(node);
                    } else {
                        let at = (*first).min(self.entries.len());
                        insert_entry(&mut self.entries, at, seen, k, node, self.problems);
                    }
                }
            },
        }
        Ok(())
    }
}

const INDEX_THRESHOLD: usize = 16;

/// Add `key: value` to the mapping whose entries are `stack[first..]`; a repeated key
/// replaces the earlier entry and is reported. Keys are compared borrowed: most mappings
/// are small and a linear scan of them costs less than allocating a key to hash.
fn insert_entry(
    stack: &mut Vec<Entry>,
    first: usize,
    seen: &mut Option<HashMap<String, usize>>,
    key: Node,
    value: Node,
    problems: &mut Vec<Problem>,
) {
    let existing = key.text().and_then(|text| {
        let entries = stack.get(first..).unwrap_or_default();
        if seen.is_none() && entries.len() >= INDEX_THRESHOLD {
            let mut map = HashMap::with_capacity(entries.len() * 2);
            for (i, e) in entries.iter().enumerate() {
                if let Some(t) = e.key.text() {
                    map.insert(t.to_owned(), i);
                }
            }
            *seen = Some(map);
        }
        match seen {
            Some(map) => map.get(text).copied(),
            None => entries.iter().position(|e| e.key.text() == Some(text)),
        }
    });
    let len = stack.len().saturating_sub(first);
    match existing.and_then(|i| stack.get_mut(first + i)) {
        Some(old) => {
            problems.push(Problem::DuplicateKey {
                key: key.text().unwrap_or_default().to_owned(),
                first: old.key.span,
                second: key.span,
            });
            // The last one wins, as in Kubernetes' lenient decoding.
            *old = Entry { key, value };
        }
        None => {
            if let (Some(map), Some(text)) = (seen.as_mut(), key.text()) {
                map.insert(text.to_owned(), len);
            }
            stack.push(Entry { key, value });
        }
    }
}

/// `<<` merge keys: entries of the merged mappings that the mapping does not set itself.
/// Earlier mappings in a `<<: [*a, *b]` list win over later ones.
fn apply_merges(entries: &mut Vec<Entry>, merges: Vec<Node>) {
    if merges.is_empty() {
        return;
    }
    let mut sources = Vec::new();
    for m in merges {
        match m.value {
            Value::Map(es) => sources.push(es),
            Value::Seq(items) => {
                for item in items {
                    if let Value::Map(es) = item.value {
                        sources.push(es);
                    }
                }
            }
            Value::Scalar(_) => {}
        }
    }
    let mut present: std::collections::HashSet<String> = entries
        .iter()
        .filter_map(|e| e.key.text().map(str::to_owned))
        .collect();
    for source in sources {
        for e in source {
            if let Some(t) = e.key.text()
                && present.insert(t.to_owned())
            {
                entries.push(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let p = parse(text, Limits::default());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        p.documents.into_iter().next().unwrap().root
    }

    #[test]
    fn spans_of_keys_and_values() {
        let text = "a: 1\nb:\n  c: \"10\"\n  d: 'x'\n";
        let root = one(text);
        let c = root.path(&["b", "c"]).unwrap();
        assert_eq!(c.as_str(), Some("10"));
        assert_eq!(&text[c.span.start..c.span.end], "\"10\"");
        let e = root.get("b").unwrap().entry("d").unwrap();
        assert_eq!(&text[e.key.span.start..e.key.span.end], "d");
        assert_eq!(&text[e.value.span.start..e.value.span.end], "'x'");
        assert_eq!(root.get("a").unwrap().as_i64(), Some(1));
    }

    #[test]
    fn comments_outside_scalars() {
        let text = "# head\na: 1 # scalelint-disable-line x\nb: \"no # here\"\nc: |\n  # not a comment\n  x\nd: e#f\n  # indented\ne: 1\t# t # u\r\n#\r\n";
        let p = parse(text, Limits::default());
        let found: Vec<(String, String)> = comments(text, &p)
            .into_iter()
            .map(|c| (text[c.span.start..c.span.end].to_string(), c.text))
            .collect();
        assert_eq!(
            found,
            vec![
                ("# head".to_string(), "head".to_string()),
                (
                    "# scalelint-disable-line x".to_string(),
                    "scalelint-disable-line x".to_string()
                ),
                ("# indented".to_string(), "indented".to_string()),
                // After a tab; the first `#` of a line starts the comment; CRLF is no part of it.
                ("# t # u".to_string(), "t # u".to_string()),
                ("#".to_string(), String::new()),
            ]
        );
    }

    #[test]
    fn quoted_spans_end_at_the_closing_quote() {
        for (text, want) in [
            ("a: \"x\"   \nb: 1\n", "\"x\""),
            ("a: 'x'  # c\n", "'x'"),
            ("a: 'it''s'  # c\n", "'it''s'"),
            ("a: \"q\\\" \\\\\"  # c\n", "\"q\\\" \\\\\""),
            ("a: \"two\n  lines\"  \n", "\"two\n  lines\""),
        ] {
            let root = one(text);
            let a = root.get("a").unwrap();
            assert_eq!(&text[a.span.start..a.span.end], want, "{text:?}");
        }
    }

    #[test]
    fn non_ascii_spans_are_bytes() {
        let text = "é: ü\nname: x\n";
        let root = one(text);
        let e = root.entry("name").unwrap();
        assert_eq!(&text[e.value.span.start..e.value.span.end], "x");
    }

    #[test]
    fn block_scalar_span_starts_at_indicator() {
        let text = "q: |\n  a\n  b\nz: 1\nr: >-  # note |\n\n  x\n";
        let root = one(text);
        let q = root.get("q").unwrap();
        assert_eq!(q.text(), Some("a\nb\n"));
        assert_eq!(q.span.start, 3);
        let r = root.get("r").unwrap();
        assert_eq!(&text[r.span.start..r.span.start + 2], ">-");
    }

    #[test]
    fn merge_keys() {
        let text = "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n";
        let root = one(text);
        let m = root.get("m").unwrap();
        assert_eq!(m.get("x").unwrap().as_i64(), Some(1));
        assert_eq!(m.get("y").unwrap().as_i64(), Some(3));
        assert_eq!(m.as_map().unwrap().len(), 2);
    }

    #[test]
    fn duplicate_keys_are_problems_and_last_wins() {
        let text = "a: 1\nb: 2\na: 3\n";
        let p = parse(text, Limits::default());
        assert_eq!(
            p.problems,
            vec![Problem::DuplicateKey {
                key: "a".into(),
                first: Span::new(0, 1),
                second: Span::new(10, 11)
            }]
        );
        assert_eq!(p.documents[0].root.get("a").unwrap().as_i64(), Some(3));
    }

    #[test]
    fn syntax_error_keeps_other_documents() {
        let text = "a: 1\n---\nb: [1\nc: 2\n---\nd: 4\n";
        let p = parse(text, Limits::default());
        assert_eq!(p.documents.len(), 2);
        assert!(matches!(p.problems[0], Problem::Syntax { .. }));
        assert_eq!(p.documents[1].root.get("d").unwrap().as_i64(), Some(4));
    }

    #[test]
    fn alias_bomb_is_a_limit() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let p = parse(&text, Limits::default());
        assert!(matches!(p.problems[0], Problem::Limit { .. }));
    }

    #[test]
    fn deep_nesting_is_a_limit() {
        let text = "[".repeat(100_000);
        let p = parse(&text, Limits::default());
        assert!(
            matches!(p.problems[0], Problem::Limit { .. }),
            "{:?}",
            p.problems
        );
    }

    #[test]
    fn crlf_positions() {
        let text = "a: 1\r\nb:\r\n  c: x\r\n";
        let root = one(text);
        let c = root.path(&["b", "c"]).unwrap();
        assert_eq!(&text[c.span.start..c.span.end], "x");
        let f = crate::model::SourceFile::new("x", text.to_string());
        assert_eq!(
            f.line_col(c.span.start),
            crate::model::LineCol { line: 3, column: 6 }
        );
    }

    #[test]
    fn empty_and_comment_only_documents() {
        for text in ["", "# only a comment\n", "---\n", "---\n---\n...\n"] {
            let p = parse(text, Limits::default());
            assert!(p.problems.is_empty(), "{text:?}: {:?}", p.problems);
        }
    }

    #[test]
    fn tabs_for_indentation_are_a_syntax_error_not_a_panic() {
        let p = parse("a:\n\tb: 1\n", Limits::default());
        assert!(
            matches!(p.problems.first(), Some(Problem::Syntax { .. })),
            "{:?}",
            p.problems
        );
    }

    #[test]
    fn long_input_across_chunks_keeps_byte_spans() {
        // Multi-byte characters straddle libyaml's 64 KiB input pieces.
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 200_000 {
            text.push_str(&format!("k{i}: \"é€😀 {i}\"\n"));
            i += 1;
        }
        text.push_str("last: ü\n");
        let root = one(&text);
        let last = root.entry("last").unwrap();
        assert_eq!(&text[last.value.span.start..last.value.span.end], "ü");
        let k = root.entry("k5000").unwrap();
        assert_eq!(&text[k.value.span.start..k.value.span.end], "\"é€😀 5000\"");
    }

    #[test]
    fn a_control_character_loses_only_its_document() {
        let text = "a: 1\n---\nb: \u{1}\n---\nc: 3\n";
        let p = parse(text, Limits::default());
        assert_eq!(p.documents.len(), 2, "{:?}", p.problems);
        assert_eq!(p.documents[0].root.get("a").unwrap().as_i64(), Some(1));
        assert_eq!(p.documents[1].root.get("c").unwrap().as_i64(), Some(3));
        assert!(matches!(&p.problems[..], [Problem::Syntax { span, .. }] if span.start == 12));
    }

    #[test]
    fn undefined_alias_is_an_error_and_anchors_may_be_redefined() {
        let p = parse("a: *nothing\n", Limits::default());
        assert!(
            matches!(&p.problems[..], [Problem::Syntax { message, .. }] if message.contains("nothing"))
        );
        let root = one("a: &x 1\nb: &x 2\nc: *x\n");
        assert_eq!(root.get("c").unwrap().as_i64(), Some(2));
        // An alias inside the node its anchor names: go-yaml refuses the recursion.
        let p = parse("a: &x [1, *x]\n", Limits::default());
        assert!(
            matches!(&p.problems[..], [Problem::Syntax { .. }]),
            "{:?}",
            p.problems
        );
    }

    #[test]
    fn shapes_kubectl_accepts() {
        // A flow sequence closed at the parent key's indentation (compose files, `command:`).
        let text = "spec:\n  containers:\n  - name: a\n    command: [\n      \"sh\",\n      \"-c\"\n    ]\n";
        let root = one(text);
        let c = root
            .path(&["spec", "containers"])
            .unwrap()
            .as_seq()
            .unwrap()[0]
            .get("command")
            .unwrap();
        assert_eq!(c.as_seq().unwrap().len(), 2);
        // Continuation lines of a quoted scalar at the key's indentation.
        let text = "metadata:\n  annotations:\n    note: 'first\n    second'\n";
        let root = one(text);
        assert_eq!(
            root.path(&["metadata", "annotations", "note"])
                .unwrap()
                .as_str(),
            Some("first second")
        );
    }

    #[test]
    fn messages_count_lines_from_the_top_after_a_resumed_error() {
        let text = "a: [1\n---\nb: 2\n---\nc: {d: 1\n";
        let p = parse(text, Limits::default());
        let messages: Vec<String> = p.problems.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("line 1, column 4"), "{messages:?}");
        assert!(messages[1].contains("line 5, column 4"), "{messages:?}");
        assert_eq!(p.documents.len(), 1);
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let text = "\u{feff}a: x\n";
        let root = one(text);
        let a = root.get("a").unwrap();
        assert_eq!(&text[a.span.start..a.span.end], "x");
    }

    #[test]
    fn json_is_yaml() {
        let root = one("{\"apiVersion\": \"v1\", \"n\": 10}");
        assert_eq!(root.get("n").unwrap().as_i64(), Some(10));
    }
}

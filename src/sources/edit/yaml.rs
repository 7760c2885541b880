//! Edits in YAML text: a value replaced in its quoting style, a missing path inserted as block
//! YAML after the last child of the nearest existing mapping (the document's indentation,
//! sequence indentation and line endings), an entry removed with its lines.
//!
//! What the tree's spans cover (see `sources::yaml`): a scalar's span is its text (quotes
//! included; a block scalar from its `|`/`>` through its last line break); a node's span
//! starts at its properties (`&anchor`, `!tag`); a collection ends at its last written value,
//! not at a flow collection's closing bracket (an empty flow collection covers its
//! brackets); a block sequence starts at its first `-`; an empty value is an empty span right
//! after its `:`. An alias is a copy of the anchored node whose own span is the `*alias`
//! token while its descendants keep the anchored node's spans.

use super::{Edit, New, Planned};
use crate::model::{Entry, Node, Resolved, ScalarStyle, Span, Value};
use crate::sources::resolve::resolve_plain;

const FLOW: &str = "the mapping is written in flow style";
const JSON: &str = "the document is written in flow style (JSON)";
const ANCHOR: &str = "the value is an anchor's, shared with its aliases";
const ALIAS: &str = "the value is an alias, a copy of an anchor's value";
const MERGE: &str = "the mapping merges another (`<<`)";
const BLOCK_SCALAR: &str = "the value is a block scalar";
const ONLY_KEY: &str = "it is the only key of its mapping, which would become null";
const NOT_LINE_START: &str = "the key does not start its line";

/// One document's tree in its file's text.
pub struct YamlDoc<'a> {
    pub text: &'a str,
    pub root: &'a Node,
}

/// How the document is written: what inserted block YAML copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Layout {
    /// Columns a nested mapping's keys sit right of their parent key.
    step: usize,
    /// Columns a block sequence's `-` sits right of its key (0: kubectl's indentless style).
    seq: usize,
    nl: &'static str,
}

/// A node with where it sits: what is needed to rewrite it.
#[derive(Clone, Copy)]
struct Place<'n> {
    node: &'n Node,
    /// The key when the node is a mapping's value.
    key: Option<&'n Node>,
    /// Inside a flow collection (plain scalars may not hold `,[]{}` there).
    in_flow: bool,
}

/// The first reason an edit must not be applied.
#[derive(Default)]
struct Risk(Option<&'static str>);

impl Risk {
    fn note(&mut self, why: &'static str) {
        if self.0.is_none() {
            self.0 = Some(why);
        }
    }

    fn plan(self, edits: Vec<Edit>) -> Planned {
        match self.0 {
            Some(why) => Planned::risky(edits, why),
            None => Planned::new(edits),
        }
    }
}

impl<'a> YamlDoc<'a> {
    pub fn new(text: &'a str, root: &'a Node) -> YamlDoc<'a> {
        YamlDoc { text, root }
    }

    /// Sets the value at `path` (mapping keys from the root): replaces the value there, or
    /// inserts the missing keys (the whole missing path) after the last child of the nearest
    /// existing mapping. `None` when the path runs through something that is not a mapping.
    pub fn set(&self, path: &[&str], value: &New) -> Option<Planned> {
        let mut risk = Risk::default();
        let mut place = Place {
            node: self.root,
            key: None,
            in_flow: false,
        };
        for (i, key) in path.iter().enumerate() {
            let node = place.node;
            let rest = path.get(i..).unwrap_or_default();
            if node.as_map().is_none() {
                // A key with nothing under it: the rest of the path replaces the null.
                if node.is_null() && place.key.is_some() {
                    let nested = nest(rest, value);
                    let edits = self.replace_at(place, &nested, &mut risk);
                    return Some(risk.plan(edits));
                }
                return None;
            }
            self.check_container(node, i == 0, &mut risk);
            let Some(entry) = node.entry(key) else {
                let edits = self.insert_into(node, place.in_flow, rest, value, &mut risk);
                return Some(risk.plan(edits));
            };
            let in_flow = place.in_flow || self.is_flow(node);
            place = Place {
                node: &entry.value,
                key: Some(&entry.key),
                in_flow,
            };
        }
        let edits = self.replace_at(place, value, &mut risk);
        Some(risk.plan(edits))
    }

    /// Replaces `node` (a node of this document) with `value`.
    pub fn replace(&self, node: &Node, value: &New) -> Planned {
        let mut risk = Risk::default();
        let mut chain = Vec::new();
        let place = if self.locate(self.root, node, &mut chain) {
            let containers = chain.split_last().map_or(&[][..], |(_, c)| c);
            for (i, n) in containers.iter().enumerate() {
                self.check_container(n, i == 0, &mut risk);
            }
            self.place_of(&chain)
        } else {
            // Not found in this tree: only its own text tells.
            None
        }
        .unwrap_or(Place {
            node,
            key: None,
            in_flow: false,
        });
        let edits = self.replace_at(place, value, &mut risk);
        risk.plan(edits)
    }

    /// Removes the entry at `path` (its key, its value and their lines). `None` when absent.
    pub fn remove(&self, path: &[&str]) -> Option<Planned> {
        let (last, parents) = path.split_last()?;
        let mut risk = Risk::default();
        let mut node = self.root;
        let mut in_flow = false;
        for (i, key) in parents.iter().enumerate() {
            self.check_container(node, i == 0, &mut risk);
            in_flow |= self.is_flow(node);
            node = &node.entry(key)?.value;
        }
        let entry = node.entry(last)?;
        self.check_container(node, parents.is_empty(), &mut risk);
        in_flow |= self.is_flow(node);
        // The value goes: only anchors in it matter (their aliases would be left dangling).
        self.check_subtree(&entry.value, &mut risk);
        let own: Vec<&Entry> = self.own_entries(node).collect();
        let ks = entry.key.span.start;
        let end = self.end_of(&entry.value);
        // The only key of its mapping: also by the mapping's text, since a caller's tree may
        // hold only some of the children (the index's projections keep what rules read).
        let alone = node.span.start >= self.line_start(ks) && self.end_of(node) <= end;
        if own.len() <= 1 && alone {
            risk.note(ONLY_KEY);
        }
        let edit = if in_flow {
            risk.note(FLOW);
            Edit::delete(self.flow_entry_extent(&own, entry, end))
        } else if self.first_on_line(ks) {
            Edit::delete(Span::new(self.line_start(ks), self.after_line(end)))
        } else {
            // `- key: v` (or a key after an anchor or tag): up to the next key, which then
            // takes its place after the `- `.
            risk.note(NOT_LINE_START);
            let next = own
                .iter()
                .map(|e| e.key.span.start)
                .filter(|&s| s >= end)
                .min();
            Edit::delete(Span::new(ks, next.unwrap_or_else(|| self.after_line(end))))
        };
        Some(risk.plan(vec![edit]))
    }

    // ---- reading the text ----

    fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// The start of the line holding `at` (after a byte order mark, which is no text).
    fn line_start(&self, at: usize) -> usize {
        let at = at.min(self.text.len());
        let start =
            memchr::memrchr(b'\n', self.bytes().get(..at).unwrap_or_default()).map_or(0, |i| i + 1);
        if start == 0 && self.text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8().min(at)
        } else {
            start
        }
    }

    /// The start of the line after the one where something ending at `end` ends (the end of
    /// the text on the last line). A block scalar ends after its line break: already there.
    fn after_line(&self, end: usize) -> usize {
        let end = end.min(self.text.len());
        if end > 0 && self.bytes().get(end - 1) == Some(&b'\n') {
            return end;
        }
        memchr::memchr(b'\n', self.bytes().get(end..).unwrap_or_default())
            .map_or(self.text.len(), |i| end + i + 1)
    }

    /// The column of `at`, in characters (YAML indents by characters).
    fn column(&self, at: usize) -> usize {
        let start = self.line_start(at);
        self.text.get(start..at).map_or(0, |s| s.chars().count())
    }

    /// Whether only blanks precede `at` on its line.
    fn first_on_line(&self, at: usize) -> bool {
        let start = self.line_start(at);
        self.bytes()
            .get(start..at)
            .is_some_and(|s| s.iter().all(|&b| b == b' ' || b == b'\t'))
    }

    /// `at` moved back over blanks (the space between a `:` and its value).
    fn blanks_before(&self, at: usize) -> usize {
        let mut p = at.min(self.text.len());
        while p > 0 && matches!(self.bytes().get(p - 1), Some(b' ' | b'\t')) {
            p -= 1;
        }
        p
    }

    /// Where a node's content starts after its properties, and whether one is an anchor.
    fn content_start(&self, node: &Node) -> (usize, bool) {
        let b = self.bytes();
        let mut p = node.span.start;
        let mut anchored = false;
        while p < node.span.end {
            match b.get(p) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => p += 1,
                Some(&c @ (b'&' | b'!')) => {
                    anchored |= c == b'&';
                    while p < node.span.end
                        && !matches!(b.get(p), Some(b' ' | b'\t' | b'\r' | b'\n') | None)
                    {
                        p += 1;
                    }
                }
                _ => break,
            }
        }
        (p, anchored)
    }

    fn is_alias(&self, node: &Node) -> bool {
        self.bytes().get(node.span.start) == Some(&b'*')
    }

    fn has_anchor(&self, node: &Node) -> bool {
        self.content_start(node).1
    }

    /// A collection written `{…}` or `[…]`.
    fn is_flow(&self, node: &Node) -> bool {
        !matches!(node.value, Value::Scalar(_))
            && matches!(
                self.bytes().get(self.content_start(node).0),
                Some(b'{' | b'[')
            )
    }

    fn is_block_scalar(node: &Node) -> bool {
        matches!(&node.value, Value::Scalar(s) if matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded))
    }

    /// The entries written in this mapping (not merged in from elsewhere, whose keys sit at
    /// the anchored mapping, before this one).
    fn own_entries<'n>(&self, map: &'n Node) -> impl Iterator<Item = &'n Entry> + 'n {
        let start = map.span.start;
        map.as_map()
            .unwrap_or_default()
            .iter()
            .filter(move |e| e.key.span.start >= start)
    }

    /// Where a node's text really ends: after the closing bracket of a flow collection,
    /// after the last written child of a block one (duplicate keys replace an entry in
    /// place, so the tree's last entry is not always the last written).
    fn end_of(&self, node: &Node) -> usize {
        if self.is_alias(node) {
            return node.span.end;
        }
        let start = node.span.start;
        let last = match &node.value {
            Value::Scalar(_) => return node.span.end,
            Value::Map(_) => {
                // Entries in text order (no repeated key put back in an earlier slot): the
                // last one is the last written, and only it is descended into, so finding
                // an end costs the depth of the tree, not its size.
                let mut ordered = true;
                let mut last: Option<&Entry> = None;
                for e in self.own_entries(node) {
                    if last.is_some_and(|l| e.key.span.start < l.key.span.start) {
                        ordered = false;
                        break;
                    }
                    last = Some(e);
                }
                if ordered {
                    last.map(|e| self.end_of(&e.value).max(e.key.span.end))
                } else {
                    self.own_entries(node)
                        .map(|e| self.end_of(&e.value).max(e.key.span.end))
                        .max()
                }
            }
            // Items are in text order; those before the start are an alias's copies.
            Value::Seq(items) => items
                .iter()
                .rev()
                .find(|n| n.span.start >= start)
                .map(|n| self.end_of(n)),
        };
        match last {
            None => node.span.end,
            Some(e) if self.is_flow(node) => self.closer_after(e).unwrap_or(e),
            Some(e) => e.max(node.span.end),
        }
    }

    /// Just past the `]` or `}` that closes a flow collection whose last child ends at `from`.
    fn closer_after(&self, from: usize) -> Option<usize> {
        let b = self.bytes();
        let mut p = from;
        loop {
            match b.get(p)? {
                b' ' | b'\t' | b'\r' | b'\n' | b',' => p += 1,
                b'#' => p += memchr::memchr(b'\n', b.get(p..)?)?,
                b']' | b'}' => return Some(p + 1),
                _ => return None,
            }
        }
    }

    /// Whether a mapping has a `<<` merge key among its own keys (the parser drops the key
    /// and appends the merged entries, so only the text tells).
    fn has_merge(&self, map: &Node) -> bool {
        let end = self.end_of(map);
        let region = self.text.get(map.span.start..end).unwrap_or_default();
        // Most documents have no `<<` at all: one fast search says so.
        if memchr::memmem::find(region.as_bytes(), b"<<").is_none() {
            return false;
        }
        let Some(first) = self.own_entries(map).next() else {
            return false;
        };
        let flow = self.is_flow(map);
        let col = self.column(first.key.span.start);
        region.match_indices("<<").any(|(i, _)| {
            let at = map.span.start + i;
            let after = region.get(i + 2..).unwrap_or_default();
            let colon = after.trim_start_matches([' ', '\t']).starts_with(':');
            let before = self.text.get(self.line_start(at)..at).unwrap_or_default();
            let placed = if flow {
                before.trim_end_matches([' ', '\t']).ends_with(['{', ','])
                    || before.trim().is_empty()
            } else {
                self.column(at) == col && before.trim_start_matches([' ', '-']).is_empty()
            };
            colon && placed
        })
    }

    /// Notes why editing inside `node`, a collection on the path from the root (`root`: the
    /// first), would risk the file.
    fn check_container(&self, node: &Node, root: bool, risk: &mut Risk) {
        if self.is_alias(node) {
            risk.note(ALIAS);
        }
        if self.has_anchor(node) {
            risk.note(ANCHOR);
        }
        if self.is_flow(node) {
            risk.note(if root { JSON } else { FLOW });
        }
        if node.as_map().is_some() && self.has_merge(node) {
            risk.note(MERGE);
        }
    }

    /// Notes anchors within a subtree about to be rewritten: its aliases would lose them.
    fn check_subtree(&self, node: &Node, risk: &mut Risk) {
        if self.is_alias(node) {
            return;
        }
        if self.has_anchor(node) {
            risk.note(ANCHOR);
        }
        match &node.value {
            Value::Scalar(_) => {}
            Value::Seq(items) => items.iter().for_each(|n| self.check_subtree(n, risk)),
            Value::Map(_) => self.own_entries(node).for_each(|e| {
                self.check_subtree(&e.key, risk);
                self.check_subtree(&e.value, risk);
            }),
        }
    }

    /// The chain of nodes from `from` down to `target` (by identity, else by span and value):
    /// first descending only into nodes whose span holds the target's (what the parser
    /// gives, cheap), then, when that fails (a repeated key moved an entry, an alias's
    /// copy), into every node whose written text holds it.
    fn locate<'n>(&self, from: &'n Node, target: &Node, chain: &mut Vec<&'n Node>) -> bool {
        if self.locate_by(from, target, chain, false) {
            return true;
        }
        chain.clear();
        self.locate_by(from, target, chain, true)
    }

    fn locate_by<'n>(
        &self,
        from: &'n Node,
        target: &Node,
        chain: &mut Vec<&'n Node>,
        thorough: bool,
    ) -> bool {
        chain.push(from);
        if std::ptr::eq(from, target) || (from.span == target.span && from == target) {
            return true;
        }
        // A node's descendants lie within its text, unless it is an alias's copy.
        let end = if thorough {
            self.end_of(from)
        } else {
            from.span.end
        };
        let within = from.span.start <= target.span.start && target.span.end <= end;
        if within || (thorough && self.is_alias(from)) {
            let found = match &from.value {
                Value::Scalar(_) => false,
                Value::Seq(items) => items
                    .iter()
                    .any(|n| self.locate_by(n, target, chain, thorough)),
                Value::Map(entries) => entries
                    .iter()
                    .any(|e| self.locate_by(&e.value, target, chain, thorough)),
            };
            if found {
                return true;
            }
        }
        chain.pop();
        false
    }

    fn place_of<'n>(&self, chain: &[&'n Node]) -> Option<Place<'n>> {
        let (&node, ancestors) = chain.split_last()?;
        let key = ancestors.last().and_then(|p| {
            p.as_map()?
                .iter()
                .find(|e| std::ptr::eq(&e.value, node))
                .map(|e| &e.key)
        });
        Some(Place {
            node,
            key,
            in_flow: ancestors.iter().any(|n| self.is_flow(n)),
        })
    }

    // ---- how the document is written ----

    fn layout(&self) -> Layout {
        let mut step = None;
        let mut seq = None;
        self.scan_layout(self.root, &mut step, &mut seq);
        let step = step.unwrap_or(2);
        let doc = self.bytes().get(self.root.span.start..).unwrap_or_default();
        let first_nl = memchr::memchr(b'\n', doc)
            .map(|i| self.root.span.start + i)
            .or_else(|| memchr::memchr(b'\n', self.bytes()));
        let crlf = first_nl.is_some_and(|i| i > 0 && self.bytes().get(i - 1) == Some(&b'\r'));
        Layout {
            step,
            seq: seq.unwrap_or(step),
            nl: if crlf { "\r\n" } else { "\n" },
        }
    }

    /// The first nested block mapping's step and block sequence's indentation, in text order.
    fn scan_layout(&self, node: &Node, step: &mut Option<usize>, seq: &mut Option<usize>) {
        if (step.is_some() && seq.is_some()) || self.is_alias(node) || self.is_flow(node) {
            return;
        }
        match &node.value {
            Value::Scalar(_) => {}
            Value::Seq(items) => items.iter().for_each(|n| self.scan_layout(n, step, seq)),
            Value::Map(_) => {
                for e in self.own_entries(node) {
                    let v = &e.value;
                    let key_col = self.column(e.key.span.start);
                    let nested = !self.is_alias(v) && !self.is_flow(v) && !self.has_anchor(v);
                    if nested && step.is_none() {
                        let first = self.own_entries(v).next().map(|c| c.key.span.start);
                        if let Some(at) = first.filter(|&at| self.first_on_line(at)) {
                            let col = self.column(at);
                            *step = col.checked_sub(key_col).filter(|&d| d > 0);
                        }
                    }
                    let dash = v.span.start;
                    let is_block_seq = nested
                        && !v.as_seq().unwrap_or_default().is_empty()
                        && self.bytes().get(dash) == Some(&b'-');
                    if seq.is_none() && is_block_seq && self.first_on_line(dash) {
                        *seq = self.column(dash).checked_sub(key_col);
                    }
                    self.scan_layout(v, step, seq);
                }
            }
        }
    }

    // ---- writing ----

    /// The missing path `rest` inserted into mapping `map`, after its last child.
    fn insert_into(
        &self,
        map: &Node,
        in_flow: bool,
        rest: &[&str],
        value: &New,
        risk: &mut Risk,
    ) -> Vec<Edit> {
        let Some((first, deeper)) = rest.split_first() else {
            return Vec::new();
        };
        let nested = nest(deeper, value);
        let own: Vec<&Entry> = self.own_entries(map).collect();
        if in_flow || self.is_flow(map) {
            risk.note(FLOW);
            let entry = format!("{}: {}", key_text(first, true), flow_text(&nested));
            let last_end = own.iter().map(|e| self.end_of(&e.value)).max();
            return match last_end {
                Some(end) => vec![Edit::insert(end, format!(", {entry}"))],
                // `{}`: inside the brackets.
                None => vec![Edit::insert(map.span.end.saturating_sub(1), entry)],
            };
        }
        let layout = self.layout();
        let Some(first_key) = own.first() else {
            // A block mapping always has a key of its own; one without (only merged keys, or
            // a mapping made up by a caller) gets the lines after its span, at its column.
            let at = self.after_line(map.span.end);
            let mut out = self.newline_before(at, layout);
            write_entry(
                &mut out,
                self.column(map.span.start),
                first,
                &nested,
                layout,
            );
            return vec![Edit::insert(at, out)];
        };
        let col = self.column(first_key.key.span.start);
        let at = self.after_line(self.end_of(map));
        let mut out = self.newline_before(at, layout);
        write_entry(&mut out, col, first, &nested, layout);
        vec![Edit::insert(at, out)]
    }

    /// A line break to write before text inserted at `at`, when `at` ends a last line that
    /// has none.
    fn newline_before(&self, at: usize, layout: Layout) -> String {
        let needs = at >= self.text.len() && !self.text.is_empty() && !self.text.ends_with('\n');
        if needs {
            layout.nl.to_string()
        } else {
            String::new()
        }
    }

    /// The edits that make `place`'s node read `value`.
    fn replace_at(&self, place: Place<'_>, value: &New, risk: &mut Risk) -> Vec<Edit> {
        let node = place.node;
        if self.is_alias(node) {
            risk.note(ALIAS);
        }
        self.check_subtree(node, risk);
        let block_scalar = Self::is_block_scalar(node);
        if block_scalar {
            risk.note(BLOCK_SCALAR);
        }
        let start = node.span.start;
        // A block scalar's span ends past its line break(s); its text ends at its content.
        let end = if block_scalar {
            let body = self.text.get(start..node.span.end).unwrap_or_default();
            start + body.trim_end().len().max(1).min(body.len())
        } else {
            self.end_of(node)
        };
        let collection = matches!(value, New::Map(m) if !m.is_empty())
            || matches!(value, New::Seq(s) if !s.is_empty());
        let flow = place.in_flow || self.is_flow(node) || self.is_alias(node);
        if !collection || flow {
            let text = if collection {
                flow_text(value)
            } else {
                self.scalar_for(node, value, place.in_flow)
            };
            return self.replace_inline(place, start, end, text);
        }
        let layout = self.layout();
        match place.key {
            Some(key) => {
                let key_col = self.column(key.span.start);
                let mut block = String::new();
                write_value_lines(&mut block, key_col, value, layout);
                let on_own_line = node.as_scalar().is_none() && self.first_on_line(start);
                if on_own_line {
                    // The old block's lines give way to the new block's.
                    let span = Span::new(self.line_start(start), self.after_line(end));
                    vec![Edit::replace(span, block)]
                } else {
                    // `key: old # comment` → `key: # comment`, the block on the lines after.
                    let at = self.after_line(end);
                    let mut text = self.newline_before(at, layout);
                    text.push_str(&block);
                    let mut edits = Vec::new();
                    let from = self.blanks_before(start).max(key.span.end);
                    if from < end {
                        edits.push(Edit::delete(Span::new(from, end)));
                    }
                    edits.push(Edit::insert(at, text));
                    edits
                }
            }
            None => {
                // A sequence item or the root: the block starts where the node does.
                let col = self.column(start);
                let mut block = String::new();
                match value {
                    New::Map(entries) => entries
                        .iter()
                        .for_each(|(k, v)| write_entry(&mut block, col, k, v, layout)),
                    New::Seq(items) => write_items(&mut block, col, items, layout),
                    New::Str(_) | New::Raw(_) => {}
                }
                let text = block
                    .get(col..)
                    .unwrap_or_default()
                    .trim_end_matches(['\r', '\n'])
                    .to_string();
                vec![Edit::replace(Span::new(start, end), text)]
            }
        }
    }

    /// `text` in place of the node at `start..end`, on the key's line.
    fn replace_inline(
        &self,
        place: Place<'_>,
        start: usize,
        end: usize,
        text: String,
    ) -> Vec<Edit> {
        let node = place.node;
        if node.span.is_empty() {
            // An empty value right after its `:`.
            let spaced = matches!(self.bytes().get(start.wrapping_sub(1)), Some(b':'));
            let text = if spaced { format!(" {text}") } else { text };
            return vec![Edit::insert(start, text)];
        }
        let block_below = node.as_scalar().is_none() && !self.is_flow(node) && !self.is_alias(node);
        if let (true, Some(key)) = (block_below && self.first_on_line(start), place.key) {
            // `key:` with a block below it: the value goes after the `:`, the block's lines go.
            if let Some(colon) = self.colon_after(key.span.end, start) {
                return vec![
                    Edit::insert(colon, format!(" {text}")),
                    Edit::delete(Span::new(self.line_start(start), self.after_line(end))),
                ];
            }
        }
        vec![Edit::replace(Span::new(start, end), text)]
    }

    /// Just past the `:` that follows a key ending at `from`, before `limit`.
    fn colon_after(&self, from: usize, limit: usize) -> Option<usize> {
        let b = self.bytes();
        let mut p = from;
        while p < limit {
            match b.get(p)? {
                b' ' | b'\t' => p += 1,
                b':' => return Some(p + 1),
                _ => return None,
            }
        }
        None
    }

    /// A scalar value's text in place of `old`: a string in `old`'s quoting style when it
    /// was quoted, plain when plain YAML reads it back as the same string, else quoted.
    fn scalar_for(&self, old: &Node, value: &New, in_flow: bool) -> String {
        match value {
            New::Raw(raw) => raw.clone(),
            New::Map(_) => "{}".to_string(),
            New::Seq(_) => "[]".to_string(),
            New::Str(s) => match old.as_scalar().map(|o| o.style) {
                Some(ScalarStyle::SingleQuoted) => single_quoted(s),
                Some(ScalarStyle::DoubleQuoted) => double_quoted(s),
                _ => scalar_text(s, in_flow),
            },
        }
    }

    /// The span to delete for a flow mapping's entry: it and the separator after it (or
    /// before it, for the last entry).
    fn flow_entry_extent(&self, own: &[&Entry], entry: &Entry, end: usize) -> Span {
        let start = entry.key.span.start;
        let b = self.bytes();
        let mut p = end;
        while matches!(b.get(p), Some(b' ' | b'\t')) {
            p += 1;
        }
        if b.get(p) == Some(&b',') {
            p += 1;
            while matches!(b.get(p), Some(b' ' | b'\t')) {
                p += 1;
            }
            return Span::new(start, p);
        }
        let previous = own
            .iter()
            .map(|e| self.end_of(&e.value))
            .filter(|&e| e <= start)
            .max();
        match previous {
            Some(prev) => Span::new(prev, end),
            None => Span::new(start, end),
        }
    }
}

/// `value` under the keys of `path` (`["a", "b"]`, v → `{a: {b: v}}`).
fn nest(path: &[&str], value: &New) -> New {
    path.iter().rev().fold(value.clone(), |inner, k| {
        New::Map(vec![((*k).to_string(), inner)])
    })
}

fn pad(out: &mut String, col: usize) {
    out.extend(std::iter::repeat_n(' ', col));
}

/// `key: value` at `col`, a collection value on the lines below.
fn write_entry(out: &mut String, col: usize, key: &str, value: &New, layout: Layout) {
    pad(out, col);
    out.push_str(&key_text(key, false));
    out.push(':');
    match value {
        New::Map(m) if !m.is_empty() => {
            out.push_str(layout.nl);
            write_value_lines(out, col, value, layout);
        }
        New::Seq(s) if !s.is_empty() => {
            out.push_str(layout.nl);
            write_value_lines(out, col, value, layout);
        }
        _ => {
            out.push(' ');
            out.push_str(&inline_text(value));
            out.push_str(layout.nl);
        }
    }
}

/// The lines of a collection value whose key sits at `key_col`.
fn write_value_lines(out: &mut String, key_col: usize, value: &New, layout: Layout) {
    match value {
        New::Map(entries) => entries
            .iter()
            .for_each(|(k, v)| write_entry(out, key_col + layout.step, k, v, layout)),
        New::Seq(items) => write_items(out, key_col + layout.seq, items, layout),
        New::Str(_) | New::Raw(_) => {}
    }
}

/// Block sequence items with their `-` at `dash`; a mapping item is `- key: v`, the other keys
/// aligned under the first.
fn write_items(out: &mut String, dash: usize, items: &[New], layout: Layout) {
    for item in items {
        let mut lines = String::new();
        match item {
            New::Map(m) if !m.is_empty() => m
                .iter()
                .for_each(|(k, v)| write_entry(&mut lines, dash + 2, k, v, layout)),
            New::Seq(s) if !s.is_empty() => write_items(&mut lines, dash + 2, s, layout),
            _ => {
                pad(out, dash);
                out.push_str("- ");
                out.push_str(&inline_text(item));
                out.push_str(layout.nl);
                continue;
            }
        }
        pad(out, dash);
        out.push_str("- ");
        out.push_str(lines.get(dash + 2..).unwrap_or_default());
    }
}

/// A value written on its key's line (scalars, empty collections).
fn inline_text(value: &New) -> String {
    match value {
        New::Str(s) => scalar_text(s, false),
        New::Raw(r) => r.clone(),
        New::Map(_) | New::Seq(_) => flow_text(value),
    }
}

/// A value in flow style (`{a: 1, b: [x]}`).
fn flow_text(value: &New) -> String {
    match value {
        New::Str(s) => scalar_text(s, true),
        New::Raw(r) => r.clone(),
        New::Map(entries) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", key_text(k, true), flow_text(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        New::Seq(items) => {
            let inner: Vec<String> = items.iter().map(flow_text).collect();
            format!("[{}]", inner.join(", "))
        }
    }
}

fn key_text(key: &str, in_flow: bool) -> String {
    scalar_text(key, in_flow)
}

/// A string plain when plain YAML reads it back as itself, else double-quoted.
fn scalar_text(s: &str, in_flow: bool) -> String {
    if plain_ok(s, in_flow) {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

/// Whether `s` written plain (on a key's line, or in a flow collection) is read back as the
/// string `s`.
fn plain_ok(s: &str, in_flow: bool) -> bool {
    let mut chars = s.chars();
    let (Some(first), last) = (chars.next(), s.chars().last()) else {
        return false;
    };
    let second = chars.next();
    let spaced = |c: char| c == ' ' || c == '\t';
    let flow_indicator = |c: char| matches!(c, ',' | '[' | ']' | '{' | '}');
    let starts_ok = match first {
        // An indicator that only starts a plain scalar when a non-blank follows.
        '-' | '?' | ':' => second.is_some_and(|c| !(spaced(c) || (in_flow && flow_indicator(c)))),
        '[' | ']' | '{' | '}' | ',' | '#' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
        | '@' | '`' => false,
        c => !c.is_whitespace(),
    };
    starts_ok
        && matches!(resolve_plain(s), Resolved::Str)
        && !last.is_some_and(|c| c.is_whitespace() || c == ':')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}'))
        && !(in_flow && s.chars().any(|c| flow_indicator(c) || c == ':' || c == '#'))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Single-quoted (`''` for a quote); a string single quotes cannot hold (line breaks and
/// other control characters) is double-quoted.
fn single_quoted(s: &str) -> String {
    if s.chars()
        .any(|c| c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}'))
    {
        return double_quoted(s);
    }
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fix::apply;
    use crate::sources::yaml::{Limits, parse};

    fn docs(text: &str) -> Vec<Node> {
        parse(text, Limits::default())
            .documents
            .into_iter()
            .map(|d| d.root)
            .collect()
    }

    fn root(text: &str) -> Node {
        docs(text).into_iter().next().unwrap()
    }

    /// The text after the planned edits, checked to parse without problems.
    fn applied(text: &str, planned: &Planned) -> String {
        let edits: Vec<&Edit> = planned.edits.iter().collect();
        let out = apply(text, &edits).unwrap();
        let p = parse(&out, Limits::default());
        assert!(p.problems.is_empty(), "{out:?}: {:?}", p.problems);
        out
    }

    fn set(text: &str, path: &[&str], value: &New) -> (String, Option<String>) {
        let r = root(text);
        let planned = YamlDoc::new(text, &r).set(path, value).unwrap();
        (applied(text, &planned), planned.risk)
    }

    fn safe_set(text: &str, path: &[&str], value: &New) -> String {
        let (out, risk) = set(text, path, value);
        assert_eq!(risk, None, "{out}");
        let back = root(&out);
        let node = path
            .iter()
            .try_fold(&back, |n, k| n.entry(k).map(|e| &e.value));
        assert_eq!(node.map(Node::to_json), Some(json(value)), "{out}");
        out
    }

    /// What a value reads back as (Raw values here are integers or booleans).
    fn json(value: &New) -> serde_json::Value {
        match value {
            New::Str(s) => serde_json::Value::String(s.clone()),
            New::Raw(r) => serde_json::from_str(r).unwrap(),
            New::Map(m) => {
                serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), json(v))).collect())
            }
            New::Seq(s) => serde_json::Value::Array(s.iter().map(json).collect()),
        }
    }

    const HPA: &str = "\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
spec:
  minReplicas: 1 # scalelint-ignore hpa-min-replicas
  maxReplicas: 5 # max
# trailing comment
status: {}
";

    #[test]
    fn an_existing_value_is_replaced_in_place() {
        let out = safe_set(HPA, &["spec", "minReplicas"], &New::int(2));
        assert_eq!(out, HPA.replace("minReplicas: 1 #", "minReplicas: 2 #"));
    }

    #[test]
    fn a_missing_path_goes_after_the_last_child_of_the_nearest_mapping() {
        let path = [
            "spec",
            "behavior",
            "scaleDown",
            "stabilizationWindowSeconds",
        ];
        let out = safe_set(HPA, &path, &New::int(300));
        let want = HPA.replace(
            "  maxReplicas: 5 # max\n",
            "  maxReplicas: 5 # max\n  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 300\n",
        );
        assert_eq!(out, want);
        // At the root, after the last key.
        let out = safe_set(HPA, &["metadata", "name"], &New::str("web"));
        assert_eq!(out, format!("{HPA}metadata:\n  name: web\n"));
    }

    #[test]
    fn the_documents_indentation_and_line_endings_are_kept() {
        let text = "spec:\r\n    a: 1\r\n    b:\r\n        c: 2\r\n";
        let out = safe_set(text, &["spec", "x", "z"], &New::int(3));
        assert_eq!(out, format!("{text}    x:\r\n        z: 3\r\n"));
        // No line break at the end of the file: one is added first.
        let text = "spec:\n  a: 1";
        let out = safe_set(text, &["spec", "x", "z"], &New::int(3));
        assert_eq!(out, "spec:\n  a: 1\n  x:\n    z: 3\n");
        // A key YAML 1.1 reads as something else than a string is quoted.
        let out = safe_set(text, &["spec", "y"], &New::int(3));
        assert_eq!(out, "spec:\n  a: 1\n  \"y\": 3\n");
    }

    #[test]
    fn a_null_value_gives_way_to_the_block() {
        for (text, want) in [
            (
                "spec:\n  behavior:\nz: 1\n",
                "spec:\n  behavior:\n    scaleDown: 1\nz: 1\n",
            ),
            (
                "spec:\n  behavior: ~ # why\nz: 1\n",
                "spec:\n  behavior: # why\n    scaleDown: 1\nz: 1\n",
            ),
            (
                "spec:\n  behavior: null",
                "spec:\n  behavior:\n    scaleDown: 1\n",
            ),
        ] {
            let out = safe_set(text, &["spec", "behavior", "scaleDown"], &New::int(1));
            assert_eq!(out, want, "{text:?}");
        }
        // A null at the end of the path takes the value on its line.
        let out = safe_set("a:\nb: 1\n", &["a"], &New::int(3));
        assert_eq!(out, "a: 3\nb: 1\n");
        let out = safe_set("a: # c\n", &["a"], &New::str("x"));
        assert_eq!(out, "a: x # c\n");
    }

    #[test]
    fn a_path_through_a_scalar_or_a_sequence_is_refused() {
        let text = "a: 1\nb:\n- x\n";
        let r = root(text);
        let doc = YamlDoc::new(text, &r);
        assert!(doc.set(&["a", "x"], &New::int(1)).is_none());
        assert!(doc.set(&["b", "x"], &New::int(1)).is_none());
        assert!(doc.remove(&["b", "x"]).is_none());
        assert!(doc.remove(&["c"]).is_none());
        assert!(doc.remove(&[]).is_none());
    }

    #[test]
    fn sequences_follow_the_documents_style() {
        let item = New::map([("name", New::str("a")), ("port", New::int(80))]);
        let value = New::Seq(vec![item, New::str("b")]);
        // kubectl: items at their key's column.
        let text = "spec:\n  ports:\n  - 1\n";
        let out = safe_set(text, &["spec", "list"], &value);
        assert_eq!(
            out,
            format!("{text}  list:\n  - name: a\n    port: 80\n  - b\n")
        );
        // Indented items.
        let text = "spec:\n  ports:\n    - 1\n";
        let out = safe_set(text, &["spec", "list"], &value);
        assert_eq!(
            out,
            format!("{text}  list:\n    - name: a\n      port: 80\n    - b\n")
        );
        // No sequence to copy: indented by the step.
        let text = "spec:\n   a: 1\n";
        let out = safe_set(text, &["spec", "list"], &value);
        assert_eq!(
            out,
            format!("{text}   list:\n      - name: a\n        port: 80\n      - b\n")
        );
        // Empty collections stay on the key's line.
        let out = safe_set("a: 1\n", &["m"], &New::Map(vec![]));
        assert_eq!(out, "a: 1\nm: {}\n");
        let out = safe_set(
            "a: 1\n",
            &["s"],
            &New::Seq(vec![New::Seq(vec![New::int(1), New::int(2)])]),
        );
        assert_eq!(out, "a: 1\ns:\n  - - 1\n    - 2\n");
    }

    #[test]
    fn strings_keep_their_quoting_or_are_quoted_when_they_must_be() {
        for (text, value, want) in [
            ("a: 'x'\n", "it's", "a: 'it''s'\n"),
            ("a: \"x\"\n", "say \"hi\"\\", "a: \"say \\\"hi\\\"\\\\\"\n"),
            ("a: x\n", "plain words", "a: plain words\n"),
            ("a: x\n", "yes", "a: \"yes\"\n"),
            ("a: x\n", "10", "a: \"10\"\n"),
            ("a: x\n", "", "a: \"\"\n"),
            ("a: x\n", "k: v", "a: \"k: v\"\n"),
            ("a: x\n", "v #c", "a: \"v #c\"\n"),
            ("a: x\n", " lead", "a: \" lead\"\n"),
            ("a: x\n", "#x", "a: \"#x\"\n"),
            ("a: x\n", "-Xmx1g", "a: -Xmx1g\n"),
            ("a: x\n", "- x", "a: \"- x\"\n"),
            ("a: x\n", "*x", "a: \"*x\"\n"),
            ("a: x\n", "line\nbreak\t", "a: \"line\\nbreak\\t\"\n"),
            ("a: 'x'\n", "line\nbreak", "a: \"line\\nbreak\"\n"),
            ("a: x\n", "é ü 😀", "a: é ü 😀\n"),
            ("é: ü # c\n", "ö", "é: ö # c\n"),
        ] {
            let key = text.split(':').next().unwrap();
            let out = safe_set(text, &[key], &New::str(value));
            assert_eq!(out, want, "{value:?}");
        }
        // A number replacing a quoted string is written plain.
        let out = safe_set(
            "maxUnavailable: \"25%\"\n",
            &["maxUnavailable"],
            &New::int(0),
        );
        assert_eq!(out, "maxUnavailable: 0\n");
    }

    #[test]
    fn replace_writes_collections_as_blocks() {
        let text = "spec:\n  a: 5 # c\n  b: 1\n";
        let r = root(text);
        let a = r.path(&["spec", "a"]).unwrap();
        let planned = YamlDoc::new(text, &r).replace(a, &New::map([("x", New::int(1))]));
        assert_eq!(planned.risk, None);
        assert_eq!(
            applied(text, &planned),
            "spec:\n  a: # c\n    x: 1\n  b: 1\n"
        );
        // A block replaced by a scalar, and by another block.
        let text = "spec:\n  a:\n    x: 1\n    y: 2\n  b: 1\n";
        let r = root(text);
        let a = r.path(&["spec", "a"]).unwrap();
        let doc = YamlDoc::new(text, &r);
        assert_eq!(
            applied(text, &doc.replace(a, &New::int(3))),
            "spec:\n  a: 3\n  b: 1\n"
        );
        let seq = New::Seq(vec![New::int(1)]);
        assert_eq!(
            applied(text, &doc.replace(a, &seq)),
            "spec:\n  a:\n    - 1\n  b: 1\n"
        );
        // The last block of a file without a final line break.
        let text = "spec:\n  a:\n    x: 1";
        let r = root(text);
        let a = r.path(&["spec", "a"]).unwrap();
        let out = applied(text, &YamlDoc::new(text, &r).replace(a, &seq));
        assert_eq!(out, "spec:\n  a:\n    - 1\n");
        // A sequence item becomes `- key: v`, the other keys under the first.
        let text = "l:\n- 1\n- 2\n";
        let r = root(text);
        let item = &r.get("l").unwrap().as_seq().unwrap()[0];
        let value = New::map([("a", New::int(1)), ("b", New::int(2))]);
        let out = applied(text, &YamlDoc::new(text, &r).replace(item, &value));
        assert_eq!(out, "l:\n- a: 1\n  b: 2\n- 2\n");
    }

    #[test]
    fn flow_style_is_risky() {
        let (out, risk) = set("a: {b: 1}\n", &["a", "c", "d"], &New::str("x y"));
        assert_eq!(out, "a: {b: 1, c: {d: x y}}\n");
        assert_eq!(risk.as_deref(), Some(FLOW));
        let (out, risk) = set("a: {}\n", &["a", "c"], &New::str("x,y"));
        assert_eq!(out, "a: {c: \"x,y\"}\n");
        assert_eq!(risk.as_deref(), Some(FLOW));
        let (out, risk) = set("a: {b: [1]}\n", &["a", "b"], &New::Seq(vec![New::int(2)]));
        assert_eq!(out, "a: {b: [2]}\n");
        assert_eq!(risk.as_deref(), Some(FLOW));
        let (out, risk) = set("{\"a\": {\"b\": 1}}", &["a", "b"], &New::int(2));
        assert_eq!(out, "{\"a\": {\"b\": 2}}");
        assert_eq!(risk.as_deref(), Some(JSON));
        // A flow collection replaced or removed whole is no risk; it keeps its style.
        let out = safe_set(
            "a: [1, 2] # c\nb: 1\n",
            &["a"],
            &New::Seq(vec![New::int(3)]),
        );
        assert_eq!(out, "a: [3] # c\nb: 1\n");
        let text = "a: {x: 1}\nb: 1\n";
        let r = root(text);
        let planned = YamlDoc::new(text, &r).remove(&["a"]).unwrap();
        assert_eq!(
            (planned.risk.clone(), applied(text, &planned).as_str()),
            (None, "b: 1\n")
        );
        // A flow collection that is only a sibling is no risk; the insertion goes after it.
        let text = "c:\n  command: [\n    \"sh\"\n  ]\nz: 1\n";
        let out = safe_set(text, &["c", "args"], &New::str("x"));
        assert_eq!(out, "c:\n  command: [\n    \"sh\"\n  ]\n  args: x\nz: 1\n");
    }

    #[test]
    fn anchors_aliases_merges_and_block_scalars_are_risky() {
        for (text, path, why) in [
            ("a: &x\n  b: 1\nc: *x\n", &["a", "b"][..], ANCHOR),
            ("a: &x\n  b: 1\nc: *x\n", &["c", "b"], ALIAS),
            ("a: &x\n  b: 1\nc: *x\n", &["c", "z"], ALIAS),
            ("a: &x 1\nc: *x\n", &["a"], ANCHOR),
            ("a: &x\n  b: 1\nc:\n  <<: *x\n  d: 2\n", &["c", "d"], MERGE),
            ("a: |\n  text\nb: 1\n", &["a"], BLOCK_SCALAR),
            ("a:\n  b: &x 1\n  c: *x\n", &["a"], ANCHOR),
        ] {
            let r = root(text);
            let planned = YamlDoc::new(text, &r).set(path, &New::int(5)).unwrap();
            assert_eq!(planned.risk.as_deref(), Some(why), "{text:?} {path:?}");
            assert!(!planned.edits.is_empty());
        }
        let text = "a: |\n  text\nb: 1\n";
        let (out, _) = set(text, &["a"], &New::str("t"));
        assert_eq!(out, "a: t\nb: 1\n");
        // Removing an anchored value loses the anchor its aliases name.
        let text = "a: &x 1\nb: 2\nc: *x\n";
        let r = root(text);
        let planned = YamlDoc::new(text, &r).remove(&["a"]).unwrap();
        assert_eq!(planned.risk.as_deref(), Some(ANCHOR));
    }

    #[test]
    fn remove_takes_whole_lines() {
        let text =
            "spec:\n  a: 1 # note\n  # scalelint-ignore x\n  b:\n    c: |\n      t\n  d: 2\n";
        let r = root(text);
        let doc = YamlDoc::new(text, &r);
        let out = applied(text, &doc.remove(&["spec", "a"]).unwrap());
        assert_eq!(
            out,
            "spec:\n  # scalelint-ignore x\n  b:\n    c: |\n      t\n  d: 2\n"
        );
        let planned = doc.remove(&["spec", "b"]).unwrap();
        assert_eq!(planned.risk, None);
        assert_eq!(
            applied(text, &planned),
            "spec:\n  a: 1 # note\n  # scalelint-ignore x\n  d: 2\n"
        );
        let out = applied(text, &doc.remove(&["spec", "d"]).unwrap());
        assert!(out.ends_with("      t\n"), "{out}");
        // CRLF and no final line break.
        let text = "a: 1\r\nb: 2";
        let r = root(text);
        let out = applied(text, &YamlDoc::new(text, &r).remove(&["b"]).unwrap());
        assert_eq!(out, "a: 1\r\n");
    }

    #[test]
    fn risky_removals() {
        // The only key: its mapping would become null.
        let text = "spec:\n  a: 1\nz: 2\n";
        let r = root(text);
        let planned = YamlDoc::new(text, &r).remove(&["spec", "a"]).unwrap();
        assert_eq!(planned.risk.as_deref(), Some(ONLY_KEY));
        // A key after `- `: the next key takes its place.
        let text = "l:\n- a: 1\n  b: 2\n";
        let r = root(text);
        let item = &r.get("l").unwrap().as_seq().unwrap()[0];
        let planned = YamlDoc::new(text, item).remove(&["a"]).unwrap();
        assert_eq!(planned.risk.as_deref(), Some(NOT_LINE_START));
        assert_eq!(applied(text, &planned), "l:\n- b: 2\n");
        // Flow: the entry and its separator.
        for (text, key, want) in [
            ("a: {b: 1, c: 2}\n", "b", "a: {c: 2}\n"),
            ("a: {b: 1, c: 2}\n", "c", "a: {b: 1}\n"),
        ] {
            let r = root(text);
            let planned = YamlDoc::new(text, &r).remove(&["a", key]).unwrap();
            assert_eq!(planned.risk.as_deref(), Some(FLOW));
            assert_eq!(applied(text, &planned), want);
        }
    }

    #[test]
    fn each_document_is_edited_in_its_own_place() {
        let text = "a:\n  x: 1\n---\nb:\n  y: 2\n---\nc: 3\n";
        let roots = docs(text);
        let planned = YamlDoc::new(text, &roots[1])
            .set(&["b", "z"], &New::int(4))
            .unwrap();
        assert_eq!(
            applied(text, &planned),
            "a:\n  x: 1\n---\nb:\n  y: 2\n  z: 4\n---\nc: 3\n"
        );
        let planned = YamlDoc::new(text, &roots[0])
            .set(&["m"], &New::int(4))
            .unwrap();
        assert_eq!(
            applied(text, &planned),
            "a:\n  x: 1\nm: 4\n---\nb:\n  y: 2\n---\nc: 3\n"
        );
    }

    #[test]
    fn the_last_written_duplicate_is_the_last_child() {
        let text = "s:\n  a: 1\n  b: 2\n  a: 3\nz: 1\n";
        let r = root(text);
        let planned = YamlDoc::new(text, &r)
            .set(&["s", "c"], &New::int(4))
            .unwrap();
        let out = apply(text, &planned.edits.iter().collect::<Vec<_>>()).unwrap();
        assert_eq!(out, "s:\n  a: 1\n  b: 2\n  a: 3\n  c: 4\nz: 1\n");
    }

    #[test]
    fn odd_input_never_panics() {
        let value = New::map([("k", New::Seq(vec![New::str("v")]))]);
        for text in [
            "",
            "\n",
            "~",
            "{}",
            "[]",
            "a",
            "\u{feff}a: 1",
            "a:",
            "- a",
            "a: 'x",
            "é",
        ] {
            for r in docs(text) {
                let doc = YamlDoc::new(text, &r);
                for path in [&[][..], &["a"], &["a", "b"]] {
                    for p in doc.set(path, &value).into_iter().chain(doc.remove(path)) {
                        let edits: Vec<&Edit> = p.edits.iter().collect();
                        assert!(apply(text, &edits).is_some(), "{text:?} {path:?}");
                    }
                }
                let _ = doc.replace(&r, &value);
            }
        }
        // A root from another text: spans out of range are no panic either.
        let r = root("aaaaaaaaaa:\n  bbbbbbbbb: 1\n");
        let doc = YamlDoc::new("x", &r);
        let _ = doc.set(&["aaaaaaaaaa", "c"], &value);
        let _ = doc.remove(&["aaaaaaaaaa", "bbbbbbbbb"]);
        // A byte order mark is no column.
        let text = "\u{feff}a:\n  b: 1\n";
        let out = safe_set(text, &["a", "c"], &New::int(2));
        assert_eq!(out, "\u{feff}a:\n  b: 1\n  c: 2\n");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// A tree to write as block YAML.
        #[derive(Clone, Debug)]
        enum T {
            Leaf(&'static str),
            Map(Vec<(&'static str, T)>),
            Seq(Vec<T>),
        }

        fn tree() -> impl Strategy<Value = T> {
            let leaf = prop::sample::select(vec![
                "1", "x y", "'q'", "\"d\"", "~", "", "[1, 2]", "{}", "&y 3", "é",
            ])
            .prop_map(T::Leaf);
            leaf.prop_recursive(4, 24, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(
                        (
                            prop::sample::select(vec!["a", "b", "c", "d"]),
                            inner.clone()
                        ),
                        1..4
                    )
                    .prop_map(|mut es| {
                        let mut seen = Vec::new();
                        es.retain(|(k, _)| {
                            !seen.contains(k) && {
                                seen.push(*k);
                                true
                            }
                        });
                        T::Map(es)
                    }),
                    prop::collection::vec(inner, 1..3).prop_map(T::Seq),
                ]
            })
        }

        /// How a tree is written: indentation step, sequence indentation, line break,
        /// comments after values.
        #[derive(Clone, Copy, Debug)]
        struct W {
            step: usize,
            seq: usize,
            nl: &'static str,
            comments: bool,
        }

        fn write_map(es: &[(&str, T)], col: usize, w: W, out: &mut String) {
            for (k, v) in es {
                out.push_str(&" ".repeat(col));
                out.push_str(k);
                out.push(':');
                match v {
                    T::Leaf(s) => {
                        if !s.is_empty() {
                            out.push(' ');
                            out.push_str(s);
                        }
                        if w.comments {
                            out.push_str(" # c");
                        }
                        out.push_str(w.nl);
                    }
                    T::Map(m) => {
                        out.push_str(w.nl);
                        write_map(m, col + w.step, w, out);
                    }
                    T::Seq(items) => {
                        out.push_str(w.nl);
                        write_seq(items, col + w.seq, w, out);
                    }
                }
            }
        }

        fn write_seq(items: &[T], dash: usize, w: W, out: &mut String) {
            for item in items {
                let mut lines = String::new();
                match item {
                    T::Leaf(s) => {
                        out.push_str(&" ".repeat(dash));
                        out.push_str("- ");
                        out.push_str(if s.is_empty() { "~" } else { s });
                        out.push_str(w.nl);
                        continue;
                    }
                    T::Map(m) => write_map(m, dash + 2, w, &mut lines),
                    T::Seq(s) => write_seq(s, dash + 2, w, &mut lines),
                }
                out.push_str(&" ".repeat(dash));
                out.push_str("- ");
                out.push_str(&lines[dash + 2..]);
            }
        }

        /// Every key path of a tree (mapping keys only).
        fn paths(node: &Node, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
            for e in node.as_map().unwrap_or_default() {
                if let Some(k) = e.key.as_str() {
                    prefix.push(k.to_string());
                    out.push(prefix.clone());
                    paths(&e.value, prefix, out);
                    prefix.pop();
                }
            }
        }

        fn values() -> impl Strategy<Value = New> {
            prop_oneof![
                Just(New::int(7)),
                Just(New::str("s: t")),
                Just(New::str("it's")),
                Just(New::Seq(vec![New::map([
                    ("k", New::int(1)),
                    ("l", New::str("v"))
                ])])),
                Just(New::map([("k", New::Seq(vec![New::str("v")]))])),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn safe_edits_read_back(
                es in prop::collection::vec((prop::sample::select(vec!["a", "b", "c", "d"]), tree()), 1..4),
                step in prop::sample::select(vec![2usize, 4]),
                indentless in any::<bool>(),
                crlf in any::<bool>(),
                comments in any::<bool>(),
                final_nl in any::<bool>(),
                extra in prop::sample::select(vec!["a", "z"]),
                value in values(),
            ) {
                let mut seen = Vec::new();
                let es: Vec<(&str, T)> = es.into_iter().filter(|(k, _)| !seen.contains(k) && { seen.push(*k); true }).collect();
                let w = W { step, seq: if indentless { 0 } else { step }, nl: if crlf { "\r\n" } else { "\n" }, comments };
                let mut text = String::new();
                write_map(&es, 0, w, &mut text);
                if !final_nl {
                    text.truncate(text.trim_end().len());
                }
                let parsed = parse(&text, Limits::default());
                prop_assert!(parsed.problems.is_empty(), "{:?}: {:?}", text, parsed.problems);
                let r = &parsed.documents[0].root;
                let doc = YamlDoc::new(&text, r);
                let mut all = Vec::new();
                paths(r, &mut Vec::new(), &mut all);
                let longer = all.iter().map(|p| { let mut p = p.clone(); p.push(extra.to_string()); p });
                for p in longer.chain(all.clone()).chain([vec![extra.to_string()]]) {
                    let path: Vec<&str> = p.iter().map(String::as_str).collect();
                    for (i, planned) in [doc.set(&path, &value), doc.remove(&path)].into_iter().enumerate() {
                        let Some(planned) = planned else { continue };
                        let edits: Vec<&Edit> = planned.edits.iter().collect();
                        let out = apply(&text, &edits);
                        prop_assert!(out.is_some());
                        if planned.risk.is_some() {
                            continue;
                        }
                        let out = out.unwrap_or_default();
                        let back = parse(&out, Limits::default());
                        prop_assert!(back.problems.is_empty(), "{:?} {:?} → {:?}: {:?}", text, path, out, back.problems);
                        let b = &back.documents[0].root;
                        let got = path.iter().try_fold(b, |n, k| n.entry(k).map(|e| &e.value));
                        if i == 0 {
                            prop_assert_eq!(got.map(Node::to_json), Some(json(&value)), "{:?} {:?} → {:?}", text, path, out);
                        } else {
                            prop_assert!(got.is_none(), "{:?} {:?} → {:?}", text, path, out);
                        }
                        // Everything else reads as before.
                        let mut before = r.to_json();
                        let mut after = b.to_json();
                        for j in [&mut before, &mut after] {
                            if let Some((last, parents)) = path.split_last() {
                                let mut at = &mut *j;
                                for k in parents {
                                    at = &mut at[*k];
                                }
                                if let Some(m) = at.as_object_mut() {
                                    m.remove(*last);
                                }
                                // A null parent became the mapping of the new key.
                                if at.as_object().is_some_and(|m| m.is_empty()) {
                                    *at = serde_json::Value::Null;
                                }
                            }
                        }
                        prop_assert_eq!(before, after, "{:?} {:?} → {:?}", text, path, out);
                    }
                }
                // Every scalar replaced by a string or a collection.
                let mut scalars = Vec::new();
                fn collect<'n>(n: &'n Node, out: &mut Vec<&'n Node>) {
                    match &n.value {
                        Value::Scalar(_) => out.push(n),
                        Value::Seq(items) => items.iter().for_each(|i| collect(i, out)),
                        Value::Map(es) => es.iter().for_each(|e| collect(&e.value, out)),
                    }
                }
                collect(r, &mut scalars);
                for n in scalars {
                    let planned = doc.replace(n, &value);
                    let edits: Vec<&Edit> = planned.edits.iter().collect();
                    let out = apply(&text, &edits);
                    prop_assert!(out.is_some());
                    if planned.risk.is_none() {
                        let out = out.unwrap_or_default();
                        let back = parse(&out, Limits::default());
                        prop_assert!(back.problems.is_empty(), "{:?} {:?} → {:?}: {:?}", text, n.span, out, back.problems);
                    }
                }
            }
        }
    }
}

//! The reference our YAML reader is compared with (`tests/library/yaml_parity.rs` and the
//! `fuzz/` target `yaml_parity` include this file with `#[path]`): libyaml's own parser, in
//! dtolnay's `unsafe-libyaml` (a line-by-line translation of libyaml 0.2.5's C, independent
//! of the `libyaml-safer` port our reader runs on), and a small composer over its events.
//!
//! The composer builds the tree libyaml's loader (PyYAML's `compose_all` with `CSafeLoader`)
//! builds, and, in its normal mode, applies what scalelint documents it does differently
//! (following go-yaml v3, which Kubernetes decodes with), recording which of those it applied
//! ([`Deviation`]):
//! - a repeated mapping key keeps its first position and takes the last key and value;
//! - `<<` merges the entries of the merged mappings the mapping does not set itself, earlier
//!   sources of `<<: [*a, *b]` first; only entries with scalar keys merge;
//! - an anchor may be defined again, naming the later node;
//! - an alias inside the node its own (latest) anchor names is an error (go-yaml: "anchor
//!   value contains itself"), an undefined alias too;
//! - nesting deeper than 256 collections, or aliases expanding to more than 100,000 nodes in
//!   a document, is an error (scalelint's limits).
//!
//! [`libyaml_raw`] is the composer without those: libyaml's loader as it is (a repeated anchor
//! is "found duplicate anchor", `<<` is a key like any other, a recursive alias is a node).

#![allow(dead_code)]
#![allow(unsafe_code)]

use scalelint::model::{Node, ScalarStyle, Value};
use scalelint::sources::yaml;
use scalelint::sources::yaml::Problem;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

/// A composed node: what is compared. `at` is the byte offset where libyaml's event starts
/// (the node's properties, `&anchor` or `!tag`, when it has some; the alias for an expanded
/// alias), which is where scalelint's span starts.
#[derive(Clone, Debug, PartialEq)]
pub enum Tree {
    Scalar {
        text: String,
        style: ScalarStyle,
        at: usize,
    },
    Seq {
        items: Vec<Tree>,
        at: usize,
    },
    Map {
        entries: Vec<(Tree, Tree)>,
        at: usize,
    },
    /// Raw mode only: an alias to a node still being composed (PyYAML makes a cycle).
    Recursive {
        anchor: String,
        at: usize,
    },
}

impl Tree {
    fn at_mut(&mut self) -> &mut usize {
        match self {
            Tree::Scalar { at, .. }
            | Tree::Seq { at, .. }
            | Tree::Map { at, .. }
            | Tree::Recursive { at, .. } => at,
        }
    }

    fn scalar_text(&self) -> Option<&str> {
        match self {
            Tree::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    fn is_merge_key(&self) -> bool {
        matches!(self, Tree::Scalar { text, style: ScalarStyle::Plain, .. } if text == "<<")
    }

    /// Nodes in this subtree, keys included (scalelint's `Node::count`).
    fn count(&self) -> usize {
        1 + match self {
            Tree::Scalar { .. } | Tree::Recursive { .. } => 0,
            Tree::Seq { items, .. } => items.iter().map(Tree::count).sum(),
            Tree::Map { entries, .. } => entries.iter().map(|(k, v)| k.count() + v.count()).sum(),
        }
    }

    /// Whether any mapping in this subtree has a `<<` key or a scalar key twice (what raw
    /// libyaml keeps and scalelint resolves).
    pub fn has_merge_key(&self) -> bool {
        match self {
            Tree::Scalar { .. } | Tree::Recursive { .. } => false,
            Tree::Seq { items, .. } => items.iter().any(Tree::has_merge_key),
            Tree::Map { entries, .. } => entries
                .iter()
                .any(|(k, v)| k.is_merge_key() || k.has_merge_key() || v.has_merge_key()),
        }
    }

    pub fn has_repeated_key(&self) -> bool {
        match self {
            Tree::Scalar { .. } | Tree::Recursive { .. } => false,
            Tree::Seq { items, .. } => items.iter().any(Tree::has_repeated_key),
            Tree::Map { entries, .. } => {
                let mut seen = HashSet::new();
                entries.iter().any(|(k, _)| {
                    k.scalar_text()
                        .is_some_and(|t| !k.is_merge_key() && !seen.insert(t))
                }) || entries
                    .iter()
                    .any(|(k, v)| k.has_repeated_key() || v.has_repeated_key())
            }
        }
    }
}

/// A stream's result: its documents' roots, or the first error.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Accepted(Vec<Tree>),
    Rejected(String),
}

impl Outcome {
    pub fn accepted(&self) -> bool {
        matches!(self, Outcome::Accepted(_))
    }

    /// Both rejected (whatever the message), or both accepted with the same documents.
    pub fn same(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Rejected(_), Outcome::Rejected(_)) => true,
            (Outcome::Accepted(a), Outcome::Accepted(b)) => a == b,
            _ => false,
        }
    }
}

/// What scalelint knowingly does differently from libyaml's loader (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Deviation {
    DuplicateKey,
    Merge,
    AnchorRedefined,
    RecursiveAlias,
    Limit,
    /// One of go-yaml's deviations from libyaml's scanner and parser, which scalelint's
    /// vendored libyaml follows (`vendor/libyaml-safer/VENDORED.md`).
    GoYaml,
}

#[derive(Clone, Debug)]
pub struct Composed {
    pub outcome: Outcome,
    /// The normalisations this stream needed (empty: raw libyaml composes the same).
    pub deviations: BTreeSet<Deviation>,
}

pub const MAX_DEPTH: usize = 256;
pub const MAX_ALIAS_NODES: usize = 100_000;

/// libyaml's parser and the composer with scalelint's documented normalisations.
pub fn libyaml(text: &str) -> Composed {
    compose(text, false)
}

/// libyaml's parser and loader as they are.
pub fn libyaml_raw(text: &str) -> Outcome {
    compose(text, true).outcome
}

/// Our reader's result, in the same shape: accepted when it reported no syntax error and hit
/// no limit (duplicate keys are findings, not errors).
pub fn scalelint(text: &str) -> Outcome {
    let parsed = yaml::parse(text, yaml::Limits::default());
    let errors: Vec<String> = parsed
        .problems
        .iter()
        .filter_map(|p| match p {
            Problem::Syntax { span, .. } | Problem::Limit { span, .. } => {
                Some(format!("{p} (at byte {})", span.start))
            }
            Problem::DuplicateKey { .. } => None,
        })
        .collect();
    if errors.is_empty() {
        Outcome::Accepted(parsed.documents.iter().map(|d| tree(&d.root)).collect())
    } else {
        Outcome::Rejected(errors.join("; "))
    }
}

/// `node` as a [`Tree`].
pub fn tree(node: &Node) -> Tree {
    let at = node.span.start;
    match &node.value {
        Value::Scalar(s) => Tree::Scalar {
            text: s.text.to_string(),
            style: s.style,
            at,
        },
        Value::Seq(items) => Tree::Seq {
            items: items.iter().map(tree).collect(),
            at,
        },
        Value::Map(entries) => Tree::Map {
            entries: entries
                .iter()
                .map(|e| (tree(&e.key), tree(&e.value)))
                .collect(),
            at,
        },
    }
}

/// Every scalar's span must start with its source: after its properties (`&a`, `!t`), the
/// quote of a quoted scalar, the `|` or `>` of a block scalar, the first character of a
/// plain one; an expanded alias's span is its `*name`. Returns what does not.
pub fn span_problems(text: &str, root: &Node) -> Vec<String> {
    let mut out = Vec::new();
    check_spans(text, root, &mut out);
    out
}

fn check_spans(text: &str, node: &Node, out: &mut Vec<String>) {
    let Some(source) = text.get(node.span.start..node.span.end) else {
        out.push(format!(
            "span {:?} is not within the text",
            (node.span.start, node.span.end)
        ));
        return;
    };
    if source.starts_with('*') {
        return; // An expanded alias: its copies keep the spans of the anchored node.
    }
    match &node.value {
        Value::Scalar(s) => {
            let body = without_properties(source);
            let ok = match s.style {
                ScalarStyle::SingleQuoted => body.starts_with('\''),
                ScalarStyle::DoubleQuoted => body.starts_with('"'),
                ScalarStyle::Literal => body.starts_with('|'),
                ScalarStyle::Folded => body.starts_with('>'),
                // (A plain scalar may start with a byte order mark not at a line's start.)
                ScalarStyle::Plain => s
                    .text
                    .chars()
                    .next()
                    .is_none_or(|c| c == '\u{feff}' || body.starts_with(c)),
            };
            if !ok {
                out.push(format!(
                    "{:?} scalar {:?}: its span starts {:?}",
                    s.style,
                    s.text,
                    source.chars().take(20).collect::<String>()
                ));
            }
        }
        Value::Seq(items) => items.iter().for_each(|n| check_spans(text, n, out)),
        Value::Map(entries) => entries.iter().for_each(|e| {
            check_spans(text, &e.key, out);
            check_spans(text, &e.value, out);
        }),
    }
}

/// `source` after leading `&anchor` and `!tag` properties and the blanks, line breaks, byte
/// order marks and comments between them.
fn without_properties(mut source: &str) -> &str {
    loop {
        // libyaml skips a byte order mark at the start of a line like a blank.
        let trimmed = source.trim_start_matches([' ', '\t', '\r', '\n', '\u{feff}']);
        if trimmed.starts_with('#') && trimmed.len() < source.len() {
            // A comment after the properties, before the node's line.
            source = trimmed.find(['\r', '\n']).map_or("", |i| &trimmed[i..]);
        } else if let Some(name) = trimmed.strip_prefix('&') {
            // libyaml's anchor characters: alphanumerics, `-` and `_` (`&an:chor` is the
            // anchor `an` on the scalar `:chor`).
            let end = name
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(name.len());
            source = &name[end..];
        } else if let Some(verbatim) = trimmed.strip_prefix("!<") {
            source = verbatim.split_once('>').map_or("", |(_, after)| after);
        } else if trimmed.starts_with('!') {
            let end = trimmed
                .find([' ', '\t', '\r', '\n', ','])
                .unwrap_or(trimmed.len());
            source = &trimmed[end..];
        } else {
            return if trimmed.len() == source.len() {
                source
            } else {
                trimmed
            };
        }
    }
}

/// How [`compare`] starts its report of a disagreement on an input where one of go-yaml's
/// deviations from libyaml may apply (see [`go_yaml_may_deviate`]).
pub const GO_YAML_DEVIATION: &str = "go-yaml deviation";

/// Whether one of go-yaml's deviations from libyaml (`vendor/libyaml-safer/VENDORED.md`) may
/// change how `text` reads: a `%YAML` directive, a `\'` or `\/` escape, a `?` or a `:` before
/// `,?[]{}` in a text with flow collections, a tag in a text with `,`, `[` or `]`. A superset:
/// where it holds, a disagreement with libyaml is reported as [`GO_YAML_DEVIATION`], and go-yaml
/// itself is the oracle (the opt-in test against go-yaml v3).
pub fn go_yaml_may_deviate(text: &str) -> bool {
    let flow = text.contains(['[', '{']);
    let colon_before_indicator = text
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b':' && b",?[]{}".contains(&w[1]));
    text.contains("%YAML")
        || text.contains("\\'")
        || text.contains("\\/")
        || (flow && (text.contains('?') || colon_before_indicator))
        || (text.contains('!') && text.contains([',', '[', ']']))
}

/// Compare our reader with the normalised oracle on `text`: the same accept/reject, the same
/// documents, and spans that start at their scalars. `Err` describes the first disagreement;
/// where go-yaml's deviations may explain it, it starts with [`GO_YAML_DEVIATION`].
pub fn compare(text: &str) -> Result<bool, String> {
    compare_strictly(text).map_err(|why| {
        if go_yaml_may_deviate(text) {
            format!("{GO_YAML_DEVIATION}: {why}")
        } else {
            why
        }
    })
}

fn compare_strictly(text: &str) -> Result<bool, String> {
    let oracle = libyaml(text).outcome;
    let ours = scalelint(text);
    match (&ours, &oracle) {
        (Outcome::Accepted(a), Outcome::Accepted(b)) => {
            if a != b {
                return Err(format!(
                    "trees differ: {}\n  scalelint: {a:?}\n  libyaml:   {b:?}",
                    first_difference_of_streams(a, b)
                ));
            }
            let parsed = yaml::parse(text, yaml::Limits::default());
            let bad: Vec<String> = parsed
                .documents
                .iter()
                .flat_map(|d| span_problems(text, &d.root))
                .collect();
            if !bad.is_empty() {
                return Err(format!("spans: {bad:?}"));
            }
            Ok(true)
        }
        (Outcome::Rejected(_), Outcome::Rejected(_)) => Ok(false),
        (Outcome::Accepted(_), Outcome::Rejected(why)) => Err(format!(
            "scalelint accepts, libyaml rejects: {why}\n  scalelint: {ours:?}"
        )),
        (Outcome::Rejected(why), Outcome::Accepted(_)) => Err(format!(
            "scalelint rejects ({why}), libyaml accepts\n  libyaml: {oracle:?}"
        )),
    }
}

fn first_difference_of_streams(a: &[Tree], b: &[Tree]) -> String {
    if a.len() != b.len() {
        return format!("{} documents vs {}", a.len(), b.len());
    }
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if let Some(d) = first_difference(x, y, &format!("doc{i}")) {
            return d;
        }
    }
    String::new()
}

/// Where two trees first differ, as a path.
pub fn first_difference(a: &Tree, b: &Tree, path: &str) -> Option<String> {
    match (a, b) {
        (Tree::Seq { items: x, at: p }, Tree::Seq { items: y, at: q }) => {
            if p != q {
                return Some(format!("{path}: starts at {p} vs {q}"));
            }
            if x.len() != y.len() {
                return Some(format!("{path}: {} items vs {}", x.len(), y.len()));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (m, n))| first_difference(m, n, &format!("{path}[{i}]")))
        }
        (Tree::Map { entries: x, at: p }, Tree::Map { entries: y, at: q }) => {
            if p != q {
                return Some(format!("{path}: starts at {p} vs {q}"));
            }
            if x.len() != y.len() {
                return Some(format!("{path}: {} entries vs {}", x.len(), y.len()));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, ((k, v), (l, w)))| {
                    first_difference(k, l, &format!("{path}.key{i}"))
                        .or_else(|| first_difference(v, w, &format!("{path}.{}", label(k))))
                })
        }
        _ if a == b => None,
        _ => Some(format!("{path}: {a:?} vs {b:?}")),
    }
}

fn label(key: &Tree) -> String {
    key.scalar_text()
        .map_or_else(|| "<complex key>".to_string(), |t| format!("{t:?}"))
}

// ---------------------------------------------------------------------------------------------
// libyaml's events

/// One parser event, copied out of libyaml's structures.
#[derive(Debug)]
enum Event {
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: String,
        at: usize,
    },
    Scalar {
        anchor: Option<String>,
        text: String,
        style: ScalarStyle,
        at: usize,
    },
    SequenceStart {
        anchor: Option<String>,
        at: usize,
    },
    MappingStart {
        anchor: Option<String>,
        at: usize,
    },
    End,
}

/// Every event libyaml's parser produces for `text`, then its error if it stops at one
/// (`problem` with its context, and the byte offset).
///
/// `unsafe`: unsafe-libyaml is libyaml's C API translated to Rust — raw pointers to a parser
/// and event struct it initialises and frees, C strings for anchors and problems. This
/// function is the one place that touches them, in test code only (a dev-dependency, never
/// linked into scalelint): the reference must be libyaml itself, not another port of it.
fn events(text: &str) -> (Vec<Event>, Option<String>) {
    use std::ffi::CStr;
    use std::mem::MaybeUninit;
    use unsafe_libyaml as unsafe_yaml;

    // A byte order mark is skipped by libyaml's reader without counting in its marks.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let offset = |index: u64| usize::try_from(index).unwrap_or(usize::MAX) + bom;
    let mut out = Vec::new();
    // SAFETY: the parser is initialised before use and deleted on every path out; `text`
    // outlives it; each event is read only after a successful `yaml_parser_parse` filled it,
    // through the union member its `type_` names, and deleted before the next one; C strings
    // are libyaml's NUL-terminated allocations, copied before the event is deleted.
    unsafe {
        let mut parser = MaybeUninit::<unsafe_yaml::yaml_parser_t>::uninit();
        let parser = parser.as_mut_ptr();
        assert!(
            unsafe_yaml::yaml_parser_initialize(parser).ok,
            "libyaml could not initialise a parser"
        );
        unsafe_yaml::yaml_parser_set_input_string(parser, text.as_ptr(), text.len() as u64);
        let mut event = MaybeUninit::<unsafe_yaml::yaml_event_t>::uninit();
        let event = event.as_mut_ptr();
        let string = |p: *const u8| -> Option<String> {
            (!p.is_null()).then(|| CStr::from_ptr(p.cast()).to_string_lossy().into_owned())
        };
        let error = loop {
            if unsafe_yaml::yaml_parser_parse(parser, event).fail {
                let failed: &unsafe_yaml::yaml_parser_t = &*parser;
                let problem = string(failed.problem.cast()).unwrap_or_default();
                let mut message =
                    format!("{problem} (at byte {})", offset(failed.problem_mark.index));
                if let Some(context) = string(failed.context.cast()) {
                    let _ = write!(message, " ({context})");
                }
                break Some(message);
            }
            let at = offset((*event).start_mark.index);
            let kind = (*event).type_;
            let converted = match kind {
                unsafe_yaml::YAML_DOCUMENT_START_EVENT => Some(Event::DocumentStart),
                unsafe_yaml::YAML_DOCUMENT_END_EVENT => Some(Event::DocumentEnd),
                unsafe_yaml::YAML_ALIAS_EVENT => Some(Event::Alias {
                    anchor: string((*event).data.alias.anchor).unwrap_or_default(),
                    at,
                }),
                unsafe_yaml::YAML_SCALAR_EVENT => {
                    let s = (*event).data.scalar;
                    let bytes =
                        std::slice::from_raw_parts(s.value, usize::try_from(s.length).unwrap_or(0));
                    Some(Event::Scalar {
                        anchor: string(s.anchor),
                        text: String::from_utf8_lossy(bytes).into_owned(),
                        style: match s.style {
                            unsafe_yaml::YAML_SINGLE_QUOTED_SCALAR_STYLE => {
                                ScalarStyle::SingleQuoted
                            }
                            unsafe_yaml::YAML_DOUBLE_QUOTED_SCALAR_STYLE => {
                                ScalarStyle::DoubleQuoted
                            }
                            unsafe_yaml::YAML_LITERAL_SCALAR_STYLE => ScalarStyle::Literal,
                            unsafe_yaml::YAML_FOLDED_SCALAR_STYLE => ScalarStyle::Folded,
                            _ => ScalarStyle::Plain,
                        },
                        at,
                    })
                }
                unsafe_yaml::YAML_SEQUENCE_START_EVENT => Some(Event::SequenceStart {
                    anchor: string((*event).data.sequence_start.anchor),
                    at,
                }),
                unsafe_yaml::YAML_MAPPING_START_EVENT => Some(Event::MappingStart {
                    anchor: string((*event).data.mapping_start.anchor),
                    at,
                }),
                unsafe_yaml::YAML_SEQUENCE_END_EVENT | unsafe_yaml::YAML_MAPPING_END_EVENT => {
                    Some(Event::End)
                }
                _ => None,
            };
            unsafe_yaml::yaml_event_delete(event);
            if kind == unsafe_yaml::YAML_STREAM_END_EVENT {
                break None;
            }
            out.extend(converted);
        };
        unsafe_yaml::yaml_parser_delete(parser);
        (out, error)
    }
}

// ---------------------------------------------------------------------------------------------
// The composer

enum Frame {
    Seq {
        anchor: Option<String>,
        at: usize,
        items: Vec<Tree>,
    },
    Map {
        anchor: Option<String>,
        at: usize,
        entries: Vec<(Tree, Tree)>,
        key: Option<Tree>,
        merges: Vec<Tree>,
    },
}

/// An anchor's latest definition: a node still being composed, or a complete one (with its
/// node count, for the expansion limit).
enum Def {
    Open,
    Done(Tree, usize),
}

struct Composer {
    raw: bool,
    stack: Vec<Frame>,
    defs: HashMap<String, Def>,
    expanded: usize,
    root: Option<Tree>,
    documents: Vec<Tree>,
    deviations: BTreeSet<Deviation>,
}

fn compose(text: &str, raw: bool) -> Composed {
    let (events, error) = events(text);
    let mut c = Composer {
        raw,
        stack: Vec::new(),
        defs: HashMap::new(),
        expanded: 0,
        root: None,
        documents: Vec::new(),
        deviations: BTreeSet::new(),
    };
    for event in events {
        if let Err(why) = c.event(event) {
            return Composed {
                outcome: Outcome::Rejected(why),
                deviations: c.deviations,
            };
        }
    }
    let outcome = match error {
        Some(why) => Outcome::Rejected(why),
        None => Outcome::Accepted(c.documents),
    };
    Composed {
        outcome,
        deviations: c.deviations,
    }
}

impl Composer {
    fn event(&mut self, event: Event) -> Result<(), String> {
        match event {
            Event::DocumentStart => {
                self.stack.clear();
                self.defs.clear();
                self.expanded = 0;
                self.root = None;
                Ok(())
            }
            Event::DocumentEnd => {
                self.documents.extend(self.root.take());
                Ok(())
            }
            Event::Scalar {
                anchor,
                text,
                style,
                at,
            } => {
                let node = Tree::Scalar { text, style, at };
                if let Some(name) = &anchor {
                    self.anchor(name)?;
                }
                self.complete(node, anchor)
            }
            Event::SequenceStart { anchor, at } => {
                self.open(anchor.as_deref(), at)?;
                self.stack.push(Frame::Seq {
                    anchor,
                    at,
                    items: Vec::new(),
                });
                Ok(())
            }
            Event::MappingStart { anchor, at } => {
                self.open(anchor.as_deref(), at)?;
                self.stack.push(Frame::Map {
                    anchor,
                    at,
                    entries: Vec::new(),
                    key: None,
                    merges: Vec::new(),
                });
                Ok(())
            }
            Event::End => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, anchor) = match frame {
                    Frame::Seq { anchor, at, items } => (Tree::Seq { items, at }, anchor),
                    Frame::Map {
                        anchor,
                        at,
                        mut entries,
                        merges,
                        ..
                    } => {
                        apply_merges(&mut entries, merges);
                        (Tree::Map { entries, at }, anchor)
                    }
                };
                self.complete(node, anchor)
            }
            Event::Alias { anchor, at } => match self.defs.get(&anchor) {
                None => Err(format!("found undefined alias {anchor:?} (at byte {at})")),
                Some(Def::Open) if self.raw => self.attach(Tree::Recursive { anchor, at }),
                Some(Def::Open) => {
                    self.deviations.insert(Deviation::RecursiveAlias);
                    Err(format!(
                        "anchor {anchor:?} value contains itself (at byte {at})"
                    ))
                }
                Some(Def::Done(node, count)) => {
                    let mut node = node.clone();
                    self.expanded = self.expanded.saturating_add(*count);
                    if !self.raw && self.expanded > MAX_ALIAS_NODES {
                        self.deviations.insert(Deviation::Limit);
                        return Err(format!("aliases expand to more than {MAX_ALIAS_NODES}"));
                    }
                    *node.at_mut() = at;
                    self.attach(node)
                }
            },
        }
    }

    /// A collection starts: the depth limit, and its anchor names it from now on (go-yaml and
    /// PyYAML register anchors when their node starts).
    fn open(&mut self, anchor: Option<&str>, at: usize) -> Result<(), String> {
        if !self.raw && self.stack.len() >= MAX_DEPTH {
            self.deviations.insert(Deviation::Limit);
            return Err(format!("nesting deeper than {MAX_DEPTH} (at byte {at})"));
        }
        if let Some(name) = anchor {
            self.anchor(name)?;
            self.defs.insert(name.to_string(), Def::Open);
        }
        Ok(())
    }

    /// `&name` is seen again: an error in libyaml's loader, a new definition in go-yaml.
    fn anchor(&mut self, name: &str) -> Result<(), String> {
        if self.defs.contains_key(name) {
            if self.raw {
                return Err(format!("found duplicate anchor {name:?}"));
            }
            self.deviations.insert(Deviation::AnchorRedefined);
        }
        Ok(())
    }

    fn complete(&mut self, node: Tree, anchor: Option<String>) -> Result<(), String> {
        if let Some(name) = anchor {
            let count = node.count();
            self.defs.insert(name, Def::Done(node.clone(), count));
        }
        self.attach(node)
    }

    fn attach(&mut self, node: Tree) -> Result<(), String> {
        let raw = self.raw;
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                key,
                merges,
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) if raw => entries.push((k, node)),
                Some(k) if k.is_merge_key() => {
                    self.deviations.insert(Deviation::Merge);
                    merges.push(node);
                }
                Some(k) => {
                    let existing = k
                        .scalar_text()
                        .and_then(|t| entries.iter().position(|(e, _)| e.scalar_text() == Some(t)));
                    match existing {
                        Some(i) => {
                            self.deviations.insert(Deviation::DuplicateKey);
                            entries[i] = (k, node);
                        }
                        None => entries.push((k, node)),
                    }
                }
            },
        }
        Ok(())
    }
}

/// scalelint's merge: entries of the merged mappings (a mapping, or the mappings of a
/// sequence, in order) whose scalar key the mapping does not have yet.
fn apply_merges(entries: &mut Vec<(Tree, Tree)>, merges: Vec<Tree>) {
    if merges.is_empty() {
        return;
    }
    let mut sources = Vec::new();
    for m in merges {
        match m {
            Tree::Map { entries, .. } => sources.push(entries),
            Tree::Seq { items, .. } => {
                for item in items {
                    if let Tree::Map { entries, .. } = item {
                        sources.push(entries);
                    }
                }
            }
            Tree::Scalar { .. } | Tree::Recursive { .. } => {}
        }
    }
    let mut present: HashSet<String> = entries
        .iter()
        .filter_map(|(k, _)| k.scalar_text().map(str::to_owned))
        .collect();
    for source in sources {
        for (k, v) in source {
            if let Some(t) = k.scalar_text()
                && present.insert(t.to_owned())
            {
                entries.push((k, v));
            }
        }
    }
}

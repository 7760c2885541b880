//! From a place in an object Helm rendered to the line the user edits: the template line
//! that wrote the key (found by matching the rendered key path against the template's
//! indentation, template actions set aside), and, when that line's value is a direct
//! reference to a value (`{{ .Values.a.b | quote }}`) or a `toYaml .Values.x | nindent n`
//! block, the key's line in the values file that set it.
//!
//! Written here rather than by rendering with markers (as KICS does): the rendered text is
//! the user's own (`helm template | scalelint check -`), so only the template's shape can be
//! matched against it.

use crate::engine::kustomize::trace::{Step, steps_to, walk};
use crate::model::{Node, Object, Span};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The segment of a values path that stands for the current item of a `range`.
const RANGE_ITEM: &str = "[]";

/// Whether `.` is an item of a `range` over values.
fn ranged(dot: &Dot) -> bool {
    matches!(dot, Dot::Values(ps) if ps.iter().any(|p| p.last().is_some_and(|s| s == RANGE_ITEM)))
}

/// The variables that hold a values path, by name (without `$`).
type Vars = std::collections::HashMap<String, Paths>;

/// The values paths a reference may read: one, or several where a variable was reassigned
/// under a condition (`$a := .Values.x` then `{{ if … }}{{ $a = .Values.y }}`); the values
/// decide which (see `Values::locate`).
type Paths = Vec<Vec<String>>;

/// What `.` is at a template line: the root, a values path (inside `with .Values.x`), or
/// something else (inside `range`, a `define`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Dot {
    Root,
    Values(Paths),
    Unknown,
}

/// One structural line of a template, split at its list dashes (`- name: x` is a dash and
/// a key line one column further).
#[derive(Clone, Debug)]
struct Line {
    col: usize,
    what: What,
}

#[derive(Clone, Debug)]
enum What {
    /// A list dash, and whether it is written inside a `range` over values (its item is one
    /// of theirs).
    Dash(Span, bool),
    Key {
        /// `None` when the key itself is a template action.
        name: Option<String>,
        key: Span,
        /// The value written on the key's line (trimmed, without a comment).
        value: Option<Span>,
        /// The values path that value reads directly, if it does.
        reads: Option<Paths>,
    },
    Scalar(Span),
    /// An action-only line inserting a block at `col`: `toYaml X | nindent n`; the values
    /// path `X` reads when it is one.
    Insert {
        from: Option<Paths>,
        /// The named template an `include` inserts.
        include: Option<String>,
        at: Span,
    },
}

/// A template's structure, by document.
#[derive(Debug, Default)]
pub struct Skeleton {
    docs: Vec<Vec<Line>>,
}

/// The byte ranges of the template actions (`{{ … }}`) of `text`, in order.
pub fn actions(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = text.get(from..).and_then(|t| t.find("{{")) {
        let start = from + rel;
        let end = text
            .get(start + 2..)
            .and_then(|t| t.find("}}"))
            .map_or(text.len(), |e| start + 2 + e + 2);
        out.push(Span::new(start, end));
        from = end.max(start + 2);
    }
    out
}

/// The inside of an action: without braces, trim markers and surrounding spaces.
fn inner(text: &str, at: Span) -> &str {
    let s = text.get(at.start..at.end).unwrap_or("");
    let s = s.strip_prefix("{{").unwrap_or(s);
    let s = s.strip_suffix("}}").unwrap_or(s);
    let s = s.strip_prefix('-').unwrap_or(s);
    let s = s.strip_suffix('-').unwrap_or(s);
    s.trim()
}

/// Functions that pass a value through without changing which value it is.
const TRANSPARENT: &[&str] = &[
    "quote",
    "squote",
    "int",
    "int64",
    "float64",
    "toString",
    "default",
    "toYaml",
    "trim",
    "lower",
    "upper",
    "required",
    "nindent",
    "indent",
    "toJson",
    "toPrettyJson",
    "b64enc",
];

/// The values paths an action reads directly (`.Values.a.b`, `$.Values.a`, `.x` inside
/// `with .Values.y`, `$v.x` where `$v := .Values.y`), through transparent functions only.
fn direct_ref(action: &str, dot: &Dot, vars: &Vars) -> Option<Paths> {
    if action.contains('(') {
        return None;
    }
    let under = |bases: &Paths, rest: &str| -> Paths {
        bases
            .iter()
            .map(|b| {
                let mut p = b.clone();
                p.extend(
                    rest.split('.')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                );
                p
            })
            .collect()
    };
    let mut found: Option<Paths> = None;
    for token in action.split(|c: char| c.is_whitespace() || c == '|') {
        if token.is_empty() {
            continue;
        }
        let paths = if let Some(rest) = token
            .strip_prefix(".Values.")
            .or_else(|| token.strip_prefix("$.Values."))
        {
            vec![rest.split('.').map(str::to_string).collect::<Vec<_>>()]
        } else if let Some(var) = token.strip_prefix('$') {
            let (name, rest) = var.split_once('.').unwrap_or((var, ""));
            under(vars.get(name)?, rest)
        } else if token.starts_with('.') {
            match dot {
                Dot::Values(bases) => under(bases, token),
                _ => return None,
            }
        } else if TRANSPARENT.contains(&token)
            || token.starts_with('"')
            || token.starts_with('`')
            || token.parse::<f64>().is_ok()
            || matches!(token, "true" | "false" | "nil")
        {
            continue;
        } else {
            return None;
        };
        if found.is_some() {
            return None;
        }
        found = Some(paths);
    }
    found
}

/// How a block insert's action reads: `toYaml X | nindent n` (or `indent n`) → (values
/// path of X if direct, column of the inserted lines).
fn insert_of(
    action: &str,
    dot: &Dot,
    vars: &Vars,
    line_col: usize,
) -> Option<(Option<Paths>, Option<String>, usize)> {
    let words: Vec<&str> = action
        .split(|c: char| c.is_whitespace() || c == '|')
        .filter(|w| !w.is_empty())
        .collect();
    let n = words
        .iter()
        .position(|w| *w == "nindent" || *w == "indent")
        .and_then(|i| Some((words.get(i)?, words.get(i + 1)?.parse::<usize>().ok()?)))?;
    let col = if *n.0 == "nindent" {
        n.1
    } else {
        line_col + n.1
    };
    // `toYaml .Values.x | nindent n` or `.Values.x | toYaml | nindent n`.
    let from = if words.contains(&"toYaml") {
        direct_ref(action, dot, vars)
    } else {
        None
    };
    let include = match words.as_slice() {
        ["include" | "template", name, ..] => Some(name.trim_matches(['"', '`']).to_string()),
        _ => None,
    };
    Some((from, include, col))
}

impl Skeleton {
    /// The structure of template `text`.
    pub fn parse(text: &str) -> Skeleton {
        let acts = actions(text);
        let mut stack: Vec<Dot> = Vec::new();
        let mut vars = Vars::new();
        let mut next_action = 0;
        let mut docs: Vec<Vec<Line>> = vec![Vec::new()];
        let mut offset = 0;
        // Inside a block scalar (`key: |`): lines deeper than this column are its text.
        let mut block_scalar: Option<usize> = None;
        for raw in text.split_inclusive('\n') {
            let line_start = offset;
            offset += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            let line_end = line_start + line.len();
            let dot = stack.last().cloned().unwrap_or(Dot::Root);
            // The actions on this line (or reaching into it), and the text outside them.
            let mut outside = String::with_capacity(line.len());
            let mut in_line = Vec::new();
            let mut pos = line_start;
            while let Some(a) = acts.get(next_action).copied() {
                if a.start >= line_end {
                    break;
                }
                if a.start >= pos {
                    outside.push_str(text.get(pos..a.start).unwrap_or(""));
                }
                in_line.push(a);
                pos = pos.max(a.end);
                if a.end > line_end {
                    break;
                }
                next_action += 1;
            }
            if pos < line_end {
                outside.push_str(text.get(pos..line_end).unwrap_or(""));
            }
            // An action spanning lines is met on each; it counts on the line it starts on.
            in_line.retain(|a| a.start >= line_start);
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            if let Some(c) = block_scalar {
                if line.trim().is_empty() || indent > c {
                    for a in &in_line {
                        update_stack(&mut stack, &mut vars, inner(text, *a));
                    }
                    continue;
                }
                block_scalar = None;
            }
            if outside.trim().is_empty() {
                // Control actions, or a block insert.
                let mut inserted = false;
                for a in &in_line {
                    let body = inner(text, *a);
                    if !inserted
                        && let Some((from, include, col)) = insert_of(body, &dot, &vars, indent)
                    {
                        if let Some(doc) = docs.last_mut() {
                            doc.push(Line {
                                col,
                                what: What::Insert {
                                    from,
                                    include,
                                    at: *a,
                                },
                            });
                        }
                        inserted = true;
                    }
                    update_stack(&mut stack, &mut vars, body);
                }
                continue;
            }
            for a in &in_line {
                update_stack(&mut stack, &mut vars, inner(text, *a));
            }
            let trimmed = line.trim_start();
            if trimmed.starts_with('#') {
                continue;
            }
            if indent == 0 && (trimmed.starts_with("---") || trimmed.starts_with("...")) {
                docs.push(Vec::new());
                continue;
            }
            let Some(doc) = docs.last_mut() else { continue };
            let mut col = indent;
            let mut rest_start = line_start + indent;
            // List dashes, each followed by a space or the end of the line.
            loop {
                let rest = text.get(rest_start..line_end).unwrap_or("");
                if rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t") {
                    doc.push(Line {
                        col,
                        what: What::Dash(Span::new(rest_start, rest_start + 1), ranged(&dot)),
                    });
                    let after = rest.get(1..).unwrap_or("");
                    let skip = 1 + after.len() - after.trim_start_matches([' ', '\t']).len();
                    col += skip;
                    rest_start += skip;
                    continue;
                }
                break;
            }
            if rest_start >= line_end {
                continue;
            }
            let rest = text.get(rest_start..line_end).unwrap_or("");
            match key_split(rest, rest_start, &in_line) {
                Some((key, value)) => {
                    let name = text.get(key.start..key.end).and_then(|k| {
                        (!k.contains("{{")).then(|| k.trim_matches(['"', '\'']).to_string())
                    });
                    let value_text = value.and_then(|v| text.get(v.start..v.end)).unwrap_or("");
                    let reads = sole_action(value_text).and_then(|a| direct_ref(a, &dot, &vars));
                    if value_text.starts_with('|') || value_text.starts_with('>') {
                        block_scalar = Some(col);
                    }
                    doc.push(Line {
                        col,
                        what: What::Key {
                            name,
                            key,
                            value,
                            reads,
                        },
                    });
                    // `key: {{- toYaml .Values.x | nindent n }}`: the value is a block.
                    if let Some(v) = value
                        && let [a] = in_line
                            .iter()
                            .filter(|a| v.contains(**a))
                            .copied()
                            .collect::<Vec<_>>()
                            .as_slice()
                        && let Some((from, include, c)) =
                            insert_of(inner(text, *a), &dot, &vars, col)
                        && c > col
                    {
                        doc.push(Line {
                            col: c,
                            what: What::Insert {
                                from,
                                include,
                                at: *a,
                            },
                        });
                    }
                }
                None => doc.push(Line {
                    col,
                    what: What::Scalar(Span::new(rest_start, line_end)),
                }),
            }
        }
        docs.retain(|d| !d.is_empty());
        Skeleton { docs }
    }

    /// Where `span` of rendered `obj` is written: in the template (`template`'s text), in a
    /// named template it includes (`defines` finds them), or, for a value read directly
    /// from values, in the values file that set it.
    pub fn locate(
        &self,
        template: &str,
        obj: &Object,
        span: Span,
        values: &Values,
        defines: &dyn Fn(&str) -> Option<Arc<Define>>,
    ) -> Option<Traced> {
        let mut steps = Vec::new();
        let on_key = if obj.root.span.contains(span) && obj.root.span != span {
            steps_to(&obj.root, span, None, &mut steps)?
        } else {
            false
        };
        let rendered = rendered_node(&obj.root, &steps)
            .and_then(Node::as_scalar)
            .map(|s| s.text.to_string());
        let doc = self.doc_for(template, obj)?;
        if steps.is_empty() {
            return Some(Traced {
                file: None,
                span: anchor(doc)?,
            });
        }
        let walk = Walk {
            steps: &steps,
            on_key,
            rendered: rendered.as_deref(),
            values,
            defines,
            items: std::cell::RefCell::new(Vec::new()),
        };
        walk.follow(template, doc, None, 0, None, 0)
    }

    /// The document of the template that rendered `obj`: the one whose literal `kind:` is
    /// the object's, else the only one, else the first with a templated kind.
    fn doc_for(&self, template: &str, obj: &Object) -> Option<&[Line]> {
        let kind_of = |doc: &[Line]| {
            doc.iter().find_map(|l| match &l.what {
                What::Key {
                    name: Some(n),
                    value,
                    ..
                } if n == "kind" && l.col == doc.first().map_or(0, |f| f.col) => {
                    value.and_then(|v| template.get(v.start..v.end))
                }
                _ => None,
            })
        };
        let kind = obj.kind.as_str();
        self.docs
            .iter()
            .find(|d| kind_of(d).is_some_and(|k| k.trim_matches(['"', '\'']) == kind))
            .or(match self.docs.as_slice() {
                [only] => Some(only),
                _ => None,
            })
            .or_else(|| {
                self.docs
                    .iter()
                    .find(|d| kind_of(d).is_some_and(|k| k.contains("{{")))
            })
            .map(Vec::as_slice)
    }
}

/// A named template of a chart (`{{ define "name" }}…{{ end }}`), parsed where it is
/// written: `text` is its file's text with everything outside the body blanked (offsets
/// kept), `skeleton` the body's structure.
#[derive(Debug)]
pub struct Define {
    pub file: PathBuf,
    pub text: String,
    pub skeleton: Skeleton,
}

/// The named templates of `text` (a chart file), by name.
pub fn defines_of(file: &Path, text: &str) -> Vec<(String, Define)> {
    let acts = actions(text);
    let mut out = Vec::new();
    for (i, a) in acts.iter().enumerate() {
        let body = inner(text, *a);
        let Some(rest) = body.strip_prefix("define") else {
            continue;
        };
        let name = rest.trim().trim_matches(['"', '`']).to_string();
        // The matching `end`: block actions open, `end` closes.
        let mut depth = 0usize;
        let mut close = None;
        for b in acts.iter().skip(i + 1) {
            let word = inner(text, *b).split_whitespace().next().unwrap_or("");
            match word {
                "if" | "with" | "range" | "define" | "block" => depth += 1,
                "end" if depth == 0 => {
                    close = Some(b.start);
                    break;
                }
                "end" => depth -= 1,
                _ => {}
            }
        }
        let Some(close) = close else { continue };
        let blanked: String = text
            .char_indices()
            .map(|(o, c)| {
                if c == '\n' || (a.end <= o && o < close) {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        let skeleton = Skeleton::parse(&blanked);
        out.push((
            name,
            Define {
                file: file.to_path_buf(),
                text: blanked,
                skeleton,
            },
        ));
    }
    out
}

/// One trace through a template: the rendered path and what the place was.
struct Walk<'a> {
    steps: &'a [Step],
    on_key: bool,
    /// The rendered scalar's text, when the place is (in) a scalar.
    rendered: Option<&'a str>,
    values: &'a Values,
    defines: &'a dyn Fn(&str) -> Option<Arc<Define>>,
    /// The rendered indexes of the items matched at dashes a `range` over values wrote,
    /// outermost first.
    items: std::cell::RefCell<Vec<usize>>,
}

/// A block insert among a line's children: the values path it reads, the named template it
/// includes, the action.
type InsertRef<'a> = (&'a Option<Paths>, &'a Option<String>, Span);

/// How deep `include`s are followed.
const MAX_INCLUDES: usize = 8;

impl Walk<'_> {
    /// `paths` with each `[]` (an item of a `range`) replaced by the item matched, in order;
    /// `None` when an item is not known.
    fn bind(&self, paths: &Paths) -> Option<Paths> {
        let items = self.items.borrow();
        let bound: Paths = paths
            .iter()
            .filter_map(|p| {
                let mut k = 0;
                p.iter()
                    .map(|seg| {
                        if seg != RANGE_ITEM {
                            return Some(seg.clone());
                        }
                        let i = items.get(k)?;
                        k += 1;
                        Some(format!("[{i}]"))
                    })
                    .collect::<Option<Vec<String>>>()
            })
            .collect();
        (!bound.is_empty()).then_some(bound)
    }

    /// Matches the steps from `from` on, under line `parent` of `doc` (of `text`, in `file`;
    /// `None` is the template), `fallback` being where the last matched key is.
    fn follow(
        &self,
        text: &str,
        doc: &[Line],
        file: Option<&Path>,
        from: usize,
        mut fallback: Option<Traced>,
        depth: usize,
    ) -> Option<Traced> {
        let at = |span: Span| Traced {
            file: file.map(Path::to_path_buf),
            span,
        };
        let mut parent: Option<usize> = None;
        let steps = self.steps;
        for (i, step) in steps.iter().enumerate().skip(from) {
            let children = children(doc, parent);
            let found = match step {
                Step::Key(k) => children.iter().copied().find(|&c| {
                    matches!(doc.get(c), Some(Line { what: What::Key { name: Some(n), .. }, .. }) if n == k)
                }),
                Step::Item { index, merge } => {
                    let dashes: Vec<usize> = children
                        .iter()
                        .copied()
                        .filter(|&c| matches!(doc.get(c), Some(Line { what: What::Dash(..), .. })))
                        .collect();
                    let by_merge = merge.as_ref().and_then(|(k, v)| {
                        dashes.iter().copied().find(|&d| {
                            children_of_item(doc, d).iter().any(|&c| match doc.get(c) {
                                Some(Line {
                                    what: What::Key { name: Some(n), value: Some(val), .. },
                                    ..
                                }) => {
                                    n == k
                                        && text
                                            .get(val.start..val.end)
                                            .is_some_and(|t| t.trim_matches(['"', '\'']) == v)
                                }
                                _ => false,
                            })
                        })
                    });
                    by_merge.or_else(|| dashes.get(*index).or(dashes.last()).copied())
                }
            };
            let Some(c) = found else {
                return self.not_written(doc, &children, file, i, fallback, depth);
            };
            let line = doc.get(c)?;
            match &line.what {
                What::Key {
                    value, key, reads, ..
                } => {
                    fallback = Some(at(*key));
                    // A key whose whole value comes from values: the rest is in values.
                    let rest = steps.get(i + 1..).unwrap_or(&[]);
                    let from = reads.clone().or_else(|| sole_insert(doc, c));
                    if let Some(from) = from.and_then(|f| self.bind(&f))
                        && let Some(t) =
                            self.values
                                .locate(&from, rest, self.on_key, self.rendered, true)
                    {
                        return Some(t);
                    }
                    if rest.is_empty() {
                        let span = match value {
                            Some(v) if !self.on_key && self.rendered.is_some() => *v,
                            _ => *key,
                        };
                        return Some(at(span));
                    }
                }
                What::Dash(dash, ranged) => {
                    fallback = Some(at(first_key_of_item(doc, c).unwrap_or(*dash)));
                    // An item a `range` over values wrote: which item, for `.x` inside it.
                    if *ranged && let Step::Item { index, .. } = step {
                        self.items.borrow_mut().push(*index);
                    }
                    // A scalar item (`- a`): the item's text, for a finding on its value.
                    if i + 1 == steps.len()
                        && self.rendered.is_some()
                        && let Some(What::Scalar(item)) = children_of_item(doc, c)
                            .first()
                            .and_then(|&k| doc.get(k))
                            .map(|l| &l.what)
                    {
                        return Some(at(*item));
                    }
                }
                _ => {}
            }
            parent = Some(c);
        }
        // Every step matched, ending at an item.
        fallback
    }

    /// Step `i` is not written under `children`: it comes from a values block inserted there,
    /// or from a named template included there; else the last key matched stands for it.
    fn not_written(
        &self,
        doc: &[Line],
        kids: &[usize],
        file: Option<&Path>,
        i: usize,
        fallback: Option<Traced>,
        depth: usize,
    ) -> Option<Traced> {
        let at = |span: Span| Traced {
            file: file.map(Path::to_path_buf),
            span,
        };
        let rest = self.steps.get(i..).unwrap_or(&[]);
        let inserts: Vec<InsertRef<'_>> = kids
            .iter()
            .filter_map(|&c| match doc.get(c).map(|l| &l.what) {
                Some(What::Insert { from, include, at }) => Some((from, include, *at)),
                _ => None,
            })
            .collect();
        let from_values = |partial: bool| {
            inserts.iter().find_map(|(from, _, _)| {
                self.values
                    .locate(from.as_deref()?, rest, self.on_key, self.rendered, partial)
            })
        };
        // A values block that holds the whole path.
        if let Some(t) = from_values(false) {
            return Some(t);
        }
        // Named templates included here: the one whose top level has this key (or, for a
        // list item, the item's position among the includes).
        let included: Vec<(Arc<Define>, Span)> = inserts
            .iter()
            .filter_map(|(_, inc, span)| Some(((self.defines)(inc.as_deref()?)?, *span)))
            .collect();
        let pick = match self.steps.get(i) {
            Some(Step::Key(k)) => included.iter().find(|(d, _)| {
                d.skeleton.docs.first().is_some_and(|doc| {
                    children(doc, None).iter().any(|&c| {
                        matches!(doc.get(c), Some(Line { what: What::Key { name: Some(n), .. }, .. }) if n == k)
                    })
                })
            }),
            Some(Step::Item { index, .. }) => included.get(*index).or(included.last()),
            None => None,
        };
        if let Some((define, span)) = pick {
            let here = Some(at(*span));
            if depth < MAX_INCLUDES
                && let Some(doc) = define.skeleton.docs.first()
                && let Some(t) = self.follow(
                    &define.text,
                    doc,
                    Some(&define.file),
                    i,
                    here.clone(),
                    depth + 1,
                )
            {
                return Some(t);
            }
            return here;
        }
        from_values(true)
            .or_else(|| inserts.first().map(|(_, _, span)| at(*span)))
            .or(fallback)
    }
}

/// The rendered node the steps lead to.
fn rendered_node<'n>(root: &'n Node, steps: &[Step]) -> Option<&'n Node> {
    walk(root, steps).full.map(|(_, n)| n)
}

/// Where a finding about a whole object points in its template: `metadata.name`'s value,
/// else the first key.
fn anchor(doc: &[Line]) -> Option<Span> {
    let top = doc.first()?.col;
    let mut in_metadata = false;
    let mut first = None;
    for l in doc {
        if let What::Key {
            name, key, value, ..
        } = &l.what
        {
            first = first.or(Some(*key));
            if l.col == top {
                in_metadata = name.as_deref() == Some("metadata");
            } else if in_metadata && name.as_deref() == Some("name") {
                return Some(value.unwrap_or(*key));
            }
        }
    }
    first
}

/// The lines directly under line `parent` (the document's top level for `None`): those of
/// its block at the block's least column.
fn children(doc: &[Line], parent: Option<usize>) -> Vec<usize> {
    let (from, block_end) = match parent {
        None => (0, doc.len()),
        Some(p) => (p + 1, block_end(doc, p)),
    };
    let lines = from..block_end;
    let Some(col) = lines
        .clone()
        .filter_map(|i| doc.get(i))
        .map(|l| l.col)
        .min()
    else {
        return Vec::new();
    };
    lines
        .filter(|&i| doc.get(i).is_some_and(|l| l.col == col))
        .collect()
}

/// The end (exclusive) of line `p`'s block: the lines after it that are deeper, and, for a
/// key, list items at its own column (`key:\n- a`).
fn block_end(doc: &[Line], p: usize) -> usize {
    let Some(parent) = doc.get(p) else {
        return p;
    };
    let key = matches!(parent.what, What::Key { .. });
    let mut i = p + 1;
    while let Some(l) = doc.get(i) {
        let same_col_item = key && l.col == parent.col && matches!(l.what, What::Dash(..));
        if l.col < parent.col || (l.col == parent.col && !same_col_item) {
            break;
        }
        if key && l.col == parent.col && !same_col_item {
            break;
        }
        i += 1;
    }
    i
}

fn children_of_item(doc: &[Line], dash: usize) -> Vec<usize> {
    children(doc, Some(dash))
}

fn first_key_of_item(doc: &[Line], dash: usize) -> Option<Span> {
    children_of_item(doc, dash)
        .first()
        .and_then(|&c| match doc.get(c).map(|l| &l.what) {
            Some(What::Key { key, .. }) => Some(*key),
            _ => None,
        })
}

/// The values path of the only thing in line `c`'s block, when that is a values insert.
fn sole_insert(doc: &[Line], c: usize) -> Option<Paths> {
    let kids = children(doc, Some(c));
    match kids.as_slice() {
        [only] => match doc.get(*only).map(|l| &l.what) {
            Some(What::Insert { from, .. }) => from.clone(),
            _ => None,
        },
        _ => None,
    }
}

/// The action a value consists of (quotes around it allowed).
fn sole_action(value: &str) -> Option<&str> {
    let v = value.trim();
    let v = v
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(v);
    let body = v.strip_prefix("{{")?.strip_suffix("}}")?;
    if body.contains("{{") || body.contains("}}") {
        return None;
    }
    let body = body.strip_prefix('-').unwrap_or(body);
    Some(body.strip_suffix('-').unwrap_or(body).trim())
}

/// Splits `rest` (starting at byte `base`) at its mapping colon: (key span, value span). A
/// colon inside an action or quotes does not count.
fn key_split(rest: &str, base: usize, acts: &[Span]) -> Option<(Span, Option<Span>)> {
    let bytes = rest.as_bytes();
    let (mut single, mut double) = (false, false);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let abs = base + i;
        if let Some(a) = acts.iter().find(|a| a.start <= abs && abs < a.end) {
            i = a.end.saturating_sub(base).max(i + 1);
            continue;
        }
        match b {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'#' if !single && !double && (i == 0 || bytes.get(i - 1) == Some(&b' ')) => {
                return None;
            }
            b':' if !single && !double => {
                let next = bytes.get(i + 1);
                if next.is_none() || next == Some(&b' ') || next == Some(&b'\t') {
                    let key = Span::new(base, base + rest.get(..i)?.trim_end().len());
                    let after = rest.get(i + 1..).unwrap_or("");
                    let value = value_span(after, base + i + 1, acts);
                    return Some((key, value));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The value after a colon, trimmed and without a trailing comment.
fn value_span(after: &str, base: usize, acts: &[Span]) -> Option<Span> {
    let lead = after.len() - after.trim_start().len();
    let bytes = after.as_bytes();
    let mut end = after.len();
    let (mut single, mut double) = (false, false);
    let mut i = lead;
    while let Some(&b) = bytes.get(i) {
        let abs = base + i;
        if let Some(a) = acts.iter().find(|a| a.start <= abs && abs < a.end) {
            i = a.end.saturating_sub(base).max(i + 1);
            continue;
        }
        match b {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'#' if !single && !double && bytes.get(i.wrapping_sub(1)) == Some(&b' ') => {
                end = i;
                break;
            }
            _ => {}
        }
        i += 1;
    }
    let v = after.get(lead..end)?.trim_end();
    (!v.is_empty()).then(|| Span::new(base + lead, base + lead + v.len()))
}

/// Follows the block structure of control actions: what `.` is inside each.
fn update_stack(stack: &mut Vec<Dot>, vars: &mut Vars, action: &str) {
    let current = stack.last().cloned().unwrap_or(Dot::Root);
    let word = action.split_whitespace().next().unwrap_or("");
    // `$x := EXPR` declares what the variable may hold; `$x = EXPR` (under some condition)
    // adds to it: the values then tell which one rendered.
    if let Some(var) = word.strip_prefix('$') {
        let mut words = action.split_whitespace().skip(1);
        let op = words.next();
        let expr: Vec<&str> = words.collect();
        let read = direct_ref(&expr.join(" "), &current, vars);
        match (op, read) {
            (Some(":="), Some(p)) => {
                vars.insert(var.to_string(), p);
            }
            (Some(":="), None) => {
                vars.remove(var);
            }
            (Some("="), Some(p)) => {
                let held = vars.entry(var.to_string()).or_default();
                for path in p {
                    if !held.contains(&path) {
                        held.push(path);
                    }
                }
            }
            _ => {}
        }
        return;
    }
    match word {
        "if" | "block" => stack.push(current),
        "define" => stack.push(Dot::Unknown),
        // `range .Values.x`, `range $v := …`, `range $i, $v := …`: `.` (and `$v`) is an item.
        "range" => {
            let body = action.trim_start_matches("range").trim();
            let (names, expr) = match body.split_once(":=") {
                Some((names, expr)) => (names, expr.trim()),
                None => ("", body),
            };
            let items: Option<Paths> = direct_ref(expr, &current, vars).map(|ps| {
                ps.into_iter()
                    .map(|mut p| {
                        p.push(RANGE_ITEM.to_string());
                        p
                    })
                    .collect()
            });
            if let Some(v) = names.split(',').next_back().map(str::trim)
                && let Some(v) = v.strip_prefix('$')
                && !v.is_empty()
            {
                match &items {
                    Some(p) => vars.insert(v.to_string(), p.clone()),
                    None => vars.remove(v),
                };
            }
            stack.push(items.map_or(Dot::Unknown, Dot::Values));
        }
        "with" => {
            let arg = action.split_whitespace().nth(1).unwrap_or("");
            let into = if action.split_whitespace().count() == 2 {
                direct_ref(arg, &current, vars).map_or(Dot::Unknown, Dot::Values)
            } else {
                Dot::Unknown
            };
            stack.push(into);
        }
        "end" => {
            stack.pop();
        }
        _ => {}
    }
}

/// A place found: in the template (`file: None`) or in a values file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Traced {
    pub file: Option<PathBuf>,
    pub span: Span,
}

/// The values files of a render, in the order Helm merges them (later ones win), parsed.
#[derive(Debug, Default)]
pub struct Values {
    pub files: Vec<(PathBuf, Node)>,
}

impl Values {
    /// Reads and parses `files` (those that cannot be read are left out), each taken at its
    /// key path (a parent chart's values file for a subchart: under the subchart's name).
    pub fn load(files: &[(PathBuf, Vec<String>)]) -> Values {
        let files = files
            .iter()
            .filter_map(|(p, under)| {
                let text = std::fs::read_to_string(p).ok()?;
                let doc =
                    crate::sources::yaml::parse(&text, crate::sources::yaml::Limits::default())
                        .documents
                        .into_iter()
                        .next()?
                        .root;
                let keys: Vec<&str> = under.iter().map(String::as_str).collect();
                let at = if keys.is_empty() {
                    doc
                } else {
                    doc.path(&keys)?.clone()
                };
                Some((p.clone(), at))
            })
            .collect();
        Values { files }
    }

    /// Where the value at one of `paths` then `rest` is set: the last file that sets all of
    /// it, trying the paths most recently assigned first; else (`partial_ok`) the deepest
    /// entry of the last file that sets a path. A scalar set to something else than what was
    /// `rendered` was not what rendered (a default, a transformation, a values file not
    /// named, the other branch of a condition): that path is not it.
    fn locate(
        &self,
        paths: &[Vec<String>],
        rest: &[Step],
        on_key: bool,
        rendered: Option<&str>,
        partial_ok: bool,
    ) -> Option<Traced> {
        let mut partial = None;
        for path in paths.iter().rev() {
            let prefix: Vec<Step> = path
                .iter()
                .map(
                    |k| match k.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                        Some(i) => Step::Item {
                            index: i.parse().unwrap_or(usize::MAX),
                            merge: None,
                        },
                        None => Step::Key(k.clone()),
                    },
                )
                .collect();
            let mut steps = prefix.clone();
            steps.extend(rest.iter().cloned());
            for (file, doc) in self.files.iter().rev() {
                let w = walk(doc, &steps);
                if let Some((key, node)) = w.full {
                    if let (Some(want), Some(set), false) = (rendered, node.as_scalar(), on_key)
                        && *set.text != *want
                    {
                        break;
                    }
                    let span = match key {
                        Some(k) if on_key || rendered.is_none() || node.as_scalar().is_none() => k,
                        _ => node.span,
                    };
                    return Some(Traced {
                        file: Some(file.clone()),
                        span,
                    });
                }
                if partial_ok
                    && partial.is_none()
                    && walk(doc, &prefix).full.is_some()
                    && let Some(d) = w.deepest
                {
                    partial = Some(Traced {
                        file: Some(file.clone()),
                        span: d,
                    });
                }
            }
        }
        partial
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HPA: &str = "{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include \"x.fullname\" . }}
  labels:
    {{- include \"x.labels\" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include \"x.fullname\" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    {{- if .Values.autoscaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
    {{- end }}
{{- end }}
";

    const VALUES: &str = "replicaCount: 1
autoscaling:
  enabled: true
  minReplicas: 1
  maxReplicas: 100
  targetCPUUtilizationPercentage: 80
resources: {}
podAnnotations:
  a: b
";

    const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include \"x.fullname\" . }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  template:
    metadata:
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: \"{{ .Values.image.repository }}\"
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
";

    fn object(text: &str) -> Object {
        crate::kube::test_support::object(text)
    }

    fn values(dir: &std::path::Path) -> Values {
        let p = dir.join("values.yaml");
        let _ = std::fs::write(&p, VALUES);
        Values::load(&[(p, Vec::new())])
    }

    /// The span of `needle`, found after `after`.
    fn none(_: &str) -> Option<Arc<Define>> {
        None
    }

    fn at(text: &str, needle: &str) -> Span {
        at_after(text, "", needle)
    }

    fn at_after(text: &str, after: &str, needle: &str) -> Span {
        let from = text.find(after).unwrap_or(0) + after.len();
        let s = from + text[from..].find(needle).unwrap_or(0);
        Span::new(s, s + needle.len())
    }

    #[test]
    fn a_direct_reference_points_at_values_a_literal_at_the_template() {
        let dir = tempfile::tempdir().unwrap();
        let v = values(dir.path());
        let rendered = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: r-x\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: r-x\n  minReplicas: 1\n  maxReplicas: 100\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        target:\n          type: Utilization\n          averageUtilization: 80\n";
        let o = object(rendered);
        let sk = Skeleton::parse(HPA);
        // minReplicas' value: values.yaml line 4.
        let t = sk
            .locate(HPA, &o, at_after(rendered, "minReplicas: ", "1"), &v, &none)
            .unwrap();
        assert_eq!(
            t.file.as_deref(),
            Some(dir.path().join("values.yaml").as_path())
        );
        assert_eq!(&VALUES[t.span.start..t.span.end], "1");
        assert_eq!(VALUES[..t.span.start].matches('\n').count(), 3);
        // A literal: the template's own text.
        let t = sk
            .locate(HPA, &o, at(rendered, "Utilization"), &v, &none)
            .unwrap();
        assert_eq!(t.file, None);
        assert_eq!(&HPA[t.span.start..t.span.end], "Utilization");
        // The key of a direct reference: the values key.
        let t = sk
            .locate(HPA, &o, at(rendered, "minReplicas"), &v, &none)
            .unwrap();
        assert_eq!(&VALUES[t.span.start..t.span.end], "minReplicas");
        // A value inside a list item under a conditional.
        let t = sk
            .locate(
                HPA,
                &o,
                at_after(rendered, "averageUtilization: ", "80"),
                &v,
                &none,
            )
            .unwrap();
        assert_eq!(&VALUES[t.span.start..t.span.end], "80");
        // The whole object: the template's metadata.name.
        let t = sk.locate(HPA, &o, o.root.span, &v, &none).unwrap();
        assert_eq!(
            &HPA[t.span.start..t.span.end],
            "{{ include \"x.fullname\" . }}"
        );
    }

    #[test]
    fn a_value_the_values_files_do_not_hold_stays_at_the_template() {
        // Rendered with another values file than those known: values.yaml says 1, the
        // render says 3. Pointing at `minReplicas: 1` would be false.
        let dir = tempfile::tempdir().unwrap();
        let v = values(dir.path());
        let rendered = "apiVersion: v1\nkind: HorizontalPodAutoscaler\nspec:\n  minReplicas: 3\n";
        let o = object(rendered);
        let sk = Skeleton::parse(HPA);
        let t = sk
            .locate(HPA, &o, at_after(rendered, "minReplicas: ", "3"), &v, &none)
            .unwrap();
        assert_eq!(t.file, None);
        assert_eq!(
            &HPA[t.span.start..t.span.end],
            "{{ .Values.autoscaling.minReplicas }}"
        );
    }

    #[test]
    fn to_yaml_blocks_and_with_blocks_lead_into_values() {
        let dir = tempfile::tempdir().unwrap();
        let v = values(dir.path());
        let rendered = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: r-x\nspec:\n  template:\n    metadata:\n      annotations:\n        a: b\n    spec:\n      containers:\n        - name: x\n          image: \"nginx\"\n          resources:\n            {}\n";
        let o = object(rendered);
        let sk = Skeleton::parse(DEPLOY);
        let t = sk
            .locate(DEPLOY, &o, at(rendered, "resources"), &v, &none)
            .unwrap();
        assert_eq!(&VALUES[t.span.start..t.span.end], "resources");
        let t = sk
            .locate(DEPLOY, &o, at_after(rendered, "a: ", "b"), &v, &none)
            .unwrap();
        assert_eq!(&VALUES[t.span.start..t.span.end], "b");
        // `spec` itself (where a missing `replicas` is reported): the template's key.
        let t = sk
            .locate(DEPLOY, &o, at(rendered, "spec"), &v, &none)
            .unwrap();
        assert_eq!(t.file, None);
        assert_eq!(&DEPLOY[t.span.start..t.span.end], "spec");
        // A value the values file does not set: the template's action.
        let t = sk
            .locate(DEPLOY, &o, at(rendered, "nginx"), &v, &none)
            .unwrap();
        assert_eq!(t.file, None);
        assert_eq!(
            &DEPLOY[t.span.start..t.span.end],
            "\"{{ .Values.image.repository }}\""
        );
    }

    #[test]
    fn four_space_charts_and_wide_dashes() {
        let tpl = "spec:\n    metrics:\n    -   type: Resource\n        resource:\n            name: cpu\n";
        let rendered = "apiVersion: v1\nkind: X\nspec:\n  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n";
        let o = object(rendered);
        let sk = Skeleton::parse(tpl);
        let t = sk
            .locate(tpl, &o, at(rendered, "cpu"), &Values::default(), &none)
            .unwrap();
        assert_eq!(&tpl[t.span.start..t.span.end], "cpu");
    }

    #[test]
    fn included_named_templates_are_followed_to_their_lines_and_values() {
        let dir = tempfile::tempdir().unwrap();
        let v = values(dir.path());
        let helpers = "{{/* the pod */}}\n{{- define \"x.container\" -}}\n- name: web\n  image: nginx\n  resources:\n    {{- toYaml .Values.resources | nindent 4 }}\n{{- end }}\n";
        let tpl = "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        {{- include \"x.container\" . | nindent 8 }}\n";
        let file = dir.path().join("_pod.tpl");
        let found: Vec<(String, Define)> = defines_of(&file, helpers);
        assert_eq!(found.len(), 1);
        let define = Arc::new(found.into_iter().next().unwrap().1);
        let find = |name: &str| (name == "x.container").then(|| define.clone());
        let rendered = "apiVersion: v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          resources:\n            {}\n";
        let o = object(rendered);
        let sk = Skeleton::parse(tpl);
        // A key written in the named template: its line there.
        let t = sk
            .locate(tpl, &o, at(rendered, "image"), &v, &find)
            .unwrap();
        assert_eq!(t.file.as_deref(), Some(file.as_path()));
        assert_eq!(&helpers[t.span.start..t.span.end], "image");
        // Its toYaml block: the values line.
        let t = sk
            .locate(tpl, &o, at(rendered, "resources"), &v, &find)
            .unwrap();
        assert_eq!(&VALUES[t.span.start..t.span.end], "resources");
        // Without the named template: the include.
        let t = sk
            .locate(tpl, &o, at(rendered, "image"), &v, &none)
            .unwrap();
        assert_eq!(t.file, None);
        assert!(tpl[t.span.start..t.span.end].starts_with("{{- include"));
    }

    #[test]
    fn a_range_over_values_leads_to_the_rendered_item() {
        let dir = tempfile::tempdir().unwrap();
        let values = "hpa:\n  policies:\n    - type: Pods\n      value: 4\n    - type: Percent\n      value: 50\n";
        let path = dir.path().join("values.yaml");
        std::fs::write(&path, values).unwrap();
        let v = Values::load(&[(path, Vec::new())]);
        let tpl = "kind: HorizontalPodAutoscaler\nspec:\n  behavior:\n    scaleDown:\n      policies:\n        {{- range $p := .Values.hpa.policies }}\n        - type: {{ $p.type }}\n          value: {{ .value }}\n        {{- end }}\n";
        let rendered = "apiVersion: v1\nkind: HorizontalPodAutoscaler\nspec:\n  behavior:\n    scaleDown:\n      policies:\n        - type: Pods\n          value: 4\n        - type: Percent\n          value: 50\n";
        let o = object(rendered);
        let sk = Skeleton::parse(tpl);
        let t = sk
            .locate(
                tpl,
                &o,
                at_after(rendered, "Percent\n          value: ", "50"),
                &v,
                &none,
            )
            .unwrap();
        assert_eq!(&values[t.span.start..t.span.end], "50");
        let t = sk.locate(tpl, &o, at(rendered, "Pods"), &v, &none).unwrap();
        assert_eq!(&values[t.span.start..t.span.end], "Pods");
        assert_eq!(values[..t.span.start].matches('\n').count(), 2);
    }

    #[test]
    fn references_are_read_through_transparent_functions_only() {
        let root = Dot::Root;
        let mut vars = Vars::new();
        let path = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        vars.insert("a".into(), vec![path("x.y")]);
        let show = |r: Option<Paths>| {
            r.map(|ps| {
                ps.iter()
                    .map(|p| p.join("."))
                    .collect::<Vec<_>>()
                    .join(" or ")
            })
        };
        let p = |s: &str| show(direct_ref(s, &root, &vars));
        assert_eq!(p("$a.b").as_deref(), Some("x.y.b"));
        assert_eq!(p("$b.c"), None);
        assert_eq!(p(".Values.a.b | quote").as_deref(), Some("a.b"));
        assert_eq!(p("default 3 .Values.a").as_deref(), Some("a"));
        assert_eq!(p("$.Values.a | int").as_deref(), Some("a"));
        assert_eq!(p("add .Values.a 1"), None);
        assert_eq!(p("include \"x\" ."), None);
        assert_eq!(p(".Values.a | default .Values.b"), None);
        let insert =
            |a: &str| insert_of(a, &root, &vars, 2).map(|(from, _, col)| (show(from), col));
        assert_eq!(
            insert(".Values.r | toYaml | nindent 12"),
            Some((Some("r".to_string()), 12))
        );
        assert_eq!(
            insert("toYaml .Values.r | indent 4"),
            Some((Some("r".to_string()), 6))
        );
        let with = Dot::Values(vec![path("x")]);
        assert_eq!(show(direct_ref(".y", &with, &vars)).as_deref(), Some("x.y"));
        // A conditional reassignment: either path may be the one.
        let mut stack = Vec::new();
        update_stack(&mut stack, &mut vars, "$s := .Values.a");
        update_stack(&mut stack, &mut vars, "if .Values.b.on");
        update_stack(&mut stack, &mut vars, "$s = .Values.b");
        update_stack(&mut stack, &mut vars, "end");
        assert_eq!(
            show(direct_ref("$s.n", &root, &vars)).as_deref(),
            Some("a.n or b.n")
        );
    }
}

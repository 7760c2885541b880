//! From a place in a rendered object back to the line a user edits: the last patch of the
//! nearest kustomization that sets the field (strategic merge, JSON 6902, inline), a field of
//! a kustomization (`namespace:`, `replicas:`, `images:`, `labels:`), else the field in the
//! file the object came from, or its nearest written ancestor there.

use super::tree::{Kustomization, Patch, PatchText, Plan, Target, normalize};
use crate::model::{Node, Object, Span, Value};
use crate::sources::yaml;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where a rendered object came from, read off its build-metadata annotations.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    /// The file that holds the object (absolute), for objects read from a resource file.
    pub origin: Option<PathBuf>,
    /// The kustomization whose generator made the object (absolute).
    pub configured_in: Option<PathBuf>,
}

impl Provenance {
    /// Reads the `config.kubernetes.io/origin` annotation's text; paths in it are relative
    /// to `base`, the wrapper folder.
    pub fn parse(text: &str, base: &Path) -> Provenance {
        let mut p = Provenance::default();
        for line in text.lines() {
            let line = line.trim();
            if let Some(v) = line.strip_prefix("path:") {
                p.origin = Some(normalize(&base.join(unquote(v))));
            } else if let Some(v) = line.strip_prefix("configuredIn:") {
                p.configured_in = Some(normalize(&base.join(unquote(v))));
            }
        }
        p
    }
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    v.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(v)
}

/// One step of a field path: a key, or a list item with the value of its merge key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Item {
        index: usize,
        merge: Option<(&'static str, String)>,
    },
}

/// The key strategic merge matches items of the list under `parent` by.
fn merge_key(parent: Option<&str>, item: &Node) -> Option<(&'static str, String)> {
    let key = match parent {
        Some("ports") => "containerPort",
        Some("volumeMounts") => "mountPath",
        Some("volumeDevices") => "devicePath",
        Some("hostAliases") => "ip",
        Some("topologySpreadConstraints") => "topologyKey",
        _ => "name",
    };
    Some((key, item.get(key)?.text()?.to_string()))
}

/// The steps to the node or key at `span`, and whether it is a key.
pub fn steps_to(
    node: &Node,
    span: Span,
    parent: Option<&str>,
    out: &mut Vec<Step>,
) -> Option<bool> {
    match &node.value {
        Value::Scalar(_) => None,
        Value::Map(entries) => {
            for e in entries {
                let key = e.key.text().unwrap_or("").to_string();
                if e.key.span.contains(span) {
                    out.push(Step::Key(key));
                    return Some(true);
                }
                if e.value.span.contains(span) {
                    out.push(Step::Key(key.clone()));
                    return Some(steps_to(&e.value, span, Some(&key), out).unwrap_or(false));
                }
            }
            None
        }
        Value::Seq(items) => {
            for (index, item) in items.iter().enumerate() {
                if item.span.contains(span) {
                    out.push(Step::Item {
                        index,
                        merge: merge_key(parent, item),
                    });
                    return Some(steps_to(item, span, parent, out).unwrap_or(false));
                }
            }
            None
        }
    }
}

/// How far `steps` lead into `node`: the node reached and its key's span when all of them
/// do, and the key of the deepest entry reached.
pub struct Walked<'n> {
    pub full: Option<(Option<Span>, &'n Node)>,
    pub deepest: Option<Span>,
}

pub fn walk<'n>(node: &'n Node, steps: &[Step]) -> Walked<'n> {
    let mut at = node;
    let mut key = None;
    let mut deepest = None;
    for step in steps {
        let next = match step {
            Step::Key(k) => at.entry(k).map(|e| (Some(e.key.span), &e.value)),
            Step::Item { index, merge } => {
                let items = at.as_seq().unwrap_or(&[]);
                let item = match merge {
                    Some((k, v)) => items
                        .iter()
                        .find(|i| i.get(k).and_then(Node::text) == Some(v)),
                    None => items.get(*index),
                };
                // An item has no key: its first entry's key stands for it.
                item.map(|i| {
                    let first = i.as_map().and_then(|m| m.first()).map(|e| e.key.span);
                    (first.or(Some(Span::point(i.span.start))), i)
                })
            }
        };
        match next {
            Some((k, n)) => {
                key = k;
                deepest = k.or(deepest);
                at = n;
            }
            None => {
                return Walked {
                    full: None,
                    deepest,
                };
            }
        }
    }
    Walked {
        full: Some((key, at)),
        deepest,
    }
}

/// A place in a file on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// Absolute, normalized.
    pub file: PathBuf,
    pub span: Span,
    /// When the rendered place was a part of a scalar (a PromQL error inside `expr`): that
    /// scalar's span in the rendered text, for [`sub_span`].
    pub within: Option<Span>,
}

struct Parsed {
    text: String,
    docs: Vec<Node>,
}

/// Traces places in rendered objects to their sources, caching the files it reads.
pub struct Tracer<'p> {
    plan: &'p Plan,
    files: Mutex<HashMap<PathBuf, Option<Arc<Parsed>>>>,
    /// Inline patches, parsed once: by kustomization file and the offset of their first line.
    inline: Mutex<HashMap<(PathBuf, usize), Arc<Parsed>>>,
}

/// The names an object had on its way: as rendered, and as written in its file.
struct Names<'a> {
    rendered: &'a str,
    origin: Option<String>,
}

impl Names<'_> {
    /// Whether a patch written for `name` applies: the name at some level between the file
    /// and the output (prefixes and suffixes only add around the written name).
    fn matches(&self, name: &str) -> bool {
        name == self.rendered
            || self.origin.as_deref() == Some(name)
            || self
                .origin
                .as_deref()
                .is_some_and(|o| self.rendered.contains(name) && name.contains(o))
    }
}

impl<'p> Tracer<'p> {
    pub fn new(plan: &'p Plan) -> Tracer<'p> {
        Tracer {
            plan,
            files: Mutex::new(HashMap::new()),
            inline: Mutex::new(HashMap::new()),
        }
    }

    /// The text of a file the tracer read.
    pub fn text(&self, file: &Path) -> Option<String> {
        self.parsed(file).map(|p| p.text.to_string())
    }

    fn parsed(&self, file: &Path) -> Option<Arc<Parsed>> {
        let mut files = self.files.lock().ok()?;
        files
            .entry(file.to_path_buf())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(file).ok()?;
                let docs = parse_docs(&text);
                Some(Arc::new(Parsed { text, docs }))
            })
            .clone()
    }

    /// Where the user edits what `span` of the rendered `obj` (built from `root`) shows.
    pub fn locate(
        &self,
        root: usize,
        obj: &Object,
        prov: &Provenance,
        span: Span,
    ) -> Option<Located> {
        let mut located = self.locate_field(root, obj, prov, span)?;
        let mut steps = Vec::new();
        if obj.root.span.contains(span)
            && steps_to(&obj.root, span, None, &mut steps) == Some(false)
            && let Some((_, node)) = walk(&obj.root, &steps).full
            && node.as_scalar().is_some()
            && node.span != span
        {
            located.within = Some(node.span);
        }
        Some(located)
    }

    fn locate_field(
        &self,
        root: usize,
        obj: &Object,
        prov: &Provenance,
        span: Span,
    ) -> Option<Located> {
        let mut steps = Vec::new();
        let on_key = if obj.root.span.contains(span) && obj.root.span != span {
            steps_to(&obj.root, span, None, &mut steps)?
        } else {
            false
        };
        let origin_file = prov.origin.as_deref();
        let origin = origin_file
            .and_then(|f| Some((f, self.parsed(f)?)))
            .and_then(|(f, parsed)| {
                let doc = find_object(&parsed.docs, obj)?.clone();
                Some((f.to_path_buf(), parsed, doc))
            });
        let names = Names {
            rendered: obj.name.as_deref().unwrap_or(""),
            origin: origin
                .as_ref()
                .and_then(|(_, _, d)| d.path(&["metadata", "name"]))
                .and_then(Node::text)
                .map(str::to_string),
        };
        let chain = origin_file
            .or(prov.configured_in.as_deref())
            .and_then(|f| self.plan.chain_to(root, f))
            .unwrap_or_else(|| vec![root]);
        let origin_has = |steps: &[Step]| {
            origin
                .as_ref()
                .is_some_and(|(_, _, d)| walk(d, steps).full.is_some())
        };
        let first_key = match steps.first() {
            Some(Step::Key(k)) => k.as_str(),
            _ => "",
        };
        // What identifies the object is written in its file, whatever patches repeat it.
        let identity = steps.is_empty()
            || matches!(first_key, "kind" | "apiVersion")
            || steps == [Step::Key("metadata".into()), Step::Key("name".into())];
        if !identity {
            let cx = Cx {
                obj,
                steps: &steps,
                on_key,
                names: &names,
                origin_has: &origin_has,
            };
            for &level in &chain {
                if let Some(found) = self.at_level(level, &cx, 0) {
                    return Some(found);
                }
            }
        }
        match origin {
            Some((file, _, doc)) => {
                let w = walk(&doc, &steps);
                let span = match w.full {
                    Some((Some(key), _)) if on_key => key,
                    Some((_, node)) if !steps.is_empty() => node.span,
                    _ => w.deepest.unwrap_or_else(|| anchor(&doc)),
                };
                Some(Located {
                    file,
                    span,
                    within: None,
                })
            }
            None => {
                let k = prov
                    .configured_in
                    .as_deref()
                    .and_then(|f| f.parent())
                    .and_then(|d| self.plan.in_dir(d))
                    .and_then(|i| self.plan.get(i))?;
                Some(Located {
                    file: k.file.clone(),
                    span: k.anchor,
                    within: None,
                })
            }
        }
    }

    /// The place kustomization `level` (its own fields and patches, then its components')
    /// sets the field at, if it does.
    fn at_level(&self, level: usize, cx: &Cx<'_>, depth: usize) -> Option<Located> {
        let k = self.plan.get(level)?;
        if let Some(span) = field_of(k, cx) {
            return Some(Located {
                file: k.file.clone(),
                span,
                within: None,
            });
        }
        for patch in k.patches.iter().rev() {
            if let Some(found) = self.in_patch(k, patch, cx) {
                return Some(found);
            }
        }
        if depth > 16 {
            return None;
        }
        for c in k.components.iter().rev() {
            if let Some(i) = self.plan.in_dir(&c.path)
                && let Some(found) = self.at_level(i, cx, depth + 1)
            {
                return Some(found);
            }
        }
        None
    }

    fn in_patch(&self, k: &Kustomization, patch: &Patch, cx: &Cx<'_>) -> Option<Located> {
        let (file, parsed, lines) = match &patch.text {
            PatchText::File(f) => (f.clone(), self.parsed(f)?, None),
            PatchText::Inline { text, lines } => {
                let key = (k.file.clone(), lines.first().copied().unwrap_or(0));
                let parsed = self
                    .inline
                    .lock()
                    .ok()?
                    .entry(key)
                    .or_insert_with(|| {
                        Arc::new(Parsed {
                            text: text.clone(),
                            docs: parse_docs(text),
                        })
                    })
                    .clone();
                (k.file.clone(), parsed, Some(lines))
            }
        };
        let place = |span: Span| Located {
            file: file.clone(),
            span: match lines {
                Some(lines) => map_inline(&parsed.text, lines, span),
                None => span,
            },
            within: None,
        };
        let ops = patch.json6902 || parsed.docs.first().is_some_and(|d| d.as_seq().is_some());
        if ops {
            if !patch.target.as_ref().is_some_and(|t| targets(t, cx)) {
                return None;
            }
            let doc = parsed.docs.first()?;
            for op in doc.as_seq()?.iter().rev() {
                if !matches!(op.get("op").and_then(Node::text), Some("add" | "replace")) {
                    continue;
                }
                let Some(pointer) = op.get("path").and_then(Node::text) else {
                    continue;
                };
                let Some(value) = op.entry("value") else {
                    continue;
                };
                let Some(rest) = strip_pointer(pointer, cx.steps) else {
                    continue;
                };
                if rest.is_empty() {
                    return Some(place(value.value.span));
                }
                if let Some((key, node)) = walk(&value.value, rest).full {
                    let span = match key {
                        Some(key) if cx.on_key => key,
                        _ => node.span,
                    };
                    return Some(place(span));
                }
            }
            return None;
        }
        for doc in parsed.docs.iter().rev() {
            if doc.get("$patch").and_then(Node::text) == Some("delete") {
                continue;
            }
            let applies = match &patch.target {
                Some(t) => targets(t, cx),
                None => {
                    doc.get("kind").and_then(Node::text) == Some(cx.obj.kind.as_str())
                        && doc
                            .path(&["metadata", "name"])
                            .and_then(Node::text)
                            .is_some_and(|n| cx.names.matches(n))
                }
            };
            if !applies {
                continue;
            }
            let Some((key, node)) = walk(doc, cx.steps).full else {
                continue;
            };
            // A list item's merge key names the item it merges into: it sets the item only
            // when the object's file does not have it.
            let merge_key = match cx.steps {
                [
                    ..,
                    Step::Item {
                        merge: Some((mk, _)),
                        ..
                    },
                    Step::Key(k),
                ] => mk == k,
                _ => false,
            };
            // A mapping merges into what is there: it sets the field only when it replaces
            // it, is empty, or adds a field the object's file does not have.
            let sets = match &node.value {
                _ if merge_key => !(cx.origin_has)(
                    cx.steps
                        .get(..cx.steps.len().saturating_sub(1))
                        .unwrap_or(&[]),
                ),
                Value::Map(m) => {
                    m.is_empty()
                        || node.get("$patch").and_then(Node::text) == Some("replace")
                        || !(cx.origin_has)(cx.steps)
                }
                _ => true,
            };
            if sets {
                let span = match key {
                    Some(key) if cx.on_key => key,
                    _ => node.span,
                };
                return Some(place(span));
            }
        }
        None
    }
}

/// What a lookup needs of the finding.
struct Cx<'a> {
    obj: &'a Object,
    steps: &'a [Step],
    on_key: bool,
    names: &'a Names<'a>,
    origin_has: &'a dyn Fn(&[Step]) -> bool,
}

/// The place a kustomization's own field sets the field at: `namespace:`, `replicas:`,
/// `images:`, or a label key of `labels:`/`commonLabels:` the object's file does not write.
fn field_of(k: &Kustomization, cx: &Cx<'_>) -> Option<Span> {
    let key = |i: usize| match cx.steps.get(i) {
        Some(Step::Key(k)) => Some(k.as_str()),
        _ => None,
    };
    let len = cx.steps.len();
    if len == 2 && key(0) == Some("metadata") && key(1) == Some("namespace") {
        return k.namespace.as_ref().map(|(_, s)| *s);
    }
    if len == 2 && key(0) == Some("spec") && key(1) == Some("replicas") {
        return k
            .replicas
            .iter()
            .rev()
            .find(|r| cx.names.matches(&r.name))
            .map(|r| r.span);
    }
    if len >= 2 && key(len - 1) == Some("image") {
        let image = walk(&cx.obj.root, cx.steps).full?.1.text()?;
        let name = image_name(image);
        return k
            .images
            .iter()
            .rev()
            .find(|i| i.name == name || image_name(&i.name) == name)
            .map(|i| i.span);
    }
    if len >= 2
        && matches!(key(len - 2), Some("labels" | "matchLabels"))
        && !(cx.origin_has)(cx.steps)
    {
        let label = key(len - 1)?;
        return k
            .labels
            .iter()
            .rev()
            .find(|(l, _)| l == label)
            .map(|(_, s)| *s);
    }
    None
}

/// An image reference without its tag or digest.
fn image_name(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    match image.rfind(':') {
        Some(i) if !image.get(i..).unwrap_or("").contains('/') => image.get(..i).unwrap_or(image),
        _ => image,
    }
}

/// Whether a patch's `target:` selects the object (kind, group, version, name as an anchored
/// regular expression, label and annotation selectors; the namespace is not compared, as it
/// may have been changed after the patch applied).
fn targets(t: &Target, cx: &Cx<'_>) -> bool {
    let obj = cx.obj;
    if t.kind.as_deref().is_some_and(|k| k != obj.kind) {
        return false;
    }
    if t.group.as_deref().is_some_and(|g| g != obj.group()) {
        return false;
    }
    let version = obj.api_version.rsplit('/').next().unwrap_or("");
    if t.version.as_deref().is_some_and(|v| v != version) {
        return false;
    }
    if let Some(name) = &t.name {
        let Ok(re) = regex::Regex::new(&format!("^(?:{name})$")) else {
            return false;
        };
        let origin = cx.names.origin.as_deref();
        if !re.is_match(cx.names.rendered) && !origin.is_some_and(|o| re.is_match(o)) {
            return false;
        }
    }
    let selects = |sel: &Option<String>, field: &str| {
        let Some(sel) = sel else { return true };
        let map = obj.root.path(&["metadata", field]);
        sel.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .all(|req| {
                let value = |k: &str| map.and_then(|m| m.get(k.trim())).and_then(Node::text);
                if let Some((k, v)) = req.split_once("!=") {
                    value(k) != Some(v.trim())
                } else if let Some((k, v)) = req.split_once("==").or_else(|| req.split_once('=')) {
                    value(k) == Some(v.trim())
                } else if let Some(k) = req.strip_prefix('!') {
                    value(k).is_none()
                } else {
                    // Set-based requirements (`in`, `notin`) are not evaluated: assumed to match.
                    req.contains(' ') || value(req).is_some()
                }
            })
    };
    selects(&t.label_selector, "labels") && selects(&t.annotation_selector, "annotations")
}

/// The steps after a JSON pointer that leads to a prefix of `steps`.
fn strip_pointer<'s>(pointer: &str, steps: &'s [Step]) -> Option<&'s [Step]> {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    if segments.len() > steps.len() {
        return None;
    }
    for (seg, step) in segments.iter().zip(steps) {
        let same = match step {
            Step::Key(k) => k == seg,
            Step::Item { index, .. } => seg.parse::<usize>().ok() == Some(*index),
        };
        if !same {
            return None;
        }
    }
    steps.get(segments.len()..)
}

/// The documents of a YAML text (nulls and scalars included, as placeholders).
fn parse_docs(text: &str) -> Vec<Node> {
    yaml::parse(text, yaml::Limits::default())
        .documents
        .into_iter()
        .map(|d| d.root)
        .collect()
}

/// The object of `docs` that `obj` was rendered from: same kind, and the name written there
/// is the longest one contained in the rendered name (prefixes and suffixes only add); the
/// only object of that kind otherwise.
fn find_object<'d>(docs: &'d [Node], obj: &Object) -> Option<&'d Node> {
    let rendered = obj.name.as_deref().unwrap_or("");
    let of_kind: Vec<&Node> = docs
        .iter()
        .flat_map(|d| match d.get("kind").and_then(Node::text) {
            // A `List` holds its objects under `items`.
            Some("List") => d
                .get("items")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .collect(),
            _ => vec![d],
        })
        .filter(|d| d.get("kind").and_then(Node::text) == Some(obj.kind.as_str()))
        .collect();
    let named = of_kind
        .iter()
        .filter_map(|d| {
            let n = d.path(&["metadata", "name"]).and_then(Node::text)?;
            rendered.contains(n).then_some((n.len(), *d))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, d)| d);
    let only = match of_kind.as_slice() {
        [only] => Some(*only),
        _ => None,
    };
    named.or(only)
}

/// Where a finding about a whole object points: its `metadata.name` value.
fn anchor(doc: &Node) -> Span {
    doc.path(&["metadata", "name"])
        .map(|n| n.span)
        .or_else(|| doc.entry("metadata").map(|e| e.key.span))
        .unwrap_or(Span::point(doc.span.start))
}

/// The part `inner` of the rendered scalar at `outer` (of `rendered`), in the source scalar at
/// `at` (of `source`): at the same offset when both are written alike, line by line when
/// kustomize only changed the indentation of a block scalar; else the whole source scalar.
pub fn sub_span(rendered: &str, outer: Span, inner: Span, source: &str, at: Span) -> Span {
    let (Some(r), Some(s)) = (
        rendered.get(outer.start..outer.end),
        source.get(at.start..at.end),
    ) else {
        return at;
    };
    if !outer.contains(inner) {
        return at;
    }
    if r == s {
        return Span::new(
            at.start + (inner.start - outer.start),
            at.start + (inner.end - outer.start),
        );
    }
    let (rl, sl): (Vec<&str>, Vec<&str>) = (r.split('\n').collect(), s.split('\n').collect());
    if rl.len() != sl.len()
        || rl
            .iter()
            .zip(&sl)
            .any(|(a, b)| a.trim_start() != b.trim_start())
    {
        return at;
    }
    // Offset `o` of `r` → offset in `source`, by line and column past the indentation.
    let map = |o: usize| -> Option<usize> {
        let mut line_start = 0;
        let mut source_start = at.start;
        for (a, b) in rl.iter().zip(&sl) {
            let end = line_start + a.len();
            if o <= end {
                let indent_a = a.len() - a.trim_start().len();
                let indent_b = b.len() - b.trim_start().len();
                let col = (o - line_start).checked_sub(indent_a)?;
                return Some(source_start + indent_b + col);
            }
            line_start = end + 1;
            source_start += b.len() + 1;
        }
        None
    };
    match (map(inner.start - outer.start), map(inner.end - outer.start)) {
        (Some(start), Some(end)) if start <= end => Span::new(start, end),
        _ => at,
    }
}

/// A span of an inline patch's text, in the kustomization file.
fn map_inline(text: &str, lines: &[usize], span: Span) -> Span {
    let at = |offset: usize| {
        let line = text.get(..offset).map_or(0, |t| t.matches('\n').count());
        let line_start = text
            .get(..offset)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        match lines.get(line) {
            Some(&start) => start + (offset - line_start),
            None => lines.last().copied().unwrap_or(0),
        }
    };
    let start = at(span.start);
    let end = at(span.end).max(start);
    Span::new(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        parse_docs(text).remove(0)
    }

    #[test]
    fn steps_name_list_items_by_their_merge_key() {
        let text = "spec:\n  containers:\n  - name: app\n    ports:\n    - containerPort: 80\n";
        let node = root(text);
        let at = text.find("80").unwrap();
        let mut steps = Vec::new();
        assert_eq!(
            steps_to(&node, Span::new(at, at + 2), None, &mut steps),
            Some(false)
        );
        assert_eq!(
            steps.get(1..),
            Some(
                &[
                    Step::Key("containers".into()),
                    Step::Item {
                        index: 0,
                        merge: Some(("name", "app".into()))
                    },
                    Step::Key("ports".into()),
                    Step::Item {
                        index: 0,
                        merge: Some(("containerPort", "80".into()))
                    },
                    Step::Key("containerPort".into()),
                ][..]
            )
        );
    }

    #[test]
    fn json_pointers_match_prefixes() {
        let steps = vec![
            Step::Key("spec".into()),
            Step::Key("a/b".into()),
            Step::Item {
                index: 2,
                merge: None,
            },
        ];
        assert_eq!(
            strip_pointer("/spec/a~1b", &steps).map(<[Step]>::len),
            Some(1)
        );
        assert_eq!(
            strip_pointer("/spec/a~1b/2", &steps).map(<[Step]>::len),
            Some(0)
        );
        assert!(strip_pointer("/spec/x", &steps).is_none());
    }

    #[test]
    fn parts_of_scalars_keep_their_place() {
        let rendered = "expr: |\n    sum(rate(x[5m]))\n    > 1\n";
        let source = "  expr: |\n      sum(rate(x[5m]))\n      > 1\n";
        let outer = Span::new(6, rendered.len());
        let at = Span::new(8, source.len());
        let x = rendered.find("x[").unwrap();
        let got = sub_span(rendered, outer, Span::new(x, x + 1), source, at);
        assert_eq!(&source[got.start..got.end], "x");
        let gt = rendered.find('>').unwrap();
        let got = sub_span(rendered, outer, Span::new(gt, gt + 1), source, at);
        assert_eq!(&source[got.start..got.end], ">");
        // Written alike: the same offset.
        let got = sub_span(
            "a: abc",
            Span::new(3, 6),
            Span::new(4, 5),
            "  a: abc",
            Span::new(5, 8),
        );
        assert_eq!(got, Span::new(6, 7));
        // Rewritten otherwise (quoted one way, plain the other): the whole scalar.
        let got = sub_span(
            "a: 'x y'",
            Span::new(3, 8),
            Span::new(5, 6),
            "a: x y",
            Span::new(3, 6),
        );
        assert_eq!(got, Span::new(3, 6));
    }

    #[test]
    fn image_names_lose_tags_not_registry_ports() {
        assert_eq!(image_name("nginx:1.2"), "nginx");
        assert_eq!(image_name("reg:5000/app"), "reg:5000/app");
        assert_eq!(image_name("reg:5000/app:v1@sha256:x"), "reg:5000/app");
    }

    #[test]
    fn provenance_paths_are_resolved_against_the_wrapper() {
        let p = Provenance::parse("path: ../a/b.yaml\n", Path::new("/tmp/w"));
        assert_eq!(p.origin, Some(PathBuf::from("/tmp/a/b.yaml")));
    }

    proptest::proptest! {
        /// Hostile texts and spans never panic, and a mapped span stays inside the source.
        #[test]
        fn sub_spans_and_inline_spans_stay_inside(
            rendered in "[a-z é:|>\n-]{0,40}",
            source in "[a-z é:|>\n-]{0,40}",
            a in 0usize..48, b in 0usize..48, c in 0usize..48, d in 0usize..48,
            lines in proptest::collection::vec(0usize..60, 0..6),
        ) {
            let (outer, inner) = (Span::new(a.min(b), a.max(b)), Span::new(c.min(d), c.max(d)));
            let at = Span::new(0, source.len());
            let got = sub_span(&rendered, outer, inner, &source, at);
            proptest::prop_assert!(got.start <= got.end);
            let mapped = map_inline(&rendered, &lines, inner);
            proptest::prop_assert!(mapped.start <= mapped.end);
        }
    }

    proptest::proptest! {
        #[test]
        fn kustomizations_of_any_shape_never_panic(text in "[a-zA-Z:/.\\- \n\\[\\]{},|'\"]{0,120}") {
            let k = super::super::tree::Kustomization::parse(Path::new("/x/kustomization.yaml"), &text);
            let _ = k.children().count();
        }
    }

    /// Kustomization fields trace without kustomize: the rendered object is written by hand
    /// as kustomize would render it, with its origin.
    #[test]
    fn kustomization_fields_set_what_they_change() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("base");
        let prod = dir.path().join("prod");
        std::fs::create_dir_all(&base).unwrap();
        std::fs::create_dir_all(&prod).unwrap();
        std::fs::write(base.join("kustomization.yaml"), "resources:\n- web.yaml\n").unwrap();
        std::fs::write(
            base.join("web.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.0\n",
        )
        .unwrap();
        let overlay = "namespace: prod\ncommonLabels:\n  team: a\nimages:\n- name: nginx\n  newTag: \"1.27\"\nresources:\n- ../base\n";
        std::fs::write(prod.join("kustomization.yaml"), overlay).unwrap();
        let plan = Plan::build(&[prod.join("kustomization.yaml")]);
        let root = plan.roots.first().copied().unwrap();
        let rendered = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    team: a\n  name: web\n  namespace: prod\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx:1.27\n        name: web\n";
        let obj = crate::sources::load(
            0,
            "r.yaml".into(),
            rendered.into(),
            crate::sources::classify::Kind::Yaml,
        )
        .objects
        .remove(0);
        let prov = Provenance {
            origin: Some(normalize(&base.join("web.yaml"))),
            configured_in: None,
        };
        let tracer = Tracer::new(&plan);
        let at = |needle: &str| {
            let i = rendered.find(needle).unwrap();
            Span::new(i, i + needle.len())
        };
        let overlay_at = |needle: &str| overlay.find(needle).unwrap();
        // `images:` sets the image: its `newTag`.
        let l = tracer.locate(root, &obj, &prov, at("nginx:1.27")).unwrap();
        assert_eq!(l.file, normalize(&prod.join("kustomization.yaml")));
        assert_eq!(l.span.start, overlay_at("\"1.27\""));
        // `namespace:` sets the namespace.
        let ns = rendered.find("namespace: prod").unwrap() + "namespace: ".len();
        let l = tracer
            .locate(root, &obj, &prov, Span::new(ns, ns + 4))
            .unwrap();
        assert_eq!(l.span.start, overlay_at("prod"));
        // A label the file does not write: the kustomization's `commonLabels` key.
        let team = rendered.find("team: a").unwrap();
        let l = tracer
            .locate(root, &obj, &prov, Span::new(team, team + 4))
            .unwrap();
        assert_eq!(l.span.start, overlay_at("team"));
        // The container's name is the base file's.
        let name = rendered.rfind("name: web").unwrap() + "name: ".len();
        let l = tracer
            .locate(root, &obj, &prov, Span::new(name, name + 3))
            .unwrap();
        assert_eq!(l.file, normalize(&base.join("web.yaml")));
    }
}

//! What the index keeps of an object once its per-object rules have run: only the fields the
//! cross-resource rules read, which for Kubernetes objects are the fields the `kube` view of
//! the object's kind declares it reads (`Workload::FIELDS`…). A file's full tree is dropped as soon as it is checked, so memory
//! holds one projection per object rather than every tree of the run (1.4 GB → ~100 MB on the
//! 30,000-file benchmark corpus; BENCHMARKS.md).
//!
//! A projection is the same `Object` with a smaller `root`: the kept nodes keep their spans,
//! so the index, the cross-resource rules, `anchor_span`, `missing_span` and the field-path
//! locators work unchanged on it. `tests::projections_do_not_change_findings` lints every
//! fixture and corpus file both ways and compares the findings: a cross-resource rule that
//! reads a field no view declares fails it.

use super::index::Namespaces;
use crate::kube::{Keep, Kind};
use crate::model::pack::{self, Head};
use crate::model::{Entry, Format, Node, Object, Span, Value};
use std::borrow::Cow;
use std::sync::Arc;

/// One file's projections as the run keeps them until its finish: packed (each object in
/// `model::pack`'s form, one after another in one buffer), or whole trees for the files findings are
/// traced through (renders, Helm output). Packed, the projections of `gen-corpus -n 10000`
/// take ~1 KB per Deployment instead of ~3 KB of nodes scattered among the freed pages of
/// every parsed tree; the finish decodes one namespace's objects at a time for the index,
/// and a file's when a finding in it needs a locator or a fix. Cloning shares them (a
/// language server keeps a context file's check between lints).
#[derive(Clone, Debug)]
pub struct Projections(Repr);

#[derive(Clone, Debug)]
enum Repr {
    Trees(Arc<[Object]>),
    Packed(Arc<Packed>),
}

#[derive(Debug)]
struct Packed {
    bytes: Box<str>,
    /// Where each object's form ends in `bytes`.
    ends: Box<[u32]>,
}

impl Default for Projections {
    fn default() -> Projections {
        Projections(Repr::Trees(Arc::default()))
    }
}

impl Projections {
    /// Kept as they are: whole trees, which findings are traced through.
    pub fn trees(objects: Vec<Object>) -> Projections {
        Projections(Repr::Trees(objects.into()))
    }

    /// Packed as [`Packer`] packs a file's projections.
    pub fn pack(objects: Vec<Object>) -> Projections {
        let mut packer = Packer::new();
        objects.into_iter().for_each(|o| packer.push(o));
        packer.finish()
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Trees(t) => t.len(),
            Repr::Packed(p) => p.ends.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Object `i`'s packed form.
    fn bytes(p: &Packed, i: usize) -> Option<&str> {
        packed_form(&p.bytes, &p.ends, i)
    }

    /// Object `i`'s head, without decoding its tree.
    pub fn head(&self, i: usize) -> Option<Head<'_>> {
        match &self.0 {
            Repr::Trees(t) => t.get(i).map(Head::of),
            Repr::Packed(p) => pack::head(Projections::bytes(p, i)?),
        }
    }

    /// Every object's head, in order.
    pub fn heads(&self) -> impl Iterator<Item = Head<'_>> {
        (0..self.len()).filter_map(|i| self.head(i))
    }

    /// Object `i`: borrowed from trees, decoded when packed.
    pub fn get(&self, i: usize) -> Option<Cow<'_, Object>> {
        match &self.0 {
            Repr::Trees(t) => t.get(i).map(Cow::Borrowed),
            Repr::Packed(p) => pack::read(Projections::bytes(p, i)?).map(Cow::Owned),
        }
    }

    /// Whether the objects are packed (decoded on each read) rather than trees.
    pub fn is_packed(&self) -> bool {
        matches!(self.0, Repr::Packed(_))
    }

    /// Object `i`'s root span, without decoding its tree.
    pub fn root_span(&self, i: usize) -> Option<Span> {
        match &self.0 {
            Repr::Trees(t) => t.get(i).map(|o| o.root.span),
            Repr::Packed(p) => pack::root_span(Projections::bytes(p, i)?),
        }
    }

    /// Every object's root span, ordered for [`Projections::holding`].
    pub fn roots(&self) -> Roots {
        let mut by_start: Vec<(Span, usize)> = (0..self.len())
            .filter_map(|i| Some((self.root_span(i)?, i)))
            .collect();
        by_start.sort_unstable();
        let mut reach = Vec::with_capacity(by_start.len());
        let mut furthest = 0;
        for (s, _) in &by_start {
            furthest = furthest.max(s.end.max(s.start));
            reach.push(furthest);
        }
        Roots { by_start, reach }
    }

    /// The objects, in order, whose root span (`roots`: [`Projections::roots`]) holds one
    /// of `spans` (sorted by start): all of them borrowed from trees; only those decoded
    /// when packed. Of a span, the first object holding it is then the same as among all
    /// the objects.
    pub fn holding(&self, roots: &Roots, spans: &[Span]) -> Cow<'_, [Object]> {
        if !self.is_packed() {
            return self.all();
        }
        let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
            return Cow::Owned(Vec::new());
        };
        let holds_one = |root: Span| {
            let from = spans.partition_point(|s| s.start < root.start);
            spans
                .get(from..)
                .unwrap_or_default()
                .iter()
                .take_while(|s| s.start <= root.end.max(root.start))
                .any(|&s| root.contains(s))
        };
        // Only roots that start at or before the last span and reach the first can hold
        // one: a run of `by_start`, since `reach` only grows.
        let from = roots.reach.partition_point(|&end| end < first.start);
        let to = roots
            .by_start
            .partition_point(|(s, _)| s.start <= last.start);
        let mut held: Vec<usize> = roots
            .by_start
            .get(from..to.max(from))
            .unwrap_or_default()
            .iter()
            .filter(|(root, _)| holds_one(*root))
            .map(|(_, i)| *i)
            .collect();
        held.sort_unstable();
        Cow::Owned(
            held.into_iter()
                .filter_map(|i| self.get(i).map(Cow::into_owned))
                .collect(),
        )
    }

    /// Every object, in order: borrowed from trees, decoded when packed.
    pub fn all(&self) -> Cow<'_, [Object]> {
        match &self.0 {
            Repr::Trees(t) => Cow::Borrowed(t),
            Repr::Packed(_) => Cow::Owned(
                (0..self.len())
                    .filter_map(|i| self.get(i).map(Cow::into_owned))
                    .collect(),
            ),
        }
    }
}

/// A file's projections packed as its documents are checked, so that a file of thousands
/// of objects (a cluster's manifests in one stream) is never held as trees; unless one part
/// of the index (`Namespaces::part`: a namespace) holds most of a file of many objects: its
/// objects are decoded together for that part's index anyway, so packed they would be held
/// twice (one file of 96,000 HPAs on one Deployment: +70 MB and +0.5 s). Those stay trees.
#[derive(Default)]
pub struct Packer {
    bytes: String,
    ends: Vec<u32>,
    /// Objects so far per part: by namespace, and those of no namespace.
    parts: std::collections::HashMap<Box<str>, usize>,
    unspaced: usize,
    /// Once the file keeps trees: every object so far.
    trees: Option<Vec<Object>>,
}

impl Packer {
    /// Objects of one part, when they are most of the file, from which it keeps trees.
    const TREES_FROM: usize = 10_000;

    pub fn new() -> Packer {
        Packer::default()
    }

    pub fn push(&mut self, o: Object) {
        if let Some(trees) = &mut self.trees {
            trees.push(o);
            return;
        }
        let in_part = match Namespaces::part(&Head::of(&o), None).flatten() {
            Some(ns) => match self.parts.get_mut(ns) {
                Some(n) => {
                    *n += 1;
                    *n
                }
                None => {
                    self.parts.insert(ns.into(), 1);
                    1
                }
            },
            None => {
                self.unspaced += 1;
                self.unspaced
            }
        };
        pack::write(&o, &mut self.bytes);
        match u32::try_from(self.bytes.len()) {
            Ok(end) if in_part <= Packer::TREES_FROM || in_part * 2 <= self.ends.len() + 1 => {
                self.ends.push(end);
            }
            // Trees from now on (or the buffer would pass 4 GB): those packed so far decoded.
            _ => {
                let mut trees = self.decoded();
                trees.push(o);
                self.bytes = String::new();
                self.ends = Vec::new();
                self.trees = Some(trees);
            }
        }
    }

    /// The objects packed so far, decoded.
    fn decoded(&self) -> Vec<Object> {
        (0..self.ends.len())
            .filter_map(|i| pack::read(packed_form(&self.bytes, &self.ends, i)?))
            .collect()
    }

    pub fn finish(self) -> Projections {
        match self.trees {
            Some(trees) => Projections::trees(trees),
            None if self.ends.is_empty() => Projections::default(),
            None => Projections(Repr::Packed(Arc::new(Packed {
                bytes: self.bytes.into_boxed_str(),
                ends: self.ends.into_boxed_slice(),
            }))),
        }
    }
}

/// The objects' root spans by start, each with its object's number, and for each the
/// furthest end among it and those before it.
pub struct Roots {
    by_start: Vec<(Span, usize)>,
    reach: Vec<usize>,
}

impl Roots {
    /// The first object (in the file's order) whose root span is `span`.
    pub fn first_at(&self, span: Span) -> Option<usize> {
        let at = self.by_start.partition_point(|(s, _)| *s < span);
        self.by_start
            .get(at)
            .filter(|(s, _)| *s == span)
            .map(|(_, i)| *i)
    }
}

/// Object `i`'s form in `bytes`, where each object's ends at `ends`.
fn packed_form<'b>(bytes: &'b str, ends: &[u32], i: usize) -> Option<&'b str> {
    let start = match i.checked_sub(1) {
        Some(before) => *ends.get(before)? as usize,
        None => 0,
    };
    bytes.get(start..*ends.get(i)? as usize)
}

/// What every Kubernetes object keeps of its `metadata`, besides what its view reads:
/// `anchor_span` points at `metadata.name` (else `metadata`, else `kind`), the namespace is
/// part of its identity, and the suppression annotation's locator names its field.
const METADATA: Keep = Keep::Fields(&[
    ("name", Keep::All),
    ("namespace", Keep::All),
    (
        "annotations",
        Keep::Fields(&[(crate::engine::suppress::ANNOTATION, Keep::All)]),
    ),
]);

/// `redis-high-availability`: is the server a cluster node or a replica.
const REDIS: Keep = Keep::Fields(&[
    ("cluster-enabled", Keep::All),
    ("replicaof", Keep::All),
    ("slaveof", Keep::All),
]);

/// `obj` reduced to what the index and the cross-resource rules read: a Kubernetes object
/// keeps `apiVersion`, `kind`, [`METADATA`] and what the view of its kind reads
/// ([`Kind::fields`]); another format's object what the cross-resource rules read of it.
pub fn project(mut obj: Object) -> Object {
    obj.root = match obj.format {
        Format::Kubernetes => {
            let view = Kind::of(&obj).map_or(Keep::NOTHING, Kind::fields);
            prune_object(obj.root, view)
        }
        Format::Redis if obj.kind == "RedisConfig" => prune(obj.root, REDIS),
        _ => prune(obj.root, Keep::NOTHING),
    };
    obj
}

/// A Kubernetes object's root: its identity and what `view` reads.
fn prune_object(root: Node, view: Keep) -> Node {
    let Value::Map(entries) = root.value else {
        return prune(
            Node {
                span: root.span,
                value: root.value,
            },
            Keep::All,
        );
    };
    let view_metadata = view.field("metadata");
    let mut kept: Vec<Entry> = entries
        .into_iter()
        .filter_map(|e| {
            let value = match e.key.text()? {
                "apiVersion" | "kind" => prune(e.value, Keep::All),
                "metadata" => match e.value.value {
                    Value::Map(fields) => prune_map(e.value.span, fields, |key| {
                        METADATA
                            .field(key)
                            .or_else(|| view_metadata.and_then(|m| m.field(key)))
                    }),
                    // Not a mapping: kept whole, as any shape a projection did not expect.
                    value => prune(
                        Node {
                            span: e.value.span,
                            value,
                        },
                        Keep::All,
                    ),
                },
                key => prune(e.value, view.field(key)?),
            };
            let mut key = e.key;
            shrink(&mut key);
            Some(Entry { key, value })
        })
        .collect();
    kept.shrink_to_fit();
    Node {
        span: root.span,
        value: Value::Map(kept),
    }
}

fn prune(node: Node, keep: Keep) -> Node {
    match (keep, node.value) {
        (Keep::Fields(fields), Value::Map(entries)) => prune_map(node.span, entries, |key| {
            fields
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, k)| *k)
        }),
        (Keep::Items(item), Value::Seq(items)) => {
            let mut kept: Vec<Node> = items.into_iter().map(|i| prune(i, *item)).collect();
            kept.shrink_to_fit();
            Node {
                span: node.span,
                value: Value::Seq(kept),
            }
        }
        // `All`, or a shape the projection did not expect: kept whole.
        (_, value) => {
            let mut node = Node {
                span: node.span,
                value,
            };
            shrink(&mut node);
            node
        }
    }
}

/// The entries of a mapping whose key `pick` gives a projection for, projected.
fn prune_map(span: Span, entries: Vec<Entry>, pick: impl Fn(&str) -> Option<Keep>) -> Node {
    let mut kept: Vec<Entry> = entries
        .into_iter()
        .filter_map(|e| {
            let keep = pick(e.key.text()?)?;
            let mut key = e.key;
            shrink(&mut key);
            Some(Entry {
                value: prune(e.value, keep),
                key,
            })
        })
        .collect();
    // Collected in place: without this the projection keeps the full map's capacity.
    kept.shrink_to_fit();
    Node {
        span,
        value: Value::Map(kept),
    }
}

/// Drop the spare capacity the parser's growing vectors left, in a subtree kept whole.
fn shrink(node: &mut Node) {
    match &mut node.value {
        // Scalar text is a `Box<str>`: exactly its length already.
        Value::Scalar(_) => {}
        Value::Seq(items) => {
            items.shrink_to_fit();
            items.iter_mut().for_each(shrink);
        }
        Value::Map(entries) => {
            entries.shrink_to_fit();
            for e in entries {
                shrink(&mut e.value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::{self, classify::Kind};

    fn object(text: &str) -> Object {
        sources::load(0, "x.yaml".into(), text.into(), Kind::Yaml)
            .objects
            .into_iter()
            .next()
            .unwrap()
    }

    #[test]
    fn a_workload_keeps_what_the_index_reads() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {a: b}\n  annotations: {x: y, scalelint.io/ignore: pdb-missing}\nspec:\n  replicas: 3\n  strategy: {type: Recreate}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: app\n        image: nginx\n        resources: {requests: {cpu: 1}}\n";
        let full = object(text);
        let p = project(object(text));
        assert_eq!(p.root.span, full.root.span);
        assert_eq!(p.anchor_span(), full.anchor_span());
        assert!(p.root.path(&["metadata", "labels"]).is_none());
        assert!(p.root.path(&["metadata", "annotations", "x"]).is_none());
        assert_eq!(
            p.root
                .path(&["metadata", "annotations", "scalelint.io/ignore"])
                .map(|n| n.span),
            full.root
                .path(&["metadata", "annotations", "scalelint.io/ignore"])
                .map(|n| n.span)
        );
        // deployment-rolling-update judges the strategy at the autoscalers' maximum.
        assert_eq!(
            p.root.path(&["spec", "strategy"]),
            full.root.path(&["spec", "strategy"])
        );
        let c = |o: &Object| {
            o.root
                .path(&["spec", "template", "spec", "containers"])
                .and_then(Node::as_seq)
                .and_then(|s| s.first())
                .cloned()
        };
        let (pc, fc) = (c(&p).unwrap(), c(&full).unwrap());
        assert!(pc.get("image").is_none());
        assert_eq!(pc.get("resources"), fc.get("resources"));
        assert_eq!(
            p.root.path(&["spec", "replicas"]),
            full.root.path(&["spec", "replicas"])
        );
    }

    /// Many tiny objects of file 0, the `i`-th in namespace `ns(i)`.
    fn many(n: usize, ns: impl Fn(usize) -> &'static str) -> Vec<Object> {
        (0..n)
            .map(|i| Object {
                file: 0,
                format: Format::Kubernetes,
                api_version: "v1".into(),
                kind: "ConfigMap".into(),
                name: Some(format!("c{i}")),
                namespace: ns(i).into(),
                root: Node {
                    span: Span::new(i * 10, i * 10 + 9),
                    value: Value::Map(Vec::new()),
                },
                anchor: None,
            })
            .collect()
    }

    fn packer() -> Packer {
        Packer::new()
    }

    /// Packed as they come, unless one namespace holds most of a file of over 10,000: then
    /// every object is a tree, those packed before decoded, in order.
    #[test]
    fn a_file_is_packed_unless_one_namespace_holds_most_of_many() {
        type Spread = fn(usize) -> &'static str;
        let cases: [(usize, Spread, bool); 5] = [
            (3, |_| "a", true),
            (10_000, |_| "a", true),
            (10_001, |_| "a", false),
            // Over 10,000 in one namespace, but not most of the file.
            (36_000, |i| ["a", "b", "c"][i % 3], true),
            // Most of the file, from its 10,001st object on.
            (40_000, |i| if i % 4 == 0 { "a" } else { "b" }, false),
        ];
        for (n, ns, packed) in cases {
            let objects = many(n, ns);
            let mut p = packer();
            objects.iter().cloned().for_each(|o| p.push(o));
            let p = p.finish();
            assert_eq!(p.is_packed(), packed, "{n}");
            assert_eq!(p.len(), n);
            for i in [0, n / 2, n - 1] {
                assert_eq!(p.head(i), objects.get(i).map(Head::of), "{n}: {i}");
                assert_eq!(p.root_span(i), objects.get(i).map(|o| o.root.span));
            }
        }
        assert!(packer().finish().is_empty());
    }

    /// The objects holding some spans: those, in order (all of them from trees).
    #[test]
    fn only_the_objects_holding_spans_are_decoded() {
        let objects = many(50, |_| "a");
        let packed = Projections::pack(objects.clone());
        let spans = [
            Span::new(12, 14),
            Span::new(15, 19),
            Span::new(200, 209),
            Span::point(499),
        ];
        let roots = packed.roots();
        let held: Vec<String> = packed
            .holding(&roots, &spans)
            .iter()
            .filter_map(|o| o.name.clone())
            .collect();
        assert_eq!(held, ["c1", "c20", "c49"]);
        // Spans across two objects are held by neither.
        assert!(packed.holding(&roots, &[Span::new(5, 15)]).is_empty());
        assert_eq!(
            Projections::trees(objects.clone())
                .holding(&roots, &spans)
                .len(),
            50
        );
        // An object holding others (a config embedded in a ConfigMap), after them in order.
        let mut nested = objects;
        nested.extend(many(1, |_| "a").into_iter().map(|mut o| {
            o.name = Some("outer".into());
            o.root.span = Span::new(0, 300);
            o
        }));
        let packed = Projections::pack(nested);
        let held: Vec<String> = packed
            .holding(&packed.roots(), &[Span::new(200, 209), Span::point(499)])
            .iter()
            .filter_map(|o| o.name.clone())
            .collect();
        assert_eq!(held, ["c20", "c49", "outer"]);
    }

    /// Packed projections give back the objects they were made of, their heads without
    /// decoding the trees, and nothing past their end.
    #[test]
    fn packed_projections_round_trip() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  replicas: 3\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: redis}\ndata:\n  redis.conf: |\n    maxmemory 1gb\n---\nkind: Service\n";
        let objects: Vec<Object> = sources::load(3, "x.yaml".into(), text.into(), Kind::Yaml)
            .objects
            .into_iter()
            .map(project)
            .collect();
        assert_eq!(objects.len(), 3, "{objects:?}");
        let packed = Projections::pack(objects.clone());
        let trees = Projections::trees(objects.clone());
        assert!(matches!(packed.0, Repr::Packed(_)));
        // `Object` has no equality: what it holds, compared.
        let same = |a: &Object, b: &Object| {
            Head::of(a) == Head::of(b) && a.root == b.root && a.anchor == b.anchor
        };
        for p in [&packed, &trees] {
            assert_eq!(p.len(), objects.len());
            let all = p.all();
            assert_eq!(all.len(), objects.len());
            for (i, o) in objects.iter().enumerate() {
                assert_eq!(p.head(i), Some(Head::of(o)));
                assert!(p.get(i).is_some_and(|g| same(&g, o)));
                assert!(all.get(i).is_some_and(|g| same(g, o)));
            }
            assert_eq!(p.head(objects.len()), None);
            assert!(p.get(objects.len()).is_none());
            assert_eq!(p.heads().count(), objects.len());
        }
        let none = Projections::pack(Vec::new());
        assert!(none.is_empty());
        assert!(none.all().is_empty());
    }

    #[test]
    fn other_kinds_keep_their_identity_only() {
        let text =
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n";
        let full = object(text);
        let p = project(object(text));
        assert!(p.root.get("spec").is_none());
        assert_eq!(p.anchor_span(), full.anchor_span());
        assert_eq!(p.name.as_deref(), Some("web"));
    }

    /// The cross-resource rules and the locators of their findings see the same thing in a
    /// projection as in the full tree: every fixture, example and corpus file, indexed once
    /// with full trees and once with projections, one directory at a time (each is a
    /// scenario) and all together.
    #[test]
    fn projections_do_not_change_findings() {
        use crate::engine::discover::discover;
        use crate::engine::read::{Read, read_input};
        use crate::engine::{Options, index::Index, locate};
        let rules = crate::project::builtin_rules().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs: Vec<std::path::PathBuf> = vec![root.join("examples")];
        // The fixtures, and the files of public projects copied into tests/corpus.
        for base in [root.join("fixtures"), root.join("tests/corpus/k8s")] {
            if let Ok(entries) = std::fs::read_dir(&base) {
                dirs.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
            }
        }
        dirs.sort();
        dirs.push(root.join("fixtures"));
        let mut compared = 0;
        for dir in dirs {
            let opts = Options {
                paths: vec![dir.clone()],
                ..Options::default()
            };
            let files: Vec<(String, Vec<Object>)> = discover(&opts, None, None)
                .into_iter()
                .enumerate()
                .map(|(id, input)| match read_input(id, input, None) {
                    Read::Text {
                        shown, kind, text, ..
                    } => {
                        let f = sources::load(id, shown, text, kind);
                        (f.source.path, f.objects)
                    }
                    Read::Failed(f) => (f.source.path, f.objects),
                })
                .collect();
            let projected: Vec<(String, Vec<Object>)> = files
                .iter()
                .map(|(p, objects)| (p.clone(), objects.iter().cloned().map(project).collect()))
                .collect();
            let run = |files: &[(String, Vec<Object>)]| {
                let index = Index::build(
                    files.iter().flat_map(|(_, o)| o.iter()),
                    files.iter().map(|(p, _)| p.as_str()).collect(),
                );
                let mut found = rules.check_index(&index);
                locate::assign(
                    |id| {
                        files
                            .get(id)
                            .map(|(p, o)| (p.as_str(), o.as_slice().into()))
                    },
                    &mut found,
                );
                found
            };
            // Findings of one index and of several, compared in one order.
            let in_order = |found: &mut Vec<crate::model::Finding>| {
                found.sort_by(|a, b| {
                    (a.file, a.span.start, &a.rule, &a.message).cmp(&(
                        b.file,
                        b.span.start,
                        &b.rule,
                        &b.message,
                    ))
                })
            };
            // The engine's way: one namespace's index at a time.
            let by_namespace = |files: &[(String, Vec<Object>)]| {
                let mut found = Vec::new();
                Index::each_namespace(
                    files.iter().flat_map(|(_, o)| o.iter()),
                    files.iter().map(|(p, _)| p.as_str()).collect(),
                    None,
                    |index| found.append(&mut rules.check_index(&index)),
                );
                locate::assign(
                    |id| {
                        files
                            .get(id)
                            .map(|(p, o)| (p.as_str(), o.as_slice().into()))
                    },
                    &mut found,
                );
                in_order(&mut found);
                found
            };
            let (full, proj) = (run(&files), run(&projected));
            assert_eq!(full, proj, "{}", dir.display());
            let mut sorted = full.clone();
            in_order(&mut sorted);
            assert_eq!(sorted, by_namespace(&projected), "{}", dir.display());
            compared += full.len();
        }
        assert!(
            compared > 50,
            "only {compared} cross-resource findings compared"
        );
    }
}

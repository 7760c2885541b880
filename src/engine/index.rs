//! The index over every analysed object, for rules that relate objects to each other.
//! Keys follow Kubernetes: namespace (absent ⇒ `default`) + kind + name.
//!
//! What an object means (its kind, replicas, target reference, selector, pod labels) is read
//! through its `kube` view; each entry holds that view and derefs to it, and adds the
//! relations the index resolves.
//!
//! It holds workloads (Deployment, StatefulSet) with the labels their pods carry, autoscalers
//! (HorizontalPodAutoscaler, KEDA ScaledObject), VerticalPodAutoscalers and
//! PodDisruptionBudgets, and resolves every reference between them once, when it is built:
//! each autoscaler and VPA knows the workloads it targets, each PDB the workloads it selects,
//! and each workload its autoscalers, VPAs and PDBs.
//!
//! **Variants.** Objects that share kind, namespace and name cannot coexist in a cluster, so
//! when one run holds several (`deploy/staging/` and `deploy/prod/`, a source file and its
//! rendered copy) they are variants of one object, and a reference resolves to the copies
//! nearest the referring file: the same file, then the same folder, then the closest common
//! ancestor (fewest folders up, then fewest down). Copies equally near are all related (an
//! HPA in `deploy/` beside `staging/` and `prod/` scales both); a copy in a sibling variant is
//! never chosen over one in the referrer's own folder. Each workload then counts every other
//! object once, as its copy nearest to it.
//!
//! Every lookup is hashed and the work that hostile input could make quadratic is budgeted;
//! when a budget cuts the work short, [`Index::incomplete`] says where.

use crate::kube::{self, Key, Labels, Selector};
use crate::model::pack::Head;
use crate::model::{FileId, Object, Span};
// foldhash: SipHash was ~2 % of a run's instructions, on keys no attacker chooses.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::ops::Deref;

/// An autoscaler (the view of its object) and what it scales. It derefs to the view, so
/// `a.min_replicas()` is Kubernetes' reading of the object.
#[derive(Debug)]
pub struct Autoscaler<'a> {
    pub view: kube::Autoscaler<'a>,
    /// The workload named by `scaleTargetRef` (a ScaledObject's kind defaults to Deployment).
    pub target: Key,
    /// The `scaleTargetRef.name` value, for labels.
    pub target_span: Span,
    /// Indices into [`Index::workloads`] of the copies of `target` this autoscaler scales:
    /// the nearest (several when equally near), none when the target is not analysed.
    pub targets: Vec<usize>,
}

impl<'a> Deref for Autoscaler<'a> {
    type Target = kube::Autoscaler<'a>;

    fn deref(&self) -> &kube::Autoscaler<'a> {
        &self.view
    }
}

impl Autoscaler<'_> {
    /// `HorizontalPodAutoscaler `web`` for messages.
    pub fn describe(&self) -> String {
        describe(self.obj)
    }
}

/// `Kind `name`` for messages.
pub fn describe(obj: &Object) -> String {
    format!(
        "{} `{}`",
        obj.kind,
        obj.name.as_deref().unwrap_or("<unnamed>")
    )
}

/// A VerticalPodAutoscaler (the view of its object) and the workload its `targetRef` names.
#[derive(Debug)]
pub struct Vpa<'a> {
    pub view: kube::Vpa<'a>,
    pub target: Key,
    pub target_span: Span,
    /// Indices into [`Index::workloads`] of the copies of `target` it resizes (as for
    /// [`Autoscaler::targets`]).
    pub targets: Vec<usize>,
}

impl<'a> Deref for Vpa<'a> {
    type Target = kube::Vpa<'a>;

    fn deref(&self) -> &kube::Vpa<'a> {
        &self.view
    }
}

/// A PodDisruptionBudget (the view of its object) and the workloads whose pods it selects.
#[derive(Debug)]
pub struct Pdb<'a> {
    pub view: kube::Pdb<'a>,
    pub selector: Selector,
    /// Indices into [`Index::workloads`], in input order: of each selected workload, the
    /// copies nearest the budget.
    pub workloads: Vec<usize>,
}

impl<'a> Deref for Pdb<'a> {
    type Target = kube::Pdb<'a>;

    fn deref(&self) -> &kube::Pdb<'a> {
        &self.view
    }
}

/// A workload (the view of its object) with the labels its pods carry and the objects that
/// act on it.
#[derive(Debug)]
pub struct Workload<'a> {
    pub view: kube::Workload<'a>,
    pub key: Key,
    /// [`kube::Workload::pod_labels`], computed once.
    pub labels: Labels<'a>,
    /// Indices into [`Index::pdbs`] of the PDBs that select these pods, in input order: one
    /// copy per PDB (the nearest to this workload).
    pub pdbs: Vec<usize>,
    /// Indices into [`Index::autoscalers`] of the autoscalers that scale this copy, in input
    /// order: one copy per autoscaler (the nearest to this workload).
    pub autoscalers: Vec<usize>,
    /// Indices into [`Index::vpas`] of the VPAs that resize this copy, likewise.
    pub vpas: Vec<usize>,
}

impl<'a> Deref for Workload<'a> {
    type Target = kube::Workload<'a>;

    fn deref(&self) -> &kube::Workload<'a> {
        &self.view
    }
}

/// Work cut short by a limit that keeps hostile input from going quadratic: where, and
/// what was left out. The engine reports each as an `analysis-incomplete` finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incomplete {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// Selector evaluations and copy comparisons allowed while the index relates objects.
/// Hashing keeps real inputs far below it; it only bounds hostile ones (thousands of
/// catch-all PDBs times thousands of workloads, thousands of copies of one object), which
/// are then related partially and reported in [`Index::incomplete`].
const BUDGET: usize = 5_000_000;

/// Equally near copies one reference resolves to, at most (real inputs have one to three).
pub const MAX_RELATED: usize = 64;

/// An object's identity in the cluster: kind, namespace, name.
type Identity<'a> = (&'a str, &'a str, Option<&'a str>);

fn identity(o: &Object) -> Identity<'_> {
    (o.kind.as_str(), o.namespace.as_str(), o.name.as_deref())
}

/// Where each file is, to tell which copy of an object is nearest a referring file.
#[derive(Debug, Default)]
struct Folders<'a> {
    /// Per folder: its components (the shown path without the file name).
    components: Vec<Vec<&'a str>>,
    /// Per file: its folder as a number (an index into `components`), the same for files
    /// side by side.
    id_of_file: Vec<usize>,
    /// Variant roots: for each object with copies in several folders, the folders just
    /// below the copies' closest common ancestor that lead to them (`deploy/staging` and
    /// `deploy/prod` for copies in `deploy/staging/apps/` and `deploy/prod/`).
    variant_roots: HashSet<Vec<&'a str>>,
}

/// How far a copy is from a referring file: folders up to the closest common ancestor,
/// folders down from it, and whether it is another file. Smaller is nearer.
type Distance = (usize, usize, bool);

impl<'a> Folders<'a> {
    fn new(files: &[&'a str]) -> Folders<'a> {
        // Folders are interned by their text: most hold several files, and a run holds
        // tens of thousands.
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut components = Vec::new();
        let id_of_file = files
            .iter()
            .map(|path| {
                let folder = crate::model::folder(path);
                *ids.entry(folder).or_insert_with(|| {
                    // An absolute path keeps a root component, so it never shares a
                    // prefix with a relative one.
                    let root = folder.starts_with('/').then_some("/");
                    components.push(
                        root.into_iter()
                            .chain(folder.split('/').filter(|p| !p.is_empty() && *p != "."))
                            .collect(),
                    );
                    components.len() - 1
                })
            })
            .collect();
        Folders {
            components,
            id_of_file,
            variant_roots: HashSet::new(),
        }
    }

    /// The folders of `files`, with the variants `objects` tell apart: the folders of every
    /// Kubernetes object with copies in several folders (any kind: two ConfigMaps `web`
    /// tell `staging/` and `prod/` apart as well as two Deployments).
    fn with_variants<'o>(
        files: &[&'a str],
        objects: impl IntoIterator<Item = Head<'o>>,
    ) -> Folders<'a> {
        let mut folders = Folders::new(files);
        if folders.components.len() < 2 {
            // One folder: copies side by side are never variants of folders.
            return folders;
        }
        // The first file of each object, and every file of those with copies in several
        // folders (rare: most objects have one copy, so no list is allocated for them).
        let mut first: HashMap<Identity<'o>, (FileId, Vec<FileId>)> = HashMap::new();
        for o in objects {
            if o.format != crate::model::Format::Kubernetes || o.name.is_none() {
                continue;
            }
            let (file, more) = first
                .entry((o.kind, o.namespace, o.name))
                .or_insert((o.file, Vec::new()));
            if folders.id(*file) != folders.id(o.file) {
                more.push(o.file);
            }
        }
        for (file, more) in first.into_values() {
            if !more.is_empty() {
                let mut files = more;
                files.push(file);
                files.sort_unstable();
                files.dedup();
                folders.mark_variants(&files);
            }
        }
        folders
    }

    /// The components of file `id`'s folder (none for an unknown file).
    fn of_file(&self, file: FileId) -> &[&'a str] {
        self.id_of_file
            .get(file)
            .and_then(|&id| self.components.get(id))
            .map_or(&[], Vec::as_slice)
    }

    /// Record the variant roots of objects whose copies are in `files` (one object's).
    fn mark_variants(&mut self, files: &[FileId]) {
        let folders: Vec<Vec<&'a str>> = files.iter().map(|&f| self.of_file(f).to_vec()).collect();
        let Some((first, rest)) = folders.split_first() else {
            return;
        };
        let common = rest.iter().fold(first.len(), |n, f| {
            n.min(
                first
                    .iter()
                    .zip(f.iter())
                    .take_while(|(a, b)| a == b)
                    .count(),
            )
        });
        if rest.iter().all(|f| f.len() == common) && first.len() == common {
            // All in one folder: copies side by side (a source and its rendering).
            return;
        }
        for f in folders {
            if let Some(root) = f.get(..=common) {
                self.variant_roots.insert(root.to_vec());
            }
        }
    }

    /// Whether file `to` is in a sibling variant of file `from`'s: the two are under
    /// different folders just below their closest common ancestor, and both folders are
    /// variant roots. Such objects are never related.
    fn across_variants(&self, from: FileId, to: FileId) -> bool {
        if self.variant_roots.is_empty() {
            return false;
        }
        let (a, b) = (self.of_file(from), self.of_file(to));
        let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        match (a.get(..=common), b.get(..=common)) {
            (Some(ra), Some(rb)) => {
                self.variant_roots.contains(ra) && self.variant_roots.contains(rb)
            }
            // One folder holds the other: never siblings.
            _ => false,
        }
    }

    /// The folder of file `id` as a number (unknown files share one).
    fn id(&self, file: FileId) -> usize {
        self.id_of_file.get(file).copied().unwrap_or(usize::MAX)
    }

    fn distance(&self, from: FileId, to: FileId) -> Distance {
        if from == to {
            return (0, 0, false);
        }
        let (a, b) = (self.of_file(from), self.of_file(to));
        let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        (a.len() - common, b.len() - common, true)
    }
}

/// The budgeted search for the nearest copies.
struct Resolver<'i, 'a> {
    folders: &'i Folders<'a>,
    budget: usize,
}

/// The copies a reference resolves to, and whether a limit cut the choice short.
struct Resolved {
    copies: Vec<usize>,
    cut: bool,
}

impl Resolver<'_, '_> {
    /// Of `copies` (indices, with their files by `file_of`), the nearest to file `from`:
    /// all that are equally near, at most [`MAX_RELATED`].
    fn nearest(
        &mut self,
        from: FileId,
        copies: &[usize],
        file_of: impl Fn(usize) -> FileId,
    ) -> Resolved {
        let folders = self.folders;
        let allowed = |c: &usize| !folders.across_variants(from, file_of(*c));
        if copies.len() <= 1 {
            return Resolved {
                copies: copies.iter().copied().filter(allowed).collect(),
                cut: false,
            };
        }
        if self.budget < copies.len() {
            // Out of budget: the first copy, as before variants were told apart.
            return Resolved {
                copies: copies.iter().take(1).copied().collect(),
                cut: true,
            };
        }
        self.budget -= copies.len();
        let copies: Vec<usize> = copies.iter().copied().filter(allowed).collect();
        let distances: Vec<Distance> = copies
            .iter()
            .map(|&c| self.folders.distance(from, file_of(c)))
            .collect();
        let Some(best) = distances.iter().min().copied() else {
            return Resolved {
                copies: Vec::new(),
                cut: false,
            };
        };
        let mut nearest: Vec<usize> = copies
            .iter()
            .zip(&distances)
            .filter(|(_, d)| **d == best)
            .map(|(&c, _)| c)
            .collect();
        // Equally near copies in folders beside the referrer's (`staging/` seen from
        // `qa/`, one fixture's folder from another's) are sibling variants: the reference
        // belongs to none of them. Copies below the referrer's folder, or in it, are all its.
        let (up, down, _) = best;
        if nearest.len() > 1 && up > 0 && down > 0 {
            return Resolved {
                copies: Vec::new(),
                cut: false,
            };
        }
        let cut = nearest.len() > MAX_RELATED;
        nearest.truncate(MAX_RELATED);
        Resolved {
            copies: nearest,
            cut,
        }
    }
}

/// What [`Index::build`] reads of one object, before it goes into the tables.
enum Read<'a> {
    /// Outside the focus namespaces.
    Skipped,
    /// Any other object: only its key, if it has a name.
    Other(Option<Key>),
    Workload(Key, kube::Workload<'a>, Labels<'a>),
    /// An autoscaler without a target reference is only a key.
    Autoscaler(Option<Key>, Option<Autoscaler<'a>>),
    Vpa(Option<Key>, Option<Vpa<'a>>),
    Pdb(Option<Key>, Pdb<'a>),
}

impl<'a> Read<'a> {
    fn of(obj: &'a Object) -> Read<'a> {
        let key = Key::of(obj);
        if let Some(view) = kube::Workload::of(obj) {
            // An unnamed workload is not indexed, not even as a key.
            return match key {
                Some(key) => Read::Workload(key, view, view.pod_labels()),
                None => Read::Other(None),
            };
        }
        if let Some(view) = kube::Autoscaler::of(obj) {
            let a = view.scale_target_ref().map(|t| Autoscaler {
                view,
                target: t.key,
                target_span: t.name_span,
                targets: Vec::new(),
            });
            return Read::Autoscaler(key, a);
        }
        if let Some(view) = kube::Vpa::of(obj) {
            let v = view.target_ref().map(|t| Vpa {
                view,
                target: t.key,
                target_span: t.name_span,
                targets: Vec::new(),
            });
            return Read::Vpa(key, v);
        }
        if let Some(view) = kube::Pdb::of(obj) {
            return Read::Pdb(
                key,
                Pdb {
                    view,
                    selector: view.selector(),
                    workloads: Vec::new(),
                },
            );
        }
        Read::Other(key)
    }
}

/// The indexes of one scope, one namespace at a time: each is built, checked and dropped
/// before the next, so that only one namespace's tables (and, packed projections being
/// decoded a namespace at a time, one namespace's trees) are in memory. Every reference
/// between workloads, autoscalers, VPAs and PDBs stays within a namespace, so each
/// namespace's relations are those one index over every object would resolve; what is
/// shared is decided over every object first (the variants of folders, told apart by
/// objects of any namespace) or carried from one namespace to the next (the comparison
/// budget). Objects of other formats (flat configs, configs embedded in ConfigMaps, which
/// rules relate by folder across namespaces) form one more part of their own.
pub struct Namespaces<'f> {
    folders: Folders<'f>,
    budget: usize,
    files: Vec<&'f str>,
}

impl<'f> Namespaces<'f> {
    /// For objects whose `file` ids index `files` (shown paths); `heads` are every object
    /// of the scope.
    pub fn new<'o>(files: Vec<&'f str>, heads: impl IntoIterator<Item = Head<'o>>) -> Self {
        Namespaces {
            folders: Folders::with_variants(&files, heads),
            budget: BUDGET,
            files,
        }
    }

    /// The part an object is indexed in: its namespace for a Kubernetes object, `None` for
    /// any other format; not indexed at all (the outer `None`) in a namespace outside
    /// `focus` (see [`Index::build_around`]): all its objects are in context files, whose
    /// findings are dropped.
    pub fn part<'o>(head: &Head<'o>, focus: Option<&HashSet<&str>>) -> Option<Option<&'o str>> {
        if head.format != crate::model::Format::Kubernetes {
            return Some(None);
        }
        match focus {
            Some(focus) if !focus.contains(head.namespace) => None,
            _ => Some(Some(head.namespace)),
        }
    }

    /// The index of one part's objects, in input order.
    pub fn index<'a>(
        &mut self,
        objects: Vec<&'a Object>,
        focus: Option<&HashSet<&str>>,
    ) -> Index<'a>
    where
        'f: 'a,
    {
        let mut resolver = Resolver {
            folders: &self.folders,
            budget: self.budget,
        };
        let index = Index::build_part(objects, self.files.clone(), focus, &mut resolver);
        self.budget = resolver.budget;
        index
    }
}

/// Items grouped by part (see [`Namespaces::part`]): parts in the order they first appear,
/// items in input order.
pub fn parts<'o, T>(items: impl IntoIterator<Item = (Option<&'o str>, T)>) -> Vec<Vec<T>> {
    let mut parts: Vec<Vec<T>> = Vec::new();
    let mut number: HashMap<Option<&'o str>, usize> = HashMap::new();
    for (part, item) in items {
        let i = *number.entry(part).or_insert_with(|| {
            parts.push(Vec::new());
            parts.len() - 1
        });
        if let Some(p) = parts.get_mut(i) {
            p.push(item);
        }
    }
    parts
}

#[derive(Debug, Default)]
pub struct Index<'a> {
    pub objects: Vec<&'a Object>,
    /// Named workloads, in input order.
    pub workloads: Vec<Workload<'a>>,
    /// Autoscalers, in input order. The HPA that KEDA creates for an analysed ScaledObject
    /// (in a cluster dump) is left out: it is that ScaledObject.
    pub autoscalers: Vec<Autoscaler<'a>>,
    pub vpas: Vec<Vpa<'a>>,
    pub pdbs: Vec<Pdb<'a>>,
    /// Namespaces that hold at least one analysed workload.
    pub workload_namespaces: HashSet<String>,
    /// The path (as shown, `/`-separated) of every analysed file, by `FileId`: for rules
    /// about files side by side (a redis.conf with a sentinel.conf beside it), and for
    /// telling variants apart.
    pub files: Vec<&'a str>,
    /// Relations a limit cut short, to report.
    pub incomplete: Vec<Incomplete>,
    /// Every copy of each workload, in input order.
    workload_copies: HashMap<Key, Vec<usize>>,
    /// Autoscalers whose target is not analysed at all, by target and folder: one copy per
    /// autoscaler (the first), in input order. Those side by side scale one workload
    /// together; in other folders they may be variants, so they are not related.
    unresolved: HashMap<(Key, usize), Vec<usize>>,
    /// The folder number of each file (see `Folders::id`).
    folder_ids: Vec<usize>,
    workloads_by_namespace: HashMap<String, Vec<usize>>,
    /// Every named object of every kind, for "present under another API group".
    object_keys: HashSet<Key>,
}

impl<'a> Index<'a> {
    /// The index over `objects`, whose `file` ids index `files` (shown paths).
    pub fn build(objects: impl IntoIterator<Item = &'a Object>, files: Vec<&'a str>) -> Index<'a> {
        Index::build_within(objects, files, None, BUDGET)
    }

    /// The index for findings about objects of the `focus` namespaces only (the files named
    /// when the rest of the project is read for context): every reference between workloads,
    /// autoscalers, VPAs and PDBs stays within a namespace, so the relations of the others
    /// are not resolved. Every object is still in [`Index::objects`] (variants of folders
    /// are told apart by objects of any namespace; files side by side relate across them).
    pub fn build_around(
        objects: impl IntoIterator<Item = &'a Object>,
        files: Vec<&'a str>,
        focus: &HashSet<&str>,
    ) -> Index<'a> {
        Index::build_within(objects, files, Some(focus), BUDGET)
    }

    /// The same, with `budget` comparisons instead of [`BUDGET`] (tests reach it cheaply).
    fn build_within(
        objects: impl IntoIterator<Item = &'a Object>,
        files: Vec<&'a str>,
        focus: Option<&HashSet<&str>>,
        budget: usize,
    ) -> Index<'a> {
        let objects: Vec<&'a Object> = objects.into_iter().collect();
        let folders = Folders::with_variants(&files, objects.iter().map(|o| Head::of(o)));
        let mut resolver = Resolver {
            folders: &folders,
            budget,
        };
        Index::build_part(objects, files, focus, &mut resolver)
    }

    /// [`Namespaces`] over trees: the index of each namespace of `objects` in turn, handed
    /// to `each` (what the engine does with decoded projections).
    #[cfg(test)]
    pub(crate) fn each_namespace(
        objects: impl IntoIterator<Item = &'a Object>,
        files: Vec<&'a str>,
        focus: Option<&HashSet<&str>>,
        mut each: impl FnMut(Index<'_>),
    ) {
        let objects: Vec<&'a Object> = objects.into_iter().collect();
        let mut namespaces = Namespaces::new(files, objects.iter().map(|o| Head::of(o)));
        let parts = parts(
            objects
                .into_iter()
                .filter_map(|o| Some((Namespaces::part(&Head::of(o), focus)?, o))),
        );
        for part in parts {
            each(namespaces.index(part, focus));
        }
    }

    /// The index over `objects` (all of them, or one namespace's), with folders and budget
    /// from `resolver`.
    fn build_part(
        objects: Vec<&'a Object>,
        files: Vec<&'a str>,
        focus: Option<&HashSet<&str>>,
        resolver: &mut Resolver<'_, '_>,
    ) -> Index<'a> {
        let mut ix = Index {
            objects,
            files,
            ..Index::default()
        };
        // What each object is read as, on every thread: views, keys, pod labels and parsed
        // selectors are most of the build's work (allocations), and each object's is its
        // own. Then, in input order, into the tables.
        let read: Vec<Read<'a>> = {
            use rayon::prelude::*;
            ix.objects
                .par_iter()
                .with_min_len(256)
                .map(|&obj| {
                    if focus.is_some_and(|f| !f.contains(obj.namespace.as_str())) {
                        Read::Skipped
                    } else {
                        Read::of(obj)
                    }
                })
                .collect()
        };
        for r in read {
            match r {
                Read::Skipped => {}
                Read::Other(key) => {
                    ix.object_keys.extend(key);
                }
                Read::Workload(key, view, labels) => {
                    let i = ix.workloads.len();
                    let ns = &view.obj.namespace;
                    if !ix.workload_namespaces.contains(ns) {
                        ix.workload_namespaces.insert(ns.clone());
                    }
                    match ix.workloads_by_namespace.get_mut(ns) {
                        Some(v) => v.push(i),
                        None => {
                            ix.workloads_by_namespace.insert(ns.clone(), vec![i]);
                        }
                    }
                    ix.object_keys.insert(key.clone());
                    ix.workload_copies.entry(key.clone()).or_default().push(i);
                    ix.workloads.push(Workload {
                        view,
                        key,
                        labels,
                        pdbs: Vec::new(),
                        autoscalers: Vec::new(),
                        vpas: Vec::new(),
                    });
                }
                Read::Autoscaler(key, a) => {
                    ix.object_keys.extend(key);
                    ix.autoscalers.extend(a);
                }
                Read::Vpa(key, v) => {
                    ix.object_keys.extend(key);
                    ix.vpas.extend(v);
                }
                Read::Pdb(key, p) => {
                    ix.object_keys.extend(key);
                    ix.pdbs.push(p);
                }
            }
        }
        ix.drop_keda_hpas();
        ix.resolve_targets(resolver);
        ix.match_pdbs(resolver);
        ix.link_workloads(resolver.folders);
        ix
    }

    /// Leave out the HPAs KEDA made for ScaledObjects that are analysed too: owned by one
    /// (`ownerReferences`), or named as KEDA names it, with the same target.
    fn drop_keda_hpas(&mut self) {
        let mut scaled: HashSet<(&str, &str, &Key)> = HashSet::new();
        let mut keda_hpas: HashSet<(&str, String, &Key)> = HashSet::new();
        for a in &self.autoscalers {
            let Some(so) = a.scaled_object() else {
                continue;
            };
            let name = so.obj.name.as_deref().unwrap_or_default();
            scaled.insert((&so.obj.namespace, name, &a.target));
            keda_hpas.insert((&so.obj.namespace, so.hpa_name(), &a.target));
        }
        if scaled.is_empty() {
            return;
        }
        let keep: Vec<bool> = self
            .autoscalers
            .iter()
            .map(|a| {
                let Some(hpa) = a.hpa() else {
                    return true;
                };
                let ns = a.obj.namespace.as_str();
                let named = a
                    .obj
                    .name
                    .as_deref()
                    .is_some_and(|n| keda_hpas.contains(&(ns, n.to_string(), &a.target)));
                let owned = hpa
                    .scaled_object_owners()
                    .any(|so| scaled.contains(&(ns, so, &a.target)));
                !(named || owned)
            })
            .collect();
        let mut keep = keep.into_iter();
        self.autoscalers.retain(|_| keep.next().unwrap_or(true));
    }

    /// Each autoscaler's and VPA's target: the nearest copies of the workload it names.
    fn resolve_targets(&mut self, resolver: &mut Resolver<'_, '_>) {
        let workloads = &self.workloads;
        let file_of = |i: usize| workloads.get(i).map_or(usize::MAX, |w| w.obj.file);
        // One reference: `obj`'s to `target`, written at `span`.
        let mut resolve = |obj: &Object, target: &Key, span: Span| {
            let copies = self
                .workload_copies
                .get(target)
                .map_or(&[][..], Vec::as_slice);
            let r = resolver.nearest(obj.file, copies, file_of);
            if r.cut {
                self.incomplete
                    .push(cut_copies(obj, span, target, copies.len()));
            }
            r.copies
        };
        for a in &mut self.autoscalers {
            a.targets = resolve(a.obj, &a.target, a.target_span);
        }
        for v in &mut self.vpas {
            v.targets = resolve(v.obj, &v.target, v.target_span);
        }
        let mut unresolved: HashMap<(Key, usize), Vec<usize>> = HashMap::new();
        let mut seen: HashSet<(&Key, usize, Identity<'a>)> = HashSet::new();
        for (i, a) in self.autoscalers.iter().enumerate() {
            let folder = resolver.folders.id(a.obj.file);
            if !self.workload_copies.contains_key(&a.target)
                && seen.insert((&a.target, folder, identity(a.obj)))
            {
                unresolved
                    .entry((a.target.clone(), folder))
                    .or_default()
                    .push(i);
            }
        }
        self.unresolved = unresolved;
        self.folder_ids = resolver.folders.id_of_file.clone();
    }

    /// Match every PDB against the workloads of its namespace, keeping of each selected
    /// workload the copies nearest the PDB.
    fn match_pdbs(&mut self, resolver: &mut Resolver<'_, '_>) {
        // (namespace, label key, label value) → workloads whose pods carry that label: a
        // sorted vector (the workloads of a label are a run of it, in input order) of only
        // the keys a budget's selector is anchored on. A map of vectors of every label took
        // 8 MB on `-n 10000`, at the heap's peak.
        let anchors: HashSet<(&str, &str)> = self
            .pdbs
            .iter()
            .filter_map(|p| {
                let (k, _) = p.selector.required_values()?;
                Some((p.obj.namespace.as_str(), k))
            })
            .collect();
        let mut by_label: Vec<((&str, &str, &str), usize)> = Vec::new();
        for (i, w) in self.workloads.iter().enumerate() {
            let ns = w.obj.namespace.as_str();
            for (k, v) in &w.labels {
                if anchors.contains(&(ns, *k)) {
                    by_label.push(((ns, k, v), i));
                }
            }
        }
        by_label.sort_unstable();
        let (labels, label_workloads): (Vec<(&str, &str, &str)>, Vec<usize>) =
            by_label.into_iter().unzip();
        let with_label = |label: (&str, &str, &str)| -> &[usize] {
            let start = labels.partition_point(|l| *l < label);
            let end = labels.partition_point(|l| *l <= label);
            label_workloads.get(start..end).unwrap_or_default()
        };
        let workloads = &self.workloads;
        let file_of = |i: usize| workloads.get(i).map_or(usize::MAX, |w| w.obj.file);
        let mut matches: Vec<Vec<usize>> = Vec::with_capacity(self.pdbs.len());
        for pdb in &self.pdbs {
            let ns = pdb.obj.namespace.as_str();
            // Candidate lists, borrowed: a pod has one value per label key, so the lists of
            // an anchor's distinct values are disjoint.
            let lists: Vec<&[usize]> = match pdb.selector.required_values() {
                Some((k, values)) => {
                    let mut values: Vec<&str> = values.iter().map(String::as_str).collect();
                    values.sort_unstable();
                    values.dedup();
                    values
                        .into_iter()
                        .map(|v| with_label((ns, k, v)))
                        .filter(|l| !l.is_empty())
                        .collect()
                }
                None if pdb.selector == Selector::Nothing => Vec::new(),
                None => self
                    .workloads_by_namespace
                    .get(ns)
                    .map(|v| vec![v.as_slice()])
                    .unwrap_or_default(),
            };
            let candidates: usize = lists.iter().map(|l| l.len()).sum();
            let mut found = Vec::new();
            let mut evaluated = 0;
            for &i in lists.into_iter().flatten() {
                if resolver.budget == 0 {
                    break;
                }
                resolver.budget -= 1;
                evaluated += 1;
                if workloads
                    .get(i)
                    .is_some_and(|w| pdb.selector.matches(&w.labels))
                {
                    found.push(i);
                }
            }
            let mut cut = evaluated < candidates;
            let kept = if found.len() <= 1 {
                // One workload, no copies to choose between (it may still be a sibling
                // variant's): no grouping needed.
                resolver.nearest(pdb.obj.file, &found, file_of).copies
            } else {
                // Of the copies of each selected workload, the nearest to the budget.
                let mut by_key: HashMap<&Key, Vec<usize>> = HashMap::new();
                for &i in &found {
                    if let Some(w) = workloads.get(i) {
                        by_key.entry(&w.key).or_default().push(i);
                    }
                }
                let mut kept = Vec::with_capacity(found.len());
                for copies in by_key.values() {
                    let r = resolver.nearest(pdb.obj.file, copies, file_of);
                    cut |= r.cut;
                    kept.extend(r.copies);
                }
                kept.sort_unstable();
                kept
            };
            if cut {
                self.incomplete.push(cut_pdb(pdb.obj, candidates));
            }
            matches.push(kept);
        }
        for (p, ws) in matches.into_iter().enumerate() {
            if let Some(pdb) = self.pdbs.get_mut(p) {
                pdb.workloads = ws;
            }
        }
    }

    /// Each workload's autoscalers, VPAs and PDBs: those that resolved to it, one copy per
    /// object (the nearest to the workload, the first of equals).
    fn link_workloads(&mut self, folders: &Folders<'_>) {
        let linked = |refs: Vec<(&'a Object, &[usize])>| reverse(&self.workloads, folders, &refs);
        let autoscalers = linked(
            self.autoscalers
                .iter()
                .map(|a| (a.obj, a.targets.as_slice()))
                .collect(),
        );
        let vpas = linked(
            self.vpas
                .iter()
                .map(|v| (v.obj, v.targets.as_slice()))
                .collect(),
        );
        let pdbs = linked(
            self.pdbs
                .iter()
                .map(|p| (p.obj, p.workloads.as_slice()))
                .collect(),
        );
        for (w, ((a, v), p)) in self
            .workloads
            .iter_mut()
            .zip(autoscalers.into_iter().zip(vpas).zip(pdbs))
        {
            w.autoscalers = a;
            w.vpas = v;
            w.pdbs = p;
        }
    }

    /// The shown path of file `id` (empty when unknown).
    pub fn file_path(&self, id: FileId) -> &'a str {
        self.files.get(id).copied().unwrap_or("")
    }

    /// Whether any copy of this workload is analysed.
    pub fn has_workload(&self, key: &Key) -> bool {
        self.workload_copies.contains_key(key)
    }

    /// The workloads of namespace `ns`, in input order (every copy).
    pub fn workloads_in(&self, ns: &str) -> impl Iterator<Item = &Workload<'a>> {
        self.workloads_by_namespace
            .get(ns)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.workloads.get(i))
    }

    /// How many analysed workloads (copies included) namespace `ns` holds.
    pub fn workload_count_in(&self, ns: &str) -> usize {
        self.workloads_by_namespace.get(ns).map_or(0, Vec::len)
    }

    /// Whether any analysed object, of any API group, has this namespace, kind and name.
    pub fn has_object(&self, key: &Key) -> bool {
        self.object_keys.contains(key)
    }

    /// The autoscalers that scale workload `w`, in input order, one copy each.
    pub fn autoscalers_of(&self, w: &Workload<'a>) -> impl Iterator<Item = &Autoscaler<'a>> {
        w.autoscalers
            .iter()
            .filter_map(|&i| self.autoscalers.get(i))
    }

    /// The autoscalers beside file `near` (in its folder) whose target, `key`, is not
    /// analysed at all: they scale it together (one copy each, in input order).
    pub fn autoscalers_of_missing(
        &self,
        key: &Key,
        near: FileId,
    ) -> impl Iterator<Item = &Autoscaler<'a>> {
        self.missing(key, near)
            .iter()
            .filter_map(|&i| self.autoscalers.get(i))
    }

    /// How many autoscalers beside file `near` scale the unanalysed workload `key`.
    pub fn autoscaler_count_of_missing(&self, key: &Key, near: FileId) -> usize {
        self.missing(key, near).len()
    }

    fn missing(&self, key: &Key, near: FileId) -> &[usize] {
        let folder = self.folder_ids.get(near).copied().unwrap_or(usize::MAX);
        // One lookup per call: the key is cloned, not the list.
        self.unresolved
            .get(&(key.clone(), folder))
            .map_or(&[], Vec::as_slice)
    }

    /// The VPAs that resize workload `w`, in input order, one copy each.
    pub fn vpas_of(&self, w: &Workload<'a>) -> impl Iterator<Item = &Vpa<'a>> {
        w.vpas.iter().filter_map(|&i| self.vpas.get(i))
    }

    /// The copies of the workload a target reference resolved to.
    pub fn workloads_at(&self, targets: &[usize]) -> impl Iterator<Item = &Workload<'a>> {
        targets.iter().filter_map(|&i| self.workloads.get(i))
    }
}

/// For each workload, the objects (indices into `refs`) whose references resolved to it:
/// `refs` gives each object and the workloads it resolved to.
fn reverse(
    workloads: &[Workload<'_>],
    folders: &Folders<'_>,
    refs: &[(&Object, &[usize])],
) -> Vec<Vec<usize>> {
    let mut lists: Vec<Vec<usize>> = vec![Vec::new(); workloads.len()];
    for (i, (_, targets)) in refs.iter().enumerate() {
        for &w in *targets {
            if let Some(list) = lists.get_mut(w) {
                list.push(i);
            }
        }
    }
    workloads
        .iter()
        .zip(lists)
        .map(|(w, ids)| {
            once_each(
                ids,
                |i| refs.get(i).map(|(o, _)| *o),
                |o| folders.distance(w.obj.file, o.file),
            )
        })
        .collect()
}

/// Of `ids` (objects that resolved to one workload), one per object identity: the nearest
/// to the workload by `distance`, the first of equals; in input order.
fn once_each<'o>(
    ids: Vec<usize>,
    object: impl Fn(usize) -> Option<&'o Object>,
    distance: impl Fn(&Object) -> Distance,
) -> Vec<usize> {
    if ids.len() <= 1 {
        return ids;
    }
    let mut best: HashMap<Identity<'o>, (Distance, usize)> = HashMap::new();
    for i in ids {
        let Some(o) = object(i) else { continue };
        let d = distance(o);
        best.entry(identity(o))
            .and_modify(|(bd, bi)| {
                if d < *bd {
                    *bd = d;
                    *bi = i;
                }
            })
            .or_insert((d, i));
    }
    let mut out: Vec<usize> = best.into_values().map(|(_, i)| i).collect();
    out.sort_unstable();
    out
}

/// The note for a PDB whose selector was matched against only part of its candidates.
fn cut_pdb(pdb: &Object, candidates: usize) -> Incomplete {
    Incomplete {
        file: pdb.file,
        span: pdb.anchor_span(),
        message: format!(
            "{} was matched against only part of the {candidates} workloads its selector may select (a limit on the work of relating objects); findings about it may be missing",
            describe(pdb)
        ),
    }
}

/// The note for a reference whose equally near copies were too many to relate.
fn cut_copies(obj: &Object, span: Span, target: &Key, copies: usize) -> Incomplete {
    Incomplete {
        file: obj.file,
        span,
        message: format!(
            "{} was related to only some of the {copies} copies of {} `{}` (a limit on the work of relating objects); findings about the others may be missing",
            describe(obj),
            target.kind,
            target.name
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(text: &str) -> crate::sources::LoadedFile {
        crate::sources::load(
            0,
            "t.yaml".into(),
            text.into(),
            crate::sources::classify::Kind::Yaml,
        )
    }

    fn labels<'a>(pairs: &[(&'a str, &'a str)]) -> Labels<'a> {
        pairs.iter().copied().collect()
    }

    const SET: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {tier: front}}\n---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web, namespace: shop}\nspec:\n  scaleTargetRef: {name: web}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: keda-hpa-web\n  namespace: shop\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {name: web, namespace: shop}\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web, tier: front}}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: all}\nspec:\n  selector: {}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: all, namespace: shop}\nspec:\n  selector: {}\n";

    #[test]
    fn the_index_relates_workloads_autoscalers_vpas_and_pdbs() {
        let loaded = objects(SET);
        let ix = Index::build(loaded.objects.iter(), vec!["t.yaml"]);
        assert_eq!(ix.workloads.len(), 1);
        let w = &ix.workloads[0];
        assert_eq!(w.labels, labels(&[("app", "web"), ("tier", "front")]));
        // The ScaledObject's kind defaulted to Deployment; KEDA's own HPA is not a second one.
        let autoscalers: Vec<&Autoscaler<'_>> = ix.autoscalers_of(w).collect();
        assert_eq!(autoscalers.len(), 1);
        assert_eq!(autoscalers[0].kind, kube::AutoscalerKind::ScaledObject);
        assert_eq!(
            autoscalers[0].min_replicas(),
            Some(kube::Effective::defaulted(0))
        );
        assert_eq!(
            autoscalers[0].max_replicas(),
            Some(kube::Effective::defaulted(100))
        );
        assert_eq!(ix.vpas_of(w).count(), 1);
        // The namespaced PDB and the catch-all of the same namespace, not the other one.
        let names: Vec<&str> = w
            .pdbs
            .iter()
            .map(|&p| ix.pdbs[p].obj.namespace.as_str())
            .collect();
        assert_eq!(names, ["shop", "shop"]);
        assert!(ix.pdbs[1].workloads.is_empty());
        assert!(ix.has_object(&w.key));
        assert!(ix.incomplete.is_empty());
    }

    #[test]
    fn an_index_around_some_namespaces_relates_their_objects_as_the_whole_one_does() {
        // The same objects in two namespaces, in folders that variants tell apart (two
        // ConfigMaps of a third namespace mark `a/` and `b/` as variants).
        let set = |ns: &str| SET.replace("namespace: shop", &format!("namespace: {ns}"));
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: other}\n";
        let files = [
            ("a/x.yaml", format!("{}---\n{cm}", set("shop"))),
            ("b/x.yaml", format!("{}---\n{cm}", set("shop"))),
            ("a/y.yaml", set("mall")),
            ("b/y.yaml", set("mall")),
        ];
        let loaded = run_of(&files);
        let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
        let all = || loaded.iter().flat_map(|l| l.objects.iter());
        let whole = Index::build(all(), paths.clone());
        let focus: HashSet<&str> = ["shop"].into_iter().collect();
        let around = Index::build_around(all(), paths, &focus);
        // Every object stays (for variants and files side by side); only `shop` is resolved.
        assert_eq!(around.objects.len(), whole.objects.len());
        assert!(around.workloads.iter().all(|w| w.obj.namespace == "shop"));
        let relations = |ix: &Index<'_>| -> Vec<String> {
            let at = |o: &Object| format!("{}:{}", ix.file_path(o.file), o.kind);
            ix.workloads
                .iter()
                .filter(|w| w.obj.namespace == "shop")
                .map(|w| {
                    let autoscalers: Vec<String> =
                        ix.autoscalers_of(w).map(|a| at(a.obj)).collect();
                    let vpas: Vec<String> = ix.vpas_of(w).map(|v| at(v.obj)).collect();
                    let pdbs: Vec<String> = w.pdbs.iter().map(|&p| at(ix.pdbs[p].obj)).collect();
                    format!("{}: {autoscalers:?} {vpas:?} {pdbs:?}", at(w.obj))
                })
                .collect()
        };
        assert_eq!(relations(&around).len(), 2);
        assert!(
            relations(&around)
                .iter()
                .all(|r| r.contains("ScaledObject") && r.contains("PodDisruptionBudget")),
            "{:?}",
            relations(&around)
        );
        assert_eq!(relations(&around), relations(&whole));
    }

    fn load(file: FileId, text: &str) -> crate::sources::LoadedFile {
        crate::sources::load(
            file,
            format!("f{file}.yaml"),
            text.into(),
            crate::sources::classify::Kind::Yaml,
        )
    }

    const HPA: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: NAME}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 10\n";
    const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n";
    const PDB: &str = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n";

    /// The files of a run: (shown path, YAML).
    fn run_of(files: &[(&'static str, String)]) -> Vec<crate::sources::LoadedFile> {
        files
            .iter()
            .enumerate()
            .map(|(id, (_, text))| load(id, text))
            .collect()
    }

    fn folder_of<'x>(ix: &Index<'x>, obj: &Object) -> &'x str {
        ix.file_path(obj.file)
    }

    #[test]
    fn copies_in_one_folder_prefer_the_same_file() {
        // A source file and a rendered file holding the same two objects.
        let text = format!("{WEB}---\n{}", HPA.replace("NAME", "web"));
        let loaded = run_of(&[("a.yaml", text.clone()), ("b.yaml", text)]);
        let ix = Index::build(
            loaded.iter().flat_map(|l| l.objects.iter()),
            vec!["a.yaml", "b.yaml"],
        );
        for w in &ix.workloads {
            let a: Vec<_> = ix.autoscalers_of(w).collect();
            assert_eq!(a.len(), 1);
            assert_eq!(a[0].obj.file, w.obj.file);
        }
    }

    #[test]
    fn variants_in_sibling_folders_are_never_related() {
        let hpa = HPA.replace("NAME", "web");
        let paths = [
            "deploy/prod/web.yaml",
            "deploy/prod/hpa.yaml",
            "deploy/prod/pdb.yaml",
            "deploy/staging/web.yaml",
            "deploy/staging/hpa.yaml",
            "deploy/staging/pdb.yaml",
        ];
        let texts = [WEB, &hpa, PDB, WEB, &hpa, PDB];
        let files: Vec<(&'static str, String)> = paths
            .iter()
            .zip(texts)
            .map(|(p, t)| (*p, t.to_string()))
            .collect();
        let loaded = run_of(&files);
        let ix = Index::build(loaded.iter().flat_map(|l| l.objects.iter()), paths.to_vec());
        assert_eq!(ix.workloads.len(), 2);
        for w in &ix.workloads {
            let folder = folder_of(&ix, w.obj).rsplit_once('/').unwrap().0;
            let a: Vec<_> = ix.autoscalers_of(w).collect();
            assert_eq!(a.len(), 1);
            assert!(folder_of(&ix, a[0].obj).starts_with(folder));
            assert_eq!(w.pdbs.len(), 1);
            assert!(folder_of(&ix, ix.pdbs[w.pdbs[0]].obj).starts_with(folder));
        }
        for a in &ix.autoscalers {
            assert_eq!(a.targets.len(), 1);
        }
        for p in &ix.pdbs {
            assert_eq!(p.workloads.len(), 1);
        }
    }

    #[test]
    fn an_object_above_the_variants_relates_to_each_and_a_single_copy_to_anyone() {
        // One HPA in deploy/ for the staging and prod copies of `web`; a PDB in a folder of
        // its own for a workload with a single copy elsewhere.
        let hpa = HPA.replace("NAME", "web");
        let other = WEB
            .replace("name: web", "name: api")
            .replace("app: web", "app: api");
        let other_pdb = PDB
            .replace("app: web", "app: api")
            .replace("name: web", "name: api");
        let paths = [
            "deploy/hpa.yaml",
            "deploy/prod/web.yaml",
            "deploy/staging/web.yaml",
            "apps/api.yaml",
            "policies/api-pdb.yaml",
        ];
        let texts = [hpa, WEB.to_string(), WEB.to_string(), other, other_pdb];
        let files: Vec<(&'static str, String)> =
            paths.iter().zip(texts).map(|(p, t)| (*p, t)).collect();
        let loaded = run_of(&files);
        let ix = Index::build(loaded.iter().flat_map(|l| l.objects.iter()), paths.to_vec());
        assert_eq!(ix.autoscalers[0].targets.len(), 2);
        for w in ix.workloads.iter().filter(|w| w.key.name == "web") {
            assert_eq!(ix.autoscalers_of(w).count(), 1);
        }
        let api = ix.workloads.iter().find(|w| w.key.name == "api").unwrap();
        assert_eq!(api.pdbs.len(), 1);
    }

    #[test]
    fn equally_near_copies_in_sibling_folders_are_none_of_the_referrers() {
        // One fixture's HPA, other fixtures' Deployments of the same name; and two HPAs on a
        // workload that is not analysed, one beside the other and one in another folder.
        let hpa = HPA.replace("NAME", "web");
        let missing = HPA.replace("name: web}", "name: gone}");
        let paths = [
            "fixtures/a/hpa.yaml",
            "fixtures/b/web.yaml",
            "fixtures/c/web.yaml",
            "fixtures/d/one.yaml",
            "fixtures/d/two.yaml",
            "fixtures/e/three.yaml",
        ];
        let texts = [
            hpa,
            WEB.to_string(),
            WEB.to_string(),
            missing.replace("NAME", "one"),
            missing.replace("NAME", "two"),
            missing.replace("NAME", "three"),
        ];
        let files: Vec<(&'static str, String)> =
            paths.iter().zip(texts).map(|(p, t)| (*p, t)).collect();
        let loaded = run_of(&files);
        let ix = Index::build(loaded.iter().flat_map(|l| l.objects.iter()), paths.to_vec());
        assert!(ix.autoscalers[0].targets.is_empty());
        assert!(ix.workloads.iter().all(|w| w.autoscalers.is_empty()));
        let gone = ix.autoscalers[1].target.clone();
        assert_eq!(ix.autoscaler_count_of_missing(&gone, 3), 2);
        assert_eq!(ix.autoscaler_count_of_missing(&gone, 5), 1);
    }

    #[test]
    fn the_same_folder_wins_over_a_subfolder_and_a_parent() {
        let hpa = HPA.replace("NAME", "web");
        let paths = [
            "a/web.yaml",
            "a/b/hpa.yaml",
            "a/b/c/web.yaml",
            "a/b/web.yaml",
        ];
        let texts = [WEB.to_string(), hpa, WEB.to_string(), WEB.to_string()];
        let files: Vec<(&'static str, String)> =
            paths.iter().zip(texts).map(|(p, t)| (*p, t)).collect();
        let loaded = run_of(&files);
        let ix = Index::build(loaded.iter().flat_map(|l| l.objects.iter()), paths.to_vec());
        let targets: Vec<&str> = ix
            .workloads_at(&ix.autoscalers[0].targets)
            .map(|w| ix.file_path(w.obj.file))
            .collect();
        assert_eq!(targets, ["a/b/web.yaml"]);
        // Without it, the subfolder (closest common ancestor a/b) beats the parent.
        let ix = Index::build(
            loaded.iter().take(3).flat_map(|l| l.objects.iter()),
            paths.to_vec(),
        );
        let targets: Vec<&str> = ix
            .workloads_at(&ix.autoscalers[0].targets)
            .map(|w| ix.file_path(w.obj.file))
            .collect();
        assert_eq!(targets, ["a/b/c/web.yaml"]);
    }

    #[test]
    fn every_autoscaler_is_related_and_the_work_stays_bounded() {
        let text: Vec<String> = (0..300)
            .map(|i| HPA.replace("NAME", &format!("h{i}")))
            .collect();
        let loaded = load(0, &format!("{WEB}---\n{}", text.join("---\n")));
        let ix = Index::build(loaded.objects.iter(), vec!["t.yaml"]);
        assert_eq!(ix.workloads[0].autoscalers.len(), 300);
        assert!(ix.incomplete.is_empty());
    }

    #[test]
    fn a_budget_that_cuts_pdb_matching_short_says_so() {
        // 30 catch-all PDBs over 20 workloads: 600 evaluations, over a budget of 500.
        let workloads: Vec<String> = (0..20)
            .map(|i| WEB.replace("name: web", &format!("name: w{i}")))
            .collect();
        let pdbs: Vec<String> = (0..30)
            .map(|i| {
                format!("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: p{i}}}\nspec:\n  selector: {{}}\n")
            })
            .collect();
        let loaded = load(
            0,
            &format!("{}---\n{}", workloads.join("---\n"), pdbs.join("---\n")),
        );
        let ix = Index::build_within(loaded.objects.iter(), vec!["t.yaml"], None, 500);
        assert_eq!(ix.incomplete.len(), 5);
        let first = &ix.incomplete[0];
        assert!(
            first
                .message
                .contains("was matched against only part of the 20 workloads"),
            "{}",
            first.message
        );
        assert_eq!(loaded.source.slice(first.span), "p25");
        // With the default budget, nothing is cut.
        assert!(
            Index::build(loaded.objects.iter(), vec!["t.yaml"])
                .incomplete
                .is_empty()
        );
    }

    #[test]
    fn too_many_equally_near_copies_are_cut_and_said() {
        let hpa = HPA.replace("NAME", "web");
        let copies = vec![WEB; MAX_RELATED + 1].join("---\n");
        let loaded = [load(0, &copies), load(1, &hpa)];
        let ix = Index::build(
            loaded.iter().flat_map(|l| l.objects.iter()),
            vec!["a/web.yaml", "hpa.yaml"],
        );
        assert_eq!(ix.autoscalers[0].targets.len(), MAX_RELATED);
        assert_eq!(ix.incomplete.len(), 1);
        assert!(
            ix.incomplete[0]
                .message
                .contains("only some of the 65 copies"),
            "{}",
            ix.incomplete[0].message
        );
    }
}

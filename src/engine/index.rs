//! The index over every analysed object, for rules that relate objects to each other.
//! Keys follow Kubernetes: namespace (absent ⇒ `default`) + kind + name.
//!
//! It holds workloads (Deployment, StatefulSet) with the labels their pods carry, autoscalers
//! (HorizontalPodAutoscaler, KEDA ScaledObject) and VerticalPodAutoscalers by target, and
//! PodDisruptionBudgets with their label selectors already matched against the workloads.
//! Every lookup is hashed, so building and querying it stays linear in the input.

use crate::model::{FileId, Node, Object, Span};
use crate::rules::common::int_value;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A workload's identity (or any object's: kind is not limited to workloads).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub namespace: String,
    pub kind: String,
    pub name: String,
}

impl Key {
    fn of(obj: &Object) -> Option<Key> {
        Some(Key {
            namespace: obj.namespace.clone(),
            kind: obj.kind.clone(),
            name: obj.name.clone()?,
        })
    }
}

/// Whether `obj` is a KEDA ScaledObject.
pub fn is_scaled_object(obj: &Object) -> bool {
    obj.group() == "keda.sh" && obj.kind == "ScaledObject"
}

/// Whether `obj` is a VerticalPodAutoscaler.
pub fn is_vpa(obj: &Object) -> bool {
    obj.group() == "autoscaling.k8s.io" && obj.kind == "VerticalPodAutoscaler"
}

/// Whether `obj` is a PodDisruptionBudget. Besides `policy`, the core group is accepted:
/// `apiVersion: v1` is a common slip (Polaris' own fixtures make it) and the intent is plain.
pub fn is_pdb(obj: &Object) -> bool {
    matches!(obj.group(), "policy" | "") && obj.kind == "PodDisruptionBudget"
}

/// What kind of autoscaler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoscalerKind {
    Hpa,
    ScaledObject,
}

/// An autoscaler and what it scales.
#[derive(Debug)]
pub struct Autoscaler<'a> {
    pub obj: &'a Object,
    pub kind: AutoscalerKind,
    /// The workload named by `scaleTargetRef` (a ScaledObject's kind defaults to Deployment).
    pub target: Key,
    /// The `scaleTargetRef.name` value, for labels.
    pub target_span: Span,
}

/// The fewest replicas an autoscaler keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MinReplicas {
    pub value: i64,
    /// The written value (`minReplicas`, `minReplicaCount`), or `None` when defaulted.
    pub span: Option<Span>,
}

impl<'a> Autoscaler<'a> {
    pub fn is_hpa(&self) -> bool {
        self.kind == AutoscalerKind::Hpa
    }

    /// `HorizontalPodAutoscaler `web`` for messages.
    pub fn describe(&self) -> String {
        describe(self.obj)
    }

    /// The effective minimum: `minReplicas` (absent ⇒ 1) of an HPA, `minReplicaCount`
    /// (absent ⇒ 0) of a ScaledObject. `None` when the written value is not an integer.
    pub fn min_replicas(&self) -> Option<MinReplicas> {
        let (field, default) = match self.kind {
            AutoscalerKind::Hpa => ("minReplicas", 1),
            AutoscalerKind::ScaledObject => ("minReplicaCount", 0),
        };
        match self.obj.root.path(&["spec", field]) {
            Some(node) => Some(MinReplicas {
                value: int_value(node)?,
                span: Some(node.span),
            }),
            None => Some(MinReplicas {
                value: default,
                span: None,
            }),
        }
    }
}

/// The name of the HPA KEDA makes for ScaledObject `so`.
fn keda_hpa_name(so: &Object) -> String {
    so.root
        .path(&["spec", "advanced", "horizontalPodAutoscalerConfig", "name"])
        .and_then(Node::as_str)
        .map_or_else(
            || format!("keda-hpa-{}", so.name.as_deref().unwrap_or_default()),
            str::to_string,
        )
}

/// `Kind `name`` for messages.
pub fn describe(obj: &Object) -> String {
    format!(
        "{} `{}`",
        obj.kind,
        obj.name.as_deref().unwrap_or("<unnamed>")
    )
}

/// A VerticalPodAutoscaler and the workload its `targetRef` names.
#[derive(Debug)]
pub struct Vpa<'a> {
    pub obj: &'a Object,
    pub target: Key,
    pub target_span: Span,
}

/// One requirement of a label selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// `matchLabels` entries are `In` with one value.
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl Requirement {
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        }
    }
}

/// A label selector, as Kubernetes evaluates it: every requirement must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// A null or absent selector, an invalid one (the API rejects it), or an empty one in
    /// policy/v1beta1: no pod.
    Nothing,
    /// An empty selector (`{}`) in policy/v1: every pod of the namespace.
    Everything,
    All(Vec<Requirement>),
}

impl Selector {
    /// Parse `selector` (`matchLabels` and `matchExpressions`). `empty_matches_all` is the
    /// meaning of `{}`, which differs between PDB versions.
    pub fn parse(node: Option<&Node>, empty_matches_all: bool) -> Selector {
        let Some(node) = node.filter(|n| !n.is_null()) else {
            return Selector::Nothing;
        };
        if node.as_map().is_none() {
            return Selector::Nothing;
        }
        let mut reqs = Vec::new();
        if let Some(labels) = node.get("matchLabels") {
            let Some(entries) = labels.as_map() else {
                return Selector::Nothing;
            };
            for e in entries {
                let (Some(k), Some(v)) = (e.key.text(), label_value(&e.value)) else {
                    return Selector::Nothing;
                };
                reqs.push(Requirement::In(k.to_string(), vec![v]));
            }
        }
        if let Some(exprs) = node.get("matchExpressions") {
            let Some(items) = exprs.as_seq() else {
                return Selector::Nothing;
            };
            for item in items {
                match expression(item) {
                    Some(r) => reqs.push(r),
                    None => return Selector::Nothing,
                }
            }
        }
        if reqs.is_empty() {
            if empty_matches_all {
                Selector::Everything
            } else {
                Selector::Nothing
            }
        } else {
            Selector::All(reqs)
        }
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            Selector::Nothing => false,
            Selector::Everything => true,
            Selector::All(reqs) => reqs.iter().all(|r| r.matches(labels)),
        }
    }

    /// Label pairs one of which a matching pod must carry (from the first `In`), to find
    /// candidates by hash instead of testing every workload; `None` when there are none.
    fn anchor(&self) -> Option<(&str, &[String])> {
        match self {
            Selector::All(reqs) => reqs.iter().find_map(|r| match r {
                Requirement::In(k, vs) => Some((k.as_str(), vs.as_slice())),
                _ => None,
            }),
            _ => None,
        }
    }
}

fn label_value(node: &Node) -> Option<String> {
    if node.is_null() {
        return Some(String::new());
    }
    node.text().map(str::to_string)
}

/// One `matchExpressions` item; `None` when the API would reject it.
fn expression(item: &Node) -> Option<Requirement> {
    let key = item.get("key")?.text()?.to_string();
    let values: Vec<String> = match item.get("values") {
        Some(v) => v
            .as_seq()?
            .iter()
            .map(label_value)
            .collect::<Option<Vec<_>>>()?,
        None => Vec::new(),
    };
    match item.get("operator")?.as_str()? {
        "In" if !values.is_empty() => Some(Requirement::In(key, values)),
        "NotIn" if !values.is_empty() => Some(Requirement::NotIn(key, values)),
        "Exists" if values.is_empty() => Some(Requirement::Exists(key)),
        "DoesNotExist" if values.is_empty() => Some(Requirement::DoesNotExist(key)),
        _ => None,
    }
}

/// A PodDisruptionBudget and the workloads whose pods it selects.
#[derive(Debug)]
pub struct Pdb<'a> {
    pub obj: &'a Object,
    pub selector: Selector,
    /// Indices into [`Index::workloads`], in input order.
    pub workloads: Vec<usize>,
}

/// A workload with the labels its pods carry.
#[derive(Debug)]
pub struct Workload<'a> {
    pub obj: &'a Object,
    pub key: Key,
    /// The pod template's labels, plus the selector's `matchLabels`, which the API server
    /// requires the template to carry (so they hold for a template written without labels).
    pub labels: BTreeMap<String, String>,
    /// Indices into [`Index::pdbs`] of the PDBs that select these pods, in input order.
    pub pdbs: Vec<usize>,
}

/// Selector evaluations allowed while matching PDBs to workloads. Hashing on a label each
/// matching pod must carry keeps real inputs far below it; it only bounds hostile ones
/// (thousands of catch-all PDBs times thousands of workloads), which then match partially.
const MATCH_BUDGET: usize = 5_000_000;

/// Related objects one lookup returns, at most (real inputs have one to three): keeps
/// hostile inputs, thousands of autoscalers on one workload, linear.
pub const MAX_RELATED: usize = 64;

/// An object's identity in the cluster: kind, namespace, name.
type Identity<'a> = (&'a str, &'a str, Option<&'a str>);

fn identity(o: &Object) -> Identity<'_> {
    (o.kind.as_str(), o.namespace.as_str(), o.name.as_deref())
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
    /// about files side by side (a redis.conf with a sentinel.conf beside it).
    pub files: Vec<&'a str>,
    /// The first copy of each workload (several when a kustomize base and its rendered
    /// output are analysed together), and each copy by (first copy, file).
    workload_first: HashMap<Key, usize>,
    workload_in_file: HashMap<(usize, FileId), usize>,
    workloads_by_namespace: HashMap<String, Vec<usize>>,
    /// The first copy of each autoscaler of a target, in input order, and each copy by
    /// (first copy, file).
    autoscalers_by_target: HashMap<Key, Vec<usize>>,
    autoscaler_in_file: HashMap<(usize, FileId), usize>,
    vpas_by_target: HashMap<Key, Vec<usize>>,
    /// Every named object of every kind, for "present under another API group".
    object_keys: HashSet<Key>,
}

impl<'a> Index<'a> {
    pub fn build(objects: impl IntoIterator<Item = &'a Object>) -> Index<'a> {
        let mut ix = Index::default();
        for obj in objects {
            ix.objects.push(obj);
            if let Some(key) = Key::of(obj) {
                ix.object_keys.insert(key);
            }
            if obj.is_workload() {
                if let Some(key) = Key::of(obj) {
                    ix.workload_namespaces.insert(obj.namespace.clone());
                    ix.workloads_by_namespace
                        .entry(obj.namespace.clone())
                        .or_default()
                        .push(ix.workloads.len());
                    let i = ix.workloads.len();
                    let first = *ix.workload_first.entry(key.clone()).or_insert(i);
                    ix.workload_in_file.entry((first, obj.file)).or_insert(i);
                    ix.workloads.push(Workload {
                        obj,
                        key,
                        labels: pod_labels(obj),
                        pdbs: Vec::new(),
                    });
                }
            } else if obj.is_hpa() {
                if let Some(a) = target(obj, AutoscalerKind::Hpa) {
                    ix.autoscalers.push(a);
                }
            } else if is_scaled_object(obj) {
                if let Some(a) = target(obj, AutoscalerKind::ScaledObject) {
                    ix.autoscalers.push(a);
                }
            } else if is_vpa(obj) {
                if let Some((key, span)) = target_ref(obj, &["spec", "targetRef"], None) {
                    ix.vpas.push(Vpa {
                        obj,
                        target: key,
                        target_span: span,
                    });
                }
            } else if is_pdb(obj) {
                let empty_matches_all = obj.api_version != "policy/v1beta1";
                ix.pdbs.push(Pdb {
                    obj,
                    selector: Selector::parse(
                        obj.root.path(&["spec", "selector"]),
                        empty_matches_all,
                    ),
                    workloads: Vec::new(),
                });
            }
        }
        ix.drop_keda_hpas();
        let mut first_autoscaler: HashMap<Identity<'a>, usize> = HashMap::new();
        for (i, a) in ix.autoscalers.iter().enumerate() {
            let first = *first_autoscaler.entry(identity(a.obj)).or_insert(i);
            ix.autoscaler_in_file
                .entry((first, a.obj.file))
                .or_insert(i);
            if first == i {
                ix.autoscalers_by_target
                    .entry(a.target.clone())
                    .or_default()
                    .push(i);
            }
        }
        let mut first_vpa: HashSet<Identity<'a>> = HashSet::new();
        for (i, v) in ix.vpas.iter().enumerate() {
            if first_vpa.insert(identity(v.obj)) {
                ix.vpas_by_target
                    .entry(v.target.clone())
                    .or_default()
                    .push(i);
            }
        }
        ix.match_pdbs();
        ix
    }

    /// Leave out the HPAs KEDA made for ScaledObjects that are analysed too: owned by one
    /// (`ownerReferences`), or named as KEDA names it, with the same target.
    fn drop_keda_hpas(&mut self) {
        let mut scaled: HashSet<(&str, &str, &Key)> = HashSet::new();
        let mut keda_hpas: HashSet<(&str, String, &Key)> = HashSet::new();
        for so in &self.autoscalers {
            if so.kind != AutoscalerKind::ScaledObject {
                continue;
            }
            let name = so.obj.name.as_deref().unwrap_or_default();
            scaled.insert((&so.obj.namespace, name, &so.target));
            keda_hpas.insert((&so.obj.namespace, keda_hpa_name(so.obj), &so.target));
        }
        if scaled.is_empty() {
            return;
        }
        let keep: Vec<bool> = self
            .autoscalers
            .iter()
            .map(|a| {
                if !a.is_hpa() {
                    return true;
                }
                let ns = a.obj.namespace.as_str();
                let named = a
                    .obj
                    .name
                    .as_deref()
                    .is_some_and(|n| keda_hpas.contains(&(ns, n.to_string(), &a.target)));
                let owned = a
                    .obj
                    .root
                    .path(&["metadata", "ownerReferences"])
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter(|r| r.get("kind").and_then(Node::as_str) == Some("ScaledObject"))
                    .filter_map(|r| r.get("name").and_then(Node::text))
                    .any(|so| scaled.contains(&(ns, so, &a.target)));
                !(named || owned)
            })
            .collect();
        let mut keep = keep.into_iter();
        self.autoscalers.retain(|_| keep.next().unwrap_or(true));
    }

    /// Match every PDB against the workloads of its namespace.
    fn match_pdbs(&mut self) {
        // (namespace, label key, label value) → workloads whose pods carry that label.
        let mut by_label: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
        for (i, w) in self.workloads.iter().enumerate() {
            for (k, v) in &w.labels {
                by_label
                    .entry((&w.obj.namespace, k, v))
                    .or_default()
                    .push(i);
            }
        }
        let mut budget = MATCH_BUDGET;
        let mut matches: Vec<Vec<usize>> = Vec::with_capacity(self.pdbs.len());
        for pdb in &self.pdbs {
            let ns = pdb.obj.namespace.as_str();
            // Candidate lists, borrowed: a pod has one value per label key, so the lists of
            // an anchor's distinct values are disjoint.
            let lists: Vec<&[usize]> = match pdb.selector.anchor() {
                Some((k, values)) => {
                    let mut values: Vec<&str> = values.iter().map(String::as_str).collect();
                    values.sort_unstable();
                    values.dedup();
                    values
                        .into_iter()
                        .filter_map(|v| by_label.get(&(ns, k, v)).map(Vec::as_slice))
                        .collect()
                }
                None if pdb.selector == Selector::Nothing => Vec::new(),
                None => self
                    .workloads_by_namespace
                    .get(ns)
                    .map(|v| vec![v.as_slice()])
                    .unwrap_or_default(),
            };
            let mut found = Vec::new();
            for &i in lists.into_iter().flatten() {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                if self
                    .workloads
                    .get(i)
                    .is_some_and(|w| pdb.selector.matches(&w.labels))
                {
                    found.push(i);
                }
            }
            found.sort_unstable();
            matches.push(found);
        }
        for (p, ws) in matches.into_iter().enumerate() {
            for &w in &ws {
                if let Some(w) = self.workloads.get_mut(w) {
                    w.pdbs.push(p);
                }
            }
            if let Some(pdb) = self.pdbs.get_mut(p) {
                pdb.workloads = ws;
            }
        }
    }

    /// The shown path of file `id` (empty when unknown).
    pub fn file_path(&self, id: FileId) -> &'a str {
        self.files.get(id).copied().unwrap_or("")
    }

    /// The first analysed workload with this key.
    pub fn workload(&self, key: &Key) -> Option<&'a Object> {
        self.workload_near(key, None)
    }

    /// The analysed workload with this key, preferring a copy in file `near` (a rendered
    /// file analysed beside its sources holds copies: labels then stay in that file).
    pub fn workload_near(&self, key: &Key, near: Option<FileId>) -> Option<&'a Object> {
        let first = *self.workload_first.get(key)?;
        let i = near
            .and_then(|file| self.workload_in_file.get(&(first, file)))
            .copied()
            .unwrap_or(first);
        self.workloads.get(i).map(|w| w.obj)
    }

    /// The workloads of namespace `ns`, in input order.
    pub fn workloads_in(&self, ns: &str) -> impl Iterator<Item = &Workload<'a>> {
        self.workloads_by_namespace
            .get(ns)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.workloads.get(i))
    }

    /// How many analysed workloads namespace `ns` holds.
    pub fn workload_count_in(&self, ns: &str) -> usize {
        self.workloads_by_namespace.get(ns).map_or(0, Vec::len)
    }

    /// Whether any analysed object, of any API group, has this namespace, kind and name.
    pub fn has_object(&self, key: &Key) -> bool {
        self.object_keys.contains(key)
    }

    /// Autoscalers whose target is `obj`, preferring copies in its file.
    pub fn autoscalers_of(&self, obj: &Object) -> Vec<&Autoscaler<'a>> {
        let Some(key) = Key::of(obj) else {
            return Vec::new();
        };
        self.autoscalers_near(&key, Some(obj.file))
    }

    /// Autoscalers whose target is `key`, in input order (at most [`MAX_RELATED`]). Copies
    /// of one autoscaler (same kind, namespace and name: a kustomize base and its rendered
    /// output, analysed together) count once, as the first.
    pub fn autoscalers_of_key(&self, key: &Key) -> Vec<&Autoscaler<'a>> {
        self.autoscalers_near(key, None)
    }

    /// The same, preferring for each autoscaler its copy in file `near`.
    pub fn autoscalers_near(&self, key: &Key, near: Option<FileId>) -> Vec<&Autoscaler<'a>> {
        let firsts = self
            .autoscalers_by_target
            .get(key)
            .map_or(&[][..], Vec::as_slice);
        firsts
            .iter()
            .take(MAX_RELATED)
            .map(|&first| {
                near.and_then(|file| self.autoscaler_in_file.get(&(first, file)))
                    .copied()
                    .unwrap_or(first)
            })
            .filter_map(|i| self.autoscalers.get(i))
            .collect()
    }

    /// How many distinct autoscalers target `key` (copies counted once).
    pub fn autoscaler_count(&self, key: &Key) -> usize {
        self.autoscalers_by_target.get(key).map_or(0, Vec::len)
    }

    /// VerticalPodAutoscalers whose target is `key`, in input order (at most
    /// [`MAX_RELATED`]), copies counted once.
    pub fn vpas_of_key(&self, key: &Key) -> Vec<&Vpa<'a>> {
        let firsts = self.vpas_by_target.get(key).map_or(&[][..], Vec::as_slice);
        firsts
            .iter()
            .take(MAX_RELATED)
            .filter_map(|&i| self.vpas.get(i))
            .collect()
    }
}

/// Whether two objects are the same object of the cluster: kind, namespace and name.
pub fn same_object(a: &Object, b: &Object) -> bool {
    a.kind == b.kind && a.namespace == b.namespace && a.name == b.name
}

/// The autoscaler `obj` is, with its target; `None` without a target name.
fn target(obj: &Object, kind: AutoscalerKind) -> Option<Autoscaler<'_>> {
    let default_kind = match kind {
        AutoscalerKind::Hpa => None,
        // KEDA: `kind` is optional and defaults to Deployment.
        AutoscalerKind::ScaledObject => Some("Deployment"),
    };
    let (target, target_span) = target_ref(obj, &["spec", "scaleTargetRef"], default_kind)?;
    Some(Autoscaler {
        obj,
        kind,
        target,
        target_span,
    })
}

/// The object a `scaleTargetRef`/`targetRef` at `path` names, in `obj`'s namespace.
fn target_ref(obj: &Object, path: &[&str], default_kind: Option<&str>) -> Option<(Key, Span)> {
    let r: &Node = obj.root.path(path)?;
    let kind = match r.get("kind") {
        Some(k) => k.as_str()?,
        None => default_kind?,
    };
    let name_node = r.get("name")?;
    let name = name_node.as_str()?;
    Some((
        Key {
            namespace: obj.namespace.clone(),
            kind: kind.to_string(),
            name: name.to_string(),
        },
        name_node.span,
    ))
}

/// The labels every pod of a workload carries.
fn pod_labels(obj: &Object) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    let template = obj
        .root
        .path(&["spec", "template", "metadata", "labels"])
        .and_then(Node::as_map)
        .unwrap_or(&[]);
    let selector = obj
        .root
        .path(&["spec", "selector", "matchLabels"])
        .and_then(Node::as_map)
        .unwrap_or(&[]);
    for e in template.iter().chain(selector) {
        if let (Some(k), Some(v)) = (e.key.text(), label_value(&e.value)) {
            labels.entry(k.to_string()).or_insert(v);
        }
    }
    labels
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

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn selector(yaml: &str, empty_matches_all: bool) -> Selector {
        let parsed = crate::sources::yaml::parse(yaml, crate::sources::yaml::Limits::default());
        let root = parsed.documents.into_iter().next().unwrap().root;
        Selector::parse(root.get("selector"), empty_matches_all)
    }

    #[test]
    fn label_selector_semantics() {
        let pod = labels(&[("app", "web"), ("tier", "front")]);
        let s = selector(
            "selector:\n  matchLabels: {app: web}\n  matchExpressions:\n  - {key: tier, operator: In, values: [front, back]}\n  - {key: canary, operator: DoesNotExist}\n  - {key: app, operator: Exists}\n  - {key: tier, operator: NotIn, values: [db]}\n",
            true,
        );
        assert!(s.matches(&pod));
        assert!(!s.matches(&labels(&[("app", "web"), ("tier", "db")])));
        assert!(!s.matches(&labels(&[
            ("app", "web"),
            ("tier", "front"),
            ("canary", "1")
        ])));
        // NotIn holds when the key is absent.
        let s = selector(
            "selector:\n  matchExpressions: [{key: env, operator: NotIn, values: [prod]}]\n",
            true,
        );
        assert!(s.matches(&pod));
        assert!(!s.matches(&labels(&[("env", "prod")])));
    }

    #[test]
    fn empty_null_and_invalid_selectors() {
        let pod = labels(&[("app", "web")]);
        assert_eq!(selector("selector: {}\n", true), Selector::Everything);
        assert_eq!(selector("selector: {}\n", false), Selector::Nothing);
        assert_eq!(selector("selector:\n", true), Selector::Nothing);
        assert_eq!(selector("other: 1\n", true), Selector::Nothing);
        assert!(selector("selector: {}\n", true).matches(&pod));
        // The API rejects these; they select nothing.
        for bad in [
            "selector:\n  matchExpressions: [{key: app, operator: In, values: []}]\n",
            "selector:\n  matchExpressions: [{key: app, operator: Exists, values: [web]}]\n",
            "selector:\n  matchExpressions: [{key: app, operator: Equals, values: [web]}]\n",
            "selector:\n  matchExpressions: [{operator: Exists}]\n",
            "selector:\n  matchLabels: [app]\n",
            "selector: web\n",
        ] {
            assert_eq!(selector(bad, true), Selector::Nothing, "{bad}");
        }
    }

    const SET: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {tier: front}}\n---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web, namespace: shop}\nspec:\n  scaleTargetRef: {name: web}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: keda-hpa-web\n  namespace: shop\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {name: web, namespace: shop}\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web, tier: front}}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: all}\nspec:\n  selector: {}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: all, namespace: shop}\nspec:\n  selector: {}\n";

    #[test]
    fn the_index_relates_workloads_autoscalers_vpas_and_pdbs() {
        let loaded = objects(SET);
        let ix = Index::build(loaded.objects.iter());
        assert_eq!(ix.workloads.len(), 1);
        let w = &ix.workloads[0];
        assert_eq!(w.labels, labels(&[("app", "web"), ("tier", "front")]));
        // The ScaledObject's kind defaulted to Deployment; KEDA's own HPA is not a second one.
        let autoscalers = ix.autoscalers_of(w.obj);
        assert_eq!(autoscalers.len(), 1);
        assert_eq!(autoscalers[0].kind, AutoscalerKind::ScaledObject);
        assert_eq!(
            autoscalers[0].min_replicas(),
            Some(MinReplicas {
                value: 0,
                span: None
            })
        );
        assert_eq!(ix.vpas_of_key(&w.key).len(), 1);
        // The namespaced PDB and the catch-all of the same namespace, not the other one.
        let names: Vec<&str> = w
            .pdbs
            .iter()
            .map(|&p| ix.pdbs[p].obj.namespace.as_str())
            .collect();
        assert_eq!(names, ["shop", "shop"]);
        assert!(ix.pdbs[1].workloads.is_empty());
        assert!(ix.has_object(&w.key));
    }

    fn load(file: FileId, text: &str) -> crate::sources::LoadedFile {
        crate::sources::load(
            file,
            format!("f{file}.yaml"),
            text.into(),
            crate::sources::classify::Kind::Yaml,
        )
    }

    const HPA: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: NAME}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n";
    const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n";

    #[test]
    fn copies_count_once_and_the_copy_in_the_same_file_is_preferred() {
        // A source file and a rendered file holding the same two objects.
        let text = format!("{WEB}---\n{}", HPA.replace("NAME", "web"));
        let (a, b) = (load(0, &text), load(1, &text));
        let ix = Index::build(a.objects.iter().chain(&b.objects));
        let key = &ix.workloads[0].key;
        assert_eq!(ix.autoscaler_count(key), 1);
        assert_eq!(ix.autoscalers_of_key(key)[0].obj.file, 0);
        assert_eq!(ix.autoscalers_near(key, Some(1))[0].obj.file, 1);
        assert_eq!(ix.workload_near(key, Some(1)).map(|o| o.file), Some(1));
        assert_eq!(ix.workload(key).map(|o| o.file), Some(0));
    }

    #[test]
    fn lookups_are_bounded() {
        let text: Vec<String> = (0..300)
            .map(|i| HPA.replace("NAME", &format!("h{i}")))
            .collect();
        let loaded = load(0, &format!("{WEB}---\n{}", text.join("---\n")));
        let ix = Index::build(loaded.objects.iter());
        let key = &ix.workloads[0].key;
        assert_eq!(ix.autoscaler_count(key), 300);
        assert_eq!(ix.autoscalers_of_key(key).len(), MAX_RELATED);
    }
}

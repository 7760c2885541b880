//! Kustomizations as written: each `kustomization.yaml` read with positions (what it lists,
//! and the fields that change objects), the graph of bases and components, the roots of a
//! run and the role of every file a kustomization names.

use crate::model::{Node, Span};
use crate::sources::yaml;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

/// The names kustomize looks for in a folder, in its order.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Whether `path` is a kustomization file by its name.
pub fn is_kustomization_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| FILE_NAMES.contains(&n))
}

/// The kustomization file of a folder, if it has one.
pub fn kustomization_in(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

/// Each input file's absolute, normalized path (by input id) and the id of each such path,
/// made once on first use and shared by Kustomize and Helm (a `canonicalize` per file, so
/// not made at all in runs that have neither).
pub(in crate::engine) struct InputPaths<'a> {
    inputs: &'a [crate::engine::read::Input],
    made: std::cell::OnceCell<Normalized>,
}

/// The normalized path of each input (by id), and the id of each path.
type Normalized = (Vec<Option<PathBuf>>, HashMap<PathBuf, usize>);

impl<'a> InputPaths<'a> {
    pub(in crate::engine) fn new(inputs: &'a [crate::engine::read::Input]) -> InputPaths<'a> {
        InputPaths {
            inputs,
            made: std::cell::OnceCell::new(),
        }
    }

    /// (path by input id, id by path).
    pub(in crate::engine) fn get(&self) -> &Normalized {
        self.made.get_or_init(|| {
            let paths: Vec<Option<PathBuf>> = self
                .inputs
                .iter()
                .map(|i| match i {
                    crate::engine::read::Input::File { path, .. } => Some(normalize(path)),
                    _ => None,
                })
                .collect();
            let ids = paths
                .iter()
                .enumerate()
                .filter_map(|(id, p)| Some((p.clone()?, id)))
                .collect();
            (paths, ids)
        })
    }
}

/// `path` made absolute and free of `.` and `..`, through symlinks where it exists (so two
/// spellings of one file compare equal), lexically where it does not.
pub fn normalize(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// What a file is to the kustomizations that name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Listed under `resources:`: its objects are rendered.
    Resource,
    /// A strategic-merge or JSON 6902 patch: a fragment, never a whole object.
    Patch,
    /// Read by a generator, a transformer or replacement configuration.
    Input,
    /// A kustomization file (of an overlay, a base or a component).
    Kustomization,
}

/// A reference to a file or folder, as written.
#[derive(Clone, Debug)]
pub struct Ref {
    pub raw: String,
    /// Absolute, normalized (see [`normalize`]).
    pub path: PathBuf,
    pub span: Span,
}

/// The resources a patch applies to (`target:`), as written.
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub annotation_selector: Option<String>,
}

/// Where a patch's text is.
#[derive(Clone, Debug)]
pub enum PatchText {
    /// A file (`path:`, or an entry of `patchesStrategicMerge`).
    File(PathBuf),
    /// Written inline in the kustomization file: the text and the offset in the
    /// kustomization file of each of its lines.
    Inline { text: String, lines: Vec<usize> },
}

#[derive(Clone, Debug)]
pub struct Patch {
    pub text: PatchText,
    pub target: Option<Target>,
    /// Listed under `patchesJson6902` (the text is a list of operations).
    pub json6902: bool,
}

/// An entry of `replicas:`.
#[derive(Clone, Debug)]
pub struct Replicas {
    pub name: String,
    /// The `count` value.
    pub span: Span,
}

/// An entry of `images:`.
#[derive(Clone, Debug)]
pub struct Image {
    pub name: String,
    /// `newName`, `newTag` or `digest`: the last one written.
    pub span: Span,
}

/// One kustomization file, read.
#[derive(Clone, Debug)]
pub struct Kustomization {
    /// Absolute, normalized.
    pub file: PathBuf,
    pub dir: PathBuf,
    /// `kind: Component`.
    pub component: bool,
    pub resources: Vec<Ref>,
    pub components: Vec<Ref>,
    pub patches: Vec<Patch>,
    /// Files read by generators, transformers, replacements, configurations.
    pub inputs: Vec<PathBuf>,
    pub namespace: Option<(String, Span)>,
    pub replicas: Vec<Replicas>,
    pub images: Vec<Image>,
    /// `labels[].pairs` and `commonLabels`: label key → where it is written.
    pub labels: Vec<(String, Span)>,
    /// References kustomize would fetch over the network (URLs, git repositories, Helm
    /// chart repositories), as written.
    pub remote: Vec<Ref>,
    /// Where a finding about the kustomization as a whole points (its first key).
    pub anchor: Span,
}

fn text_of(node: &Node) -> Option<String> {
    node.as_scalar().map(|s| s.text.to_string())
}

fn strings(node: Option<&Node>) -> Vec<(String, Span)> {
    node.and_then(Node::as_seq)
        .into_iter()
        .flatten()
        .filter_map(|n| Some((text_of(n)?, n.span)))
        .collect()
}

/// Whether kustomize would fetch `raw` rather than read it from disk.
pub fn is_remote(raw: &str, local: &Path) -> bool {
    if local.exists() {
        return false;
    }
    let lower = raw.to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("git@")
        || lower.starts_with("github.com/")
        || lower.starts_with("gitlab.com/")
        || lower.starts_with("bitbucket.org/")
        || lower.contains("?ref=")
        || lower.contains(".git//")
        || lower.ends_with(".git")
}

/// The offset in `file_text` of each line of a literal block scalar (`patch: |`) whose node
/// spans `span`, or `None` when the scalar is written in another style (its positions are
/// then the scalar's start).
fn block_lines(file_text: &str, span: Span, content: &str) -> Option<Vec<usize>> {
    let written = file_text.get(span.start..span.end)?;
    if !written.starts_with('|') {
        return None;
    }
    let first_line = span.start + written.find('\n')? + 1;
    let body = file_text.get(first_line..span.end.max(first_line))?;
    let indent = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())?;
    let mut out = Vec::new();
    let mut at = first_line;
    for _ in content.split('\n') {
        let line = file_text.get(at..).unwrap_or("");
        let len = line.find('\n').unwrap_or(line.len());
        out.push(at + indent.min(len));
        at += len + 1;
    }
    Some(out)
}

fn target_of(node: Option<&Node>) -> Option<Target> {
    let node = node?;
    node.as_map()?;
    let field = |k: &str| node.get(k).and_then(text_of);
    Some(Target {
        group: field("group"),
        version: field("version"),
        kind: field("kind"),
        name: field("name"),
        namespace: field("namespace"),
        label_selector: field("labelSelector"),
        annotation_selector: field("annotationSelector"),
    })
}

impl Kustomization {
    /// Reads the kustomization file at `file` (absolute).
    pub fn read(file: &Path) -> Result<Kustomization, String> {
        let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
        Ok(Kustomization::parse(file, &text))
    }

    /// A kustomization from its text; what cannot be understood is left out (kustomize
    /// itself reports it when the overlay is built).
    pub fn parse(file: &Path, text: &str) -> Kustomization {
        let file = normalize(file);
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let parsed = yaml::parse(text, yaml::Limits::default());
        let root = parsed
            .documents
            .into_iter()
            .next()
            .map(|d| d.root)
            .unwrap_or_else(|| Node::string(Span::point(0), ""));
        let at = |raw: &str| normalize(&dir.join(raw));
        let reference = |(raw, span): (String, Span)| Ref {
            path: at(&raw),
            raw,
            span,
        };
        let mut k = Kustomization {
            anchor: root
                .as_map()
                .and_then(|m| m.first())
                .map_or(Span::point(0), |e| e.key.span),
            component: root.get("kind").and_then(Node::text) == Some("Component"),
            file: file.clone(),
            dir: dir.clone(),
            resources: Vec::new(),
            components: Vec::new(),
            patches: Vec::new(),
            inputs: Vec::new(),
            namespace: root
                .get("namespace")
                .and_then(|n| Some((text_of(n)?, n.span))),
            replicas: Vec::new(),
            images: Vec::new(),
            labels: Vec::new(),
            remote: Vec::new(),
        };
        for key in ["resources", "bases"] {
            for r in strings(root.get(key)).into_iter().map(reference) {
                if is_remote(&r.raw, &r.path) {
                    k.remote.push(r);
                } else {
                    k.resources.push(r);
                }
            }
        }
        for r in strings(root.get("components")).into_iter().map(reference) {
            if is_remote(&r.raw, &r.path) {
                k.remote.push(r);
            } else {
                k.components.push(r);
            }
        }
        if let Some(charts) = root.get("helmCharts").and_then(Node::as_seq) {
            for chart in charts {
                if let Some(repo) = chart.get("repo")
                    && let Some(raw) = text_of(repo)
                {
                    k.remote.push(Ref {
                        path: PathBuf::from(&raw),
                        raw,
                        span: repo.span,
                    });
                }
            }
        }
        k.read_patches(&root, text);
        k.read_inputs(&root);
        if let Some(items) = root.get("replicas").and_then(Node::as_seq) {
            for item in items {
                if let (Some(name), Some(count)) =
                    (item.get("name").and_then(text_of), item.get("count"))
                {
                    k.replicas.push(Replicas {
                        name,
                        span: count.span,
                    });
                }
            }
        }
        if let Some(items) = root.get("images").and_then(Node::as_seq) {
            for item in items {
                let Some(name) = item.get("name").and_then(text_of) else {
                    continue;
                };
                let set = item
                    .as_map()
                    .into_iter()
                    .flatten()
                    .rev()
                    .find(|e| matches!(e.key.text(), Some("newName" | "newTag" | "digest")));
                if let Some(e) = set {
                    k.images.push(Image {
                        name,
                        span: e.value.span,
                    });
                }
            }
        }
        // `commonLabels: {k: v}`, and `labels: [{pairs: {k: v}}]`.
        let pairs = root
            .get("labels")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
            .filter_map(|item| item.get("pairs"));
        for map in root.get("commonLabels").into_iter().chain(pairs) {
            for e in map.as_map().into_iter().flatten() {
                if let Some(key) = e.key.text() {
                    k.labels.push((key.to_string(), e.key.span));
                }
            }
        }
        k
    }

    fn read_patches(&mut self, root: &Node, text: &str) {
        let dir = self.dir.clone();
        let inline = |n: &Node| {
            let content = text_of(n)?;
            let lines = block_lines(text, n.span, &content).unwrap_or_else(|| {
                // Another style: every line of the patch is placed at the scalar's start.
                content.split('\n').map(|_| n.span.start).collect()
            });
            Some(PatchText::Inline {
                text: content,
                lines,
            })
        };
        for (key, json6902) in [("patchesJson6902", true), ("patches", false)] {
            for item in root.get(key).and_then(Node::as_seq).into_iter().flatten() {
                let source = match (item.get("path"), item.get("patch"), item.as_scalar()) {
                    (Some(p), _, _) => {
                        text_of(p).map(|raw| PatchText::File(normalize(&dir.join(raw))))
                    }
                    (None, Some(p), _) => inline(p),
                    // A bare file name (the old `patchesStrategicMerge` style) is refused by
                    // kustomize, which the render reports; the file is still a patch.
                    (None, None, Some(s)) => Some(PatchText::File(normalize(&dir.join(&*s.text)))),
                    _ => None,
                };
                // kustomize's loader fetches a patch file given as a URL.
                if let (Some(PatchText::File(f)), Some(raw)) =
                    (&source, item.get("path").and_then(Node::as_scalar))
                    && is_remote(&raw.text, f)
                {
                    self.remote.push(Ref {
                        raw: raw.text.to_string(),
                        path: f.clone(),
                        span: item.get("path").map_or(item.span, |p| p.span),
                    });
                    continue;
                }
                if let Some(text) = source {
                    self.patches.push(Patch {
                        text,
                        target: target_of(item.get("target")),
                        json6902,
                    });
                }
            }
        }
        for item in root
            .get("patchesStrategicMerge")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
        {
            let Some(raw) = text_of(item) else { continue };
            // An entry is a file name, or a patch written inline.
            let text = if raw.contains('\n') || raw.contains(':') {
                inline(item)
            } else {
                Some(PatchText::File(normalize(&dir.join(&raw))))
            };
            if let Some(text) = text {
                self.patches.push(Patch {
                    text,
                    target: None,
                    json6902: false,
                });
            }
        }
    }

    fn read_inputs(&mut self, root: &Node) {
        let dir = self.dir.clone();
        let anchor = self.anchor;
        let mut add = |raw: &str| {
            // `key=path` names the key of a generated ConfigMap or Secret.
            let raw = raw.split_once('=').map_or(raw, |(_, p)| p);
            if raw.is_empty() {
                return;
            }
            let path = normalize(&dir.join(raw));
            // kustomize's loader fetches any file given as a URL.
            if is_remote(raw, &path) {
                self.remote.push(Ref {
                    raw: raw.to_string(),
                    path,
                    span: anchor,
                });
            } else {
                self.inputs.push(path);
            }
        };
        for key in ["configMapGenerator", "secretGenerator"] {
            for item in root.get(key).and_then(Node::as_seq).into_iter().flatten() {
                for (raw, _) in strings(item.get("files"))
                    .into_iter()
                    .chain(strings(item.get("envs")))
                {
                    add(&raw);
                }
                if let Some(env) = item.get("env").and_then(Node::text) {
                    add(env);
                }
            }
        }
        for key in [
            "configurations",
            "crds",
            "generators",
            "transformers",
            "validators",
        ] {
            for (raw, _) in strings(root.get(key)) {
                add(&raw);
            }
        }
        for item in root
            .get("replacements")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
        {
            if let Some(p) = item.get("path").and_then(Node::text) {
                add(p);
            }
        }
        if let Some(p) = root
            .get("openapi")
            .and_then(|o| o.get("path"))
            .and_then(Node::text)
        {
            add(p);
        }
    }

    /// The kustomization folders this one builds on: its resources that are folders, then
    /// its components.
    pub fn children(&self) -> impl Iterator<Item = &Ref> {
        self.resources
            .iter()
            .filter(|r| r.path.is_dir())
            .chain(self.components.iter())
    }
}

/// Every kustomization of a run, the roots, and the role of each file they name.
#[derive(Debug, Default)]
pub struct Plan {
    pub kustomizations: Vec<Kustomization>,
    by_dir: HashMap<PathBuf, usize>,
    /// The kustomizations nothing in scope builds on (the overlays a user applies), in
    /// path order.
    pub roots: Vec<usize>,
    /// Every file named by a kustomization, with its roles.
    pub roles: BTreeMap<PathBuf, BTreeSet<Role>>,
    /// The kustomization files that could not be read: (file, why).
    pub unreadable: Vec<(PathBuf, String)>,
}

/// How many kustomizations a run loads at most (a guard against generated trees).
const MAX_KUSTOMIZATIONS: usize = 10_000;

impl Plan {
    /// The plan for the kustomization files `in_scope` (absolute): they, and every folder
    /// they build on, read; roots are those of `in_scope` that no other of them builds on.
    pub fn build(in_scope: &[PathBuf]) -> Plan {
        let mut plan = Plan::default();
        let mut queue: Vec<PathBuf> = in_scope.iter().map(|p| normalize(p)).collect();
        queue.sort();
        queue.dedup();
        let scope: BTreeSet<PathBuf> = queue.iter().cloned().collect();
        let mut at = 0;
        while let Some(file) = queue.get(at).cloned() {
            at += 1;
            if plan.kustomizations.len() >= MAX_KUSTOMIZATIONS {
                break;
            }
            let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
            if plan.by_dir.contains_key(&dir) {
                continue;
            }
            match Kustomization::read(&file) {
                Ok(k) => {
                    for child in k.children() {
                        if let Some(f) = kustomization_in(&child.path) {
                            queue.push(normalize(&f));
                        }
                    }
                    plan.by_dir.insert(dir, plan.kustomizations.len());
                    plan.kustomizations.push(k);
                }
                Err(e) => plan.unreadable.push((file, e)),
            }
        }
        let mut used = BTreeSet::new();
        for k in &plan.kustomizations {
            if !scope.contains(&k.file) {
                continue;
            }
            for child in k.children() {
                if let Some(&i) = plan.by_dir.get(&child.path) {
                    used.insert(i);
                }
            }
        }
        plan.roots = (0..plan.kustomizations.len())
            .filter(|i| {
                plan.kustomizations
                    .get(*i)
                    .is_some_and(|k| scope.contains(&k.file) && !k.component && !used.contains(i))
            })
            .collect();
        plan.roots.sort_by(|a, b| {
            let file = |i: &usize| plan.kustomizations.get(*i).map(|k| k.file.clone());
            file(a).cmp(&file(b))
        });
        for k in &plan.kustomizations {
            plan.roles
                .entry(k.file.clone())
                .or_default()
                .insert(Role::Kustomization);
            for r in &k.resources {
                if !r.path.is_dir() {
                    plan.roles
                        .entry(r.path.clone())
                        .or_default()
                        .insert(Role::Resource);
                }
            }
            for p in &k.patches {
                if let PatchText::File(f) = &p.text {
                    plan.roles.entry(f.clone()).or_default().insert(Role::Patch);
                }
            }
            for f in &k.inputs {
                plan.roles.entry(f.clone()).or_default().insert(Role::Input);
            }
        }
        plan
    }

    pub fn get(&self, i: usize) -> Option<&Kustomization> {
        self.kustomizations.get(i)
    }

    /// The kustomization of folder `dir` (absolute, normalized), if loaded.
    pub fn in_dir(&self, dir: &Path) -> Option<usize> {
        self.by_dir.get(dir).copied()
    }

    /// The kustomizations `root` builds on, itself first, each once (depth first, in the
    /// order they are listed).
    pub fn closure(&self, root: usize) -> Vec<usize> {
        let mut seen = Vec::new();
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            if seen.contains(&i) {
                continue;
            }
            seen.push(i);
            if let Some(k) = self.get(i) {
                let children: Vec<usize> =
                    k.children().filter_map(|c| self.in_dir(&c.path)).collect();
                stack.extend(children.into_iter().rev());
            }
        }
        seen
    }

    /// Every file `root` reads: its kustomization files, resources, patches and inputs.
    pub fn files_of(&self, root: usize) -> BTreeSet<PathBuf> {
        let mut out = BTreeSet::new();
        for i in self.closure(root) {
            let Some(k) = self.get(i) else { continue };
            out.insert(k.file.clone());
            out.extend(k.resources.iter().map(|r| r.path.clone()));
            out.extend(k.patches.iter().filter_map(|p| match &p.text {
                PatchText::File(f) => Some(f.clone()),
                PatchText::Inline { .. } => None,
            }));
            out.extend(k.inputs.iter().cloned());
        }
        out
    }

    /// The first remote reference of `root` or a kustomization it builds on.
    pub fn remote_of(&self, root: usize) -> Option<(usize, &Ref)> {
        self.closure(root)
            .into_iter()
            .find_map(|i| Some((i, self.get(i)?.remote.first()?)))
    }

    /// The namespace `root` gives each of its resource files: the outermost kustomization's
    /// `namespace:` wins, as kustomize applies it last.
    pub fn namespaces_of(&self, root: usize) -> BTreeMap<PathBuf, String> {
        let mut out = BTreeMap::new();
        let mut stack: Vec<(usize, Option<String>)> = vec![(root, None)];
        let mut seen = BTreeSet::new();
        while let Some((i, outer)) = stack.pop() {
            if !seen.insert(i) {
                continue;
            }
            let Some(k) = self.get(i) else { continue };
            let ns = outer.or_else(|| k.namespace.as_ref().map(|(n, _)| n.clone()));
            if let Some(ns) = &ns {
                for r in k.resources.iter().filter(|r| !r.path.is_dir()) {
                    out.entry(r.path.clone()).or_insert_with(|| ns.clone());
                }
            }
            for c in k.children() {
                if let Some(j) = self.in_dir(&c.path) {
                    stack.push((j, ns.clone()));
                }
            }
        }
        out
    }

    /// The chain of kustomizations from `root` down to the one that lists `file` as a
    /// resource (root first), through resources and components.
    pub fn chain_to(&self, root: usize, file: &Path) -> Option<Vec<usize>> {
        let mut path = Vec::new();
        let mut seen = BTreeSet::new();
        self.chain_dfs(root, file, &mut path, &mut seen)
            .then_some(path)
    }

    fn chain_dfs(
        &self,
        at: usize,
        file: &Path,
        path: &mut Vec<usize>,
        seen: &mut BTreeSet<usize>,
    ) -> bool {
        if !seen.insert(at) {
            return false;
        }
        let Some(k) = self.get(at) else { return false };
        path.push(at);
        if k.resources.iter().any(|r| r.path == file) || k.file == file {
            return true;
        }
        let children: Vec<usize> = k.children().filter_map(|c| self.in_dir(&c.path)).collect();
        for c in children {
            if self.chain_dfs(c, file, path, seen) {
                return true;
            }
        }
        path.pop();
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_patches_keep_their_lines() {
        let text = "patches:\n  - patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 1\n    target: {kind: Deployment}\n";
        let k = Kustomization::parse(Path::new("/x/kustomization.yaml"), text);
        let Some(Patch {
            text: PatchText::Inline { text: patch, lines },
            target: Some(t),
            ..
        }) = k.patches.first()
        else {
            panic!("one inline patch: {:?}", k.patches);
        };
        assert_eq!(t.kind.as_deref(), Some("Deployment"));
        assert_eq!(patch.lines().count(), 3);
        let second = lines[1];
        // The content line is `  path: …` (two spaces deeper than the `- op` line).
        assert_eq!(&text[second..second + 7], "  path:");
    }

    #[test]
    fn remote_references_are_told_apart() {
        let here = Path::new("/no/such/dir/x");
        assert!(is_remote("https://github.com/a/b//c?ref=v1", here));
        assert!(is_remote(
            "github.com/kubernetes-sigs/kustomize//examples",
            here
        ));
        assert!(is_remote("git@github.com:a/b.git", here));
        assert!(!is_remote("../base", here));
    }

    #[test]
    fn fields_that_change_objects_are_read() {
        let text = "namespace: prod\nreplicas:\n- name: web\n  count: 3\nimages:\n- name: nginx\n  newTag: \"1.2\"\nlabels:\n- pairs: {team: a}\n";
        let k = Kustomization::parse(Path::new("/x/kustomization.yaml"), text);
        assert_eq!(k.namespace.as_ref().map(|n| n.0.as_str()), Some("prod"));
        assert_eq!(
            k.replicas.first().map(|r| &text[r.span.start..r.span.end]),
            Some("3")
        );
        assert_eq!(
            k.images.first().map(|r| &text[r.span.start..r.span.end]),
            Some("\"1.2\"")
        );
        assert_eq!(k.labels.first().map(|l| l.0.as_str()), Some("team"));
    }
}

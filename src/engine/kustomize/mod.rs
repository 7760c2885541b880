//! Kustomize: every overlay linted as it will be applied, findings reported at the file the
//! user edits.
//!
//! Before files are read, the kustomizations in scope are read (`tree`): the roots (overlays
//! nothing else builds on) and the role of every file they name. Patch files are never linted
//! as objects; the resource files of an overlay that will be rendered are only parsed (for
//! their problems and suppressions). Each root is rendered (`render`) by the user's kustomize
//! while the other files are linted, with provenance annotations; the rendered objects are
//! linted, each root its own scope for the cross-resource rules, and every finding is traced
//! (`trace`) to the patch, kustomization field or file line that set the value. Without a
//! kustomize, or for overlays with remote bases, resource files are linted one by one with
//! the overlay's `namespace:` applied.

pub mod render;
pub mod trace;
pub mod tree;

use super::Options;
use super::diagnostics::{kustomize_error, kustomize_not_rendered, kustomize_remote_skipped};
use super::discover::shown_path;
use super::read::{Input, Treat};
use crate::model::Finding;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tree::{InputPaths, Plan, Role, normalize};

/// Whether overlays are rendered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Enabled {
    /// When a kustomize is found (else one note per overlay).
    #[default]
    Auto,
    /// Always: a missing kustomize is an error per overlay.
    Always,
    /// Never: resource files are linted one by one, silently.
    Never,
}

impl Enabled {
    pub const NAMES: [&'static str; 3] = ["auto", "always", "never"];

    pub fn parse(s: &str) -> Option<Enabled> {
        match s {
            "auto" => Some(Enabled::Auto),
            "always" => Some(Enabled::Always),
            "never" => Some(Enabled::Never),
            _ => None,
        }
    }
}

/// The `kustomize:` settings of `.scalelint.yaml` (and `--kustomize`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub enabled: Enabled,
    /// The command that builds a folder given as its last argument; default: `kustomize
    /// build`, else `kubectl kustomize`, the first found on `PATH`.
    pub command: Option<Vec<String>>,
    /// Render overlays whose bases are fetched over the network.
    pub allow_remote: bool,
    /// How long one render may take.
    pub timeout: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            enabled: Enabled::Auto,
            command: None,
            allow_remote: false,
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECONDS),
        }
    }
}

pub const DEFAULT_TIMEOUT_SECONDS: u64 = 120;

/// The kustomize part of a run, decided before files are read.
#[derive(Default)]
pub(super) struct Prepared {
    pub(super) plan: Plan,
    /// The roots to render, with the folder as shown.
    pub(super) to_render: Vec<(usize, String)>,
    command: Option<Vec<String>>,
    timeout: Duration,
    /// How each file named by a kustomization is read (absolute, normalized path).
    treat: HashMap<PathBuf, Treat>,
    /// Each input file's absolute, normalized path, by input id (made once: the
    /// kustomizations, the renders and the tracing all compare such paths).
    paths: Vec<Option<PathBuf>>,
    /// The id of each input file, by its normalized path.
    pub(super) ids: HashMap<PathBuf, usize>,
    /// The resource files of each root to render, to lint one by one if its render fails.
    resources: BTreeMap<usize, BTreeSet<PathBuf>>,
    /// The namespace each resource file gets when linted one by one.
    namespaces: BTreeMap<PathBuf, String>,
    /// Notes decided before rendering: (kustomization file, finding builder).
    notes: Vec<Note>,
}

/// A diagnostic about a root, placed once the file ids are known.
pub(super) enum Note {
    NotRendered {
        root: usize,
        why: String,
        error: bool,
    },
    Remote {
        root: usize,
        at: usize,
        remote: String,
        span: crate::model::Span,
    },
}

impl Prepared {
    /// Reads the kustomizations among `inputs` (whose paths `input_paths` normalizes) and
    /// decides what is rendered.
    pub(super) fn new(inputs: &[Input], input_paths: &InputPaths<'_>, opts: &Options) -> Prepared {
        let settings = &opts.kustomize;
        let in_scope: Vec<PathBuf> = inputs
            .iter()
            .filter_map(|i| match i {
                Input::File { path, .. } if tree::is_kustomization_file(path) => {
                    Some(normalize(path))
                }
                _ => None,
            })
            .collect();
        if in_scope.is_empty() {
            return Prepared::default();
        }
        let plan = Plan::build(&in_scope);
        let precommit = inputs.iter().any(Input::is_context);
        let (paths, ids) = input_paths.get();
        let named: BTreeSet<PathBuf> = inputs
            .iter()
            .zip(paths)
            .filter(|(i, _)| !i.is_context())
            .filter_map(|(_, p)| p.clone())
            .collect();
        let command = match settings.enabled {
            Enabled::Never => None,
            _ => render::command(settings),
        };
        let mut prepared = Prepared {
            command: command.clone(),
            timeout: settings.timeout,
            ..Prepared::default()
        };
        // Patches are fragments: never objects, rendered or not.
        for (file, roles) in &plan.roles {
            if roles.contains(&Role::Patch) && !roles.contains(&Role::Resource) {
                prepared
                    .treat
                    .insert(file.clone(), Treat::Traced { indexed: false });
            }
        }
        // A YAML file beside a kustomization that no kustomization names is not applied by
        // it (a patch kept for scripts, a commented-out entry): not linted as objects.
        for (input, file) in inputs.iter().zip(paths) {
            let (Input::File { kind, .. }, Some(file)) = (input, file) else {
                continue;
            };
            if *kind != crate::sources::classify::Kind::Yaml
                || tree::is_kustomization_file(file)
                || plan.roles.contains_key(file)
            {
                continue;
            }
            if file.parent().is_some_and(|d| plan.in_dir(d).is_some()) {
                prepared
                    .treat
                    .insert(file.clone(), Treat::Traced { indexed: false });
            }
        }
        let mut unrendered = Vec::new();
        for &root in &plan.roots {
            let files = plan.files_of(root);
            // pre-commit: only the overlays that use a named file.
            if precommit && files.is_disjoint(&named) {
                continue;
            }
            let Some(k) = plan.get(root) else { continue };
            let shown = shown_path(&k.dir);
            // Rendering turned off: files one by one, and nothing to say about it.
            if settings.enabled == Enabled::Never {
                unrendered.push(root);
                continue;
            }
            if let Some((at, remote)) = plan.remote_of(root)
                && !settings.allow_remote
            {
                prepared.notes.push(Note::Remote {
                    root,
                    at,
                    remote: remote.raw.clone(),
                    span: remote.span,
                });
                unrendered.push(root);
                continue;
            }
            if command.is_none() {
                prepared.notes.push(Note::NotRendered {
                    root,
                    why: match &settings.command {
                        Some(cmd) => format!(
                            "the configured command `{}` was not found",
                            cmd.first().map_or("", String::as_str)
                        ),
                        None => "neither `kustomize` nor `kubectl` is on PATH".to_string(),
                    },
                    error: settings.enabled == Enabled::Always,
                });
                unrendered.push(root);
                continue;
            }
            let resources: BTreeSet<PathBuf> = files
                .into_iter()
                .filter(|f| {
                    plan.roles
                        .get(f)
                        .is_some_and(|r| r.contains(&Role::Resource))
                })
                .collect();
            for f in &resources {
                prepared
                    .treat
                    .insert(f.clone(), Treat::Traced { indexed: true });
            }
            prepared.resources.insert(root, resources);
            prepared.to_render.push((root, shown));
        }
        for root in unrendered
            .into_iter()
            .chain(prepared.to_render.iter().map(|(r, _)| *r))
        {
            for (file, ns) in plan.namespaces_of(root) {
                prepared.namespaces.entry(file).or_insert(ns);
            }
        }
        for (file, ns) in &prepared.namespaces {
            prepared
                .treat
                .entry(file.clone())
                .or_insert_with(|| Treat::Namespace(ns.clone()));
        }
        prepared.ids = ids.clone();
        prepared.paths = paths.clone();
        prepared.plan = plan;
        prepared
    }

    /// How input `id` is read.
    pub(super) fn treat(&self, id: usize) -> Treat {
        self.paths
            .get(id)
            .and_then(Option::as_ref)
            .and_then(|p| self.treat.get(p))
            .cloned()
            .unwrap_or(Treat::Lint)
    }

    /// The id of the input file at `path` (normalized).
    pub(super) fn file_id(&self, path: &Path) -> Option<usize> {
        self.ids.get(path).copied()
    }

    /// How a resource file (normalized path) of a root whose render failed is read instead.
    pub(super) fn fallback(&self, path: &Path) -> Treat {
        match self.namespaces.get(path) {
            Some(ns) => Treat::Namespace(ns.clone()),
            None => Treat::Lint,
        }
    }

    /// The resource files of `root` (to render).
    pub(super) fn resources_of(&self, root: usize) -> Option<&BTreeSet<PathBuf>> {
        self.resources.get(&root)
    }

    /// Renders every root to render, a few at a time, in the order of `to_render`.
    pub(super) fn render_all(&self) -> Vec<Result<render::Rendered, String>> {
        let Some(cmd) = &self.command else {
            return Vec::new();
        };
        render::few_at_a_time(self.to_render.len(), |i| {
            let (root, shown) = self.to_render.get(i).ok_or("no such overlay")?;
            let dir = self
                .plan
                .get(*root)
                .map(|k| k.dir.clone())
                .unwrap_or_default();
            render::render(cmd, &dir, shown, self.timeout)
        })
    }

    /// The notes decided before rendering, as findings; `file_id` gives a file's id.
    pub(super) fn notes(&self, file_id: &dyn Fn(&Path) -> Option<usize>) -> Vec<Finding> {
        let mut out = Vec::new();
        for note in &self.notes {
            match note {
                Note::NotRendered { root, why, error } => {
                    let Some(k) = self.plan.get(*root) else {
                        continue;
                    };
                    let Some(id) = file_id(&k.file) else { continue };
                    let mut f =
                        kustomize_not_rendered::finding(id, k.anchor, &shown_path(&k.dir), why);
                    if *error {
                        f = kustomize_error::finding(
                            id,
                            k.anchor,
                            &shown_path(&k.dir),
                            &format!("{why} (`kustomize: {{enabled: always}}`)"),
                        );
                    }
                    out.push(f);
                }
                Note::Remote {
                    root,
                    at,
                    remote,
                    span,
                } => {
                    let (Some(k), Some(named)) = (self.plan.get(*root), self.plan.get(*at)) else {
                        continue;
                    };
                    let Some(id) = file_id(&k.file) else { continue };
                    let span = if root == at { *span } else { k.anchor };
                    out.push(kustomize_remote_skipped::finding(
                        id,
                        span,
                        &shown_path(&k.dir),
                        remote,
                        &shown_path(&named.file),
                    ));
                }
            }
        }
        out
    }
}

/// Where each object of a rendered document came from, its build-metadata annotations
/// stripped (`strip_build_metadata`). What an object carries (an embedded redis.conf, a
/// Strimzi config) came from where the object came from. A ConfigMap or Secret a generator
/// made holds the generator's input files, which are linted as files: what it carries is
/// dropped from `objects`, not linted again from the output.
pub(super) fn provenance(
    objects: &mut Vec<crate::model::Object>,
    base: &Path,
) -> Vec<trace::Provenance> {
    use crate::model::Format;
    let mut from: Vec<trace::Provenance> = objects
        .iter_mut()
        .map(|o| strip_build_metadata(o, base))
        .collect();
    let outer_of = |inner: &crate::model::Object| {
        objects
            .iter()
            .position(|o| o.format == Format::Kubernetes && o.root.span.contains(inner.root.span))
    };
    let inherited: Vec<Option<usize>> = objects
        .iter()
        .map(|o| {
            (o.format != Format::Kubernetes)
                .then(|| outer_of(o))
                .flatten()
        })
        .collect();
    for (i, outer) in inherited.into_iter().enumerate() {
        if let Some(p) = outer.and_then(|j| from.get(j).cloned())
            && let Some(slot) = from.get_mut(i)
        {
            *slot = p;
        }
    }
    let generated: Vec<crate::model::Span> = objects
        .iter()
        .zip(&from)
        .filter(|(o, p)| {
            o.format == Format::Kubernetes && p.origin.is_none() && p.configured_in.is_some()
        })
        .map(|(o, _)| o.root.span)
        .collect();
    let (kept, from): (Vec<crate::model::Object>, Vec<trace::Provenance>) = std::mem::take(objects)
        .into_iter()
        .zip(from)
        .filter(|(o, _)| {
            o.format == Format::Kubernetes || !generated.iter().any(|g| g.contains(o.root.span))
        })
        .unzip();
    *objects = kept;
    from
}

/// Removes the build-metadata annotations the wrapper asked for (and `annotations` itself
/// when nothing else is left in it), returning where the object came from.
fn strip_build_metadata(obj: &mut crate::model::Object, base: &Path) -> trace::Provenance {
    use crate::model::Value;
    let mut provenance = trace::Provenance::default();
    let Value::Map(top) = &mut obj.root.value else {
        return provenance;
    };
    let Some(meta) = top
        .iter_mut()
        .find(|e| e.key.text() == Some("metadata"))
        .map(|e| &mut e.value)
    else {
        return provenance;
    };
    let Value::Map(meta) = &mut meta.value else {
        return provenance;
    };
    let mut emptied = false;
    if let Some(ann) = meta
        .iter_mut()
        .find(|e| e.key.text() == Some("annotations"))
        .map(|e| &mut e.value)
        && let Value::Map(entries) = &mut ann.value
    {
        if let Some(origin) = entries
            .iter()
            .find(|e| e.key.text() == Some(render::ORIGIN_ANNOTATION))
            .and_then(|e| e.value.text())
        {
            provenance = trace::Provenance::parse(origin, base);
        }
        entries.retain(|e| {
            !matches!(
                e.key.text(),
                Some(render::ORIGIN_ANNOTATION | render::TRANSFORMATIONS_ANNOTATION)
            )
        });
        emptied = entries.is_empty();
    }
    if emptied {
        meta.retain(|e| e.key.text() != Some("annotations"));
    }
    provenance
}

/// The name a rendered overlay is shown under (a place that is no file on disk, like
/// `<stdin>`).
pub fn rendered_name(shown_root: &str) -> String {
    format!("<kustomize build {shown_root}>")
}

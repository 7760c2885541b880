//! Which context files can matter to the named files' findings, decided from their bytes
//! before they are parsed: pre-commit names a few files of a project that may hold tens of
//! thousands, and parsing every one for the index costs seconds.
//!
//! The index resolves only the named objects' namespaces (`Index::build_around`), and a
//! reference never leaves its namespace, so a context file can matter only when it holds
//! an object of one of them. An object of namespace `ns` other than `default` has `ns`
//! written in its file (kustomize's `namespace:` is applied before: those files are not
//! filtered here), so a file without those bytes is not parsed. Objects of `default` need
//! not say so; for them the file must name what the named objects relate to: their names,
//! the workloads autoscalers and VPAs target, the label values PDB selectors require. PDBs
//! are always read there (any of them may select a named workload by a selector that names
//! nothing, `{}` or `Exists`), as are sentinel configs for a named Redis server and every
//! file beside a named one (files side by side relate across namespaces). When that is not
//! enough to decide a finding (a target found nowhere, which `hpa-target-not-found` judges
//! against every workload of the namespace, or a PDB selector without a required value),
//! [`Wanted::complete`] says to read every file after all.
//!
//! Bytes are compared, not parsed values: a name written with escapes (`"\u0061pi"`) is
//! not recognised. What this leaves out that the whole project would give: objects of
//! other namespaces, which only tell apart variant folders (`index::Folders`) when their
//! copies are the only ones two folders share.

use crate::kube::{self, Key, Kind};
use crate::model::{Format, Object, folder};
use std::collections::HashSet;

/// The bytes a context file must hold to be parsed.
#[derive(Debug, Default)]
pub(super) struct Wanted {
    /// Namespaces of the named objects other than `default` (and the empty namespace of
    /// files that are not Kubernetes objects).
    namespaces: HashSet<String>,
    /// For objects of `default`: the names to look for; `None` when no named object is
    /// in `default`.
    tokens: Option<HashSet<String>>,
    /// What the named objects of `default` target: when one is found nowhere,
    /// `hpa-target-not-found` judges it against every workload of the namespace.
    targets: Vec<Key>,
    /// A named PDB of `default` selects by no required value (`{}`, `Exists`, `NotIn`): the
    /// workloads it selects name nothing it says.
    selects_unnamed: bool,
    /// A named Redis server: sentinel configs (any namespace's) may cover it.
    sentinels: bool,
    /// The folders (of shown paths) of the named files.
    dirs: HashSet<String>,
}

impl Wanted {
    /// What the named files' objects (`named`, from the files shown at `paths`) need.
    pub(super) fn of<'a>(
        named: impl IntoIterator<Item = &'a Object>,
        paths: impl IntoIterator<Item = &'a str>,
    ) -> Wanted {
        let mut w = Wanted {
            dirs: paths.into_iter().map(|p| folder(p).to_string()).collect(),
            ..Wanted::default()
        };
        for o in named {
            w.sentinels |= o.format == Format::Redis;
            if o.namespace == "default" {
                let t = w.tokens.get_or_insert_with(HashSet::new);
                t.extend(o.name.clone());
                let targets = references(o);
                t.extend(targets.iter().map(|k| k.name.clone()));
                w.targets.extend(targets);
                if let Some(p) = kube::Pdb::of(o) {
                    match p.selector().required_values() {
                        Some((_, values)) => t.extend(values.iter().cloned()),
                        None => w.selects_unnamed = true,
                    }
                }
            } else if !o.namespace.is_empty() {
                w.namespaces.insert(o.namespace.clone());
            }
        }
        w
    }

    /// Whether the context file shown as `shown`, with this text, is to be parsed.
    pub(super) fn keeps(&self, shown: &str, text: &str) -> bool {
        let has = |s: &str| text.contains(s);
        self.dirs.contains(folder(shown))
            || self.namespaces.iter().any(|ns| has(ns))
            || (self.sentinels && has("sentinel"))
            || self.tokens.as_ref().is_some_and(|tokens| {
                // An empty token (a label value "") is in every file.
                has(Kind::PodDisruptionBudget.name()) || tokens.iter().any(|t| has(t))
            })
    }

    /// Whether the files left unparsed must be read after all, given every object parsed
    /// (`seen`): a named object of `default` depends on objects it does not name.
    pub(super) fn complete<'a>(&self, seen: impl IntoIterator<Item = &'a Object>) -> bool {
        if self.selects_unnamed {
            return true;
        }
        if self.targets.is_empty() {
            return false;
        }
        let present: HashSet<Key> = seen
            .into_iter()
            .filter(|o| o.namespace == "default")
            .filter_map(Key::of)
            .collect();
        self.targets.iter().any(|t| !present.contains(t))
    }
}

/// The objects `o` refers to by name: an autoscaler's or a VPA's target.
fn references(o: &Object) -> Vec<Key> {
    let mut out = Vec::new();
    if let Some(a) = kube::Autoscaler::of(o)
        && let Some(t) = a.scale_target_ref()
    {
        out.push(t.key);
    }
    if let Some(v) = kube::Vpa::of(o)
        && let Some(t) = v.target_ref()
    {
        out.push(t.key);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(text: &str) -> Vec<Object> {
        crate::sources::load(
            0,
            "named.yaml".into(),
            text.into(),
            crate::sources::classify::Kind::Yaml,
        )
        .objects
    }

    const HPA: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  scaleTargetRef:\n    kind: Deployment\n    name: web-api\n  maxReplicas: 3\n";

    #[test]
    fn a_named_namespace_keeps_the_files_that_say_it() {
        let named = objects(HPA);
        let w = Wanted::of(&named, ["deploy/hpa.yaml"]);
        assert!(w.keeps("other/d.yaml", "metadata:\n  namespace: shop\n"));
        assert!(!w.keeps("other/d.yaml", "metadata:\n  name: web-api\n"));
        // Beside a named file: kept whatever it says.
        assert!(w.keeps("deploy/d.yaml", "kind: PodDisruptionBudget\n"));
        assert!(!w.complete(&[]));
    }

    #[test]
    fn the_default_namespace_keeps_names_targets_and_pdbs() {
        let named = objects(&HPA.replace("  namespace: shop\n", ""));
        let w = Wanted::of(&named, ["hpa.yaml"]);
        assert!(w.keeps("a/d.yaml", "metadata:\n  name: web-api\n"));
        assert!(w.keeps("a/p.yaml", "kind: PodDisruptionBudget\n"));
        assert!(!w.keeps("a/x.yaml", "kind: Deployment\nmetadata:\n  name: other\n"));
        // The target was not found: every workload of the namespace is needed.
        assert!(w.complete(&named));
        let target = objects("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-api\n");
        assert!(!w.complete(&target));
    }

    #[test]
    fn a_pdb_without_a_required_value_needs_everything() {
        let pdb = |selector: &str| {
            objects(&format!(
                "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\nspec:\n  maxUnavailable: 1\n  selector: {selector}\n"
            ))
        };
        let some = pdb("{matchLabels: {app: web}}");
        let w = Wanted::of(&some, ["p.yaml"]);
        assert!(w.keeps("a/d.yaml", "labels: {app: web}"));
        assert!(!w.complete(&[]));
        let all = pdb("{}");
        assert!(Wanted::of(&all, ["p.yaml"]).complete(&[]));
    }
}

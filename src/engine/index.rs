//! The index over every analysed object, for rules that relate objects to each other.
//! Keys follow Kubernetes: namespace (absent ⇒ `default`) + kind + name.

use crate::model::{FileId, Node, Object, Span};
use std::collections::HashMap;

/// A workload's identity.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub namespace: String,
    pub kind: String,
    pub name: String,
}

/// An autoscaler (HPA today; KEDA ScaledObject later) and what it scales.
#[derive(Debug)]
pub struct Autoscaler<'a> {
    pub obj: &'a Object,
    /// The workload named by `scaleTargetRef`.
    pub target: Key,
    /// The `scaleTargetRef.name` value, for labels.
    pub target_span: Span,
}

#[derive(Debug, Default)]
pub struct Index<'a> {
    pub objects: Vec<&'a Object>,
    pub workloads: HashMap<Key, Vec<&'a Object>>,
    pub autoscalers: Vec<Autoscaler<'a>>,
    /// Namespaces that hold at least one analysed workload.
    pub workload_namespaces: std::collections::HashSet<String>,
    /// The path (as shown, `/`-separated) of every analysed file, by `FileId`: for rules
    /// about files side by side (a redis.conf with a sentinel.conf beside it).
    pub files: Vec<&'a str>,
}

impl<'a> Index<'a> {
    pub fn build(objects: impl IntoIterator<Item = &'a Object>) -> Index<'a> {
        let mut ix = Index::default();
        for obj in objects {
            ix.objects.push(obj);
            if obj.is_workload() {
                if let Some(name) = &obj.name {
                    ix.workloads
                        .entry(Key {
                            namespace: obj.namespace.clone(),
                            kind: obj.kind.clone(),
                            name: name.clone(),
                        })
                        .or_default()
                        .push(obj);
                    ix.workload_namespaces.insert(obj.namespace.clone());
                }
            } else if obj.is_hpa()
                && let Some(a) = hpa_target(obj)
            {
                ix.autoscalers.push(a);
            }
        }
        ix
    }

    /// The shown path of file `id` (empty when unknown).
    pub fn file_path(&self, id: FileId) -> &'a str {
        self.files.get(id).copied().unwrap_or("")
    }

    pub fn workload(&self, key: &Key) -> Option<&'a Object> {
        self.workloads.get(key).and_then(|v| v.first().copied())
    }

    /// Autoscalers whose target is `obj`.
    pub fn autoscalers_of(&self, obj: &Object) -> Vec<&Autoscaler<'a>> {
        let Some(name) = &obj.name else {
            return Vec::new();
        };
        self.autoscalers
            .iter()
            .filter(|a| {
                a.target.namespace == obj.namespace
                    && a.target.kind == obj.kind
                    && &a.target.name == name
            })
            .collect()
    }
}

fn hpa_target(obj: &Object) -> Option<Autoscaler<'_>> {
    let r: &Node = obj.root.path(&["spec", "scaleTargetRef"])?;
    let kind = r.get("kind")?.as_str()?;
    let name_node = r.get("name")?;
    let name = name_node.as_str()?;
    Some(Autoscaler {
        obj,
        target: Key {
            namespace: obj.namespace.clone(),
            kind: kind.to_string(),
            name: name.to_string(),
        },
        target_span: name_node.span,
    })
}

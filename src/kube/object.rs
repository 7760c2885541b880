//! An object's identity in the cluster, and references from one object to another.

use crate::model::{Node, Object, Span};

/// An object's identity: namespace (absent ⇒ `default`) + kind + name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub namespace: String,
    pub kind: String,
    pub name: String,
}

impl Key {
    /// `None` for an object without a name.
    pub fn of(obj: &Object) -> Option<Key> {
        Some(Key {
            namespace: obj.namespace.clone(),
            kind: obj.kind.clone(),
            name: obj.name.clone()?,
        })
    }
}

/// Whether two objects are the same object of the cluster: kind, namespace and name.
pub fn same_object(a: &Object, b: &Object) -> bool {
    a.kind == b.kind && a.namespace == b.namespace && a.name == b.name
}

/// What a `scaleTargetRef` or `targetRef` names, in the referring object's namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetRef {
    pub key: Key,
    /// The `name` value, where findings about the target point.
    pub name_span: Span,
}

/// The reference at `path` of `obj`; `default_kind` when it names no kind. `None` without
/// a name or kind (the API rejects such a reference).
pub(crate) fn target_ref(
    obj: &Object,
    path: &[&str],
    default_kind: Option<&str>,
) -> Option<TargetRef> {
    let r: &Node = obj.root.path(path)?;
    let kind = match r.get("kind") {
        Some(k) => k.as_str()?,
        None => default_kind?,
    };
    let name_node = r.get("name")?;
    let name = name_node.as_str()?;
    Some(TargetRef {
        key: Key {
            namespace: obj.namespace.clone(),
            kind: kind.to_string(),
            name: name.to_string(),
        },
        name_span: name_node.span,
    })
}

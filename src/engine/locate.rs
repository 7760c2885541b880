//! Where a finding is, independently of line numbers: the object it belongs to and the field
//! path inside it (`Deployment/shop/web` + `spec.template.spec.containers[name=app].resources`).
//! SARIF `partialFingerprints` are built from it, so code scanning keeps tracking a finding
//! when unrelated lines move; container-like list items are named by their `name`.

use crate::model::{FileId, Finding, Format, Node, Object, Span, Value};

/// Fill `Finding::locator` of every finding that has none yet. `file_of` gives a file's
/// shown path and objects (full trees while the file is checked, projections afterwards:
/// both hold every field a finding points at).
pub fn assign<'o>(
    file_of: impl Fn(FileId) -> Option<(&'o str, &'o [Object])>,
    findings: &mut [Finding],
) {
    for f in findings.iter_mut().filter(|f| f.locator.is_empty()) {
        let Some((path, objects)) = file_of(f.file) else {
            continue;
        };
        let object = objects.iter().find(|o| o.root.span.contains(f.span));
        let (id, field) = match object {
            Some(o) => (
                object_id(o),
                field_path(&o.root, f.span).unwrap_or_default(),
            ),
            None => (String::new(), String::new()),
        };
        // A finding about something missing points at an ancestor, which several findings
        // may share: their messages tell them apart.
        let discriminator = if field.is_empty() {
            f.message.as_str()
        } else {
            ""
        };
        f.locator = format!("{path}#{id}#{field}#{discriminator}");
    }
}

fn object_id(o: &Object) -> String {
    match o.format {
        Format::Kubernetes => format!(
            "{}/{}/{}",
            o.kind,
            o.namespace,
            o.name.as_deref().unwrap_or("")
        ),
        _ => o.kind.clone(),
    }
}

/// The path of keys to the node or key whose span is `span`.
pub fn field_path(root: &Node, span: Span) -> Option<String> {
    let mut path = String::new();
    walk(root, span, &mut path).then_some(path)
}

fn walk(node: &Node, span: Span, path: &mut String) -> bool {
    if node.span == span {
        return true;
    }
    match &node.value {
        Value::Scalar(_) => false,
        Value::Map(entries) => {
            for e in entries {
                let contains = e.key.span == span
                    || (e.value.span.start <= span.start && span.end <= e.value.span.end);
                if !contains {
                    continue;
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(e.key.text().unwrap_or("?"));
                if e.key.span == span || walk(&e.value, span, path) {
                    return true;
                }
                path.truncate(len);
            }
            false
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                if !(item.span.start <= span.start && span.end <= item.span.end) {
                    continue;
                }
                let len = path.len();
                match item.get("name").and_then(Node::text) {
                    Some(name) => path.push_str(&format!("[name={name}]")),
                    None => path.push_str(&format!("[{i}]")),
                }
                if walk(item, span, path) {
                    return true;
                }
                path.truncate(len);
            }
            false
        }
    }
}

/// FNV-1a, 64 bits: a fingerprint that is the same on every platform and version.
pub fn fnv1a(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            // A separator no UTF-8 text contains, so ("ab", "") and ("a", "b") differ.
            h ^= 0xff;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::yaml;

    #[test]
    fn paths_name_list_items_by_name() {
        let text = "spec:\n  containers:\n    - name: app\n      resources: {limits: {cpu: 1}}\n    - image: x\n";
        let root = yaml::parse(text, yaml::Limits::default())
            .documents
            .remove(0)
            .root;
        let cpu = root
            .path(&["spec", "containers"])
            .and_then(|c| c.as_seq())
            .and_then(|s| s.first())
            .and_then(|c| c.path(&["resources", "limits", "cpu"]))
            .unwrap();
        assert_eq!(
            field_path(&root, cpu.span).as_deref(),
            Some("spec.containers[name=app].resources.limits.cpu")
        );
        let image = text.find("image").unwrap();
        assert_eq!(
            field_path(&root, Span::new(image, image + 5)).as_deref(),
            Some("spec.containers[1].image")
        );
        let spec_key = Span::new(0, 4);
        assert_eq!(field_path(&root, spec_key).as_deref(), Some("spec"));
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fnv1a(&["a", "b"]), fnv1a(&["a", "b"]));
        assert_ne!(fnv1a(&["ab", ""]), fnv1a(&["a", "b"]));
        assert_eq!(fnv1a(&[""]), "cbf29ce484222325");
    }
}

//! Where a finding is, independently of line numbers: the object it belongs to and the field
//! path inside it (`Deployment/shop/web` + `spec.template.spec.containers[name=app].resources`).
//! SARIF `partialFingerprints` are built from it, so code scanning keeps tracking a finding
//! when unrelated lines move; container-like list items are named by their `name`.

use crate::model::{FileId, Finding, Format, Node, Object, Span, Value};
use std::borrow::{Borrow, Cow};

/// Fill `Finding::locator` of every finding that has none yet. `file_of` gives a file's
/// shown path and objects (full trees while the file is checked, projections afterwards,
/// decoded when packed: both hold every field a finding points at); it is asked once per
/// run of findings in one file. The objects may be held as they are or borrowed (`O`).
pub fn assign<'o, O: Borrow<Object> + Clone + 'o>(
    file_of: impl Fn(FileId) -> Option<(&'o str, Cow<'o, [O]>)>,
    findings: &mut [Finding],
) {
    // The file of the last finding, with its objects ordered for search: findings come
    // sorted by file, or nearly, and a file may hold thousands of objects.
    let mut held: Option<(FileId, Option<Held<'o, O>>)> = None;
    for f in findings.iter_mut().filter(|f| f.locator.is_empty()) {
        let file = match &mut held {
            Some((file, h)) if *file == f.file => h,
            _ => {
                let h = file_of(f.file).map(|(path, objects)| {
                    let holders = Holders::new(&objects);
                    (path, objects, holders)
                });
                &mut held.insert((f.file, h)).1
            }
        };
        let Some((path, objects, holders)) = file else {
            continue;
        };
        let path: &str = path;
        let object = holders.first_holding(objects, f.span).map(Borrow::borrow);
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
        f.locator = format!("{path}#{id}#{field}#{discriminator}").into();
    }
}

/// A file's path and objects, with the objects ordered for search.
type Held<'o, O> = (&'o str, Cow<'o, [O]>, Holders);

/// Finds the first object (in the file's order) whose span holds a span, in logarithmic time:
/// objects are documents, side by side, and configs embedded in them, nested, so their
/// spans form a tree (a laminar family). Few objects, or spans that are not such a tree, are
/// searched one by one.
enum Holders {
    Scan,
    Tree {
        /// Object indices by span start (outer first at the same start).
        by_start: Vec<usize>,
        /// For each position in `by_start`, that of the nearest object holding it.
        parent: Vec<Option<usize>>,
    },
}

impl Holders {
    /// Below this many objects, a scan is as fast.
    const SCAN: usize = 16;

    fn new<O: Borrow<Object>>(objects: &[O]) -> Holders {
        if objects.len() < Holders::SCAN {
            return Holders::Scan;
        }
        let span = |i: usize| {
            objects
                .get(i)
                .map_or(Span::default(), |o| o.borrow().root.span)
        };
        let mut by_start: Vec<usize> = (0..objects.len()).collect();
        by_start.sort_by_key(|&i| (span(i).start, std::cmp::Reverse(span(i).end), i));
        let mut parent = Vec::with_capacity(by_start.len());
        // Positions of the objects holding the current one, outermost first.
        let mut open: Vec<usize> = Vec::new();
        for (pos, &i) in by_start.iter().enumerate() {
            let s = span(i);
            while let Some(&top) = open.last() {
                let t = by_start.get(top).map_or(Span::default(), |&j| span(j));
                if t.contains(s) {
                    break;
                } else if t.end < s.start {
                    open.pop();
                } else {
                    // Overlapping, or touching, without nesting: not a tree.
                    return Holders::Scan;
                }
            }
            parent.push(open.last().copied());
            open.push(pos);
        }
        Holders::Tree { by_start, parent }
    }

    fn first_holding<'o, O: Borrow<Object>>(&self, objects: &'o [O], span: Span) -> Option<&'o O> {
        let root = |o: &O| o.borrow().root.span;
        let (by_start, parent) = match self {
            Holders::Scan => return objects.iter().find(|o| root(o).contains(span)),
            Holders::Tree { by_start, parent } => (by_start, parent),
        };
        let holds = |pos: usize| {
            by_start
                .get(pos)
                .and_then(|&i| objects.get(i))
                .is_some_and(|o| root(o).contains(span))
        };
        // The last object starting at or before the span; then up through the objects
        // holding it to the first that holds the span: it and those above it all do.
        let mut pos = by_start
            .partition_point(|&i| objects.get(i).is_some_and(|o| root(o).start <= span.start))
            .checked_sub(1)?;
        while !holds(pos) {
            pos = parent.get(pos).copied().flatten()?;
        }
        let mut first = by_start.get(pos).copied()?;
        while let Some(up) = parent.get(pos).copied().flatten() {
            pos = up;
            first = first.min(by_start.get(pos).copied()?);
        }
        objects.get(first)
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
    fn the_object_holding_a_span_is_found_as_a_scan_finds_it() {
        // Documents side by side, configs embedded in ConfigMaps (nested objects), a
        // document with no object, and enough of them for the search tree to be built.
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  sentinel.conf: \"sentinel monitor m 10.0.0.1 6379 2\\n\"\n  pgbouncer.ini: |\n    [pgbouncer]\n    pool_mode = session\n";
        let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  maxReplicas: 3\n";
        let docs: Vec<&str> = (0..30)
            .map(|i| match i % 3 {
                0 => cm,
                1 => hpa,
                _ => "# nothing\n",
            })
            .collect();
        let text = docs.join("---\n");
        let objects = crate::sources::load(
            0,
            "t.yaml".into(),
            text.clone(),
            crate::sources::classify::Kind::Yaml,
        )
        .objects;
        assert!(objects.len() > Holders::SCAN, "{}", objects.len());
        assert!(objects.iter().any(|o| o.format != Format::Kubernetes));
        let holders = Holders::new(&objects);
        assert!(matches!(holders, Holders::Tree { .. }));
        let scan = |s: Span| objects.iter().position(|o| o.root.span.contains(s));
        let found = |s: Span| {
            holders
                .first_holding(&objects, s)
                .and_then(|o| objects.iter().position(|x| std::ptr::eq(x, o)))
        };
        for start in 0..=text.len() {
            for len in [0, 1, 7, 40] {
                let s = Span::new(start, (start + len).min(text.len()));
                assert_eq!(found(s), scan(s), "{s:?}");
            }
        }
        // Spans that overlap without nesting are searched one by one.
        let mut crossed = objects.clone();
        if let (Some(a), Some(b)) = (objects.first(), crossed.get_mut(1)) {
            b.root.span = Span::new(a.root.span.start + 1, a.root.span.end + 5);
        }
        assert!(matches!(Holders::new(&crossed), Holders::Scan));
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fnv1a(&["a", "b"]), fnv1a(&["a", "b"]));
        assert_ne!(fnv1a(&["ab", ""]), fnv1a(&["a", "b"]));
        assert_eq!(fnv1a(&[""]), "cbf29ce484222325");
    }
}

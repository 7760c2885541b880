//! Helpers shared by rules: Kubernetes defaults, containers, positions of missing fields.

use crate::model::{Entry, Node, Object, Span};
use crate::quantity::Quantity;

/// Where a finding about a missing field at `path` points: the key of the deepest ancestor
/// that exists (missing `spec.minReplicas` → `spec`), else the object's `metadata.name`.
pub fn missing_span(obj: &Object, path: &[&str]) -> Span {
    let parent = path.split_last().map_or(&[][..], |(_, p)| p);
    match obj.root.deepest_entry(parent) {
        Some(e) if !parent.is_empty() => e.key.span,
        _ => obj.anchor_span(),
    }
}

/// The same, below a node other than the object root: `node` itself is known to exist and
/// `fallback` is where to point when not even the first key of `path` is there.
pub fn missing_span_in(node: &Node, path: &[&str], fallback: Span) -> Span {
    let parent = path.split_last().map_or(&[][..], |(_, p)| p);
    match node.deepest_entry(parent) {
        Some(e) if !parent.is_empty() => e.key.span,
        _ => fallback,
    }
}

/// A container of a pod template, with where to point at it.
#[derive(Clone)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub name: &'a str,
    /// `initContainers` or `containers`.
    pub list: &'static str,
    /// The container's `name` key (the `- name:` entry), or the container itself.
    pub anchor: Span,
}

/// Every container and init container of a workload's pod template.
pub fn containers(obj: &Object) -> Vec<Container<'_>> {
    let mut out = Vec::new();
    let Some(pod) = obj.root.path(&["spec", "template", "spec"]) else {
        return out;
    };
    for list in ["initContainers", "containers"] {
        for c in pod.get(list).and_then(Node::as_seq).unwrap_or(&[]) {
            let name_entry: Option<&Entry> = c.entry("name");
            out.push(Container {
                node: c,
                name: name_entry
                    .and_then(|e| e.value.text())
                    .unwrap_or("<unnamed>"),
                list,
                anchor: name_entry.map_or(c.span, |e| e.key.span),
            });
        }
    }
    out
}

/// `s` without the leading white space C's `isspace` skips (`strtol`, `atoi`), as the
/// programs whose numbers the flat-format rules read do.
pub fn trim_c_space(s: &str) -> &str {
    s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c'])
}

/// A number for messages: `400`, `33.3`.
pub fn format_number(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round())
    } else {
        format!("{x:.1}")
    }
}

/// `1 pod`, `2 pods`: a count of pods for messages.
pub fn pods(n: i64) -> String {
    counted(n, "pod", "pods")
}

/// `1 replica`, `10 replicas`.
pub fn replicas(n: i64) -> String {
    counted(n, "replica", "replicas")
}

fn counted(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// cpu or memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Cpu,
    Memory,
}

impl Resource {
    pub const BOTH: [Resource; 2] = [Resource::Cpu, Resource::Memory];

    pub fn key(self) -> &'static str {
        match self {
            Resource::Cpu => "cpu",
            Resource::Memory => "memory",
        }
    }
}

/// A resource quantity as written: its node (for positions) and its parsed value, if valid.
pub struct Amount<'a> {
    pub node: &'a Node,
    pub quantity: Option<Quantity>,
}

/// `resources.<section>.<resource>` of a container (`section` is `requests` or `limits`).
pub fn amount<'a>(container: &'a Node, section: &str, r: Resource) -> Option<Amount<'a>> {
    let node = container.path(&["resources", section, r.key()])?;
    if node.is_null() {
        return None;
    }
    let quantity = node.text().and_then(|t| Quantity::parse(t).ok());
    Some(Amount { node, quantity })
}

/// Whether the container has a request for `r` in force: explicit, or defaulted from the
/// limit (Kubernetes copies a limit into a missing request).
pub fn has_effective_request(container: &Node, r: Resource) -> bool {
    amount(container, "requests", r).is_some() || amount(container, "limits", r).is_some()
}

/// An integer field, accepting what Kubernetes' JSON decoding accepts (`3`, `3.0`, `3e0`).
pub fn int_value(node: &Node) -> Option<i64> {
    node.as_i64().or_else(|| {
        node.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

/// An int-or-percent field (`maxUnavailable: 0`, `25%`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IntOrPercent {
    Int(i64),
    Percent(f64),
}

impl IntOrPercent {
    pub fn parse(node: &Node) -> Option<IntOrPercent> {
        if let Some(i) = int_value(node) {
            return Some(IntOrPercent::Int(i));
        }
        let text = node.as_str()?.trim();
        let pct = text.strip_suffix('%')?;
        pct.parse::<f64>().ok().map(IntOrPercent::Percent)
    }

    pub fn is_zero(self) -> bool {
        match self {
            IntOrPercent::Int(i) => i == 0,
            IntOrPercent::Percent(p) => p == 0.0,
        }
    }

    /// The number of pods this stands for out of `total`, as Kubernetes computes it
    /// (`intstr.GetScaledValueFromIntOrPercent`): a count as is, a percentage of `total`
    /// rounded up or down (the Deployment controller rounds `maxSurge` up and
    /// `maxUnavailable` down, so 25% of 1–3 pods is 1 pod of surge and 0 unavailable).
    pub fn scaled(self, total: i64, round_up: bool) -> i64 {
        match self {
            IntOrPercent::Int(i) => i,
            IntOrPercent::Percent(p) => {
                let exact = p * total as f64 / 100.0;
                // A tiny tolerance keeps 10% of 30 at 3, not 3.0000000000000004 → 4.
                let v = if round_up {
                    (exact - 1e-9).ceil()
                } else {
                    (exact + 1e-9).floor()
                };
                v as i64
            }
        }
    }

    /// As written: `2`, `25%`.
    pub fn written(self) -> String {
        match self {
            IntOrPercent::Int(i) => i.to_string(),
            IntOrPercent::Percent(p) => format!("{}%", format_number(p)),
        }
    }
}

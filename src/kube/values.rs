//! How Kubernetes reads the values of fields: integers, int-or-percent, resources, and a
//! field's value in force when it is not written.

use crate::model::{Node, Span};

/// A field's value in force: as written, or Kubernetes' default when the field is absent or
/// null.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Effective<'a, T> {
    pub value: T,
    /// The written value; `None` when the default applies.
    pub node: Option<&'a Node>,
}

impl<'a, T> Effective<'a, T> {
    /// A written value.
    pub fn written(value: T, node: &'a Node) -> Self {
        Effective {
            value,
            node: Some(node),
        }
    }

    /// Kubernetes' default.
    pub fn defaulted(value: T) -> Self {
        Effective { value, node: None }
    }

    /// Where the value is written; `None` when defaulted.
    pub fn span(&self) -> Option<Span> {
        self.node.map(|n| n.span)
    }

    pub fn is_default(&self) -> bool {
        self.node.is_none()
    }
}

/// A field that has no default, as written: its value and its node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Written<'a, T> {
    pub value: T,
    pub node: &'a Node,
}

/// An integer field, accepting what Kubernetes' JSON decoding accepts (`3`, `3.0`, `3e0`).
pub fn int_value(node: &Node) -> Option<i64> {
    node.as_i64().or_else(|| {
        node.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

/// An integer field read with `Node::get` (absent or null: `node` is `None`), else `default`.
/// `None` when it is written but is not an integer (the API server rejects that; schema
/// validation reports it), or absent without a default.
pub(crate) fn int_or_default<'a>(
    node: Option<&'a Node>,
    default: Option<i64>,
) -> Option<Effective<'a, i64>> {
    match node {
        Some(n) => Some(Effective::written(int_value(n)?, n)),
        None => default.map(Effective::defaulted),
    }
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

    /// The resource a name stands for (`cpu`, `memory`), if it is one of these.
    pub fn named(name: &str) -> Option<Resource> {
        match name {
            "cpu" => Some(Resource::Cpu),
            "memory" => Some(Resource::Memory),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::yaml;

    fn value(text: &str) -> Node {
        let parsed = yaml::parse(&format!("v: {text}\n"), yaml::Limits::default());
        let root = parsed.documents.into_iter().next().unwrap().root;
        root.entry("v").unwrap().value.clone()
    }

    #[test]
    fn integers_as_json_decoding_reads_them() {
        assert_eq!(int_value(&value("3")), Some(3));
        assert_eq!(int_value(&value("3.0")), Some(3));
        assert_eq!(int_value(&value("3e0")), Some(3));
        assert_eq!(int_value(&value("3.5")), None);
        assert_eq!(int_value(&value("\"3\"")), None);
        assert_eq!(int_value(&value("three")), None);
    }

    #[test]
    fn int_or_default_absent_null_and_set() {
        let set = value("4");
        assert_eq!(
            int_or_default(Some(&set), Some(1)),
            Some(Effective::written(4, &set))
        );
        // Absent and null are the same to `Node::get`: the caller passes `None`.
        assert_eq!(int_or_default(None, Some(1)), Some(Effective::defaulted(1)));
        assert_eq!(int_or_default(None, None), None);
        assert_eq!(int_or_default(Some(&value("four")), Some(1)), None);
    }

    #[test]
    fn int_or_percent() {
        assert_eq!(
            IntOrPercent::parse(&value("25%")),
            Some(IntOrPercent::Percent(25.0))
        );
        assert_eq!(IntOrPercent::parse(&value("2")), Some(IntOrPercent::Int(2)));
        assert_eq!(IntOrPercent::parse(&value("lots")), None);
        assert!(IntOrPercent::parse(&value("0%")).unwrap().is_zero());
        assert_eq!(IntOrPercent::Percent(10.0).scaled(30, true), 3);
        assert_eq!(IntOrPercent::Percent(25.0).scaled(3, false), 0);
        assert_eq!(IntOrPercent::Percent(25.0).scaled(3, true), 1);
    }
}

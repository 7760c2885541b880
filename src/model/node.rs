//! The span-carrying document tree every source format is parsed into.

use super::span::Span;

/// How a scalar was written. Only YAML has quoting and block styles; the flat formats
/// (INI, redis.conf, .properties) produce `Plain` or `Quoted` strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// What a scalar resolves to under Kubernetes' YAML reading (YAML 1.1, go-yaml v2).
#[derive(Clone, Copy, Debug, PartialEq, bincode::Encode, bincode::Decode)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

/// [`Resolved`]'s variant, stored apart from its value (see [`Scalar`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, bincode::Encode, bincode::Decode)]
enum ResolvedKind {
    Null,
    False,
    True,
    Int,
    Float,
    Str,
}

/// A scalar: 32 bytes rather than the 40 a `Resolved` field would make it (its tag is padded
/// to 8 bytes before the value), so a node is 48 bytes and a mapping entry 96. Trees are most
/// of the memory of a run: the index keeps one projected tree per object.
#[derive(Clone, bincode::Encode, bincode::Decode)]
pub struct Scalar {
    /// The scalar's content after unquoting and unescaping (`"10"` → `10`).
    pub text: Box<str>,
    pub style: ScalarStyle,
    kind: ResolvedKind,
    /// An `Int`'s value, or a `Float`'s bits.
    bits: u64,
}

impl Scalar {
    pub fn new(text: Box<str>, style: ScalarStyle, resolved: Resolved) -> Scalar {
        let (kind, bits) = match resolved {
            Resolved::Null => (ResolvedKind::Null, 0),
            Resolved::Bool(false) => (ResolvedKind::False, 0),
            Resolved::Bool(true) => (ResolvedKind::True, 0),
            Resolved::Int(i) => (ResolvedKind::Int, i as u64),
            Resolved::Float(f) => (ResolvedKind::Float, f.to_bits()),
            Resolved::Str => (ResolvedKind::Str, 0),
        };
        Scalar {
            text,
            style,
            kind,
            bits,
        }
    }

    /// What the scalar resolves to under Kubernetes' YAML reading.
    pub fn resolved(&self) -> Resolved {
        match self.kind {
            ResolvedKind::Null => Resolved::Null,
            ResolvedKind::False => Resolved::Bool(false),
            ResolvedKind::True => Resolved::Bool(true),
            ResolvedKind::Int => Resolved::Int(self.bits as i64),
            ResolvedKind::Float => Resolved::Float(f64::from_bits(self.bits)),
            ResolvedKind::Str => Resolved::Str,
        }
    }
}

// By what the scalar is, as with a `Resolved` field (a NaN is not equal to itself).
impl PartialEq for Scalar {
    fn eq(&self, other: &Scalar) -> bool {
        self.text == other.text && self.style == other.style && self.resolved() == other.resolved()
    }
}

impl std::fmt::Debug for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scalar")
            .field("text", &self.text)
            .field("style", &self.style)
            .field("resolved", &self.resolved())
            .finish()
    }
}

#[derive(Clone, Debug, PartialEq, bincode::Encode, bincode::Decode)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq, bincode::Encode, bincode::Decode)]
pub enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq, bincode::Encode, bincode::Decode)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

impl Node {
    pub fn scalar(
        span: Span,
        text: impl Into<String>,
        style: ScalarStyle,
        resolved: Resolved,
    ) -> Node {
        Node {
            span,
            value: Value::Scalar(Scalar::new(text.into().into_boxed_str(), style, resolved)),
        }
    }

    /// A plain string scalar (what the flat formats produce).
    pub fn string(span: Span, text: impl Into<String>) -> Node {
        Node::scalar(span, text, ScalarStyle::Plain, Resolved::Str)
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The mapping entry for `key`. Duplicate keys were already collapsed by the parser
    /// (the last one wins, as in Kubernetes' lenient decoders), so there is at most one.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?
            .iter()
            .find(|e| e.key.as_scalar().is_some_and(|s| &*s.text == key))
    }

    /// The value under `key` in a mapping, `None` when it is absent **or null**: this is the
    /// one accessor rules, the index and the parsers read fields through. Kubernetes decodes
    /// `minReplicas:` and `minReplicas: ~` as an absent optional field (the default applies),
    /// and the flat formats have no null, so reading a null as absent is right everywhere a
    /// value's meaning is wanted. `entry` still sees the written key, for positions.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value).filter(|v| !v.is_null())
    }

    /// The value under a path of mapping keys (absent or null at any step: `None`).
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    /// The deepest entry along `keys` that exists, for pointing at "the nearest ancestor"
    /// of a missing field. Returns `None` when even the first key is absent.
    pub fn deepest_entry(&self, keys: &[&str]) -> Option<&Entry> {
        let mut node = self;
        let mut found = None;
        for k in keys {
            match node.entry(k) {
                Some(e) => {
                    found = Some(e);
                    node = &e.value;
                }
                None => break,
            }
        }
        found
    }

    /// Where a finding about a missing field at `path` below this node points: the key of
    /// the deepest ancestor that exists, else `fallback` (when not even the first key of
    /// `path` is there). A trailing `"-"` stands for a list's items, so a missing or empty
    /// list points at its own key.
    pub fn missing_span(&self, path: &[&str], fallback: Span) -> Span {
        self.nearest_written(path).unwrap_or(fallback)
    }

    /// The key of the deepest existing ancestor of `path`, if any (see [`Self::missing_span`]).
    pub fn nearest_written(&self, path: &[&str]) -> Option<Span> {
        let (_, parent) = path.split_last()?;
        if parent.is_empty() {
            return None;
        }
        self.deepest_entry(parent).map(|e| e.key.span)
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(s) if s.kind == ResolvedKind::Null)
    }

    /// The text of a scalar whatever it resolved to (`10`, `"10"` and `ten` all give text).
    pub fn text(&self) -> Option<&str> {
        self.as_scalar().map(|s| &*s.text)
    }

    /// The text of a scalar that resolved to a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) if s.kind == ResolvedKind::Str => Some(&s.text),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Scalar(s) if s.kind == ResolvedKind::Int => Some(s.bits as i64),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar(s) => match s.kind {
                ResolvedKind::True => Some(true),
                ResolvedKind::False => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A number, integer or float.
    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Scalar(s) => match s.resolved() {
                Resolved::Int(i) => Some(i as f64),
                Resolved::Float(f) => Some(f),
                _ => None,
            },
            _ => None,
        }
    }

    /// Number of nodes in this subtree (for the alias-expansion budget).
    pub fn count(&self) -> usize {
        1 + match &self.value {
            Value::Scalar(_) => 0,
            Value::Seq(items) => items.iter().map(Node::count).sum(),
            Value::Map(entries) => entries
                .iter()
                .map(|e| e.key.count() + e.value.count())
                .sum(),
        }
    }

    /// The JSON value of this subtree, as Kubernetes would decode it (keys stringified).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Scalar(s) => match s.resolved() {
                Resolved::Null => J::Null,
                Resolved::Bool(b) => J::Bool(b),
                Resolved::Int(i) => J::from(i),
                Resolved::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
                Resolved::Str => J::String(s.text.to_string()),
            },
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| {
                        (
                            e.key.text().unwrap_or_default().to_string(),
                            e.value.to_json(),
                        )
                    })
                    .collect(),
            ),
        }
    }
}

impl Scalar {
    pub fn is_quoted(&self) -> bool {
        matches!(
            self.style,
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::sources::yaml;

    /// Trees are most of a run's memory: a scalar's resolution is stored in 9 bytes, not 16.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn nodes_stay_small() {
        assert_eq!(std::mem::size_of::<super::Scalar>(), 32);
        assert_eq!(std::mem::size_of::<super::Node>(), 48);
        assert_eq!(std::mem::size_of::<super::Entry>(), 96);
    }

    #[test]
    fn a_scalar_gives_back_what_it_resolved_to() {
        use super::{Resolved, Scalar, ScalarStyle};
        for r in [
            Resolved::Null,
            Resolved::Bool(false),
            Resolved::Bool(true),
            Resolved::Int(i64::MIN),
            Resolved::Int(-1),
            Resolved::Int(i64::MAX),
            Resolved::Float(-0.0),
            Resolved::Float(f64::INFINITY),
            Resolved::Float(1.5e300),
            Resolved::Str,
        ] {
            let s = Scalar::new("x".into(), ScalarStyle::Plain, r);
            assert_eq!(s.resolved(), r);
            assert_eq!(format!("{:?}", s.resolved()), format!("{r:?}"));
        }
        let nan = Scalar::new("x".into(), ScalarStyle::Plain, Resolved::Float(f64::NAN));
        assert!(matches!(nan.resolved(), Resolved::Float(f) if f.is_nan()));
        assert_ne!(nan, nan.clone(), "a NaN is not equal to itself, as before");
    }

    #[test]
    fn a_null_value_reads_as_absent_but_its_key_is_still_there() {
        let parsed = yaml::parse(
            "spec:\n  a:\n  b: ~\n  c: null\n  d: 0\n  e: {f: ~}\n",
            yaml::Limits::default(),
        );
        let root = &parsed.documents[0].root;
        for k in ["a", "b", "c"] {
            assert!(root.path(&["spec", k]).is_none(), "{k}");
            assert!(root.get("spec").unwrap().entry(k).is_some(), "{k}");
        }
        assert_eq!(root.path(&["spec", "d"]).and_then(|n| n.as_i64()), Some(0));
        assert!(root.path(&["spec", "e", "f"]).is_none());
        assert!(root.path(&["spec", "a", "x"]).is_none());
    }
}

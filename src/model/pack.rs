//! A compact binary form of objects: what the run keeps of each file's projections until its
//! finish (`engine::projection::Projections`), decoded one namespace at a time.
//!
//! Written here rather than derived with bincode (which the cache on disk uses): bincode's
//! decoder took ~20,000 instructions per projected object of `gen-corpus -n 1000`
//! (callgrind), a quarter of the whole run when every object is decoded once for the index.
//! The form is text (numbers in ASCII digits of 6 bits), so texts are read back as slices of
//! a `str` without validating their UTF-8 again, and an object's [`Head`] is read in place,
//! without decoding its tree.
//!
//! ```text
//! object := num(file) num(format) str(apiVersion) str(kind) (0 | 1 str(name)) str(namespace)
//!           node(root) (0 | 1 span(anchor))
//! node   := span num(tag) payload    tag: style × 6 + resolved kind for a scalar, 30 for a
//!                                         sequence, 31 for a mapping
//! scalar := [num(zigzag int) | num(float bits)] str(text)
//! seq    := num(n) node*n            map := num(n) (node node)*n
//! span   := num(zigzag(start - the object's previous span's start)) num(end - start, wrapping)
//! str    := num(2 × len) text | num(2 × i + 1), the i-th of [`WORDS`]
//! num    := a byte 0x40 | 6 bits for each 6 bits but the last, lowest first; then the last,
//!           below 0x40
//! ```
//! Keys and the common values are words of [`WORDS`] and spans are told from the one before
//! (most fit in one byte): `gen-corpus -n 10000`'s projections take ~40 % fewer bytes than
//! with texts and whole offsets.
//! Decoding never panics: text that does not decode gives `None`.

use super::node::{Entry, Node, Resolved, Scalar, ScalarStyle, Value};
use super::object::{FileId, Format, Object};
use super::span::Span;

/// What the index and pre-commit's prefilter decide from before any tree is decoded: an
/// object's file, format, kind, name and namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head<'a> {
    pub file: FileId,
    pub format: Format,
    pub api_version: &'a str,
    pub kind: &'a str,
    pub name: Option<&'a str>,
    pub namespace: &'a str,
}

impl<'a> Head<'a> {
    pub fn of(o: &'a Object) -> Head<'a> {
        Head {
            file: o.file,
            format: o.format,
            api_version: &o.api_version,
            kind: &o.kind,
            name: o.name.as_deref(),
            namespace: &o.namespace,
        }
    }
}

const FORMATS: [Format; 6] = [
    Format::Kubernetes,
    Format::PgBouncer,
    Format::Redis,
    Format::Kafka,
    Format::Prometheus,
    Format::K6,
];

const STYLES: [ScalarStyle; 5] = [
    ScalarStyle::Plain,
    ScalarStyle::SingleQuoted,
    ScalarStyle::DoubleQuoted,
    ScalarStyle::Literal,
    ScalarStyle::Folded,
];

/// Tags of a sequence and a mapping; below them, a scalar's (see the form above).
const SEQ: u64 = 30;
const MAP: u64 = 31;

/// Texts written as their number here: the keys the projections keep (`kube`'s views) and
/// common values. The first 32 take one byte; the rest two. Only this run reads the form,
/// so the list may change freely.
const WORDS: [&str; 96] = [
    // One byte.
    "name",
    "type",
    "apiVersion",
    "kind",
    "metadata",
    "namespace",
    "spec",
    "labels",
    "selector",
    "matchLabels",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "resources",
    "requests",
    "limits",
    "cpu",
    "memory",
    "containers",
    "template",
    "target",
    "resource",
    "Resource",
    "averageUtilization",
    "averageValue",
    "AverageValue",
    "Utilization",
    "metrics",
    "apps/v1",
    "Deployment",
    "scaleTargetRef",
    "minReplicas",
    "maxReplicas",
    // Two bytes.
    "replicas",
    "strategy",
    "rollingUpdate",
    "maxSurge",
    "maxUnavailable",
    "minAvailable",
    "annotations",
    "app",
    "app.kubernetes.io/version",
    "app.kubernetes.io/component",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/managed-by",
    "team",
    "tier",
    "value",
    "metric",
    "Pods",
    "pods",
    "Object",
    "object",
    "External",
    "external",
    "ContainerResource",
    "containerResource",
    "container",
    "describedObject",
    "RollingUpdate",
    "Recreate",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "autoscaling/v2",
    "autoscaling/v1",
    "HorizontalPodAutoscaler",
    "targetCPUUtilizationPercentage",
    "policy/v1",
    "PodDisruptionBudget",
    "matchExpressions",
    "key",
    "operator",
    "values",
    "In",
    "keda.sh/v1alpha1",
    "ScaledObject",
    "ScaledJob",
    "minReplicaCount",
    "maxReplicaCount",
    "triggers",
    "metadata.name",
    "autoscaling.k8s.io/v1",
    "VerticalPodAutoscaler",
    "targetRef",
    "updatePolicy",
    "updateMode",
    "resourcePolicy",
    "containerPolicies",
    "controlledResources",
    "Auto",
    "Off",
    "initContainers",
    "env",
    "restartPolicy",
    "ownerReferences",
    "v1",
];

/// The number of `s` in [`WORDS`]. Looked up among the words of its length (a few), as
/// every text packed is: a hash would cost more.
fn word(s: &str) -> Option<usize> {
    static BY_LENGTH: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    let by_length = BY_LENGTH.get_or_init(|| {
        let longest = WORDS.iter().map(|w| w.len()).max().unwrap_or(0);
        let mut by_length = vec![Vec::new(); longest + 1];
        for (i, w) in WORDS.iter().enumerate() {
            if let (Some(list), Ok(i)) = (by_length.get_mut(w.len()), u8::try_from(i)) {
                list.push(i);
            }
        }
        by_length
    });
    // The last bytes first (most words of a length differ there), before a call to memcmp.
    let last = s.as_bytes().last();
    by_length
        .get(s.len())?
        .iter()
        .map(|&i| usize::from(i))
        .find(|&i| {
            WORDS
                .get(i)
                .is_some_and(|w| w.as_bytes().last() == last && *w == s)
        })
}

/// Appends `o`'s form to `out`.
pub fn write(o: &Object, out: &mut String) {
    let mut w = Writer { out, last: 0 };
    w.num(o.file as u64);
    w.num(FORMATS.iter().position(|f| *f == o.format).unwrap_or(0) as u64);
    w.string(&o.api_version);
    w.string(&o.kind);
    match &o.name {
        Some(name) => {
            w.num(1);
            w.string(name);
        }
        None => w.num(0),
    }
    w.string(&o.namespace);
    w.node(&o.root);
    match o.anchor {
        Some(a) => {
            w.num(1);
            w.span(a);
        }
        None => w.num(0),
    }
}

/// The object `text` holds (made by [`write`]).
pub fn read(text: &str) -> Option<Object> {
    let mut r = Reader::new(text);
    let h = r.head()?;
    let root = r.node()?;
    let anchor = match r.num()? {
        0 => None,
        _ => Some(r.span()?),
    };
    Some(Object {
        file: h.file,
        format: h.format,
        api_version: h.api_version.to_string(),
        kind: h.kind.to_string(),
        name: h.name.map(str::to_string),
        namespace: h.namespace.to_string(),
        root,
        anchor,
    })
}

/// The head of the object `text` holds, read in place.
pub fn head(text: &str) -> Option<Head<'_>> {
    Reader::new(text).head()
}

/// The span of the root of the object `text` holds, without decoding its tree.
pub fn root_span(text: &str) -> Option<Span> {
    let mut r = Reader::new(text);
    r.head()?;
    r.span()
}

/// A signed number as an unsigned one, small either side of zero (0, -1, 1, -2 … as 0, 1,
/// 2, 3 …), so that it takes few bytes.
fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

struct Writer<'a> {
    out: &'a mut String,
    /// The start of the span written last (spans are written as a step from it).
    last: usize,
}

impl Writer<'_> {
    fn num(&mut self, mut v: u64) {
        while v >= 0x40 {
            self.out.push(char::from(0x40 | (v & 0x3f) as u8));
            v >>= 6;
        }
        self.out.push(char::from(v as u8));
    }

    fn string(&mut self, s: &str) {
        match word(s) {
            Some(i) => self.num(((i as u64) << 1) | 1),
            None => {
                self.num((s.len() as u64) << 1);
                self.out.push_str(s);
            }
        }
    }

    fn span(&mut self, s: Span) {
        let step = s.start.wrapping_sub(self.last) as i64;
        self.num(zigzag(step));
        self.num(s.end.wrapping_sub(s.start) as u64);
        self.last = s.start;
    }

    fn node(&mut self, n: &Node) {
        self.span(n.span);
        match &n.value {
            Value::Scalar(s) => {
                let style = STYLES.iter().position(|x| *x == s.style).unwrap_or(0) as u64;
                let (kind, value) = match s.resolved() {
                    Resolved::Null => (0, None),
                    Resolved::Bool(false) => (1, None),
                    Resolved::Bool(true) => (2, None),
                    Resolved::Int(i) => (3, Some(zigzag(i))),
                    Resolved::Float(f) => (4, Some(f.to_bits())),
                    Resolved::Str => (5, None),
                };
                self.num(style * 6 + kind);
                if let Some(v) = value {
                    self.num(v);
                }
                self.string(&s.text);
            }
            Value::Seq(items) => {
                self.num(SEQ);
                self.num(items.len() as u64);
                items.iter().for_each(|i| self.node(i));
            }
            Value::Map(entries) => {
                self.num(MAP);
                self.num(entries.len() as u64);
                for e in entries {
                    self.node(&e.key);
                    self.node(&e.value);
                }
            }
        }
    }
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
    /// The start of the span read last.
    last: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Reader<'a> {
        Reader {
            text,
            at: 0,
            last: 0,
        }
    }

    fn num(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(6) {
            let b = *self.text.as_bytes().get(self.at)?;
            self.at += 1;
            v |= u64::from(b & 0x3f) << shift;
            match b {
                0x00..0x40 => return Some(v),
                0x40..0x80 => {}
                _ => return None,
            }
        }
        None
    }

    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.num()?).ok()
    }

    fn str(&mut self) -> Option<&'a str> {
        let v = self.usize()?;
        if v & 1 == 1 {
            return WORDS.get(v >> 1).copied();
        }
        let n = v >> 1;
        let s = self.text.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    fn span(&mut self) -> Option<Span> {
        let v = self.num()?;
        let step = unzigzag(v);
        let start = self.last.wrapping_add(step as usize);
        self.last = start;
        Some(Span::new(start, start.wrapping_add(self.usize()?)))
    }

    fn head(&mut self) -> Option<Head<'a>> {
        let file = self.usize()?;
        let format = *FORMATS.get(self.usize()?)?;
        let api_version = self.str()?;
        let kind = self.str()?;
        let name = match self.num()? {
            0 => None,
            _ => Some(self.str()?),
        };
        Some(Head {
            file,
            format,
            api_version,
            kind,
            name,
            namespace: self.str()?,
        })
    }

    /// A count of items, each at least 3 bytes: more than the bytes left cannot be.
    fn count(&mut self) -> Option<usize> {
        let n = self.usize()?;
        (n <= self.text.len().saturating_sub(self.at) / 3).then_some(n)
    }

    fn node(&mut self) -> Option<Node> {
        let span = self.span()?;
        let value = match self.num()? {
            SEQ => {
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.node()?);
                }
                Value::Seq(items)
            }
            MAP => {
                let n = self.count()?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let key = self.node()?;
                    let value = self.node()?;
                    entries.push(Entry { key, value });
                }
                Value::Map(entries)
            }
            tag => {
                let style = *STYLES.get(usize::try_from(tag / 6).ok()?)?;
                let resolved = match tag % 6 {
                    0 => Resolved::Null,
                    1 => Resolved::Bool(false),
                    2 => Resolved::Bool(true),
                    3 => {
                        let v = self.num()?;
                        Resolved::Int(unzigzag(v))
                    }
                    4 => Resolved::Float(f64::from_bits(self.num()?)),
                    _ => Resolved::Str,
                };
                Value::Scalar(Scalar::new(self.str()?.into(), style, resolved))
            }
        };
        Some(Node { span, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(at: usize, text: &str, style: ScalarStyle, r: Resolved) -> Node {
        Node::scalar(Span::new(at, at + text.len()), text, style, r)
    }

    fn sample() -> Object {
        let mut entries = Vec::new();
        let resolved = [
            Resolved::Null,
            Resolved::Bool(false),
            Resolved::Bool(true),
            Resolved::Int(0),
            Resolved::Int(-1),
            Resolved::Int(i64::MIN),
            Resolved::Int(i64::MAX),
            Resolved::Float(1.5),
            Resolved::Float(f64::INFINITY),
            Resolved::Float(-0.0),
            Resolved::Str,
        ];
        for (i, r) in resolved.into_iter().enumerate() {
            let style = STYLES
                .get(i % STYLES.len())
                .copied()
                .unwrap_or(ScalarStyle::Plain);
            entries.push(Entry {
                key: scalar(i * 10, &format!("k{i}"), ScalarStyle::Plain, Resolved::Str),
                value: scalar(i * 10 + 4, "välue", style, r),
            });
        }
        // Words, spans going back and forth.
        entries.push(Entry {
            key: scalar(300, "apiVersion", ScalarStyle::Plain, Resolved::Str),
            value: scalar(12, "autoscaling/v2", ScalarStyle::Plain, Resolved::Str),
        });
        entries.push(Entry {
            key: scalar(500, "seq", ScalarStyle::Plain, Resolved::Str),
            value: Node {
                // An end before its start still comes back as it was.
                span: Span::new(usize::MAX, 3),
                value: Value::Seq(vec![
                    Node {
                        span: Span::new(600, 602),
                        value: Value::Map(Vec::new()),
                    },
                    scalar(1 << 40, "", ScalarStyle::DoubleQuoted, Resolved::Str),
                ]),
            },
        });
        Object {
            file: 70_000,
            format: Format::K6,
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            name: Some("web".into()),
            namespace: "shop".into(),
            root: Node {
                span: Span::new(0, 10_000),
                value: Value::Map(entries),
            },
            anchor: Some(Span::new(7, 9)),
        }
    }

    #[test]
    fn objects_come_back_as_written() {
        for o in [
            sample(),
            Object {
                name: None,
                anchor: None,
                format: Format::Kubernetes,
                ..sample()
            },
        ] {
            let mut bytes = String::new();
            write(&o, &mut bytes);
            assert!(bytes.len() < 400, "{}", bytes.len());
            let back = read(&bytes).unwrap();
            assert_eq!(head(&bytes), Some(Head::of(&o)));
            assert_eq!(root_span(&bytes), Some(o.root.span));
            assert_eq!(Head::of(&back), Head::of(&o));
            assert_eq!(back.root, o.root);
            assert_eq!(back.anchor, o.anchor);
            // `Scalar`'s equality holds a NaN unequal to itself: NaN's bits, compared.
            let mut nan = o.clone();
            nan.root = scalar(1, "nan", ScalarStyle::Plain, Resolved::Float(f64::NAN));
            let mut bytes = String::new();
            write(&nan, &mut bytes);
            let back = read(&bytes).unwrap();
            let bits = |n: &Node| match n.value.clone() {
                Value::Scalar(s) => match s.resolved() {
                    Resolved::Float(f) => Some(f.to_bits()),
                    _ => None,
                },
                _ => None,
            };
            assert_eq!(bits(&back.root), Some(f64::NAN.to_bits()));
        }
        for format in FORMATS {
            let o = Object { format, ..sample() };
            let mut bytes = String::new();
            write(&o, &mut bytes);
            assert_eq!(head(&bytes).map(|h| h.format), Some(format));
        }
    }

    /// Every word is found as itself, once; a text that is not a word is written out.
    #[test]
    fn words_are_numbered() {
        for (i, w) in WORDS.iter().enumerate() {
            assert_eq!(word(w), Some(i), "{w}");
            let mut text = String::new();
            Writer {
                out: &mut text,
                last: 0,
            }
            .string(w);
            assert_eq!(text.len(), if i < 32 { 1 } else { 2 }, "{w}");
            assert_eq!(Reader::new(&text).str(), Some(*w));
        }
        for other in ["", "nam", "names", "Name", "spec ", "é"] {
            assert_eq!(word(other), None);
        }
    }

    /// Cut or damaged text gives `None` (or some object), never a panic or a huge
    /// allocation.
    #[test]
    fn damaged_text_is_refused() {
        let mut text = String::new();
        write(&sample(), &mut text);
        for n in 0..text.len() {
            if let Some(cut) = text.get(..n) {
                assert!(read(cut).is_none(), "cut at {n}");
            }
        }
        for (i, c) in text.char_indices() {
            for by in ['\u{0}', '?', '\u{7f}', 'é'] {
                let mut t = text.clone();
                t.replace_range(i..i + c.len_utf8(), by.encode_utf8(&mut [0; 4]));
                let _ = read(&t);
                let _ = head(&t);
            }
        }
        // A sequence claiming 2^60 items.
        let mut huge = String::new();
        let mut w = Writer {
            out: &mut huge,
            last: 0,
        };
        w.span(Span::new(0, 1));
        w.num(SEQ);
        w.num(1 << 60);
        assert!(Reader::new(&huge).node().is_none());
        // A word past the list.
        let mut far = String::new();
        Writer {
            out: &mut far,
            last: 0,
        }
        .num(((WORDS.len() as u64) << 1) | 1);
        assert!(Reader::new(&far).str().is_none());
    }
}

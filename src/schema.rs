//! Strict JSON Schemas of the kinds scalelint knows, embedded from `schemas/kinds/` (generated
//! by `scripts/gen-schemas` from the Kubernetes v1.33 schemas and the KEDA and VPA CRDs), and
//! validation of our span-carrying trees against them.
//!
//! Each schema is compiled the first time an object of its kind is seen, once per process.
//! The validator reads `Node` trees directly through jsonschema's pluggable JSON trait, so no
//! second copy of each document is built; BENCHMARKS.md compares this with validating the
//! `serde_json::Value` from `Node::to_json`.

use crate::model::{Entry, Node, Resolved, Span, Value};
use crate::suggest;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::json::{self, JsonNumber, NodeIdentity};
use jsonschema::paths::{Location, LocationSegment};
use jsonschema::types::JsonType;
use jsonschema::{ValidationError, Validator};
use serde_json::Value as J;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// One embedded schema: the kind and `apiVersion` it describes.
pub struct KindSchema {
    pub kind: &'static str,
    pub api_version: &'static str,
    /// The file under `schemas/kinds/`.
    pub file: &'static str,
    text: &'static str,
    compiled: OnceLock<Option<Compiled>>,
}

struct Compiled {
    schema: J,
    validator: Validator<Tree>,
}

macro_rules! kind_schema {
    ($kind:literal, $api:literal, $file:literal) => {
        KindSchema {
            kind: $kind,
            api_version: $api,
            file: $file,
            text: include_str!(concat!("../schemas/kinds/", $file)),
            compiled: OnceLock::new(),
        }
    };
}

/// Every embedded schema.
pub static SCHEMAS: [KindSchema; 6] = [
    kind_schema!("Deployment", "apps/v1", "deployment-apps-v1.schema.json"),
    kind_schema!("StatefulSet", "apps/v1", "statefulset-apps-v1.schema.json"),
    kind_schema!(
        "HorizontalPodAutoscaler",
        "autoscaling/v2",
        "horizontalpodautoscaler-autoscaling-v2.schema.json"
    ),
    kind_schema!(
        "PodDisruptionBudget",
        "policy/v1",
        "poddisruptionbudget-policy-v1.schema.json"
    ),
    kind_schema!(
        "ScaledObject",
        "keda.sh/v1alpha1",
        "scaledobject-keda.sh-v1alpha1.schema.json"
    ),
    kind_schema!(
        "VerticalPodAutoscaler",
        "autoscaling.k8s.io/v1",
        "verticalpodautoscaler-autoscaling.k8s.io-v1.schema.json"
    ),
];

/// The kinds that have a schema (whatever their `apiVersion`).
pub const KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "ScaledObject",
    "VerticalPodAutoscaler",
];

/// What to do with an object of a kind we know.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    Validate(&'static KindSchema),
    /// An `apiVersion` that the API server (or the CRD) does not serve for this kind.
    NotServed {
        /// The version that is served.
        served: &'static str,
        /// Who serves it: `Kubernetes`, `KEDA`, `the VPA CRD`.
        by: &'static str,
        /// Why this version is not served, when it once was: "removed in Kubernetes 1.16".
        why: Option<&'static str>,
    },
    /// Not validated: a valid version we have no schema for (`autoscaling/v1` HPAs, which
    /// `hpa-api-version` judges), or a custom resource of another group with the same name.
    Skip,
}

impl PartialEq for KindSchema {
    fn eq(&self, other: &KindSchema) -> bool {
        self.file == other.file
    }
}

impl Eq for KindSchema {}

impl std::fmt::Debug for KindSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KindSchema({} {})", self.api_version, self.kind)
    }
}

/// How to treat an object with this `apiVersion` and `kind`.
/// Compile every schema now, the costliest first. Compiling the Deployment schema (its pod
/// template is most of the Kubernetes API) is the largest fixed cost of a one-file run, about
/// 5 ms; the CLI does this on a spare thread while it reads the configuration and parses the
/// files, and a validation that needs a schema still being compiled waits for it.
pub fn warm() {
    for s in &SCHEMAS {
        let _ = s.validator();
    }
}

pub fn lookup(api_version: &str, kind: &str) -> Lookup {
    if let Some(s) = SCHEMAS
        .iter()
        .find(|s| s.kind == kind && s.api_version == api_version)
    {
        return Lookup::Validate(s);
    }
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    // Built-in API groups have no dot; a CRD's group must have one, so `Deployment` in
    // `example.com` is someone else's resource.
    let builtin = !group.contains('.');
    let k8s = |served, why| Lookup::NotServed {
        served,
        by: "Kubernetes",
        why,
    };
    match kind {
        "Deployment" if builtin => match api_version {
            "apps/v1beta1" | "apps/v1beta2" | "extensions/v1beta1" => {
                k8s("apps/v1", Some("removed in Kubernetes 1.16"))
            }
            _ => k8s("apps/v1", None),
        },
        "StatefulSet" if builtin => match api_version {
            "apps/v1beta1" | "apps/v1beta2" => k8s("apps/v1", Some("removed in Kubernetes 1.16")),
            _ => k8s("apps/v1", None),
        },
        // `hpa-api-version` reports v2beta1/v2beta2 (removed) and v1 (limited); v1 is valid.
        "HorizontalPodAutoscaler"
            if matches!(
                api_version,
                "autoscaling/v1" | "autoscaling/v2beta1" | "autoscaling/v2beta2"
            ) =>
        {
            Lookup::Skip
        }
        "HorizontalPodAutoscaler" if builtin => k8s("autoscaling/v2", None),
        "PodDisruptionBudget" if builtin => match api_version {
            "policy/v1beta1" => k8s("policy/v1", Some("removed in Kubernetes 1.25")),
            _ => k8s("policy/v1", None),
        },
        "ScaledObject" if group == "keda.sh" => Lookup::NotServed {
            served: "keda.sh/v1alpha1",
            by: "KEDA",
            why: None,
        },
        "VerticalPodAutoscaler" if group == "autoscaling.k8s.io" => Lookup::NotServed {
            served: "autoscaling.k8s.io/v1",
            by: "the VPA custom resource definition",
            why: matches!(
                api_version,
                "autoscaling.k8s.io/v1beta2" | "autoscaling.k8s.io/v1beta1"
            )
            .then_some("no longer served by the VPA custom resource definition"),
        },
        _ => Lookup::Skip,
    }
}

impl KindSchema {
    fn compiled(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| {
                // The embedded schemas are tested to compile; should one not, validation of
                // its kind is off rather than the run failing.
                let schema: J = serde_json::from_str(self.text).ok()?;
                let validator = jsonschema::options_for::<Tree>().build(&schema).ok()?;
                Some(Compiled { schema, validator })
            })
            .as_ref()
    }

    /// The compiled validator, reading `Node` trees; `None` only if the schema failed to compile.
    pub fn validator(&self) -> Option<&Validator<Tree>> {
        self.compiled().map(|c| &c.validator)
    }

    /// The schema document (compiling it if needed); `None` only if it failed to compile.
    pub fn document(&self) -> Option<&J> {
        self.compiled().map(|c| &c.schema)
    }

    /// The compile error, if any (for tests).
    pub fn compile_error(&self) -> Option<String> {
        let schema: J = match serde_json::from_str(self.text) {
            Ok(s) => s,
            Err(e) => return Some(e.to_string()),
        };
        jsonschema::options_for::<Tree>()
            .build(&schema)
            .err()
            .map(|e| e.to_string())
    }

    /// Every problem of `root` against this schema, one per problem, in document order.
    pub fn validate(&self, root: &Node) -> Vec<Violation> {
        let Some(c) = self.compiled() else {
            return Vec::new();
        };
        // Most objects are valid, and the boolean check is the validator's fast path.
        if c.validator.is_valid(root) {
            return Vec::new();
        }
        let errors: Vec<ValidationError<'_>> = c.validator.iter_errors(root).collect();
        violations(&c.schema, &errors)
    }
}

/// A step in an instance path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// One problem, at `path` (for an unknown field, the path ends with the field itself).
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub path: Vec<Seg>,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    UnknownField {
        /// The closest valid sibling name, when it is a plausible typo.
        suggestion: Option<String>,
        /// The suggestion is a required field that is missing (its `Required` problem is
        /// folded into this one).
        suggestion_required: bool,
    },
    Required {
        field: String,
    },
    /// Expected JSON types, without `null`, in schema order.
    Type {
        expected: Vec<&'static str>,
    },
    Enum {
        options: Vec<String>,
        suggestion: Option<String>,
    },
    Pattern {
        pattern: String,
    },
    Minimum {
        limit: String,
        exclusive: bool,
    },
    Maximum {
        limit: String,
        exclusive: bool,
    },
    MinItems {
        limit: u64,
    },
    MaxItems {
        limit: u64,
    },
    MinLength {
        limit: u64,
    },
    MaxLength {
        limit: u64,
    },
    /// Anything else, in the validator's words.
    Other {
        message: String,
    },
}

fn segments(location: &Location) -> Vec<Seg> {
    location
        .segments()
        .map(|s| match s {
            LocationSegment::Property(p) => Seg::Key(p.into_owned()),
            LocationSegment::Index(i) => Seg::Index(i),
        })
        .collect()
}

/// The subschema at a keyword location (no `$ref`s: our schemas are inlined).
fn schema_at<'s>(schema: &'s J, location: &Location) -> Option<&'s J> {
    location.segments().try_fold(schema, |s, seg| match seg {
        // A keyword location passes through the `$ref`s it followed; the generated schemas
        // refer only to their own `$defs`.
        LocationSegment::Property(p) if p.as_ref() == "$ref" => {
            let name = s.get("$ref")?.as_str()?.strip_prefix("#/$defs/")?;
            schema.get("$defs")?.get(name)
        }
        LocationSegment::Property(p) => s.get(p.as_ref()),
        LocationSegment::Index(i) => s.get(i),
    })
}

/// Field names longer than this get no suggestion (no real field is near it, and edit
/// distance is quadratic in the length).
const MAX_SUGGEST_LEN: usize = 80;

/// The closest of `candidates` to `word`, if plausible.
fn suggest(word: &str, candidates: &[&str]) -> Option<String> {
    if word.len() > MAX_SUGGEST_LEN {
        return None;
    }
    // A difference of case alone is the likeliest slip (`Max` for `max`).
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some((*c).to_string());
    }
    suggest::closest(word, candidates).map(str::to_string)
}

fn type_name(t: JsonType) -> Option<&'static str> {
    Some(match t {
        JsonType::Null => return None,
        JsonType::Boolean => "boolean",
        JsonType::Integer => "integer",
        JsonType::Number => "number",
        JsonType::String => "string",
        JsonType::Array => "array",
        JsonType::Object => "object",
    })
}

fn display_json(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn violations(schema: &J, errors: &[ValidationError<'_>]) -> Vec<Violation> {
    let mut out: Vec<Violation> = Vec::new();
    for e in errors {
        let path = segments(e.instance_path());
        let problem = match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                // The object's schema is the parent of the `additionalProperties` keyword.
                let mut parent: Vec<LocationSegment<'_>> = e.schema_path().segments().collect();
                parent.pop();
                let parent: Location = parent.into_iter().collect();
                let known: Vec<&str> = schema_at(schema, &parent)
                    .and_then(|s| s.get("properties"))
                    .and_then(J::as_object)
                    .map(|p| p.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                for name in unexpected {
                    let mut field = path.clone();
                    field.push(Seg::Key(name.clone()));
                    out.push(Violation {
                        path: field,
                        problem: Problem::UnknownField {
                            suggestion: suggest(name, &known),
                            suggestion_required: false,
                        },
                    });
                }
                continue;
            }
            ValidationErrorKind::Required { property } => Problem::Required {
                field: display_json(property),
            },
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    TypeKind::Single(t) => type_name(*t).into_iter().collect(),
                    TypeKind::Multiple(set) => set.iter().filter_map(type_name).collect(),
                };
                Problem::Type { expected }
            }
            ValidationErrorKind::Enum { options } => {
                let options: Vec<String> = options
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter(|v| !v.is_null())
                            .map(display_json)
                            .collect()
                    })
                    .unwrap_or_default();
                let found = e.instance().as_str().unwrap_or_default().to_string();
                let refs: Vec<&str> = options
                    .iter()
                    .map(String::as_str)
                    .filter(|o| !o.is_empty())
                    .collect();
                Problem::Enum {
                    suggestion: suggest(&found, &refs),
                    options,
                }
            }
            ValidationErrorKind::Pattern { pattern } => Problem::Pattern {
                pattern: pattern.clone(),
            },
            ValidationErrorKind::Minimum { limit } => Problem::Minimum {
                limit: display_json(limit),
                exclusive: false,
            },
            ValidationErrorKind::ExclusiveMinimum { limit } => Problem::Minimum {
                limit: display_json(limit),
                exclusive: true,
            },
            ValidationErrorKind::Maximum { limit } => Problem::Maximum {
                limit: display_json(limit),
                exclusive: false,
            },
            ValidationErrorKind::ExclusiveMaximum { limit } => Problem::Maximum {
                limit: display_json(limit),
                exclusive: true,
            },
            ValidationErrorKind::MinItems { limit } => Problem::MinItems { limit: *limit },
            ValidationErrorKind::MaxItems { limit } => Problem::MaxItems { limit: *limit },
            ValidationErrorKind::MinLength { limit } => Problem::MinLength { limit: *limit },
            ValidationErrorKind::MaxLength { limit } => Problem::MaxLength { limit: *limit },
            _ => Problem::Other {
                message: e.masked().to_string(),
            },
        };
        out.push(Violation { path, problem });
    }
    // A value of the wrong type gets that one finding, not also "not one of" or "does not
    // match" about the same value.
    let typed: HashSet<Vec<Seg>> = out
        .iter()
        .filter(|v| matches!(v.problem, Problem::Type { .. }))
        .map(|v| v.path.clone())
        .collect();
    out.retain(|v| {
        matches!(
            v.problem,
            Problem::Type { .. } | Problem::UnknownField { .. }
        ) || !typed.contains(&v.path)
    });
    // A misspelt required field is one problem, not an unknown field plus a missing one.
    let mut missing: HashSet<(Vec<Seg>, String)> = out
        .iter()
        .filter_map(|v| match &v.problem {
            Problem::Required { field } => Some((v.path.clone(), field.clone())),
            _ => None,
        })
        .collect();
    let mut folded = HashSet::new();
    for v in &mut out {
        if let Problem::UnknownField {
            suggestion: Some(s),
            suggestion_required,
        } = &mut v.problem
        {
            let parent = v.path.split_last().map_or(&[][..], |(_, p)| p);
            let key = (parent.to_vec(), s.clone());
            if let Some(key) = missing.take(&key) {
                *suggestion_required = true;
                folded.insert(key);
            }
        }
    }
    out.retain(|v| match &v.problem {
        Problem::Required { field } => !folded.contains(&(v.path.clone(), field.clone())),
        _ => true,
    });
    out.dedup();
    out
}

/// Finds the nodes that violations are about. Large mappings get a key index the first time
/// they are searched, so an object with thousands of unknown fields is not quadratic.
pub struct Resolver<'a> {
    root: &'a Node,
    indexes: HashMap<usize, HashMap<&'a str, &'a Entry>>,
}

/// Mappings up to this size are searched linearly.
const LINEAR_LOOKUP: usize = 32;

impl<'a> Resolver<'a> {
    pub fn new(root: &'a Node) -> Resolver<'a> {
        Resolver {
            root,
            indexes: HashMap::new(),
        }
    }

    fn entry(&mut self, node: &'a Node, key: &str) -> Option<&'a Entry> {
        let entries = node.as_map()?;
        if entries.len() <= LINEAR_LOOKUP {
            return entries.iter().find(|e| key_text(e) == key);
        }
        let index = self
            .indexes
            .entry(std::ptr::from_ref(node) as usize)
            .or_insert_with(|| {
                // The parser collapsed duplicate keys, so each key is there once.
                entries.iter().map(|e| (key_text(e), e)).collect()
            });
        index.get(key).copied()
    }

    /// The node at `path`, with the entry holding it when it is a mapping value.
    pub fn resolve(&mut self, path: &[Seg]) -> Option<(&'a Node, Option<&'a Entry>)> {
        let mut node = self.root;
        let mut entry = None;
        for seg in path {
            match seg {
                Seg::Key(k) => {
                    let e = self.entry(node, k)?;
                    node = &e.value;
                    entry = Some(e);
                }
                Seg::Index(i) => {
                    node = node.as_seq()?.get(*i)?;
                    entry = None;
                }
            }
        }
        Some((node, entry))
    }
}

// --------------------------------------------------------------------------------------------
// Our tree as a JSON representation for jsonschema.
// --------------------------------------------------------------------------------------------

/// `Node` trees as jsonschema's JSON representation: scalars read as Kubernetes decodes them
/// (`Node::to_json`), so both representations validate identically.
pub struct Tree;

fn key_text(e: &Entry) -> &str {
    e.key.text().unwrap_or_default()
}

impl json::Json for Tree {
    type Node<'a> = &'a Node;
    type PreparedKey = Box<str>;
    // Lookups are linear scans of a mapping's entries, so one pass over the members is
    // cheaper than a lookup per required field.
    const KEYS_PER_LOOKUP: usize = 64;
    const ACYCLIC: bool = true;
    type StringBuffer = Option<Node>;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>(
        buffer: &mut Option<Node>,
        string: &str,
        f: impl FnOnce(&Node) -> T,
    ) -> T {
        f(buffer.insert(Node::string(Span::default(), string)))
    }
}

/// A number scalar.
#[derive(Clone, Copy, Debug)]
pub enum Num {
    Int(i64),
    Float(f64),
}

impl JsonNumber for Num {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            Num::Int(i) => u64::try_from(i).ok(),
            Num::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            Num::Int(i) => Some(i),
            Num::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match *self {
            Num::Int(i) => Some(i as f64),
            Num::Float(f) => Some(f),
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        match *self {
            Num::Int(i) => Cow::Owned(i.to_string()),
            Num::Float(f) => Cow::Owned(f.to_string()),
        }
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match *self {
            Num::Int(i) => serde_json::Number::from(i),
            // Only finite floats become numbers (see `number`).
            Num::Float(f) => {
                serde_json::Number::from_f64(f).unwrap_or_else(|| serde_json::Number::from(0))
            }
        })
    }

    fn is_integer(&self) -> bool {
        match *self {
            Num::Int(_) => true,
            Num::Float(f) => f.fract() == 0.0,
        }
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self, Num::Int(_))
    }
}

/// The number a scalar holds. Non-finite floats (`.inf`, `.nan`) are null, as in `to_json`.
fn number(node: &Node) -> Option<Num> {
    match &node.value {
        Value::Scalar(s) => match s.resolved() {
            Resolved::Int(i) => Some(Num::Int(i)),
            Resolved::Float(f) if f.is_finite() => Some(Num::Float(f)),
            _ => None,
        },
        _ => None,
    }
}

impl<'a> json::Node<'a, Tree> for &'a Node {
    type Object = &'a [Entry];
    type Array = &'a [Node];
    type Number = Num;

    fn as_object(&self) -> Option<&'a [Entry]> {
        let node: &'a Node = self;
        node.as_map()
    }

    fn as_array(&self) -> Option<&'a [Node]> {
        let node: &'a Node = self;
        node.as_seq()
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        let node: &'a Node = self;
        node.as_str().map(Cow::Borrowed)
    }

    fn as_number(&self) -> Option<Num> {
        number(self)
    }

    fn as_boolean(&self) -> Option<bool> {
        Node::as_bool(self)
    }

    fn is_null(&self) -> bool {
        match &self.value {
            Value::Scalar(s) => match s.resolved() {
                Resolved::Null => true,
                Resolved::Float(f) => !f.is_finite(),
                _ => false,
            },
            _ => false,
        }
    }

    fn json_type(&self) -> JsonType {
        match &self.value {
            Value::Map(_) => JsonType::Object,
            Value::Seq(_) => JsonType::Array,
            Value::Scalar(s) => match s.resolved() {
                Resolved::Null => JsonType::Null,
                Resolved::Bool(_) => JsonType::Boolean,
                Resolved::Int(_) => JsonType::Number,
                Resolved::Float(f) if f.is_finite() => JsonType::Number,
                Resolved::Float(_) => JsonType::Null,
                Resolved::Str => JsonType::String,
            },
        }
    }

    fn equals_value(&self, expected: &J) -> bool {
        // `enum` on strings (apiVersion, kind, every enum field) without building a Value.
        match (&self.value, expected) {
            (Value::Scalar(s), J::String(e)) => s.resolved() == Resolved::Str && *s.text == **e,
            (Value::Scalar(_), J::Null) => json::Node::<Tree>::is_null(self),
            _ => json::cmp::equal(&self.to_json(), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, J> {
        Cow::Owned(self.to_json())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        let node: &'a Node = self;
        Some(NodeIdentity::new(std::ptr::from_ref(node) as usize))
    }
}

/// Members of a mapping: key text and value.
pub struct Members<'a>(std::slice::Iter<'a, Entry>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Node);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|e| (key_text(e), &e.value))
    }
}

impl<'a> json::Object<'a, Tree> for &'a [Entry] {
    type Node = &'a Node;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[Entry]>::len(self)
    }

    fn get(&self, key: &Box<str>) -> Option<&'a Node> {
        let entries: &'a [Entry] = self;
        entries
            .iter()
            .find(|e| key_text(e) == key.as_ref())
            .map(|e| &e.value)
    }

    fn members(&self) -> Members<'a> {
        let entries: &'a [Entry] = self;
        Members(entries.iter())
    }
}

impl<'a> json::Array<'a, Tree> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Node> {
        let items: &'a [Node] = self;
        items.iter()
    }
}

//! Strict JSON Schemas of the kinds scalelint knows, embedded from `schemas/kinds/` (generated
//! by `scripts/gen-schemas` from the Kubernetes v1.33 schemas and the KEDA and VPA CRDs), and
//! validation of our span-carrying trees against them.
//!
//! Each schema is compiled the first time an object of its kind is seen, once per process,
//! by our own validator (`check`: the keywords the generated schemas use, read straight from
//! `Node` trees); `tests/real_world/schema.rs` holds it to jsonschema's judgement.

mod check;

use crate::model::{Entry, Node};
use crate::suggest;
use check::Checker;
use serde_json::Value as J;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// One embedded schema: the kind and `apiVersion` it describes.
pub struct KindSchema {
    pub kind: &'static str,
    pub api_version: &'static str,
    /// The file under `schemas/kinds/`.
    pub file: &'static str,
    text: &'static str,
    compiled: OnceLock<Option<Checker>>,
}

macro_rules! kind_schema {
    ($kind:literal, $api:literal, $file:literal) => {
        KindSchema {
            kind: $kind,
            api_version: $api,
            file: $file,
            text: include_str!(concat!("../../schemas/kinds/", $file)),
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

/// Compile every schema now, the costliest first, each with its patterns (compiled on first
/// use otherwise: the quantity pattern's regex took ~0.15 ms of a one-file run's validation).
/// Compiling the Deployment schema (its pod template is most of the Kubernetes API) is still
/// a fixed cost of a one-file run, about 0.5 ms (1 ms in a fresh process); the CLI does this
/// on a spare thread while it reads the configuration and parses the files, and a
/// validation that needs a schema or pattern still being compiled waits for it.
pub fn warm() {
    for s in &SCHEMAS {
        if let Some(c) = s.compiled() {
            // One that does not compile is reported by its first use (and by the tests).
            let _ = c.patterns_compile();
        }
    }
}

/// How to treat an object with this `apiVersion` and `kind`.
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
    fn compiled(&self) -> Option<&Checker> {
        self.compiled
            .get_or_init(|| {
                // The embedded schemas are tested to compile; should one not, validation of
                // its kind is off rather than the run failing.
                Checker::compile(self.text).ok()
            })
            .as_ref()
    }

    /// The schema as JSON, read anew (for tests, and to compare with other validators).
    pub fn document(&self) -> Option<J> {
        serde_json::from_str(self.text).ok()
    }

    /// The compile error, if any (for tests): patterns, compiled on first use, included.
    pub fn compile_error(&self) -> Option<String> {
        Checker::compile(self.text)
            .and_then(|c| c.patterns_compile())
            .err()
    }

    /// Every problem of `root` against this schema, one per problem (depth first, in the
    /// document's order).
    pub fn validate(&self, root: &Node) -> Vec<Violation> {
        match self.compiled() {
            Some(c) => fold(c.check(root)),
            None => Vec::new(),
        }
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

/// Field names longer than this get no suggestion (no real field is near it, and edit
/// distance is quadratic in the length).
const MAX_SUGGEST_LEN: usize = 80;

/// The closest of `candidates` to `word`, if plausible.
pub fn suggest(word: &str, candidates: &[&str]) -> Option<String> {
    if word.len() > MAX_SUGGEST_LEN {
        return None;
    }
    // A difference of case alone is the likeliest slip (`Max` for `max`).
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some((*c).to_string());
    }
    suggest::closest(word, candidates).map(str::to_string)
}

/// A JSON value as messages show it: strings without quotes.
pub fn display_json(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The violations a validator reports, as findings' problems: a value of the wrong type gets
/// only that one, and a misspelt required field is one problem, not an unknown field plus a
/// missing one.
pub fn fold(mut out: Vec<Violation>) -> Vec<Violation> {
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

/// A mapping key as a JSON member name.
fn key_text(e: &Entry) -> &str {
    e.key.text().unwrap_or_default()
}

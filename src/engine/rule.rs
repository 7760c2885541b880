//! The rule interface: how a rule is declared, what it applies to and how it reports.
//!
//! A rule is declared once, with [`declare_rule!`](crate::declare_rule): its name, its domain
//! (the folder of its metadata, `rules/<domain>/<name>.yaml`) and what implements it. A
//! per-object rule implements [`ObjectRule`], a cross-resource rule [`IndexRule`]; the
//! declaration names which, so a rule whose implementation the engine never calls cannot be
//! declared. Rules that the engine or a parser report themselves (`parse-error`,
//! `suppression-unused`, …) are declared `reported`.

use super::index::Index;
use super::meta::RuleMeta;
use crate::kube::Kind;
use crate::model::{FileId, Finding, Format, Level, Node, Object, SourceFile, Span};
use crate::sources::edit::{FlatDoc, YamlDoc};

/// Kubernetes kinds a rule applies to: static for built-in rules, owned by a custom rule.
#[derive(Clone, Copy, Debug)]
pub enum Kinds<'a> {
    Static(&'static [&'static str]),
    Owned(&'a [String]),
}

impl Kinds<'_> {
    pub fn contains(&self, kind: &str) -> bool {
        match self {
            Kinds::Static(k) => k.contains(&kind),
            Kinds::Owned(k) => k.iter().any(|x| x == kind),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Kinds::Static(k) => k.is_empty(),
            Kinds::Owned(k) => k.is_empty(),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (a, b) = match self {
            Kinds::Static(k) => (Some(k.iter().copied()), None),
            Kinds::Owned(k) => (None, Some(k.iter().map(String::as_str))),
        };
        a.into_iter().flatten().chain(b.into_iter().flatten())
    }
}

/// What a per-object rule looks at; the engine dispatches on it.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    /// Kubernetes objects of these kinds, each in its groups (`kube::Kind`).
    Kinds(&'static [Kind]),
    /// Kubernetes objects of these kinds in this API group (`apps`, `autoscaling`; `""` is
    /// the core group; `"*"` is any group). The engine dispatches on both, so rules need not
    /// re-check them.
    Objects { group: &'a str, kinds: Kinds<'a> },
    /// Objects of a flat config format, optionally only of these kinds (empty: all).
    Format { format: Format, kinds: Kinds<'a> },
    /// Objects of any of these flat config formats, every kind (a rule about values in
    /// general, such as `invalid-value`).
    Formats(&'static [Format]),
}

impl Target<'static> {
    /// Kubernetes objects of these kinds, each recognised in its groups.
    pub const fn kinds(kinds: &'static [Kind]) -> Self {
        Target::Kinds(kinds)
    }

    /// Kubernetes objects of these kinds in this group.
    pub const fn objects(group: &'static str, kinds: &'static [&'static str]) -> Self {
        Target::Objects {
            group,
            kinds: Kinds::Static(kinds),
        }
    }

    /// Objects of a flat config format, only of these kinds (empty: all).
    pub const fn format(format: Format, kinds: &'static [&'static str]) -> Self {
        Target::Format {
            format,
            kinds: Kinds::Static(kinds),
        }
    }
}

impl Target<'_> {
    /// Whether a rule with this target looks at `obj` (the engine's dispatch, one object).
    pub fn applies_to(&self, obj: &Object) -> bool {
        match self {
            Target::Kinds(kinds) => kinds.iter().any(|k| k.is(obj)),
            Target::Objects { group, kinds } => {
                obj.format == Format::Kubernetes
                    && (*group == "*" || obj.group() == *group)
                    && kinds.contains(&obj.kind)
            }
            Target::Format { format, kinds } => {
                obj.format == *format && (kinds.is_empty() || kinds.contains(&obj.kind))
            }
            Target::Formats(formats) => {
                obj.format != Format::Kubernetes && formats.contains(&obj.format)
            }
        }
    }
}

/// A rule that looks at one object at a time.
pub trait ObjectRule: Send + Sync {
    fn target(&self) -> Target<'_>;
    fn check(&self, cx: &mut Ctx<'_>);
}

/// A rule that looks at the index over every analysed object (cross-resource rules).
pub trait IndexRule: Send + Sync {
    fn check(&self, cx: &mut IndexCtx<'_>);
}

/// Parameters that do not build a rule: the rule and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub rule: String,
    pub message: String,
}

impl ParamError {
    pub fn new(rule: &str, message: impl Into<String>) -> ParamError {
        ParamError {
            rule: rule.to_string(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rule {}: {}", self.rule, self.message)
    }
}

impl std::error::Error for ParamError {}

/// Builds a rule from its parameters (metadata defaults merged with configuration).
pub type Build<R> = fn(&serde_json::Value) -> Result<Box<R>, ParamError>;

/// How a declared rule runs.
#[derive(Clone, Copy, Debug)]
pub enum Implementation {
    Object(Build<dyn ObjectRule>),
    Index(Build<dyn IndexRule>),
    /// Reported by the engine or a parser itself, while reading, parsing or suppressing.
    Reported,
}

impl Implementation {
    /// Whether `params` build rule `name`: the rule's own error when they do not. A reported
    /// rule has no parameters.
    pub fn build_check(&self, name: &str, params: &serde_json::Value) -> Result<(), ParamError> {
        match self {
            Implementation::Object(build) => build(params).map(drop),
            Implementation::Index(build) => build(params).map(drop),
            Implementation::Reported => match params.as_object().and_then(|o| o.keys().next()) {
                Some(key) => Err(ParamError::new(
                    name,
                    format!("unknown field `{key}`, there are no fields"),
                )),
                None => Ok(()),
            },
        }
    }
}

/// One built-in rule: its name (written once, here), the folder of its metadata file
/// (`rules/<domain>/<name>.yaml`) and its implementation. Made by [`declare_rule!`](crate::declare_rule).
#[derive(Clone, Copy, Debug)]
pub struct Declaration {
    pub name: &'static str,
    pub domain: &'static str,
    /// The source file of the declaration (`file!()`).
    pub file: &'static str,
    pub implementation: Implementation,
}

/// Declares the rule of this file: `NAME` and `DECLARATION`, which its domain's registry lists.
///
/// ```ignore
/// declare_rule!(object HpaMinReplicas: "hpa" / "hpa-min-replicas");
/// // parameters checked by a function `fn(&Value) -> Result<ContainerLimitRatio, ParamError>`:
/// declare_rule!(object ContainerLimitRatio: "k8s" / "container-limit-ratio", build = build);
/// declare_rule!(index PdbMissing: "pdb" / "pdb-missing");
/// declare_rule!(reported "source" / crate::engine::diagnostics::suppression_unused::NAME);
/// ```
/// A rule type is its own typed parameters (`{}` for a rule without any, so that a stray
/// parameter in configuration is still an error).
#[macro_export]
macro_rules! declare_rule {
    (object $ty:ty : $domain:literal / $name:expr) => {
        $crate::declare_rule!(@declare $domain, $name, Object(|v| {
            let rule: $ty = $crate::engine::rule::params(NAME, v)?;
            Ok(Box::new(rule) as Box<dyn $crate::engine::rule::ObjectRule>)
        }));
    };
    (object $ty:ty : $domain:literal / $name:expr, build = $build:path) => {
        $crate::declare_rule!(@declare $domain, $name, Object(|v| {
            let rule: $ty = $build(v)?;
            Ok(Box::new(rule) as Box<dyn $crate::engine::rule::ObjectRule>)
        }));
    };
    (index $ty:ty : $domain:literal / $name:expr) => {
        $crate::declare_rule!(@declare $domain, $name, Index(|v| {
            let rule: $ty = $crate::engine::rule::params(NAME, v)?;
            Ok(Box::new(rule) as Box<dyn $crate::engine::rule::IndexRule>)
        }));
    };
    (reported $domain:literal / $name:expr) => {
        $crate::declare_rule!(@declare $domain, $name, Reported);
    };
    (@declare $domain:literal, $name:expr, $($implementation:tt)+) => {
        pub const NAME: &str = $name;
        pub static DECLARATION: $crate::engine::rule::Declaration =
            $crate::engine::rule::Declaration {
                name: NAME,
                domain: $domain,
                file: file!(),
                implementation: $crate::engine::rule::Implementation::$($implementation)+,
            };
    };
}

/// What a per-object rule sees.
pub struct Ctx<'a> {
    pub obj: &'a Object,
    pub file: &'a SourceFile,
    pub(crate) meta: &'a RuleMeta,
    pub(crate) out: &'a mut Vec<Finding>,
}

impl Ctx<'_> {
    /// A finding of this rule at its default level, in this object's file.
    pub fn finding(&self, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(
            self.meta.name.clone(),
            self.meta.level,
            self.obj.file,
            span,
            message,
        )
    }

    pub fn finding_at(&self, level: Level, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(self.meta.name.clone(), level, self.obj.file, span, message)
    }

    pub fn emit(&mut self, f: Finding) {
        self.out.push(f);
    }

    /// This object's tree in its file's text, to make fixes with.
    pub fn yaml(&self) -> YamlDoc<'_> {
        YamlDoc::new(&self.file.text, &self.obj.root)
    }

    /// A subtree of this object (a trigger, a container) in its file's text.
    pub fn yaml_at<'n>(&'n self, node: &'n Node) -> YamlDoc<'n> {
        YamlDoc::new(&self.file.text, node)
    }

    /// This flat config object (pgbouncer.ini, redis.conf, .properties) in its file's text;
    /// embedded when the file is YAML (a ConfigMap's key).
    pub fn flat(&self) -> FlatDoc<'_> {
        let embedded = self.obj.format != Format::Kubernetes && self.obj.root.span.start > 0 && {
            let name = self.file.path.to_ascii_lowercase();
            name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json")
        };
        FlatDoc::new(&self.file.text, &self.obj.root, self.obj.format, embedded)
    }
}

/// What a cross-resource rule sees.
pub struct IndexCtx<'a> {
    pub index: &'a Index<'a>,
    pub(crate) meta: &'a RuleMeta,
    pub(crate) out: &'a mut Vec<Finding>,
}

impl IndexCtx<'_> {
    pub fn finding(&self, file: FileId, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(self.meta.name.clone(), self.meta.level, file, span, message)
    }

    pub fn emit(&mut self, f: Finding) {
        self.out.push(f);
    }
}

/// Deserialise a rule's typed parameters, naming the rule in the error.
pub fn params<T: serde::de::DeserializeOwned>(
    rule: &str,
    v: &serde_json::Value,
) -> Result<T, ParamError> {
    serde_json::from_value(v.clone()).map_err(|e| ParamError::new(rule, e.to_string()))
}

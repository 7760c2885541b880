//! The rule interface: what a rule applies to and how it reports.

use super::index::Index;
use super::meta::RuleMeta;
use crate::model::{FileId, Finding, Format, Level, Object, SourceFile, Span};

/// What a rule looks at; the engine dispatches on it.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// Kubernetes objects of these kinds in this API group (`apps`, `autoscaling`; `""` is
    /// the core group; `"*"` is any group). The engine dispatches on both, so rules need not
    /// re-check them.
    Objects {
        group: &'static str,
        kinds: &'static [&'static str],
    },
    /// Objects of a flat config format, optionally only of these kinds (empty: all).
    Format {
        format: Format,
        kinds: &'static [&'static str],
    },
    /// Objects of any of these flat config formats, every kind (a rule about values in
    /// general, such as `invalid-value`).
    Formats(&'static [Format]),
    /// The index over every analysed object (cross-resource rules).
    Index,
    /// Problems found while reading and parsing sources; reported by the engine itself.
    Source,
}

impl Target {
    /// Whether a rule with this target looks at `obj` (the engine's dispatch, one object).
    pub fn applies_to(&self, obj: &Object) -> bool {
        match self {
            Target::Objects { group, kinds } => {
                obj.format == Format::Kubernetes
                    && (*group == "*" || obj.group() == *group)
                    && kinds.contains(&obj.kind.as_str())
            }
            Target::Format { format, kinds } => {
                obj.format == *format && (kinds.is_empty() || kinds.contains(&obj.kind.as_str()))
            }
            Target::Formats(formats) => {
                obj.format != Format::Kubernetes && formats.contains(&obj.format)
            }
            Target::Index | Target::Source => false,
        }
    }
}

/// A rule's name lives in its registry entry and metadata, not here.
pub trait Rule: Send + Sync {
    fn target(&self) -> Target;
    /// Per-object check (for `Target::Objects`).
    fn check(&self, _cx: &mut Ctx<'_>) {}
    /// Whole-run check (for `Target::Index`).
    fn check_index(&self, _cx: &mut IndexCtx<'_>) {}
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
            &self.meta.name,
            self.meta.level,
            self.obj.file,
            span,
            message,
        )
    }

    pub fn finding_at(&self, level: Level, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(&self.meta.name, level, self.obj.file, span, message)
    }

    pub fn emit(&mut self, f: Finding) {
        self.out.push(f);
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
        Finding::new(&self.meta.name, self.meta.level, file, span, message)
    }

    pub fn emit(&mut self, f: Finding) {
        self.out.push(f);
    }
}

/// Builds a rule from its parameters (metadata defaults merged with configuration).
pub type Builder = fn(&serde_json::Value) -> Result<Box<dyn Rule>, String>;

/// Build a rule whose struct is its own typed parameters (`{}` for a rule without any, so
/// that a stray parameter in configuration is still an error).
pub fn build_rule<R>(rule: &str, v: &serde_json::Value) -> Result<Box<dyn Rule>, String>
where
    R: Rule + serde::de::DeserializeOwned + 'static,
{
    Ok(Box::new(params::<R>(rule, v)?))
}

/// Deserialise a rule's typed parameters, naming the rule in the error.
pub fn params<T: serde::de::DeserializeOwned>(
    rule: &str,
    v: &serde_json::Value,
) -> Result<T, String> {
    serde_json::from_value(v.clone()).map_err(|e| format!("rule {rule}: {e}"))
}

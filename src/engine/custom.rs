//! Custom rules without Rust: YAML files (under `.scalelint/rules/`, and `custom-rules:` paths
//! in the configuration) that match objects by format and kind and assert a JSON Schema on
//! each (Polaris-style). They run through the same engine: configuration, suppressions,
//! outputs and SARIF rule descriptors.
//!
//! ```yaml
//! name: hpa-min-two
//! level: error
//! summary: An HPA may scale down to a single pod.
//! message: minReplicas must be at least 2
//! help: set spec.minReplicas to 2 or more
//! match: {kinds: [HorizontalPodAutoscaler], group: autoscaling}
//! schema:
//!   properties:
//!     spec: {required: [minReplicas], properties: {minReplicas: {minimum: 2}}}
//! ```

use super::meta::RuleMeta;
use super::rule::{Ctx, Rule, Target};
use crate::model::{Format, Level, Node, Span, Value};
use crate::sources::yaml;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: String,
    level: Level,
    summary: String,
    #[serde(default)]
    why: Option<String>,
    message: String,
    #[serde(default)]
    help: Option<String>,
    #[serde(rename = "match")]
    matcher: Match,
    schema: serde_json::Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Match {
    /// `kubernetes` (default), `pgbouncer`, `redis`, `kafka`, `prometheus`.
    #[serde(default)]
    format: Option<String>,
    /// Kinds the rule applies to (Kubernetes kinds; for flat formats the object kinds such as
    /// `RedisConfig`); empty: every kind of a flat format.
    #[serde(default)]
    kinds: Vec<String>,
    /// The Kubernetes API group (`apps`, `autoscaling`; `""` for the core group); absent:
    /// any group.
    #[serde(default)]
    group: Option<String>,
}

/// A loaded custom rule definition.
#[derive(Debug, Clone)]
pub struct Def {
    pub meta: RuleMeta,
    pub path: PathBuf,
    message: String,
    help: Option<String>,
    format: Format,
    kinds: Vec<String>,
    group: Option<String>,
    schema: serde_json::Value,
}

static DEFS: OnceLock<Vec<Def>> = OnceLock::new();

/// The custom rules of this run (none until [`install`]).
pub fn defs() -> &'static [Def] {
    DEFS.get().map_or(&[], Vec::as_slice)
}

/// Make custom rules known for the rest of the process: rule metadata, configuration,
/// suppressions and SARIF see them. Call before anything reads the metadata.
pub fn install(defs: Vec<Def>) -> Result<(), String> {
    DEFS.set(defs)
        .map_err(|_| "custom rules are already installed".to_string())
}

/// The rule files at these paths: files, or folders whose `*.yaml`/`*.yml` are read (sorted).
/// A missing optional path is fine (`.scalelint/rules/`); a missing required one is not.
pub fn load(paths: &[(PathBuf, bool)]) -> Result<Vec<Def>, String> {
    let mut files = Vec::new();
    for (p, required) in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            found.sort();
            files.extend(found);
        } else if p.exists() {
            files.push(p.clone());
        } else if *required {
            return Err(format!(
                "custom rules {}: no such file or folder",
                p.display()
            ));
        }
    }
    let builtin: Vec<&str> = crate::rules::registry().map(|(n, _)| *n).collect();
    let mut out: Vec<Def> = Vec::new();
    for f in files {
        let def = load_one(&f)?;
        if builtin.contains(&def.meta.name.as_str()) || def.meta.name == "all" {
            return Err(format!(
                "{}: custom rule `{}` has the name of a built-in rule",
                f.display(),
                def.meta.name
            ));
        }
        if let Some(other) = out.iter().find(|d| d.meta.name == def.meta.name) {
            return Err(format!(
                "{}: custom rule `{}` is also defined in {}",
                f.display(),
                def.meta.name,
                other.path.display()
            ));
        }
        out.push(def);
    }
    Ok(out)
}

fn load_one(path: &Path) -> Result<Def, String> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let parsed = yaml::parse(&text, yaml::Limits::default());
    let src = crate::model::SourceFile::new(shown.clone(), text.clone());
    let at = |span: Span, msg: String| {
        let lc = src.line_col(span.start);
        format!("{shown}:{}:{}: {msg}", lc.line, lc.column)
    };
    if let Some(p) = parsed.problems.first() {
        let span = match p {
            crate::sources::Problem::Syntax { span, .. }
            | crate::sources::Problem::Limit { span, .. } => *span,
            crate::sources::Problem::DuplicateKey { second, .. } => *second,
        };
        return Err(at(span, format!("{p:?}")));
    }
    let Some(doc) = parsed.documents.into_iter().next() else {
        return Err(format!("{shown}: empty custom rule file"));
    };
    let file: File = serde_json::from_value(doc.root.to_json())
        .map_err(|e| at(doc.root.span, format!("invalid custom rule: {e}")))?;
    let name_ok = !file.name.is_empty()
        && file
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !name_ok {
        return Err(format!(
            "{shown}: custom rule name `{}` must be lower-case letters, digits and `-`",
            file.name
        ));
    }
    let format = match file.matcher.format.as_deref().unwrap_or("kubernetes") {
        "kubernetes" => Format::Kubernetes,
        "pgbouncer" => Format::PgBouncer,
        "redis" => Format::Redis,
        "kafka" => Format::Kafka,
        "prometheus" => Format::Prometheus,
        other => {
            return Err(format!(
                "{shown}: unknown format `{other}` (kubernetes, pgbouncer, redis, kafka, prometheus)"
            ));
        }
    };
    if format == Format::Kubernetes && file.matcher.kinds.is_empty() {
        return Err(format!("{shown}: `match.kinds` must name Kubernetes kinds"));
    }
    jsonschema::validator_for(&file.schema)
        .map_err(|e| format!("{shown}: invalid JSON Schema: {e}"))?;
    let fix = file.help.clone().unwrap_or_else(|| file.summary.clone());
    Ok(Def {
        meta: RuleMeta {
            name: file.name,
            domain: "custom".to_string(),
            level: file.level,
            other_levels: Vec::new(),
            why: file.why.unwrap_or_else(|| file.summary.clone()),
            summary: file.summary,
            fix,
            since: "custom".to_string(),
            always_on: false,
            params: Default::default(),
        },
        path: path.to_path_buf(),
        message: file.message,
        help: file.help,
        format,
        kinds: file.matcher.kinds,
        group: file.matcher.group,
        schema: file.schema,
    })
}

/// A custom rule, ready to run.
pub struct CustomRule {
    def: &'static Def,
    validator: jsonschema::Validator,
    kinds: &'static [&'static str],
    group: &'static str,
}

impl CustomRule {
    pub fn new(def: &'static Def) -> Result<CustomRule, String> {
        let validator = jsonschema::validator_for(&def.schema)
            .map_err(|e| format!("custom rule {}: {e}", def.meta.name))?;
        // Targets name kinds with `'static` strings; custom rules are loaded once per
        // process, so their few names are leaked rather than threading lifetimes through.
        let kinds: Vec<&'static str> = def
            .kinds
            .iter()
            .map(|k| &*Box::leak(k.clone().into_boxed_str()))
            .collect();
        Ok(CustomRule {
            def,
            validator,
            kinds: Box::leak(kinds.into_boxed_slice()),
            group: def
                .group
                .as_deref()
                .map_or(ANY_GROUP, |g| Box::leak(g.to_string().into_boxed_str())),
        })
    }
}

/// The group of a custom rule that names none: any.
pub const ANY_GROUP: &str = "*";

impl Rule for CustomRule {
    fn target(&self) -> Target {
        if self.def.format == Format::Kubernetes {
            Target::Objects {
                group: self.group,
                kinds: self.kinds,
            }
        } else {
            Target::Format {
                format: self.def.format,
                kinds: self.kinds,
            }
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let instance = cx.obj.root.to_json();
        let mut seen = Vec::new();
        for err in self.validator.iter_errors(&instance) {
            let pointer = err.instance_path().as_str().to_string();
            let span = span_at(&cx.obj.root, &pointer).unwrap_or_else(|| cx.obj.anchor_span());
            let label = err.to_string();
            if seen.contains(&(span, label.clone())) {
                continue;
            }
            seen.push((span, label.clone()));
            let mut f = cx
                .finding(span, self.def.message.clone())
                .with_label(short(&label));
            if let Some(h) = &self.def.help {
                f = f.with_help(h.clone());
            }
            cx.emit(f);
        }
    }
}

/// A schema error as a caret label: one line, bounded.
fn short(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    if line.chars().count() > 100 {
        let cut: String = line.chars().take(97).collect();
        format!("{cut}...")
    } else {
        line.to_string()
    }
}

/// Where a JSON pointer leads in the tree: the value of the last key (or item). The root
/// (errors about the whole object, or a property missing at its top) has no place of its
/// own: `None`, and the finding goes to the object's anchor. A property missing deeper is
/// reported by the schema at its parent, whose key is the nearest existing ancestor.
fn span_at(root: &Node, pointer: &str) -> Option<Span> {
    if pointer.is_empty() {
        return None;
    }
    let mut node = root;
    let mut span = None;
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        match &node.value {
            Value::Map(entries) => {
                let e = entries
                    .iter()
                    .find(|e| e.key.text() == Some(seg.as_str()))?;
                // A scalar is pointed at by its value, a mapping or list by its key.
                span = Some(if matches!(e.value.value, Value::Scalar(_)) {
                    e.value.span
                } else {
                    e.key.span
                });
                node = &e.value;
            }
            Value::Seq(items) => {
                let i: usize = seg.parse().ok()?;
                node = items.get(i)?;
                span = Some(node.span);
            }
            Value::Scalar(_) => return span,
        }
    }
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_lead_to_values_and_keys() {
        let text = "spec:\n  minReplicas: 1\n  list:\n    - a\n";
        let root = yaml::parse(text, yaml::Limits::default())
            .documents
            .remove(0)
            .root;
        let s = span_at(&root, "/spec/minReplicas").unwrap();
        assert_eq!(&text[s.start..s.end], "1");
        let s = span_at(&root, "/spec").unwrap();
        assert_eq!(&text[s.start..s.end], "spec");
        let s = span_at(&root, "/spec/list/0").unwrap();
        assert_eq!(&text[s.start..s.end], "a");
        assert_eq!(span_at(&root, ""), None);
        assert_eq!(span_at(&root, "/nope"), None);
    }
}

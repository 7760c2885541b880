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
use super::placed::{ConfigError, Errors, hint, strings};
use super::rule::{Ctx, Kinds, ObjectRule, ParamError, Target};
use super::shown_path;
use crate::model::{Format, Level, Node, Span, Value};
use crate::sources::yaml;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A custom rule file's keys, and those of its `match`.
const KEYS: &[&str] = &[
    "name", "level", "summary", "why", "message", "help", "match", "schema",
];
const REQUIRED: &[&str] = &["name", "level", "summary", "message", "match", "schema"];
const MATCH_KEYS: &[&str] = &["format", "kinds", "group"];
const FORMATS: &[&str] = &["kubernetes", "pgbouncer", "redis", "kafka", "prometheus"];

/// A file or folder custom rules are read from.
#[derive(Clone, Debug)]
pub struct RulePath {
    pub path: PathBuf,
    /// Must exist (listed in the config: a typo must not silently disable rules).
    pub required: bool,
    /// As listed, and where (`path:line:col`), for errors about it.
    pub listed: Option<(String, String)>,
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
    /// `path:line:col` of the rule's name, for errors about the name.
    name_at: String,
}

impl Def {
    /// `path:line:col` of the rule's name.
    pub fn name_at(&self) -> &str {
        &self.name_at
    }
}

/// The rule files at these paths: files, or folders whose `*.yaml`/`*.yml` are read (sorted).
/// A missing optional path is fine (`.scalelint/rules/`); a missing required one is not.
pub fn load(paths: &[RulePath]) -> Result<Vec<Def>, ConfigError> {
    let mut files = Vec::new();
    for rp in paths {
        let p = &rp.path;
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("cannot read {}: {e}", shown_path(p)))?
                .flatten()
                .map(|e| e.path())
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            found.sort();
            files.extend(found);
        } else if p.exists() {
            files.push(p.clone());
        } else if rp.required {
            return Err(match &rp.listed {
                Some((listed, at)) => {
                    format!("{at}: custom rules `{listed}`: no such file or folder").into()
                }
                None => format!("custom rules {}: no such file or folder", shown_path(p)).into(),
            });
        }
    }
    // Names are checked against the built-in rules and each other when the catalog takes
    // them (`Catalog::with_custom`).
    files.iter().map(|f| load_one(f)).collect()
}

/// One custom rule file, checked field by field so that every error points at its place.
fn load_one(path: &Path) -> Result<Def, ConfigError> {
    let shown = shown_path(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read custom rule {shown}: {e}"))?;
    let parsed = yaml::parse(&text, yaml::Limits::default());
    let e = Errors::new(&shown, text);
    if let Some(p) = parsed.problems.first() {
        return Err(e.problem(p));
    }
    let Some(doc) = parsed.documents.into_iter().next() else {
        return Err(format!("{shown}: empty custom rule file").into());
    };
    let root = doc.root;
    let Some(entries) = root.as_map() else {
        return Err(e.at(
            root.span,
            format!("a custom rule is a mapping of {}", KEYS.join(", ")),
        ));
    };
    for entry in entries {
        let key = entry.key.text().unwrap_or("");
        if !KEYS.contains(&key) {
            return Err(e.at(
                entry.key.span,
                format!("unknown key `{key}` in a custom rule{}", hint(key, KEYS)),
            ));
        }
    }
    if let Some(missing) = REQUIRED.iter().find(|k| root.get(k).is_none()) {
        return Err(e.at(
            root.span,
            format!(
                "the custom rule has no `{missing}` (required: {})",
                REQUIRED.join(", ")
            ),
        ));
    }
    let entry = |key: &str| entries.iter().find(|en| en.key.text() == Some(key));
    // A text field: a scalar, as written.
    let text_of = |key: &str| -> Result<Option<(String, Span)>, ConfigError> {
        let Some(en) = entry(key) else {
            return Ok(None);
        };
        match en.value.as_scalar() {
            Some(s) if !en.value.is_null() => Ok(Some((s.text.to_string(), en.value.span))),
            _ => Err(e.at(en.value.span, format!("`{key}` must be text"))),
        }
    };
    let required = |key: &str| -> Result<(String, Span), ConfigError> {
        text_of(key)?.ok_or_else(|| e.at(root.span, format!("the custom rule has no `{key}`")))
    };
    let (name, name_span) = required("name")?;
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !name_ok {
        return Err(e.at(
            name_span,
            format!("custom rule name `{name}` must be lower-case letters, digits and `-`"),
        ));
    }
    let (level_text, level_span) = required("level")?;
    let level = Level::parse(&level_text).ok_or_else(|| {
        e.at(
            level_span,
            format!(
                "`level` must be error, warning or info, not `{level_text}`{}",
                hint(&level_text, &Level::NAMES)
            ),
        )
    })?;
    let (summary, _) = required("summary")?;
    let (message, _) = required("message")?;
    let why = text_of("why")?.map(|(t, _)| t);
    let help = text_of("help")?.map(|(t, _)| t);
    let (format, kinds, group) = matcher(&e, entry("match"))?;
    let schema_entry = entry("schema");
    let schema = schema_entry
        .map(|en| en.value.to_json())
        .unwrap_or_default();
    if let Err(err) = jsonschema::validator_for(&schema) {
        // The error's instance is the schema itself: its path leads to the place at fault.
        let span = schema_entry
            .map(|en| span_at(&en.value, err.instance_path().as_str()).unwrap_or(en.key.span));
        return Err(e.at(
            span.unwrap_or(root.span),
            format!("invalid JSON Schema: {}", short(&err.to_string())),
        ));
    }
    let fix = help.clone().unwrap_or_else(|| summary.clone());
    Ok(Def {
        meta: RuleMeta {
            name: name.into(),
            domain: "custom".to_string(),
            level,
            other_levels: Vec::new(),
            why: why.unwrap_or_else(|| summary.clone()),
            summary,
            fix,
            since: "custom".to_string(),
            always_on: false,
            autofix: Vec::new(),
            params: Default::default(),
        },
        path: path.to_path_buf(),
        message,
        help,
        format,
        kinds,
        group,
        schema,
        name_at: e.place(name_span),
    })
}

/// A custom rule's `match`: its format, kinds and API group.
fn matcher(
    e: &Errors,
    entry: Option<&crate::model::Entry>,
) -> Result<(Format, Vec<String>, Option<String>), ConfigError> {
    let Some(entry) = entry else {
        return Err("the custom rule has no `match`".to_string().into());
    };
    let m = &entry.value;
    let Some(entries) = m.as_map() else {
        return Err(e.at(
            m.span,
            "`match` must be a mapping of format, kinds and group",
        ));
    };
    let mut format = Format::Kubernetes;
    let mut kinds = Vec::new();
    let mut group = None;
    for en in entries {
        let key = en.key.text().unwrap_or("");
        let v = &en.value;
        match key {
            "format" => {
                let t = v.text().unwrap_or("");
                format = match t {
                    "kubernetes" => Format::Kubernetes,
                    "pgbouncer" => Format::PgBouncer,
                    "redis" => Format::Redis,
                    "kafka" => Format::Kafka,
                    "prometheus" => Format::Prometheus,
                    _ => {
                        return Err(e.at(
                            v.span,
                            format!(
                                "unknown format `{t}` ({}){}",
                                FORMATS.join(", "),
                                hint(t, FORMATS)
                            ),
                        ));
                    }
                };
            }
            "kinds" => {
                kinds = strings(v)
                    .ok_or_else(|| e.at(v.span, "`match.kinds` must be a list of kinds"))?;
            }
            "group" => {
                // `""` is the core group; `group:` with nothing is no group at all.
                if !v.is_null() {
                    let s = v
                        .as_scalar()
                        .ok_or_else(|| e.at(v.span, "`match.group` must be an API group"))?;
                    group = Some(s.text.to_string());
                }
            }
            _ => {
                return Err(e.at(
                    en.key.span,
                    format!("unknown key `{key}` in `match`{}", hint(key, MATCH_KEYS)),
                ));
            }
        }
    }
    if format == Format::Kubernetes && kinds.is_empty() {
        return Err(e.at(entry.key.span, "`match.kinds` must name Kubernetes kinds"));
    }
    Ok((format, kinds, group))
}

/// A custom rule, ready to run.
pub struct CustomRule {
    def: Arc<Def>,
    validator: jsonschema::Validator,
}

impl CustomRule {
    pub fn new(def: Arc<Def>) -> Result<CustomRule, ParamError> {
        let validator = jsonschema::validator_for(&def.schema)
            .map_err(|e| ParamError::new(&def.meta.name, format!("schema: {e}")))?;
        Ok(CustomRule { def, validator })
    }
}

/// The group of a custom rule that names none: any.
pub const ANY_GROUP: &str = "*";

impl ObjectRule for CustomRule {
    fn target(&self) -> Target<'_> {
        let kinds = Kinds::Owned(&self.def.kinds);
        if self.def.format == Format::Kubernetes {
            Target::Objects {
                group: self.def.group.as_deref().unwrap_or(ANY_GROUP),
                kinds,
            }
        } else {
            Target::Format {
                format: self.def.format,
                kinds,
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

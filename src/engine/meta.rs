//! Rule metadata: `rules/<domain>/<rule-name>.yaml`, embedded at build time. It feeds
//! `scalelint explain`, the rules table, the README and the SARIF rule descriptors, through
//! the [`Catalog`](super::catalog::Catalog).

use crate::model::{Applicability, Level};
use crate::sources::yaml;
use serde::Deserialize;
use std::collections::BTreeMap;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/rule_metadata.rs"));
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamMeta {
    /// `integer`, `number`, `boolean`, `string`, `list`, `table`.
    #[serde(rename = "type")]
    pub kind: String,
    pub default: serde_json::Value,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    /// From the rule's declaration (built-in rules) or its file (custom rules).
    #[serde(skip)]
    pub name: crate::model::Text,
    /// The domain folder: `source`, `k8s`, `hpa`, …
    #[serde(skip)]
    pub domain: String,
    pub level: Level,
    /// Some rules report a second level for a milder or harsher case; documented here.
    #[serde(default)]
    pub other_levels: Vec<Level>,
    pub summary: String,
    pub why: String,
    pub fix: String,
    pub since: String,
    /// Reported whatever the rule selection says (`--select`, `--ignore`, `off`, groups): the
    /// rule says an input could not be checked, and hiding that would pass the input
    /// unchecked. Only its level can be configured.
    #[serde(default)]
    pub always_on: bool,
    #[serde(default)]
    pub params: BTreeMap<String, ParamMeta>,
    /// The fixes the rule offers, by applicability (empty: none); its findings carry them.
    #[serde(default)]
    pub autofix: Vec<Applicability>,
}

impl RuleMeta {
    /// What `rules` and `explain` say of the rule's fixes: `safe`, `safe / unsafe`, or `-`.
    pub fn autofix_label(&self) -> String {
        if self.autofix.is_empty() {
            return "-".to_string();
        }
        let names: Vec<&str> = self.autofix.iter().map(|a| a.as_str()).collect();
        names.join(" / ")
    }

    /// The parameters' defaults as a JSON object, for deserialising a rule's typed params.
    pub fn default_params(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.params
                .iter()
                .map(|(k, p)| (k.clone(), p.default.clone()))
                .collect(),
        )
    }
}

/// Why the built-in metadata could not be read: a bug of the build, which the test suite
/// catches; at run time it is an error, never a panic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataError {
    /// `rules/<domain>/<name>.yaml`.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for MetadataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rule metadata {}: {}", self.path, self.message)
    }
}

impl std::error::Error for MetadataError {}

/// The metadata file of rule `name` in folder `domain`: its JSON form made at build time
/// (`build.rs`; the tests hold it to the YAML's reading here), else the YAML, whose reading
/// says where a broken file is wrong.
pub fn builtin(domain: &str, name: &'static str) -> Result<RuleMeta, MetadataError> {
    let path = format!("rules/{domain}/{name}.yaml");
    let err = |message: String| MetadataError {
        path: path.clone(),
        message,
    };
    let (yaml, json) = embedded::RULE_METADATA
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, yaml, json)| (*yaml, *json))
        .ok_or_else(|| err("no such file (a declared rule needs its metadata)".to_string()))?;
    let mut meta = match json.and_then(|j| serde_json::from_str::<RuleMeta>(j).ok()) {
        Some(meta) => meta,
        None => from_yaml(yaml).map_err(err)?,
    };
    meta.name = name.into();
    meta.domain = domain.to_string();
    Ok(meta)
}

/// A metadata file read from its YAML, as custom rules' files are.
fn from_yaml(text: &str) -> Result<RuleMeta, String> {
    let parsed = yaml::parse(text, yaml::Limits::default());
    if let Some(p) = parsed.problems.first() {
        return Err(p.to_string());
    }
    let root = parsed
        .documents
        .into_iter()
        .next()
        .ok_or_else(|| "empty".to_string())?
        .root;
    serde_json::from_value(root.to_json()).map_err(|e| e.to_string())
}

/// Every embedded metadata file, as `(domain, name)`: the catalog checks that each belongs to
/// a declared rule.
pub fn builtin_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    embedded::RULE_METADATA.iter().filter_map(|(path, _, _)| {
        let rest = path.strip_prefix("rules/")?.strip_suffix(".yaml")?;
        rest.split_once('/')
    })
}

/// A fixture shown as an example: its file name and text.
pub type Example = (&'static str, &'static str);

/// A rule's fixture examples: its first failing and its first passing fixture.
pub fn examples(rule: &str) -> (Option<Example>, Option<Example>) {
    let pick = |prefix: &str| {
        embedded::RULE_EXAMPLES
            .iter()
            .find(|(r, name, _)| *r == rule && name.starts_with(prefix))
            .map(|(_, name, text)| (*name, *text))
    };
    (pick("fail."), pick("pass."))
}

/// The warning for an always-on rule that was turned off by name (it stays on).
pub fn cannot_turn_off(name: &str) -> String {
    format!(
        "`{name}` cannot be turned off: it reports an input that scalelint could not check, and \
         hiding it would let that input pass unchecked; it is still reported (its level can be set)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON `build.rs` made of each file is what reading its YAML here gives, value for
    /// value (an integer stays an integer, `yes` a boolean): else the catalog would differ
    /// from the files it documents.
    #[test]
    fn the_build_time_json_is_the_yaml_as_read_here() {
        assert!(embedded::RULE_METADATA.len() > 60);
        for (path, yaml, json) in embedded::RULE_METADATA {
            let json = json.unwrap_or_else(|| panic!("{path}: build.rs could not read it"));
            let parsed = yaml::parse(yaml, yaml::Limits::default());
            assert!(parsed.problems.is_empty(), "{path}: {:?}", parsed.problems);
            let [document] = parsed.documents.as_slice() else {
                panic!("{path}: not one document");
            };
            let from_json: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(from_json, document.root.to_json(), "{path}");
            let (domain, name) = path
                .strip_prefix("rules/")
                .and_then(|p| p.strip_suffix(".yaml"))
                .and_then(|p| p.split_once('/'))
                .unwrap();
            let name: &'static str = Box::leak(name.to_string().into_boxed_str());
            assert!(builtin(domain, name).is_ok(), "{path}");
        }
    }

    #[test]
    fn a_file_not_read_at_build_time_is_read_from_its_yaml() {
        let yaml = "level: warning\nsummary: s\nwhy: w\nfix: f\nsince: 0.1.0\nparams:\n  n: {type: integer, default: 3, description: d}\n";
        let meta = from_yaml(yaml).unwrap();
        assert_eq!(meta.level, Level::Warning);
        assert_eq!(meta.params["n"].default, serde_json::json!(3));
        let err = from_yaml("level: warning\nlevel: error\n").unwrap_err();
        assert!(err.contains("level"), "{err}");
        assert!(from_yaml("summary: [unclosed\n").is_err());
    }
}

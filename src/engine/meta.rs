//! Rule metadata: `rules/<domain>/<rule-name>.yaml`, embedded at build time. One place feeds
//! `scalelint explain`, the rules table, the README and the SARIF rule descriptors.

use crate::model::Level;
use crate::sources::yaml;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

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
    pub name: String,
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
}

impl RuleMeta {
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

fn load() -> Result<Vec<RuleMeta>, String> {
    let mut out = Vec::new();
    for (path, text) in embedded::RULE_METADATA {
        let parsed = yaml::parse(text, yaml::Limits::default());
        if let Some(p) = parsed.problems.first() {
            let text = text.to_string();
            return Err(super::config::Errors::new(path, text).problem(p));
        }
        let root = parsed
            .documents
            .into_iter()
            .next()
            .ok_or_else(|| format!("{path}: empty"))?
            .root;
        let mut meta: RuleMeta =
            serde_json::from_value(root.to_json()).map_err(|e| format!("{path}: {e}"))?;
        let mut parts = path.split('/');
        meta.domain = parts.nth(1).unwrap_or_default().to_string();
        let file_name = path.rsplit('/').next().unwrap_or_default();
        if file_name != format!("{}.yaml", meta.name) {
            return Err(format!(
                "{path}: file name does not match rule name {}",
                meta.name
            ));
        }
        out.push(meta);
    }
    out.extend(super::custom::defs().iter().map(|d| d.meta.clone()));
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Every rule's metadata (custom rules included, once installed), sorted by name. A broken metadata file is a build-time bug caught
/// by the test suite; at run time it surfaces as an error, never a panic.
pub fn all() -> Result<&'static [RuleMeta], &'static str> {
    static META: OnceLock<Result<Vec<RuleMeta>, String>> = OnceLock::new();
    match META.get_or_init(load) {
        Ok(v) => Ok(v),
        Err(e) => Err(e),
    }
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

pub fn find(name: &str) -> Option<&'static RuleMeta> {
    all().ok()?.iter().find(|m| m.name == name)
}

/// A rule by name, whatever its case (`explain HPA-MIN-REPLICAS`): names are lower-case.
pub fn find_any_case(name: &str) -> Option<&'static RuleMeta> {
    all()
        .ok()?
        .iter()
        .find(|m| m.name.eq_ignore_ascii_case(name))
}

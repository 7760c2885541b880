//! `.scalelint.yaml`: which rules run, at what level, with which parameters, and which files
//! are skipped. Parsed with our own YAML reader so every error points at its line and column
//! in the config file, with a "did you mean" where a name is misspelt.

use super::catalog::{Catalog, RuleImpl};
use super::custom::{self, RulePath};
use super::meta::{self, RuleMeta};
use super::placed::{ConfigError, Errors, hint, strings};
use crate::model::{Level, Node, Span};
use crate::sources::yaml;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The config file's name, looked for from the working directory upwards.
pub const FILE_NAME: &str = ".scalelint.yaml";

/// Top-level keys, for did-you-mean.
const KEYS: &[&str] = &[
    "fail-on",
    "exclude",
    "tier",
    "rules",
    "custom-rules",
    "kustomize",
    "helm",
];

/// What one rule's configuration says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleConfig {
    pub off: bool,
    /// Replaces every level the rule reports at (a rule with a milder second case, like
    /// `hpa-api-version`, then reports both at this level).
    pub level: Option<Level>,
    /// Parameter overrides, merged onto the metadata defaults.
    pub params: serde_json::Map<String, serde_json::Value>,
}

/// A parsed configuration (the default one is empty).
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where it was read from; `exclude` globs are relative to its folder.
    pub path: Option<PathBuf>,
    pub fail_on: Option<FailOn>,
    pub exclude: Vec<String>,
    /// Per rule name, after resolving groups (`kafka-*`); only rules the file mentions.
    pub rules: BTreeMap<String, RuleConfig>,
    /// How Kustomize overlays are rendered (`kustomize:`).
    pub kustomize: super::kustomize::Settings,
    /// How Helm charts are rendered (`helm:`).
    pub helm: super::helm::Settings,
    /// Problems that do not stop the run (an always-on rule turned off by name), each with
    /// its place in the file; the CLI prints them on standard error.
    pub warnings: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        match s {
            "error" => Some(FailOn::Error),
            "warning" => Some(FailOn::Warning),
            "info" => Some(FailOn::Info),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }

    /// The lowest level that fails the run.
    pub fn threshold(self) -> Option<Level> {
        match self {
            FailOn::Error => Some(Level::Error),
            FailOn::Warning => Some(Level::Warning),
            FailOn::Info => Some(Level::Info),
            FailOn::Never => None,
        }
    }
}

/// The config file that applies in `cwd`: the nearest `.scalelint.yaml` from `cwd` upwards,
/// not looking above the git root.
pub fn discover(cwd: &Path) -> Option<PathBuf> {
    for dir in cwd.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// Read and check a config file, with the custom rules of the project (`.scalelint/rules/`
/// in its folder) and of its `custom-rules`, added to `builtin`: the configuration and the
/// catalog it was checked against. The file is parsed once.
pub fn load(path: &Path, builtin: &Catalog) -> Result<(Config, Catalog), ConfigError> {
    let shown = super::shown_path(path);
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read config {shown}: {e}"))?;
    let e = Errors::new(&shown, text);
    let root = document(&e)?;
    let listed = root.as_ref().map(|r| (r, &e));
    let catalog = with_custom_rules(builtin, Some(path), None, listed)?;
    let mut config = from_tree(&e, root.as_ref(), &catalog)?;
    config.path = Some(path.to_path_buf());
    Ok((config, catalog))
}

/// `builtin` with the custom rules found without a config file: `.scalelint/rules/` in the
/// project root.
pub fn project_catalog(builtin: &Catalog, root: Option<&Path>) -> Result<Catalog, ConfigError> {
    with_custom_rules(builtin, None, root, None)
}

/// `builtin` with the custom rules of `.scalelint/rules/` (in the config file's folder, else
/// `root`) and of the `custom-rules` paths of the config's tree (with its errors' file).
fn with_custom_rules(
    builtin: &Catalog,
    config: Option<&Path>,
    root: Option<&Path>,
    tree: Option<(&Node, &Errors)>,
) -> Result<Catalog, ConfigError> {
    let paths = custom_rule_paths(config, root, tree);
    let defs = custom::load(&paths)?;
    if defs.is_empty() {
        return Ok(builtin.clone());
    }
    builtin
        .with_custom(defs)
        .map_err(|err| ConfigError::from(err.to_string()))
}

/// The config file's one document, `None` when empty.
fn document(e: &Errors) -> Result<Option<Node>, ConfigError> {
    let parsed = yaml::parse(&e.file.text, yaml::Limits::default());
    if let Some(p) = parsed.problems.first() {
        return Err(e.problem(p));
    }
    Ok(parsed
        .documents
        .into_iter()
        .next()
        .map(|d| d.root)
        .filter(|root| !root.is_null()))
}

/// Whether a rule name matches a pattern: a name, or a group with `*` wildcards (`kafka-*`).
pub fn matches(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        // Iterative glob match with one backtrack point: linear enough for rule names.
        let (mut pi, mut ni) = (0, 0);
        let (mut star, mut mark) = (None, 0);
        while ni < n.len() {
            if pi < p.len() && p.get(pi) == n.get(ni) {
                pi += 1;
                ni += 1;
            } else if p.get(pi) == Some(&b'*') {
                star = Some(pi);
                mark = ni;
                pi += 1;
            } else if let Some(s) = star {
                pi = s + 1;
                mark += 1;
                ni = mark;
            } else {
                return false;
            }
        }
        p.get(pi..)
            .is_some_and(|rest| rest.iter().all(|&b| b == b'*'))
    }
    go(pattern.as_bytes(), name.as_bytes())
}

/// Rule names a pattern selects, or an error message (with a suggestion) when none.
pub fn resolve<'c>(pattern: &str, catalog: &'c Catalog) -> Result<Vec<&'c str>, String> {
    let hits: Vec<&str> = catalog
        .metas()
        .map(|m| m.name.as_ref())
        .filter(|n| matches(pattern, n))
        .collect();
    if hits.is_empty() {
        let names = catalog.names();
        if pattern.contains('*') {
            // A misspelt group is compared with the groups that exist (`kafak-*` with
            // `kafka-*`), not with rule names.
            let groups = groups(&names);
            let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
            return Err(format!(
                "rule group matches no rule `{pattern}`{}",
                hint(pattern, &groups)
            ));
        }
        return Err(format!("unknown rule `{pattern}`{}", hint(pattern, &names)));
    }
    Ok(hits)
}

/// Every group that selects rules by a prefix or suffix of words: `kafka-*`, `hpa-scale-*`,
/// `*-error`, …
fn groups(names: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for name in names {
        for (i, _) in name.match_indices('-') {
            if let (Some(head), Some(tail)) = (name.get(..=i), name.get(i..)) {
                out.insert(format!("{head}*"));
                out.insert(format!("*{tail}"));
            }
        }
    }
    out
}

fn level_of(node: &Node) -> Option<Level> {
    Level::parse(node.text()?)
}

fn is_off(node: &Node) -> bool {
    node.text() == Some("off")
        || matches!(
            node.as_scalar().map(|s| s.resolved()),
            Some(crate::model::Resolved::Bool(false))
        )
}

/// Where custom rules are read from: `.scalelint/rules/` in the project root (the config
/// file's folder, else `root`; optional), and the config's `custom-rules` paths (required).
/// Read leniently: the config's own errors are reported when it is parsed in full.
fn custom_rule_paths(
    config: Option<&Path>,
    root: Option<&Path>,
    tree: Option<(&Node, &Errors)>,
) -> Vec<RulePath> {
    let dir = config
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .or_else(|| root.map(Path::to_path_buf));
    let mut out: Vec<RulePath> = dir
        .iter()
        .map(|d| RulePath {
            path: d.join(".scalelint").join("rules"),
            required: false,
            listed: None,
        })
        .collect();
    let base = dir.unwrap_or_default();
    let Some((root, e)) = tree else {
        return out;
    };
    let listed = root
        .get("custom-rules")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for item in listed {
        if let Some(p) = item.as_scalar().map(|s| s.text.to_string()) {
            out.push(RulePath {
                path: base.join(&p),
                required: true,
                listed: Some((p, e.place(item.span))),
            });
        }
    }
    out
}

/// Parse config text against a catalog (`shown` names the file in errors). Custom rules the
/// text names are not loaded: [`load`] does that.
pub fn parse(shown: &str, text: &str, catalog: &Catalog) -> Result<Config, ConfigError> {
    let e = Errors::new(shown, text.to_string());
    let root = document(&e)?;
    from_tree(&e, root.as_ref(), catalog)
}

/// `<section>.enabled`: auto, always or never (how a renderer is used).
fn enabled(e: &Errors, v: &Node, section: &str) -> Result<super::kustomize::Enabled, ConfigError> {
    use super::kustomize::Enabled;
    let text = v.text().unwrap_or("");
    Enabled::parse(text).ok_or_else(|| {
        e.at(
            v.span,
            format!(
                "`{section}.enabled` must be auto, always or never, not `{text}`{}",
                hint(text, &Enabled::NAMES)
            ),
        )
    })
}

/// `<section>.timeout-seconds`: how long one render may take.
fn timeout(e: &Errors, v: &Node, section: &str) -> Result<std::time::Duration, ConfigError> {
    let secs = v
        .as_i64()
        .filter(|s| (1..=3600).contains(s))
        .ok_or_else(|| {
            e.at(
                v.span,
                format!("`{section}.timeout-seconds` must be a whole number from 1 to 3600"),
            )
        })?;
    Ok(std::time::Duration::from_secs(secs.unsigned_abs()))
}

const KUSTOMIZE_KEYS: &[&str] = &["enabled", "command", "allow-remote", "timeout-seconds"];

/// The `kustomize:` section.
fn kustomize(e: &Errors, node: &Node) -> Result<super::kustomize::Settings, ConfigError> {
    use super::kustomize::Settings;
    let mut settings = Settings::default();
    if node.is_null() {
        return Ok(settings);
    }
    let Some(entries) = node.as_map() else {
        return Err(e.at(
            node.span,
            "`kustomize` must be a mapping (enabled, command, allow-remote, timeout-seconds)",
        ));
    };
    for entry in entries {
        let key = entry.key.text().unwrap_or("");
        let v = &entry.value;
        match key {
            "enabled" => settings.enabled = enabled(e, v, "kustomize")?,
            "command" => {
                let cmd = strings(v).filter(|c| !c.is_empty()).ok_or_else(|| {
                    e.at(
                        v.span,
                        "`kustomize.command` must be a list: the program and its arguments, \
                         without the folder (e.g. [kustomize, build])",
                    )
                })?;
                settings.command = Some(cmd);
            }
            "allow-remote" => {
                settings.allow_remote = v.as_bool().ok_or_else(|| {
                    e.at(v.span, "`kustomize.allow-remote` must be true or false")
                })?;
            }
            "timeout-seconds" => settings.timeout = timeout(e, v, "kustomize")?,
            _ => {
                return Err(e.at(
                    entry.key.span,
                    format!("unknown key `kustomize.{key}`{}", hint(key, KUSTOMIZE_KEYS)),
                ));
            }
        }
    }
    Ok(settings)
}

const HELM_KEYS: &[&str] = &[
    "enabled",
    "command",
    "release",
    "namespace",
    "values",
    "set",
    "timeout-seconds",
];

/// The `helm:` section.
fn helm(e: &Errors, node: &Node) -> Result<super::helm::Settings, ConfigError> {
    let mut settings = super::helm::Settings::default();
    if node.is_null() {
        return Ok(settings);
    }
    let Some(entries) = node.as_map() else {
        return Err(e.at(
            node.span,
            "`helm` must be a mapping (enabled, command, release, namespace, values, set, timeout-seconds)",
        ));
    };
    let name = |v: &Node, key: &str| -> Result<String, ConfigError> {
        v.text()
            .filter(|t| !t.is_empty() && v.as_scalar().is_some())
            .map(str::to_string)
            .ok_or_else(|| e.at(v.span, format!("`helm.{key}` must be a name")))
    };
    for entry in entries {
        let key = entry.key.text().unwrap_or("");
        let v = &entry.value;
        match key {
            "enabled" => settings.enabled = enabled(e, v, "helm")?,
            "command" => {
                let cmd = strings(v).filter(|c| !c.is_empty()).ok_or_else(|| {
                    e.at(
                        v.span,
                        "`helm.command` must be a list: the program and its arguments before \
                         `template` (e.g. [helm])",
                    )
                })?;
                settings.command = Some(cmd);
            }
            "release" => settings.release = name(v, key)?,
            "namespace" => settings.namespace = name(v, key)?,
            "values" => {
                settings.values = strings(v).ok_or_else(|| {
                    e.at(
                        v.span,
                        "`helm.values` must be a list of values files, relative to each chart's folder",
                    )
                })?;
            }
            "set" => {
                let Some(pairs) = v.as_map() else {
                    return Err(e.at(
                        v.span,
                        "`helm.set` must be a mapping of value paths to values (`autoscaling.enabled: true`)",
                    ));
                };
                for p in pairs {
                    let (Some(k), Some(val)) = (p.key.text(), p.value.as_scalar()) else {
                        return Err(e.at(p.value.span, "`helm.set` values must be scalars"));
                    };
                    settings.set.push((k.to_string(), val.text.to_string()));
                }
            }
            "timeout-seconds" => settings.timeout = timeout(e, v, "helm")?,
            _ => {
                return Err(e.at(
                    entry.key.span,
                    format!("unknown key `helm.{key}`{}", hint(key, HELM_KEYS)),
                ));
            }
        }
    }
    Ok(settings)
}

/// The configuration a parsed config file says, checked against `catalog`.
fn from_tree(e: &Errors, root: Option<&Node>, catalog: &Catalog) -> Result<Config, ConfigError> {
    let mut config = Config::default();
    let Some(root) = root else {
        return Ok(config);
    };
    let Some(entries) = root.as_map() else {
        return Err(e.at(root.span, "the config must be a mapping of keys"));
    };
    let mut tier: Option<(String, Span)> = None;
    // Where each rule parameter was set, for errors found once all are known.
    let mut places = Places::new();
    for entry in entries {
        let key = entry.key.text().unwrap_or("");
        match key {
            "fail-on" => {
                let v = entry.value.text().unwrap_or("");
                config.fail_on = Some(FailOn::parse(v).ok_or_else(|| {
                    e.at(
                        entry.value.span,
                        format!(
                            "`fail-on` must be error, warning, info or never, not `{v}`{}",
                            hint(v, &["error", "warning", "info", "never"])
                        ),
                    )
                })?);
            }
            "exclude" => {
                let Some(items) = entry.value.as_seq() else {
                    return Err(e.at(entry.value.span, "`exclude` must be a list of globs"));
                };
                for item in items {
                    let Some(glob) = item.as_scalar().map(|s| s.text.to_string()) else {
                        return Err(e.at(item.span, "an `exclude` glob must be a string"));
                    };
                    if let Err(err) = super::exclude_glob(&glob) {
                        return Err(e.at(item.span, format!("invalid glob: {}", err.kind())));
                    }
                    config.exclude.push(glob);
                }
            }
            "tier" => {
                let Some(s) = entry.value.as_scalar() else {
                    return Err(e.at(entry.value.span, "`tier` must be a tier name"));
                };
                tier = Some((s.text.to_string(), entry.value.span));
            }
            "rules" => rules(e, &entry.value, catalog, &mut config, &mut places)?,
            "kustomize" => config.kustomize = kustomize(e, &entry.value)?,
            "helm" => config.helm = helm(e, &entry.value)?,
            // Read (leniently, before the rules it adds are needed) by `custom_rule_paths`;
            // checked here, in file order with the other keys.
            "custom-rules" => {
                if strings(&entry.value).is_none() {
                    return Err(e.at(
                        entry.value.span,
                        "`custom-rules` must be a list of files and folders",
                    ));
                }
            }
            _ => {
                return Err(e.at(
                    entry.key.span,
                    format!("unknown key `{key}`{}", hint(key, KEYS)),
                ));
            }
        }
    }
    if let Some((t, span)) = tier {
        // `tier` is the default tier of `container-resources-tier`; a tier set on the rule
        // itself wins (its `null` default, as `scalelint init` writes it, does not).
        let rc = config.rules.entry(TIER_RULE.to_string()).or_default();
        if rc.params.get("tier").is_none_or(serde_json::Value::is_null) {
            rc.params
                .insert("tier".to_string(), serde_json::Value::String(t));
            places.insert((TIER_RULE.to_string(), "tier".to_string()), span);
        }
    }
    check_params(e, catalog, &config, &places)?;
    Ok(config)
}

/// The rule the top-level `tier` configures.
const TIER_RULE: &str = "container-resources-tier";

/// Where each (rule, parameter) was set in the file.
type Places = BTreeMap<(String, String), Span>;

/// Build every configured rule with its parameters, now that all are known (a tier may be
/// added under `tiers` and chosen by `tier`, in any order or through the top-level `tier`),
/// and report a failure at the parameter at fault.
fn check_params(
    e: &Errors,
    catalog: &Catalog,
    config: &Config,
    places: &Places,
) -> Result<(), ConfigError> {
    for (name, rc) in &config.rules {
        let Some(m) = catalog.find(name) else {
            continue;
        };
        let Some(RuleImpl::Builtin(implementation)) =
            catalog.entry(name).map(|e| &e.implementation)
        else {
            continue;
        };
        let build = |params: &serde_json::Value| implementation.build_check(name, params);
        let place = |key: &str| places.get(&(name.clone(), key.to_string())).copied();
        let mut params = m.default_params();
        merge(&mut params, &serde_json::Value::Object(rc.params.clone()));
        if name == TIER_RULE
            && let Some(serde_json::Value::String(t)) = params.get("tier")
        {
            let tiers: Vec<&str> = params
                .get("tiers")
                .and_then(serde_json::Value::as_object)
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            if !tiers.contains(&t.as_str())
                && let Some(span) = place("tier")
            {
                return Err(e.at(
                    span,
                    format!(
                        "unknown tier `{t}` ({}){}",
                        tiers.join(", "),
                        hint(t, &tiers)
                    ),
                ));
            }
        }
        let Err(err) = build(&params) else {
            continue;
        };
        // The parameter at fault: the first that fails on its own over the defaults, else
        // (a combination fails) the first one set.
        let alone = |key: &str, value: &serde_json::Value| {
            let mut p = m.default_params();
            merge(&mut p, &serde_json::json!({ key: value }));
            build(&p).err()
        };
        let mut set: Vec<(Span, &String, &serde_json::Value)> = rc
            .params
            .iter()
            .filter_map(|(k, v)| Some((place(k)?, k, v)))
            .collect();
        set.sort_by_key(|(span, ..)| span.start);
        let (span, key, err) = set
            .iter()
            .find_map(|(span, k, v)| Some((*span, *k, alone(k, v)?)))
            .or_else(|| set.first().map(|(span, k, _)| (*span, *k, err.clone())))
            .ok_or_else(|| ConfigError::from(err.to_string()))?;
        let err = err.message;
        return Err(e.at(
            span,
            format!("invalid parameter `{key}` of rule `{name}`: {err}"),
        ));
    }
    Ok(())
}

/// Whether a parameter's value has the type its metadata declares (`null` where the
/// default is `null`).
fn fits(kind: &str, default: &serde_json::Value, v: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    if v.is_null() && default.is_null() {
        return true;
    }
    match kind {
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "list" => v.is_array(),
        "table" => v.is_object(),
        _ => !matches!(v, J::Null),
    }
}

/// What a value is, for "must be integer, not …".
fn found(node: &Node) -> String {
    match &node.value {
        crate::model::Value::Scalar(s) => format!("`{}`", s.text),
        crate::model::Value::Seq(_) => "a list".to_string(),
        crate::model::Value::Map(_) => "a mapping".to_string(),
    }
}

fn rules(
    e: &Errors,
    node: &Node,
    catalog: &Catalog,
    config: &mut Config,
    places: &mut Places,
) -> Result<(), ConfigError> {
    if node.is_null() {
        return Ok(());
    }
    let Some(entries) = node.as_map() else {
        return Err(e.at(node.span, "`rules` must map rule names to settings"));
    };
    // Groups first, then exact names, so `kafka-*: off` plus `kafka-partitions: warning`
    // turns on just that one; among groups the later wins.
    let mut ordered: Vec<&crate::model::Entry> = entries.iter().collect();
    ordered.sort_by_key(|en| !en.key.text().unwrap_or("").contains('*'));
    for entry in ordered {
        let pattern = entry.key.text().unwrap_or("");
        let names = resolve(pattern, catalog).map_err(|m| e.at(entry.key.span, m))?;
        for name in names {
            let Some(m) = catalog.find(name) else {
                continue;
            };
            let group = pattern.contains('*');
            if m.always_on && is_off(&entry.value) {
                // Groups skip always-on rules silently; naming one is worth a warning.
                if !group {
                    config.warnings.push(
                        e.at(entry.key.span, meta::cannot_turn_off(name))
                            .to_string(),
                    );
                }
                continue;
            }
            let rc = config.rules.entry(name.to_string()).or_default();
            rule_settings(e, &entry.value, m, group, rc, places, &mut config.warnings)?;
        }
    }
    Ok(())
}

fn rule_settings(
    e: &Errors,
    v: &Node,
    m: &RuleMeta,
    group: bool,
    rc: &mut RuleConfig,
    places: &mut Places,
    warnings: &mut Vec<String>,
) -> Result<(), ConfigError> {
    if is_off(v) {
        rc.off = true;
        return Ok(());
    }
    // `rule:` with nothing after it (as `scalelint init` writes parameterless rules): on,
    // with its defaults.
    if v.is_null() {
        rc.off = false;
        return Ok(());
    }
    if let Some(level) = level_of(v) {
        rc.off = false;
        rc.level = Some(level);
        return Ok(());
    }
    let Some(entries) = v.as_map() else {
        let t = v.text().unwrap_or("");
        return Err(e.at(
            v.span,
            format!(
                "a rule's setting is `off`, a level (error, warning, info) or a mapping of `level` and parameters, not `{t}`{}",
                hint(t, &["off", "error", "warning", "info"])
            ),
        ));
    };
    rc.off = false;
    for entry in entries {
        let key = entry.key.text().unwrap_or("");
        if key == "level" {
            rc.level = Some(level_of(&entry.value).ok_or_else(|| {
                let t = entry.value.text().unwrap_or("");
                e.at(
                    entry.value.span,
                    format!(
                        "`level` must be error, warning or info, not `{t}`{}",
                        hint(t, &Level::NAMES)
                    ),
                )
            })?);
            continue;
        }
        if group {
            return Err(e.at(
                entry.key.span,
                "a rule group takes `off` or a `level`, not parameters",
            ));
        }
        // Parameters are kebab-case, like every key a user writes; the snake_case spelling of
        // scalelint 0.1 still works, with a warning.
        let kebab = key.replace('_', "-");
        let key = if key.contains('_') && m.params.contains_key(&kebab) {
            warnings.push(e.at(
                entry.key.span,
                format!(
                    "parameter `{key}` of rule `{}` is spelt `{kebab}` now; the old spelling still works",
                    m.name
                ),
            ).to_string());
            kebab.as_str()
        } else {
            key
        };
        let Some(p) = m.params.get(key) else {
            let mut names: Vec<&str> = m.params.keys().map(String::as_str).collect();
            names.push("level");
            let known = if m.params.is_empty() {
                " (it has no parameters)".to_string()
            } else {
                hint(key, &names)
            };
            return Err(e.at(
                entry.key.span,
                format!("unknown parameter `{key}` of rule `{}`{known}", m.name),
            ));
        };
        let value = entry.value.to_json();
        if !fits(&p.kind, &p.default, &value) {
            return Err(e.at(
                entry.value.span,
                format!(
                    "parameter `{key}` of rule `{}` must be {}, not {}",
                    m.name,
                    p.kind,
                    found(&entry.value)
                ),
            ));
        }
        // Values are checked by the rule itself once every parameter is known
        // (`check_params`).
        places.insert((m.name.to_string(), key.to_string()), entry.value.span);
        rc.params.insert(key.to_string(), value);
    }
    Ok(())
}

/// The commented `.scalelint.yaml` that `scalelint init` writes: every key, every rule with
/// its level and parameters at their defaults (levels commented out, so a rule that reports
/// at two levels keeps both until someone chooses).
pub fn template(catalog: &Catalog) -> String {
    let metas = catalog.metas();
    let mut out = String::from(
        "# scalelint configuration: https://github.com/scalelint/scalelint#configuration\n\
         # Schema: https://github.com/scalelint/scalelint/blob/main/schemas/config.schema.json\n\
         \n\
         # Lowest level that fails the run: error, warning, info or never.\n\
         fail-on: warning\n\
         \n\
         # Files to skip when walking folders, as globs relative to this file's folder\n\
         # (`legacy/**`; without `/`, a name at any depth: `*.generated.yaml`).\n\
         exclude: []\n\
         \n\
         # Default tier of workloads that declare none, for container-resources-tier\n\
         # (light, medium, heavy, or a tier of its own `tiers`).\n\
         # tier: medium\n\
         \n\
         # Custom rule files and folders, besides .scalelint/rules/ (YAML + JSON Schema).\n\
         # custom-rules: [policies/]\n\
         \n\
         # Per rule: `off`, a level (error, warning, info), or a mapping of `level` and\n\
         # parameters. Groups by prefix: `kafka-*: off`. A level replaces every level the\n\
         # rule reports at.\n\
         rules:\n",
    );
    let comment = |out: &mut String, indent: &str, text: &str| {
        for line in text.trim().lines() {
            out.push_str(indent);
            out.push_str("# ");
            out.push_str(line.trim_end());
            out.push('\n');
        }
    };
    for m in metas {
        out.push('\n');
        comment(&mut out, "  ", &m.summary);
        out.push_str(&format!("  {}:\n", m.name));
        let mut level = format!("level: {}", m.level);
        if !m.other_levels.is_empty() {
            let others: Vec<&str> = m.other_levels.iter().map(|l| l.as_str()).collect();
            level.push_str(&format!(" (also reports {})", others.join(", ")));
        }
        comment(&mut out, "    ", &level);
        if m.always_on {
            comment(
                &mut out,
                "    ",
                "always reported: `off` does not turn it off, a level can be set",
            );
        }
        for (name, p) in &m.params {
            comment(&mut out, "    ", &p.description);
            let v = serde_json::to_string(&p.default).unwrap_or_default();
            out.push_str(&format!("    {name}: {v}\n"));
        }
    }
    out
}

/// The configuration's JSON Schema (`schemas/config.schema.json`), with every rule and its
/// typed parameters from the metadata, so editors complete and check rule settings.
pub fn schema(catalog: &Catalog) -> serde_json::Value {
    use serde_json::json;
    let metas = catalog.metas();
    let level = json!({"enum": ["error", "warning", "info"]});
    let short = json!({"oneOf": [
        {"const": "off", "description": "Turn the rule off."},
        {"const": false, "description": "Turn the rule off."},
        {"$ref": "#/$defs/level"},
    ]});
    let mut rules = serde_json::Map::new();
    for m in metas {
        let mut props = serde_json::Map::new();
        props.insert("level".to_string(), json!({"$ref": "#/$defs/level"}));
        for (name, p) in &m.params {
            let mut t = match p.kind.as_str() {
                "integer" => json!({"type": "integer"}),
                "number" => json!({"type": "number"}),
                "boolean" => json!({"type": "boolean"}),
                "string" => json!({"type": "string"}),
                "list" => json!({"type": "array"}),
                _ => json!({"type": "object"}),
            };
            if p.default.is_null()
                && let Some(ty) = t.get("type").cloned()
            {
                t["type"] = json!([ty, "null"]);
            }
            t["description"] = json!(p.description.trim());
            t["default"] = p.default.clone();
            props.insert(name.clone(), t);
        }
        rules.insert(
            m.name.to_string(),
            json!({
                "description": m.summary.trim(),
                "oneOf": [
                    {"$ref": "#/$defs/short"},
                    {"type": "null", "description": "On, with the defaults."},
                    {"type": "object", "properties": props, "additionalProperties": false},
                ],
            }),
        );
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/scalelint/scalelint/blob/main/schemas/config.schema.json",
        "title": "scalelint configuration (.scalelint.yaml)",
        "type": ["object", "null"],
        "additionalProperties": false,
        "properties": {
            "fail-on": {
                "description": "Lowest level that fails the run.",
                "enum": ["error", "warning", "info", "never"],
            },
            "exclude": {
                "description": "Files to skip: globs relative to the config file's folder.",
                "type": "array",
                "items": {"type": "string"},
            },
            "custom-rules": {
                "description": "Custom rule files and folders (beyond .scalelint/rules/), relative to the config file's folder.",
                "type": "array",
                "items": {"type": "string"},
            },
            "tier": {
                "description": "Default tier of workloads that declare none (container-resources-tier).",
                "type": "string",
            },
            "kustomize": {
                "description": "How Kustomize overlays are rendered and traced back to their sources.",
                "type": ["object", "null"],
                "additionalProperties": false,
                "properties": {
                    "enabled": {
                        "description": "auto: render when kustomize or kubectl is found (else a note per overlay); always: a missing kustomize is an error; never: lint files one by one.",
                        "enum": ["auto", "always", "never"],
                        "default": "auto",
                    },
                    "command": {
                        "description": "The program and arguments that build a folder given last (default: `kustomize build`, else `kubectl kustomize`).",
                        "type": "array",
                        "items": {"type": "string"},
                        "minItems": 1,
                    },
                    "allow-remote": {
                        "description": "Render overlays whose bases are fetched over the network (URLs, git references, Helm chart repositories).",
                        "type": "boolean",
                        "default": false,
                    },
                    "timeout-seconds": {
                        "description": "How long one render may take.",
                        "type": "integer",
                        "minimum": 1,
                        "maximum": 3600,
                        "default": super::kustomize::DEFAULT_TIMEOUT_SECONDS,
                    },
                },
            },
            "helm": {
                "description": "How Helm charts in the tree are rendered (helm template, else static analysis of the templates) and traced back to template and values lines.",
                "type": ["object", "null"],
                "additionalProperties": false,
                "properties": {
                    "enabled": {
                        "description": "auto: `helm template` when helm is found, else static analysis; always: a missing helm is an error per chart; never: templates are skipped.",
                        "enum": ["auto", "always", "never"],
                        "default": "auto",
                    },
                    "command": {
                        "description": "The program and arguments before `template` (default: `helm`).",
                        "type": "array",
                        "items": {"type": "string"},
                        "minItems": 1,
                    },
                    "release": {
                        "description": "The release name charts are rendered with.",
                        "type": "string",
                        "default": super::helm::DEFAULT_RELEASE,
                    },
                    "namespace": {
                        "description": "The namespace charts are rendered into.",
                        "type": "string",
                        "default": "default",
                    },
                    "values": {
                        "description": "Values files applied after each chart's values.yaml, relative to the chart's folder (a chart without one renders without it). Each ci/*-values.yaml is also rendered as its own scenario.",
                        "type": "array",
                        "items": {"type": "string"},
                    },
                    "set": {
                        "description": "Values set last, as `helm --set path=value` does.",
                        "type": "object",
                        "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
                    },
                    "timeout-seconds": {
                        "description": "How long one render may take.",
                        "type": "integer",
                        "minimum": 1,
                        "maximum": 3600,
                        "default": super::helm::DEFAULT_TIMEOUT_SECONDS,
                    },
                },
            },
            "rules": {
                "description": "Per rule, or per group (`kafka-*`): off, a level, or a level and parameters.",
                "type": ["object", "null"],
                "properties": rules,
                "patternProperties": {
                    "\\*": {
                        "oneOf": [
                            {"$ref": "#/$defs/short"},
                            {"type": "object", "properties": {"level": {"$ref": "#/$defs/level"}},
                             "additionalProperties": false},
                        ],
                    },
                },
                "additionalProperties": false,
            },
        },
        "$defs": {"level": level, "short": short},
    })
}

/// Merge `patch` onto `base`: objects key by key (so a `tiers` override can add one tier),
/// anything else replaced.
pub fn merge(base: &mut serde_json::Value, patch: &serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

#[cfg(test)]
mod tests {
    /// The built-in rules (the tests need a catalog; the layer above makes it).
    fn builtin() -> super::Catalog {
        crate::project::builtin_catalog().unwrap()
    }
    use super::*;

    #[test]
    fn globs() {
        assert!(matches("kafka-*", "kafka-partitions"));
        assert!(!matches("kafka-*", "hpa-min-replicas"));
        assert!(matches("*-replicas", "hpa-min-replicas"));
        assert!(matches("hpa-min-replicas", "hpa-min-replicas"));
    }

    #[test]
    fn errors_have_positions_and_suggestions() {
        let err = parse("c.yaml", "rules:\n  hpa-min-replica: off\n", &builtin()).unwrap_err();
        // The error has its place as data, and says it first.
        assert_eq!(err.at.map(|(_, lc)| (lc.line, lc.column)), Some((2, 3)));
        let err = err.to_string();
        assert!(
            err.starts_with("c.yaml:2:3: unknown rule `hpa-min-replica`"),
            "{err}"
        );
        assert!(err.contains("did you mean `hpa-min-replicas`"), "{err}");
        let err = parse("c.yaml", "fail_on: error\n", &builtin())
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean `fail-on`"), "{err}");
    }

    #[test]
    fn init_template_is_a_valid_config_of_defaults() {
        let t = template(&builtin());
        let c = parse("t.yaml", &t, &builtin()).unwrap();
        assert_eq!(c.fail_on, Some(FailOn::Warning));
        assert!(c.rules.values().all(|r| !r.off && r.level.is_none()));
        let defaults = crate::engine::RuleSet::defaults(&builtin()).unwrap();
        let configured = crate::engine::RuleSet::new(&builtin(), &c).unwrap();
        assert_eq!(defaults.len(), configured.len());
    }

    #[test]
    fn groups_then_names() {
        let c = parse(
            "c.yaml",
            "rules:\n  kafka-partitions: warning\n  kafka-*: off\n",
            &builtin(),
        )
        .unwrap();
        assert!(!c.rules["kafka-partitions"].off);
        assert!(c.rules.values().filter(|r| r.off).count() > 1);
    }

    /// Parameters are kebab-case like every other key; 0.1's snake_case still reads, with a
    /// warning at the key.
    #[test]
    fn snake_case_parameters_read_with_a_warning() {
        let text = "rules:\n  container-limit-ratio:\n    max_ratio: 3\n";
        let c = parse("c.yaml", text, &builtin()).unwrap();
        let rc = &c.rules["container-limit-ratio"];
        assert_eq!(rc.params.get("max-ratio"), Some(&serde_json::json!(3)));
        assert_eq!(c.warnings.len(), 1);
        assert!(
            c.warnings[0].starts_with("c.yaml:3:5: parameter `max_ratio` of rule `container-limit-ratio` is spelt `max-ratio` now"),
            "{:?}",
            c.warnings
        );
        let c = parse(
            "c.yaml",
            "rules:\n  container-limit-ratio:\n    max-ratio: 3\n",
            &builtin(),
        )
        .unwrap();
        assert!(c.warnings.is_empty());
    }
}

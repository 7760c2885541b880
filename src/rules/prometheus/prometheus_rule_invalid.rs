//! `prometheus-rule-invalid`: what Prometheus refuses when it loads a rule file (and
//! `promtool check rules` reports), besides PromQL syntax (`promql-syntax`) and YAML syntax
//! (`parse-error`): unknown fields, values of the wrong type, a rule that is both or neither
//! recording and alerting, no `expr`, fields a recording rule may not have, invalid metric,
//! label and annotation names, durations Prometheus cannot read, group names missing or
//! repeated, and alert templates that do not parse. Each finding is at the key or value to
//! edit (promtool gives a line for some of these and none for the rest).

use super::GROUPS;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::{Entry, Node, Resolved, Span, Value};
use crate::sources::gotemplate::check_alert_template;
use crate::sources::prometheus::{PROMETHEUS_RULE, is_duration, is_zero_duration};
use crate::sources::scalar_offsets::span_in;
use serde::Deserialize;
use std::collections::HashMap;

crate::declare_rule!(object PrometheusRuleInvalid: "prometheus" / "prometheus-rule-invalid");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PrometheusRuleInvalid {
    #[serde(default)]
    name_validation: NameValidation,
}

/// Which metric and label names are valid: Prometheus 2 accepts only the legacy character
/// set; Prometheus 3 accepts any UTF-8 name unless configured for the legacy one.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum NameValidation {
    #[default]
    Legacy,
    Utf8,
}

/// The fields of a rule group Prometheus reads (`labels` and `query_offset` since 3.x and
/// 2.53); a PrometheusRule's groups also take the operator's `partial_response_strategy`.
const GROUP_FIELDS: &[&str] = &["name", "interval", "query_offset", "limit", "rules", "labels"];
const RULE_FIELDS: &[&str] = &[
    "record",
    "alert",
    "expr",
    "for",
    "keep_firing_for",
    "labels",
    "annotations",
];

const HELP: &str = "Prometheus refuses to load a rule file with this (`promtool check rules` reports it); for a PrometheusRule, the operator's admission webhook rejects it or Prometheus fails to reload its rules";

impl ObjectRule for PrometheusRuleInvalid {
    fn target(&self) -> Target<'_> {
        GROUPS
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(groups) = cx.obj.root.get("groups").and_then(Node::as_seq) else {
            return;
        };
        // A document with a `groups` list is only a rule file when its groups hold rules: an
        // application's own `groups:` setting is not judged.
        if !groups.iter().any(|g| g.entry("rules").is_some()) {
            return;
        }
        let operator = cx.obj.kind == PROMETHEUS_RULE;
        let mut found = Found::default();
        if !operator {
            for e in cx.obj.root.as_map().unwrap_or(&[]) {
                if e.key.text() != Some("groups") {
                    found.unknown(e, "the rule file", &["groups"]);
                }
            }
        }
        let mut names: HashMap<&str, Span> = HashMap::new();
        for g in groups {
            self.group(g, operator, &mut names, &mut found, &cx.file.text);
        }
        found.0.sort_by_key(|p| (p.span.start, p.span.end));
        for p in found.0 {
            let mut f = cx.finding(p.span, p.message).with_label(p.label).with_help(HELP);
            if let Some((at, what)) = p.secondary {
                f = f.with_secondary(cx.obj.file, at, what);
            }
            cx.emit(f);
        }
    }
}

/// One thing Prometheus refuses: where, what, the caret's label, and a second place.
struct Problem {
    span: Span,
    message: String,
    label: String,
    secondary: Option<(Span, String)>,
}

#[derive(Default)]
struct Found(Vec<Problem>);

impl Found {
    fn add(&mut self, span: Span, message: String, label: &str) {
        self.0.push(Problem {
            span,
            message,
            label: label.to_string(),
            secondary: None,
        });
    }

    /// Keys Prometheus does not read: it decodes rule files strictly.
    fn unknown(&mut self, e: &Entry, owner: &str, known: &[&str]) {
        let key = e.key.text().unwrap_or_default();
        let close = crate::suggest::closest(key, known);
        let hint = close.map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
        self.add(
            e.key.span,
            format!("`{key}` is not a field of {owner}{hint}; Prometheus refuses unknown fields"),
            "unknown field",
        );
    }
}

/// The span to point at for something missing from a mapping: its first key.
fn head(node: &Node) -> Span {
    node.as_map()
        .and_then(|m| m.first())
        .map_or(node.span, |e| e.key.span)
}

/// A scalar's text, `None` for null; `Err` for a mapping or a list.
fn string(node: &Node) -> Result<Option<&str>, ()> {
    match &node.value {
        Value::Scalar(s) if s.resolved() == Resolved::Null => Ok(None),
        Value::Scalar(s) => Ok(Some(&s.text)),
        _ => Err(()),
    }
}

fn shape(node: &Node) -> &'static str {
    match node.value {
        Value::Map(_) => "a mapping",
        Value::Seq(_) => "a list",
        Value::Scalar(_) => "a scalar",
    }
}

impl PrometheusRuleInvalid {
    fn label_name_ok(&self, name: &str) -> bool {
        match self.name_validation {
            NameValidation::Legacy => {
                let mut chars = name.chars();
                chars
                    .next()
                    .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
                    && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
            }
            NameValidation::Utf8 => !name.is_empty(),
        }
    }

    fn metric_name_ok(&self, name: &str) -> bool {
        match self.name_validation {
            NameValidation::Legacy => {
                let mut chars = name.chars();
                chars
                    .next()
                    .is_some_and(|c| c == '_' || c == ':' || c.is_ascii_alphabetic())
                    && chars.all(|c| c == '_' || c == ':' || c.is_ascii_alphanumeric())
            }
            NameValidation::Utf8 => !name.is_empty() && !name.contains(['{', '}']),
        }
    }

    fn names_hint(&self) -> &'static str {
        match self.name_validation {
            NameValidation::Legacy => {
                " (letters, digits and `_`, not starting with a digit; Prometheus 2 and 3 with legacy name validation)"
            }
            NameValidation::Utf8 => "",
        }
    }

    fn group<'a>(
        &self,
        g: &'a Node,
        operator: bool,
        names: &mut HashMap<&'a str, Span>,
        found: &mut Found,
        text: &str,
    ) {
        let Some(entries) = g.as_map() else {
            found.add(
                g.span,
                format!("a rule group is {}, not a mapping with `name` and `rules`", shape(g)),
                "not a rule group",
            );
            return;
        };
        let name = g.get("name").map(string);
        let shown = match name {
            Some(Ok(Some(n))) if !n.is_empty() => format!("rule group `{n}`"),
            _ => "a rule group".to_string(),
        };
        for e in entries {
            let Some(key) = e.key.text() else { continue };
            let known = GROUP_FIELDS.contains(&key)
                || (operator && key == "partial_response_strategy");
            if !known {
                found.unknown(e, &shown, GROUP_FIELDS);
                continue;
            }
            let v = &e.value;
            match key {
                "interval" | "query_offset" => duration(found, e, &shown),
                "limit" if !v.is_null() && v.as_i64().is_none() => {
                    found.add(
                        v.span,
                        format!("`limit` of {shown} must be an integer"),
                        "not an integer",
                    );
                }
                "labels" => self.labels(found, e, &shown, false, text),
                "rules" => match &v.value {
                    Value::Seq(rules) => {
                        for r in rules {
                            self.rule(r, found, text);
                        }
                    }
                    _ if v.is_null() => {}
                    _ => found.add(
                        v.span,
                        format!("`rules` of {shown} must be a list, not {}", shape(v)),
                        "not a list",
                    ),
                },
                _ => {}
            }
        }
        match (name, g.entry("name")) {
            (Some(Err(())), Some(e)) => found.add(
                e.value.span,
                format!("the name of a rule group must be a string, not {}", shape(&e.value)),
                "not a string",
            ),
            (Some(Ok(Some(n))), Some(e)) if !n.is_empty() => {
                if let Some(first) = names.get(n) {
                    let first = *first;
                    found.0.push(Problem {
                        span: e.value.span,
                        message: format!("rule group name `{n}` is repeated in the same file"),
                        label: "repeated group name".to_string(),
                        secondary: Some((first, "first used here".to_string())),
                    });
                } else {
                    names.insert(n, e.value.span);
                }
            }
            (_, e) => found.add(
                e.map_or(head(g), |e| e.key.span),
                "a rule group has no name (`name` must be set and not empty)".to_string(),
                "no group name",
            ),
        }
    }

    fn rule(&self, r: &Node, found: &mut Found, text: &str) {
        let Some(entries) = r.as_map() else {
            found.add(
                r.span,
                format!("a rule is {}, not a mapping with `expr` and `record` or `alert`", shape(r)),
                "not a rule",
            );
            return;
        };
        let field = |k: &str| r.entry(k);
        let set = |k: &str| -> Option<(&Entry, &str)> {
            let e = field(k)?;
            match string(&e.value) {
                Ok(Some(t)) if !t.is_empty() => Some((e, t)),
                _ => None,
            }
        };
        let (record, alert) = (set("record"), set("alert"));
        let shown = match (alert, record) {
            (Some((_, a)), _) => format!("alert `{a}`"),
            (None, Some((_, r))) => format!("recording rule `{r}`"),
            _ => "a rule".to_string(),
        };
        for e in entries {
            let Some(key) = e.key.text() else { continue };
            if !RULE_FIELDS.contains(&key) {
                found.unknown(e, &shown, RULE_FIELDS);
                continue;
            }
            if matches!(key, "record" | "alert" | "expr") && string(&e.value).is_err() {
                found.add(
                    e.value.span,
                    format!("`{key}` of {shown} must be a string, not {}", shape(&e.value)),
                    "not a string",
                );
            }
        }
        match (record, alert) {
            (Some((r, _)), Some((a, _))) => found.0.push(Problem {
                span: r.key.span,
                message: format!(
                    "{shown} has both `record` and `alert`: only one of them may be set"
                ),
                label: "both `record` and `alert`".to_string(),
                secondary: Some((a.key.span, "`alert` also set here".to_string())),
            }),
            (None, None) => found.add(
                field("record")
                    .or(field("alert"))
                    .map_or(head(r), |e| e.key.span),
                "a rule has neither `record` nor `alert`: one of them must be set".to_string(),
                "neither `record` nor `alert`",
            ),
            _ => {}
        }
        match field("expr") {
            None => found.add(
                head(r),
                format!("{shown} has no `expr`: it must be set"),
                "no `expr`",
            ),
            Some(e) if matches!(string(&e.value), Ok(None) | Ok(Some(""))) => found.add(
                e.key.span,
                format!("`expr` of {shown} is empty: it must be set"),
                "empty `expr`",
            ),
            Some(_) => {}
        }
        for key in ["for", "keep_firing_for"] {
            let Some(e) = field(key) else { continue };
            duration(found, e, &shown);
            if let (Some(_), Ok(Some(t))) = (record, string(&e.value))
                && alert.is_none()
                && is_duration(t)
                && !is_zero_duration(t)
            {
                found.add(
                    e.key.span,
                    format!("{shown} has `{key}`, which only alerting rules may have"),
                    "not allowed in a recording rule",
                );
            }
        }
        if let Some((r, name)) = record {
            if !self.metric_name_ok(name) {
                found.add(
                    r.value.span,
                    format!(
                        "`{name}` is not a valid metric name for a recording rule{}",
                        match self.name_validation {
                            NameValidation::Legacy => " (letters, digits, `_` and `:`, not starting with a digit)",
                            NameValidation::Utf8 => " (braces belong in `expr`)",
                        }
                    ),
                    "invalid metric name",
                );
            }
            if alert.is_none()
                && let Some(a) = field("annotations")
                && a.value.as_map().is_some_and(|m| !m.is_empty())
            {
                found.add(
                    a.key.span,
                    format!("{shown} has `annotations`, which only alerting rules may have"),
                    "not allowed in a recording rule",
                );
            }
        }
        if let Some(e) = field("labels") {
            self.labels(found, e, &shown, alert.is_some(), text);
        }
        if let Some(e) = field("annotations") {
            self.annotations(found, e, &shown, alert.is_some(), text);
        }
    }

    /// A `labels` mapping: names valid and not `__name__`, values strings, and (alerting
    /// rules) templates that parse.
    fn labels(&self, found: &mut Found, e: &Entry, owner: &str, templates: bool, text: &str) {
        let Some(m) = self.string_map(found, e, owner) else {
            return;
        };
        for l in m {
            let Some(name) = l.key.text() else { continue };
            if name == "__name__" || !self.label_name_ok(name) {
                found.add(
                    l.key.span,
                    format!(
                        "`{name}` is not a valid label name in {owner}{}",
                        if name == "__name__" {
                            " (`__name__` is the metric name, not a label a rule may set)"
                        } else {
                            self.names_hint()
                        }
                    ),
                    "invalid label name",
                );
            }
            if templates {
                template(found, l, "label", owner, text);
            }
        }
    }

    fn annotations(&self, found: &mut Found, e: &Entry, owner: &str, templates: bool, text: &str) {
        let Some(m) = self.string_map(found, e, owner) else {
            return;
        };
        for a in m {
            let Some(name) = a.key.text() else { continue };
            if !self.label_name_ok(name) {
                found.add(
                    a.key.span,
                    format!("`{name}` is not a valid annotation name in {owner}{}", self.names_hint()),
                    "invalid annotation name",
                );
            }
            if templates {
                template(found, a, "annotation", owner, text);
            }
        }
    }

    /// The entries of a mapping of strings; a value that is a mapping or a list is reported.
    fn string_map<'n>(&self, found: &mut Found, e: &'n Entry, owner: &str) -> Option<&'n [Entry]> {
        let key = e.key.text().unwrap_or_default();
        let v = &e.value;
        if v.is_null() {
            return None;
        }
        let Some(m) = v.as_map() else {
            found.add(
                v.span,
                format!("`{key}` of {owner} must be a mapping of names to strings, not {}", shape(v)),
                "not a mapping",
            );
            return None;
        };
        for x in m {
            if string(&x.value).is_err() {
                found.add(
                    x.value.span,
                    format!(
                        "`{}` in `{key}` of {owner} must be a string, not {}",
                        x.key.text().unwrap_or_default(),
                        shape(&x.value)
                    ),
                    "not a string",
                );
            }
        }
        Some(m)
    }
}

/// A duration field (`for`, `keep_firing_for`, `interval`, `query_offset`): unset when null.
fn duration(found: &mut Found, e: &Entry, owner: &str) {
    let key = e.key.text().unwrap_or_default();
    let v = &e.value;
    let t = match string(v) {
        Ok(None) => return,
        Ok(Some(t)) => t,
        Err(()) => {
            found.add(
                v.span,
                format!("`{key}` of {owner} must be a duration, not {}", shape(v)),
                "not a duration",
            );
            return;
        }
    };
    if !is_duration(t) {
        let why = if t.is_empty() {
            "is empty".to_string()
        } else {
            format!("`{t}` is not a duration")
        };
        found.add(
            if t.is_empty() { e.key.span } else { v.span },
            format!("`{key}` of {owner}: {why} (Prometheus durations are like `30s`, `5m`, `1h30m`; units y w d h m s ms, largest first)"),
            "invalid duration",
        );
    }
}

/// An alerting rule's label or annotation value, parsed as Prometheus parses it.
fn template(found: &mut Found, e: &Entry, what: &str, owner: &str, text: &str) {
    let Ok(Some(value)) = string(&e.value) else {
        return;
    };
    if let Err(err) = check_alert_template(value) {
        found.add(
            span_in(text, &e.value, err.start, err.end),
            format!(
                "{what} `{}` of {owner} is not a valid template: {}",
                e.key.text().unwrap_or_default(),
                err.message
            ),
            "template does not parse",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::run_rule;
    use super::NAME;
    use crate::sources::prometheus::is_duration;

    #[test]
    fn durations_as_prometheus_reads_them() {
        for t in ["0", "5m", "1h30m", "90s", "1y2w3d4h5m6s7ms", "100ms", "0s", "00m"] {
            assert!(is_duration(t), "{t:?}");
        }
        for t in ["", "5", "5 m", "m", "5x", "30m1h", "1.5h", "-5m", "5m5m", "1ms1s"] {
            assert!(!is_duration(t), "{t:?}");
        }
    }

    #[test]
    fn an_application_setting_named_groups_is_not_a_rule_file() {
        let hits = run_rule(NAME, "groups:\n- name: admins\n  members: [a, b]\n");
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn each_refusal_at_its_place() {
        let hits = run_rule(
            NAME,
            "groups:\n- name: g\n  interval: 5x\n  rules:\n  - record: a-b\n    expr: up\n    for: 5m\n  - alert: A\n    expr: ''\n    labels:\n      __name__: x\n    annotations:\n      s: '{{ $valu }}'\n- name: g\n  rules: []\n",
        );
        let at: Vec<&str> = hits.iter().map(|(at, _)| at.as_str()).collect();
        assert_eq!(at, ["5x", "a-b", "for", "expr", "__name__", "$valu", "g"], "{hits:?}");
    }
}

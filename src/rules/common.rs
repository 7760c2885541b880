//! Helpers shared by rules of several domains: message text (numbers, counts, how a rate
//! came about) and the scale-down judgements HPA and KEDA rules share. What objects mean to
//! Kubernetes is `crate::kube`'s.

use crate::engine::rule::Ctx;
use crate::kube::behavior::{DEFAULT_POLICY_PERCENT, DEFAULT_POLICY_PERIOD_SECONDS};
use crate::kube::{IntOrPercent, RateOrigin, ScaleDown, Select};
use crate::model::{Applicability, Fix, Node, Span};
use crate::sources::edit::{Edit, New, Planned};

/// `s` without the leading white space C's `isspace` skips (`strtol`, `atoi`), as the
/// programs whose numbers the flat-format rules read do.
pub fn trim_c_space(s: &str) -> &str {
    s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c'])
}

/// A number for messages: `400`, `33.3`.
pub fn format_number(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round())
    } else {
        format!("{x:.1}")
    }
}

/// `1 pod`, `2 pods`: a count of pods for messages.
pub fn pods(n: i64) -> String {
    counted(n, "pod", "pods")
}

/// `1 replica`, `10 replicas`.
pub fn replicas(n: i64) -> String {
    counted(n, "replica", "replicas")
}

fn counted(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// An int-or-percent value as written, for messages: `2`, `25%`.
pub fn int_or_percent(v: IntOrPercent) -> String {
    match v {
        IntOrPercent::Int(i) => i.to_string(),
        IntOrPercent::Percent(p) => format!("{}%", format_number(p)),
    }
}

/// What a scale-down rate was computed from, for messages; `max_field` names the maximum a
/// Pods policy is judged against (`maxReplicas`, a ScaledObject's `maxReplicaCount`).
pub fn rate_origin(origin: RateOrigin, max_field: &str) -> String {
    match origin {
        RateOrigin::Default => format!(
            "Kubernetes' default {DEFAULT_POLICY_PERCENT}% per {DEFAULT_POLICY_PERIOD_SECONDS}s"
        ),
        RateOrigin::Disabled => "selectPolicy Disabled".to_string(),
        RateOrigin::Percent { value, period } => {
            format!("Percent policy {value}% per {period}s")
        }
        RateOrigin::Pods {
            value,
            period,
            max_replicas,
        } => format!(
            "Pods policy {value} {} per {period}s, judged against {max_field} {max_replicas}",
            if value == 1 { "pod" } else { "pods" }
        ),
    }
}

/// How the scale-down judgements name what they judge.
pub struct Judged<'p> {
    /// How the help names the `behavior` field.
    pub written_as: &'p str,
    /// The maximum's field, for messages.
    pub max_field: &'p str,
    /// Comes before a help that asks for a new field when the object must change first
    /// (then no fix is offered: the new field would be invalid where it is).
    pub help_prefix: &'p str,
    /// Where `behavior` is, from the object's root.
    pub behavior_path: &'p [&'p str],
}

impl Judged<'_> {
    /// `behavior_path` followed by `rest`.
    fn path<'a>(&'a self, rest: &[&'a str]) -> Vec<&'a str> {
        self.behavior_path
            .iter()
            .copied()
            .chain(rest.iter().copied())
            .collect()
    }
}

/// Judge the fastest scale-down `scale_down` allows against `max` percent per minute
/// (`hpa-scale-down-rate`, `keda-scale-down-rate`).
pub fn judge_scale_down_rate(
    cx: &mut Ctx<'_>,
    scale_down: &ScaleDown<'_>,
    j: &Judged<'_>,
    max: f64,
) {
    let Some(rate) = scale_down.rate() else {
        return;
    };
    if rate.percent_per_minute <= max {
        return;
    }
    let (rate_text, max_text) = (format_number(rate.percent_per_minute), format_number(max));
    let origin = rate_origin(rate.origin, j.max_field);
    let origin = match (rate.select, rate.origin) {
        (Select::Min, RateOrigin::Percent { .. } | RateOrigin::Pods { .. }) => {
            format!("{origin}, chosen by selectPolicy Min")
        }
        _ => origin,
    };
    let (label, help) = match rate.origin {
        RateOrigin::Default => (
            format!("{rate_text}% per minute by default"),
            format!(
                "{}add `{}.scaleDown.policies` allowing at most {max_text}% per minute, e.g. \
                 `- {{type: Percent, value: {max_text}, periodSeconds: 60}}`",
                j.help_prefix, j.written_as
            ),
        ),
        _ => (
            format!("{rate_text}% per minute"),
            format!(
                "lower the policy's value or lengthen its periodSeconds so scale-down removes at most {max_text}% per minute, \
                 e.g. `{{type: Percent, value: {max_text}, periodSeconds: 60}}`"
            ),
        ),
    };
    let fix = rate_fix(cx, scale_down, j, &rate, max);
    let f = cx
        .finding(
            rate.span,
            format!(
                "scale-down policies allow removing {rate_text}% of the replicas per minute ({origin}); \
                 at most {max_text}% per minute is advised"
            ),
        )
        .with_label(label)
        .with_help(help)
        .with_fix_opt(fix);
    cx.emit(f);
}

/// The fix of a scale-down rate above `max` percent per minute: without policies, one
/// Percent policy of at most `max` per 60 s; with policies, the deciding policy's `value`
/// lowered to the most its period allows (the next pass judges the next policy). No fix
/// when even a value of 1 is too fast for the period, or when the object must change first.
fn rate_fix(
    cx: &Ctx<'_>,
    scale_down: &ScaleDown<'_>,
    j: &Judged<'_>,
    rate: &crate::kube::ScaleDownRate,
    max: f64,
) -> Option<Fix> {
    if !j.help_prefix.is_empty() {
        return None;
    }
    let per_minute = |period: i64| (max * period as f64 / 60.0).floor() as i64;
    match rate.origin {
        RateOrigin::Default => {
            let value = max.floor() as i64;
            if value < 1 {
                return None;
            }
            let policy = New::map([
                ("type", New::str("Percent")),
                ("value", New::int(value)),
                ("periodSeconds", New::int(60)),
            ]);
            let planned = cx
                .yaml()
                .set(&j.path(&["scaleDown", "policies"]), &New::Seq(vec![policy]))?;
            Some(planned.fix(
                Applicability::Safe,
                format!("add a scale-down policy of {value}% per 60s"),
            ))
        }
        RateOrigin::Percent { period, .. } => {
            let value = per_minute(period);
            let node = node_at(scale_down.behavior?, rate.span)?;
            (value >= 1).then(|| {
                cx.yaml().replace(node, &New::int(value)).fix(
                    Applicability::Safe,
                    format!("lower the policy's value to {value} (% per {period}s)"),
                )
            })
        }
        RateOrigin::Pods {
            period,
            max_replicas,
            ..
        } => {
            let value = (max / 100.0 * max_replicas as f64 * period as f64 / 60.0).floor() as i64;
            let node = node_at(scale_down.behavior?, rate.span)?;
            (value >= 1).then(|| {
                cx.yaml().replace(node, &New::int(value)).fix(
                    Applicability::Safe,
                    format!("lower the policy's value to {value} pods per {period}s"),
                )
            })
        }
        RateOrigin::Disabled => None,
    }
}

/// The node of `root`'s subtree at exactly `span`.
pub fn node_at(root: &Node, span: Span) -> Option<&Node> {
    if root.span == span && root.as_scalar().is_some() {
        return Some(root);
    }
    match &root.value {
        crate::model::Value::Scalar(_) => None,
        crate::model::Value::Seq(items) => items
            .iter()
            .filter(|n| n.span.contains(span))
            .find_map(|n| node_at(n, span)),
        crate::model::Value::Map(entries) => entries
            .iter()
            .filter(|e| e.value.span.contains(span))
            .find_map(|e| node_at(&e.value, span)),
    }
}

/// The fix of a minimum replica count below `min`: `field` under `spec` set to `min` (its
/// value replaced, or the key added). Display-only when the maximum (`max_field`, `max`)
/// would not be above it: that would trade this finding for the maximum rule's.
pub fn min_replicas_fix(
    cx: &Ctx<'_>,
    field: &str,
    node: Option<&Node>,
    min: i64,
    (max_field, max): (&str, Option<i64>),
) -> Option<Fix> {
    let crowded = max
        .filter(|max| *max <= min)
        .map(|max| format!("{max_field} is {max}: raise it above {min} too"));
    let (planned, verb) = match node {
        Some(node) => (cx.yaml().replace(node, &New::int(min)), "set"),
        None => (cx.yaml().set(&["spec", field], &New::int(min))?, "add"),
    };
    Some(
        planned
            .fix(Applicability::Safe, format!("{verb} `{field}: {min}`"))
            .downgraded_if(crowded),
    )
}

/// Where a flat config object's text is, which decides how it can be edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigLayout {
    /// A file of its own (pgbouncer.ini, redis.conf, .properties): directives are replaced
    /// or added.
    File,
    /// The text of a YAML scalar (a ConfigMap's `redis.conf`): edits are shown, never
    /// applied (they would have to respect the scalar's indentation and style).
    InScalar,
    /// YAML mappings standing for the config (a Strimzi resource's `config`, an operator's
    /// PgBouncer settings): a written value is replaced as YAML; nothing is added (the
    /// names differ from the config's keys).
    Yaml,
}

/// How this config object is written (see [`ConfigLayout`]).
pub fn config_layout(cx: &Ctx<'_>) -> ConfigLayout {
    let name = cx.file.path.to_ascii_lowercase();
    let yaml_file = [".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e));
    if !yaml_file {
        return ConfigLayout::File;
    }
    // A derived object's anchor is the key of the entry holding it: a scalar after it holds
    // a config file's text, a mapping the settings themselves.
    let Some(anchor) = cx.obj.anchor else {
        return ConfigLayout::Yaml;
    };
    let after = cx.file.text.get(anchor.end..).unwrap_or("");
    let after = after
        .trim_start_matches(['"', '\''])
        .trim_start_matches(':');
    match after.trim_start_matches([' ', '\t']).chars().next() {
        None | Some('\n' | '\r' | '{' | '#') => ConfigLayout::Yaml,
        Some(_) => ConfigLayout::InScalar,
    }
}

/// `value` as a config file writes it.
fn flat_text(value: &New) -> String {
    match value {
        New::Str(s) | New::Raw(s) => s.clone(),
        New::Map(_) | New::Seq(_) => String::new(),
    }
}

/// The edits that set `key` (in `section`, for pgbouncer.ini) of this config object to
/// `value`; `node` is its value when written. `None` when it cannot be done here (a key
/// missing from YAML settings).
pub fn set_config(
    cx: &Ctx<'_>,
    section: Option<&str>,
    key: &str,
    node: Option<&Node>,
    value: &New,
) -> Option<Planned> {
    match (config_layout(cx), node) {
        (ConfigLayout::Yaml, Some(node)) => Some(cx.yaml().replace(node, value)),
        (ConfigLayout::Yaml, None) => None,
        (ConfigLayout::File | ConfigLayout::InScalar, _) => {
            Some(cx.flat().set(section, key, &flat_text(value)))
        }
    }
}

/// The edit that replaces a config value `node` (one inside a connection string, say) with
/// `value`.
pub fn replace_config_value(cx: &Ctx<'_>, node: &Node, value: &New) -> Planned {
    match config_layout(cx) {
        ConfigLayout::Yaml => cx.yaml().replace(node, value),
        ConfigLayout::File => Planned::new(vec![Edit::replace(node.span, flat_text(value))]),
        ConfigLayout::InScalar => Planned::risky(
            vec![Edit::replace(node.span, flat_text(value))],
            "the config is embedded in a YAML scalar",
        ),
    }
}

/// Judge the scale-down stabilization window of `scale_down` against `min` seconds
/// (`hpa-scale-down-window`, `keda-scale-down-window`).
pub fn judge_scale_down_window(
    cx: &mut Ctx<'_>,
    scale_down: &ScaleDown<'_>,
    j: &Judged<'_>,
    min: i64,
) {
    let Some(window) = scale_down.window() else {
        return;
    };
    if window.seconds >= min {
        return;
    }
    let seconds = window.seconds;
    let f = if window.explicit {
        cx.finding(
            window.span,
            format!("scale-down stabilizationWindowSeconds is {seconds}; at least {min} are advised so a brief dip in load does not remove pods"),
        )
        .with_label(format!("below {min}"))
        .with_help(format!("set `stabilizationWindowSeconds: {min}` or more"))
        .with_fix_opt(
            scale_down
                .behavior
                .and_then(|b| node_at(b, window.span))
                .map(|node| {
                    cx.yaml().replace(node, &New::int(min)).fix(
                        Applicability::Safe,
                        format!("set `stabilizationWindowSeconds: {min}`"),
                    )
                }),
        )
    } else {
        cx.finding(
            window.span,
            format!("scale-down stabilizationWindowSeconds is not set and defaults to {seconds}; at least {min} are advised so a brief dip in load does not remove pods"),
        )
        .with_label("no scale-down stabilizationWindowSeconds here")
        .with_help(format!(
            "{}set `{}.scaleDown.stabilizationWindowSeconds: {min}` or more",
            j.help_prefix, j.written_as
        ))
        .with_fix_opt(
            j.help_prefix
                .is_empty()
                .then(|| {
                    cx.yaml().set(
                        &j.path(&["scaleDown", "stabilizationWindowSeconds"]),
                        &New::int(min),
                    )
                })
                .flatten()
                .map(|p| {
                    p.fix(
                        Applicability::Safe,
                        format!("add `scaleDown.stabilizationWindowSeconds: {min}`"),
                    )
                }),
        )
    };
    cx.emit(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(format_number(400.0), "400");
        assert_eq!(format_number(100.0 / 3.0), "33.3");
        assert_eq!(
            rate_origin(RateOrigin::Default, "maxReplicas"),
            "Kubernetes' default 100% per 15s"
        );
        assert_eq!(
            rate_origin(
                RateOrigin::Pods {
                    value: 1,
                    period: 60,
                    max_replicas: 10
                },
                "maxReplicaCount"
            ),
            "Pods policy 1 pod per 60s, judged against maxReplicaCount 10"
        );
        assert_eq!(int_or_percent(IntOrPercent::Percent(25.0)), "25%");
        assert_eq!(int_or_percent(IntOrPercent::Percent(100.0 / 3.0)), "33.3%");
        assert_eq!(int_or_percent(IntOrPercent::Int(2)), "2");
        assert_eq!(
            (pods(1), replicas(3)),
            ("1 pod".into(), "3 replicas".into())
        );
    }
}

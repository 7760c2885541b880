//! `keda-trigger-incomplete`: a `prometheus` trigger that KEDA cannot use: `serverAddress`,
//! `query` or `threshold` missing, or a `threshold` that is not a number.

use super::triggers::{trigger_type, triggers};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Node;
use serde::Deserialize;

crate::declare_rule!(object KedaTriggerIncomplete: "keda" / "keda-trigger-incomplete");

/// What KEDA's prometheus scaler requires in `metadata`.
const REQUIRED: [&str; 3] = ["serverAddress", "query", "threshold"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KedaTriggerIncomplete {}

/// A metadata value KEDA sees as set: present and not empty.
fn value<'a>(metadata: Option<&'a Node>, key: &str) -> Option<&'a Node> {
    metadata?
        .get(key)
        .filter(|n| n.text().is_some_and(|t| !t.trim().is_empty()))
}

impl ObjectRule for KedaTriggerIncomplete {
    fn target(&self) -> Target<'_> {
        Target::objects("keda.sh", &["ScaledObject"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for trigger in triggers(cx.obj) {
            if trigger_type(trigger) != Some("prometheus") {
                continue;
            }
            let metadata_entry = trigger.entry("metadata");
            let metadata = metadata_entry.map(|e| &e.value);
            let missing: Vec<&str> = REQUIRED
                .into_iter()
                .filter(|k| value(metadata, k).is_none())
                .collect();
            if !missing.is_empty() {
                // The nearest existing ancestor: `metadata`, else the trigger's `type` key.
                let span = metadata_entry
                    .or_else(|| trigger.entry("type"))
                    .map_or(trigger.span, |e| e.key.span);
                let list = join(&missing, "and");
                let f = cx
                    .finding(
                        span,
                        format!(
                            "prometheus trigger lacks {list}; KEDA cannot query or scale on it"
                        ),
                    )
                    .with_label(format!("no {} here", join(&missing, "or")))
                    .with_help(format!(
                        "set {} in the trigger's `metadata`",
                        join(
                            &missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>(),
                            "and"
                        )
                    ));
                cx.emit(f);
            }
            if let Some(threshold) = value(metadata, "threshold") {
                let text = threshold.text().unwrap_or_default();
                // KEDA parses it with Go's strconv.ParseFloat: no surrounding blanks.
                if text.parse::<f64>().is_err() {
                    let f = cx
                        .finding(
                            threshold.span,
                            format!("prometheus trigger threshold is `{text}`, not a number; KEDA rejects the trigger"),
                        )
                        .with_label("not a number")
                        .with_help("set `threshold` to the query value per replica as a number in quotes, e.g. `threshold: \"100\"`");
                    cx.emit(f);
                }
            }
        }
    }
}

/// `a`, `a and b`, `a, b and c` (or `or`).
fn join<S: AsRef<str>>(items: &[S], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} {conjunction} {}",
            init.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn run(trigger: &str) -> Vec<crate::rules::hpa::Hit> {
        let text = format!(
            "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    name: web\n  triggers:\n{trigger}"
        );
        crate::rules::hpa::run_rule(super::NAME, json!({}), &text)
    }

    #[test]
    fn missing_fields_and_thresholds() {
        let found = run("  - type: prometheus\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].at, "type");
        assert!(
            found[0]
                .message
                .contains("lacks serverAddress, query and threshold")
        );
        let found = run(
            "  - type: prometheus\n    metadata:\n      serverAddress: http://p:9090\n      query: ''\n      threshold: ' 10'\n",
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].at, "metadata");
        assert!(
            found[0].message.contains("lacks query;"),
            "{}",
            found[0].message
        );
        assert_eq!(found[1].at, "' 10'");
        assert!(run("  - type: prometheus\n    metadata: {serverAddress: x, query: up, threshold: '2.5'}\n").is_empty());
        assert!(run("  - type: cpu\n    metadata: {value: '50'}\n").is_empty());
        assert_eq!(super::join(&["a", "b"], "or"), "a or b");
    }
}

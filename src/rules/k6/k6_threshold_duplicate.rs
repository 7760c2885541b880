//! `k6-threshold-duplicate`: the same metric key twice in one `thresholds` object literal;
//! JavaScript keeps the last one silently, so the first never applies.

use super::{SCRIPTS, options, thresholds};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use serde::Deserialize;
use crate::model::Node;

crate::declare_rule!(object K6ThresholdDuplicate: "k6" / "k6-threshold-duplicate");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct K6ThresholdDuplicate {}

impl ObjectRule for K6ThresholdDuplicate {
    fn target(&self) -> Target<'_> {
        SCRIPTS
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some((t, _)) = options(&cx.obj.root).and_then(thresholds) else {
            return;
        };
        let within = t.value.span;
        let pairs = cx
            .obj
            .root
            .get("duplicates")
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        for pair in pairs {
            let [first, second] = pair.as_seq().unwrap_or(&[]) else {
                continue;
            };
            // Keys of the `thresholds` literal itself, not of an expression object inside.
            let direct = t
                .value
                .as_map()
                .is_some_and(|m| m.iter().any(|e| e.key.span == second.span));
            if !within.contains(second.span) || !direct {
                continue;
            }
            let key = second.text().unwrap_or_default();
            let f = cx
                .finding(
                    second.span,
                    format!("`{key}` is set twice in `thresholds`: JavaScript keeps this one and drops the first"),
                )
                .with_label("duplicate threshold")
                .with_secondary(cx.obj.file, first.span, "dropped: overridden below")
                .with_help("merge the two into one array, e.g. `http_req_duration: ['p(95)<300', 'p(99)<500']`");
            cx.emit(f);
        }
    }
}

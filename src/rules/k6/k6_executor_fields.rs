//! `k6-executor-fields`: a scenario k6 refuses before the test starts: no `executor`, an
//! executor k6 does not have, a field its executor requires left out (`constant-arrival-rate`
//! without `rate`, `duration` or `preAllocatedVUs`), or a field its executor does not take
//! (k6 decodes each scenario strictly: `duration` on `shared-iterations` is refused).

use super::{SCRIPTS, options};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Node;
use serde::Deserialize;

crate::declare_rule!(object K6ExecutorFields: "k6" / "k6-executor-fields");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct K6ExecutorFields {}

/// Fields every executor takes (`lib/executor/base_config.go`).
const BASE: &[&str] = &["executor", "startTime", "gracefulStop", "env", "exec", "tags", "options"];

/// Each executor: its own fields, and those it requires (`stages` non-empty).
const EXECUTORS: &[(&str, &[&str], &[&str])] = &[
    ("shared-iterations", &["vus", "iterations", "maxDuration"], &[]),
    ("per-vu-iterations", &["vus", "iterations", "maxDuration"], &[]),
    ("constant-vus", &["vus", "duration"], &["duration"]),
    ("ramping-vus", &["startVUs", "stages", "gracefulRampDown"], &["stages"]),
    (
        "constant-arrival-rate",
        &["rate", "timeUnit", "duration", "preAllocatedVUs", "maxVUs"],
        &["rate", "duration", "preAllocatedVUs"],
    ),
    (
        "ramping-arrival-rate",
        &["startRate", "timeUnit", "stages", "preAllocatedVUs", "maxVUs"],
        &["stages", "preAllocatedVUs"],
    ),
    // k6 1.x only (2.0 removed it); accepted with what 1.x required.
    ("externally-controlled", &["vus", "duration", "maxVUs"], &["duration"]),
];

const HELP: &str = "k6 refuses the script's scenarios and the test does not start; see https://grafana.com/docs/k6/latest/using-k6/scenarios/executors/";

impl ObjectRule for K6ExecutorFields {
    fn target(&self) -> Target<'_> {
        SCRIPTS
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(scenarios) = options(&cx.obj.root)
            .and_then(|o| o.get("scenarios"))
            .and_then(Node::as_map)
        else {
            return;
        };
        for s in scenarios {
            let name = s.key.text().unwrap_or_default();
            let Some(fields) = s.value.as_map() else { continue };
            let Some(exec) = s.value.entry("executor") else {
                let f = cx
                    .finding(s.key.span, format!("scenario `{name}` has no `executor`"))
                    .with_label("no executor")
                    .with_help(HELP);
                cx.emit(f);
                continue;
            };
            // Computed: not statically known.
            let Some(kind) = exec.value.as_str() else { continue };
            let names: Vec<&str> = EXECUTORS.iter().map(|(n, ..)| *n).collect();
            let Some((_, own, required)) = EXECUTORS.iter().find(|(n, ..)| *n == kind) else {
                let meant = crate::suggest::closest(kind, &names)
                    .map_or(String::new(), |m| format!(" (did you mean `{m}`?)"));
                let f = cx
                    .finding(
                        exec.value.span,
                        format!("scenario `{name}`: unknown executor type `{kind}`{meant}"),
                    )
                    .with_label("unknown executor")
                    .with_help(HELP);
                cx.emit(f);
                continue;
            };
            let missing: Vec<&str> = required
                .iter()
                .copied()
                // A value not statically known (null here) counts as set.
                .filter(|r| match s.value.entry(r).map(|e| &e.value) {
                    None => true,
                    Some(v) if *r == "stages" => v.as_seq().is_some_and(<[Node]>::is_empty),
                    Some(_) => false,
                })
                .collect();
            // An executor named through a constant is written elsewhere: the scenario is
            // where the fields are missing.
            let at = if s.value.span.contains(exec.value.span) {
                exec.value.span
            } else {
                s.key.span
            };
            if !missing.is_empty() {
                let list = missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let f = cx
                    .finding(
                        at,
                        format!("scenario `{name}` uses the {kind} executor without {list}, which it requires"),
                    )
                    .with_label(format!("{kind} requires {list}"))
                    .with_help(HELP);
                cx.emit(f);
            }
            for field in fields {
                let Some(key) = field.key.text() else { continue };
                if BASE.contains(&key) || own.contains(&key) {
                    continue;
                }
                let known: Vec<&str> = BASE.iter().chain(own.iter()).copied().collect();
                let meant = crate::suggest::closest(key, &known)
                    .map_or(String::new(), |m| format!(" (did you mean `{m}`?)"));
                let f = cx
                    .finding(
                        field.key.span,
                        format!("scenario `{name}`: the {kind} executor has no field `{key}`{meant}; k6 refuses unknown fields"),
                    )
                    .with_label("not a field of this executor")
                    .with_help(HELP);
                cx.emit(f);
            }
        }
    }
}

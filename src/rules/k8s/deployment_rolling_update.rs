//! `deployment-rolling-update`: a Deployment that can lose serving capacity during a rollout,
//! by stopping every pod first (`Recreate`) or by taking pods down before replacements are
//! ready: `maxUnavailable` (25% when unset) judged as the Deployment controller computes it,
//! at the most replicas the Deployment can run (its autoscalers' maximum, else `replicas`).
//! A percentage is rounded down, so 25% of 1–3 pods is no pod and no finding.

use crate::engine::index::{Index, Workload};
use crate::engine::rule::{IndexCtx, IndexRule};
use crate::kube::workload::fenceposts;
use crate::kube::{IntOrPercent, Strategy};
use crate::model::{FileId, Span};
use crate::rules::common::{int_or_percent, pods, replicas};
use crate::model::Applicability;
use crate::model::fix::{Change, Fix, New, Request};
use serde::Deserialize;

fn set(path: &[&str], value: New) -> Change {
    Change::Set(path.iter().map(|k| k.to_string()).collect(), value)
}

crate::declare_rule!(index DeploymentRollingUpdate: "k8s" / "deployment-rolling-update");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DeploymentRollingUpdate {}

const HELP: &str = "use `strategy.type: RollingUpdate` with `rollingUpdate.maxUnavailable: 0` and `maxSurge: 1` (or 25%), so new pods are ready before old ones go";

/// The most replicas a workload runs, and where that number comes from.
struct Reach {
    value: i64,
    /// Whether an autoscaler sets it (then it is a maximum: "up to").
    autoscaled: bool,
    /// Where it is written, and what the label there says; `None` for the default 1.
    place: Option<(FileId, Span, String)>,
}

/// The largest maximum of the autoscalers that scale `w` (those whose maximum can be read),
/// else its `replicas` (absent ⇒ 1). `None` when `replicas` is not an integer.
fn reach<'a>(index: &Index<'a>, w: &Workload<'a>) -> Option<Reach> {
    let mut best: Option<Reach> = None;
    for a in index.autoscalers_of(w) {
        let Some(max) = a.max_replicas() else {
            continue;
        };
        if best.as_ref().is_some_and(|b| b.value >= max.value) {
            continue;
        }
        let (span, text) = match max.span() {
            Some(span) => (
                span,
                format!("{} scales it up to {}", a.describe(), replicas(max.value)),
            ),
            None => (
                a.obj.anchor_span(),
                format!(
                    "{} has no {}, so it scales up to {}",
                    a.describe(),
                    a.max_field(),
                    replicas(max.value)
                ),
            ),
        };
        best = Some(Reach {
            value: max.value,
            autoscaled: true,
            place: Some((a.obj.file, span, text)),
        });
    }
    if best.is_some() {
        return best;
    }
    let r = w.replicas()?;
    Some(Reach {
        value: r.value,
        autoscaled: false,
        place: r.span().map(|span| (w.obj.file, span, replicas(r.value))),
    })
}

impl IndexRule for DeploymentRollingUpdate {
    fn check(&self, cx: &mut IndexCtx<'_>) {
        let index = cx.index;
        for w in index
            .workloads
            .iter()
            .filter(|w| w.is_deployment())
        {
            let obj = w.obj;
            match w.strategy() {
                Strategy::Recreate(node) => {
                    let f = cx
                        .finding(
                            obj.file,
                            node.span,
                            "strategy is Recreate; every rollout stops all pods before starting new ones, an outage each time",
                        )
                        .with_label("all pods stop at once")
                        .with_help(HELP)
                        // Unsafe: Recreate is sometimes chosen on purpose (a ReadWriteOnce
                        // volume two pods cannot share).
                        .with_fix(Fix::requested(
                            Applicability::Unsafe,
                            "switch to a RollingUpdate with `maxUnavailable: 0` and `maxSurge: 1`",
                            Request {
                                object: obj.root.span,
                                changes: vec![
                                    set(&["spec", "strategy", "type"], New::str("RollingUpdate")),
                                    set(
                                        &["spec", "strategy", "rollingUpdate"],
                                        New::map([
                                            ("maxUnavailable", New::int(0)),
                                            ("maxSurge", New::int(1)),
                                        ]),
                                    ),
                                ],
                            },
                        ));
                    cx.emit(f);
                }
                Strategy::RollingUpdate => rolling(cx, w),
                Strategy::Other => {}
            }
        }
    }
}

/// Judge `maxUnavailable` at the most replicas `w` runs.
fn rolling(cx: &mut IndexCtx<'_>, w: &Workload<'_>) {
    let obj = w.obj;
    // Unparseable values are invalid; schema validation reports them.
    let (Some(unavailable), Some(surge)) = (w.max_unavailable(), w.max_surge()) else {
        return;
    };
    // Both written as 0 is rejected by the API server: `deployment-rolling-update-surge`.
    if unavailable.node.is_some()
        && surge.node.is_some()
        && unavailable.value.is_zero()
        && surge.value.is_zero()
    {
        return;
    }
    let Some(reach) = reach(cx.index, w) else {
        return;
    };
    if reach.value <= 0 {
        return;
    }
    let fp = fenceposts(surge.value, unavailable.value, reach.value);
    if fp.unavailable == 0 {
        return;
    }
    let n = reach.value;
    let of = if reach.autoscaled {
        format!("of up to {}", replicas(n))
    } else {
        format!("of {}", replicas(n))
    };
    let written = int_or_percent(unavailable.value);
    let stated = match unavailable.node {
        Some(_) => format!("maxUnavailable is {written}"),
        None => format!("maxUnavailable is not set and defaults to {written}"),
    };
    let u = fp.unavailable;
    let (message, label) = if fp.forced {
        (
            format!(
                "{stated}, which rounds down to 0 {of}, and maxSurge is {}; Kubernetes then takes {} out of service at a time during a rollout",
                int_or_percent(surge.value),
                pods(u)
            ),
            format!("rounds down to 0, so Kubernetes uses {}", pods(u)),
        )
    } else {
        let ready = if u == 1 {
            "before its replacement is ready"
        } else {
            "before their replacements are ready"
        };
        let message = match unavailable.value {
            IntOrPercent::Percent(_) => format!(
                "{stated}; {written} {of}: {} out of service during a rollout, {ready}",
                pods(u)
            ),
            IntOrPercent::Int(k) if k > n => format!(
                "{stated}, more than the {}: a rollout takes all {} out of service {ready}",
                replicas(n),
                pods(u)
            ),
            IntOrPercent::Int(_) => format!(
                "{stated}; a rollout takes {} out of service {ready}",
                pods(u)
            ),
        };
        (
            message,
            format!("{} out of service during rollouts", pods(u)),
        )
    };
    // The replica count matters to a percentage, to a count above it, and to rounding.
    let depends_on_replicas = fp.forced
        || match unavailable.value {
            IntOrPercent::Percent(_) => true,
            IntOrPercent::Int(k) => k > n,
        };
    let (span, label, help) = match unavailable.node {
        Some(node) => (
            node.span,
            label,
            if fp.forced {
                "set `maxSurge` above 0 (1 or 25%), so new pods start before old ones go"
                    .to_string()
            } else {
                "set `maxUnavailable: 0` and a `maxSurge` above 0, so new pods are ready before old ones go".to_string()
            },
        ),
        None => {
            let path = ["spec", "strategy", "rollingUpdate", "maxUnavailable"];
            let here = match obj.root.path(&["spec", "strategy"]) {
                None => "no strategy here",
                Some(st) if st.get("rollingUpdate").is_none() => "no rollingUpdate here",
                Some(_) => "no maxUnavailable here",
            };
            (
                obj.missing_span(&path),
                format!("{here}: {label}"),
                "set `spec.strategy.rollingUpdate.maxUnavailable: 0` (and keep `maxSurge` above 0)"
                    .to_string(),
            )
        }
    };
    // `maxUnavailable: 0`, with a surge above 0 (the default 25% always is).
    let mut changes = vec![set(
        &["spec", "strategy", "rollingUpdate", "maxUnavailable"],
        New::int(0),
    )];
    if surge.node.is_some() && surge.value.is_zero() {
        changes.push(set(&["spec", "strategy", "rollingUpdate", "maxSurge"], New::int(1)));
    }
    let what = if changes.len() > 1 {
        "set `maxUnavailable: 0` and `maxSurge: 1`"
    } else {
        "set `maxUnavailable: 0`"
    };
    let mut f = cx
        .finding(obj.file, span, message)
        .with_label(label)
        .with_help(help)
        .with_fix(Fix::requested(
            Applicability::Safe,
            what,
            Request {
                object: obj.root.span,
                changes,
            },
        ));
    if let Some((file, at, text)) = reach.place.filter(|_| depends_on_replicas) {
        f = f.with_secondary(file, at, text);
    }
    if fp.forced
        && let Some(node) = surge.node
    {
        f = f.with_secondary(obj.file, node.span, "no surge");
    }
    cx.emit(f);
}

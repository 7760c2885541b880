//! `deployment-rolling-update`: a Deployment that can lose serving capacity during a rollout,
//! by stopping every pod first (`Recreate`) or by taking pods down before replacements are
//! ready (`maxUnavailable` above 0, 25% when unset).

use super::{Strategy, rolling_field, strategy};
use crate::engine::rule::{Ctx, Rule, Target, build_rule};
use crate::rules::common::{IntOrPercent, missing_span};
use serde::Deserialize;

pub const NAME: &str = "deployment-rolling-update";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentRollingUpdate {}

pub fn build(v: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    build_rule::<DeploymentRollingUpdate>(NAME, v)
}

const HELP: &str = "use `strategy.type: RollingUpdate` with `rollingUpdate.maxUnavailable: 0` and `maxSurge: 1` (or 25%), so new pods are ready before old ones go";

impl Rule for DeploymentRollingUpdate {
    fn target(&self) -> Target {
        Target::Objects {
            group: "apps",
            kinds: &["Deployment"],
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        match strategy(cx.obj) {
            Strategy::Recreate(node) => {
                let f = cx
                    .finding(
                        node.span,
                        "strategy is Recreate; every rollout stops all pods before starting new ones, an outage each time",
                    )
                    .with_label("all pods stop at once")
                    .with_help(HELP);
                cx.emit(f);
            }
            Strategy::RollingUpdate => match rolling_field(cx.obj, "maxUnavailable") {
                Some(node) => {
                    // Unparseable values are invalid; schema validation reports them.
                    let Some(v) = IntOrPercent::parse(node) else {
                        return;
                    };
                    if v.is_zero() {
                        return;
                    }
                    let shown = node.text().unwrap_or("");
                    let f = cx
                        .finding(
                            node.span,
                            format!("maxUnavailable is {shown}; a rollout takes pods out of service before their replacements are ready"),
                        )
                        .with_label("capacity drops during rollouts")
                        .with_help("set `maxUnavailable: 0` and a `maxSurge` above 0, so new pods are ready before old ones go");
                    cx.emit(f);
                }
                None => {
                    let path = ["spec", "strategy", "rollingUpdate", "maxUnavailable"];
                    let label = match cx.obj.root.path(&["spec", "strategy"]) {
                        None => "no strategy here",
                        Some(st) if st.get("rollingUpdate").is_none() => "no rollingUpdate here",
                        Some(_) => "no maxUnavailable here",
                    };
                    let f = cx
                        .finding(
                            missing_span(cx.obj, &path),
                            "maxUnavailable is not set and defaults to 25%; a rollout takes a quarter of the pods out of service before their replacements are ready",
                        )
                        .with_label(label)
                        .with_help("set `spec.strategy.rollingUpdate.maxUnavailable: 0` (and keep `maxSurge` above 0)");
                    cx.emit(f);
                }
            },
            Strategy::Other => {}
        }
    }
}

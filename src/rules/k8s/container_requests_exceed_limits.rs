//! `container-requests-exceed-limits`: a request above its limit. The API server rejects the
//! pod template, so the workload never gets pods.

use super::{WORKLOAD_KINDS, describe};
use crate::engine::rule::{Ctx, Rule, Target};
use crate::rules::common::{Resource, amount, containers};

pub const NAME: &str = "container-requests-exceed-limits";

pub struct ContainerRequestsExceedLimits;

pub fn build(_: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    Ok(Box::new(ContainerRequestsExceedLimits))
}

impl Rule for ContainerRequestsExceedLimits {
    fn name(&self) -> &'static str {
        NAME
    }

    fn target(&self) -> Target {
        Target::Kinds(WORKLOAD_KINDS)
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        if !cx.obj.is_workload() {
            return;
        }
        for c in containers(cx.obj) {
            for r in Resource::BOTH {
                let (Some(req), Some(lim)) =
                    (amount(c.node, "requests", r), amount(c.node, "limits", r))
                else {
                    continue;
                };
                // Invalid quantities are not comparable; schema validation reports them.
                let (Some(rq), Some(lq)) = (&req.quantity, &lim.quantity) else {
                    continue;
                };
                if rq <= lq {
                    continue;
                }
                let (rt, lt) = (req.node.text().unwrap_or(""), lim.node.text().unwrap_or(""));
                let key = r.key();
                let f = cx
                    .finding(
                        req.node.span,
                        format!(
                            "{key} request {rt} of {} is above its {key} limit {lt}; the API server rejects the pod template",
                            describe(&c)
                        ),
                    )
                    .with_label(format!("request above the limit {lt}"))
                    .with_secondary(cx.obj.file, lim.node.span, format!("{key} limit {lt}"))
                    .with_help(format!(
                        "lower `resources.requests.{key}` to at most {lt}, or raise `resources.limits.{key}`"
                    ));
                cx.emit(f);
            }
        }
    }
}

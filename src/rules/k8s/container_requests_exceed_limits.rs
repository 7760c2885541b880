//! `container-requests-exceed-limits`: a request above its limit. The API server rejects the
//! pod template, so the workload never gets pods.

use super::{WORKLOAD_KINDS, describe, explicit_bounds};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use serde::Deserialize;

crate::declare_rule!(object ContainerRequestsExceedLimits: "k8s" / "container-requests-exceed-limits");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ContainerRequestsExceedLimits {}

impl ObjectRule for ContainerRequestsExceedLimits {
    fn target(&self) -> Target<'_> {
        Target::objects("apps", WORKLOAD_KINDS)
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for b in explicit_bounds(cx.obj) {
            if b.request_q <= b.limit_q {
                continue;
            }
            let (c, r) = (&b.container, b.resource);
            let (req, lim) = (b.request, b.limit);
            let (rt, lt) = (req.text().unwrap_or(""), lim.text().unwrap_or(""));
            let key = r.key();
            let f = cx
                .finding(
                    req.span,
                    format!(
                        "{key} request {rt} of {} is above its {key} limit {lt}; the API server rejects the pod template",
                        describe(c)
                    ),
                )
                .with_label(format!("request above the limit {lt}"))
                .with_secondary(cx.obj.file, lim.span, format!("{key} limit {lt}"))
                .with_help(format!(
                    "lower `resources.requests.{key}` to at most {lt}, or raise `resources.limits.{key}`"
                ));
            cx.emit(f);
        }
    }
}

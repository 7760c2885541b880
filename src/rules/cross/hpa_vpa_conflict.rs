//! `hpa-vpa-conflict`: a VerticalPodAutoscaler that changes the cpu or memory requests of a
//! workload whose HPA (or ScaledObject) scales on that resource's utilization. Utilization is
//! usage divided by the request, so every resize moves the number the HPA acts on: the two
//! controllers chase each other.

use crate::engine::diagnostics::analysis_incomplete;
use crate::engine::index::{Autoscaler, MAX_RELATED, Vpa, describe};
use crate::engine::rule::{IndexCtx, IndexRule};
use crate::kube::{Resource, UtilizationTarget, Workload, same_object};
use crate::model::Object;
use serde::Deserialize;

crate::declare_rule!(index HpaVpaConflict: "cross" / "hpa-vpa-conflict");

/// Autoscalers whose metrics are labelled, at most (the message gives the count).
const MAX_LABELS: usize = 10;

/// Autoscalers of one workload compared with a VPA, at most: thousands of HPAs on one
/// workload times thousands of VPAs would be quadratic (real inputs have one or two).
const MAX_AUTOSCALERS: usize = MAX_RELATED;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HpaVpaConflict {}

/// An autoscaler and the utilization targets it scales on that a VPA resizes.
type Fight<'i, 'a> = (&'i Autoscaler<'a>, Vec<UtilizationTarget<'i>>);

/// Record whether autoscaler `a` fights `vpa` over workload `w` (absent: not analysed),
/// once per autoscaler, with the resources at stake and the first workload concerned.
fn fight<'i, 'a>(
    vpa: &Vpa<'_>,
    a: &'i Autoscaler<'a>,
    w: Option<Workload<'i>>,
    fights: &mut Vec<Fight<'i, 'a>>,
    resources: &mut Vec<Resource>,
    workload: &mut Option<&'i Object>,
) {
    if fights.iter().any(|(f, _)| same_object(f.obj, a.obj)) {
        return;
    }
    let conflicting: Vec<UtilizationTarget<'i>> = a
        .utilization_targets()
        .into_iter()
        .filter(|u| vpa.controls(w, u.resource, u.container))
        .collect();
    for u in &conflicting {
        if !resources.contains(&u.resource) {
            resources.push(u.resource);
        }
    }
    if !conflicting.is_empty() {
        if let Some(w) = w {
            workload.get_or_insert(w.obj);
        }
        fights.push((a, conflicting));
    }
}

/// `cpu`, `cpu and memory`.
fn resources_text(rs: &[Resource]) -> String {
    let names: Vec<&str> = rs.iter().map(|r| r.key()).collect();
    names.join(" and ")
}

impl IndexRule for HpaVpaConflict {
    fn check(&self, cx: &mut IndexCtx<'_>) {
        let index = cx.index;
        for vpa in &index.vpas {
            let mode = vpa.update_mode();
            let (mode, written) = (mode.value, mode.node);
            // Absent, VPA's default applies, which resizes pods either way.
            let mode_span = written.map_or_else(
                || vpa.obj.missing_span(&["spec", "updatePolicy", "updateMode"]),
                |n| n.span,
            );
            let written = written.is_some();
            if mode == "Off" {
                continue;
            }
            let t = &vpa.target;
            let wl = format!("{} `{}`", t.kind, t.name);
            // One finding per VPA, naming every autoscaler it fights (in a sane input, one)
            // on the copies of the workload it resolved to.
            let mut fights: Vec<(&Autoscaler<'_>, Vec<UtilizationTarget<'_>>)> = Vec::new();
            let mut resources: Vec<Resource> = Vec::new();
            let mut workload = None;
            for w in index.workloads_at(&vpa.targets) {
                if w.autoscalers.len() > MAX_AUTOSCALERS {
                    cx.emit(analysis_incomplete::finding(
                        vpa.obj.file,
                        vpa.target_span,
                        format!(
                            "{} was compared with only {MAX_AUTOSCALERS} of the {} autoscalers of {wl} (a limit on the work of relating objects); conflicts with the others may be missing",
                            describe(vpa.obj),
                            w.autoscalers.len()
                        ),
                    ));
                }
                for a in index.autoscalers_of(w).take(MAX_AUTOSCALERS) {
                    fight(
                        vpa,
                        a,
                        Some(w.view),
                        &mut fights,
                        &mut resources,
                        &mut workload,
                    );
                }
            }
            if !index.has_workload(&vpa.target) {
                // The workload is not analysed: the autoscalers beside the VPA that name it
                // still fight it.
                for a in index
                    .autoscalers_of_missing(&vpa.target, vpa.obj.file)
                    .take(MAX_AUTOSCALERS)
                {
                    fight(vpa, a, None, &mut fights, &mut resources, &mut workload);
                }
            }
            let Some((first, _)) = fights.first() else {
                continue;
            };
            let rs = resources_text(&resources);
            let mode_text = if written {
                format!("updateMode {mode}")
            } else {
                "updateMode not set, so VPA's default, which resizes pods".to_string()
            };
            let (who, scale, fight) = match fights.len() {
                1 => (first.describe(), "scales", "the two fight"),
                n => (format!("{n} autoscalers"), "scale", "they fight"),
            };
            let mut f = cx
                .finding(
                    vpa.obj.file,
                    mode_span,
                    format!(
                        "{} ({mode_text}) changes the {rs} requests of {wl}, which {who} {scale} on {rs} utilization; each resize moves the utilization the autoscaler acts on, so {fight}",
                        describe(vpa.obj),
                    ),
                )
                .with_label(if written {
                    format!("resizes {rs} requests")
                } else {
                    format!("no updateMode here: the default resizes {rs} requests")
                })
                .with_help(format!(
                    "set the VerticalPodAutoscaler's `updatePolicy.updateMode: \"Off\"` to keep its recommendations only, \
                     or leave {rs} out of its `controlledResources`, or scale {wl} on a custom or external metric instead"
                ));
            for (a, conflicting) in fights.iter().take(MAX_LABELS) {
                for u in conflicting {
                    f = f.with_secondary(
                        a.obj.file,
                        u.resource_span,
                        format!(
                            "{} scales on {} utilization",
                            a.describe(),
                            u.resource.key()
                        ),
                    );
                }
            }
            if let Some(w) = workload {
                f = f.with_secondary(w.file, w.anchor_span(), format!("the {wl} both act on"));
            }
            cx.emit(f);
        }
    }
}

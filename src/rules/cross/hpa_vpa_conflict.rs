//! `hpa-vpa-conflict`: a VerticalPodAutoscaler that changes the cpu or memory requests of a
//! workload whose HPA (or ScaledObject) scales on that resource's utilization. Utilization is
//! usage divided by the request, so every resize moves the number the HPA acts on: the two
//! controllers chase each other.

use crate::engine::index::{Autoscaler, MAX_RELATED, Vpa, describe, same_object};
use crate::engine::rule::{IndexCtx, IndexRule};
use crate::model::{Node, Object, Span};
use crate::rules::common::{Resource, containers, missing_span};
use crate::rules::hpa::metrics::{UtilizationTarget, autoscaler_targets};
use crate::engine::diagnostics::analysis_incomplete;
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

/// `spec.resourcePolicy.containerPolicies`.
fn policies(vpa: &Object) -> &[Node] {
    vpa.root
        .path(&["spec", "resourcePolicy", "containerPolicies"])
        .and_then(Node::as_seq)
        .unwrap_or(&[])
}

/// The policy that applies to container `name`: its own, else the `*` one.
fn policy_for<'n>(policies: &'n [Node], name: &str) -> Option<&'n Node> {
    let named = |n: &str| {
        policies
            .iter()
            .find(|p| p.get("containerName").and_then(Node::text) == Some(n))
    };
    named(name).or_else(|| named("*"))
}

/// Whether a container policy (`None`: the VPA's defaults) lets the VPA change `r`:
/// `mode` is not `Off` and `controlledResources` (default cpu and memory) holds it.
fn policy_controls(policy: Option<&Node>, r: Resource) -> bool {
    let Some(p) = policy else {
        return true;
    };
    if p.get("mode").and_then(Node::text) == Some("Off") {
        return false;
    }
    match p.get("controlledResources") {
        None => true,
        Some(list) => list
            .as_seq()
            .unwrap_or(&[])
            .iter()
            .any(|n| n.as_str() == Some(r.key())),
    }
}

/// Whether `vpa` changes the `r` request of a container the target counts: `only` (a
/// ContainerResource metric's container), else any regular container of `workload`. Without
/// the workload, any policy that controls `r` (or the defaults, when no `*` policy covers
/// containers without one of their own) counts.
fn controls(vpa: &Object, workload: Option<&Object>, r: Resource, only: Option<&str>) -> bool {
    let policies = policies(vpa);
    let names: Option<Vec<&str>> = match (only, workload) {
        (Some(c), _) => Some(vec![c]),
        (None, Some(w)) => Some(
            containers(w)
                .into_iter()
                .filter(|c| c.list == "containers")
                .map(|c| c.name)
                .collect(),
        ),
        (None, None) => None,
    };
    match names {
        Some(names) if !names.is_empty() => names
            .iter()
            .any(|n| policy_controls(policy_for(policies, n), r)),
        _ => {
            let star = policy_for(policies, "*");
            let defaults = star.is_none() && policy_controls(None, r);
            defaults || policies.iter().any(|p| policy_controls(Some(p), r))
        }
    }
}

/// The VPA's update mode and where it is written. Absent, VPA's default applies: `Recreate`
/// (`Auto` before it was deprecated), which resizes pods either way.
fn update_mode(vpa: &Vpa<'_>) -> (String, Span, bool) {
    match vpa.obj.root.path(&["spec", "updatePolicy", "updateMode"]) {
        Some(n) => (n.text().unwrap_or_default().to_string(), n.span, true),
        None => (
            "Recreate".to_string(),
            missing_span(vpa.obj, &["spec", "updatePolicy", "updateMode"]),
            false,
        ),
    }
}

/// An autoscaler and the utilization targets it scales on that a VPA resizes.
type Fight<'i, 'a> = (&'i Autoscaler<'a>, Vec<UtilizationTarget<'i>>);

/// Record whether autoscaler `a` fights `vpa` over workload `w` (absent: not analysed),
/// once per autoscaler, with the resources at stake and the first workload concerned.
fn fight<'i, 'a>(
    vpa: &Vpa<'_>,
    a: &'i Autoscaler<'a>,
    w: Option<&'i Object>,
    fights: &mut Vec<Fight<'i, 'a>>,
    resources: &mut Vec<Resource>,
    workload: &mut Option<&'i Object>,
) {
    if fights.iter().any(|(f, _)| same_object(f.obj, a.obj)) {
        return;
    }
    let conflicting: Vec<UtilizationTarget<'i>> = autoscaler_targets(a)
        .into_iter()
        .filter(|u| controls(vpa.obj, w, u.resource, u.container))
        .collect();
    for u in &conflicting {
        if !resources.contains(&u.resource) {
            resources.push(u.resource);
        }
    }
    if !conflicting.is_empty() {
        if let Some(w) = w {
            workload.get_or_insert(w);
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
            let (mode, mode_span, written) = update_mode(vpa);
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
                        Some(w.obj),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn vpa(policy: &str) -> Object {
        let text = format!(
            "apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {{name: v}}\nspec:\n  targetRef: {{kind: Deployment, name: web}}\n{policy}"
        );
        crate::sources::load(
            0,
            "v.yaml".into(),
            text,
            crate::sources::classify::Kind::Yaml,
        )
        .objects
        .into_iter()
        .next()
        .unwrap()
    }

    #[test]
    fn controlled_resources_and_container_policies() {
        let none = vpa("");
        assert!(controls(&none, None, Resource::Cpu, None));
        let cpu_only = vpa(
            "  resourcePolicy:\n    containerPolicies:\n    - {containerName: '*', controlledResources: [cpu]}\n",
        );
        assert!(controls(&cpu_only, None, Resource::Cpu, None));
        assert!(!controls(&cpu_only, None, Resource::Memory, None));
        let app_off = vpa(
            "  resourcePolicy:\n    containerPolicies:\n    - {containerName: app, mode: 'Off'}\n    - {containerName: '*', controlledResources: [memory]}\n",
        );
        assert!(!controls(&app_off, None, Resource::Cpu, Some("app")));
        assert!(!controls(&app_off, None, Resource::Cpu, Some("sidecar")));
        assert!(controls(&app_off, None, Resource::Memory, Some("sidecar")));
        // Containers without a policy of their own get the defaults when there is no `*`.
        let app_only = vpa(
            "  resourcePolicy:\n    containerPolicies:\n    - {containerName: app, controlledResources: [memory]}\n",
        );
        assert!(controls(&app_only, None, Resource::Cpu, None));
        assert!(!controls(&app_only, None, Resource::Cpu, Some("app")));
    }
}

//! VerticalPodAutoscalers: what they resize, and how.

use super::keep::Keep;
use super::kind::Kind;
use super::object::{TargetRef, target_ref};
use super::values::{Effective, Resource};
use super::workload::Workload;
use crate::model::{Node, Object};

/// VPA's `updateMode` when none is written (`Auto` before it was deprecated): it resizes pods.
pub const DEFAULT_UPDATE_MODE: &str = "Recreate";

/// A VerticalPodAutoscaler.
#[derive(Clone, Copy, Debug)]
pub struct Vpa<'a> {
    pub obj: &'a Object,
}

impl<'a> Vpa<'a> {
    /// What the methods below read.
    pub const FIELDS: Keep = Keep::Fields(&[(
        "spec",
        Keep::Fields(&[
            ("targetRef", Keep::All),
            ("updatePolicy", Keep::Fields(&[("updateMode", Keep::All)])),
            (
                "resourcePolicy",
                Keep::Fields(&[("containerPolicies", Keep::All)]),
            ),
        ]),
    )]);

    /// `obj` as a VPA, if it is one.
    pub fn of(obj: &'a Object) -> Option<Vpa<'a>> {
        Kind::VerticalPodAutoscaler.is(obj).then_some(Vpa { obj })
    }

    /// `spec.targetRef` (its kind is required).
    pub fn target_ref(&self) -> Option<TargetRef> {
        target_ref(self.obj, &["spec", "targetRef"], None)
    }

    /// `spec.updatePolicy.updateMode` in force (absent or null ⇒ `Recreate`); a value that
    /// is not a scalar reads as empty.
    pub fn update_mode(&self) -> Effective<'a, &'a str> {
        match self.obj.root.path(&["spec", "updatePolicy", "updateMode"]) {
            Some(n) => Effective::written(n.text().unwrap_or_default(), n),
            None => Effective::defaulted(DEFAULT_UPDATE_MODE),
        }
    }

    /// `spec.resourcePolicy.containerPolicies`.
    pub fn container_policies(&self) -> &'a [Node] {
        self.obj
            .root
            .path(&["spec", "resourcePolicy", "containerPolicies"])
            .and_then(Node::as_seq)
            .unwrap_or(&[])
    }

    /// Whether it changes the `r` request of a container the pods' utilization counts:
    /// `only` (a ContainerResource metric's container), else any regular container of
    /// `workload`. Without the workload, any policy that controls `r` (or the defaults, when
    /// no `*` policy covers containers without one of their own) counts.
    pub fn controls(
        &self,
        workload: Option<Workload<'_>>,
        r: Resource,
        only: Option<&str>,
    ) -> bool {
        let policies = self.container_policies();
        let names: Option<Vec<&str>> = match (only, workload) {
            (Some(c), _) => Some(vec![c]),
            (None, Some(w)) => Some(
                w.containers()
                    .filter(|c| !c.is_init())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::test_support::object;

    fn vpa(policy: &str) -> Object {
        object(&format!(
            "apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {{name: v}}\nspec:\n  targetRef: {{kind: Deployment, name: web}}\n{policy}"
        ))
    }

    #[test]
    fn controlled_resources_and_container_policies() {
        let controls = |obj: &Object, r, only| Vpa::of(obj).unwrap().controls(None, r, only);
        let none = vpa("");
        assert!(controls(&none, Resource::Cpu, None));
        let cpu_only = vpa(
            "  resourcePolicy:\n    containerPolicies:\n    - {containerName: '*', controlledResources: [cpu]}\n",
        );
        assert!(controls(&cpu_only, Resource::Cpu, None));
        assert!(!controls(&cpu_only, Resource::Memory, None));
        let app_off = vpa(
            "  resourcePolicy:\n    containerPolicies:\n    - {containerName: app, mode: 'Off'}\n    - {containerName: '*', controlledResources: [memory]}\n",
        );
        assert!(!controls(&app_off, Resource::Cpu, Some("app")));
        assert!(!controls(&app_off, Resource::Cpu, Some("sidecar")));
        assert!(controls(&app_off, Resource::Memory, Some("sidecar")));
        // Containers without a policy of their own get the defaults when there is no `*`.
        let app_only = vpa(
            "  resourcePolicy:\n    containerPolicies:\n    - {containerName: app, controlledResources: [memory]}\n",
        );
        assert!(controls(&app_only, Resource::Cpu, None));
        assert!(!controls(&app_only, Resource::Cpu, Some("app")));
    }

    #[test]
    fn the_workload_s_regular_containers_count() {
        let web = object(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      initContainers: [{name: init}]\n      containers: [{name: app}]\n",
        );
        let w = Workload::of(&web);
        let init_only = vpa(
            "  resourcePolicy:\n    containerPolicies:\n    - {containerName: init}\n    - {containerName: '*', mode: 'Off'}\n",
        );
        let v = Vpa::of(&init_only).unwrap();
        assert!(!v.controls(w, Resource::Cpu, None));
        assert!(v.controls(None, Resource::Cpu, None));
    }

    #[test]
    fn update_mode_absent_null_and_set() {
        let mode = |extra: &str| {
            let obj = vpa(extra);
            let m = Vpa::of(&obj).unwrap().update_mode();
            (m.value.to_string(), m.is_default())
        };
        assert_eq!(mode(""), ("Recreate".into(), true));
        assert_eq!(
            mode("  updatePolicy:\n    updateMode:\n"),
            ("Recreate".into(), true)
        );
        assert_eq!(mode("  updatePolicy: ~\n"), ("Recreate".into(), true));
        assert_eq!(
            mode("  updatePolicy: {updateMode: 'Off'}\n"),
            ("Off".into(), false)
        );
    }
}

//! KEDA ScaledObjects: replica counts with KEDA's defaults, the `behavior` of the HPA KEDA
//! makes, and the triggers. KEDA turns `cpu` and `memory` triggers into the Resource (or,
//! with `containerName`, ContainerResource) metrics of that HPA, so they are utilization
//! targets like an HPA's.

use super::behavior::ScaleDown;
use super::hpa::UtilizationTarget;
use super::keep::Keep;
use super::kind::Kind;
use super::object::{TargetRef, target_ref};
use super::values::{Effective, Resource, Written, int_or_default, int_value};
use crate::model::{Node, Object};

/// KEDA's `minReplicaCount` when none is written.
pub const DEFAULT_MIN_REPLICA_COUNT: i64 = 0;
/// KEDA's `maxReplicaCount` when none is written.
pub const DEFAULT_MAX_REPLICA_COUNT: i64 = 100;

/// Where a ScaledObject keeps the `behavior` of the HPA it makes.
pub const BEHAVIOR_PATH: [&str; 4] = [
    "spec",
    "advanced",
    "horizontalPodAutoscalerConfig",
    "behavior",
];

/// A KEDA ScaledObject.
#[derive(Clone, Copy, Debug)]
pub struct ScaledObject<'a> {
    pub obj: &'a Object,
}

impl<'a> ScaledObject<'a> {
    /// What the methods below read, but for `idleReplicaCount` and the HPA's `behavior`
    /// (per-object rules only).
    pub const FIELDS: Keep = Keep::Fields(&[(
        "spec",
        Keep::Fields(&[
            ("scaleTargetRef", Keep::All),
            ("minReplicaCount", Keep::All),
            ("maxReplicaCount", Keep::All),
            ("triggers", Keep::All),
            (
                "advanced",
                Keep::Fields(&[(
                    "horizontalPodAutoscalerConfig",
                    Keep::Fields(&[("name", Keep::All)]),
                )]),
            ),
        ]),
    )]);

    /// `obj` as a ScaledObject, if it is one.
    pub fn of(obj: &'a Object) -> Option<ScaledObject<'a>> {
        Kind::ScaledObject.is(obj).then_some(ScaledObject { obj })
    }

    /// `spec.minReplicaCount` in force: absent or null ⇒ 0. `None` when not an integer.
    pub fn min_replica_count(&self) -> Option<Effective<'a, i64>> {
        int_or_default(
            self.obj.root.path(&["spec", "minReplicaCount"]),
            Some(DEFAULT_MIN_REPLICA_COUNT),
        )
    }

    /// `spec.maxReplicaCount` in force: absent or null ⇒ 100. `None` when not an integer.
    pub fn max_replica_count(&self) -> Option<Effective<'a, i64>> {
        int_or_default(
            self.obj.root.path(&["spec", "maxReplicaCount"]),
            Some(DEFAULT_MAX_REPLICA_COUNT),
        )
    }

    /// `spec.idleReplicaCount` (only 0 is allowed), which lets KEDA go below
    /// `minReplicaCount` when no trigger is active; `None` when absent or not an integer.
    /// Per-object rules only.
    pub fn idle_replica_count(&self) -> Option<Written<'a, i64>> {
        let node = self.obj.root.path(&["spec", "idleReplicaCount"])?;
        Some(Written {
            value: int_value(node)?,
            node,
        })
    }

    /// `spec.scaleTargetRef`; its `kind` is optional and defaults to Deployment.
    pub fn scale_target_ref(&self) -> Option<TargetRef> {
        target_ref(
            self.obj,
            &["spec", "scaleTargetRef"],
            Some(Kind::Deployment.name()),
        )
    }

    /// The name of the HPA KEDA makes: `advanced.horizontalPodAutoscalerConfig.name`, else
    /// `keda-hpa-<name>`.
    pub fn hpa_name(&self) -> String {
        self.obj
            .root
            .path(&["spec", "advanced", "horizontalPodAutoscalerConfig", "name"])
            .and_then(Node::as_str)
            .map_or_else(
                || format!("keda-hpa-{}", self.obj.name.as_deref().unwrap_or_default()),
                str::to_string,
            )
    }

    /// The scale-down side of the HPA's `behavior`, with Kubernetes' defaults when it is
    /// absent; Pods policies are judged against `maxReplicaCount` in force. Per-object rules
    /// only.
    pub fn effective_scale_down_behavior(&self) -> ScaleDown<'a> {
        const SCALE_DOWN: [&str; 5] = [
            "spec",
            "advanced",
            "horizontalPodAutoscalerConfig",
            "behavior",
            "scaleDown",
        ];
        ScaleDown {
            behavior: self.obj.root.path(&BEHAVIOR_PATH),
            anchor: self.obj.missing_span(&SCALE_DOWN),
            max_replicas: self.max_replica_count().map(|m| m.value),
        }
    }

    /// `spec.triggers`, empty when absent or not a list.
    pub fn triggers(&self) -> &'a [Node] {
        self.obj
            .root
            .path(&["spec", "triggers"])
            .and_then(Node::as_seq)
            .unwrap_or(&[])
    }

    /// The cpu/memory triggers whose metric type is `Utilization`: `metricType`, or the
    /// deprecated `metadata.type`. KEDA has no default for cpu/memory triggers (it rejects
    /// one without a type: "metricType is required"), so such a trigger is not a
    /// utilization target.
    pub fn utilization_targets(&self) -> Vec<UtilizationTarget<'a>> {
        let mut out = Vec::new();
        for trigger in self.triggers() {
            let Some(type_node) = trigger.get("type") else {
                continue;
            };
            let Some(resource) = type_node.as_str().and_then(Resource::named) else {
                continue;
            };
            let metadata = trigger.get("metadata");
            let metric_type = trigger
                .get("metricType")
                .and_then(Node::as_str)
                .filter(|t| !t.is_empty())
                .or_else(|| {
                    metadata
                        .and_then(|m| m.get("type"))
                        .and_then(Node::as_str)
                        .filter(|t| !t.is_empty())
                });
            if metric_type != Some("Utilization") {
                continue;
            }
            let container = metadata
                .and_then(|m| m.get("containerName"))
                .and_then(Node::as_str)
                .filter(|c| !c.is_empty());
            let value = metadata.and_then(|m| m.get("value"));
            out.push(UtilizationTarget {
                resource,
                container,
                percent: value.and_then(Node::text).and_then(|t| t.parse().ok()),
                value_span: value.map_or(type_node.span, |v| v.span),
                resource_span: type_node.span,
                defaulted: None,
            });
        }
        out
    }
}

/// A trigger's `type` (`prometheus`, `cpu`, …).
pub fn trigger_type(trigger: &Node) -> Option<&str> {
    trigger.get("type").and_then(Node::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::test_support::{object, slice};

    const HEAD: &str = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {name: web}\n";

    #[test]
    fn cpu_and_memory_utilization_triggers() {
        let text = format!(
            "{HEAD}  triggers:\n  - type: cpu\n    metricType: Utilization\n    metadata: {{value: \"50\"}}\n  - type: memory\n    metadata: {{type: Utilization, value: \"70\", containerName: app}}\n  - type: cpu\n    metricType: AverageValue\n    metadata: {{value: 500m}}\n  - type: memory\n    metadata: {{value: \"60\"}}\n  - type: prometheus\n    metadata: {{query: up}}\n"
        );
        let obj = object(&text);
        let so = ScaledObject::of(&obj).unwrap();
        let t = so.utilization_targets();
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].resource, t[0].container, t[0].percent),
            (Resource::Cpu, None, Some(50))
        );
        assert_eq!(
            (t[1].resource, t[1].container, t[1].percent),
            (Resource::Memory, Some("app"), Some(70))
        );
        assert_eq!(slice(&text, t[1].resource_span), "memory");
        assert_eq!(slice(&text, t[0].value_span), "\"50\"");
        assert_eq!(so.triggers().len(), 5);
        assert_eq!(
            so.triggers().last().and_then(trigger_type),
            Some("prometheus")
        );
    }

    /// Each count's value and whether it is defaulted.
    type Count = Option<(i64, bool)>;

    fn so_counts(extra: &str) -> (Count, Count) {
        let obj = object(&format!("{HEAD}{extra}"));
        let so = ScaledObject::of(&obj).unwrap();
        let pair = |e: Effective<'_, i64>| (e.value, e.is_default());
        (
            so.min_replica_count().map(pair),
            so.max_replica_count().map(pair),
        )
    }

    #[test]
    fn replica_counts_absent_null_and_set() {
        assert_eq!(so_counts(""), (Some((0, true)), Some((100, true))));
        assert_eq!(
            so_counts("  minReplicaCount:\n  maxReplicaCount: ~\n"),
            (Some((0, true)), Some((100, true)))
        );
        assert_eq!(
            so_counts("  minReplicaCount: 2\n  maxReplicaCount: 10\n"),
            (Some((2, false)), Some((10, false)))
        );
        assert_eq!(
            so_counts("  minReplicaCount: two\n  maxReplicaCount: ten\n"),
            (None, None)
        );
    }

    #[test]
    fn idle_replica_count_absent_null_and_set() {
        let idle = |extra: &str| {
            let obj = object(&format!("{HEAD}{extra}"));
            ScaledObject::of(&obj)
                .unwrap()
                .idle_replica_count()
                .map(|w| w.value)
        };
        assert_eq!(idle(""), None);
        assert_eq!(idle("  idleReplicaCount:\n"), None);
        assert_eq!(idle("  idleReplicaCount: 0\n"), Some(0));
    }

    #[test]
    fn scale_down_behavior_absent_null_and_set() {
        for extra in [
            "",
            "  advanced:\n    horizontalPodAutoscalerConfig:\n      behavior:\n",
            "  advanced:\n    horizontalPodAutoscalerConfig:\n      behavior: ~\n",
        ] {
            let text = format!("{HEAD}{extra}");
            let obj = object(&text);
            let sd = ScaledObject::of(&obj)
                .unwrap()
                .effective_scale_down_behavior();
            assert_eq!(sd.max_replicas, Some(100));
            assert_eq!(sd.rate().map(|r| r.percent_per_minute), Some(400.0));
            let w = sd.window().unwrap();
            assert_eq!((w.seconds, w.explicit), (300, false));
            let at = if extra.is_empty() { "spec" } else { "behavior" };
            assert_eq!(slice(&text, w.span), at);
        }
        let text = format!(
            "{HEAD}  maxReplicaCount: 20\n  advanced:\n    horizontalPodAutoscalerConfig:\n      behavior:\n        scaleDown:\n          policies: [{{type: Pods, value: 2, periodSeconds: 60}}]\n"
        );
        let obj = object(&text);
        let sd = ScaledObject::of(&obj)
            .unwrap()
            .effective_scale_down_behavior();
        assert_eq!(sd.rate().map(|r| r.percent_per_minute), Some(10.0));
    }

    #[test]
    fn the_hpa_keda_makes_and_the_target() {
        let obj = object(HEAD);
        let so = ScaledObject::of(&obj).unwrap();
        assert_eq!(so.hpa_name(), "keda-hpa-web");
        // The kind defaults to Deployment.
        assert_eq!(
            so.scale_target_ref().map(|t| t.key.kind),
            Some("Deployment".to_string())
        );
        let obj = object(&format!(
            "{HEAD}  advanced:\n    horizontalPodAutoscalerConfig: {{name: custom}}\n"
        ));
        assert_eq!(ScaledObject::of(&obj).unwrap().hpa_name(), "custom");
    }
}

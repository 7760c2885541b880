//! HorizontalPodAutoscalers: replica bounds, scale-down behavior and the cpu/memory
//! utilization targets they scale on, across their API versions, with Kubernetes' defaults.

use super::behavior::ScaleDown;
use super::keep::Keep;
use super::kind::Kind;
use super::object::{TargetRef, target_ref};
use super::values::{Effective, Resource, int_or_default, int_value};
use crate::model::{Node, Object, Span};

/// Kubernetes' `minReplicas` when none is written.
pub const DEFAULT_MIN_REPLICAS: i64 = 1;

/// Kubernetes' cpu target when an HPA sets no metric (and autoscaling/v1's when it sets no
/// `targetCPUUtilizationPercentage`).
pub const DEFAULT_CPU_UTILIZATION: i64 = 80;

/// A HorizontalPodAutoscaler.
#[derive(Clone, Copy, Debug)]
pub struct Hpa<'a> {
    pub obj: &'a Object,
}

impl<'a> Hpa<'a> {
    /// What the methods below read, but for `behavior`, which only per-object rules read
    /// (keeping every HPA's behavior cost 6% of the peak memory of a 5,000-service run).
    pub const FIELDS: Keep = Keep::Fields(&[
        ("metadata", Keep::Fields(&[("ownerReferences", Keep::All)])),
        (
            "spec",
            Keep::Fields(&[
                ("scaleTargetRef", Keep::All),
                ("minReplicas", Keep::All),
                ("maxReplicas", Keep::All),
                ("metrics", Keep::All),
                ("targetCPUUtilizationPercentage", Keep::All),
            ]),
        ),
    ]);

    /// `obj` as an HPA, if it is one.
    pub fn of(obj: &'a Object) -> Option<Hpa<'a>> {
        Kind::HorizontalPodAutoscaler.is(obj).then_some(Hpa { obj })
    }

    /// autoscaling/v1, which has no `metrics` and no `behavior`.
    pub fn is_v1(&self) -> bool {
        self.obj.api_version == "autoscaling/v1"
    }

    /// `spec.minReplicas` in force: absent or null ⇒ 1. `None` when not an integer.
    pub fn effective_min_replicas(&self) -> Option<Effective<'a, i64>> {
        int_or_default(
            self.obj.root.path(&["spec", "minReplicas"]),
            Some(DEFAULT_MIN_REPLICAS),
        )
    }

    /// `spec.maxReplicas`, which has no default: `None` when absent or not an integer.
    pub fn max_replicas(&self) -> Option<Effective<'a, i64>> {
        int_or_default(self.obj.root.path(&["spec", "maxReplicas"]), None)
    }

    /// `spec.scaleTargetRef` (its kind is required).
    pub fn scale_target_ref(&self) -> Option<TargetRef> {
        target_ref(self.obj, &["spec", "scaleTargetRef"], None)
    }

    /// The names of the ScaledObjects that own this HPA (`metadata.ownerReferences`): KEDA
    /// sets one on each HPA it makes.
    pub fn scaled_object_owners(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.obj
            .root
            .path(&["metadata", "ownerReferences"])
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter(|r| r.get("kind").and_then(Node::as_str) == Some(Kind::ScaledObject.name()))
            .filter_map(|r| r.get("name").and_then(Node::text))
    }

    /// The scale-down side of `spec.behavior`, with Kubernetes' defaults when it is absent;
    /// Pods policies are judged against `maxReplicas`. Per-object rules only: a projection
    /// has no `behavior`.
    pub fn effective_scale_down_behavior(&self) -> ScaleDown<'a> {
        ScaleDown {
            behavior: self.obj.root.path(&["spec", "behavior"]),
            anchor: self.obj.missing_span(&["spec", "behavior", "scaleDown"]),
            max_replicas: self.max_replicas().map(|m| m.value),
        }
    }

    /// Every cpu/memory Utilization target, in document order, with Kubernetes' default
    /// (80% cpu) when none is written.
    pub fn utilization_targets(&self) -> Vec<UtilizationTarget<'a>> {
        let obj = self.obj;
        if self.is_v1() {
            return vec![v1_target(obj)];
        }
        let metrics = obj
            .root
            .path(&["spec", "metrics"])
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        if metrics.is_empty() {
            // The nearest existing of `metrics` (null or an empty list) and `spec`.
            let span = obj.missing_span(&["spec", "metrics", "-"]);
            return vec![UtilizationTarget {
                resource: Resource::Cpu,
                container: None,
                percent: Some(DEFAULT_CPU_UTILIZATION),
                value_span: span,
                resource_span: span,
                defaulted: Some(Defaulted::NoMetrics),
            }];
        }
        metrics.iter().filter_map(metric_target).collect()
    }
}

/// Why a utilization target was not written but defaulted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defaulted {
    /// autoscaling/v2, v2beta1, v2beta2 without `metrics` (or with an empty list).
    NoMetrics,
    /// autoscaling/v1 without `targetCPUUtilizationPercentage`.
    NoV1Target,
}

/// One cpu or memory Utilization target of an HPA, or of the HPA a ScaledObject makes.
#[derive(Clone, Copy, Debug)]
pub struct UtilizationTarget<'a> {
    pub resource: Resource,
    /// For ContainerResource metrics: the only container whose requests count.
    pub container: Option<&'a str>,
    /// The target percentage, when written as an integer (or defaulted).
    pub percent: Option<i64>,
    /// The percentage value (`averageUtilization`, `targetAverageUtilization`,
    /// `targetCPUUtilizationPercentage`), or the nearest existing ancestor when defaulted.
    pub value_span: Span,
    /// What names the resource: the `resource.name` value (the v1 field's key), or the
    /// nearest existing ancestor when defaulted.
    pub resource_span: Span,
    pub defaulted: Option<Defaulted>,
}

fn v1_target(obj: &Object) -> UtilizationTarget<'_> {
    let entry = obj
        .root
        .get("spec")
        .and_then(|s| s.entry("targetCPUUtilizationPercentage"))
        .filter(|e| !e.value.is_null());
    match entry {
        Some(e) => UtilizationTarget {
            resource: Resource::Cpu,
            container: None,
            percent: int_value(&e.value),
            value_span: e.value.span,
            resource_span: e.key.span,
            defaulted: None,
        },
        None => {
            let span = obj.missing_span(&["spec", "targetCPUUtilizationPercentage"]);
            UtilizationTarget {
                resource: Resource::Cpu,
                container: None,
                percent: Some(DEFAULT_CPU_UTILIZATION),
                value_span: span,
                resource_span: span,
                defaulted: Some(Defaulted::NoV1Target),
            }
        }
    }
}

/// A `Resource` or `ContainerResource` metric with a Utilization target, in the v2/v2beta2
/// shape (`target: {type: Utilization, averageUtilization}`) or v2beta1's
/// (`targetAverageUtilization`).
fn metric_target(metric: &Node) -> Option<UtilizationTarget<'_>> {
    let (source, container) = match metric.get("type").and_then(Node::as_str)? {
        "Resource" => (metric.get("resource")?, None),
        "ContainerResource" => {
            let source = metric.get("containerResource")?;
            // Without a container name the API rejects the metric; there is nothing to judge.
            (source, Some(source.get("container")?.as_str()?))
        }
        _ => return None,
    };
    let name = source.get("name")?;
    let resource = Resource::named(name.as_str()?)?;
    let (percent, value_span) = if let Some(target) = source.entry("target") {
        if target.value.get("type").and_then(Node::as_str) != Some("Utilization") {
            return None;
        }
        match target.value.get("averageUtilization") {
            Some(v) => (int_value(v), v.span),
            None => (None, target.key.span),
        }
    } else {
        let v = source.get("targetAverageUtilization")?;
        (int_value(v), v.span)
    };
    Some(UtilizationTarget {
        resource,
        container,
        percent,
        value_span,
        resource_span: name.span,
        defaulted: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::test_support::{object, slice};

    /// resource, container, percent, text at the value span, text at the resource span.
    type Row = (Resource, Option<String>, Option<i64>, String, String);

    fn targets(text: &str) -> Vec<Row> {
        let obj = object(text);
        Hpa::of(&obj)
            .unwrap()
            .utilization_targets()
            .into_iter()
            .map(|t| {
                (
                    t.resource,
                    t.container.map(str::to_string),
                    t.percent,
                    slice(text, t.value_span).to_string(),
                    slice(text, t.resource_span).to_string(),
                )
            })
            .collect()
    }

    const HEAD: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  maxReplicas: 10\n";
    const V1: &str = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  maxReplicas: 10\n";

    #[test]
    fn metrics_absent_null_or_empty_default_to_cpu_80() {
        let cpu80 = |at: &str| (Resource::Cpu, None, Some(80), at.into(), at.into());
        assert_eq!(targets(HEAD), vec![cpu80("spec")]);
        assert_eq!(
            targets(&format!("{HEAD}  metrics:\n")),
            vec![cpu80("metrics")]
        );
        assert_eq!(
            targets(&format!("{HEAD}  metrics: ~\n")),
            vec![cpu80("metrics")]
        );
        assert_eq!(
            targets(&format!("{HEAD}  metrics: []\n")),
            vec![cpu80("metrics")]
        );
    }

    #[test]
    fn v1_target_absent_null_and_set() {
        let cpu = |p: i64, at: &str| (Resource::Cpu, None, Some(p), at.into(), at.into());
        assert_eq!(targets(V1), vec![cpu(80, "spec")]);
        for null in ["", " ~"] {
            let text = format!("{V1}  targetCPUUtilizationPercentage:{null}\n");
            assert_eq!(targets(&text), vec![cpu(80, "spec")], "{null:?}");
        }
        let text = format!("{V1}  targetCPUUtilizationPercentage: 50\n");
        assert_eq!(
            targets(&text),
            vec![(
                Resource::Cpu,
                None,
                Some(50),
                "50".into(),
                "targetCPUUtilizationPercentage".into()
            )]
        );
        let obj = object(V1);
        let defaulted = Hpa::of(&obj).unwrap().utilization_targets()[0].defaulted;
        assert_eq!(defaulted, Some(Defaulted::NoV1Target));
    }

    #[test]
    fn shapes_of_every_version() {
        let text = format!(
            "{HEAD}  metrics:\n  - type: ContainerResource\n    containerResource:\n      name: memory\n      container: app\n      target:\n        type: Utilization\n        averageUtilization: 75\n  - type: Resource\n    resource:\n      name: cpu\n      targetAverageUtilization: 50\n  - type: Resource\n    resource:\n      name: cpu\n      target:\n        type: Utilization\n  - type: ContainerResource\n    containerResource:\n      name: cpu\n      target:\n        type: Utilization\n        averageUtilization: 75\n"
        );
        assert_eq!(
            targets(&text),
            vec![
                (
                    Resource::Memory,
                    Some("app".into()),
                    Some(75),
                    "75".into(),
                    "memory".into()
                ),
                (Resource::Cpu, None, Some(50), "50".into(), "cpu".into()),
                // Utilization without a value: still a Utilization metric, at the `target` key.
                (Resource::Cpu, None, None, "target".into(), "cpu".into()),
            ]
        );
    }

    #[test]
    fn min_replicas_absent_null_and_set() {
        let min = |extra: &str| {
            let obj = object(&format!("{HEAD}{extra}"));
            Hpa::of(&obj)
                .unwrap()
                .effective_min_replicas()
                .map(|m| (m.value, m.is_default()))
        };
        assert_eq!(min(""), Some((1, true)));
        assert_eq!(min("  minReplicas:\n"), Some((1, true)));
        assert_eq!(min("  minReplicas: ~\n"), Some((1, true)));
        assert_eq!(min("  minReplicas: 3\n"), Some((3, false)));
        assert_eq!(min("  minReplicas: three\n"), None);
    }

    #[test]
    fn max_replicas_has_no_default() {
        let max = |text: &str| {
            let obj = object(text);
            Hpa::of(&obj).unwrap().max_replicas().map(|m| m.value)
        };
        assert_eq!(max(HEAD), Some(10));
        assert_eq!(
            max(&HEAD.replace("  maxReplicas: 10\n", "  maxReplicas:\n")),
            None
        );
        assert_eq!(max(&HEAD.replace("  maxReplicas: 10\n", "")), None);
    }

    #[test]
    fn scale_down_behavior_absent_null_and_set() {
        // Absent or null `behavior`: Kubernetes' defaults, at the nearest written ancestor.
        for extra in ["", "  behavior:\n", "  behavior: ~\n"] {
            let text = format!("{HEAD}{extra}");
            let obj = object(&text);
            let sd = Hpa::of(&obj).unwrap().effective_scale_down_behavior();
            let rate = sd.rate().unwrap();
            assert_eq!(rate.percent_per_minute, 400.0, "{extra:?}");
            let window = sd.window().unwrap();
            assert_eq!((window.seconds, window.explicit), (300, false));
            let at = if extra.is_empty() { "spec" } else { "behavior" };
            assert_eq!(slice(&text, window.span), at, "{extra:?}");
            assert_eq!(sd.max_replicas, Some(10));
        }
        let text = format!(
            "{HEAD}  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 600\n      policies: [{{type: Pods, value: 5, periodSeconds: 60}}]\n"
        );
        let obj = object(&text);
        let sd = Hpa::of(&obj).unwrap().effective_scale_down_behavior();
        assert_eq!(sd.window().map(|w| w.seconds), Some(600));
        // 5 pods a minute of at most 10 replicas: 50%.
        assert_eq!(sd.rate().map(|r| r.percent_per_minute), Some(50.0));
    }

    #[test]
    fn owners_and_target() {
        let text = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: keda-hpa-web\n  ownerReferences:\n  - {kind: ScaledObject, name: web}\n  - {kind: Deployment, name: other}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n";
        let obj = object(text);
        let hpa = Hpa::of(&obj).unwrap();
        assert_eq!(hpa.scaled_object_owners().collect::<Vec<_>>(), ["web"]);
        let t = hpa.scale_target_ref().unwrap();
        assert_eq!(
            (t.key.kind.as_str(), t.key.name.as_str()),
            ("Deployment", "web")
        );
        assert_eq!(slice(text, t.name_span), "web");
    }
}

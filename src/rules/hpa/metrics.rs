//! The cpu/memory utilization targets an HPA scales on, across its API versions, with
//! Kubernetes' default (80% cpu) when none is written.

use crate::engine::index::{Autoscaler, AutoscalerKind};
use crate::model::{Node, Object, Span};
use crate::rules::common::{Resource, int_value, missing_span};

/// Kubernetes' cpu target when an HPA sets no metric.
pub const DEFAULT_CPU_UTILIZATION: i64 = 80;

/// Why a target was not written but defaulted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defaulted {
    /// autoscaling/v2, v2beta1, v2beta2 without `metrics` (or with an empty list).
    NoMetrics,
    /// autoscaling/v1 without `targetCPUUtilizationPercentage`.
    NoV1Target,
}

/// One cpu or memory Utilization target.
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

/// The cpu/memory Utilization targets of an autoscaler: an HPA's metrics (with Kubernetes'
/// defaults), a KEDA ScaledObject's cpu/memory triggers.
pub fn autoscaler_targets<'a>(a: &Autoscaler<'a>) -> Vec<UtilizationTarget<'a>> {
    match a.kind {
        AutoscalerKind::Hpa => utilization_targets(a.obj),
        AutoscalerKind::ScaledObject => crate::rules::keda::triggers::utilization_targets(a.obj),
    }
}

/// Every cpu/memory Utilization target of an HPA, in document order.
pub fn utilization_targets(obj: &Object) -> Vec<UtilizationTarget<'_>> {
    if obj.api_version == "autoscaling/v1" {
        return vec![v1_target(obj)];
    }
    let metrics = obj
        .root
        .path(&["spec", "metrics"])
        .and_then(Node::as_seq)
        .unwrap_or(&[]);
    if metrics.is_empty() {
        // The nearest existing of `metrics` (null or an empty list) and `spec`.
        let span = missing_span(obj, &["spec", "metrics", "-"]);
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
            let span = missing_span(obj, &["spec", "targetCPUUtilizationPercentage"]);
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
    let resource = match name.as_str()? {
        "cpu" => Resource::Cpu,
        "memory" => Resource::Memory,
        _ => return None,
    };
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

    /// resource, container, percent, text at the value span, text at the resource span.
    type Row = (Resource, Option<String>, Option<i64>, String, String);

    fn targets(text: &str) -> Vec<Row> {
        let loaded = crate::sources::load(
            0,
            "t.yaml".into(),
            text.into(),
            crate::sources::classify::Kind::Yaml,
        );
        let obj = loaded.objects.first().unwrap();
        utilization_targets(obj)
            .into_iter()
            .map(|t| {
                (
                    t.resource,
                    t.container.map(str::to_string),
                    t.percent,
                    loaded.source.slice(t.value_span).to_string(),
                    loaded.source.slice(t.resource_span).to_string(),
                )
            })
            .collect()
    }

    const HEAD: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  maxReplicas: 10\n";

    #[test]
    fn an_empty_metrics_list_defaults_to_cpu_at_the_metrics_key() {
        let t = targets(&format!("{HEAD}  metrics: []\n"));
        assert_eq!(
            t,
            vec![(
                Resource::Cpu,
                None,
                Some(80),
                "metrics".into(),
                "metrics".into()
            )]
        );
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
}

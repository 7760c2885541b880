//! A ScaledObject's triggers. KEDA turns `cpu` and `memory` triggers into the Resource (or,
//! with `containerName`, ContainerResource) metrics of the HPA it creates, so the HPA rules
//! about utilization targets apply to them too.

use crate::model::{Node, Object};
use crate::rules::common::Resource;
use crate::rules::hpa::metrics::UtilizationTarget;

/// `spec.triggers`, empty when absent or not a list.
pub fn triggers(obj: &Object) -> &[Node] {
    obj.root
        .path(&["spec", "triggers"])
        .and_then(Node::as_seq)
        .unwrap_or(&[])
}

/// A trigger's `type` (`prometheus`, `cpu`, …).
pub fn trigger_type(trigger: &Node) -> Option<&str> {
    trigger.get("type").and_then(Node::as_str)
}

/// The cpu/memory triggers whose metric type is `Utilization`: `metricType`, or the
/// deprecated `metadata.type`. KEDA has no default for cpu/memory triggers (it rejects one
/// without a type: "metricType is required"), so such a trigger is not a utilization target.
pub fn utilization_targets(obj: &Object) -> Vec<UtilizationTarget<'_>> {
    let mut out = Vec::new();
    for trigger in triggers(obj) {
        let Some(type_node) = trigger.get("type") else {
            continue;
        };
        let resource = match type_node.as_str() {
            Some("cpu") => Resource::Cpu,
            Some("memory") => Resource::Memory,
            _ => continue,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_and_memory_utilization_triggers() {
        let text = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {name: web}\n  triggers:\n  - type: cpu\n    metricType: Utilization\n    metadata: {value: \"50\"}\n  - type: memory\n    metadata: {type: Utilization, value: \"70\", containerName: app}\n  - type: cpu\n    metricType: AverageValue\n    metadata: {value: 500m}\n  - type: memory\n    metadata: {value: \"60\"}\n  - type: prometheus\n    metadata: {query: up}\n";
        let loaded = crate::sources::load(
            0,
            "t.yaml".into(),
            text.into(),
            crate::sources::classify::Kind::Yaml,
        );
        let obj = loaded.objects.first().unwrap();
        let t = utilization_targets(obj);
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].resource, t[0].container, t[0].percent),
            (Resource::Cpu, None, Some(50))
        );
        assert_eq!(
            (t[1].resource, t[1].container, t[1].percent),
            (Resource::Memory, Some("app"), Some(70))
        );
        assert_eq!(loaded.source.slice(t[1].resource_span), "memory");
        assert_eq!(loaded.source.slice(t[0].value_span), "\"50\"");
    }
}

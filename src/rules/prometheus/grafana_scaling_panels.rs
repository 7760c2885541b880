//! `grafana-scaling-panels`: a dashboard about scaling (one that queries HPA or replica
//! metrics) lacks some of the Scaling Guide's five panels: pod count over time, CPU and memory
//! per pod, request rate against pod count, HPA scaling events, response-time percentiles.

use super::DASHBOARDS;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::sources::grafana::{Operand, panels, queries_of_panel, substitute};
use crate::sources::promql::{Checked, check};
use serde::Deserialize;

crate::declare_rule!(object GrafanaScalingPanels: "prometheus" / "grafana-scaling-panels");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GrafanaScalingPanels {}

/// What one panel's queries show.
#[derive(Default, Clone, Copy)]
struct Shows {
    pods: bool,
    cpu: bool,
    memory: bool,
    requests: bool,
    hpa: bool,
    percentiles: bool,
}

/// Metrics that count a workload's pods.
fn counts_pods(m: &str) -> bool {
    m.starts_with("kube_deployment_status_replicas")
        || m == "kube_deployment_spec_replicas"
        || m.starts_with("kube_statefulset_status_replicas")
        || m == "kube_statefulset_replicas"
        || m.starts_with("kube_replicaset_status_replicas")
        || m == "kube_horizontalpodautoscaler_status_current_replicas"
        || m == "kube_hpa_status_current_replicas"
        || m == "kube_pod_info"
        || m == "kube_pod_status_phase"
        || m == "kube_pod_status_ready"
}

/// What one panel's queries show, and whether any selects a metric about scaling. Each
/// query is parsed once (variables replaced by numbers where their place does not say).
fn shows(texts: &[&str]) -> (Shows, bool) {
    let mut s = Shows::default();
    let mut scaling = false;
    for text in texts {
        let q = substitute(text, Operand::Number);
        let metrics = match check(&q.text) {
            Checked::Valid(refs) => refs.into_iter().map(|r| r.name).collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        for m in &metrics {
            let m = m.as_str();
            scaling |= about_scaling(m);
            s.pods |= counts_pods(m);
            s.cpu |= m.starts_with("container_cpu_") || m.contains("cpu_usage");
            s.memory |= m.starts_with("container_memory_") || m.contains("memory_usage");
            s.requests |= m.contains("request") && !m.starts_with("kube_pod_container_resource_requests");
            s.hpa |= m.starts_with("kube_horizontalpodautoscaler_status_") || m.starts_with("kube_hpa_status_") || m.starts_with("keda_scaler_");
        }
        s.percentiles |= text.contains("histogram_quantile") || text.contains("quantile_over_time") || text.contains("quantile=");
    }
    (s, scaling)
}

/// Whether a metric is about scaling: an autoscaler's or a workload's replicas.
fn about_scaling(m: &str) -> bool {
    m.starts_with("kube_horizontalpodautoscaler_")
        || m.starts_with("kube_hpa_")
        || m.starts_with("keda_")
        || (m.starts_with("kube_") && m.contains("replicas"))
}

impl ObjectRule for GrafanaScalingPanels {
    fn target(&self) -> Target<'_> {
        DASHBOARDS
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let mut scaling = false;
        let mut all = Shows::default();
        let mut vs = false;
        for p in panels(&cx.obj.root) {
            let texts: Vec<&str> = queries_of_panel(p)
                .into_iter()
                .filter_map(|q| q.expr.text())
                .collect();
            let (s, about) = shows(&texts);
            scaling |= about;
            vs |= s.requests && s.pods;
            all.pods |= s.pods;
            all.cpu |= s.cpu;
            all.memory |= s.memory;
            all.hpa |= s.hpa;
            all.percentiles |= s.percentiles;
        }
        if !scaling {
            return;
        }
        let missing: Vec<&str> = [
            (all.pods, "pod count over time"),
            (all.cpu && all.memory, "CPU and memory per pod"),
            (vs, "request rate against pod count (one panel)"),
            (all.hpa, "HPA scaling events"),
            (all.percentiles, "response-time percentiles"),
        ]
        .into_iter()
        .filter(|(has, _)| !has)
        .map(|(_, what)| what)
        .collect();
        if missing.is_empty() {
            return;
        }
        let title = cx.obj.name.as_deref().unwrap_or("<untitled>");
        let span = cx
            .obj
            .root
            .get("title")
            .map_or_else(|| cx.obj.anchor_span(), |t| t.span);
        let f = cx
            .finding(
                span,
                format!(
                    "dashboard `{title}` shows scaling but has no panel for {}",
                    missing.join(", ")
                ),
            )
            .with_label(format!("{} of the guide's 5 scaling panels missing", missing.len()))
            .with_help("the Scaling Guide's panels: pod count (`kube_deployment_status_replicas`), CPU and memory per pod (`container_cpu_usage_seconds_total`, `container_memory_working_set_bytes`), request rate and pod count in one panel, HPA scaling events (`kube_horizontalpodautoscaler_status_desired_replicas`), response-time percentiles (`histogram_quantile`)");
        cx.emit(f);
    }
}

//! KEDA ScaledObject rules (`keda.sh/v1alpha1`). A ScaledObject makes an HPA, so its
//! `advanced.horizontalPodAutoscalerConfig.behavior` is judged with the HPA rules' code.

pub mod triggers;

/// Where a ScaledObject keeps the `behavior` of the HPA it makes.
const BEHAVIOR_PATH: [&str; 4] = [
    "spec",
    "advanced",
    "horizontalPodAutoscalerConfig",
    "behavior",
];

domain! {
    keda_deprecated_field,
    keda_max_replicas,
    keda_min_replicas,
    keda_scale_down_rate,
    keda_scale_down_window,
    keda_trigger_incomplete,
}

#[cfg(test)]
use crate::rules::hpa::Hit;

#[cfg(test)]
fn run_rule(name: &str, overrides: serde_json::Value, text: &str) -> Vec<Hit> {
    crate::rules::hpa::run_rule(name, overrides, text)
}

//! KEDA ScaledObject rules (`keda.sh/v1alpha1`). A ScaledObject makes an HPA, so its
//! `advanced.horizontalPodAutoscalerConfig.behavior` is judged with the HPA rules' code.

pub mod keda_deprecated_field;
pub mod keda_max_replicas;
pub mod keda_min_replicas;
pub mod keda_scale_down_rate;
pub mod keda_scale_down_window;
pub mod keda_trigger_incomplete;
pub mod triggers;

use crate::engine::rule::Builder;

/// Where a ScaledObject keeps the `behavior` of the HPA it makes.
const BEHAVIOR_PATH: [&str; 4] = [
    "spec",
    "advanced",
    "horizontalPodAutoscalerConfig",
    "behavior",
];

pub static RULES: &[(&str, Builder)] = &[
    (keda_min_replicas::NAME, keda_min_replicas::build),
    (keda_max_replicas::NAME, keda_max_replicas::build),
    (keda_scale_down_window::NAME, keda_scale_down_window::build),
    (keda_scale_down_rate::NAME, keda_scale_down_rate::build),
    (
        keda_trigger_incomplete::NAME,
        keda_trigger_incomplete::build,
    ),
    (keda_deprecated_field::NAME, keda_deprecated_field::build),
];

#[cfg(test)]
use crate::rules::hpa::Hit;

#[cfg(test)]
fn run_rule(name: &str, overrides: serde_json::Value, text: &str) -> Vec<Hit> {
    crate::rules::hpa::run_rule(name, overrides, text)
}

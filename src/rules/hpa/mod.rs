//! HorizontalPodAutoscaler rules.

use crate::kube::Hpa;

domain! {
    hpa_api_version,
    hpa_max_replicas,
    hpa_min_replicas,
    hpa_scale_down_rate,
    hpa_scale_down_window,
    hpa_target_missing_requests,
    hpa_target_not_found,
    hpa_utilization_target,
}

/// The start of a help text that asks for `behavior`, which autoscaling/v1 cannot express.
fn needs_v2(hpa: Hpa<'_>) -> &'static str {
    if hpa.is_v1() {
        "switch to `apiVersion: autoscaling/v2` and "
    } else {
        ""
    }
}

#[cfg(test)]
use crate::rules::testing::{Hit, run_rule};

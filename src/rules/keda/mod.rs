//! KEDA ScaledObject rules (`keda.sh/v1alpha1`). A ScaledObject makes an HPA, so its
//! `advanced.horizontalPodAutoscalerConfig.behavior` is judged with the HPA rules' code
//! (`rules::common`).

domain! {
    keda_deprecated_field,
    keda_max_replicas,
    keda_min_replicas,
    keda_scale_down_rate,
    keda_scale_down_window,
    keda_trigger_incomplete,
}

#[cfg(test)]
use crate::rules::testing::{Hit, run_rule};

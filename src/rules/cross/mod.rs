//! Cross-resource rules about autoscalers: objects that fight over one workload.

domain! {
    autoscaler_conflict,
    hpa_vpa_conflict,
}

//! Cross-resource rules about autoscalers: objects that fight over one workload.

pub mod autoscaler_conflict;
pub mod hpa_vpa_conflict;

use crate::engine::rule::Builder;

pub static RULES: &[(&str, Builder)] = &[
    (autoscaler_conflict::NAME, autoscaler_conflict::build),
    (hpa_vpa_conflict::NAME, hpa_vpa_conflict::build),
];

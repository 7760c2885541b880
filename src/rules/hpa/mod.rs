//! HorizontalPodAutoscaler rules.

pub mod behavior;
pub mod hpa_api_version;
pub mod hpa_min_replicas;
pub mod metrics;

use crate::engine::rule::Builder;

pub static RULES: &[(&str, Builder)] = &[
    (hpa_api_version::NAME, hpa_api_version::build),
    (hpa_min_replicas::NAME, hpa_min_replicas::build),
];

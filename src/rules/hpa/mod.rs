//! HorizontalPodAutoscaler rules.

pub mod hpa_min_replicas;

use crate::engine::rule::Builder;

pub static RULES: &[(&str, Builder)] = &[(hpa_min_replicas::NAME, hpa_min_replicas::build)];

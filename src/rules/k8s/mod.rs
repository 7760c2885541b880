//! Workload rules: Deployment and StatefulSet.

use crate::engine::rule::Builder;

pub static RULES: &[(&str, Builder)] = &[];

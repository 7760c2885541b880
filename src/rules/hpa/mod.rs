//! HorizontalPodAutoscaler rules.

pub mod behavior;
pub mod hpa_api_version;
pub mod hpa_max_replicas;
pub mod hpa_min_replicas;
pub mod hpa_scale_down_rate;
pub mod hpa_scale_down_window;
pub mod hpa_target_missing_requests;
pub mod hpa_target_not_found;
pub mod hpa_utilization_target;
pub mod metrics;

use crate::engine::rule::Builder;
use crate::model::Object;

pub static RULES: &[(&str, Builder)] = &[
    (hpa_api_version::NAME, hpa_api_version::build),
    (hpa_min_replicas::NAME, hpa_min_replicas::build),
    (hpa_max_replicas::NAME, hpa_max_replicas::build),
    (hpa_scale_down_window::NAME, hpa_scale_down_window::build),
    (hpa_scale_down_rate::NAME, hpa_scale_down_rate::build),
    (hpa_utilization_target::NAME, hpa_utilization_target::build),
    (
        hpa_target_missing_requests::NAME,
        hpa_target_missing_requests::build,
    ),
    (hpa_target_not_found::NAME, hpa_target_not_found::build),
];

/// The start of a help text that asks for `behavior`, which autoscaling/v1 cannot express.
fn needs_v2(obj: &Object) -> &'static str {
    if obj.api_version == "autoscaling/v1" {
        "switch to `apiVersion: autoscaling/v2` and "
    } else {
        ""
    }
}

/// A finding as unit tests look at it: level, the text under the primary span, message, help.
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct Hit {
    pub level: crate::model::Level,
    pub at: String,
    pub message: String,
    pub help: String,
}

/// Runs one per-object rule (of any domain) over a YAML text with some parameters overridden.
#[cfg(test)]
pub(crate) fn run_rule(name: &str, overrides: serde_json::Value, text: &str) -> Vec<Hit> {
    let (source, found) = crate::rules::testing::run(name, overrides, "test.yaml", text);
    found
        .into_iter()
        .map(|f| Hit {
            level: f.level,
            at: source.slice(f.span).to_string(),
            message: f.message,
            help: f.help.unwrap_or_default(),
        })
        .collect()
}

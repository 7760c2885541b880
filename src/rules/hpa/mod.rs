//! HorizontalPodAutoscaler rules.

pub mod behavior;
pub mod metrics;

use crate::model::Object;

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

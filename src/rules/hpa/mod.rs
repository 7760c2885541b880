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

/// Runs one per-object rule (of any domain) over a YAML text with some parameters overridden, for the
/// cases fixtures cannot reach (fixtures run with the default parameters).
#[cfg(test)]
pub(crate) fn run_rule(name: &str, overrides: serde_json::Value, text: &str) -> Vec<Hit> {
    use crate::engine::rule::Ctx;
    let meta = crate::engine::meta::find(name).unwrap();
    let mut params = meta.default_params();
    if let (Some(p), Some(o)) = (params.as_object_mut(), overrides.as_object()) {
        p.extend(o.clone());
    }
    let build = crate::rules::registry()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1;
    let rule = build(&params).unwrap();
    let loaded = crate::sources::load(
        0,
        "test.yaml".into(),
        text.into(),
        crate::sources::classify::Kind::Yaml,
    );
    let mut out = Vec::new();
    for obj in &loaded.objects {
        rule.check(&mut Ctx {
            obj,
            file: &loaded.source,
            meta,
            out: &mut out,
        });
    }
    out.into_iter()
        .map(|f| Hit {
            level: f.level,
            at: loaded.source.slice(f.span).to_string(),
            message: f.message,
            help: f.help.unwrap_or_default(),
        })
        .collect()
}

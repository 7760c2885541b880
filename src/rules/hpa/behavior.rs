//! Until the rule files read the views themselves: the `behavior` helpers they used, now
//! in `kube::behavior`, and how messages describe a rate.

use crate::model::{Node, Span};
use std::fmt;

pub use crate::kube::behavior::{
    DEFAULT_POLICY_PERCENT, DEFAULT_POLICY_PERIOD_SECONDS, DEFAULT_SCALE_DOWN_WINDOW_SECONDS,
};
pub use crate::kube::{RateOrigin, ScaleDown, ScaleDownRate, ScaleDownWindow, Select};

pub fn scale_down_rate(
    behavior: Option<&Node>,
    max_replicas: Option<i64>,
    anchor: Span,
) -> Option<ScaleDownRate> {
    ScaleDown {
        behavior,
        anchor,
        max_replicas,
    }
    .rate()
}

pub fn scale_down_window(behavior: Option<&Node>, anchor: Span) -> Option<ScaleDownWindow> {
    ScaleDown {
        behavior,
        anchor,
        max_replicas: None,
    }
    .window()
}

impl RateOrigin {
    /// For messages; `max_field` names the maximum a Pods policy is judged against
    /// (`maxReplicas`, a ScaledObject's `maxReplicaCount`).
    pub fn describe(&self, max_field: &str) -> String {
        match *self {
            RateOrigin::Default => format!(
                "Kubernetes' default {DEFAULT_POLICY_PERCENT}% per {DEFAULT_POLICY_PERIOD_SECONDS}s"
            ),
            RateOrigin::Disabled => "selectPolicy Disabled".to_string(),
            RateOrigin::Percent { value, period } => {
                format!("Percent policy {value}% per {period}s")
            }
            RateOrigin::Pods {
                value,
                period,
                max_replicas,
            } => format!(
                "Pods policy {value} {} per {period}s, judged against {max_field} {max_replicas}",
                if value == 1 { "pod" } else { "pods" }
            ),
        }
    }
}

impl fmt::Display for RateOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe("maxReplicas"))
    }
}

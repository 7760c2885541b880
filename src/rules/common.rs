//! Helpers shared by rules: message text (numbers, counts). Kubernetes' meaning of objects
//! is in `crate::kube`.

use crate::model::{Node, Object, Span};

// Until the rule files read the views themselves: the helpers they used, now in `kube`.
pub use crate::kube::workload::{amount, has_effective_request};
pub use crate::kube::{Amount, Container, IntOrPercent, Resource, int_value};

pub fn missing_span(obj: &Object, path: &[&str]) -> Span {
    obj.missing_span(path)
}

pub fn missing_span_in(node: &Node, path: &[&str], fallback: Span) -> Span {
    node.missing_span(path, fallback)
}

pub fn containers(obj: &Object) -> Vec<Container<'_>> {
    crate::kube::Workload { obj }.containers().collect()
}

/// `s` without the leading white space C's `isspace` skips (`strtol`, `atoi`), as the
/// programs whose numbers the flat-format rules read do.
pub fn trim_c_space(s: &str) -> &str {
    s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c'])
}

/// A number for messages: `400`, `33.3`.
pub fn format_number(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round())
    } else {
        format!("{x:.1}")
    }
}

/// `1 pod`, `2 pods`: a count of pods for messages.
pub fn pods(n: i64) -> String {
    counted(n, "pod", "pods")
}

/// `1 replica`, `10 replicas`.
pub fn replicas(n: i64) -> String {
    counted(n, "replica", "replicas")
}

fn counted(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// An int-or-percent value as written, for messages: `2`, `25%`.
pub fn int_or_percent(v: IntOrPercent) -> String {
    match v {
        IntOrPercent::Int(i) => i.to_string(),
        IntOrPercent::Percent(p) => format!("{}%", format_number(p)),
    }
}

// Until the rule files call `int_or_percent`.
impl IntOrPercent {
    pub fn written(self) -> String {
        int_or_percent(self)
    }
}

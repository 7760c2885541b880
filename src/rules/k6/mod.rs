//! k6 load-test scripts: what the `options` object of a script holds (`sources::k6`), checked
//! as k6 checks it before a test starts (thresholds, scenarios) and against the Scaling
//! Guide (a load test must be able to fail).

use crate::engine::rule::Target;
use crate::model::{Entry, Format, Node};
use crate::sources::k6::SCRIPT;

domain! {
    k6_executor_fields,
    k6_threshold_duplicate,
    k6_threshold_invalid,
    k6_thresholds_missing,
}

const SCRIPTS: Target<'static> = Target::format(Format::K6, &[SCRIPT]);

/// A k6 metric type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricType {
    Counter,
    Gauge,
    Rate,
    Trend,
}

impl MetricType {
    fn of(name: &str) -> Option<MetricType> {
        Some(match name {
            "Counter" => MetricType::Counter,
            "Gauge" => MetricType::Gauge,
            "Rate" => MetricType::Rate,
            "Trend" => MetricType::Trend,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Rate => "rate",
            MetricType::Trend => "trend",
        }
    }

    /// The aggregation methods k6 accepts on this type, as k6 lists them.
    pub fn methods(self) -> &'static [&'static str] {
        match self {
            MetricType::Counter => &["count", "rate"],
            MetricType::Gauge => &["value"],
            MetricType::Rate => &["rate"],
            MetricType::Trend => &["avg", "min", "max", "med", "p"],
        }
    }
}

/// k6's built-in metrics (`metrics/builtin.go`, and those `k6/net/grpc` and `k6/browser`
/// register when imported).
pub const BUILTIN: &[(&str, MetricType)] = &[
    ("vus", MetricType::Gauge),
    ("vus_max", MetricType::Gauge),
    ("iterations", MetricType::Counter),
    ("iteration_duration", MetricType::Trend),
    ("dropped_iterations", MetricType::Counter),
    ("checks", MetricType::Rate),
    ("group_duration", MetricType::Trend),
    ("http_reqs", MetricType::Counter),
    ("http_req_failed", MetricType::Rate),
    ("http_req_duration", MetricType::Trend),
    ("http_req_blocked", MetricType::Trend),
    ("http_req_connecting", MetricType::Trend),
    ("http_req_tls_handshaking", MetricType::Trend),
    ("http_req_sending", MetricType::Trend),
    ("http_req_waiting", MetricType::Trend),
    ("http_req_receiving", MetricType::Trend),
    ("data_sent", MetricType::Counter),
    ("data_received", MetricType::Counter),
    ("grpc_req_duration", MetricType::Trend),
    ("grpc_streams", MetricType::Counter),
    ("grpc_streams_msgs_sent", MetricType::Counter),
    ("grpc_streams_msgs_received", MetricType::Counter),
    ("ws_sessions", MetricType::Counter),
    ("ws_msgs_sent", MetricType::Counter),
    ("ws_msgs_received", MetricType::Counter),
    ("ws_ping", MetricType::Trend),
    ("ws_session_duration", MetricType::Trend),
    ("ws_connecting", MetricType::Trend),
    ("browser_web_vital_ttfb", MetricType::Trend),
    ("browser_web_vital_lcp", MetricType::Trend),
    ("browser_web_vital_inp", MetricType::Trend),
    ("browser_web_vital_fcp", MetricType::Trend),
    ("browser_web_vital_cls", MetricType::Trend),
    ("browser_data_sent", MetricType::Counter),
    ("browser_data_received", MetricType::Counter),
    ("browser_http_req_duration", MetricType::Trend),
    ("browser_http_req_failed", MetricType::Rate),
];

/// A metric's type: built in, or declared by the script (`new Trend('name')`).
pub fn metric_type(root: &Node, name: &str) -> Option<MetricType> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .or_else(|| {
            root.path(&["metrics", name])
                .and_then(Node::text)
                .and_then(MetricType::of)
        })
}

/// A threshold key's metric name: the text before the first `{` (k6 does not trim it).
pub fn metric_name(key: &str) -> &str {
    key.split('{').next().unwrap_or(key)
}

/// The script's statically known `options`.
pub fn options(root: &Node) -> Option<&Node> {
    root.get("options").filter(|o| o.as_map().is_some())
}

/// The entries of `thresholds` (a key written twice: the one JavaScript keeps).
pub fn thresholds(options: &Node) -> Option<(&Entry, &[Entry])> {
    let e = options.entry("thresholds")?;
    Some((e, e.value.as_map()?))
}

/// The expressions of one threshold value: each string, or each object's `threshold`, of
/// the array; with the node to point at. A value that is not an array gives none.
pub fn expressions(value: &Node) -> Vec<(&Node, Option<&str>)> {
    value
        .as_seq()
        .unwrap_or(&[])
        .iter()
        .map(|item| match item.as_map() {
            // A `threshold` not statically known (null here) is not judged.
            Some(_) => match item.entry("threshold") {
                Some(t) => (&t.value, t.value.as_str()),
                None => (item, Some("")),
            },
            None => (item, item.as_str()),
        })
        .collect()
}

/// A threshold expression as k6 reads it (`metrics/thresholds_parser.go`): the aggregation
/// method (`p` for a percentile, with its value) and the operator's byte range, or why k6
/// refuses it, in k6's words.
#[derive(Debug, PartialEq)]
pub struct Expression<'a> {
    pub method: &'a str,
    pub percentile: Option<f64>,
    pub value: f64,
    pub operator: &'a str,
}

pub fn parse_expression(input: &str) -> Result<Expression<'_>, String> {
    const OPERATORS: [&str; 7] = ["<=", "<", ">=", ">", "===", "==", "!="];
    let Some((left, right, operator)) = OPERATORS.iter().find_map(|op| {
        let (l, r) = input.split_once(op)?;
        (!r.is_empty()).then_some((l, r, *op))
    }) else {
        return Err(format!(
            "failed parsing threshold expression {input:?}; reason: malformed threshold expression"
        ));
    };
    let (left, right) = (left.trim(), right.trim());
    let (method, percentile) = match left {
        "value" | "count" | "rate" | "avg" | "min" | "med" | "max" => (left, None),
        "p" => ("p", Some(0.0)),
        _ => {
            let Some(inner) = left.strip_prefix("p(").and_then(|l| l.strip_suffix(')')) else {
                return Err(format!(
                    "failed parsing threshold expression's {input:?} left hand side; reason: failed parsing method from expression"
                ));
            };
            match go_float(inner) {
                Some(p) if (0.0..=100.0).contains(&p) => ("p", Some(p)),
                Some(_) => {
                    return Err(format!(
                        "failed parsing threshold expression's {input:?} left hand side; reason: malformed percentile value, provide a number between 0 and 100"
                    ));
                }
                None => {
                    return Err(format!(
                        "failed parsing threshold expression's {input:?} left hand side; reason: malformed percentile value; reason: strconv.ParseFloat: parsing {inner:?}: invalid syntax"
                    ));
                }
            }
        }
    };
    let Some(value) = go_float(right) else {
        return Err(format!(
            "failed parsing threshold expresion's {input:?} right hand side; reason: strconv.ParseFloat: parsing {right:?}: invalid syntax"
        ));
    };
    Ok(Expression {
        method,
        percentile,
        value,
        operator,
    })
}

/// A number as Go's `strconv.ParseFloat` reads one (`1e3`, `.5`, `-5`, `Inf`; no units).
fn go_float(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let ok = matches!(
        body.to_ascii_lowercase().as_str(),
        "inf" | "infinity" | "nan"
    ) || (!body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'))
        && body
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.'));
    if !ok {
        return None;
    }
    s.replace('_', "")
        .parse::<f64>()
        .ok()
        .or_else(|| match body.to_ascii_lowercase().as_str() {
            "inf" | "infinity" => Some(if s.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }),
            "nan" => Some(f64::NAN),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_as_k6_reads_them() {
        fn ok(s: &str) -> (&str, Option<f64>, f64) {
            parse_expression(s)
                .map(|e| (e.method, e.percentile, e.value))
                .unwrap()
        }
        assert_eq!(ok("p(99)<500"), ("p", Some(99.0), 500.0));
        assert_eq!(ok(" p(95)  <  200 "), ("p", Some(95.0), 200.0));
        assert_eq!(ok("rate<0.01"), ("rate", None, 0.01));
        assert_eq!(ok("count>=1e3"), ("count", None, 1000.0));
        assert_eq!(ok("avg==.5"), ("avg", None, 0.5));
        for (bad, why) in [
            ("avg=200", "malformed threshold expression"),
            ("avg<", "malformed threshold expression"),
            ("avg=>200", "failed parsing method from expression"),
            ("200>avg", "failed parsing method from expression"),
            ("avg<<5", "right hand side"),
            ("p(95)<200ms", "right hand side"),
            ("p( 95 )<1", "malformed percentile value; reason"),
            ("p(101)<1", "between 0 and 100"),
            ("mean<1", "failed parsing method"),
        ] {
            let e = parse_expression(bad).unwrap_err();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_expression_parses_or_fails(e in "[a-zé()<>=!. 0-9+eE_-]{0,24}") {
            let _ = parse_expression(&e);
            let _ = metric_name(&e);
        }
    }
}

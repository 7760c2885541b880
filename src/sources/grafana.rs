//! Grafana dashboards: a JSON (or YAML) document with `schemaVersion` and `panels` (or the
//! old `rows`), alone or under `dashboard` (the HTTP API's and the grafana-operator's shape),
//! and the same embedded as a JSON string in a ConfigMap (`sources::embedded`). A dashboard
//! becomes a `Format::Prometheus` object of kind [`DASHBOARD`] whose nodes keep their places,
//! so its panels' PromQL goes through the PromQL rules at the position inside the string.
//!
//! Panel queries hold Grafana's template variables (`$namespace`, `${pod}`, `[[job]]`,
//! `[$__rate_interval]`), which are not PromQL: [`substitute`] replaces each by a value
//! PromQL reads in that place (a duration inside brackets and after `offset`, a label name in
//! a grouping list, a metric name before `{` or `[`, else a number) and keeps where each came
//! from, so a position in the substituted text maps back to the query as written.

use crate::model::{FileId, Format, Node, Object, Value};

/// The kind of a dashboard's object.
pub const DASHBOARD: &str = "GrafanaDashboard";

/// Whether `root` is a dashboard: `schemaVersion` with `panels` or `rows`.
pub fn is_dashboard(root: &Node) -> bool {
    let board = |n: &Node| {
        n.get("schemaVersion").is_some()
            && (n.get("panels").and_then(Node::as_seq).is_some()
                || n.get("rows").and_then(Node::as_seq).is_some())
    };
    board(root) || root.get("dashboard").is_some_and(board)
}

/// The dashboard object of a document `root` (see [`is_dashboard`]).
pub fn dashboard(file: FileId, root: Node) -> Option<Object> {
    if !is_dashboard(&root) {
        return None;
    }
    let board = match root.value {
        Value::Map(entries)
            if !entries
                .iter()
                .any(|e| e.key.text() == Some("schemaVersion")) =>
        {
            entries
                .into_iter()
                .find(|e| e.key.text() == Some("dashboard"))?
                .value
        }
        value => Node {
            span: root.span,
            value,
        },
    };
    Some(object(file, board))
}

/// A dashboard's object from its node (`board`, already placed in the file).
pub fn object(file: FileId, board: Node) -> Object {
    let anchor = board
        .entry("title")
        .or_else(|| board.entry("panels"))
        .or_else(|| board.entry("rows"))
        .map(|e| e.key.span);
    let name = board.get("title").and_then(Node::text).map(str::to_string);
    Object {
        file,
        format: Format::Prometheus,
        api_version: String::new(),
        kind: DASHBOARD.to_string(),
        name,
        namespace: String::new(),
        root: board,
        anchor,
    }
}

/// A panel of a dashboard (rows' and collapsed rows' panels included), in order.
pub fn panels(board: &Node) -> Vec<&Node> {
    fn walk<'a>(list: Option<&'a Node>, out: &mut Vec<&'a Node>, depth: usize) {
        // Rows hold panels, which hold no rows: a deeper nesting is not Grafana's.
        if depth > 4 {
            return;
        }
        for p in list.and_then(Node::as_seq).unwrap_or(&[]) {
            if p.as_map().is_none() {
                continue;
            }
            out.push(p);
            walk(p.get("panels"), out, depth + 1);
        }
    }
    let mut out = Vec::new();
    walk(board.get("panels"), &mut out, 0);
    for row in board.get("rows").and_then(Node::as_seq).unwrap_or(&[]) {
        walk(row.get("panels"), &mut out, 1);
    }
    out
}

/// Whether a datasource (a panel's or a target's) is one whose `expr` is not PromQL: a type
/// other than Prometheus, or a name or uid that says Loki.
fn not_prometheus(ds: Option<&Node>) -> bool {
    let Some(ds) = ds else { return false };
    let says_loki = |n: Option<&Node>| {
        n.and_then(Node::text)
            .is_some_and(|t| t.to_ascii_lowercase().contains("loki"))
    };
    if ds.as_map().is_some() {
        let other_type = ds
            .get("type")
            .and_then(Node::text)
            .is_some_and(|t| !t.is_empty() && t != "prometheus" && !t.starts_with('$'));
        return other_type || says_loki(ds.get("uid"));
    }
    says_loki(Some(ds))
}

/// A panel target's PromQL query.
#[derive(Clone, Copy, Debug)]
pub struct PanelQuery<'a> {
    pub expr: &'a Node,
    pub panel: &'a Node,
    pub target: &'a Node,
}

impl<'a> PanelQuery<'a> {
    pub fn title(&self) -> Option<&'a str> {
        self.panel.get("title").and_then(Node::text)
    }

    /// Whether the query draws a series over the dashboard's time range (a graph, not a
    /// stat, gauge or table of one instant), where its range should follow the step.
    pub fn over_time(&self) -> bool {
        let graph = self.panel.get("type").and_then(Node::text).is_none_or(|t| {
            matches!(
                t,
                "timeseries" | "graph" | "barchart" | "heatmap" | "state-timeline"
            )
        });
        let instant = self.target.get("instant").and_then(Node::as_bool) == Some(true)
            || self.target.get("format").and_then(Node::text) == Some("table");
        graph && !instant
    }
}

/// Each PromQL query of a dashboard: a panel target's `expr` (not a Loki or other
/// datasource's).
pub fn queries(board: &Node) -> Vec<PanelQuery<'_>> {
    panels(board)
        .into_iter()
        .flat_map(queries_of_panel)
        .collect()
}

/// The PromQL queries of one panel (see [`queries`]).
pub fn queries_of_panel(panel: &Node) -> Vec<PanelQuery<'_>> {
    let panel_ds = panel.get("datasource");
    panel
        .get("targets")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter(|t| !not_prometheus(t.get("datasource").filter(|d| !d.is_null()).or(panel_ds)))
        .filter_map(|target| {
            let expr = target.get("expr")?;
            (!expr.is_null() && expr.text().is_some_and(|t| !t.trim().is_empty())).then_some(
                PanelQuery {
                    expr,
                    panel,
                    target,
                },
            )
        })
        .collect()
}

/// A query with its template variables replaced, and where each replacement came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Substituted {
    pub text: String,
    pieces: Vec<Piece>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    new_start: usize,
    new_end: usize,
    old_start: usize,
    old_end: usize,
}

impl Substituted {
    /// Whether any variable was replaced.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The query's bytes that `start..end` of [`Substituted::text`] came from; a range in a
    /// replacement covers the variable.
    pub fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.back(start, false);
        (s, self.back(end, true).max(s))
    }

    /// Whether `start..end` of the text touches a replacement.
    pub fn touches(&self, start: usize, end: usize) -> bool {
        self.pieces
            .iter()
            .any(|p| start <= p.new_end && end >= p.new_start)
    }

    fn back(&self, at: usize, is_end: bool) -> usize {
        let mut delta: isize = 0;
        for p in &self.pieces {
            let inside = if is_end {
                at > p.new_start && at <= p.new_end
            } else {
                at >= p.new_start && at < p.new_end
            };
            if inside {
                return if is_end { p.old_end } else { p.old_start };
            }
            if at < p.new_end {
                break;
            }
            delta = p.old_end as isize - p.new_end as isize;
        }
        at.saturating_add_signed(delta)
    }
}

/// What a variable becomes where its place does not say (a function argument, an operand):
/// a number, or a metric name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    Number,
    Name,
}

/// `query` with each template variable outside string literals replaced (see the module).
pub fn substitute(query: &str, operand: Operand) -> Substituted {
    let mut text = String::with_capacity(query.len());
    let mut pieces = Vec::new();
    let mut copied = 0;
    // Per open parenthesis: whether it holds a list of label names (`by (…)`).
    let mut parens: Vec<bool> = Vec::new();
    let mut brackets = 0usize;
    for (i, c) in code_bytes(query) {
        // Inside a variable already replaced.
        if i < copied {
            continue;
        }
        if let Some((len, name)) = variable_at(query, i) {
            let before = last_word(&query[..i]);
            let after = query[i + len..].trim_start().bytes().next();
            let value = if brackets > 0 || before == "offset" {
                "5m"
            } else if parens.last() == Some(&true) {
                "grafana_label"
            } else if matches!(after, Some(b'{' | b'['))
                || (operand == Operand::Name && !name.ends_with("_s") && !name.ends_with("_ms"))
            {
                "grafana_metric"
            } else {
                "1"
            };
            text.push_str(&query[copied..i]);
            let new_start = text.len();
            text.push_str(value);
            pieces.push(Piece {
                new_start,
                new_end: text.len(),
                old_start: i,
                old_end: i + len,
            });
            copied = i + len;
            continue;
        }
        match c {
            b'(' => parens.push(matches!(
                last_word(&query[..i]),
                "by" | "without" | "on" | "ignoring" | "group_left" | "group_right"
            )),
            b')' => {
                parens.pop();
            }
            b'[' => brackets += 1,
            b']' => brackets = brackets.saturating_sub(1),
            _ => {}
        }
    }
    text.push_str(query.get(copied..).unwrap_or(""));
    Substituted { text, pieces }
}

/// The bytes of a PromQL query outside its string literals (`"…"`, `'…'`, `` `…` ``, escapes
/// followed), with their offsets: where variables and range selectors are looked for.
pub fn code_bytes(query: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    let b = query.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    std::iter::from_fn(move || {
        loop {
            let c = *b.get(i)?;
            let at = i;
            i += 1;
            match quote {
                Some(q) => {
                    if c == b'\\' && q != b'`' {
                        i += 1;
                    } else if c == q {
                        quote = None;
                    }
                }
                None if matches!(c, b'"' | b'\'' | b'`') => quote = Some(c),
                None => return Some((at, c)),
            }
        }
    })
}

/// A template variable at byte `i`: `$name`, `${name}`, `${name:format}`, `[[name]]`,
/// `[[name:format]]`; its length and name.
fn variable_at(query: &str, i: usize) -> Option<(usize, &str)> {
    let rest = query.get(i..)?;
    let word = |s: &str| {
        s.find(|c: char| !(c == '_' || c.is_ascii_alphanumeric()))
            .unwrap_or(s.len())
    };
    if let Some(inner) = rest.strip_prefix("${") {
        let close = inner.find('}')?;
        let name = inner[..close].split(':').next().unwrap_or("");
        return (!name.is_empty() && word(name) == name.len()).then_some((close + 3, name));
    }
    if let Some(inner) = rest.strip_prefix('$') {
        let n = word(inner);
        return (n > 0).then(|| (n + 1, &inner[..n]));
    }
    if let Some(inner) = rest.strip_prefix("[[") {
        let close = inner.find("]]")?;
        let name = inner[..close].split(':').next().unwrap_or("");
        return (!name.is_empty() && word(name) == name.len()).then_some((close + 4, name));
    }
    None
}

/// The identifier just before `text`'s end, spaces skipped (a function's name before its `(`).
pub fn last_word(text: &str) -> &str {
    let t = text.trim_end();
    let start = t
        .char_indices()
        .rev()
        .find(|(_, c)| !(*c == '_' || c.is_ascii_alphanumeric()))
        .map_or(0, |(i, c)| i + c.len_utf8());
    t.get(start..).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(q: &str) -> String {
        substitute(q, Operand::Number).text
    }

    #[test]
    fn variables_become_what_promql_reads_there() {
        assert_eq!(
            sub(
                "sum by (pod) (rate(x{namespace=\"$namespace\", pod=~\"${pod:regex}\"}[$__rate_interval]))"
            ),
            "sum by (pod) (rate(x{namespace=\"$namespace\", pod=~\"${pod:regex}\"}[5m]))"
        );
        assert_eq!(
            sub("histogram_quantile($quantile, x)"),
            "histogram_quantile(1, x)"
        );
        assert_eq!(sub("sum by ($label) (x)"), "sum by (grafana_label) (x)");
        assert_eq!(
            sub("$metric{a=\"b\"} offset $__range"),
            "grafana_metric{a=\"b\"} offset 5m"
        );
        assert_eq!(sub("rate(x[[[__interval]]])"), "rate(x[5m])");
        assert_eq!(sub("x[$__range:$__interval]"), "x[5m:5m]");
        assert_eq!(
            substitute("sum($m)", Operand::Name).text,
            "sum(grafana_metric)"
        );
        assert_eq!(
            sub("label_replace(x, \"a\", \"$1\", \"b\", \"(.*)\")"),
            "label_replace(x, \"a\", \"$1\", \"b\", \"(.*)\")"
        );
    }

    #[test]
    fn positions_map_back_to_the_query() {
        let q = "rate(x[$__rate_interval]) / $d )";
        let s = substitute(q, Operand::Number);
        assert_eq!(s.text, "rate(x[5m]) / 1 )");
        // After the first replacement: shifted by its change in length.
        let close = s.text.rfind(')').unwrap();
        assert_eq!(s.original(close, close + 1), (q.len() - 1, q.len()));
        // Inside a replacement: the whole variable.
        let (a, b) = s.original(7, 8);
        assert_eq!(&q[a..b], "$__rate_interval");
        let one = s.text.find('1').unwrap();
        let (a, b) = s.original(one, one + 1);
        assert_eq!(&q[a..b], "$d");
        assert!(s.touches(one, one + 1) && !s.touches(0, 4));
    }

    #[test]
    fn dashboards_and_their_queries() {
        let root = crate::sources::yaml::parse(
            r#"{"schemaVersion": 39, "title": "Scaling", "panels": [
              {"type": "row", "panels": [{"title": "Pods", "targets": [{"expr": "sum(kube_pod_info)"}]}]},
              {"title": "Logs", "datasource": {"type": "loki"}, "targets": [{"expr": "{app=\"x\"}"}]},
              {"title": "CPU", "datasource": "$datasource", "targets": [{"expr": "rate(x[5m])"}, {"expr": ""}]}
            ]}"#,
            crate::sources::yaml::Limits::default(),
        )
        .documents
        .remove(0)
        .root;
        assert!(is_dashboard(&root));
        let obj = dashboard(0, root).unwrap();
        assert_eq!(obj.name.as_deref(), Some("Scaling"));
        let q: Vec<_> = queries(&obj.root)
            .into_iter()
            .map(|q| (q.expr.text().unwrap().to_string(), q.title()))
            .collect();
        assert_eq!(
            q,
            [
                ("sum(kube_pod_info)".to_string(), Some("Pods")),
                ("rate(x[5m])".to_string(), Some("CPU"))
            ]
        );
    }

    proptest::proptest! {
        /// Any query substitutes, and every range of the result maps back inside the query.
        #[test]
        fn any_query_maps_back_inside(q in "[$a-zé_{}:\\[\\]() \"'`,]{0,60}", a in 0usize..80, b in 0usize..80) {
            for operand in [Operand::Number, Operand::Name] {
                let s = substitute(&q, operand);
                let (start, end) = (a.min(b).min(s.text.len()), a.max(b).min(s.text.len()));
                let (x, y) = s.original(start, end);
                proptest::prop_assert!(x <= y && y <= q.len(), "{q:?} {start}..{end} -> {x}..{y}");
            }
        }
    }
}

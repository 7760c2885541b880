//! `template-skipped`: Helm/Go template syntax; the file is not YAML until rendered.

use crate::model::{FileId, Finding, Level, Node, Resolved, Span, Value};
use crate::sources::yaml::{ParsedYaml, Problem};

pub const NAME: &str = "template-skipped";

pub fn finding(file: FileId, at: Span) -> Finding {
    Finding::new(
        NAME,
        Level::Info,
        file,
        at,
        "file contains Go template syntax (`{{ … }}`) and was not linted",
    )
    .with_label("template starts here")
    .with_help("lint the rendered output instead, with the chart beside it for findings at its lines: `helm template RELEASE CHART | scalelint check - --chart CHART`")
}

/// A template of a chart in the tree that was not evaluated without helm: at the action
/// concerned, with the reason.
pub fn not_analysed(file: FileId, at: Span, reason: &str) -> Finding {
    Finding::new(
        NAME,
        Level::Info,
        file,
        at,
        format!("template not analysed without helm: {reason}"),
    )
    .with_label("not evaluated here")
    .with_help("install helm to lint what this template renders (scalelint runs `helm template` when it is on PATH), or lint the rendered output: `helm template RELEASE CHART | scalelint check - --chart CHART`")
}

/// Where a file uses Go template syntax as YAML structure: a `{{` that is neither inside a
/// string scalar nor in a comment. Templates inside strings (Prometheus' `{{ $labels.pod }}`
/// annotations, Alertmanager block scalars) are ordinary YAML and do not count. When the YAML
/// did not parse, any `{{` outside a comment explains the failure.
pub fn detect(text: &str, parsed: &ParsedYaml) -> Option<Span> {
    if !text.contains("{{") {
        return None;
    }
    let failed = parsed
        .problems
        .iter()
        .any(|p| matches!(p, Problem::Syntax { .. }));
    let mut strings = Vec::new();
    if !failed {
        for d in &parsed.documents {
            collect_string_spans(&d.root, &mut strings);
        }
        strings.sort_unstable();
    }
    let inside = |at: usize| {
        let i = strings.partition_point(|s: &Span| s.start <= at);
        i > 0 && strings.get(i - 1).is_some_and(|s| at < s.end)
    };
    let mut from = 0;
    while let Some(rel) = text.get(from..).and_then(|t| t.find("{{")) {
        let at = from + rel;
        from = at + 2;
        if in_comment(text, at) || (!failed && inside(at)) {
            continue;
        }
        return Some(Span::new(at, at + 2));
    }
    None
}

fn collect_string_spans(node: &Node, out: &mut Vec<Span>) {
    match &node.value {
        Value::Scalar(s) if s.resolved() == Resolved::Str => out.push(node.span),
        Value::Scalar(_) => {}
        Value::Seq(items) => items.iter().for_each(|n| collect_string_spans(n, out)),
        Value::Map(entries) => entries.iter().for_each(|e| {
            collect_string_spans(&e.key, out);
            collect_string_spans(&e.value, out);
        }),
    }
}

/// Whether `at` follows a `#` that starts a comment on its line (outside quotes, roughly).
fn in_comment(text: &str, at: usize) -> bool {
    let line_start = text
        .get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line = text.get(line_start..at).unwrap_or("");
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for c in line.chars() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && (prev == ' ' || prev == '\t') => return true,
            _ => {}
        }
        prev = c;
    }
    line.trim_start().starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::detect;
    use crate::sources::yaml::{Limits, parse};

    fn d(text: &str) -> Option<usize> {
        detect(text, &parse(text, Limits::default())).map(|s| s.start)
    }

    #[test]
    fn helm_is_detected_strings_and_comments_are_not() {
        assert_eq!(d("{{- if .Values.x }}\na: 1\n"), Some(0));
        assert_eq!(d("spec:\n  replicas: {{ .Values.replicas }}\n"), Some(18));
        assert!(d("items:\n  - {{ include \"x\" . }}\n").is_some());
        assert!(d("summary: \"{{ $labels.pod }} is down\"\n").is_none());
        assert!(d("summary: pod {{ $labels.pod }} is down\n").is_none());
        assert!(d("text: |\n  {{ range .Alerts }}\n  x\n  {{ end }}\n").is_none());
        assert!(d("# {{ not a template }}\na: 1\n").is_none());
        assert!(d("a: 1 # {{ note }}\n").is_none());
    }
}

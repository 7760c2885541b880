//! `template-skipped`: Helm/Go template syntax; the file is not YAML until rendered.

use super::SourceRule;
use crate::engine::rule::Rule;
use crate::model::{FileId, Finding, Level, Span};

pub const NAME: &str = "template-skipped";

pub fn build(_: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    Ok(Box::new(SourceRule(NAME)))
}

pub fn finding(file: FileId, at: Span) -> Finding {
    Finding::new(
        NAME,
        Level::Info,
        file,
        at,
        "file contains Go template syntax (`{{ … }}`) and was not linted",
    )
    .with_label("template starts here")
    .with_help("lint the rendered output instead: `helm template RELEASE CHART | scalelint check - --stdin-filename chart.yaml`")
}

/// Where a file uses template syntax in a place YAML structure would be: a line or a value
/// starting with `{{`. Templates inside strings (Prometheus' `{{ $labels.pod }}`
/// annotations) are ordinary YAML and do not count.
pub fn detect(text: &str) -> Option<Span> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(col) = template_start(line) {
            return Some(Span::new(offset + col, offset + col + 2));
        }
        offset += line.len();
    }
    None
}

fn template_start(line: &str) -> Option<usize> {
    let first = line.find("{{")?;
    let indent = line.len() - line.trim_start().len();
    let mut rest = &line[indent..];
    let mut pos = indent;
    // Skip sequence dashes: `- {{ ... }}`.
    while let Some(r) = rest.strip_prefix("- ") {
        let trimmed = r.trim_start();
        pos += rest.len() - trimmed.len();
        rest = trimmed;
    }
    if rest.starts_with("{{") {
        return Some(pos);
    }
    if rest.starts_with('#') {
        return None;
    }
    // `key: {{ ... }}` — an unquoted value that opens with a template.
    if let Some(colon) = rest.find(": ") {
        let key = &rest[..colon];
        if !key.contains(['"', '\'', '{']) {
            let value = &rest[colon + 1..];
            let trimmed = value.trim_start();
            if trimmed.starts_with("{{") {
                return Some(pos + colon + 1 + (value.len() - trimmed.len()));
            }
        }
    }
    let _ = first;
    None
}

#[cfg(test)]
mod tests {
    use super::detect;

    #[test]
    fn helm_is_detected_prometheus_strings_are_not() {
        assert!(detect("{{- if .Values.x }}\na: 1\n").is_some());
        assert!(detect("spec:\n  replicas: {{ .Values.replicas }}\n").is_some());
        assert!(detect("items:\n  - {{ include \"x\" . }}\n").is_some());
        assert_eq!(detect("a: 1\n  {{ end }}").map(|s| s.start), Some(7));
        assert!(detect("summary: \"{{ $labels.pod }} is down\"\n").is_none());
        assert!(detect("summary: pod {{ $labels.pod }} is down\n").is_none());
        assert!(detect("# {{ not a template }}\n").is_none());
    }
}

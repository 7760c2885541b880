//! scalelint against the real `promtool check rules` (Debian's `prometheus` package, 2.42;
//! `.ci/run` installs it and sets `SCALELINT_PROMTOOL`). For every rule file and
//! PrometheusRule of the fixtures, of `tests/corpus/prometheus`, of the cases below (each a
//! way promtool refuses a file, or a near miss it accepts) and, opt-in, of
//! `../shared/corpus/prometheus`:
//! - a file promtool refuses gets at least one scalelint error from the rules that check what
//!   Prometheus loads (`prometheus-rule-invalid`, `promql-syntax`, `parse-error`), in the
//!   place promtool names: the line it gives, or the rule (`group "g", rule N`) it names;
//! - a file promtool accepts gets none of them;
//! - a file promtool lints for duplicate rules gets a `prometheus-rule-duplicate`, and only then.
//!
//! A PrometheusRule is checked by giving promtool its `spec` (written as JSON, which YAML
//! reads), so only the verdict is compared for it. Files using what only newer Prometheus
//! releases know (group `labels`, `query_offset`) are not among the cases: Debian's 2.42
//! refuses them and scalelint, which accepts them, is right for Prometheus 3.

use crate::common::{CORPUS, files_with, lint_files, shared_corpus};
use scalelint::model::{Format, Node, Object};
use scalelint::sources::classify::Kind;
use scalelint::sources::load;
use scalelint::sources::prometheus::{PROMETHEUS_RULE, RULE_FILE};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a rule file may be named.
const YAML: &[&str] = &["yaml", "yml"];

const LOADS: &[&str] = &["prometheus-rule-invalid", "promql-syntax", "parse-error"];

/// Ways promtool 2.42 refuses a rule file (each checked against it here), and files it
/// accepts that look close to them.
const CASES: &[(&str, &str)] = &[
    (
        "both",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    record: r\n    expr: up\n",
    ),
    ("neither", "groups:\n- name: g\n  rules:\n  - expr: up\n"),
    ("no-expr", "groups:\n- name: g\n  rules:\n  - alert: A\n"),
    (
        "expr-map",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: {a: b}\n",
    ),
    (
        "recording-fields",
        "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n    for: 5m\n    keep_firing_for: 1m\n    annotations:\n      a: b\n",
    ),
    (
        "record-name",
        "groups:\n- name: g\n  rules:\n  - record: r-x\n    expr: up\n",
    ),
    (
        "labels",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    labels:\n      __name__: x\n      \"a-b\": y\n    annotations:\n      \"c d\": z\n",
    ),
    (
        "label-map",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    labels:\n      a: {b: c}\n",
    ),
    (
        "repeated-group",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n- name: g\n  rules:\n  - alert: B\n    expr: up\n",
    ),
    (
        "no-group-name",
        "groups:\n- rules:\n  - alert: A\n    expr: up\n",
    ),
    ("empty-group-name", "groups:\n- name: \"\"\n  rules: []\n"),
    (
        "unknown-fields",
        "groups:\n- name: g\n  foo: 1\n  rules:\n  - alert: A\n    expr: up\n    bar: 2\n",
    ),
    (
        "unknown-top",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\nfoo: 1\n",
    ),
    (
        "durations",
        "groups:\n- name: g\n  interval: 5x\n  rules:\n  - alert: A\n    expr: up\n    for: 5 m\n",
    ),
    (
        "empty-duration",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    for: \"\"\n",
    ),
    (
        "number-duration",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    for: 300\n",
    ),
    (
        "limit",
        "groups:\n- name: g\n  limit: x\n  rules:\n  - alert: A\n    expr: up\n",
    ),
    ("scalar-rule", "groups:\n- name: g\n  rules:\n  - up\n"),
    ("rules-map", "groups:\n- name: g\n  rules: {a: b}\n"),
    (
        "templates",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      a: \"{{ $value \"\n      b: \"{{ if .Labels }}x\"\n      c: \"{{ foo }}\"\n      d: \"{{ humanize $value }} {{ end }}\"\n",
    ),
    (
        "template-variable",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    labels:\n      a: \"{{ if true }}{{ $y := 2 }}{{ end }}{{ $y }}\"\n",
    ),
    (
        "template-comment",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      h: \"{{ /* y */ }}\"\n",
    ),
    (
        "template-break",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      f: \"{{ break }}\"\n",
    ),
    (
        "promql",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: sum(rate(x[5m]) by (job)\n",
    ),
    // Accepted.
    (
        "duplicates",
        "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n- name: h\n  rules:\n  - record: r\n    expr: sum(up)\n  - alert: A\n    expr: up\n    labels: {s: a}\n  - alert: A\n    expr: up > 1\n    labels: {s: a}\n",
    ),
    (
        "not-duplicates",
        "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n    labels: {a: b}\n  - record: r\n    expr: sum(up)\n",
    ),
    (
        "null-fields",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    for:\n    labels:\n      a:\n",
    ),
    ("null-rules", "groups:\n- name: g\n  rules:\n"),
    (
        "numbers-as-names",
        "groups:\n- name: 1\n  rules:\n  - alert: 2\n    expr: 1\n",
    ),
    (
        "empty-alert",
        "groups:\n- name: g\n  rules:\n  - alert: \"\"\n    record: r\n    expr: up\n",
    ),
    (
        "durations-ok",
        "groups:\n- name: g\n  interval: 0\n  limit: 10\n  rules:\n  - alert: A\n    expr: up\n    for: 1h30m\n    keep_firing_for: 90s\n",
    ),
    (
        "recording-zero-for",
        "groups:\n- name: g\n  rules:\n  - record: r:x\n    expr: up\n    for: 0s\n",
    ),
    (
        "templates-ok",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      a: \"{{- /* c }} */ -}} {{ printf \\\"%s}}\\\" $labels.x }} {{ range $i, $v := query \\\"up\\\" }}{{ . | value }}{{ else }}{{ end }} {{ with $value }}{{ . }}{{ end }}\"\n      b: \"{{ if gt $value 0.5 }}high{{ else if gt $value 0.2 }}mid{{ else }}low{{ end }}\"\n      c: \"{{ $externalURL }} {{ $externalLabels.cluster }} {{ humanizeDuration 3600 }}\"\n",
    ),
    (
        "recording-labels-no-templates",
        "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n    labels:\n      a: \"{{ $nope\"\n",
    ),
];

/// What promtool said of one rule file: whether it loads, and each error line.
struct Verdict {
    accepted: bool,
    errors: Vec<String>,
}

fn promtool(bin: &Path, file: &Path) -> Verdict {
    let out = Command::new(bin)
        .args(["check", "rules"])
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    Verdict {
        accepted: out.status.success(),
        errors: text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("Checking") && *l != "FAILED:")
            .map(str::to_string)
            .collect(),
    }
}

/// The rule file of a Prometheus object as promtool reads it, and whether its lines are the
/// file's (a plain rule file) or not (a PrometheusRule's spec, rewritten).
fn rule_file_of(path: &Path, obj: &Object, dir: &Path, n: usize) -> (PathBuf, bool) {
    if obj.kind == RULE_FILE {
        return (path.to_path_buf(), true);
    }
    let spec = dir.join(format!("spec-{n}.json"));
    let mut json = obj.root.to_json();
    // The operator keeps Thanos' `partial_response_strategy` out of the rule file it writes.
    if let Some(groups) = json.get_mut("groups").and_then(|g| g.as_array_mut()) {
        for g in groups.iter_mut().filter_map(|g| g.as_object_mut()) {
            g.remove("partial_response_strategy");
        }
    }
    std::fs::write(&spec, json.to_string()).unwrap();
    (spec, false)
}

/// The `n`th (1-based) rule of the group named `group` in a rule file's root.
fn rule_node<'a>(root: &'a Node, group: &str, n: usize) -> Option<&'a Node> {
    root.get("groups")?
        .as_seq()?
        .iter()
        .filter(|g| g.get("name").and_then(Node::text) == Some(group))
        .find_map(|g| g.get("rules")?.as_seq()?.get(n.checked_sub(1)?))
}

/// Compares promtool and scalelint on every rule file and PrometheusRule of `paths`;
/// returns how many were refused and accepted.
fn compare(bin: &Path, paths: &[PathBuf]) -> (usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let located = regex::Regex::new(r"^\S+: (\d+):(\d+): ").unwrap();
    let line_of = regex::Regex::new(r"^line (\d+): ").unwrap();
    let rule_of = regex::Regex::new(r#"group "([^"]*)", rule (\d+), "#).unwrap();
    let (mut refused, mut accepted) = (0, 0);
    for (n, path) in paths.iter().enumerate() {
        // Fixtures hold files that cannot be read as text on purpose (dangling links, bytes).
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let loaded = load(0, path.display().to_string(), text, Kind::Yaml);
        let objects: Vec<&Object> = loaded
            .objects
            .iter()
            .filter(|o| o.format == Format::Prometheus)
            .filter(|o| o.kind == RULE_FILE || o.kind == PROMETHEUS_RULE)
            .collect();
        if objects.is_empty() {
            continue;
        }
        let report = lint_files([path]);
        let errors: Vec<_> = report
            .findings
            .iter()
            .filter(|f| LOADS.contains(&&*f.rule) && f.level == scalelint::model::Level::Error)
            .collect();
        for (k, obj) in objects.iter().enumerate() {
            let (file, same_lines) = rule_file_of(path, obj, dir.path(), n * 100 + k);
            let verdict = promtool(bin, &file);
            let ours: Vec<_> = errors
                .iter()
                .filter(|f| obj.root.span.contains(f.span) || (same_lines && objects.len() == 1))
                .collect();
            let shown = format!(
                "{} ({}): promtool said {:?}; scalelint said {:?}",
                path.display(),
                obj.kind,
                verdict.errors,
                ours.iter()
                    .map(|f| (&f.rule, &f.message))
                    .collect::<Vec<_>>()
            );
            // promtool's duplicate-rule lint (it still loads the file) is a warning here.
            let promtool_dup = verdict
                .errors
                .iter()
                .any(|e| e.contains("duplicate rule(s) found"));
            let our_dup = report
                .findings
                .iter()
                .any(|f| f.rule == "prometheus-rule-duplicate" && obj.root.span.contains(f.span));
            assert_eq!(promtool_dup, our_dup, "duplicate rules: {shown}");
            if verdict.accepted {
                accepted += 1;
                assert!(
                    ours.is_empty(),
                    "promtool accepts, scalelint refuses: {shown}"
                );
                continue;
            }
            refused += 1;
            assert!(
                !ours.is_empty(),
                "promtool refuses, scalelint does not: {shown}"
            );
            if !same_lines {
                continue;
            }
            let line =
                |f: &&&scalelint::model::Finding| report.files[f.file].line_col(f.span.start).line;
            // Each error promtool places, scalelint reports there too.
            for e in &verdict.errors {
                let at_line = located
                    .captures(e)
                    .or_else(|| line_of.captures(e))
                    .and_then(|c| c.get(1)?.as_str().parse::<usize>().ok())
                    .filter(|l| *l > 0);
                let in_rule = rule_of.captures(e).and_then(|c| {
                    rule_node(
                        &obj.root,
                        c.get(1)?.as_str(),
                        c.get(2)?.as_str().parse().ok()?,
                    )
                });
                let placed = match (in_rule, at_line) {
                    (Some(rule), _) => ours.iter().any(|f| rule.span.contains(f.span)),
                    (None, Some(l)) => ours.iter().any(|f| line(f) == l),
                    (None, None) => true,
                };
                assert!(placed, "not at the place promtool names ({e}): {shown}");
            }
        }
    }
    (refused, accepted)
}

fn promtool_bin() -> Option<PathBuf> {
    let bin = std::env::var("SCALELINT_PROMTOOL").unwrap_or_default();
    if bin.is_empty() {
        eprintln!(
            "skipped: the promtool comparison needs the real promtool (Debian's `prometheus` \
             package); .ci/run installs it and sets SCALELINT_PROMTOOL"
        );
        return None;
    }
    Some(PathBuf::from(bin))
}

#[test]
fn promtool_and_scalelint_refuse_the_same_rule_files() {
    let Some(bin) = promtool_bin() else { return };
    let cases = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, text) in CASES {
        let p = cases.path().join(format!("{name}.yaml"));
        std::fs::write(&p, text).unwrap();
        paths.push(p);
    }
    paths.extend(files_with(Path::new("fixtures"), YAML));
    paths.extend(files_with(&Path::new(CORPUS).join("prometheus"), YAML));
    let (refused, accepted) = compare(&bin, &paths);
    eprintln!("promtool refused {refused} and accepted {accepted} rule files; scalelint agreed");
    assert!(refused >= 25, "only {refused} refused files compared");
    assert!(accepted >= 20, "only {accepted} accepted files compared");
}

#[test]
fn promtool_and_scalelint_agree_on_the_shared_corpus_opt_in() {
    let Some(bin) = promtool_bin() else { return };
    let Some(shared) = shared_corpus("promtool against ../shared/corpus/prometheus") else {
        return;
    };
    let paths = files_with(&shared.join("prometheus"), YAML);
    let (refused, accepted) = compare(&bin, &paths);
    assert!(
        refused + accepted >= 10,
        "{refused} + {accepted} files compared"
    );
}

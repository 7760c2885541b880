//! Rendering a chart: by `helm template`, or here, statically, for templates in the subset
//! `gotemplate` evaluates.

use super::gotemplate::{self, Context, Defines, Val};
use super::{Chart, Scenario, Settings};
use crate::engine::kustomize::render::{find_program, run};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Kubernetes version static rendering assumes (`.Capabilities.KubeVersion`).
pub const KUBE_VERSION: &str = "v1.31.0";

/// A chart's render: Helm's output format (`---`, `# Source: chart/templates/x.yaml`, the
/// document), and the templates that could not be evaluated statically.
#[derive(Debug, Default)]
pub struct Rendered {
    pub text: String,
    pub skipped: Vec<Skipped>,
    /// Rendered here without the chart's dependencies (subcharts are not rendered
    /// statically): what is absent may be in them.
    pub without_dependencies: bool,
}

/// A template not evaluated: the file, the action concerned, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub template: PathBuf,
    pub span: crate::model::Span,
    pub reason: String,
}

/// The command that renders: the configured one when it is found, else `helm` on `PATH`.
pub fn command(settings: &Settings) -> Option<Vec<String>> {
    match &settings.command {
        Some(cmd) => {
            let program = cmd.first()?;
            find_program(program)?;
            Some(cmd.clone())
        }
        None => find_program("helm").map(|_| vec!["helm".to_string()]),
    }
}

/// `helm template RELEASE CHART --namespace NS --values … --set …`.
pub fn with_helm(
    cmd: &[String],
    chart: &Chart,
    scenario: &Scenario,
    settings: &Settings,
) -> Result<Rendered, String> {
    let (program, args) = cmd.split_first().ok_or("no helm command")?;
    let mut command = Command::new(program);
    command
        .args(args)
        .arg("template")
        .arg(&settings.release)
        .arg(&chart.dir)
        .arg("--namespace")
        .arg(&settings.namespace);
    for v in &scenario.values {
        command.arg("--values").arg(v);
    }
    for (k, v) in &settings.set {
        command.arg("--set").arg(format!("{k}={v}"));
    }
    let shown = format!("{} template {}", cmd.join(" "), chart.name);
    let (status, stdout, stderr) = run(
        command,
        &shown,
        settings.timeout,
        "the `helm: {timeout-seconds}` setting",
    )?;
    if !status.success() {
        let dir = chart.dir.display().to_string();
        let message = String::from_utf8_lossy(&stderr)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ")
            .replace(&format!("{dir}/"), "");
        return Err(if message.is_empty() {
            format!("`{shown}` failed ({status})")
        } else {
            message
        });
    }
    let text = String::from_utf8(stdout).map_err(|_| "helm wrote invalid UTF-8".to_string())?;
    Ok(Rendered {
        text,
        skipped: Vec::new(),
        without_dependencies: false,
    })
}

/// Renders `chart`'s templates here, with `values` merged in order (the chart's own first)
/// and the `--set` pairs last. Files starting with `_` are helpers, as for Helm; `NOTES.txt`
/// is not a manifest. Subcharts are not rendered.
pub fn statically(chart: &Chart, values: &[PathBuf], settings: &Settings) -> Rendered {
    let mut merged = Val::Map(Default::default());
    for f in values {
        if let Some(v) = read_values(f) {
            merged.merge(v);
        }
    }
    for (k, v) in &settings.set {
        merged.merge(set_value(k, v));
    }
    let files = chart.template_files();
    let mut parsed = Vec::new();
    let mut out = Rendered {
        without_dependencies: chart.has_dependencies,
        ..Rendered::default()
    };
    let mut defines = Defines::default();
    for (i, f) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        match gotemplate::parse(&text) {
            Ok(t) => {
                // Every file is a named template too (`include (print $.Template.BasePath
                // "/configmap.yaml") . | sha256sum`).
                defines.add_file(i, &template_name(chart, f), &t);
                parsed.push((f, t, text));
            }
            Err(e) if is_manifest(f) => out.skipped.push(Skipped {
                template: f.clone(),
                span: action_span(&text, e.offset),
                reason: e.reason,
            }),
            Err(_) => {}
        }
    }
    let ctx = Context {
        values: merged,
        release_name: settings.release.clone(),
        release_namespace: settings.namespace.clone(),
        chart_name: chart.name.clone(),
        chart_version: chart.version.clone(),
        app_version: chart.app_version.clone(),
        kube_version: KUBE_VERSION.to_string(),
    };
    for (file, tpl, text) in parsed {
        if !is_manifest(file) {
            continue;
        }
        let name = template_name(chart, file);
        match gotemplate::render(&tpl, &defines, &ctx, &name) {
            // As helm prints it: each document of the template with its own header.
            Ok(rendered) => {
                for doc in split_documents(&rendered) {
                    out.text
                        .push_str(&format!("---\n# Source: {name}\n{doc}\n"));
                }
            }
            Err(e) => out.skipped.push(Skipped {
                template: file.clone(),
                span: action_span(&text, e.offset),
                reason: e.reason,
            }),
        }
    }
    out
}

/// The template action starting at `offset` of `text`, up to its `}}` on that line (its
/// `{{` alone when it is not closed).
fn action_span(text: &str, offset: usize) -> crate::model::Span {
    let rest = text.get(offset..).unwrap_or("");
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let end = rest.find("}}").map_or(2, |i| (i + 2).min(line_end.max(2)));
    crate::model::Span::new(offset, offset + end)
}

/// A template's name as Helm gives it: `chart/templates/x.yaml`.
fn template_name(chart: &Chart, file: &Path) -> String {
    let rel = file
        .strip_prefix(&chart.dir)
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    format!("{}/{rel}", chart.name)
}

/// The documents of a template's output, trimmed, without the empty ones.
fn split_documents(text: &str) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" || line.starts_with("--- ") {
            docs.push(text.get(start..offset).unwrap_or(""));
            start = offset + line.len();
        }
        offset += line.len();
    }
    docs.push(text.get(start..).unwrap_or(""));
    // Leading blank lines go (an `{{- if }}` line leaves one), indentation stays.
    docs.into_iter()
        .filter(|d| !d.trim().is_empty())
        .map(|d| {
            let first = d
                .split_inclusive('\n')
                .take_while(|l| l.trim().is_empty())
                .map(str::len)
                .sum::<usize>();
            d.get(first..).unwrap_or(d).trim_end()
        })
        .collect()
}

/// A template Helm renders into the manifest (not a helper, not the notes).
fn is_manifest(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    !name.starts_with('_')
        && name != "NOTES.txt"
        && (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".tpl"))
}

fn read_values(path: &Path) -> Option<Val> {
    let text = std::fs::read_to_string(path).ok()?;
    let doc = crate::sources::yaml::parse(&text, crate::sources::yaml::Limits::default())
        .documents
        .into_iter()
        .next()?
        .root;
    Some(Val::from_node(&doc))
}

/// `--set a.b=v` as a values tree; the value typed as Helm's `--set` types it (numbers,
/// booleans, null, else a string).
fn set_value(key: &str, value: &str) -> Val {
    let leaf = match value {
        "true" => Val::Bool(true),
        "false" => Val::Bool(false),
        "null" => Val::Null,
        v => v
            .parse::<i64>()
            .map(Val::Int)
            .unwrap_or_else(|_| Val::Str(v.to_string())),
    };
    key.rsplit('.').fold(leaf, |inner, k| {
        let mut m = std::collections::BTreeMap::new();
        m.insert(k.to_string(), inner);
        Val::Map(m)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_split_and_trimmed_as_helm_prints_them() {
        assert_eq!(
            split_documents("\n\napiVersion: v1\nkind: A\n---\n\n---\n  x: 1\nkind: B\n\n"),
            ["apiVersion: v1\nkind: A", "  x: 1\nkind: B"]
        );
        assert!(split_documents("\n  \n").is_empty());
    }

    #[test]
    fn a_chart_renders_here_with_its_files_as_named_templates() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("templates");
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(
            dir.path().join("Chart.yaml"),
            "apiVersion: v2\nname: web\nversion: 1.0.0\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("values.yaml"),
            "replicaCount: 1\nautoscaling:\n  enabled: false\n",
        )
        .unwrap();
        std::fs::write(
            t.join("configmap.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
        )
        .unwrap();
        std::fs::write(
            t.join("deployment.yaml"),
            "{{- if not .Values.autoscaling.enabled }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  annotations:\n    checksum: {{ include (print $.Template.BasePath \"/configmap.yaml\") . | sha256sum | trunc 8 }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n{{- end }}\n---\n{{- if .Values.autoscaling.enabled }}\nkind: HorizontalPodAutoscaler\n{{- end }}\n",
        )
        .unwrap();
        std::fs::write(
            t.join("lookup.yaml"),
            "a: {{ lookup \"v1\" \"Secret\" \"ns\" \"x\" }}\n",
        )
        .unwrap();
        std::fs::write(t.join("NOTES.txt"), "{{ .Release.Name }} installed\n").unwrap();
        let chart = Chart::read(dir.path()).unwrap();
        let settings = Settings {
            set: vec![("replicaCount".into(), "3".into())],
            ..Settings::default()
        };
        let out = statically(&chart, &[dir.path().join("values.yaml")], &settings);
        assert!(out.text.contains("---\n# Source: web/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\n"), "{}", out.text);
        assert!(out.text.contains("  replicas: 3\n"), "{}", out.text);
        assert!(out.text.contains("    checksum: "), "{}", out.text);
        // The false `if` leaves an empty document: no header for it.
        assert_eq!(
            out.text
                .matches("# Source: web/templates/deployment.yaml")
                .count(),
            1
        );
        assert!(!out.text.contains("installed"));
        assert_eq!(out.skipped.len(), 1);
        assert!(out.skipped[0].template.ends_with("lookup.yaml"));
        assert!(
            out.skipped[0].reason.contains("lookup"),
            "{:?}",
            out.skipped
        );
    }
}

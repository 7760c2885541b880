//! Helm charts: what a chart renders, linted, and findings reported at the template and
//! values lines the user edits.
//!
//! Three ways in. Rendered input (`helm template … | scalelint check -`) whose documents
//! carry Helm's `# Source:` comments: each object knows its template, and when the chart is
//! on disk (`--chart DIR`, or the `# Source:` path under the current folder) findings move to
//! the template line and, for direct references to values, to the values line (`trace`).
//! Charts in the walked tree (`Chart.yaml`): rendered by `helm template` when helm is found,
//! once with the chart's values and once per `ci/*-values.yaml` (as chart-testing does), each
//! render its own scope. Without helm, the templates of the common chart shape are evaluated
//! here (`gotemplate`, `render::statically`); a template that uses what cannot be evaluated
//! without helm is `template-skipped`, with the reason. Template files are never linted as
//! YAML.

pub mod gotemplate;
pub mod render;
pub mod trace;

use super::Options;
use super::discover::shown_path;
use super::kustomize::Enabled;
use super::kustomize::tree::{InputPaths, normalize};
use super::read::{Input, Treat};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The `helm:` settings of `.scalelint.yaml` (and `--chart`, `--helm`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// auto: `helm template` when helm is found, else static analysis; always: helm is
    /// required (a `helm-error` per chart without it); never: charts are not rendered and
    /// their templates are `template-skipped`.
    pub enabled: Enabled,
    /// The program (and arguments before `template`) that renders; default `helm`.
    pub command: Option<Vec<String>>,
    pub release: String,
    pub namespace: String,
    /// Values files, relative to each chart's folder, applied after the chart's own
    /// `values.yaml` in every render (a chart without one renders without it).
    pub values: Vec<String>,
    /// `--set` pairs, applied last.
    pub set: Vec<(String, String)>,
    pub timeout: Duration,
    /// The chart that rendered input comes from (`--chart`).
    pub chart: Option<PathBuf>,
    /// The values files rendered input was made with, beyond the chart's (`--values`).
    pub input_values: Vec<PathBuf>,
}

pub const DEFAULT_RELEASE: &str = "release-name";
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 120;

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            enabled: Enabled::Auto,
            command: None,
            release: DEFAULT_RELEASE.to_string(),
            namespace: "default".to_string(),
            values: Vec::new(),
            set: Vec::new(),
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECONDS),
            chart: None,
            input_values: Vec::new(),
        }
    }
}

/// A chart on disk.
#[derive(Clone, Debug, Default)]
pub struct Chart {
    /// Absolute, normalized.
    pub dir: PathBuf,
    pub name: String,
    pub version: String,
    pub app_version: Option<String>,
    /// Where a `helm-error` points: `name:`'s value in `Chart.yaml`.
    pub anchor: crate::model::Span,
    /// `type: library`: named templates for other charts, nothing to install or render.
    pub library: bool,
    /// Dependencies: `dependencies:` in `Chart.yaml`, or anything in `charts/`.
    pub has_dependencies: bool,
}

impl Chart {
    /// Reads `dir/Chart.yaml`.
    pub fn read(dir: &Path) -> Option<Chart> {
        let text = std::fs::read_to_string(dir.join("Chart.yaml")).ok()?;
        let doc = crate::sources::yaml::parse(&text, crate::sources::yaml::Limits::default())
            .documents
            .into_iter()
            .next()?
            .root;
        let field = |k: &str| {
            doc.get(k)
                .and_then(crate::model::Node::text)
                .map(str::to_string)
        };
        Some(Chart {
            dir: dir.to_path_buf(),
            name: field("name").unwrap_or_else(|| {
                dir.file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default()
            }),
            version: field("version").unwrap_or_default(),
            app_version: field("appVersion"),
            anchor: doc
                .get("name")
                .map(|n| n.span)
                .unwrap_or(crate::model::Span::point(0)),
            library: field("type").as_deref() == Some("library"),
            has_dependencies: doc
                .get("dependencies")
                .and_then(crate::model::Node::as_seq)
                .is_some_and(|d| !d.is_empty())
                || std::fs::read_dir(dir.join("charts")).is_ok_and(|mut d| d.next().is_some()),
        })
    }

    /// The chart's template files (`templates/`, recursively, sorted), helpers included.
    pub fn template_files(&self) -> Vec<PathBuf> {
        template_files(&self.dir)
    }
}

/// The template files of the chart in `dir` (`templates/`, recursively, sorted), helpers
/// included.
pub fn template_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.join("templates")];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// One render of a chart: its chart and the values files given to it (beyond the chart's
/// own `values.yaml`, which Helm always reads first).
#[derive(Clone, Debug)]
pub struct Scenario {
    pub chart: usize,
    pub values: Vec<PathBuf>,
    /// How it is named in messages: the chart folder, and the CI values file.
    pub label: String,
}

impl Scenario {
    /// Every values file of the render, the chart's own first (the order Helm merges them).
    pub fn all_values(&self, charts: &[Chart]) -> Vec<PathBuf> {
        let mut all = Vec::new();
        if let Some(c) = charts.get(self.chart) {
            all.push(c.dir.join("values.yaml"));
        }
        all.extend(self.values.iter().cloned());
        all
    }
}

/// Whether a path (its bytes) may be a file of a chart: `Chart.yaml`, under a `templates`
/// folder, a `values*` file, or in a `ci` folder. Asked of every file named, before any
/// path component is parsed or any folder looked at.
fn may_be_chart_file(path: &[u8]) -> bool {
    let name_at = path
        .iter()
        .rposition(|&b| b == b'/' || b == b'\\')
        .map_or(0, |i| i + 1);
    let name = path.get(name_at..).unwrap_or_default();
    let dir = path.get(..name_at).unwrap_or_default();
    name == b"Chart.yaml"
        || name.starts_with(b"values")
        || [&b"ci/"[..], b"ci\\"].contains(&dir)
        || dir.ends_with(b"/ci/")
        || dir.ends_with(b"\\ci\\")
        || dir.windows(b"templates".len()).any(|w| w == b"templates")
}

/// Whether folders hold a `Chart.yaml`, asked once per folder.
#[derive(Default)]
struct ChartDirs(HashMap<PathBuf, bool>);

impl ChartDirs {
    fn is_chart(&mut self, dir: &Path) -> bool {
        if let Some(&known) = self.0.get(dir) {
            return known;
        }
        let known = dir.join("Chart.yaml").is_file();
        self.0.insert(dir.to_path_buf(), known);
        known
    }

    /// The chart folder of template file `path`: the parent of the nearest `templates`
    /// folder above it, when that holds a `Chart.yaml`.
    fn of_template(&mut self, path: &Path) -> Option<PathBuf> {
        let templates = path
            .ancestors()
            .skip(1)
            .find(|d| d.file_name().is_some_and(|n| n == "templates"))?;
        let chart = templates.parent()?;
        self.is_chart(chart).then(|| chart.to_path_buf())
    }

    /// The chart a named file belongs to: a template's chart, or the folder of a values file
    /// (`values*.yaml`, `ci/*.yaml`) holding a `Chart.yaml`. Asked of every file named: a
    /// look at the path's bytes first, path components only for the few that may be.
    fn of(&mut self, path: &Path) -> Option<PathBuf> {
        if !may_be_chart_file(path.as_os_str().as_encoded_bytes()) {
            return None;
        }
        if path.file_name().is_some_and(|n| n == "Chart.yaml") {
            return path.parent().map(Path::to_path_buf);
        }
        if let Some(c) = self.of_template(path) {
            return Some(c);
        }
        // Values files: `values*.yaml` beside `Chart.yaml`, or any file of its `ci/`.
        let dir = path.parent()?;
        if path
            .file_name()
            .is_some_and(|n| n.as_encoded_bytes().starts_with(b"values"))
            && self.is_chart(dir)
        {
            return Some(dir.to_path_buf());
        }
        let up = dir.parent()?;
        (dir.file_name().is_some_and(|n| n == "ci") && self.is_chart(up)).then(|| up.to_path_buf())
    }
}

/// The Helm part of a run, decided before files are read.
#[derive(Default)]
pub(super) struct Prepared {
    pub(super) settings: Settings,
    pub(super) charts: Vec<Chart>,
    pub(super) scenarios: Vec<Scenario>,
    /// The command that renders (`helm`), when found and wanted.
    command: Option<Vec<String>>,
    /// Each input file's id, by absolute normalized path.
    pub(super) ids: HashMap<PathBuf, usize>,
    paths: Vec<Option<PathBuf>>,
    /// Template files of the charts in scope (not linted as YAML).
    templates: BTreeSet<PathBuf>,
    /// Charts whose rendering was refused before starting: (chart, why).
    pub(super) refused: Vec<(usize, String)>,
    /// Renders made here without some of their templates.
    pub(super) partial: BTreeSet<usize>,
    /// The chart rendered input comes from (`--chart`).
    pub(super) input_chart: Option<Chart>,
}

impl Prepared {
    pub(super) fn new(inputs: &[Input], input_paths: &InputPaths<'_>, opts: &Options) -> Prepared {
        let settings = &opts.helm;
        let precommit = inputs.iter().any(Input::is_context);
        // Charts: every `Chart.yaml` in scope, and the chart of each file named (a template,
        // a values file). A context file (pre-commit) only counts as a `Chart.yaml`, so the
        // project's other files cost no look at their folders.
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        let mut named_charts: BTreeSet<PathBuf> = BTreeSet::new();
        let mut known = ChartDirs::default();
        for input in inputs {
            let Input::File { path, context, .. } = input else {
                continue;
            };
            let chart_yaml = path.file_name().is_some_and(|n| n == "Chart.yaml");
            if *context && !chart_yaml {
                continue;
            }
            if let Some(chart) = known.of(path) {
                let chart = normalize(&chart);
                dirs.insert(chart.clone());
                if !context {
                    named_charts.insert(chart);
                }
            }
        }
        let mut prepared = Prepared {
            settings: settings.clone(),
            input_chart: settings
                .chart
                .as_deref()
                .and_then(|d| Chart::read(&normalize(d))),
            ..Prepared::default()
        };
        // Paths are compared normalized (the renders, the tracing); made only when a chart or
        // rendered input may need them.
        if dirs.is_empty() && settings.chart.is_none() {
            return prepared;
        }
        let (paths, ids) = input_paths.get();
        prepared.ids = ids.clone();
        prepared.paths = paths.clone();
        for dir in dirs {
            let Some(chart) = Chart::read(&dir) else {
                continue;
            };
            for t in chart.template_files() {
                prepared.templates.insert(normalize(&t));
            }
            // Subcharts are rendered by helm as part of their parent; their folder is not a
            // chart of its own here.
            if dir
                .parent()
                .filter(|p| p.file_name().is_some_and(|n| n == "charts"))
                .and_then(Path::parent)
                .is_some_and(|p| known.is_chart(p))
            {
                continue;
            }
            if (precommit && !named_charts.contains(&dir)) || chart.library {
                continue;
            }
            prepared.charts.push(chart);
        }
        if settings.enabled == Enabled::Never {
            return prepared;
        }
        prepared.command = render::command(settings);
        for (i, chart) in prepared.charts.iter().enumerate() {
            if prepared.command.is_none() && settings.enabled == Enabled::Always {
                prepared.refused.push((
                    i,
                    "`helm` is not on PATH (`helm: {enabled: always}`)".to_string(),
                ));
                continue;
            }
            let own: Vec<PathBuf> = settings
                .values
                .iter()
                .map(|v| chart.dir.join(v))
                .filter(|p| p.is_file())
                .collect();
            let shown = shown_path(&chart.dir);
            prepared.scenarios.push(Scenario {
                chart: i,
                values: own.clone(),
                label: shown.clone(),
            });
            let mut ci: Vec<PathBuf> = std::fs::read_dir(chart.dir.join("ci"))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.ends_with("-values.yaml") || n.ends_with("-values.yml"))
                })
                .collect();
            ci.sort();
            for file in ci {
                let mut values = own.clone();
                let rel = file
                    .strip_prefix(&chart.dir)
                    .map(|r| r.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                values.push(normalize(&file));
                prepared.scenarios.push(Scenario {
                    chart: i,
                    values,
                    label: format!("{shown} with {rel}"),
                });
            }
        }
        prepared
    }

    /// How input `id` is read, given how it would be otherwise (`otherwise`, kustomize's
    /// say): a chart's template is never linted as YAML; with `--chart`, a file linted as
    /// written is rendered input traced to that chart.
    pub(super) fn treat(&self, id: usize, otherwise: Treat) -> Treat {
        if let Some(path) = self.paths.get(id).and_then(Option::as_ref)
            && self.settings.enabled != Enabled::Never
            && self.templates.contains(path)
        {
            return Treat::Template;
        }
        if otherwise == Treat::Lint && self.settings.chart.is_some() {
            return Treat::HelmInput;
        }
        otherwise
    }

    /// Renders every scenario, a few at a time, in order.
    pub(super) fn render_all(&self) -> Vec<Result<render::Rendered, String>> {
        super::kustomize::render::few_at_a_time(self.scenarios.len(), |i| {
            let scenario = self.scenarios.get(i).ok_or("no such render")?;
            let chart = self.charts.get(scenario.chart).ok_or("no such chart")?;
            match &self.command {
                Some(cmd) => render::with_helm(cmd, chart, scenario, &self.settings),
                None => Ok(render::statically(
                    chart,
                    &scenario.all_values(&self.charts),
                    &self.settings,
                )),
            }
        })
    }

    /// Whether render `scope` lacks some templates (not evaluated here).
    pub(super) fn partial(&self, scope: usize) -> bool {
        self.partial.contains(&scope)
    }
}

/// The `# Source:` comments of rendered text: (offset of the comment, template path as
/// written, e.g. `api/templates/hpa.yaml`). memchr's searcher: this is asked of every file
/// of rendered input.
pub fn source_comments(text: &str) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"# Source: ")
        .filter(|&at| at == 0 || bytes.get(at - 1) == Some(&b'\n'))
        .filter_map(|at| {
            let rest = text.get(at + "# Source: ".len()..)?;
            let line = rest.split('\n').next().unwrap_or(rest);
            Some((at, line.trim().to_string()))
        })
        .collect()
}

/// Whether rendered input with these `# Source:` comments (`source_comments`) is Helm output
/// whose chart is on disk: `--chart` was given (`chart_given`), or its first `# Source:` path
/// starts with a chart folder under the current one. Only then are its objects kept whole, to
/// be traced.
pub fn traceable_input(comments: &[(usize, String)], chart_given: bool) -> bool {
    let Some((_, first)) = comments.first() else {
        return false;
    };
    if chart_given {
        return true;
    }
    let chart = first.split('/').next().unwrap_or("").trim();
    !chart.is_empty() && Path::new(chart).join("Chart.yaml").is_file()
}

/// The template each object came from: the last `# Source:` comment (of `comments`) before
/// it and after the object before it.
pub fn object_sources(
    comments: &[(usize, String)],
    objects: &[crate::model::Object],
) -> Vec<Option<String>> {
    let mut starts: Vec<usize> = objects.iter().map(|o| o.root.span.start).collect();
    starts.sort_unstable();
    objects
        .iter()
        .map(|o| {
            let start = o.root.span.start;
            let previous = starts
                .iter()
                .copied()
                .filter(|s| *s < start)
                .max()
                .unwrap_or(0);
            comments
                .iter()
                .rfind(|(at, _)| *at < start && (*at >= previous || previous == 0))
                .map(|(_, p)| p.clone())
        })
        .collect()
}

/// Where template path `source` (`chart/templates/x.yaml`, or
/// `chart/charts/sub/templates/x.yaml`) is on disk, given the chart folder it names.
pub fn template_path(chart_dir: &Path, source: &str) -> PathBuf {
    let rest = source.split_once('/').map_or("", |(_, r)| r);
    chart_dir.join(rest)
}

/// The chart folder of rendered input: `--chart` (`given`) when its name is the first
/// component of the `# Source:` path (a render of another chart is not traced to it), else
/// that component as a folder under the current one.
pub fn chart_for_input(given: Option<&Chart>, source: &str) -> Option<PathBuf> {
    let first = source.split('/').next()?;
    if let Some(c) = given {
        return (c.name == first).then(|| c.dir.clone());
    }
    let dir = std::env::current_dir().ok()?.join(first);
    dir.join("Chart.yaml").is_file().then(|| normalize(&dir))
}

/// A chart's values files by scenario, loaded once.
#[derive(Default)]
pub(super) struct ValuesCache {
    loaded: BTreeMap<Vec<(PathBuf, Vec<String>)>, std::sync::Arc<trace::Values>>,
}

impl ValuesCache {
    /// The values files (each at its key path), in the order Helm merges them.
    pub(super) fn get(
        &mut self,
        files: &[(PathBuf, Vec<String>)],
    ) -> std::sync::Arc<trace::Values> {
        self.loaded
            .entry(files.to_vec())
            .or_insert_with(|| std::sync::Arc::new(trace::Values::load(files)))
            .clone()
    }
}

/// How a chart is named in messages: its folder.
pub fn shown_chart(chart: &Chart) -> String {
    shown_path(&chart.dir)
}

/// The name a chart's render is shown under (no file on disk, like `<stdin>`).
pub fn rendered_name(label: &str) -> String {
    format!("<helm template {label}>")
}

/// The subchart folder of template path `source` (`chart/charts/sub/templates/x.yaml`).
pub fn subchart_dir(chart_dir: &Path, source: &str) -> Option<PathBuf> {
    let rest = source.split_once('/')?.1;
    let (sub, _) = rest.strip_prefix("charts/")?.split_once("/templates/")?;
    Some(chart_dir.join("charts").join(sub))
}

/// Cross-resource rules that report something absent (a target, a disruption budget): not
/// said of a chart rendered here without some of its templates, where it may be.
pub const ABSENCE_RULES: &[&str] = &["hpa-target-not-found", "pdb-missing"];

/// The named templates of the chart in `dir` (its `templates/` files, helpers included), by
/// name; the last definition of a name wins, as in Helm.
pub fn chart_defines(
    dir: &Path,
) -> std::collections::HashMap<String, std::sync::Arc<trace::Define>> {
    let mut out = std::collections::HashMap::new();
    for file in template_files(dir) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if !text.contains("define") {
            continue;
        }
        for (name, define) in trace::defines_of(&file, &text) {
            out.insert(name, std::sync::Arc::new(define));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_files_are_told_from_path_bytes_first() {
        for yes in [
            "chart/Chart.yaml",
            "Chart.yaml",
            "a/chart/templates/hpa.yaml",
            "a/chart/templates/sub/x.yaml",
            "chart/values.yaml",
            "chart/values-prod.yml",
            "chart/ci/hpa-values.yaml",
        ] {
            assert!(may_be_chart_file(yes.as_bytes()), "{yes}");
        }
        for no in [
            "k8s/deployment.yaml",
            "ci.yaml",
            "x/chart.yaml",
            "myci/a.yaml",
        ] {
            assert!(!may_be_chart_file(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn objects_take_the_last_source_comment_before_them() {
        let text = "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: A\n---\n# Source: c/templates/b.yaml\napiVersion: v1\nkind: B\n---\napiVersion: v1\nkind: C\n";
        let comments = source_comments(text);
        assert_eq!(comments.len(), 2);
        assert!(traceable_input(&comments, true));
        assert!(!traceable_input(
            &source_comments("kind: A\n# Sources: x\n"),
            true
        ));
        let objects = crate::sources::load(
            0,
            "t.yaml".into(),
            text.into(),
            crate::sources::classify::Kind::Yaml,
        )
        .objects;
        assert_eq!(
            object_sources(&comments, &objects),
            [
                Some("c/templates/a.yaml".to_string()),
                Some("c/templates/b.yaml".to_string()),
                None
            ]
        );
    }
}

//! The engine: discover → read → classify → parse → per-object rules → index → cross rules →
//! report. Files are processed in parallel; output order never depends on scheduling. Each
//! stage is its own module (`discover`, `read`, `dispatch`, `report`); the engine knows no
//! rule: the rules come in a [`Catalog`](catalog::Catalog) built by the caller.

pub mod baseline;
pub mod catalog;
pub mod config;
pub mod context_cache;
pub mod custom;
pub mod diagnostics;
mod discover;
pub mod disk_cache;
mod dispatch;
mod exclude;
pub mod fix;
pub mod helm;
pub mod index;
pub mod kustomize;
pub mod locate;
pub mod meta;
mod placed;
mod prefilter;
pub mod projection;
mod read;
mod report;
pub mod rule;
pub mod suppress;

pub use catalog::Catalog;
pub use context_cache::ContextCache;
pub use discover::{project_root, shown_path};
pub use dispatch::RuleSet;
pub use exclude::{Exclude, exclude_glob};
pub use placed::ConfigError;
pub use read::{MAX_FILE_SIZE, Overlay};
pub use report::Report;

use crate::sources::classify;
use dispatch::Checked;
use rayon::prelude::*;
use read::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What to lint.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Files and directories; `-` is standard input. Empty means `.`.
    pub paths: Vec<PathBuf>,
    /// The name standard input is shown under (and classified by).
    pub stdin_filename: Option<String>,
    /// Resolve cross-resource references against the whole project: when only files are
    /// named (pre-commit passes the changed files), every other YAML file under the project
    /// root (see [`project_root`]) is read into the index too, without per-object rules, and
    /// only findings in the named files are reported. Off for standard input (rendered
    /// manifests stand alone) and when a directory is named (it sets the scope).
    pub project_index: bool,
    /// Files found in named directories (and project files indexed) that these globs match
    /// are skipped (`exclude` in the configuration); named files never are.
    pub exclude: Option<Exclude>,
    /// Whether and how Kustomize overlays are rendered (see [`kustomize`]).
    pub kustomize: kustomize::Settings,
    /// Whether and how Helm charts are rendered, and where rendered input's chart is (see
    /// [`helm`]).
    pub helm: helm::Settings,
    /// Texts read instead of the files at these paths (see [`Overlay`]); renders still
    /// read the files on disk.
    pub overlay: Option<std::sync::Arc<Overlay>>,
    /// The project root for `project_index` (default: found from the current directory; a
    /// language server gives its workspace's).
    pub root: Option<PathBuf>,
    /// Context files' checks kept from earlier lints (a language server's workspace): only
    /// the files that changed are read and parsed again.
    pub context_cache: Option<std::sync::Arc<ContextCache>>,
    /// Keep what pre-commit learns of the project's other files in its `.scalelint_cache/`
    /// and use it in the next run (see [`disk_cache`]). Only when files alone are named,
    /// without a `context_cache` or an `overlay`.
    pub disk_cache: bool,
    /// The report is only rendered in a format that needs lines and columns, not source
    /// lines (every format but `human`), and no fix is applied: a checked file whose text
    /// is ASCII is not read again for the report, its `text` stays empty (its lines and
    /// columns are told without it, see [`crate::model::SourceFile::without_text`]). A
    /// large repository's report then never holds its texts.
    pub positions_only: bool,
}

/// Why rules could not be set up (exit code 2), as opposed to findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    Catalog(catalog::CatalogError),
    /// A rule's parameters are invalid.
    Params(rule::ParamError),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Catalog(e) => e.fmt(f),
            Error::Params(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<catalog::CatalogError> for Error {
    fn from(e: catalog::CatalogError) -> Error {
        Error::Catalog(e)
    }
}

/// Lint files on disk (and standard input). Kustomize overlays among them are rendered
/// while the other files are linted (see [`kustomize`]).
pub fn lint(opts: &Options, rules: &RuleSet) -> Report {
    let start = Instant::now();
    let context = discover::ContextRoot::of(opts);
    // The cache file's bytes outlive the cache, which reads them in place.
    let stored = context
        .as_ref()
        .filter(|_| opts.disk_cache && opts.context_cache.is_none() && opts.overlay.is_none())
        .map(|c| (c, disk_cache::read(&c.root)));
    let disk = stored.as_ref().map(|(c, bytes)| {
        let exclude = opts.exclude.as_ref().map(Exclude::written);
        disk_cache::DiskCache::open(
            &c.root,
            &c.cwd,
            exclude,
            std::time::SystemTime::now(),
            bytes,
        )
    });
    let inputs = discover::discover(opts, context.as_ref(), disk.as_ref());
    let (kust, mut charts) = {
        let paths = kustomize::tree::InputPaths::new(&inputs);
        (
            kustomize::Prepared::new(&inputs, &paths, opts),
            helm::Prepared::new(&inputs, &paths, opts),
        )
    };
    let precommit = inputs.iter().any(read::Input::is_context);
    let cache = opts.context_cache.as_deref();
    let run = cache.map(ContextCache::begin);
    // Context files read as written are parsed only when their bytes can matter to the named
    // files (see `prefilter`): those are checked once the named files' objects are known. A
    // language server's cache keeps every file's check instead.
    let filter = precommit && cache.is_none();
    let (mut files, renders, chart_renders) = std::thread::scope(|s| {
        let renders = s.spawn(|| kust.render_all());
        // No thread when no chart is rendered (most runs).
        let chart_renders = (!charts.scenarios.is_empty()).then(|| s.spawn(|| charts.render_all()));
        let treats: Vec<read::Treat> = (0..inputs.len())
            .map(|id| charts.treat(id, kust.treat(id)))
            .collect();
        let (later, now): (Vec<_>, Vec<_>) =
            inputs.into_iter().enumerate().partition(|(id, input)| {
                filter
                    && input.context_path(opts.overlay.as_deref()).is_some()
                    && treats.get(*id) == Some(&read::Treat::Lint)
            });
        let mut files: Vec<(usize, Checked)> = now
            .into_par_iter()
            .map(|(id, input)| {
                let treat = treats.get(id).cloned().unwrap_or_default();
                let kept = cache.zip(run).and_then(|(cache, run)| {
                    let path = input.context_path(opts.overlay.as_deref())?.to_path_buf();
                    let stamp = cache.stamp(&path, &treat)?;
                    Some((cache, run, path, stamp))
                });
                let check = |input| {
                    rules.check(
                        id,
                        read::read_input(id, input, opts.overlay.as_deref()).treated(treat),
                    )
                };
                let checked = match kept {
                    Some((cache, run, path, stamp)) => {
                        cache.get(id, &path, &stamp, run).unwrap_or_else(|| {
                            let checked = check(input);
                            cache.put(id, path, stamp, &checked, run);
                            checked
                        })
                    }
                    None => check(input),
                };
                (id, checked)
            })
            .collect();
        if !later.is_empty() {
            files.extend(check_wanted(later, files.as_slice(), rules, disk.as_ref()));
            files.sort_by_key(|(id, _)| *id);
        }
        (
            files.into_iter().map(|(_, f)| f).collect::<Vec<Checked>>(),
            renders.join().unwrap_or_default(),
            chart_renders
                .map(|h| h.join().unwrap_or_default())
                .unwrap_or_default(),
        )
    });
    if !kust.plan.kustomizations.is_empty() {
        add_renders(
            &mut files,
            renders,
            &kust,
            rules,
            precommit,
            opts.overlay.as_deref(),
        );
    }
    add_chart_renders(&mut files, chart_renders, &mut charts, rules, precommit);
    if let Some((cache, run)) = cache.zip(run) {
        cache.end(run);
    }
    if let Some(disk) = disk {
        disk.save();
    }
    report::finish(
        files,
        rules,
        start,
        opts.positions_only,
        Some(&kust),
        &charts,
    )
}

/// Context files read as written (`later`), given the other files' checks (`done`): those
/// whose bytes can matter to the named files are parsed; the rest are read again and parsed
/// only when the named files turn out to need every file (see [`prefilter::Wanted`]). With
/// the cache on disk, a file unchanged since it was kept is not read: its summary decides,
/// and its projections stand for its parse once it has been parsed.
fn check_wanted(
    later: Vec<(usize, read::Input)>,
    done: &[(usize, Checked)],
    rules: &RuleSet,
    disk: Option<&disk_cache::DiskCache>,
) -> Vec<(usize, Checked)> {
    // As `report` chooses the index's focus: the named files of the files as written.
    let named = || {
        done.iter()
            .map(|(_, f)| f)
            .filter(|f| !f.context && f.scope() == (None, None))
    };
    let named_objects: Vec<_> = named().map(|f| f.objects.all()).collect();
    let wanted = prefilter::Wanted::of(
        named_objects.iter().flat_map(|o| o.iter()),
        named().map(|f| f.source.path.as_str()),
    );
    drop(named_objects);
    let checked: Vec<(usize, Checked, Option<read::Input>)> = later
        .into_par_iter()
        .map(|(id, input)| {
            let read::Input::File {
                path, shown, kind, ..
            } = input
            else {
                return (id, rules.check(id, read::read_input(id, input, None)), None);
            };
            let (checked, unwanted) = match disk {
                Some(disk) => {
                    cached_check(id, &path, shown.clone(), kind, Some(&wanted), rules, disk)
                }
                None => {
                    let (read, unwanted) =
                        read::read_context_wanted(id, &path, shown.clone(), kind, Some(&wanted));
                    (rules.check(id, read), unwanted)
                }
            };
            let again = unwanted.then_some(read::Input::File {
                path,
                shown,
                kind,
                context: true,
            });
            (id, checked, again)
        })
        .collect();
    let seen = done
        .iter()
        .map(|(_, f)| f)
        .chain(checked.iter().map(|(_, f, _)| f))
        .flat_map(|f| f.objects.heads());
    if !wanted.complete(seen) {
        return checked.into_iter().map(|(id, f, _)| (id, f)).collect();
    }
    checked
        .into_par_iter()
        .map(|(id, f, again)| match (again, disk) {
            (
                Some(read::Input::File {
                    path, shown, kind, ..
                }),
                Some(disk),
            ) => (
                id,
                cached_check(id, &path, shown, kind, None, rules, disk).0,
            ),
            (Some(input), _) => (id, rules.check(id, read::read_input(id, input, None))),
            (None, _) => (id, f),
        })
        .collect()
}

/// A context file's check with the cache on disk (see [`check_wanted`]), and whether it
/// was left unparsed because `wanted` did not keep it (`None`: every file is wanted).
fn cached_check(
    id: usize,
    path: &Path,
    shown: String,
    kind: classify::Kind,
    wanted: Option<&prefilter::Wanted>,
    rules: &RuleSet,
    disk: &disk_cache::DiskCache,
) -> (Checked, bool) {
    let keeps = |shown: &str, summary: prefilter::SummaryRef<'_>| match wanted {
        Some(w) => w.keeps_summary(shown, summary),
        None => summary.indexed,
    };
    // Unparsed, but read again if a finding points into it (as without the cache).
    let empty =
        |shown: String, origin: Option<read::Origin>| cached_checked(shown, origin, Vec::new());
    let mut meta = None;
    let stamp = || {
        meta = std::fs::metadata(path).ok();
        meta.as_ref().and_then(disk_cache::stamp_of)
    };
    if let Some(cached) = disk.get(path, stamp) {
        let origin = meta.as_ref().map(|m| read::Origin::of(path, m));
        if !keeps(&shown, cached.summary) {
            return (empty(shown, origin), cached.summary.indexed);
        }
        if let Some(objects) = disk.objects(&cached, id) {
            return (cached_checked(shown, origin, objects), false);
        }
    }
    // Not kept, changed, or never parsed: read now, and kept for the next run.
    // As without the cache, a context file that cannot be read or decoded is empty.
    let Ok((bytes, origin)) = read::read_file(path) else {
        return (empty(shown, None), false);
    };
    let stamp = origin
        .disk()
        .map(|(len, time)| disk_cache::stamp(len, time));
    let Ok(text) = crate::sources::decode(id, bytes) else {
        return (empty(shown, Some(origin)), false);
    };
    let summary = prefilter::Summary::of(&text);
    if !keeps(&shown, summary.as_ref()) {
        if let Some(stamp) = stamp {
            disk.put(path, stamp, summary.clone(), None);
        }
        return (empty(shown, Some(origin)), summary.indexed);
    }
    let read = Read::Text {
        shown,
        kind,
        text,
        origin: Some(origin),
        context: true,
        treat: read::Treat::Lint,
    };
    let checked = rules.check(id, read);
    if let Some(stamp) = stamp {
        disk.put(path, stamp, summary, Some(&checked.objects.all()));
    }
    (checked, false)
}

/// A context file's check made from its cached projections (none for a file not parsed):
/// no text (read again if a finding points into it) and no findings of its own (a context
/// file's are dropped).
fn cached_checked(
    shown: String,
    origin: Option<read::Origin>,
    objects: Vec<crate::model::Object>,
) -> Checked {
    Checked {
        source: crate::model::SourceFile::new(shown, String::new()),
        origin,
        objects: projection::Projections::pack(objects),
        linted: 0,
        findings: Vec::new(),
        directives: suppress::Directives::default(),
        context: true,
        rendered: None,
        helm: None,
        traced: false,
    }
}

/// A finding about a chart file, built once the file's id is known.
type ChartNote = (
    std::path::PathBuf,
    Box<dyn Fn(usize) -> crate::model::Finding>,
);

/// The charts' renders as files of the run; a render that failed is a `helm-error` at its
/// `Chart.yaml`, and templates not evaluated statically are `template-skipped`.
fn add_chart_renders(
    files: &mut Vec<Checked>,
    renders: Vec<Result<helm::render::Rendered, String>>,
    charts: &mut helm::Prepared,
    rules: &RuleSet,
    precommit: bool,
) {
    let chart_yaml = |c: &helm::Chart| c.dir.join("Chart.yaml");
    // (file, finding builder given its id)
    let mut notes: Vec<ChartNote> = Vec::new();
    for (i, why) in &charts.refused {
        if let Some(c) = charts.charts.get(*i) {
            let (anchor, label, why) = (c.anchor, helm::shown_chart(c), why.clone());
            notes.push((
                chart_yaml(c),
                Box::new(move |id| diagnostics::helm_error::finding(id, anchor, &label, &why)),
            ));
        }
    }
    let mut said = std::collections::BTreeSet::new();
    let mut partial = std::collections::BTreeSet::new();
    let mut ok = Vec::new();
    for (scope, (scenario, result)) in charts.scenarios.iter().zip(renders).enumerate() {
        let Some(chart) = charts.charts.get(scenario.chart) else {
            continue;
        };
        match result {
            Ok(r) => {
                if !r.skipped.is_empty() || r.without_dependencies {
                    partial.insert(scope);
                }
                for s in r.skipped {
                    if !said.insert(s.template.clone()) {
                        continue;
                    }
                    let span = s.span;
                    notes.push((
                        s.template,
                        Box::new(move |id| {
                            crate::sources::diagnostics::template_skipped::not_analysed(
                                id, span, &s.reason,
                            )
                        }),
                    ));
                }
                ok.push((
                    files.len() + ok.len(),
                    scope,
                    scenario.label.clone(),
                    r.text,
                ));
            }
            Err(message) => {
                let (anchor, label) = (chart.anchor, scenario.label.clone());
                notes.push((
                    chart_yaml(chart),
                    Box::new(move |id| {
                        diagnostics::helm_error::finding(id, anchor, &label, &message)
                    }),
                ));
            }
        }
    }
    charts.partial = partial;
    let checked: Vec<Checked> = ok
        .into_par_iter()
        .map(|(id, scope, label, text)| {
            let read = Read::Text {
                shown: helm::rendered_name(&label),
                kind: classify::Kind::Yaml,
                text,
                origin: None,
                context: false,
                treat: read::Treat::Helm { scope },
            };
            let mut checked = rules.check(id, read);
            checked.context = precommit;
            checked
        })
        .collect();
    files.extend(checked);
    for (path, note) in notes {
        let Some(id) = charts.ids.get(&kustomize::tree::normalize(&path)).copied() else {
            continue;
        };
        if let Some(f) = files.get_mut(id) {
            let finding = note(id);
            // Under pre-commit, a chart a named file is in is said to fail at its
            // `Chart.yaml` even when that was not named.
            if finding.rule == diagnostics::helm_error::NAME {
                f.context = false;
            }
            f.findings.push(finding);
        }
    }
}

/// The rendered overlays as files of the run; a render that failed is a `kustomize-error`
/// at its kustomization, and its resource files are linted one by one instead.
fn add_renders(
    files: &mut Vec<Checked>,
    renders: Vec<Result<kustomize::render::Rendered, String>>,
    kust: &kustomize::Prepared,
    rules: &RuleSet,
    precommit: bool,
    overlay: Option<&Overlay>,
) {
    let file_id = |p: &Path| kust.file_id(p);
    let mut rendered_resources = std::collections::BTreeSet::new();
    let mut failed = Vec::new();
    let mut ok = Vec::new();
    for ((root, shown), result) in kust.to_render.iter().zip(renders) {
        match result {
            Ok(r) => {
                rendered_resources.extend(kust.resources_of(*root).into_iter().flatten().cloned());
                ok.push((files.len() + ok.len(), *root, shown, r));
            }
            Err(message) => {
                let Some(k) = kust.plan.get(*root) else {
                    continue;
                };
                if let Some(id) = file_id(&k.file)
                    && let Some(f) = files.get_mut(id)
                {
                    f.findings.push(diagnostics::kustomize_error::finding(
                        id, k.anchor, shown, &message,
                    ));
                }
                failed.push(*root);
            }
        }
    }
    let checked: Vec<Checked> = ok
        .into_par_iter()
        .map(|(id, root, shown, r)| {
            let read = Read::Text {
                shown: kustomize::rendered_name(shown),
                kind: classify::Kind::Yaml,
                text: r.text,
                origin: None,
                context: false,
                treat: read::Treat::Rendered { root, base: r.base },
            };
            let mut checked = rules.check(id, read);
            // Linted in full; under pre-commit, what cannot be traced to a named file is
            // not reported (as for the other files not named).
            checked.context = precommit;
            checked
        })
        .collect();
    files.extend(checked);
    for note in kust.notes(&file_id) {
        if let Some(f) = files.get_mut(note.file) {
            f.findings.push(note);
        }
    }
    // Under pre-commit, an overlay that a named file is in and that does not build (or is
    // not rendered) is said at its kustomization even when that file was not named.
    for f in files
        .iter_mut()
        .filter(|f| f.context && f.rendered.is_none())
    {
        if f.findings.iter().any(|x| x.rule.starts_with("kustomize-")) {
            f.context = false;
        }
    }
    let mut retried = std::collections::BTreeSet::new();
    for root in failed {
        for path in kust.resources_of(root).into_iter().flatten() {
            if rendered_resources.contains(path) || !retried.insert(path.clone()) {
                continue;
            }
            let Some(id) = file_id(path) else { continue };
            let Some(old) = files.get(id) else { continue };
            let input = read::Input::File {
                path: path.clone(),
                shown: old.source.path.clone(),
                kind: classify::by_name(path).unwrap_or(classify::Kind::Yaml),
                context: old.context,
            };
            let checked = rules.check(
                id,
                read::read_input(id, input, overlay).treated(kust.fallback(path)),
            );
            if let Some(slot) = files.get_mut(id) {
                *slot = checked;
            }
        }
    }
}

/// Lint in-memory sources (tests, editors): `(path, text)` pairs.
pub fn lint_sources(sources: Vec<(String, String)>, rules: &RuleSet) -> Report {
    let start = Instant::now();
    let mut sources = sources;
    sources.sort_by(|a, b| a.0.cmp(&b.0));
    let files: Vec<Checked> = sources
        .into_par_iter()
        .enumerate()
        .map(|(id, (path, text))| {
            let kind = classify::named(Path::new(&path));
            let read = Read::Text {
                shown: path,
                kind,
                text,
                origin: None,
                context: false,
                treat: read::Treat::Lint,
            };
            rules.check(id, read)
        })
        .collect();
    report::finish(files, rules, start, false, None, &helm::Prepared::default())
}

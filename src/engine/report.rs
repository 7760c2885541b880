//! The report stages after every file is checked: cross-resource rules, suppression,
//! levels, late locators, restored texts, the files kept, and the order of findings.

use super::diagnostics::{analysis_incomplete, io_error};
use super::dispatch::HelmRendered;
use super::dispatch::{Checked, RuleSet};
use super::helm;
use super::index::{self, Namespaces};
use super::kustomize::Prepared;
use super::kustomize::trace::{Provenance, Tracer};
use super::projection::{Projections, Roots};
use super::read::{Origin, reread};
use super::{locate, suppress};
use crate::model::{Finding, SourceFile, Span};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// The result of a run.
#[derive(Debug)]
pub struct Report {
    /// Every file looked at, sorted by path; findings refer to them by index. Only files a
    /// finding or label points into keep their text (the rest have an empty `text`): holding
    /// every file's text would make memory grow with the size of the repository. With
    /// `Options::positions_only`, those whose lines and columns are told without their
    /// text (`SourceFile::has_positions`) have an empty `text` too.
    pub files: Vec<SourceFile>,
    /// Sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    pub objects: usize,
    pub elapsed: Duration,
    /// How many of `files` were not named but only indexed from the project; they are kept
    /// (after the named ones' ids are fixed) because secondary labels point into them.
    pub context_files: usize,
    /// Findings silenced by a suppression comment or annotation, sorted like `findings`.
    /// Only SARIF shows them (as dismissed results).
    pub suppressed: Vec<Finding>,
    /// The rules of the run (SARIF describes them).
    pub catalog: super::Catalog,
}

impl Report {
    /// The files that were checked: named, or found in a named directory.
    pub fn checked_files(&self) -> usize {
        self.files.len().saturating_sub(self.context_files)
    }
}

/// The report stages, in order, once every file is checked: cross-resource rules over the
/// projections of everything read; then only what concerns named files (findings whose
/// primary place is in a context file are dropped); suppressions and configured levels; late
/// locators on the projections; texts read again (after the projections are dropped: the
/// two never take memory at the same time); the files kept (context files only when a
/// secondary label points into them, ids renumbered, order kept); the final order.
pub(super) fn finish(
    files: Vec<Checked>,
    rules: &RuleSet,
    start: Instant,
    positions_only: bool,
    kust: Option<&Prepared>,
    charts: &helm::Prepared,
) -> Report {
    let mut findings = cross_resource(&files, rules, charts);
    let objects = files.iter().map(|f| f.linted).sum();
    let mut run = Files::split(files, &mut findings);
    // What is found in a file read for context stays there (only renders are traced
    // elsewhere) and is dropped: no fix is made for it.
    findings.retain(|f| !run.is_context(f.file) || run.is_traced(f.file));
    resolve_requests(&run, &mut findings);
    if let Some(kust) = kust
        && !kust.to_render.is_empty()
    {
        findings = trace_rendered(&mut run, findings, kust);
    }
    if run.helm.iter().any(Option::is_some) {
        findings = trace_helm(&mut run, findings, charts);
    }
    findings.retain(|f| !run.is_context(f.file) && !rules.off.contains(f.rule.as_ref()));
    let (mut findings, mut suppressed) = suppress_and_level(&mut run, findings, rules);
    locate_late(&mut run, &mut findings, &mut suppressed);
    restore(&mut run, &mut findings, &mut suppressed, positions_only);
    let (files, context_files) = keep_files(run, &mut findings, &mut suppressed);
    settle_fixes(&files, &mut findings);
    sort(&mut findings);
    sort(&mut suppressed);
    Report {
        files,
        findings,
        objects,
        elapsed: start.elapsed(),
        context_files,
        suppressed,
        catalog: rules.catalog().clone(),
    }
}

/// The checked files, split into what each later stage takes.
struct Files {
    sources: Vec<SourceFile>,
    origins: Vec<Option<Origin>>,
    directives: Vec<suppress::Directives>,
    projections: Vec<Projections>,
    context: Vec<bool>,
    /// Rendered overlays: root and provenance of each object (`projections` holds whole
    /// trees for them).
    rendered: Vec<Option<(usize, Vec<Provenance>)>>,
    /// Helm output: its render and each object's template (`projections` holds whole trees).
    helm: Vec<Option<HelmRendered>>,
    /// How many files were checked inputs; those after them were added while tracing or
    /// are rendered overlays.
    inputs: usize,
}

impl Files {
    /// Splits the checked files, moving their own findings into `findings`.
    fn split(files: Vec<Checked>, findings: &mut Vec<Finding>) -> Files {
        let mut run = Files {
            sources: Vec::with_capacity(files.len()),
            origins: Vec::with_capacity(files.len()),
            directives: Vec::with_capacity(files.len()),
            projections: Vec::with_capacity(files.len()),
            context: Vec::with_capacity(files.len()),
            rendered: Vec::with_capacity(files.len()),
            helm: Vec::with_capacity(files.len()),
            inputs: files
                .iter()
                .filter(|f| {
                    f.rendered.is_none() && f.helm.as_ref().is_none_or(|h| h.scope.is_none())
                })
                .count(),
        };
        // Reserved once: with many findings, growing by doubling would leave a third unused.
        findings.reserve_exact(files.iter().map(|f| f.findings.len()).sum());
        for mut f in files {
            findings.append(&mut f.findings);
            run.sources.push(f.source);
            run.origins.push(f.origin);
            run.directives.push(f.directives);
            run.projections.push(f.objects);
            run.context.push(f.context);
            run.rendered.push(f.rendered);
            run.helm.push(f.helm);
        }
        run
    }

    /// Adds a file read while tracing (outside the inputs); returns its id.
    fn add(&mut self, path: String, text: String, context: bool) -> usize {
        self.sources.push(SourceFile::new(path, text));
        self.origins.push(None);
        self.directives.push(suppress::Directives::default());
        self.projections.push(Projections::default());
        self.context.push(context);
        self.rendered.push(None);
        self.helm.push(None);
        self.sources.len() - 1
    }

    fn is_context(&self, id: usize) -> bool {
        self.context.get(id).copied().unwrap_or(false)
    }

    /// Whether findings in file `id` are moved to the files they were rendered from.
    fn is_traced(&self, id: usize) -> bool {
        self.rendered.get(id).is_some_and(Option::is_some)
            || self.helm.get(id).is_some_and(Option::is_some)
    }
}

/// The cross-resource rules over the index, and the relations a limit cut short, said at the
/// object concerned. Each rendered overlay is its own scope (two overlays are never applied
/// together); the other files share one.
fn cross_resource(files: &[Checked], rules: &RuleSet, charts: &helm::Prepared) -> Vec<Finding> {
    let paths: Vec<&str> = files.iter().map(|f| f.source.path.as_str()).collect();
    // (kustomize root, helm render): each rendered overlay and chart render is a scope.
    let mut scopes: std::collections::BTreeMap<(Option<usize>, Option<usize>), Vec<&Checked>> =
        std::collections::BTreeMap::new();
    for f in files {
        scopes.entry(f.scope()).or_default().push(f);
    }
    // Files whose objects are linted as rendered take part in the shared scope only as what
    // others refer to: findings about their own objects come from the rendered overlays.
    let traced: std::collections::HashSet<usize> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.traced)
        .map(|(id, _)| id)
        .collect();
    let mut findings = Vec::new();
    for (scope, members) in &scopes {
        // Files read for context only: their findings are dropped, so the index resolves
        // only the namespaces of the named files' objects (the shared scope; a rendered
        // overlay's findings are traced to the named files).
        let focus: Option<foldhash::HashSet<&str>> =
            (*scope == (None, None) && members.iter().any(|f| f.context)).then(|| {
                members
                    .iter()
                    .filter(|f| !f.context)
                    .flat_map(|f| f.objects.heads().map(|h| h.namespace))
                    .collect()
            });
        let focus = focus.as_ref();
        let mut namespaces = Namespaces::new(
            paths.clone(),
            members.iter().flat_map(|f| f.objects.heads()),
        );
        // Each namespace's objects decoded (on every thread), indexed, checked and dropped
        // before the next's.
        let parts = index::parts(members.iter().flat_map(|f| {
            (0..f.objects.len()).filter_map(|i| {
                let part = Namespaces::part(&f.objects.head(i)?, focus)?;
                Some((part, (&f.objects, i)))
            })
        }));
        let mut found = Vec::new();
        for part in parts {
            let objects: Vec<Cow<'_, crate::model::Object>> = part
                .into_par_iter()
                .with_min_len(64)
                .filter_map(|(p, i)| p.get(i))
                .collect();
            let index = namespaces.index(objects.iter().map(AsRef::as_ref).collect(), focus);
            let mut part_found = rules.check_index(&index);
            part_found.extend(
                index
                    .incomplete
                    .iter()
                    .map(|i| analysis_incomplete::finding(i.file, i.span, i.message.clone())),
            );
            drop(index);
            locate_in_part(files, &objects, &mut part_found);
            found.append(&mut part_found);
        }
        if *scope == (None, None) {
            found.retain(|f| !traced.contains(&f.file));
        }
        // A chart rendered here without some of its templates: what is absent may be in them.
        if let (None, Some(render)) = scope
            && charts.partial(*render)
        {
            found.retain(|f| !helm::ABSENCE_RULES.contains(&f.rule.as_ref()));
        }
        findings.extend(found);
    }
    findings
}

/// The locators of findings in files whose objects are all among one namespace's decoded
/// `objects` (in input order, so each file's are side by side): made now, as `locate_late`
/// would make them from the whole file, instead of decoding the file again for them.
fn locate_in_part(
    files: &[Checked],
    objects: &[Cow<'_, crate::model::Object>],
    found: &mut [Finding],
) {
    // Each file's objects in `objects`, when they are all of the file's.
    let mut whole: std::collections::HashMap<usize, std::ops::Range<usize>> =
        std::collections::HashMap::new();
    let mut start = 0;
    for run in objects.chunk_by(|a, b| a.file == b.file) {
        let end = start + run.len();
        if let Some(file) = run.first().map(|o| o.file)
            && files
                .get(file)
                .is_some_and(|f| f.objects.len() == run.len())
        {
            whole.insert(file, start..end);
        }
        start = end;
    }
    locate::assign(
        |id| {
            let range = whole.get(&id)?.clone();
            Some((
                files.get(id)?.source.path.as_str(),
                Cow::Borrowed(objects.get(range)?),
            ))
        },
        found,
    );
}

/// Findings and labels in rendered overlays, moved to the place the user edits (see
/// `kustomize::trace`), with the rendered place as a related location and the overlay named
/// in the message; the same finding from several overlays is reported once, naming them all.
fn trace_rendered(run: &mut Files, mut findings: Vec<Finding>, kust: &Prepared) -> Vec<Finding> {
    let tracer = Tracer::new(&kust.plan);
    let shown: std::collections::HashMap<usize, &str> = kust
        .to_render
        .iter()
        .map(|(root, shown)| (*root, shown.as_str()))
        .collect();
    // Locators are computed on the rendered objects, before findings move.
    locate::assign(file_of(&run.sources, &run.projections), &mut findings);
    let mut ids = kust.ids.clone();
    let precommit = run.context.iter().any(|c| *c);
    // (finding, overlays it was found in)
    let mut out: Vec<(Finding, Vec<String>)> = Vec::with_capacity(findings.len());
    for mut f in findings {
        let mut overlays = Vec::new();
        if let Some((file, span)) = trace_place(run, &tracer, f.file, f.span, &mut ids, precommit) {
            let root = run
                .rendered
                .get(f.file)
                .and_then(Option::as_ref)
                .map(|(r, _)| *r);
            let overlay = root.and_then(|r| shown.get(&r)).copied().unwrap_or("");
            overlays.push(overlay.to_string());
            move_finding(run, &mut f, file, span, Some(overlay));
        }
        for l in &mut f.labels {
            if run.rendered.get(l.file).is_some_and(Option::is_some)
                && !l.is_rendered_place()
                && let Some((file, span)) =
                    trace_place(run, &tracer, l.file, l.span, &mut ids, precommit)
            {
                l.file = file;
                l.span = span;
            }
        }
        out.push((f, overlays));
    }
    merge_renders(out, "overlay", "overlays")
}

/// Moves finding `f` from its rendered place to `span` of `file`, the rendered place kept as
/// a related location naming `render`; its locator follows.
fn move_finding(
    run: &Files,
    f: &mut Finding,
    file: usize,
    span: crate::model::Span,
    render: Option<&str>,
) {
    let path = |id: usize| run.sources.get(id).map(|s| s.path.as_str()).unwrap_or("");
    if let Some(rest) = f.locator.strip_prefix(path(f.file)) {
        f.locator = format!("{}{rest}", path(file)).into();
    }
    f.labels
        .push(crate::model::Label::rendered(f.file, f.span, render));
    if let Some(fix) = &mut f.fix {
        move_fix(fix, run.sources.get(f.file), f.span, span);
    }
    f.file = file;
    f.span = span;
}

/// A fix made in a render, for a finding moved from rendered place `from` to its source
/// place `to`: it is still a fix there only when it replaces exactly the rendered place
/// (a value) and the source holds the same text (checked in `settle_fixes`, once texts
/// are restored); anything else (an inserted key, a removed line) is not the source's edit.
fn move_fix(fix: &mut crate::model::Fix, render: Option<&SourceFile>, from: Span, to: Span) {
    let rendered = render.map(|r| r.slice(from).to_string());
    match (fix.edits.as_mut_slice(), rendered) {
        ([edit], Some(text)) if edit.span == from && !text.is_empty() => {
            edit.span = to;
            fix.requires = Some(text);
        }
        _ => fix.unplaceable("the finding is in a render, and the fix does not map to its source"),
    }
}

/// Makes the fix requests of cross-resource findings (see `model::fix::Request`) into
/// edits, against the projection of the object the index held (its kept nodes have their
/// spans, and a mapping's span still covers every child it had, so the last child's end and
/// the children's column are known) and the file's text, read again one file at a time
/// when it was dropped. No file is parsed again.
fn resolve_requests(run: &Files, findings: &mut [Finding]) {
    use crate::sources::edit::{Planned, YamlDoc};
    let mut order: Vec<usize> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.fix.as_ref().is_some_and(|x| x.request.is_some()))
        .map(|(i, _)| i)
        .collect();
    if order.is_empty() {
        return;
    }
    order.sort_by_key(|&i| findings.get(i).map(|f| f.file));
    // The text of the file in hand: (file, text read again); and its objects' root spans:
    // one object is decoded per request, never a whole file of thousands.
    let mut held: Option<(usize, Option<String>)> = None;
    let mut roots: Option<(usize, Option<Roots>)> = None;
    for i in order {
        let Some(f) = findings.get_mut(i) else {
            continue;
        };
        let Some(fix) = &mut f.fix else { continue };
        let Some(request) = fix.request.take() else {
            continue;
        };
        if held.as_ref().is_none_or(|(id, _)| *id != f.file) {
            let kept = run.sources.get(f.file).is_some_and(|s| !s.text.is_empty());
            let again = (!kept)
                .then(|| {
                    run.origins
                        .get(f.file)?
                        .as_ref()
                        .and_then(|o| reread(f.file, o))
                })
                .flatten();
            held = Some((f.file, again));
        }
        let text = match &held {
            Some((_, Some(t))) => t.as_str(),
            _ => run.sources.get(f.file).map_or("", |s| s.text.as_str()),
        };
        let projections = run.projections.get(f.file);
        if roots.as_ref().is_none_or(|(id, _)| *id != f.file) {
            roots = Some((f.file, projections.map(Projections::roots)));
        }
        let index = roots
            .as_ref()
            .and_then(|(_, r)| r.as_ref()?.first_at(request.object));
        let object = index.and_then(|i| projections?.get(i));
        let root = object.as_ref().map(|o| &o.root);
        let (Some(root), false) = (root, text.is_empty()) else {
            fix.unplaceable("the object could not be found in its file again");
            continue;
        };
        let doc = YamlDoc::new(text, root);
        let planned = request
            .changes
            .iter()
            .try_fold(Planned::default(), |acc, c| {
                let p = match c {
                    crate::model::fix::Change::Set(path, value) => doc.set(&keys(path), value),
                    crate::model::fix::Change::Remove(path) => doc.remove(&keys(path)),
                };
                p.map(|p| acc.and(p))
            });
        match planned {
            Some(p) => {
                let why = fix.downgraded.take().or(p.risk);
                **fix = crate::model::Fix::new(fix.applicability, fix.message.clone(), p.edits)
                    .downgraded_if(why);
            }
            None => fix.unplaceable("the change does not fit the object as written"),
        }
    }
}

fn keys(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}

/// The fixes of the report's findings as they can be applied: a fix moved from a render
/// only where its source reads as rendered, and none to a file that was not given to check
/// (standard input, a render, a file read only while tracing one).
fn settle_fixes(files: &[SourceFile], findings: &mut [Finding]) {
    for f in findings {
        let Some(fix) = &mut f.fix else { continue };
        let file = files.get(f.file);
        if let Some(required) = fix.requires.take() {
            let holds = file.is_some_and(|src| {
                fix.edits
                    .iter()
                    .all(|e| src.slice(e.span) == required && !src.text.is_empty())
            });
            if !holds {
                fix.unplaceable("the source line does not hold the rendered value");
            }
        }
        if file.is_none_or(|src| src.disk.is_none())
            && fix.applicability != crate::model::Applicability::DisplayOnly
        {
            // Standard input, a render, or a file read only while tracing a render.
            fix.downgrade("scalelint writes only the files it was given to check");
        }
    }
}

/// One finding per place and rule, naming every render (overlay, chart render) it was found
/// in: `out` holds each finding with the renders it came from.
fn merge_renders(mut out: Vec<(Finding, Vec<String>)>, noun: &str, nouns: &str) -> Vec<Finding> {
    // Where the renders' messages differ (another namespace, another replica count), the
    // message is the first one's and each render's own is on its rendered place.
    out.sort_by(|(a, ao), (b, bo)| {
        (a.file, a.span.start, a.span.end, &a.rule, ao, &a.message).cmp(&(
            b.file,
            b.span.start,
            b.span.end,
            &b.rule,
            bo,
            &b.message,
        ))
    });
    let own_message = |f: &mut Finding, overlays: &[String], message: &str| {
        for o in overlays {
            let plain = crate::model::Label::rendered_message(Some(o));
            for l in f.labels.iter_mut().filter(|l| *l.message == *plain) {
                l.message = format!("{plain}: {message}").into();
            }
        }
    };
    let mut merged: Vec<(Finding, Vec<String>)> = Vec::with_capacity(out.len());
    // A finding moved from a rendered place (it carries that place as a label).
    let traced = |x: &Finding| x.labels.iter().any(crate::model::Label::is_rendered_place);
    for (mut f, overlays) in out {
        if let Some((last, names)) = merged.last_mut()
            && (last.file, last.span, &last.rule) == (f.file, f.span, &f.rule)
            // From several renders; or the same words from several objects of one render (a
            // template's `range`), said once with each rendered place.
            && ((!overlays.is_empty() && !names.is_empty())
                || (f.message == last.message && traced(&f) && traced(last)))
        {
            if f.fix != last.fix
                && let Some(fix) = &mut last.fix
            {
                fix.unplaceable("the renders need different fixes here");
            }
            if f.message != last.message {
                let first = last.message.clone();
                own_message(last, names, &first);
                let message = f.message.clone();
                own_message(&mut f, &overlays, &message);
            }
            for l in f.labels {
                if !last.labels.contains(&l) {
                    last.labels.push(l);
                }
            }
            names.extend(overlays);
            continue;
        }
        merged.push((f, overlays));
    }
    merged
        .into_iter()
        .map(|(mut f, mut overlays)| {
            overlays.sort();
            overlays.dedup();
            let quoted: Vec<String> = overlays.iter().map(|o| format!("`{o}`")).collect();
            match quoted.as_slice() {
                [] => {}
                [one] => f.message = format!("{} (in {noun} {one})", f.message),
                many => f.message = format!("{} (in {nouns} {})", f.message, many.join(", ")),
            }
            f
        })
        .collect()
}

/// Findings and labels in Helm output, moved to the template or values line that wrote
/// them (see `helm::trace`), with the rendered place as a related location; the same finding
/// from several renders of a chart is reported once, naming them all.
fn trace_helm(
    run: &mut Files,
    mut findings: Vec<Finding>,
    charts: &helm::Prepared,
) -> Vec<Finding> {
    locate::assign(file_of(&run.sources, &run.projections), &mut findings);
    let mut cx = HelmTracing {
        charts,
        ids: charts.ids.clone(),
        precommit: run.context.iter().any(|c| *c),
        templates: std::collections::HashMap::new(),
        values: helm::ValuesCache::default(),
        defines: std::collections::HashMap::new(),
    };
    let mut out: Vec<(Finding, Vec<String>)> = Vec::with_capacity(findings.len());
    for mut f in findings {
        let mut renders = Vec::new();
        if let Some((file, span)) = cx.place(run, f.file, f.span) {
            let scope = run
                .helm
                .get(f.file)
                .and_then(Option::as_ref)
                .and_then(|h| h.scope);
            let render = scope
                .and_then(|s| charts.scenarios.get(s))
                .map(|sc| sc.label.as_str());
            renders.extend(render.map(str::to_string));
            move_finding(run, &mut f, file, span, render);
        }
        for l in &mut f.labels {
            if run.helm.get(l.file).is_some_and(Option::is_some)
                && !l.is_rendered_place()
                && let Some((file, span)) = cx.place(run, l.file, l.span)
            {
                l.file = file;
                l.span = span;
            }
        }
        out.push((f, renders));
    }
    merge_renders(out, "chart render", "chart renders")
}

/// What tracing Helm output reads once: template skeletons and values files.
struct HelmTracing<'a> {
    charts: &'a helm::Prepared,
    ids: std::collections::HashMap<std::path::PathBuf, usize>,
    precommit: bool,
    templates: std::collections::HashMap<
        std::path::PathBuf,
        Option<std::sync::Arc<(String, helm::trace::Skeleton)>>,
    >,
    values: helm::ValuesCache,
    /// The named templates of each chart folder.
    defines: std::collections::HashMap<
        std::path::PathBuf,
        std::sync::Arc<std::collections::HashMap<String, std::sync::Arc<helm::trace::Define>>>,
    >,
}

impl HelmTracing<'_> {
    /// The place in a template or values file that `span` of Helm output `file` shows, as
    /// (file id, span); files outside the run are added to it.
    fn place(
        &mut self,
        run: &mut Files,
        file: usize,
        span: crate::model::Span,
    ) -> Option<(usize, crate::model::Span)> {
        let h = run.helm.get(file)?.as_ref()?;
        let objects = run.projections.get(file)?.all();
        let (i, obj) = objects.iter().enumerate().find(|(_, o)| {
            o.format == crate::model::Format::Kubernetes && o.root.span.contains(span)
        })?;
        let source = h.sources.get(i)?.as_deref()?;
        let (chart_dir, values) = match h.scope.and_then(|s| self.charts.scenarios.get(s)) {
            Some(sc) => (
                self.charts.charts.get(sc.chart)?.dir.clone(),
                sc.all_values(&self.charts.charts),
            ),
            None => {
                let dir = helm::chart_for_input(self.charts.input_chart.as_ref(), source)?;
                let mut v = vec![dir.join("values.yaml")];
                v.extend(self.charts.settings.input_values.iter().cloned());
                (dir, v)
            }
        };
        let template = helm::template_path(&chart_dir, source);
        // A subchart's template reads the subchart's values, then what the parent's values
        // files set under its name.
        let values: Vec<(std::path::PathBuf, Vec<String>)> =
            match helm::subchart_dir(&chart_dir, source) {
                Some(sub) => {
                    let name = sub
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default();
                    std::iter::once((sub.join("values.yaml"), Vec::new()))
                        .chain(values.into_iter().map(|v| (v, vec![name.clone()])))
                        .collect()
                }
                None => values.into_iter().map(|v| (v, Vec::new())).collect(),
            };
        let parsed = self
            .templates
            .entry(template.clone())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(&template).ok()?;
                let skeleton = helm::trace::Skeleton::parse(&text);
                Some(std::sync::Arc::new((text, skeleton)))
            })
            .clone()?;
        let values = self.values.get(&values);
        let defines = self
            .defines
            .entry(chart_dir.clone())
            .or_insert_with(|| std::sync::Arc::new(helm::chart_defines(&chart_dir)))
            .clone();
        let find = |name: &str| defines.get(name).cloned();
        let traced = parsed.1.locate(&parsed.0, obj, span, &values, &find)?;
        let path = super::kustomize::tree::normalize(traced.file.as_deref().unwrap_or(&template));
        let id = match self.ids.get(&path) {
            Some(&id) => id,
            None => {
                let text = std::fs::read_to_string(&path).ok()?;
                let id = run.add(super::shown_path(&path), text, self.precommit);
                self.ids.insert(path, id);
                id
            }
        };
        Some((id, traced.span))
    }
}

/// The place in a source file that `span` of rendered file `file` shows, as (file id, span);
/// files outside the run are added to it.
fn trace_place(
    run: &mut Files,
    tracer: &Tracer<'_>,
    file: usize,
    span: crate::model::Span,
    ids: &mut std::collections::HashMap<std::path::PathBuf, usize>,
    precommit: bool,
) -> Option<(usize, crate::model::Span)> {
    let (root, provenance) = run.rendered.get(file)?.as_ref()?;
    let objects = run.projections.get(file)?.all();
    // The Kubernetes object holding the place (not a config embedded in it): kustomize's
    // provenance and the source files are about Kubernetes objects.
    let holds = |o: &crate::model::Object| o.root.span.contains(span);
    let (i, obj) = objects
        .iter()
        .enumerate()
        .find(|(_, o)| o.format == crate::model::Format::Kubernetes && holds(o))
        .or_else(|| objects.iter().enumerate().find(|(_, o)| holds(o)))?;
    let located = tracer.locate(*root, obj, provenance.get(i)?, span)?;
    let mut at = located.span;
    if let Some(outer) = located.within
        && let (Some(rendered), Some(source)) = (run.sources.get(file), tracer.text(&located.file))
    {
        at = super::kustomize::trace::sub_span(&rendered.text, outer, span, &source, at);
    }
    let id = match ids.get(&located.file) {
        Some(&id) => id,
        None => {
            let text = tracer.text(&located.file)?;
            let id = run.add(super::shown_path(&located.file), text, precommit);
            ids.insert(located.file.clone(), id);
            id
        }
    };
    Some((id, at))
}

/// Suppression comments and annotations, then the configured levels: `(reported,
/// suppressed)`.
fn suppress_and_level(
    run: &mut Files,
    findings: Vec<Finding>,
    rules: &RuleSet,
) -> (Vec<Finding>, Vec<Finding>) {
    let known = rules.catalog().names();
    let directives = std::mem::take(&mut run.directives);
    let (mut findings, mut suppressed) =
        suppress::apply(&run.sources, directives, findings, &known, &|r| {
            !rules.off.contains(r)
        });
    findings.retain(|f| !rules.off.contains(f.rule.as_ref()));
    for f in findings.iter_mut().chain(suppressed.iter_mut()) {
        if let Some(l) = rules.levels.get(f.rule.as_ref()) {
            f.level = *l;
        }
    }
    (findings, suppressed)
}

/// Cross-resource and suppression findings are located on the projections, which are
/// dropped afterwards. Each run of findings in one file is located on its own thread (a
/// packed file's objects are decoded for it).
fn locate_late(run: &mut Files, findings: &mut [Finding], suppressed: &mut [Finding]) {
    let projections = std::mem::take(&mut run.projections);
    for list in [findings, suppressed] {
        list.par_chunk_by_mut(|a, b| a.file == b.file)
            .for_each(|same_file| {
                let file = same_file.first().map(|f| f.file);
                match file.and_then(|id| Some((run.sources.get(id)?, projections.get(id)?))) {
                    Some((source, objects))
                        if objects.is_packed() && objects.len() > DECODED_AT_ONCE =>
                    {
                        locate_by_chunks(&source.path, objects, same_file);
                    }
                    _ => locate::assign(file_of(&run.sources, &projections), same_file),
                }
            });
    }
    // Freed before the texts are read again, so the two never take memory at the same time;
    // a large project's projections take a tenth of a second to free on one thread, so
    // every thread frees a share.
    if projections.len() > 1000 {
        projections.into_par_iter().for_each(drop);
    }
}

/// The most objects of a packed file decoded together for its late locators: a larger
/// file's (a stream of a whole cluster's manifests) are decoded a few at a time.
const DECODED_AT_ONCE: usize = 1000;

/// The locators of `findings`, all in one packed file of many objects: a chunk of findings
/// at a time (by place), each decoding only the objects that hold its findings.
fn locate_by_chunks(path: &str, objects: &Projections, findings: &mut [Finding]) {
    const CHUNK: usize = 256;
    // Stable, by place only: findings the final order ties keep their order.
    findings.sort_by_key(|f| f.span.start);
    let roots = objects.roots();
    for chunk in findings.chunks_mut(CHUNK) {
        let spans: Vec<Span> = chunk
            .iter()
            .filter(|f| f.locator.is_empty())
            .map(|f| f.span)
            .collect();
        if spans.is_empty() {
            continue;
        }
        let held = objects.holding(&roots, &spans);
        locate::assign(|_| Some((path, Cow::Borrowed(&*held))), chunk);
    }
}

/// A file's shown path and objects, by id, as `locate::assign` reads them.
fn file_of<'a>(
    sources: &'a [SourceFile],
    projections: &'a [Projections],
) -> impl Fn(usize) -> Option<(&'a str, Cow<'a, [crate::model::Object]>)> + Copy {
    move |id| Some((sources.get(id)?.path.as_str(), projections.get(id)?.all()))
}

/// Texts dropped after checking are read again for the findings that point into them; a file
/// that changed since it was read loses its findings for an `io-error`.
fn restore(
    run: &mut Files,
    findings: &mut Vec<Finding>,
    suppressed: &mut Vec<Finding>,
    positions_only: bool,
) {
    let changed = restore_texts(
        &mut run.sources,
        &run.origins,
        findings,
        suppressed,
        positions_only,
    );
    if changed.is_empty() {
        return;
    }
    for list in [&mut *findings, &mut *suppressed] {
        list.retain(|f| !changed.contains(&f.file));
        for f in list.iter_mut() {
            f.labels.retain(|l| !changed.contains(&l.file));
        }
    }
    // In any order: the final sort orders them.
    for id in changed {
        findings.push(io_error::finding(
            id,
            "the file changed while scalelint was reading it; its findings were dropped, lint it again",
        ));
    }
}

/// The files of the report: every named one, and the context files a secondary label points
/// into (ids renumbered, order kept). Returns them and how many are context files.
fn keep_files(
    run: Files,
    findings: &mut [Finding],
    suppressed: &mut [Finding],
) -> (Vec<SourceFile>, usize) {
    // Not checked themselves: context files, rendered overlays and files read while tracing.
    let aside: Vec<bool> = (0..run.sources.len())
        .map(|id| {
            run.is_context(id)
                || run.rendered.get(id).is_some_and(Option::is_some)
                || id >= run.inputs
        })
        .collect();
    let mut keep: Vec<bool> = aside.iter().map(|a| !a).collect();
    for f in findings.iter().chain(suppressed.iter()) {
        for id in std::iter::once(f.file).chain(f.labels.iter().map(|l| l.file)) {
            if let Some(k) = keep.get_mut(id) {
                *k = true;
            }
        }
    }
    // Kept files sorted by path (rendered overlays and traced files came after the inputs).
    let mut order: Vec<usize> = (0..run.sources.len())
        .filter(|&id| keep.get(id).copied().unwrap_or(false))
        .collect();
    order.sort_by(|&a, &b| {
        let path = |id: usize| run.sources.get(id).map(|s| s.path.as_str());
        path(a).cmp(&path(b)).then(a.cmp(&b))
    });
    let mut new_id = vec![usize::MAX; run.sources.len()];
    for (new, &old) in order.iter().enumerate() {
        if let Some(slot) = new_id.get_mut(old) {
            *slot = new;
        }
    }
    let renumber = |id: usize| new_id.get(id).copied().unwrap_or(id);
    let context_files = order
        .iter()
        .filter(|&&id| aside.get(id).copied().unwrap_or(false))
        .count();
    let mut slots: Vec<Option<SourceFile>> = run
        .sources
        .into_iter()
        .zip(run.origins)
        .map(|(mut source, origin)| {
            source.disk = origin.map(|o| o.path);
            Some(source)
        })
        .collect();
    let sources: Vec<SourceFile> = order
        .iter()
        .filter_map(|&id| slots.get_mut(id).and_then(Option::take))
        .collect();
    for f in findings.iter_mut().chain(suppressed.iter_mut()) {
        f.file = renumber(f.file);
        for l in &mut f.labels {
            l.file = renumber(l.file);
        }
    }
    (sources, context_files)
}

/// Sorted by path (file ids follow the sorted paths), line, column, rule; duplicates dropped.
fn sort(list: &mut Vec<Finding>) {
    list.sort_by(|a, b| {
        (a.file, a.span.start, &a.rule, a.span.end, &a.message).cmp(&(
            b.file,
            b.span.start,
            &b.rule,
            b.span.end,
            &b.message,
        ))
    });
    list.dedup();
}

/// Read again the files a finding or label points into whose text was dropped (their own
/// findings came from the cross-resource rules). With `positions_only`, only where lines and
/// columns cannot be told without the text, or a fix must be checked against it; what is
/// read is dropped again where it can be. Returns the files that changed since they were
/// first read: their positions can no longer be trusted.
fn restore_texts(
    sources: &mut [SourceFile],
    origins: &[Option<Origin>],
    findings: &[Finding],
    suppressed: &[Finding],
    positions_only: bool,
) -> HashSet<usize> {
    // A fix moved from a render is checked against its source's text (`settle_fixes`).
    let checked_against: HashSet<usize> = findings
        .iter()
        .chain(suppressed)
        .filter(|f| f.fix.as_ref().is_some_and(|x| x.requires.is_some()))
        .map(|f| f.file)
        .collect();
    let needs_text = |id: usize| !positions_only || checked_against.contains(&id);
    let mut needed: Vec<usize> = findings
        .iter()
        .chain(suppressed)
        .flat_map(|f| std::iter::once(f.file).chain(f.labels.iter().map(|l| l.file)))
        .filter(|&id| {
            sources
                .get(id)
                .is_some_and(|s| s.text.is_empty() && (!s.has_positions() || needs_text(id)))
                && origins.get(id).is_some_and(Option::is_some)
        })
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let texts: Vec<(usize, Option<SourceFile>)> = needed
        .into_par_iter()
        .map(|id| {
            let path = sources.get(id).map(|s| s.path.clone()).unwrap_or_default();
            let text = origins
                .get(id)
                .and_then(Option::as_ref)
                .and_then(|o| reread(id, o));
            // Dropped at once where it can be, so the texts are never all held together.
            let source = text.map(|text| {
                let source = SourceFile::new(path, text);
                if needs_text(id) || !source.text.is_ascii() {
                    source
                } else {
                    source.without_text()
                }
            });
            (id, source)
        })
        .collect();
    let mut changed = HashSet::new();
    for (id, source) in texts {
        match (source, sources.get_mut(id)) {
            (Some(source), Some(src)) => *src = source,
            _ => {
                changed.insert(id);
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::read::read_file;
    use crate::model::Level;
    use crate::model::Span;
    use std::path::Path;

    /// A packed file of many objects gets, chunk by chunk, the locators its whole trees give:
    /// for findings at objects, inside them, and outside every object.
    #[test]
    fn locators_by_chunks_are_those_of_the_whole_file() {
        use crate::engine::projection::{Packer, project};
        let mut text = String::new();
        for i in 0..1500 {
            text.push_str(&format!(
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web-{i}, namespace: ns-{}}}\nspec:\n  replicas: {}\n",
                i % 7,
                i % 3
            ));
        }
        let objects: Vec<crate::model::Object> = crate::sources::load(
            0,
            "all.yaml".into(),
            text.clone(),
            crate::sources::classify::Kind::Yaml,
        )
        .objects
        .into_iter()
        .map(project)
        .collect();
        assert_eq!(objects.len(), 1500);
        // A third of the objects have a finding at their root, a third inside, a third none.
        let mut spans = vec![Span::point(text.len() + 5)];
        for (i, o) in objects.iter().enumerate().rev() {
            match i % 3 {
                0 => spans.push(o.root.span),
                1 => spans.extend(o.root.path(&["spec", "replicas"]).map(|n| n.span)),
                _ => {}
            }
        }
        let findings: Vec<Finding> = spans
            .iter()
            .map(|&s| Finding::new("r", Level::Warning, 0, s, "m"))
            .collect();
        let mut packer = Packer::new();
        objects.iter().cloned().for_each(|o| packer.push(o));
        let packed = packer.finish();
        assert!(packed.is_packed() && packed.len() > DECODED_AT_ONCE);
        let mut whole = findings.clone();
        locate::assign(
            |_| Some(("all.yaml", Cow::Borrowed(&objects[..]))),
            &mut whole,
        );
        let mut chunked = findings;
        locate_by_chunks("all.yaml", &packed, &mut chunked);
        let by_span = |list: &[Finding]| {
            let mut l: Vec<(Span, String)> = list
                .iter()
                .map(|f| (f.span, f.locator.to_string()))
                .collect();
            l.sort();
            l
        };
        assert_eq!(by_span(&chunked), by_span(&whole));
        assert!(whole.iter().all(|f| !f.locator.is_empty()));
    }

    /// A dropped text is read again for a finding; a file that changed since it was read is
    /// reported instead of rendered at stale positions.
    #[test]
    fn dropped_texts_are_restored_unless_the_file_changed() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.yaml"), dir.path().join("b.yaml"));
        std::fs::write(&a, "a: 1\n").unwrap();
        std::fs::write(&b, "b: 1\n").unwrap();
        let origin = |p: &Path| read_file(p).map(|(_, o)| Some(o)).unwrap();
        let origins = vec![origin(&a), origin(&b), None];
        std::fs::write(&b, "b: 22\n").unwrap();
        let mut sources = vec![
            SourceFile::new("a.yaml", String::new()),
            SourceFile::new("b.yaml", String::new()),
            SourceFile::new("<stdin>", String::new()),
        ];
        let findings: Vec<Finding> = (0..3)
            .map(|id| Finding::new("r", Level::Warning, id, Span::point(0), "m"))
            .collect();
        let changed = restore_texts(&mut sources, &origins, &findings, &[], false);
        assert_eq!(sources[0].text, "a: 1\n");
        assert_eq!(sources[0].path, "a.yaml");
        assert_eq!(changed, HashSet::from([1]));
        assert_eq!(sources[2].text, "");
    }
}

//! The report stages after every file is checked: cross-resource rules, suppression,
//! levels, late locators, restored texts, the files kept, and the order of findings.

use super::diagnostics::{analysis_incomplete, io_error};
use super::dispatch::{Checked, RuleSet};
use super::index::Index;
use super::read::{Origin, reread};
use super::{locate, suppress};
use crate::model::{Finding, SourceFile};
use rayon::prelude::*;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// The result of a run.
#[derive(Debug)]
pub struct Report {
    /// Every file looked at, sorted by path; findings refer to them by index. Only files a
    /// finding or label points into keep their text (the rest have an empty `text`): holding
    /// every file's text would make memory grow with the size of the repository.
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
pub(super) fn finish(files: Vec<Checked>, rules: &RuleSet, start: Instant) -> Report {
    let mut findings = cross_resource(&files, rules);
    let objects = files.iter().map(|f| f.linted).sum();
    let mut run = Files::split(files, &mut findings);
    findings.retain(|f| !run.is_context(f.file) && !rules.off.contains(&f.rule));
    let (mut findings, mut suppressed) = suppress_and_level(&mut run, findings, rules);
    locate_late(&mut run, &mut findings, &mut suppressed);
    restore(&mut run, &mut findings, &mut suppressed);
    let (files, context_files) = keep_files(run, &mut findings, &mut suppressed);
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
    projections: Vec<Vec<crate::model::Object>>,
    context: Vec<bool>,
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
        };
        for mut f in files {
            findings.append(&mut f.findings);
            run.sources.push(f.source);
            run.origins.push(f.origin);
            run.directives.push(f.directives);
            run.projections.push(f.objects);
            run.context.push(f.context);
        }
        run
    }

    fn is_context(&self, id: usize) -> bool {
        self.context.get(id).copied().unwrap_or(false)
    }
}

/// The cross-resource rules over the index, and the relations a limit cut short, said at the
/// object concerned.
fn cross_resource(files: &[Checked], rules: &RuleSet) -> Vec<Finding> {
    let index = Index::build(
        files.iter().flat_map(|f| f.objects.iter()),
        files.iter().map(|f| f.source.path.as_str()).collect(),
    );
    let mut findings = rules.check_index(&index);
    findings.extend(
        index
            .incomplete
            .iter()
            .map(|i| analysis_incomplete::finding(i.file, i.span, i.message.clone())),
    );
    findings
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
    findings.retain(|f| !rules.off.contains(&f.rule));
    for f in findings.iter_mut().chain(suppressed.iter_mut()) {
        if let Some(l) = rules.levels.get(&f.rule) {
            f.level = *l;
        }
    }
    (findings, suppressed)
}

/// Cross-resource and suppression findings are located on the projections, which are
/// dropped afterwards.
fn locate_late(run: &mut Files, findings: &mut [Finding], suppressed: &mut [Finding]) {
    let projections = std::mem::take(&mut run.projections);
    let sources = &run.sources;
    let file_of = |id: usize| {
        Some((
            sources.get(id)?.path.as_str(),
            projections.get(id)?.as_slice(),
        ))
    };
    locate::assign(file_of, findings);
    locate::assign(file_of, suppressed);
}

/// Texts dropped after checking are read again for the findings that point into them; a file
/// that changed since it was read loses its findings for an `io-error`.
fn restore(run: &mut Files, findings: &mut Vec<Finding>, suppressed: &mut Vec<Finding>) {
    let changed = restore_texts(&mut run.sources, &run.origins, findings, suppressed);
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
    let mut keep: Vec<bool> = run.context.iter().map(|c| !c).collect();
    for f in findings.iter().chain(suppressed.iter()) {
        for l in &f.labels {
            if let Some(k) = keep.get_mut(l.file) {
                *k = true;
            }
        }
    }
    let mut new_id = Vec::with_capacity(keep.len());
    let mut next = 0;
    for &k in &keep {
        new_id.push(next);
        next += usize::from(k);
    }
    let renumber = |id: usize| new_id.get(id).copied().unwrap_or(id);
    let mut context_files = 0;
    let sources: Vec<SourceFile> = run
        .sources
        .into_iter()
        .zip(keep.iter().zip(&run.context))
        .filter(|(_, (k, _))| **k)
        .map(|(s, (_, c))| {
            context_files += usize::from(*c);
            s
        })
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
/// findings came from the cross-resource rules). Returns the files that changed since they
/// were first read: their positions can no longer be trusted.
fn restore_texts(
    sources: &mut [SourceFile],
    origins: &[Option<Origin>],
    findings: &[Finding],
    suppressed: &[Finding],
) -> HashSet<usize> {
    let mut needed: Vec<usize> = findings
        .iter()
        .chain(suppressed)
        .flat_map(|f| std::iter::once(f.file).chain(f.labels.iter().map(|l| l.file)))
        .filter(|&id| {
            sources.get(id).is_some_and(|s| s.text.is_empty())
                && origins.get(id).is_some_and(Option::is_some)
        })
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let texts: Vec<(usize, Option<String>)> = needed
        .into_par_iter()
        .map(|id| {
            let text = origins
                .get(id)
                .and_then(Option::as_ref)
                .and_then(|o| reread(id, o));
            (id, text)
        })
        .collect();
    let mut changed = HashSet::new();
    for (id, text) in texts {
        match (text, sources.get_mut(id)) {
            (Some(text), Some(src)) => {
                let path = std::mem::take(&mut src.path);
                *src = SourceFile::new(path, text);
            }
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
        let changed = restore_texts(&mut sources, &origins, &findings, &[]);
        assert_eq!(sources[0].text, "a: 1\n");
        assert_eq!(sources[0].path, "a.yaml");
        assert_eq!(changed, HashSet::from([1]));
        assert_eq!(sources[2].text, "");
    }
}

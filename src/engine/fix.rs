//! The fix loop (`check --fix`, `--unsafe-fixes`, `--diff`): lint, apply every fix that
//! applies and does not overlap another in one pass, lint the fixed texts again, until
//! nothing changes or the cap is reached (ruff's loop). Fixed texts stay in memory (an
//! [`Overlay`]) between passes; the caller writes them (`--fix`) or prints their diff
//! (`--diff`). A fix is applied only to a file read from disk (never standard input or a
//! render) and never for a suppressed finding (suppressed findings are not in the report).

use super::dispatch::RuleSet;
use super::read::Overlay;
use super::{Options, Report};
use crate::model::{Applicability, Edit, Finding, Fix, Span, fix};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// How many times the files are linted and fixed before the loop gives up: a fix that
/// brings back a finding another fix removes would otherwise never end.
pub const MAX_PASSES: usize = 10;

/// One file the fixes changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub path: PathBuf,
    /// The path shown in output.
    pub shown: String,
    pub before: String,
    pub after: String,
}

impl Change {
    /// The change as a unified diff (`--- a/PATH`, `+++ b/PATH`, three lines of context).
    pub fn unified_diff(&self) -> String {
        // `a/` and `b/` as git writes them, also before an absolute path.
        let path = self.shown.trim_start_matches('/');
        similar::TextDiff::from_lines(&self.before, &self.after)
            .unified_diff()
            .context_radius(3)
            .missing_newline_hint(true)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string()
    }
}

/// What the loop did.
#[derive(Debug)]
pub struct Fixed {
    /// The report of the last pass: the findings left once the fixes are applied (renders
    /// read the files on disk, so a caller that writes the changes lints again for them).
    pub report: Report,
    /// The files changed, sorted by path.
    pub changes: Vec<Change>,
    /// How many fixes were applied, over every pass.
    pub applied: usize,
    /// The passes it took (the last one found nothing more to apply, unless it did not
    /// converge).
    pub passes: usize,
    /// Whether a pass found nothing more to apply before [`MAX_PASSES`].
    pub converged: bool,
}

/// Lints with `opts` and `rules`, applying the fixes at `threshold` (`Safe`: `--fix`,
/// `Unsafe`: `--unsafe-fixes`) until a fixed point. `adjust` is applied to every pass's
/// report before its fixes are chosen (a baseline, which hides findings from fixing too).
pub fn run(
    opts: &Options,
    rules: &RuleSet,
    threshold: Applicability,
    adjust: impl Fn(&mut Report),
) -> Fixed {
    let mut overlay: Overlay = opts.overlay.as_deref().cloned().unwrap_or_default();
    let mut originals: BTreeMap<PathBuf, (String, String)> = BTreeMap::new();
    let mut applied = 0;
    let mut passes = 0;
    loop {
        let mut pass_opts = opts.clone();
        pass_opts.overlay = Some(Arc::new(overlay.clone()));
        // Fixes are applied to the texts.
        pass_opts.positions_only = false;
        let mut report = super::lint(&pass_opts, rules);
        adjust(&mut report);
        passes += 1;
        let planned = plan(&report, threshold);
        let converged = planned.is_empty();
        if converged || passes > MAX_PASSES {
            let changes = originals
                .into_iter()
                .filter_map(|(path, (shown, before))| {
                    let after = overlay.get(&path)?.clone();
                    (after != before).then_some(Change {
                        path,
                        shown,
                        before,
                        after,
                    })
                })
                .collect();
            return Fixed {
                report,
                changes,
                applied,
                passes,
                converged,
            };
        }
        for p in planned {
            originals
                .entry(p.path.clone())
                .or_insert_with(|| (p.shown.clone(), p.before.to_string()));
            applied += p.fixes;
            overlay.insert(p.path, p.after);
        }
    }
}

/// One file's fixes chosen in a pass.
struct FilePass {
    path: PathBuf,
    shown: String,
    before: String,
    after: String,
    fixes: usize,
}

/// The fixes of one pass, file by file: those at `threshold`, in order of position, each
/// taken unless one of its edits overlaps (or inserts at the same place as) an edit already
/// taken; the rest wait for the next pass, when the text has changed under them. Files
/// whose text would not change are left out.
fn plan(report: &Report, threshold: Applicability) -> Vec<FilePass> {
    let mut by_file: BTreeMap<usize, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        if f.fix.as_ref().is_some_and(|x| x.applies_at(threshold)) {
            by_file.entry(f.file).or_default().push(f);
        }
    }
    let mut out = Vec::new();
    for (id, findings) in by_file {
        let Some(file) = report.files.get(id) else {
            continue;
        };
        let Some(path) = file.disk.clone() else {
            continue;
        };
        let fixes: Vec<&Fix> = findings.iter().filter_map(|f| f.fix.as_deref()).collect();
        let Some((after, count)) = apply_fixes(&file.text, &fixes) else {
            continue;
        };
        if after != file.text {
            out.push(FilePass {
                path,
                shown: file.path.clone(),
                before: file.text.to_string(),
                after,
                fixes: count,
            });
        }
    }
    out
}

/// `text` with as many of `fixes` applied as can be in one pass: in order of position,
/// each taken unless one of its edits clashes with an edit already taken (the same edits
/// from two findings are applied once). Returns the text and how many fixes were applied;
/// `None` when an edit does not fit the text.
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> Option<(String, usize)> {
    let mut fixes: Vec<&Fix> = fixes
        .iter()
        .copied()
        .filter(|x| !x.edits.is_empty())
        .collect();
    fixes.sort_by_key(|x| (x.span().start, x.span().end));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut count = 0;
    for x in fixes {
        if x.edits.iter().all(|e| taken.contains(&e)) {
            continue;
        }
        if x.edits
            .iter()
            .any(|e| taken.iter().any(|t| clash(t.span, e.span)))
        {
            continue;
        }
        taken.extend(x.edits.iter());
        count += 1;
    }
    fix::apply(text, &taken).map(|t| (t, count))
}

/// Whether two edits cannot both be applied in one pass: they overlap, or insert at the
/// same place (their order would be a guess), or one inserts inside the other's range.
fn clash(a: Span, b: Span) -> bool {
    if a.is_empty() || b.is_empty() {
        let (point, other) = if a.is_empty() { (a, b) } else { (b, a) };
        return if other.is_empty() {
            point.start == other.start
        } else {
            other.start < point.start && point.start < other.end
        };
    }
    a.start < b.end && b.start < a.end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_clash_when_they_overlap_or_insert_at_one_place() {
        let s = Span::new;
        assert!(clash(s(0, 4), s(3, 6)));
        assert!(!clash(s(0, 3), s(3, 6)));
        assert!(clash(Span::point(3), Span::point(3)));
        assert!(!clash(Span::point(3), s(3, 6)));
        assert!(clash(Span::point(4), s(3, 6)));
        assert!(!clash(Span::point(6), s(3, 6)));
    }
}

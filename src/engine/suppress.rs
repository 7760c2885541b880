//! Suppressions: `scalelint-disable-next-line`, `scalelint-disable-line` and
//! `scalelint-disable-file` comments (`RULE[, RULE…]` or `all`, optional `-- reason`) and the
//! `scalelint.io/ignore` annotation on Kubernetes objects. Suppressed findings are kept apart
//! (SARIF shows them as dismissed); names that are not rules and suppressions that silenced
//! nothing are reported.
//!
//! Which comments exist is each format's business, and scalelint reads them as the program
//! does. YAML: `#` after a space, anywhere outside a scalar. pgbouncer.ini (libusual's
//! `parse_ini_file`): a line starting with `;` or `#`, or after a `[section]` header; after
//! `key = value` the rest of the line is the value. redis.conf (`loadServerConfigFromString`):
//! a line starting with `#`; after a directive a `#` is one more argument. `.properties`
//! (`Properties.load`): a line starting with `#` or `!`; after a key the rest of the line is
//! the value. A `scalelint-disable-…` written after a value in a flat format is therefore part
//! of that value: it cannot suppress anything and is reported as `suppression-unused`, with
//! the form that works.

use super::diagnostics::{suppression_unknown_rule, suppression_unused};
use crate::model::{Edit, Finding, Fix, Format, Node, Object, SourceFile, Span, Suppression};
use crate::sources::Comment;
use crate::suggest::closest;
use std::collections::HashSet;

/// The annotation that suppresses rules on a Kubernetes object (and on what is derived from
/// it: a Strimzi resource's Kafka config, a PrometheusRule's rule groups).
pub const ANNOTATION: &str = "scalelint.io/ignore";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// Findings starting on this 1-based line.
    Line(usize),
    /// Findings in the file.
    File,
    /// Findings inside this span (an annotated object).
    Object(Span),
}

#[derive(Clone)]
struct Directive {
    scope: Scope,
    /// Rule names (or `all`) and where each is written.
    names: Vec<(String, Span)>,
    reason: Option<String>,
    /// Where to report the directive when it names no rule (an implicit `all`).
    span: Span,
    used: Vec<bool>,
    /// What to delete to remove the whole directive (its comment, or its annotation's
    /// lines), when that can be done without touching anything else.
    whole: Option<Span>,
}

/// The span that deletes a comment: its whole line when nothing else is on it, else the
/// comment and the blanks before it (the line's code and its end stay).
fn comment_removal(src: &SourceFile, comment: Span) -> Option<Span> {
    let text = src.text.as_str();
    let line_start = text.get(..comment.start)?.rfind('\n').map_or(0, |i| i + 1);
    let before = text.get(line_start..comment.start)?;
    let line_end = text
        .get(comment.end..)?
        .find('\n')
        .map_or(text.len(), |i| comment.end + i);
    let after = text.get(comment.end..line_end)?;
    if !after.trim().is_empty() {
        return None;
    }
    if before.trim().is_empty() {
        let next = (line_end + 1).min(text.len());
        return Some(Span::new(line_start, next));
    }
    let code_end = line_start + before.trim_end_matches([' ', '\t']).len();
    // The line's end (`\r\n` included) stays.
    let end = if after.ends_with('\r') {
        line_end - 1
    } else {
        line_end
    };
    Some(Span::new(code_end, end))
}

/// The span that deletes a mapping entry written on lines of its own (from its key's line
/// start to the end of the line its value ends on).
fn entry_removal(src: &SourceFile, key: Span, value: Span) -> Option<Span> {
    let text = src.text.as_str();
    let line_start = text.get(..key.start)?.rfind('\n').map_or(0, |i| i + 1);
    if !text.get(line_start..key.start)?.trim().is_empty() {
        return None;
    }
    let rest = text.get(value.end..)?;
    let line_end = rest.find('\n').map_or(text.len(), |i| value.end + i + 1);
    let tail = text.get(value.end..line_end)?;
    // Only a comment may follow the value on its line.
    let tail = tail.trim();
    if !(tail.is_empty() || tail.starts_with('#')) {
        return None;
    }
    Some(Span::new(line_start, line_end))
}

/// The span that deletes name `i` of a directive's list with one separator, so the rest of
/// the list still reads.
fn name_removal(names: &[(String, Span)], i: usize) -> Option<Span> {
    let (_, span) = names.get(i)?;
    if let Some((_, next)) = names.get(i + 1) {
        return Some(Span::new(span.start, next.start));
    }
    let (_, prev) = names.get(i.checked_sub(1)?)?;
    Some(Span::new(prev.end, span.end))
}

/// Split `RULE, RULE -- reason` starting at byte `base` of the file: names with spans, reason.
fn names_and_reason(text: &str, base: usize) -> (Vec<(String, Span)>, Option<String>) {
    let (list, reason) = match text.find("--") {
        Some(i) => (
            text.get(..i).unwrap_or(""),
            text.get(i + 2..)
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string),
        ),
        None => (text, None),
    };
    let mut names = Vec::new();
    let mut start = None;
    for (i, c) in list
        .char_indices()
        .chain(std::iter::once((list.len(), ' ')))
    {
        let sep = c == ',' || c.is_whitespace();
        match (start, sep) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                names.push((
                    list.get(s..i).unwrap_or("").to_string(),
                    Span::new(base + s, base + i),
                ));
                start = None;
            }
            _ => {}
        }
    }
    (names, reason)
}

/// What every directive starts with.
const PREFIX: &str = "scalelint-disable-";

/// The directive words.
const SCOPES: [&str; 3] = [
    "scalelint-disable-next-line",
    "scalelint-disable-line",
    "scalelint-disable-file",
];

/// The directive word `body` starts with, when its first word is one.
fn scope_word(body: &str) -> Option<&'static str> {
    let word = body.split(char::is_whitespace).next().unwrap_or("");
    SCOPES.into_iter().find(|s| *s == word)
}

fn comment_directives(src: &SourceFile, comments: &[Comment]) -> Vec<Directive> {
    let mut out = Vec::new();
    if !comments.iter().any(|c| c.text.starts_with(PREFIX)) {
        return out;
    }
    let comment_lines = comment_only_lines(src, comments);
    for c in comments {
        let raw = src.slice(c.span);
        // The body inside the raw comment: after the marker and spaces.
        let Some(at) = raw.find(PREFIX) else {
            continue;
        };
        let body = raw.get(at..).unwrap_or("");
        let Some(scope_word) = scope_word(body) else {
            continue;
        };
        let rest = body.get(scope_word.len()..).unwrap_or("");
        let line = src.line_col(c.span.start).line;
        let scope = match scope_word {
            "scalelint-disable-line" => Scope::Line(line),
            "scalelint-disable-next-line" => Scope::Line(next_code_line(src, &comment_lines, line)),
            _ => Scope::File,
        };
        // Only a directive that opens the comment counts (prose may mention one).
        if !c.text.starts_with(scope_word) {
            continue;
        }
        let base = c.span.start + at + scope_word.len();
        let (names, reason) = names_and_reason(rest, base);
        out.push(Directive {
            scope,
            used: vec![false; names.len().max(1)],
            names,
            reason,
            span: Span::new(c.span.start + at, c.span.start + at + scope_word.len()),
            whole: comment_removal(src, c.span),
        });
    }
    out
}

/// Lines that hold nothing but a comment.
fn comment_only_lines(src: &SourceFile, comments: &[Comment]) -> HashSet<usize> {
    comments
        .iter()
        .map(|c| src.line_col(c.span.start))
        .filter(|lc| {
            src.line_text(lc.line)
                .get(..lc.column.saturating_sub(1))
                .is_some_and(|before| before.trim().is_empty())
        })
        .map(|lc| lc.line)
        .collect()
}

/// The first line after `line` that holds more than blanks and comments.
fn next_code_line(src: &SourceFile, comment_lines: &HashSet<usize>, line: usize) -> usize {
    let mut l = line + 1;
    while l <= src.line_count()
        && (src.line_text(l).trim().is_empty() || comment_lines.contains(&l))
    {
        l += 1;
    }
    l
}

fn annotation_directives(src: &SourceFile, objects: &[Object]) -> Vec<Directive> {
    let mut out = Vec::new();
    for obj in objects {
        if obj.format != Format::Kubernetes {
            continue;
        }
        let Some(entry) = obj
            .root
            .path(&["metadata", "annotations"])
            .and_then(|a| a.entry(ANNOTATION))
            .filter(|e| !e.value.is_null())
        else {
            continue;
        };
        let v = &entry.value;
        // In a flow mapping (`annotations: {…}`) the entry has no lines of its own.
        let whole = match src.slice(entry.key.span).starts_with(['{', ',']) {
            true => None,
            false => entry_removal(src, entry.key.span, v.span),
        };
        let Some(text) = v.as_str() else { continue };
        let (names, reason) = match plain_in_source(src, v) {
            Some(base) => names_and_reason(text, base),
            // A quoted or folded value: the names' places are not exact; point at the value.
            None => {
                let (names, reason) = names_and_reason(text, 0);
                (
                    names.into_iter().map(|(n, _)| (n, v.span)).collect(),
                    reason,
                )
            }
        };
        out.push(Directive {
            scope: Scope::Object(obj.root.span),
            used: vec![false; names.len().max(1)],
            // Names placed only at the value cannot be removed one by one.
            whole,
            names,
            reason,
            span: v.span,
        });
    }
    out
}

/// Where the value's text starts in the file, when the source holds it verbatim.
fn plain_in_source(src: &SourceFile, v: &Node) -> Option<usize> {
    let raw = src.slice(v.span);
    let text = v.as_str()?;
    let inner = raw.find(text)?;
    Some(v.span.start + inner)
}

/// A file's directives by scope.
struct Lookup {
    by_line: std::collections::HashMap<usize, Vec<usize>>,
    file: Vec<usize>,
    /// Annotated objects, sorted by start; Kubernetes objects of a file do not overlap.
    objects: Vec<(Span, usize)>,
}

impl Lookup {
    fn new(dirs: &[Directive]) -> Lookup {
        let mut l = Lookup {
            by_line: Default::default(),
            file: Vec::new(),
            objects: Vec::new(),
        };
        for (i, d) in dirs.iter().enumerate() {
            match d.scope {
                Scope::Line(n) => l.by_line.entry(n).or_default().push(i),
                Scope::File => l.file.push(i),
                Scope::Object(s) => l.objects.push((s, i)),
            }
        }
        l.objects.sort_by_key(|(s, _)| s.start);
        l
    }

    /// The directives whose scope holds a finding on `line` at `span`.
    fn candidates(&self, line: usize, span: Span) -> Vec<usize> {
        let mut out: Vec<usize> = self.file.clone();
        if let Some(v) = self.by_line.get(&line) {
            out.extend(v);
        }
        let after = self.objects.partition_point(|(s, _)| s.start <= span.start);
        if let Some((s, i)) = after.checked_sub(1).and_then(|k| self.objects.get(k))
            && span.end <= s.end
        {
            out.push(*i);
        }
        out
    }
}

/// A suppression directive that a flat format reads as part of a value.
#[derive(Clone)]
struct Swallowed {
    /// From the comment marker to the end of the value.
    span: Span,
    /// The text there (the file's text may be gone when findings are made).
    written: String,
    format: Format,
}

/// The suppression directives of one file: its `scalelint-disable-*` comments and the
/// `scalelint.io/ignore` annotations of its objects, and the directives its values
/// swallowed. Gathered while the file's tree and text are at hand (the engine drops both
/// once the file is checked).
#[derive(Clone, Default)]
pub struct Directives {
    directives: Vec<Directive>,
    swallowed: Vec<Swallowed>,
    /// Copies of directives written elsewhere (Helm output carries its templates' comments
    /// and annotations): they suppress what stays here, and are never said to be unused or
    /// unknown here (the originals are).
    quiet: bool,
}

impl Directives {
    /// Marks these directives as copies (see `quiet`).
    pub fn set_quiet(&mut self) {
        self.quiet = true;
    }

    pub fn append(&mut self, mut other: Directives) {
        self.directives.append(&mut other.directives);
        self.swallowed.append(&mut other.swallowed);
    }

    /// The `scalelint-disable-*` comments among `comments`.
    pub fn add_comments(&mut self, src: &SourceFile, comments: &[Comment]) {
        self.directives.extend(comment_directives(src, comments));
    }

    /// What `objects` (full trees) carry: the `scalelint.io/ignore` annotations of Kubernetes
    /// objects, and the `scalelint-disable-…` text that the values of a flat config file
    /// hold, where it is not a comment and cannot work.
    pub fn add_annotations(&mut self, src: &SourceFile, objects: &[Object]) {
        self.directives.extend(annotation_directives(src, objects));
        // Only flat formats swallow comments into values; one scan of the text then spares
        // walking every value of the (many) files without any directive.
        if objects.iter().all(|o| value_comment_markers(o).is_none())
            || memchr::memmem::find(src.text.as_bytes(), PREFIX.as_bytes()).is_none()
        {
            return;
        }
        for obj in objects {
            if let Some(markers) = value_comment_markers(obj) {
                let mut spans = Vec::new();
                swallowed_in(src, obj, markers, &mut spans);
                self.swallowed
                    .extend(spans.into_iter().map(|span| Swallowed {
                        span,
                        written: src.slice(span).to_string(),
                        format: obj.format,
                    }));
            }
        }
    }

    /// Whether the file has directives that can match findings (by line: the engine keeps
    /// the text of such a file).
    pub fn is_empty(&self) -> bool {
        self.directives.is_empty()
    }
}

/// The comment markers a user may have meant after a value of a flat config file (its own
/// markers, and `#` everywhere); `None` for an object whose format has comments after values
/// (YAML, what Strimzi resources and PrometheusRules derive from it).
fn value_comment_markers(obj: &Object) -> Option<&'static [char]> {
    match obj.format {
        Format::PgBouncer => Some(&['#', ';']),
        Format::Redis => Some(&['#']),
        Format::Kafka if obj.kind == "KafkaConfig" => Some(&['#', '!']),
        Format::Kafka | Format::Kubernetes | Format::Prometheus | Format::K6 => None,
    }
}

/// The spans of the directives that the values of a flat config file hold. Each value is
/// one line's: a `.properties` value, a redis.conf directive's arguments (one line per
/// occurrence of a directive that repeats), a pgbouncer.ini value or connection string.
fn swallowed_in(src: &SourceFile, obj: &Object, markers: &[char], out: &mut Vec<Span>) {
    let values: Vec<&Node> = if obj.format == Format::PgBouncer {
        values_of(&obj.root).flat_map(values_of).collect()
    } else {
        values_of(&obj.root).collect()
    };
    for v in values {
        let lines: Vec<&Node> = match v.as_seq() {
            Some(occurrences) if occurrences.iter().any(|o| o.as_seq().is_some()) => {
                occurrences.iter().collect()
            }
            _ => vec![v],
        };
        for line in lines {
            if let Some(at) = swallowed_at(src.slice(line.span), markers) {
                out.push(Span::new(line.span.start + at, line.span.end));
            }
        }
    }
}

/// The values of a mapping (nothing for another node).
fn values_of(node: &Node) -> impl Iterator<Item = &Node> {
    node.as_map().unwrap_or_default().iter().map(|e| &e.value)
}

/// Where in `raw` (one value as written) a `scalelint-disable-…` directive follows a
/// comment marker that starts the value or follows a blank: the marker's offset.
fn swallowed_at(raw: &str, markers: &[char]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = raw.get(from..).and_then(|r| r.find(PREFIX)) {
        let at = from + i;
        from = at + 1;
        let is_directive = scope_word(raw.get(at..).unwrap_or("")).is_some();
        let before = raw.get(..at).unwrap_or("").trim_end_matches([' ', '\t']);
        let Some(marker) = before.chars().last().filter(|c| markers.contains(c)) else {
            continue;
        };
        let m = before.len() - marker.len_utf8();
        let pre = raw.get(..m).unwrap_or("");
        if is_directive && (pre.is_empty() || pre.ends_with([' ', '\t'])) {
            return Some(m);
        }
    }
    None
}

/// Split `findings` into kept and suppressed, adding `suppression-unknown-rule` and
/// `suppression-unused` findings for the files with directives (context files have none).
/// `enabled` tells whether a rule runs: a suppression of a rule that is turned off is not
/// reported as unused. `sources` must have the text of every file with directives (a
/// finding's line is looked up only there).
pub fn apply(
    sources: &[SourceFile],
    per_file: Vec<Directives>,
    findings: Vec<Finding>,
    known: &[&str],
    enabled: &dyn Fn(&str) -> bool,
) -> (Vec<Finding>, Vec<Finding>) {
    let mut swallowed = Vec::new();
    let quiet: Vec<bool> = per_file.iter().map(|d| d.quiet).collect();
    let mut per_file: Vec<Vec<Directive>> = per_file
        .into_iter()
        .enumerate()
        .map(|(id, d)| {
            if !d.quiet {
                swallowed.extend(d.swallowed.into_iter().map(|s| (id, s)));
            }
            d.directives
        })
        .collect();
    // Directives by where they apply, so matching stays linear in findings and directives
    // (a file of many suppressions and many findings must not go quadratic).
    let scopes: Vec<Lookup> = per_file.iter().map(|d| Lookup::new(d)).collect();
    // Split in place: with many findings, a second vector of them would double the peak.
    let mut findings = findings;
    let mut hits = Vec::with_capacity(findings.len());
    for f in findings.iter_mut() {
        // Where the finding is, and (for one moved from Helm output) the rendered place,
        // whose copies of the template's comments and annotations suppress too.
        let rendered = f
            .labels
            .iter()
            .filter(|l| l.is_rendered_place())
            .filter(|l| quiet.get(l.file).copied().unwrap_or(false))
            .map(|l| (l.file, l.span));
        let places: Vec<(usize, crate::model::Span)> =
            std::iter::once((f.file, f.span)).chain(rendered).collect();
        let mut hit = None;
        for (file, span) in places {
            let has_directives = per_file.get(file).is_some_and(|d| !d.is_empty());
            if !has_directives {
                continue;
            }
            let line = sources
                .get(file)
                .map_or(0, |src| src.line_col(span.start).line);
            if let (Some(dirs), Some(lookup)) = (per_file.get_mut(file), scopes.get(file)) {
                for i in lookup.candidates(line, span) {
                    let Some(d) = dirs.get_mut(i) else { continue };
                    let which = if d.names.is_empty() {
                        Some(0)
                    } else {
                        d.names.iter().position(|(n, _)| n == "all" || *n == f.rule)
                    };
                    if let Some(i) = which {
                        if let Some(u) = d.used.get_mut(i) {
                            *u = true;
                        }
                        if hit.is_none() {
                            hit = Some(d.reason.clone());
                        }
                    }
                }
            }
        }
        hits.push(hit.is_some());
        if let Some(reason) = hit {
            f.suppression = Some(Box::new(Suppression {
                reason,
                external: false,
            }));
        }
    }
    let mut hits = hits.into_iter();
    let suppressed: Vec<Finding> = findings
        .extract_if(.., |_| hits.next().unwrap_or(false))
        .collect();
    let mut kept = findings;
    for (id, s) in swallowed {
        kept.push(suppression_unused::swallowed(
            id, s.span, s.format, &s.written,
        ));
    }
    for (id, dirs) in per_file.iter().enumerate() {
        if quiet.get(id).copied().unwrap_or(false) {
            continue;
        }
        for d in dirs {
            let remove_whole = |f: Finding| match d.whole {
                Some(span) => f.with_fix(Fix::safe(
                    "remove the suppression",
                    vec![Edit::delete(span)],
                )),
                None => f,
            };
            if d.names.is_empty() {
                if !d.used.first().copied().unwrap_or(true) {
                    kept.push(remove_whole(suppression_unused::finding(id, d.span, "all")));
                }
                continue;
            }
            // Every name reported (unused or unknown): the directive goes; else only the
            // unused name, so the rest of the list still suppresses (a directive left
            // with no name would suppress everything).
            let all_reported = d.names.iter().zip(&d.used).all(|((name, _), used)| {
                name != "all" && !known.contains(&name.as_str())
                    || (!used && (name == "all" || enabled(name)))
            });
            for (i, ((name, span), used)) in d.names.iter().zip(&d.used).enumerate() {
                if name != "all" && !known.contains(&name.as_str()) {
                    kept.push(suppression_unknown_rule::finding(
                        id,
                        *span,
                        name,
                        closest(name, known),
                    ));
                } else if !used && (name == "all" || enabled(name)) {
                    let f = suppression_unused::finding(id, *span, name);
                    let exact = d.names.iter().all(|(_, s)| s != &d.span);
                    let f = if all_reported {
                        remove_whole(f)
                    } else if let Some(cut) = name_removal(&d.names, i).filter(|_| exact) {
                        f.with_fix(Fix::safe(
                            format!("remove `{name}` from the suppression"),
                            vec![Edit::delete(cut)],
                        ))
                    } else {
                        f
                    };
                    kept.push(f);
                }
            }
        }
    }
    (kept, suppressed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn directives_swallowed_by_a_value() {
        let at = |raw: &str, markers: &[char]| super::swallowed_at(raw, markers);
        assert_eq!(
            at("3 # scalelint-disable-line kafka-partitions", &['#']),
            Some(2)
        );
        assert_eq!(at("3\t#scalelint-disable-file", &['#']), Some(2));
        assert_eq!(
            at("# scalelint-disable-next-line all -- x", &['#']),
            Some(0)
        );
        assert_eq!(at("100 ; scalelint-disable-line a", &['#', ';']), Some(4));
        assert_eq!(at("168 ! scalelint-disable-line all", &['#', '!']), Some(4));
        // Not after a marker that starts a word, not a directive, or another marker.
        for raw in [
            "http://x#scalelint-disable-line a",
            "3 # see scalelint-disable-line docs",
            "3 # scalelint-disable-lines",
            "3 # scalelint-disable-everything",
            "100 ; scalelint-disable-line a",
            "scalelint-disable-line a",
            "",
        ] {
            assert_eq!(at(raw, &['#']), None, "{raw:?}");
        }
        // The first of several.
        assert_eq!(
            at(
                "a#b # x scalelint-disable-line # scalelint-disable-line r",
                &['#']
            ),
            Some(31)
        );
    }

    #[test]
    fn names_and_reasons() {
        let (names, reason) = super::names_and_reason(" a, b  c -- because  ", 10);
        let n: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(n, ["a", "b", "c"]);
        assert_eq!(names[0].1, crate::model::Span::new(11, 12));
        assert_eq!(reason.as_deref(), Some("because"));
    }
}

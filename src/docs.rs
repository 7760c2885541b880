//! Text generated from rule metadata: the `rules` table, `explain`, the README's rules table.

use crate::engine::meta::{self, RuleMeta};
use std::fmt::Write;

fn levels(m: &RuleMeta) -> String {
    let mut s = m.level.to_string();
    for l in &m.other_levels {
        s.push_str(" / ");
        s.push_str(l.as_str());
    }
    s
}

/// The terminal table printed by `scalelint rules`.
pub fn rules_table() -> String {
    let metas = meta::all().unwrap_or(&[]);
    let width = metas.iter().map(|m| m.name.len()).max().unwrap_or(4);
    let lw = metas.iter().map(|m| levels(m).len()).max().unwrap_or(5);
    let mut out = String::new();
    let _ = writeln!(out, "{:width$}  {:lw$}  SUMMARY", "RULE", "LEVEL");
    for m in metas {
        let _ = writeln!(
            out,
            "{:width$}  {:lw$}  {}",
            m.name,
            levels(m),
            m.summary.trim()
        );
    }
    out
}

/// The Markdown table kept in README.md between the `rules-table` markers.
pub fn rules_markdown() -> String {
    let mut out = String::from("| rule | level | summary |\n|---|---|---|\n");
    for m in meta::all().unwrap_or(&[]) {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            m.name,
            levels(m),
            m.summary.trim().replace('|', "\\|")
        );
    }
    out
}

/// The rules reference, `docs/rules.md` (`scalelint rules --format markdown`): every rule's
/// section, as `explain` prints it.
pub fn rules_reference() -> String {
    let mut out = String::from(
        "# scalelint rules\n\nGenerated from the rule metadata in `rules/` and the fixtures in `fixtures/` by\n`scalelint rules --format markdown`; do not edit by hand. `scalelint explain RULE` prints one\nsection.\n\n",
    );
    out.push_str(&rules_markdown());
    for m in meta::all().unwrap_or(&[]) {
        out.push('\n');
        out.push_str(&explain(m));
    }
    out
}

/// The fence language for a fixture, from its extension.
fn fence(file: &str) -> &'static str {
    match file.rsplit('.').next() {
        Some("yaml" | "yml") => "yaml",
        Some("json") => "json",
        Some("ini") => "ini",
        Some("properties") => "properties",
        _ => "text",
    }
}

/// One rule's section of the reference; also what `scalelint explain RULE` prints.
pub fn explain(m: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n", m.name);
    let _ = writeln!(
        out,
        "Level: {} · domain: {} · since {}\n",
        levels(m),
        m.domain,
        m.since
    );
    let _ = writeln!(out, "{}\n", m.summary.trim());
    if m.always_on {
        let _ = writeln!(
            out,
            "Always reported: it says an input could not be checked, so `--select`, `--ignore`, \
             `off` and rule groups do not turn it off; its level can be set.\n"
        );
    }
    let _ = writeln!(out, "### Why\n\n{}\n", m.why.trim());
    let _ = writeln!(out, "### Fix\n\n{}\n", m.fix.trim());
    if !m.params.is_empty() {
        let _ = writeln!(
            out,
            "### Parameters\n\n| name | type | default | description |\n|---|---|---|---|"
        );
        for (name, p) in &m.params {
            // One line per parameter, however the metadata wrapped it.
            let description = p
                .description
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let _ = writeln!(
                out,
                "| `{name}` | {} | `{}` | {} |",
                p.kind,
                p.default,
                description.replace('|', "\\|")
            );
        }
        out.push('\n');
    }
    let (fail, pass) = meta::examples(&m.name);
    // The examples are embedded: an installed binary has no `fixtures/` to point at, so
    // only the file's name is shown.
    for (title, what, example) in [("Fails", "Failing", fail), ("Passes", "Passing", pass)] {
        if let Some((file, text)) = example {
            let _ = writeln!(
                out,
                "### {title}\n\n{what} example (`{file}`):\n\n```{}\n{}\n```\n",
                fence(file),
                text.trim_end()
            );
        }
    }
    out
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The candidate closest to `word`, when it is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

/// What a user most likely meant by `word` (a misspelt rule, level or key): the closest
/// candidate, compared without regard to case, or else the only candidate that `word` begins
/// (`warn` for `warning`).
pub fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    if let Some(c) = closest(&word, candidates) {
        return Some(c);
    }
    if word.chars().count() < 3 {
        return None;
    }
    let mut starting = candidates
        .iter()
        .filter(|c| c.to_lowercase().starts_with(&word));
    match (starting.next(), starting.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggestions() {
        assert_eq!(super::edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            super::closest("hpa-min-replica", &["hpa-min-replicas", "hpa-max-replicas"]),
            Some("hpa-min-replicas")
        );
        assert_eq!(super::closest("zzz", &["hpa-min-replicas"]), None);
        let levels = ["error", "warning", "info"];
        assert_eq!(super::suggest("warn", &levels), Some("warning"));
        assert_eq!(super::suggest("ERROR", &levels), Some("error"));
        assert_eq!(super::suggest("zz", &levels), None);
        assert_eq!(super::suggest("never", &levels), None);
    }
}

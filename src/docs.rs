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

/// `scalelint explain RULE`.
pub fn explain(m: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}, since {})\n", m.name, levels(m), m.since);
    let _ = writeln!(out, "{}\n", m.summary.trim());
    let _ = writeln!(out, "Why:\n{}\n", indent(m.why.trim()));
    let _ = writeln!(out, "Fix:\n{}", indent(m.fix.trim()));
    if !m.params.is_empty() {
        let _ = writeln!(out, "\nParameters:");
        for (name, p) in &m.params {
            // One line per parameter, however the metadata wrapped it.
            let description = p
                .description
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let _ = writeln!(
                out,
                "  {name} ({}, default {}): {description}",
                p.kind, p.default
            );
        }
    }
    out
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
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
    }
}

//! Text generated from rule metadata: the `rules` table, `explain`, the README's rules table.

use crate::engine::Catalog;
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

/// What `explain` says of a rule's fixes.
fn autofix_sentence(kinds: &[crate::model::Applicability]) -> String {
    use crate::model::Applicability as A;
    let said: Vec<&str> = kinds
        .iter()
        .map(|a| match a {
            A::Safe => "a safe fix (`scalelint check --fix` applies it)",
            A::Unsafe => "an unsafe fix (applied with `--unsafe-fixes`: review it, it may change more than the finding)",
            A::DisplayOnly => "a fix that is only shown (`--diff`, editors), never applied",
        })
        .collect();
    let mut s = String::from("Autofix: findings may carry ");
    match said.split_last() {
        Some((last, [])) => s.push_str(last),
        Some((last, rest)) => {
            s.push_str(&rest.join(", "));
            s.push_str(" or ");
            s.push_str(last);
        }
        None => {}
    }
    s.push('.');
    s
}

/// The terminal table printed by `scalelint rules`.
pub fn rules_table(catalog: &Catalog) -> String {
    let metas = catalog.metas();
    let width = catalog.metas().map(|m| m.name.len()).max().unwrap_or(4);
    let lw = catalog.metas().map(|m| levels(m).len()).max().unwrap_or(5);
    let fw = catalog
        .metas()
        .map(|m| m.autofix_label().len())
        .max()
        .unwrap_or(3)
        .max(3);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:width$}  {:lw$}  {:fw$}  SUMMARY",
        "RULE", "LEVEL", "FIX"
    );
    for m in metas {
        let _ = writeln!(
            out,
            "{:width$}  {:lw$}  {:fw$}  {}",
            m.name,
            levels(m),
            m.autofix_label(),
            m.summary.trim()
        );
    }
    out
}

/// The Markdown table kept in README.md between the `rules-table` markers.
pub fn rules_markdown(catalog: &Catalog) -> String {
    let mut out = String::from("| rule | level | fix | summary |\n|---|---|---|---|\n");
    for m in catalog.metas() {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            m.name,
            levels(m),
            m.autofix_label(),
            m.summary.trim().replace('|', "\\|")
        );
    }
    out
}

/// The rules reference, `docs/rules.md` (`scalelint rules --format markdown`): every rule's
/// section, as `explain` prints it.
pub fn rules_reference(catalog: &Catalog) -> String {
    let mut out = String::from(
        "# scalelint rules\n\nGenerated from the rule metadata in `rules/` and the fixtures in `fixtures/` by\n`scalelint rules --format markdown`; do not edit by hand. `scalelint explain RULE` prints one\nsection.\n\n",
    );
    out.push_str(&rules_markdown(catalog));
    for m in catalog.metas() {
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
    if !m.autofix.is_empty() {
        let _ = writeln!(out, "{}\n", autofix_sentence(&m.autofix));
    }
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

//! `pgbouncer-pool-mode`: PgBouncer pools per session (its default) or per statement
//! rather than per transaction, globally or for one database or user.

use super::values::read_pool_mode;
use super::{DEFAULT_POOL_MODE, main_section};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::{Format, Node};
use crate::rules::values::Read;
use crate::sources::pgbouncer::shorten;
use crate::model::Applicability;
use crate::rules::common::{replace_config_value, set_config};
use crate::sources::edit::New;
use serde::Deserialize;

fn transaction() -> New {
    New::str("transaction")
}
const UNSAFE_WHY: &str =
    "set `pool_mode = transaction` (session features such as SET, LISTEN and advisory locks then break)";

crate::declare_rule!(object PgbouncerPoolMode: "pgbouncer" / "pgbouncer-pool-mode");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PgbouncerPoolMode {}

/// What is wrong with a pool mode other than `transaction`.
fn consequence(mode: &str) -> &'static str {
    if mode == "statement" {
        "transactions spanning several statements are refused in this mode"
    } else {
        "every client holds a server connection for its whole session, so nothing is pooled under high concurrency"
    }
}

/// The mode PgBouncer reads in `node`, when it is not `transaction`. A mode PgBouncer
/// refuses (it does not load the file) is `invalid-value`'s.
fn not_transaction(node: &Node) -> Option<&'static str> {
    match read_pool_mode(node.text()?) {
        Read::Value("transaction") | Read::Rejected { .. } | Read::Unknown => None,
        Read::Value(mode) => Some(mode),
    }
}

impl ObjectRule for PgbouncerPoolMode {
    fn target(&self) -> Target<'_> {
        Target::format(Format::PgBouncer, &[])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        if let Some(main) = main_section(cx.obj) {
            match main.get("pool_mode") {
                Some(node) => {
                    if let Some(mode) = not_transaction(node) {
                        let written = shorten(node.text().unwrap_or_default());
                        let f = cx
                            .finding(
                                node.span,
                                format!("pool_mode is `{written}`, not `transaction`: {}", consequence(mode)),
                            )
                            .with_label("not transaction")
                            .with_help({
                                let (setting, place) = super::written(cx.obj, "pool_mode", "transaction");
                                // An INI value is set where it is written.
                                let place = if super::is_ini(cx.obj) { "" } else { place };
                                format!("set {setting}{place}; clients must then not rely on session state (SET, LISTEN, advisory locks) across transactions")
                            })
                            .with_fix_opt(
                                set_config(cx, Some("pgbouncer"), "pool_mode", Some(node), &transaction())
                                    .map(|p| p.fix(Applicability::Unsafe, UNSAFE_WHY)),
                            );
                        cx.emit(f);
                    }
                }
                None => {
                    let f = cx
                        .finding(
                            cx.obj.anchor_span(),
                            format!(
                                "pool_mode is not set and defaults to `{DEFAULT_POOL_MODE}`: {}",
                                consequence(DEFAULT_POOL_MODE)
                            ),
                        )
                        .with_label(if super::is_ini(cx.obj) {
                            "no pool_mode in [pgbouncer]"
                        } else {
                            // An operator's resource: no INI section to name.
                            "no pool mode set here"
                        })
                        .with_help({
                            let (setting, place) = super::written(cx.obj, "pool_mode", "transaction");
                            format!("add {setting}{place}")
                        })
                        .with_fix_opt(
                            set_config(cx, Some("pgbouncer"), "pool_mode", None, &transaction())
                                .map(|p| p.fix(Applicability::Unsafe, UNSAFE_WHY)),
                        );
                    cx.emit(f);
                }
            }
        }
        check_overrides(cx);
    }
}

/// Per-database and per-user overrides in their connection strings.
fn check_overrides(cx: &mut Ctx<'_>) {
    for (what, name, node) in super::pool_mode_overrides(cx.obj) {
        let Some(mode) = not_transaction(node) else {
            continue;
        };
        let written = shorten(node.text().unwrap_or_default());
        let name = shorten(name);
        let f = cx
                    .finding(
                        node.span,
                        format!(
                            "{what} `{name}` sets pool_mode `{written}`, not `transaction`: {}",
                            consequence(mode)
                        ),
                    )
                    .with_label(format!("{what} override, not transaction"))
                    .with_help(format!(
                        "set `pool_mode=transaction` here, or remove it so the {what} uses the [pgbouncer] pool_mode"
                    ))
                    .with_fix(replace_config_value(cx, node, &transaction()).fix(
                        Applicability::Unsafe,
                        "set `pool_mode=transaction` (session features such as SET, LISTEN and advisory locks then break)",
                    ));
        cx.emit(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::run_rule;
    use super::NAME;
    use serde_json::json;

    fn hits(text: &str) -> Vec<(String, String)> {
        run_rule(NAME, json!({}), text)
            .into_iter()
            .map(|h| (h.at, h.message))
            .collect()
    }

    #[test]
    fn modes() {
        assert!(hits("[pgbouncer]\npool_mode = transaction\n").is_empty());
        assert!(hits("[pgbouncer]\npool_mode = Transaction\n").is_empty());
        let h = hits("[pgbouncer]\npool_mode = statement\n");
        assert_eq!(h[0].0, "statement");
        assert!(h[0].1.contains("spanning several statements"), "{h:?}");
        // PgBouncer refuses this value (the `;` is not a comment): `invalid-value` reports it.
        assert!(hits("[pgbouncer]\npool_mode = transaction ; comment\n").is_empty());
        assert!(hits("[databases]\na = host=x pool_mode=pooled\n").is_empty());
        let h = hits("[pgbouncer]\nlisten_port = 6432\n");
        assert_eq!(h[0].0, "");
        assert!(h[0].1.starts_with("pool_mode is not set"), "{h:?}");
    }

    #[test]
    fn overrides() {
        let h = hits(
            "[databases]\na = host=x pool_mode=session\nb = host=x pool_mode=transaction\n* = host=y pool_mode='statement'\n[users]\nu = pool_mode=session\n[pgbouncer]\npool_mode = transaction\n",
        );
        let at: Vec<&str> = h.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(at, ["session", "'statement'", "session"]);
        assert!(h[0].1.starts_with("database `a` sets pool_mode `session`"));
        assert!(h[2].1.starts_with("user `u` sets pool_mode `session`"));
    }

    #[test]
    fn a_fragment_without_pgbouncer_section_is_judged_only_on_what_it_sets() {
        assert!(hits("[databases]\na = host=x\n").is_empty());
        assert_eq!(hits("[databases]\na = host=x pool_mode=session\n").len(), 1);
    }
}

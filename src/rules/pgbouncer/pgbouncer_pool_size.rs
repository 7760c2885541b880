//! `pgbouncer-pool-size`: pool sizes that the connection limits can never satisfy.

use super::{
    DEFAULT_MAX_CLIENT_CONN, DEFAULT_MAX_DB_CONNECTIONS, DEFAULT_POOL_SIZE,
    DEFAULT_RESERVE_POOL_SIZE, int_setting, main_section,
};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::{Format, Node};
use serde::Deserialize;

crate::declare_rule!(object PgbouncerPoolSize: "pgbouncer" / "pgbouncer-pool-size");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PgbouncerPoolSize {}

/// `key value`, or `key value (default)` when the value is PgBouncer's default.
fn show(key: &str, node: Option<&Node>, value: i64) -> String {
    match node {
        Some(_) => format!("{key} {value}"),
        None => format!("{key} {value} (default)"),
    }
}

impl ObjectRule for PgbouncerPoolSize {
    fn target(&self) -> Target<'_> {
        // Not a Zalando pooler's mode alone (`PgBouncerPooler`): its operator sets the rest.
        Target::format(Format::PgBouncer, &["PgBouncerConfig"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(main) = main_section(cx.obj) else {
            return;
        };
        // A setting that is not a number disables the comparisons it takes part in.
        let Some((pool_node, pool)) = int_setting(main, "default_pool_size", DEFAULT_POOL_SIZE)
        else {
            return;
        };
        let reserve = int_setting(main, "reserve_pool_size", DEFAULT_RESERVE_POOL_SIZE);
        let max_db = int_setting(main, "max_db_connections", DEFAULT_MAX_DB_CONNECTIONS);
        let max_client = int_setting(main, "max_client_conn", DEFAULT_MAX_CLIENT_CONN);

        let mut problems = Vec::new();
        let mut labels = Vec::new();
        if let (Some((reserve_node, reserve)), Some((Some(max_db_node), max_db))) =
            (reserve, max_db)
        {
            // 0 (and below) means no limit.
            let total = pool.saturating_add(reserve.max(0));
            if max_db > 0 && total > max_db {
                let sum = if reserve_node.is_some() || reserve > 0 {
                    format!(
                        "{} + {} = {total}",
                        show("default_pool_size", pool_node, pool),
                        show("reserve_pool_size", reserve_node, reserve)
                    )
                } else {
                    show("default_pool_size", pool_node, pool)
                };
                problems.push(format!(
                    "{sum} exceeds max_db_connections {max_db}, so a database's pool can never reach its size"
                ));
                if let Some(n) = reserve_node {
                    labels.push((n.span, "reserve_pool_size"));
                }
                labels.push((max_db_node.span, "max_db_connections"));
            }
        }
        if let Some((max_client_node, max_client)) = max_client
            && pool > max_client
        {
            problems.push(format!(
                "{} exceeds {}, so the pool can never fill",
                show("default_pool_size", pool_node, pool),
                show("max_client_conn", max_client_node, max_client)
            ));
            if let Some(n) = max_client_node {
                labels.push((n.span, "max_client_conn"));
            }
        }
        if problems.is_empty() {
            return;
        }
        let (span, label) = match pool_node {
            Some(n) => (n.span, "pool size"),
            None => (cx.obj.anchor_span(), "default_pool_size not set (20)"),
        };
        let mut f = cx
            .finding(span, problems.join("; and "))
            .with_label(label)
            .with_help("lower `default_pool_size` (plus `reserve_pool_size`) to fit within `max_db_connections` and `max_client_conn`, or raise those limits");
        for (s, text) in labels {
            f = f.with_secondary(cx.obj.file, s, text);
        }
        cx.emit(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::run_rule;
    use super::NAME;
    use serde_json::json;

    fn hits(text: &str) -> Vec<(String, String, Vec<String>)> {
        run_rule(NAME, json!({}), text)
            .into_iter()
            .map(|h| (h.at, h.message, h.labels))
            .collect()
    }

    #[test]
    fn scaling_guide_and_defaults_pass() {
        assert!(hits("[pgbouncer]\npool_mode = transaction\nmax_client_conn = 1000\ndefault_pool_size = 25\nreserve_pool_size = 5\n").is_empty());
        assert!(hits("[pgbouncer]\n").is_empty());
        // max_db_connections 0 is unlimited.
        assert!(hits("[pgbouncer]\ndefault_pool_size = 90\nmax_db_connections = 0\n").is_empty());
        assert!(hits("[pgbouncer]\ndefault_pool_size = 25\nreserve_pool_size = 5\nmax_db_connections = 30\n").is_empty());
    }

    #[test]
    fn pool_plus_reserve_above_max_db_connections() {
        let h = hits(
            "[pgbouncer]\ndefault_pool_size = 25\nreserve_pool_size = 10\nmax_db_connections = 30\n",
        );
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].0, "25");
        assert!(
            h[0].1.starts_with(
                "default_pool_size 25 + reserve_pool_size 10 = 35 exceeds max_db_connections 30"
            ),
            "{h:?}"
        );
        assert_eq!(h[0].2, ["10: reserve_pool_size", "30: max_db_connections"]);
    }

    #[test]
    fn default_pool_size_absent_points_at_line_1() {
        let h = hits("[pgbouncer]\nmax_db_connections = 10\n");
        assert_eq!(h[0].0, "");
        assert!(
            h[0].1
                .starts_with("default_pool_size 20 (default) exceeds max_db_connections 10"),
            "{h:?}"
        );
        assert_eq!(h[0].2, ["10: max_db_connections"]);
    }

    #[test]
    fn pool_above_max_client_conn_and_both() {
        let h = hits("[pgbouncer]\ndefault_pool_size = 200\n");
        assert_eq!(h[0].0, "200");
        assert!(
            h[0].1.contains("exceeds max_client_conn 100 (default)"),
            "{h:?}"
        );
        let h = hits(
            "[pgbouncer]\nmax_client_conn = 50\ndefault_pool_size = 60\nmax_db_connections = 40\n",
        );
        assert_eq!(h.len(), 1, "one finding naming both");
        assert!(
            h[0].1
                .starts_with("default_pool_size 60 exceeds max_db_connections 40"),
            "{h:?}"
        );
        assert!(
            h[0].1
                .contains("; and default_pool_size 60 exceeds max_client_conn 50"),
            "{h:?}"
        );
        assert_eq!(h[0].2, ["40: max_db_connections", "50: max_client_conn"]);
    }

    #[test]
    fn non_numbers_disable_their_comparison() {
        assert!(hits("[pgbouncer]\ndefault_pool_size = many\nmax_client_conn = 1\n").is_empty());
        assert!(hits("[pgbouncer]\ndefault_pool_size = 50\nmax_db_connections = x\n").is_empty());
        assert_eq!(
            hits("[pgbouncer]\ndefault_pool_size = 500\nmax_db_connections = x\n").len(),
            1
        );
    }
}

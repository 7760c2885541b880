//! `pgbouncer-reserve-pool`: no reserve pool, so a burst of clients waits for a busy pool.

use super::{DEFAULT_RESERVE_POOL_SIZE, int_setting, main_section};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Format;
use serde::Deserialize;

crate::declare_rule!(object PgbouncerReservePool: "pgbouncer" / "pgbouncer-reserve-pool");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PgbouncerReservePool {}

impl ObjectRule for PgbouncerReservePool {
    fn target(&self) -> Target<'_> {
        // Not a Zalando pooler's mode alone (`PgBouncerPooler`): its operator sets the rest.
        Target::format(Format::PgBouncer, &["PgBouncerConfig"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(main) = main_section(cx.obj) else {
            return;
        };
        let Some((node, size)) = int_setting(main, "reserve_pool_size", DEFAULT_RESERVE_POOL_SIZE)
        else {
            return;
        };
        // PgBouncer treats a negative size like 0: no reserve.
        if size > 0 {
            return;
        }
        let f = match node {
            Some(node) => cx
                .finding(
                    node.span,
                    format!("reserve_pool_size is {size}: a pool has no extra connections for a burst of clients"),
                )
                .with_label("no burst capacity")
                .with_help("set `reserve_pool_size` to a few connections (the Scaling Guide uses 5)"),
            None => cx
                .finding(
                    cx.obj.anchor_span(),
                    "reserve_pool_size is not set and defaults to 0: a pool has no extra connections for a burst of clients",
                )
                .with_label("no reserve_pool_size in [pgbouncer]")
                .with_help({
                    let (setting, place) = super::written(cx.obj, "reserve_pool_size", "5");
                    format!("add {setting} (as the Scaling Guide does){place}")
                }),
        };
        cx.emit(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::run_rule;
    use super::NAME;
    use serde_json::json;

    fn at(text: &str) -> Vec<String> {
        run_rule(NAME, json!({}), text)
            .into_iter()
            .map(|h| h.at)
            .collect()
    }

    #[test]
    fn cases() {
        assert!(at("[pgbouncer]\nreserve_pool_size = 5\n").is_empty());
        assert!(at("[pgbouncer]\nreserve_pool_size = 0x5\n").is_empty());
        assert_eq!(at("[pgbouncer]\nreserve_pool_size = 0\n"), ["0"]);
        assert_eq!(at("[pgbouncer]\nreserve_pool_size = -1\n"), ["-1"]);
        assert_eq!(at("[pgbouncer]\n"), [""]);
        // Not a number: PgBouncer refuses the file; this rule says nothing.
        assert!(at("[pgbouncer]\nreserve_pool_size = five\n").is_empty());
        assert!(at("[databases]\nx = host=a\n").is_empty());
    }
}

//! `pgbouncer-max-client-conn`: PgBouncer accepts too few client connections for high
//! concurrency (100 by default).

use super::{DEFAULT_MAX_CLIENT_CONN, int_setting, main_section};
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::Format;
use serde::Deserialize;

crate::declare_rule!(object PgbouncerMaxClientConn: "pgbouncer" / "pgbouncer-max-client-conn");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PgbouncerMaxClientConn {
    min: i64,
}

impl ObjectRule for PgbouncerMaxClientConn {
    fn target(&self) -> Target<'_> {
        // Not a Zalando pooler's mode alone (`PgBouncerPooler`): its operator sets the rest.
        Target::format(Format::PgBouncer, &["PgBouncerConfig"])
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let min = self.min;
        let Some(main) = main_section(cx.obj) else {
            return;
        };
        let Some((node, conns)) = int_setting(main, "max_client_conn", DEFAULT_MAX_CLIENT_CONN)
        else {
            return;
        };
        if conns >= min {
            return;
        }
        let f = match node {
            Some(node) => cx
                .finding(
                    node.span,
                    format!("max_client_conn is {conns}; at least {min} client connections are needed, or clients are refused under load"),
                )
                .with_label(format!("below {min}"))
                .with_help(format!("set `max_client_conn = {min}` or more, and raise the open-files limit (ulimit -n) to match")),
            None => cx
                .finding(
                    cx.obj.anchor_span(),
                    format!("max_client_conn is not set and defaults to {DEFAULT_MAX_CLIENT_CONN}; at least {min} client connections are needed, or clients are refused under load"),
                )
                .with_label("no max_client_conn in [pgbouncer]")
                .with_help({
                    let (setting, place) = super::written(cx.obj, "max_client_conn", &min.to_string());
                    format!("add {setting} or more{place}")
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

    fn at(min: i64, text: &str) -> Vec<String> {
        run_rule(NAME, json!({ "min": min }), text)
            .into_iter()
            .map(|h| h.at)
            .collect()
    }

    #[test]
    fn cases() {
        assert!(at(1000, "[pgbouncer]\nmax_client_conn = 1000\n").is_empty());
        assert_eq!(at(1000, "[pgbouncer]\nmax_client_conn = 999\n"), ["999"]);
        assert_eq!(at(1000, "[pgbouncer]\n"), [""]);
        // The default (100) is enough for a lower minimum.
        assert!(at(100, "[pgbouncer]\n").is_empty());
        assert_eq!(at(101, "[pgbouncer]\n"), [""]);
        assert!(at(1000, "[pgbouncer]\nmax_client_conn = lots\n").is_empty());
    }
}

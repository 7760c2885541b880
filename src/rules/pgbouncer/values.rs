//! PgBouncer values read as PgBouncer reads them, for the PgBouncer rules (which judge what
//! is read) and `invalid-value` (which reports what PgBouncer refuses).
//!
//! Sources (pgbouncer/pgbouncer at 13a344f2, the corpus' commit, and its libusual):
//! - libusual `parse_ini_file` (`usual/cfparser.c`): a value runs from the first non-blank
//!   after `=` to the end of the line, trailing whitespace dropped; `;` and `#` start a
//!   comment only at the start of a line, so `100 ; note` is the value.
//! - libusual `cf_set_int`: `strtol(value, &end, 0)` that must consume the whole value
//!   (decimal, `0x` hexadecimal, a leading `0` octal, an optional sign); an empty or partly
//!   read value is refused. Nothing else is checked: a number past `long` saturates and one
//!   past `int` is truncated, silently. `cf_set_lookup`: the names compared with
//!   `strcasecmp`.
//! - pgbouncer `main.c`: which `[pgbouncer]` settings are `CF_INT` ([`INT_SETTINGS`]) and
//!   `pool_mode_map` (session, transaction, statement); `load_config` dies with "cannot
//!   load config file" when a value is refused at startup (a reload keeps the old config).
//! - pgbouncer `loader.c` (`parse_database`, `parse_user`): a `pool_mode=` in a `[databases]`
//!   or `[users]` connection string goes through `cf_set_lookup` too and a refused one fails
//!   the whole file; their other numbers are read with `atoi`, which refuses nothing.

use super::main_section;
use crate::engine::rule::Ctx;
use crate::model::Node;
use crate::rules::common::trim_c_space;
use crate::rules::values::{Read, Rejected};
use crate::sources::pgbouncer::shorten;

/// The `[pgbouncer]` settings of type `CF_INT` in `main.c`.
pub const INT_SETTINGS: &[&str] = &[
    "application_name_add_host",
    "default_pool_size",
    "disable_pqexec",
    "listen_backlog",
    "listen_port",
    "log_connections",
    "log_disconnections",
    "log_pooler_errors",
    "log_stats",
    "max_client_conn",
    "max_db_client_connections",
    "max_db_connections",
    "max_prepared_statements",
    "max_user_client_connections",
    "max_user_connections",
    "min_pool_size",
    "peer_id",
    "pkt_buf",
    "query_wait_notify",
    "reserve_pool_size",
    "sbuf_loopcnt",
    "scram_iterations",
    "server_fast_close",
    "server_reset_query_always",
    "server_round_robin",
    "so_reuseport",
    "stats_period",
    "syslog",
    "tcp_keepalive",
    "tcp_keepcnt",
    "tcp_keepidle",
    "tcp_keepintvl",
    "tcp_socket_buffer",
    "tcp_user_timeout",
    "unix_socket_mode",
    "verbose",
];

/// `pool_mode_map`.
pub const POOL_MODES: &[&str] = &["session", "transaction", "statement"];

const INT_EXPECTED: &str = "an integer";
const HOW_INT: &str = "PgBouncer reads the rest of the line as the value (a `;` or `#` after it is not a comment) and wants a whole integer: digits with an optional sign, `0x` for hexadecimal, a leading `0` for octal";
const HOW_MODE: &str = "PgBouncer matches the mode in any case; the rest of the line is the value (a `;` or `#` after it is not a comment)";

/// `cf_set_int`'s reading: the integer, `Unknown` past `int` (accepted but truncated).
pub fn read_int(text: &str) -> Read<i64> {
    // `strtol` skips leading whitespace (the parser already dropped blanks).
    let t = trim_c_space(text);
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let (radix, digits) = if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (16, hex)
    } else if t.len() > 1 && t.starts_with('0') {
        (8, t.get(1..).unwrap_or(""))
    } else {
        (10, t)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Read::rejected(INT_EXPECTED);
    }
    match i64::from_str_radix(digits, radix) {
        Ok(n) => {
            let n = if negative { -n } else { n };
            if i32::try_from(n).is_ok() {
                Read::Value(n)
            } else {
                Read::Unknown
            }
        }
        Err(_) => Read::Unknown,
    }
}

/// `pool_mode`, in `[pgbouncer]` or a connection string: the mode, lower-cased.
pub fn read_pool_mode(text: &str) -> Read<&'static str> {
    match POOL_MODES.iter().find(|m| m.eq_ignore_ascii_case(text)) {
        Some(m) => Read::Value(m),
        None => Read::rejected(format!("one of {}", POOL_MODES.join(", "))),
    }
}

fn rejected(cx: &Ctx<'_>, node: &Node, setting: String, expected: String, how: &str) -> Rejected {
    Rejected {
        span: node.span,
        setting,
        found: Rejected::is(cx.file.slice(node.span)),
        expected,
        consequence: "PgBouncer refuses to load the file".to_string(),
        how_read: how.to_string(),
    }
}

/// Every value PgBouncer refuses among the integer settings and pool modes.
pub fn rejected_values(cx: &Ctx<'_>) -> Vec<Rejected> {
    let mut out = Vec::new();
    if let Some(main) = main_section(cx.obj) {
        for e in main.as_map().unwrap_or_default() {
            let key = e.key.text().unwrap_or_default();
            let Some(text) = e.value.text() else { continue };
            let read = if INT_SETTINGS.contains(&key) {
                read_int(text).map_rejected(HOW_INT)
            } else if key == "pool_mode" {
                read_pool_mode(text).map_rejected(HOW_MODE)
            } else {
                None
            };
            if let Some((expected, how)) = read {
                out.push(rejected(cx, &e.value, key.to_string(), expected, how));
            }
        }
    }
    for (what, name, node) in super::pool_mode_overrides(cx.obj) {
        let Some(text) = node.text() else { continue };
        if let Some((expected, how)) = read_pool_mode(text).map_rejected(HOW_MODE) {
            let name = shorten(name);
            out.push(rejected(
                cx,
                node,
                format!("pool_mode of {what} `{name}`"),
                expected,
                how,
            ));
        }
    }
    out
}

trait Refused {
    /// What is expected and how it is read, when PgBouncer refuses the value.
    fn map_rejected(self, how: &'static str) -> Option<(String, &'static str)>;
}

impl<T> Refused for Read<T> {
    fn map_rejected(self, how: &'static str) -> Option<(String, &'static str)> {
        match self {
            Read::Rejected { expected } => Some((expected, how)),
            Read::Value(_) | Read::Unknown => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_as_cf_set_int_reads_them() {
        for (text, want) in [
            ("25", Read::Value(25)),
            ("-1", Read::Value(-1)),
            ("0x10", Read::Value(16)),
            ("010", Read::Value(8)),
            // Accepted, truncated to an `int` PgBouncer does not report.
            ("99999999999999999999", Read::Unknown),
            ("4294967296", Read::Unknown),
        ] {
            assert_eq!(read_int(text), want, "{text:?}");
        }
        for bad in [
            "",
            "lots",
            "08",
            "0x",
            "25 ; comment",
            "1e3",
            "1000k",
            "+-1",
            "-",
        ] {
            assert_eq!(read_int(bad), Read::rejected("an integer"), "{bad:?}");
        }
    }

    #[test]
    fn pool_modes() {
        assert_eq!(read_pool_mode("Transaction"), Read::Value("transaction"));
        assert_eq!(read_pool_mode("STATEMENT"), Read::Value("statement"));
        assert_eq!(
            read_pool_mode("transaction ; comment"),
            Read::rejected("one of session, transaction, statement")
        );
        assert!(matches!(read_pool_mode(""), Read::Rejected { .. }));
    }

    #[test]
    fn the_rules_read_only_int_settings() {
        for k in [
            "max_client_conn",
            "default_pool_size",
            "reserve_pool_size",
            "max_db_connections",
        ] {
            assert!(INT_SETTINGS.contains(&k), "{k}");
        }
        assert!(INT_SETTINGS.windows(2).all(|w| w[0] < w[1]));
    }
}

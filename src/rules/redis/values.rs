//! Redis values read as Redis reads them, for the Redis rules (which judge what is read) and
//! `invalid-value` (which reports what Redis refuses: it stops at startup with "Bad
//! directive or wrong number of arguments" or the setting's own error).
//!
//! Sources (redis/redis at 4f8cdc2, the corpus' commit; the same since Redis 7.0):
//! - `loadServerConfigFromString` (`src/config.c`): a standard setting takes exactly one
//!   argument ("wrong number of arguments"); a `#` after a value is an argument, not a
//!   comment (only a line starting with `#` is one).
//! - the setting's definition in `static standardConfig static_configs[]`:
//!   `createULongLongConfig("maxmemory", …, 0, ULLONG_MAX, …, MEMORY_CONFIG)`,
//!   `createEnumConfig("maxmemory-policy", …, maxmemory_policy_enum, …)` (names compared with
//!   `strcasecmp`), `createBoolConfig("cluster-enabled", …)` (`yesnotoi`: `yes`/`no`, any
//!   case), `createLongLongConfig("cluster-node-timeout", …, 0, LLONG_MAX, …,
//!   INTEGER_CONFIG)` (`string2ll`, then the bounds).
//! - `memtoull` (`src/util.c`): digits, then nothing or a unit `b k kb m mb g gb` (any
//!   case); a leading `-` or any other suffix is refused; more than 127 digits too. An
//!   overflow is not refused (`strtoull` saturates, the multiplication wraps).
//! - `string2ll` (`src/util.c`): an optional `-`, then `0` alone or a digit 1-9 followed by
//!   digits, no spaces, fewer than 21 characters, within `long long`.
//! - `setConfigReplicaOfOption`: `replicaof no one`, or a host and a port `strtol`'d to
//!   the end, 0 to 65535; a single argument is split at spaces first (`MULTI_ARG_CONFIG`).
//! - `sentinelHandleConfiguration` (`src/sentinel.c`): `monitor` takes exactly four
//!   arguments, and `atoi` of the quorum must be 1 or more ("Quorum must be 1 or
//!   greater."); another count is "Unrecognized sentinel configuration statement."

use crate::engine::rule::Ctx;
use crate::model::{Node, Span};
use crate::rules::common::trim_c_space;
use crate::rules::values::{Read, Rejected};
use crate::sources::redis::{Memory, memory, yes_no};

/// What `maxmemory-policy` accepts (`maxmemory_policy_enum`).
pub const POLICIES: &[&str] = &[
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
];

/// How a standard setting's argument is read.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Memory,
    Bool,
    Enum(&'static [&'static str]),
    /// `string2ll`, within these bounds.
    Int(i64, i64),
}

/// The standard settings the Redis rules read.
const SETTINGS: &[(&str, Kind)] = &[
    ("maxmemory", Kind::Memory),
    ("maxmemory-policy", Kind::Enum(POLICIES)),
    ("cluster-enabled", Kind::Bool),
    ("cluster-node-timeout", Kind::Int(0, i64::MAX)),
];

/// A value Redis reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    Bytes(u64),
    Bool(bool),
    /// An enum value, as written (Redis compares it in any case).
    Name(&'a str),
    Int(i64),
}

/// `string2ll`: the strict integer syntax Redis uses for plain integer settings.
pub fn string2ll(text: &str) -> Option<i64> {
    const LONG_STR_SIZE: usize = 21;
    if text.is_empty() || text.len() >= LONG_STR_SIZE {
        return None;
    }
    if text == "0" {
        return Some(0);
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    let mut bytes = digits.bytes();
    if !bytes.next().is_some_and(|b| (b'1'..=b'9').contains(&b))
        || !bytes.all(|b| b.is_ascii_digit())
    {
        return None;
    }
    text.parse().ok()
}

/// C's `atoi`: leading whitespace, an optional sign, digits as far as they go (0 if none).
pub fn atoi(text: &str) -> i64 {
    let t = trim_c_space(text);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let n = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |acc, d| {
            acc.saturating_mul(10).saturating_add(i64::from(d - b'0'))
        });
    if neg { -n } else { n }
}

fn read_arg<'a>(kind: Kind, text: &'a str) -> Read<Value<'a>> {
    match kind {
        Kind::Memory => match memory(text) {
            None => Read::rejected("a memory size such as `2gb`"),
            Some(Memory::Bytes(b)) => Read::Value(Value::Bytes(b)),
            // Accepted, but past 64 bits Redis wraps it to a number scalelint does not guess.
            Some(Memory::Wrapped) => Read::Unknown,
        },
        Kind::Bool => yes_no(text).map_or_else(
            || Read::rejected("`yes` or `no`"),
            |b| Read::Value(Value::Bool(b)),
        ),
        Kind::Enum(names) => {
            if names.iter().any(|n| n.eq_ignore_ascii_case(text)) {
                Read::Value(Value::Name(text))
            } else {
                Read::rejected(format!("one of {}", names.join(", ")))
            }
        }
        Kind::Int(lo, hi) => match string2ll(text) {
            Some(n) if (lo..=hi).contains(&n) => Read::Value(Value::Int(n)),
            _ if hi == i64::MAX => Read::rejected(format!("an integer of at least {lo}")),
            _ => Read::rejected(format!("an integer from {lo} to {hi}")),
        },
    }
}

fn how_read(kind: Kind) -> &'static str {
    match kind {
        Kind::Memory => {
            "Redis reads a memory size as digits and an optional unit b, k (1000), kb (1024), m, mb, g or gb, in any case, with no sign, decimal point or space"
        }
        Kind::Bool => "Redis reads a boolean setting as `yes` or `no`, in any case",
        Kind::Enum(_) => "Redis matches the name in any case",
        Kind::Int(..) => {
            "Redis reads an integer setting strictly: digits with an optional `-`, no `+`, no leading zero, no unit"
        }
    }
}

const ONE_ARG: &str = "Redis splits a line into arguments at spaces (quotes group them), and a `#` after a value is another argument, not a comment: put a comment on a line of its own";

/// The setting `directive` (one of [`SETTINGS`]) as Redis reads it: its value node (the
/// arguments, or an empty point after the name when there is none) and the reading.
/// `None` when the file does not set it (or `directive` is not one of [`SETTINGS`]).
pub fn setting<'a>(root: &'a Node, directive: &str) -> Option<(&'a Node, Read<Value<'a>>)> {
    let &(_, kind) = SETTINGS.iter().find(|(d, _)| *d == directive)?;
    let node = root.get(directive)?;
    let read = match node.text() {
        Some(text) => read_arg(kind, text),
        None => Read::rejected("one argument"),
    };
    Some((node, read))
}

/// What `replicaof`/`slaveof` says: `Some(true)` a replica, `Some(false)` `no one`, with the
/// node; `None` when neither is set.
pub fn replica_of(root: &Node) -> Option<(&Node, Read<bool>)> {
    let node = ["replicaof", "slaveof"].iter().find_map(|d| root.get(d))?;
    let args: Vec<&str> = match (node.text(), node.as_seq()) {
        // One argument is split at spaces (`replicaof "host 6379"`); quotes inside it are
        // sdssplitargs' business, not guessed here.
        (Some(one), _) if one.contains(['"', '\'']) => return Some((node, Read::Unknown)),
        (Some(one), _) => one.split_ascii_whitespace().collect(),
        (None, Some(args)) => args.iter().filter_map(Node::text).collect(),
        (None, None) => Vec::new(),
    };
    let read = match args.as_slice() {
        [host, port] if host.eq_ignore_ascii_case("no") && port.eq_ignore_ascii_case("one") => {
            Read::Value(false)
        }
        [_, port] if port_accepted(port) => Read::Value(true),
        [_, _] => Read::rejected("a port from 0 to 65535 after the host"),
        _ => Read::rejected("two arguments, a host and a port (or `no one`)"),
    };
    Some((node, read))
}

/// `strtol(port, &end, 10)` consumed to the end and within 0..=65535 (an empty port reads
/// as 0, as in Redis).
fn port_accepted(port: &str) -> bool {
    if port.is_empty() {
        return true;
    }
    let t = trim_c_space(port);
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && t.parse::<i64>().is_ok_and(|p| (0..=65535).contains(&p))
}

/// A `sentinel monitor NAME HOST PORT QUORUM` line as Sentinel reads it.
pub struct Monitor<'a> {
    pub name: &'a str,
    /// The quorum argument, and the quorum Sentinel reads.
    pub quorum: Option<(&'a Node, Read<i64>)>,
    /// The line's arguments after `sentinel`, when their count is wrong.
    pub wrong_count: Option<(Span, usize)>,
}

/// Every `sentinel monitor` line of a file.
pub fn monitors(root: &Node) -> Vec<Monitor<'_>> {
    let lines = root
        .get("sentinel")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    let mut out = Vec::new();
    for line in lines {
        let Some(args) = line.as_seq() else { continue };
        let Some(sub) = args.first() else { continue };
        if !sub
            .text()
            .is_some_and(|s| s.eq_ignore_ascii_case("monitor"))
        {
            continue;
        }
        let name = args.get(1).and_then(Node::text).unwrap_or_default();
        match args {
            [_, _, _, _, quorum] => {
                let text = quorum.text().unwrap_or_default();
                let n = atoi(text);
                let read = if n >= 1 {
                    Read::Value(n)
                } else {
                    Read::rejected("an integer of at least 1")
                };
                out.push(Monitor {
                    name,
                    quorum: Some((quorum, read)),
                    wrong_count: None,
                });
            }
            _ => out.push(Monitor {
                name,
                quorum: None,
                wrong_count: Some((line.span, args.len())),
            }),
        }
    }
    out
}

/// Every value of the settings the Redis rules read that Redis (or Sentinel) refuses.
pub fn rejected_values(cx: &Ctx<'_>) -> Vec<Rejected> {
    let root = &cx.obj.root;
    let sentinel = cx.obj.kind == "SentinelConfig";
    let consequence = if sentinel {
        "Sentinel refuses to start"
    } else {
        "Redis refuses to start"
    };
    let mut out = Vec::new();
    let found = |node: &Node| match node.as_seq() {
        Some(args) => format!("has {} arguments", args.len()),
        None => Rejected::is(cx.file.slice(node.span)),
    };
    for &(directive, kind) in SETTINGS {
        let Some((node, Read::Rejected { expected })) = setting(root, directive) else {
            continue;
        };
        let how = if node.as_seq().is_some() {
            ONE_ARG
        } else {
            how_read(kind)
        };
        out.push(Rejected {
            span: node.span,
            setting: directive.to_string(),
            found: found(node),
            expected,
            consequence: consequence.to_string(),
            how_read: how.to_string(),
        });
    }
    if let Some((node, Read::Rejected { expected })) = replica_of(root) {
        let written = ["replicaof", "slaveof"]
            .into_iter()
            .find(|d| root.get(d).is_some())
            .unwrap_or("replicaof");
        out.push(Rejected {
            span: node.span,
            setting: written.to_string(),
            found: match node.as_seq() {
                Some(args) if args.len() == 2 => Rejected::is(cx.file.slice(node.span)),
                _ => found(node),
            },
            expected,
            consequence: consequence.to_string(),
            how_read: format!("Redis reads `{written} HOST PORT` or `{written} no one`; {ONE_ARG}"),
        });
    }
    for m in monitors(root) {
        if let Some((node, Read::Rejected { expected })) = m.quorum {
            out.push(Rejected {
                span: node.span,
                setting: format!("the quorum of sentinel monitor `{}`", m.name),
                found: Rejected::is(cx.file.slice(node.span)),
                expected,
                consequence: "Sentinel refuses to start (\"Quorum must be 1 or greater.\")"
                    .to_string(),
                how_read: "Sentinel reads the quorum with C's `atoi`: the leading digits, 0 if there are none".to_string(),
            });
        }
        if let Some((span, n)) = m.wrong_count {
            out.push(Rejected {
                span,
                setting: format!("sentinel monitor `{}`", m.name),
                found: format!("has {} arguments", n.saturating_sub(1)),
                expected: "four arguments (NAME HOST PORT QUORUM)".to_string(),
                consequence:
                    "Sentinel refuses to start (\"Unrecognized sentinel configuration statement.\")"
                        .to_string(),
                how_read: ONE_ARG.to_string(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `memtoull`'s verdict: whether Redis accepts the text.
    fn memory_accepted(text: &str) -> bool {
        memory(text).is_some()
    }

    #[test]
    fn string2ll_is_strict() {
        for (t, want) in [
            ("0", Some(0)),
            ("15000", Some(15000)),
            ("-5", Some(-5)),
            ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775808", Some(i64::MIN)),
        ] {
            assert_eq!(string2ll(t), want, "{t:?}");
        }
        for t in [
            "",
            "-",
            "+5",
            "05",
            "-0",
            " 5",
            "5 ",
            "5ms",
            "1e3",
            "fast",
            "9223372036854775808",
        ] {
            assert_eq!(string2ll(t), None, "{t:?}");
        }
    }

    #[test]
    fn memory_sizes() {
        for ok in [
            "0",
            "2gb",
            "2GB",
            "100mb",
            "1k",
            "b",
            "",
            "99999999999999999999999gb",
        ] {
            assert!(memory_accepted(ok), "{ok:?}");
        }
        for bad in ["1.5gb", "-1", "2 gb", "2tb", "2g b", "lots", "+1"] {
            assert!(!memory_accepted(bad), "{bad:?}");
        }
        assert!(!memory_accepted(&"1".repeat(128)));
        // Accepted but wrapping: not judged.
        assert_eq!(
            read_arg(Kind::Memory, "99999999999999999999999gb"),
            Read::Unknown
        );
    }

    #[test]
    fn ports_and_atoi() {
        for ok in ["6379", "0", "65535", "+1", " 1", ""] {
            assert!(port_accepted(ok), "{ok:?}");
        }
        for bad in ["65536", "-1", "63x", "x", "1 ", " ", "+"] {
            assert!(!port_accepted(bad), "{bad:?}");
        }
        assert_eq!(atoi("2x"), 2);
        assert_eq!(atoi("two"), 0);
        assert_eq!(atoi(" -3"), -3);
    }
}

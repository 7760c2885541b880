//! `redis.conf` and `sentinel.conf`, read the way Redis' own loader reads them
//! (`loadServerConfigFromString` in `src/config.c`, `sdssplitargs` in `src/sds.c`).
//!
//! # Syntax
//! The text is split into lines at `\n`; each line is trimmed of spaces, tabs, `\r` and
//! `\n` at both ends (so CRLF files and trailing spaces are fine). A blank line is skipped,
//! a line whose first character is `#` is a comment (kept for suppressions). Any other
//! line is split into whitespace-separated arguments; an argument may be written
//! `"double quoted"` (escapes `\n \r \t \b \a \\ \"`, `\xHH`, and `\` before any other
//! character stands for that character) or `'single quoted'` (only `\'` is an escape).
//! A quote may also start in the middle of an argument (`a"b c"` is `ab c`). A quote that
//! is never closed, or a closing quote followed by anything but whitespace (`"a"b`), is
//! what Redis reports as "unbalanced quotes": a `parse-error` here, the line is skipped,
//! the other lines are still read. Like Redis (which works on C strings), a NUL byte ends
//! the line. The first argument is the directive name, case-insensitive: the tree stores
//! it lower-cased, with the span of the name as written.
//!
//! # Tree
//! The root is a mapping, in file order, from directive name to its value:
//! - a directive with one argument: a string scalar (its span is the argument as written,
//!   quotes included);
//! - a directive with no argument or several: a sequence of the argument scalars, whose
//!   span covers them all (an empty point after the name when there is none);
//! - a directive that Redis lets repeat and accumulates ([`REPEATABLE`]: `save`,
//!   `client-output-buffer-limit`, `include`, `rename-command`, `user`, `loadmodule`,
//!   `sentinel`): always a sequence of occurrences, each a sequence of its arguments (even
//!   when it has one); the entry sits at the first occurrence and is never a duplicate.
//!
//! Any other directive set twice is a `duplicate-key` (the second is reported, the first
//! labelled) and the last value wins, as in Redis, which applies the lines in order. An
//! alias and its directive are the same setting (`slaveof` then `replicaof` is a duplicate).
//! `include` is recorded, not followed. Nothing is validated beyond the syntax: an unknown
//! directive or a wrong argument count is Redis' business at startup, not a syntax error.

use super::{Comment, FlatParsed, Problem};
use crate::model::{Entry, Node, Resolved, ScalarStyle, Span, Value};
// foldhash: SipHash was ~2 % of a run's instructions, on keys no attacker chooses.
use foldhash::{HashMap, HashMapExt};

/// Directives Redis applies once per line and accumulates: never duplicates. `save` lines
/// append to each other while the file is read; each `client-output-buffer-limit` line sets
/// its own client class; the others are commands of the loader (or Sentinel's) itself.
pub const REPEATABLE: &[&str] = &[
    "client-output-buffer-limit",
    "include",
    "loadmodule",
    "rename-command",
    "save",
    "sentinel",
    "user",
];

/// Old names Redis still accepts for a directive (`createXXXConfig(name, alias, …)`):
/// setting both is setting one thing twice.
const ALIASES: &[(&str, &str)] = &[
    ("cluster-slave-no-failover", "cluster-replica-no-failover"),
    (
        "cluster-slave-validity-factor",
        "cluster-replica-validity-factor",
    ),
    ("hash-max-ziplist-entries", "hash-max-listpack-entries"),
    ("hash-max-ziplist-value", "hash-max-listpack-value"),
    ("list-max-ziplist-size", "list-max-listpack-size"),
    ("lua-time-limit", "busy-reply-threshold"),
    ("min-slaves-max-lag", "min-replicas-max-lag"),
    ("min-slaves-to-write", "min-replicas-to-write"),
    ("repl-ping-slave-period", "repl-ping-replica-period"),
    ("slave-announce-ip", "replica-announce-ip"),
    ("slave-announce-port", "replica-announce-port"),
    ("slave-ignore-maxmemory", "replica-ignore-maxmemory"),
    ("slave-lazy-flush", "replica-lazy-flush"),
    ("slave-priority", "replica-priority"),
    ("slave-read-only", "replica-read-only"),
    ("slave-serve-stale-data", "replica-serve-stale-data"),
    ("slaveof", "replicaof"),
    ("zset-max-ziplist-entries", "zset-max-listpack-entries"),
    ("zset-max-ziplist-value", "zset-max-listpack-value"),
];

/// Every directive of redis.conf and sentinel.conf (Redis 2.8 to 7.x: current names,
/// aliases, deprecated names still accepted, TLS options). Sorted, for binary search.
const KNOWN: &[&str] = &[
    "acl-pubsub-default",
    "aclfile",
    "acllog-max-len",
    "active-defrag-cycle-max",
    "active-defrag-cycle-min",
    "active-defrag-ignore-bytes",
    "active-defrag-max-scan-fields",
    "active-defrag-threshold-lower",
    "active-defrag-threshold-upper",
    "active-expire-effort",
    "activedefrag",
    "activerehashing",
    "always-show-logo",
    "aof-disable-auto-gc",
    "aof-load-truncated",
    "aof-rewrite-cpulist",
    "aof-rewrite-incremental-fsync",
    "aof-timestamp-enabled",
    "aof-use-rdb-preamble",
    "aof_rewrite_cpulist",
    "appenddirname",
    "appendfilename",
    "appendfsync",
    "appendonly",
    "auto-aof-rewrite-min-size",
    "auto-aof-rewrite-percentage",
    "bgsave-cpulist",
    "bgsave_cpulist",
    "bind",
    "bind-source-addr",
    "bio-cpulist",
    "bio_cpulist",
    "busy-reply-threshold",
    "client-output-buffer-limit",
    "client-query-buffer-limit",
    "cluster-allow-pubsubshard-when-down",
    "cluster-allow-reads-when-down",
    "cluster-allow-replica-migration",
    "cluster-announce-bus-port",
    "cluster-announce-hostname",
    "cluster-announce-human-nodename",
    "cluster-announce-ip",
    "cluster-announce-port",
    "cluster-announce-tls-port",
    "cluster-config-file",
    "cluster-enabled",
    "cluster-link-sendbuf-limit",
    "cluster-migration-barrier",
    "cluster-node-timeout",
    "cluster-port",
    "cluster-preferred-endpoint-type",
    "cluster-replica-no-failover",
    "cluster-replica-validity-factor",
    "cluster-require-full-coverage",
    "cluster-slave-no-failover",
    "cluster-slave-validity-factor",
    "cluster-slot-stats-enabled",
    "crash-log-enabled",
    "crash-memcheck-enabled",
    "daemonize",
    "databases",
    "dbfilename",
    "dir",
    "disable-thp",
    "dynamic-hz",
    "enable-debug-command",
    "enable-module-command",
    "enable-protected-configs",
    "hash-max-listpack-entries",
    "hash-max-listpack-value",
    "hash-max-ziplist-entries",
    "hash-max-ziplist-value",
    "hide-user-data-from-log",
    "hll-sparse-max-bytes",
    "hz",
    "ignore-warnings",
    "include",
    "io-threads",
    "io-threads-do-reads",
    "jemalloc-bg-thread",
    "latency-monitor-threshold",
    "latency-tracking",
    "latency-tracking-info-percentiles",
    "lazyfree-lazy-eviction",
    "lazyfree-lazy-expire",
    "lazyfree-lazy-server-del",
    "lazyfree-lazy-user-del",
    "lazyfree-lazy-user-flush",
    "lfu-decay-time",
    "lfu-log-factor",
    "list-compress-depth",
    "list-max-listpack-size",
    "list-max-ziplist-entries",
    "list-max-ziplist-size",
    "list-max-ziplist-value",
    "loadmodule",
    "locale-collate",
    "logfile",
    "loglevel",
    "lua-replicate-commands",
    "lua-time-limit",
    "masterauth",
    "masteruser",
    "max-new-connections-per-cycle",
    "max-new-tls-connections-per-cycle",
    "maxclients",
    "maxmemory",
    "maxmemory-clients",
    "maxmemory-eviction-tenacity",
    "maxmemory-policy",
    "maxmemory-samples",
    "min-replicas-max-lag",
    "min-replicas-to-write",
    "min-slaves-max-lag",
    "min-slaves-to-write",
    "no-appendfsync-on-rewrite",
    "notify-keyspace-events",
    "oom-score-adj",
    "oom-score-adj-values",
    "pidfile",
    "port",
    "proc-title-template",
    "propagation-error-behavior",
    "protected-mode",
    "proto-max-bulk-len",
    "rdb-del-sync-files",
    "rdb-save-incremental-fsync",
    "rdbchecksum",
    "rdbcompression",
    "rename-command",
    "repl-backlog-size",
    "repl-backlog-ttl",
    "repl-disable-tcp-nodelay",
    "repl-diskless-load",
    "repl-diskless-sync",
    "repl-diskless-sync-delay",
    "repl-diskless-sync-max-replicas",
    "repl-ping-replica-period",
    "repl-ping-slave-period",
    "repl-timeout",
    "replica-announce-ip",
    "replica-announce-port",
    "replica-announced",
    "replica-ignore-disk-write-errors",
    "replica-ignore-maxmemory",
    "replica-lazy-flush",
    "replica-priority",
    "replica-read-only",
    "replica-serve-stale-data",
    "replicaof",
    "requirepass",
    "sanitize-dump-payload",
    "save",
    "sentinel",
    "server-cpulist",
    "server_cpulist",
    "set-max-intset-entries",
    "set-max-listpack-entries",
    "set-max-listpack-value",
    "set-proc-title",
    "shutdown-on-sigint",
    "shutdown-on-sigterm",
    "shutdown-timeout",
    "slave-announce-ip",
    "slave-announce-port",
    "slave-ignore-maxmemory",
    "slave-lazy-flush",
    "slave-priority",
    "slave-read-only",
    "slave-serve-stale-data",
    "slaveof",
    "slowlog-log-slower-than",
    "slowlog-max-len",
    "socket-mark-id",
    "stop-writes-on-bgsave-error",
    "stream-node-max-bytes",
    "stream-node-max-entries",
    "supervised",
    "syslog-enabled",
    "syslog-facility",
    "syslog-ident",
    "tcp-backlog",
    "tcp-keepalive",
    "timeout",
    "tls-auth-clients",
    "tls-ca-cert-dir",
    "tls-ca-cert-file",
    "tls-cert-file",
    "tls-ciphers",
    "tls-ciphersuites",
    "tls-client-cert-file",
    "tls-client-key-file",
    "tls-client-key-file-pass",
    "tls-cluster",
    "tls-dh-params-file",
    "tls-key-file",
    "tls-key-file-pass",
    "tls-port",
    "tls-prefer-server-ciphers",
    "tls-protocols",
    "tls-replication",
    "tls-session-cache-size",
    "tls-session-cache-timeout",
    "tls-session-caching",
    "tracking-table-max-keys",
    "unixsocket",
    "unixsocketperm",
    "user",
    "zset-max-listpack-entries",
    "zset-max-listpack-value",
    "zset-max-ziplist-entries",
    "zset-max-ziplist-value",
];

/// Directives about the data a server holds, which a Sentinel does not have: a file that
/// sets one of them is a server config even if it also has `sentinel` lines.
const SERVER_ONLY: &[&str] = &[
    "appenddirname",
    "appendfilename",
    "appendfsync",
    "appendonly",
    "cluster-config-file",
    "cluster-enabled",
    "cluster-node-timeout",
    "databases",
    "dbfilename",
    "maxmemory",
    "maxmemory-policy",
    "maxmemory-samples",
    "rdbchecksum",
    "rdbcompression",
    "replica-read-only",
    "replica-serve-stale-data",
    "replicaof",
    "save",
    "slave-read-only",
    "slave-serve-stale-data",
    "slaveof",
    "stop-writes-on-bgsave-error",
];

/// Whether `name` (lower-case) is a directive of redis.conf or sentinel.conf.
pub fn is_known(name: &str) -> bool {
    KNOWN.binary_search(&name).is_ok()
}

fn is_repeatable(name: &str) -> bool {
    REPEATABLE.contains(&name)
}

/// The name a directive is known by, its alias resolved.
fn canonical(name: &str) -> &str {
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, primary)| primary)
}

/// Whether a `.conf` of unknown purpose (or an explicitly named file) is a Redis config:
/// its directive lines are mostly (80%) known Redis directives. nginx (`user x;`,
/// `http {`), Apache and sshd (`LogLevel`, `<VirtualHost>`: mixed-case names), INI
/// (`[section]`, `key = value`), YAML (`key: value`), `.properties` (`key=value`) and
/// shell scripts (`#!`) do not qualify even where a word coincides with a Redis directive.
pub fn looks_like(text: &str) -> bool {
    /// Enough lines to decide; a huge file is not read to its end.
    const SAMPLE: usize = 200;
    if text.starts_with("#!") {
        return false;
    }
    let mut known = 0usize;
    let mut total = 0usize;
    for line in text.split('\n') {
        let t = trim_line(line);
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        total += 1;
        if line_looks_like_redis(t) {
            known += 1;
        }
        if total >= SAMPLE {
            break;
        }
    }
    known > 0 && known * 10 >= total * 8
}

fn line_looks_like_redis(line: &str) -> bool {
    if line.starts_with(['[', '<']) || line.ends_with([';', '{', '}']) {
        return false;
    }
    let mut words = line.split_ascii_whitespace();
    let Some(name) = words.next() else {
        return false;
    };
    // Redis' own files write names in lower case (`SENTINEL` in upper case at times);
    // `LogLevel`, `PidFile`, `Timeout` are Apache and sshd.
    let has_upper = name.bytes().any(|b| b.is_ascii_uppercase());
    let has_lower = name.bytes().any(|b| b.is_ascii_lowercase());
    if has_upper && has_lower {
        return false;
    }
    if words.next().is_some_and(|w| w.starts_with(['=', ':'])) {
        return false;
    }
    is_known(&name.to_ascii_lowercase())
}

/// Whether a Redis config is a Sentinel's: a file named `sentinel*.conf`, or one with
/// `sentinel …` directives and none of the directives only a data-holding server has.
pub fn is_sentinel(path: &str, root: &Node) -> bool {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    if name.starts_with("sentinel") {
        return true;
    }
    let has_sentinel_lines = root
        .get("sentinel")
        .and_then(Node::as_seq)
        .is_some_and(|occ| {
            occ.iter()
                .any(|o| o.as_seq().is_some_and(|args| !args.is_empty()))
        });
    has_sentinel_lines && !SERVER_ONLY.iter().any(|d| root.get(d).is_some())
}

/// A byte count as Redis reads memory settings (`memtoull` in `src/util.c`): decimal
/// digits, then an optional unit, case-insensitive: `b` (bytes), `k` = 1000, `kb` = 1024,
/// `m` = 1000², `mb` = 1024², `g` = 1000³, `gb` = 1024³. No sign, no fraction, no space.
/// As in Redis, a bare unit with no digits reads as 0 (`""` is 0). `None` when Redis would
/// reject the value, or when it overflows 64 bits (where Redis silently wraps).
pub fn memory_bytes(text: &str) -> Option<u64> {
    match memory(text)? {
        Memory::Bytes(b) => Some(b),
        Memory::Wrapped => None,
    }
}

/// A memory size Redis accepts (see [`memory_bytes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Memory {
    Bytes(u64),
    /// Accepted, but past 64 bits: Redis wraps it to a number not worth guessing.
    Wrapped,
}

/// How Redis reads a memory size: `None` when it refuses the text.
pub fn memory(text: &str) -> Option<Memory> {
    let digits_end = text
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(digits_end);
    let mul: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    // Redis copies the digits into a 128-byte buffer and refuses longer ones.
    if digits.len() >= 128 {
        return None;
    }
    // The digits are ASCII digits: a failed parse is an overflow.
    let value = if digits.is_empty() {
        Some(0)
    } else {
        digits.parse::<u64>().ok()
    };
    Some(
        value
            .and_then(|v| v.checked_mul(mul))
            .map_or(Memory::Wrapped, Memory::Bytes),
    )
}

/// Whether a Redis boolean is `yes` (`yes`/`no`, any case; anything else is neither).
pub fn yes_no(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("yes") {
        Some(true)
    } else if text.eq_ignore_ascii_case("no") {
        Some(false)
    } else {
        None
    }
}

/// The characters Redis trims from both ends of a line (`sdstrim(line, " \t\r\n")`).
fn trim_line(line: &str) -> &str {
    line.trim_matches([' ', '\t', '\r', '\n'])
}

/// C's `isspace` in the C locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// One argument of a line.
#[derive(Debug)]
struct Arg {
    text: String,
    span: Span,
    style: ScalarStyle,
}

impl Arg {
    fn node(&self) -> Node {
        Node::scalar(self.span, self.text.to_string(), self.style, Resolved::Str)
    }
}

/// `sdssplitargs` over one trimmed line starting at byte `base` of the file. On error,
/// the span and description of the "unbalanced quotes" problem.
fn split_args(line: &str, base: usize) -> Result<Vec<Arg>, (Span, String)> {
    let bytes = line.as_bytes();
    // Redis sees a C string: nothing after a NUL byte exists.
    let n = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let at = |j: usize| -> u8 {
        if j < n {
            bytes.get(j).copied().unwrap_or(0)
        } else {
            0
        }
    };
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while i < n && is_space(at(i)) {
            i += 1;
        }
        if i >= n {
            return Ok(args);
        }
        let start = i;
        let mut cur: Vec<u8> = Vec::new();
        let mut style = ScalarStyle::Plain;
        // Where the quote now open was opened, and which quote it is.
        let mut open: Option<(usize, u8)> = None;
        let end = loop {
            match open {
                Some((q_at, b'"')) => {
                    let c = at(i);
                    if c == b'\\'
                        && at(i + 1) == b'x'
                        && let (Some(h), Some(l)) = (hex(at(i + 2)), hex(at(i + 3)))
                    {
                        cur.push(h * 16 + l);
                        i += 4;
                        continue;
                    }
                    if c == b'\\' && at(i + 1) != 0 {
                        cur.push(match at(i + 1) {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 0x08,
                            b'a' => 0x07,
                            other => other,
                        });
                        i += 2;
                    } else if c == b'"' {
                        closing_quote_ok(line, at(i + 1), base, i + 1)?;
                        i += 1;
                        break i;
                    } else if c == 0 {
                        return Err(unterminated(base + q_at));
                    } else {
                        cur.push(c);
                        i += 1;
                    }
                }
                Some((q_at, _)) => {
                    let c = at(i);
                    if c == b'\\' && at(i + 1) == b'\'' {
                        cur.push(b'\'');
                        i += 2;
                    } else if c == b'\'' {
                        closing_quote_ok(line, at(i + 1), base, i + 1)?;
                        i += 1;
                        break i;
                    } else if c == 0 {
                        return Err(unterminated(base + q_at));
                    } else {
                        cur.push(c);
                        i += 1;
                    }
                }
                None => match at(i) {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => break i,
                    q @ (b'"' | b'\'') => {
                        open = Some((i, q));
                        style = if q == b'"' {
                            ScalarStyle::DoubleQuoted
                        } else {
                            ScalarStyle::SingleQuoted
                        };
                        i += 1;
                    }
                    c => {
                        cur.push(c);
                        i += 1;
                    }
                },
            }
        };
        args.push(Arg {
            text: String::from_utf8_lossy(&cur).into_owned(),
            span: Span::new(base + start, base + end),
            style,
        });
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

fn unterminated(at: usize) -> (Span, String) {
    (
        Span::new(at, at + 1),
        "unbalanced quotes: this quote is never closed".to_string(),
    )
}

/// A closing quote must be followed by whitespace or the end of the line (`"a"b` is an
/// error in Redis). `next` is the byte after it, at `rel` in `line`.
fn closing_quote_ok(line: &str, next: u8, base: usize, rel: usize) -> Result<(), (Span, String)> {
    if next == 0 || is_space(next) {
        return Ok(());
    }
    let len = line
        .get(rel..)
        .and_then(|s| s.chars().next())
        .map_or(1, char::len_utf8);
    Err((
        Span::new(base + rel, base + rel + len),
        "unbalanced quotes: a closing quote must be followed by a space".to_string(),
    ))
}

/// Parse a redis.conf or sentinel.conf into the tree described in the module docs.
pub fn parse(text: &str) -> FlatParsed {
    let mut entries: Vec<Entry> = Vec::new();
    // Canonical directive name → index in `entries`.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut problems = Vec::new();
    let mut comments = Vec::new();

    let mut line_start = 0;
    for raw in text.split('\n') {
        let this_start = line_start;
        line_start += raw.len() + 1;
        let trimmed = trim_line(raw);
        if trimmed.is_empty() {
            continue;
        }
        // `trim_matches` only removes ASCII bytes, so this is where `trimmed` starts.
        let lead = raw.len() - raw.trim_start_matches([' ', '\t', '\r', '\n']).len();
        let base = this_start + lead;
        if let Some(rest) = trimmed.strip_prefix('#') {
            comments.push(Comment {
                span: Span::new(base, base + trimmed.len()),
                text: rest.trim().to_string(),
            });
            continue;
        }
        let args = match split_args(trimmed, base) {
            Ok(a) => a,
            Err((span, message)) => {
                problems.push(Problem::Syntax { span, message });
                continue;
            }
        };
        let mut args = args.into_iter();
        let Some(name_arg) = args.next() else {
            continue;
        };
        let name = name_arg.text.to_ascii_lowercase();
        let rest: Vec<Arg> = args.collect();
        let key = Node::string(name_arg.span, name.clone());
        let args_span = match (rest.first(), rest.last()) {
            (Some(f), Some(l)) => f.span.cover(l.span),
            _ => Span::point(name_arg.span.end),
        };

        if is_repeatable(&name) {
            let occurrence = Node {
                span: args_span,
                value: Value::Seq(rest.iter().map(Arg::node).collect()),
            };
            match seen.get(&name).and_then(|&i| entries.get_mut(i)) {
                Some(entry) => {
                    entry.value.span = entry.value.span.cover(occurrence.span);
                    if let Value::Seq(items) = &mut entry.value.value {
                        items.push(occurrence);
                    }
                }
                None => {
                    seen.insert(name, entries.len());
                    entries.push(Entry {
                        key,
                        value: Node {
                            span: occurrence.span,
                            value: Value::Seq(vec![occurrence]),
                        },
                    });
                }
            }
            continue;
        }

        let value = match rest.as_slice() {
            [one] => one.node(),
            _ => Node {
                span: args_span,
                value: Value::Seq(rest.iter().map(Arg::node).collect()),
            },
        };
        let canon = canonical(&name).to_string();
        match seen.get(&canon).and_then(|&i| entries.get_mut(i)) {
            Some(old) => {
                problems.push(Problem::DuplicateKey {
                    key: name,
                    first: old.key.span,
                    second: key.span,
                });
                // Redis applies the lines in order: the last one wins.
                *old = Entry { key, value };
            }
            None => {
                seen.insert(canon, entries.len());
                entries.push(Entry { key, value });
            }
        }
    }

    FlatParsed {
        root: Node {
            span: Span::new(0, text.len()),
            value: Value::Map(entries),
        },
        problems,
        comments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(text: &str) -> FlatParsed {
        parse(text)
    }

    /// (text, span) of a node, for compact assertions.
    fn at<'a>(text: &'a str, n: &Node) -> &'a str {
        &text[n.span.start..n.span.end]
    }

    #[test]
    fn known_list_is_sorted_and_unique() {
        assert!(KNOWN.windows(2).all(|w| w[0] < w[1]));
        for d in REPEATABLE.iter().chain(SERVER_ONLY) {
            assert!(is_known(d), "{d}");
        }
        for (a, p) in ALIASES {
            assert!(is_known(a) && is_known(p), "{a} {p}");
        }
    }

    #[test]
    fn single_and_multi_argument_directives() {
        let t = "port 6379\nbind 127.0.0.1 -::1\ndaemonize\n";
        let p = parsed(t);
        assert!(p.problems.is_empty());
        let port = p.root.get("port").unwrap();
        assert_eq!(port.text(), Some("6379"));
        assert_eq!(at(t, port), "6379");
        assert_eq!(port.span, Span::new(5, 9));
        let bind = p.root.get("bind").unwrap().as_seq().unwrap();
        assert_eq!(bind.len(), 2);
        assert_eq!(bind[1].text(), Some("-::1"));
        assert_eq!(at(t, p.root.get("bind").unwrap()), "127.0.0.1 -::1");
        let d = p.root.get("daemonize").unwrap();
        assert_eq!(d.as_seq().map(<[Node]>::len), Some(0));
        assert_eq!(d.span, Span::point(t.find("daemonize").unwrap() + 9));
        let keys: Vec<_> = p
            .root
            .as_map()
            .unwrap()
            .iter()
            .map(|e| e.key.text().unwrap())
            .collect();
        assert_eq!(keys, ["port", "bind", "daemonize"]);
    }

    #[test]
    fn names_are_case_insensitive_with_their_written_span() {
        let t = "  MaxMemory 2GB\r\n";
        let p = parsed(t);
        let e = p.root.entry("maxmemory").unwrap();
        assert_eq!(at(t, &e.key), "MaxMemory");
        assert_eq!(at(t, &e.value), "2GB");
        assert_eq!(e.key.span, Span::new(2, 11));
    }

    #[test]
    fn quoting_and_escapes() {
        let cases: &[(&str, &str, &str)] = &[
            (r#"x "a b""#, "a b", r#""a b""#),
            (r#"x "tab\there""#, "tab\there", r#""tab\there""#),
            (
                r#"x "\n\r\b\a\\\"""#,
                "\n\r\u{8}\u{7}\\\"",
                r#""\n\r\b\a\\\"""#,
            ),
            (r#"x "\x41\x7a""#, "Az", r#""\x41\x7a""#),
            (r#"x "\xZZ""#, "xZZ", r#""\xZZ""#),
            (r#"x "\q""#, "q", r#""\q""#),
            (r"x 'it\'s'", "it's", r"'it\'s'"),
            (r"x 'a\nb'", r"a\nb", r"'a\nb'"),
            (r#"x a"b c""#, "ab c", r#"a"b c""#),
            (r#"x """#, "", r#""""#),
            ("x ''", "", "''"),
            (r"x c:\data", r"c:\data", r"c:\data"),
            ("x é\"ü\"", "éü", "é\"ü\""),
        ];
        for (line, want, span) in cases {
            let p = parsed(line);
            assert!(p.problems.is_empty(), "{line}: {:?}", p.problems);
            let v = p.root.get("x").unwrap_or_else(|| panic!("{line}"));
            assert_eq!(v.text(), Some(*want), "{line}");
            assert_eq!(at(line, v), *span, "{line}");
        }
        let p = parsed("x \"q\"\n");
        assert_eq!(
            p.root.get("x").unwrap().as_scalar().unwrap().style,
            ScalarStyle::DoubleQuoted
        );
    }

    #[test]
    fn unbalanced_quotes_are_syntax_errors_at_the_exact_place() {
        let cases: &[(&str, Span)] = &[
            // Never closed: the opening quote.
            ("port 1\nlogfile \"abc\n", Span::new(15, 16)),
            ("logfile 'abc", Span::new(8, 9)),
            ("logfile \"abc\\\"", Span::new(8, 9)),
            ("logfile \"ab\\", Span::new(8, 9)),
            // Closed, then not followed by a space: the character after it.
            ("logfile \"abc\"def", Span::new(13, 14)),
            ("logfile 'a'b", Span::new(11, 12)),
            ("logfile \"a\"é", Span::new(11, 13)),
        ];
        for (text, span) in cases {
            let p = parsed(text);
            assert_eq!(p.problems.len(), 1, "{text:?}");
            match &p.problems[0] {
                Problem::Syntax { span: s, message } => {
                    assert_eq!(s, span, "{text:?}");
                    assert!(message.starts_with("unbalanced quotes"), "{message}");
                }
                other => panic!("{other:?}"),
            }
            // The bad line is skipped; the others are kept.
            assert!(p.root.get("logfile").is_none(), "{text:?}");
        }
        assert!(parsed("port 1\nlogfile \"abc\n").root.get("port").is_some());
        // A closing quote before trailing spaces or CR is fine.
        assert!(parsed("logfile \"a\"  \r\n").problems.is_empty());
    }

    #[test]
    fn comments_blank_lines_and_line_endings() {
        let t = "# top\r\n\r\n   # indented\t\nport 1 \r\n\t\n";
        let p = parsed(t);
        assert!(p.problems.is_empty());
        assert_eq!(p.comments.len(), 2);
        assert_eq!(p.comments[0].text, "top");
        assert_eq!(at(t, &Node::string(p.comments[0].span, "")), "# top");
        assert_eq!(p.comments[1].text, "indented");
        assert_eq!(at(t, &Node::string(p.comments[1].span, "")), "# indented");
        let port = p.root.get("port").unwrap();
        assert_eq!(port.text(), Some("1"));
        assert_eq!(at(t, port), "1");
        // `#` elsewhere is an argument, as in Redis.
        let p = parsed("port 1 # no\n");
        assert_eq!(p.root.get("port").unwrap().as_seq().unwrap().len(), 3);
    }

    #[test]
    fn nul_ends_the_line_as_in_c() {
        let p = parsed("port 6379\0junk \"\nmaxmemory 1\n");
        assert!(p.problems.is_empty());
        assert_eq!(p.root.get("port").unwrap().text(), Some("6379"));
        assert_eq!(p.root.get("maxmemory").unwrap().text(), Some("1"));
    }

    #[test]
    fn repeatable_directives_are_sequences_of_occurrences() {
        let t = "save 900 1\nsave 300 10\nSENTINEL monitor m 10.0.0.1 6379 2\nsentinel\ninclude /a.conf\ninclude /b.conf\n";
        let p = parsed(t);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let save = p.root.get("save").unwrap().as_seq().unwrap();
        assert_eq!(save.len(), 2);
        assert_eq!(at(t, &save[1]), "300 10");
        assert_eq!(save[1].as_seq().unwrap()[1].text(), Some("10"));
        assert_eq!(at(t, p.root.get("save").unwrap()), "900 1\nsave 300 10");
        let sentinel = p.root.get("sentinel").unwrap().as_seq().unwrap();
        assert_eq!(sentinel.len(), 2);
        assert_eq!(sentinel[0].as_seq().unwrap()[4].text(), Some("2"));
        assert_eq!(sentinel[1].as_seq().unwrap().len(), 0);
        let inc = p.root.get("include").unwrap().as_seq().unwrap();
        // One argument, still a sequence.
        assert_eq!(inc[0].as_seq().unwrap()[0].text(), Some("/a.conf"));
        assert_eq!(inc[1].as_seq().unwrap()[0].text(), Some("/b.conf"));
    }

    #[test]
    fn duplicates_last_wins_aliases_included() {
        let t = "maxmemory 1gb\nport 1\nmaxmemory 2gb\n";
        let p = parsed(t);
        assert_eq!(
            p.problems,
            vec![Problem::DuplicateKey {
                key: "maxmemory".into(),
                first: Span::new(0, 9),
                second: Span::new(21, 30),
            }]
        );
        assert_eq!(p.root.get("maxmemory").unwrap().text(), Some("2gb"));
        assert_eq!(p.root.as_map().unwrap().len(), 2);

        let t = "slaveof 10.0.0.1 6379\nreplicaof 10.0.0.2 6379\n";
        let p = parsed(t);
        assert_eq!(
            p.problems,
            vec![Problem::DuplicateKey {
                key: "replicaof".into(),
                first: Span::new(0, 7),
                second: Span::new(22, 31),
            }]
        );
        assert!(p.root.get("slaveof").is_none());
        assert_eq!(
            p.root.get("replicaof").unwrap().as_seq().unwrap()[0].text(),
            Some("10.0.0.2")
        );
    }

    #[test]
    fn memory_units_follow_memtoull() {
        let cases: &[(&str, Option<u64>)] = &[
            ("0", Some(0)),
            ("100", Some(100)),
            ("100b", Some(100)),
            ("1k", Some(1000)),
            ("1kb", Some(1024)),
            ("1K", Some(1000)),
            ("1KB", Some(1024)),
            ("2m", Some(2_000_000)),
            ("2mb", Some(2 * 1024 * 1024)),
            ("256Mb", Some(256 * 1024 * 1024)),
            ("2g", Some(2_000_000_000)),
            ("2gb", Some(2 * 1024 * 1024 * 1024)),
            ("2GB", Some(2 * 1024 * 1024 * 1024)),
            ("gb", Some(0)),
            ("", Some(0)),
            ("-1", None),
            ("+1", None),
            ("1.5gb", None),
            ("1 gb", None),
            ("1tb", None),
            ("1gib", None),
            ("18446744073709551615", Some(u64::MAX)),
            ("18446744073709551616", None),
            ("18446744073709551615k", None),
            ("17179869184gb", None),
        ];
        for (text, want) in cases {
            assert_eq!(memory_bytes(text), *want, "{text}");
        }
        assert_eq!(memory_bytes(&"1".repeat(130)), None);
    }

    #[test]
    fn sniffing_redis_and_not_the_others() {
        let redis = "# Redis\nport 6379\nmaxmemory 2gb\nmaxmemory-policy allkeys-lru\nsave 900 1\n";
        assert!(looks_like(redis));
        assert!(looks_like("dbfilename wei_tasks.rdb\ndir $HOME/.wei\n"));
        assert!(looks_like(
            "SENTINEL monitor m 127.0.0.1 6379 2\nport 26379\n"
        ));
        let not_redis = [
            // nginx
            "user nginx;\nworker_processes auto;\ninclude /etc/nginx/modules/*.conf;\nevents {\n  worker_connections 1024;\n}\nhttp {\n  include mime.types;\n}\n",
            "include /etc/nginx/conf.d/*.conf;\n",
            // Apache and sshd
            "ServerRoot \"/etc/httpd\"\nListen 80\nTimeout 300\nKeepAlive On\nLogLevel warn\nPidFile run/httpd.pid\nUser apache\n<Directory />\n</Directory>\n",
            "Port 22\nLogLevel INFO\nPidFile /run/sshd.pid\n",
            // INI
            "[mysqld]\nport = 3306\ntimeout = 30\n",
            "port = 3306\ntimeout = 30\n",
            // YAML
            "port: 6379\nmaxmemory: 2gb\n",
            // .properties
            "port=6379\ntimeout=30\n",
            "broker.id=1\nlog.dirs=/tmp\n",
            // shell
            "#!/bin/sh\nbind -x '\"\\C-x\": foo'\ntimeout 5 ls\n",
            "export PORT=6379\nif [ -f x ]; then\n  echo hi\nfi\n",
            // nothing at all
            "",
            "# just a comment\n\n",
        ];
        for t in not_redis {
            assert!(!looks_like(t), "{t}");
        }
    }

    #[test]
    fn sentinel_by_name_or_content() {
        let sentinel = parse("port 26379\nsentinel monitor m 127.0.0.1 6379 2\n");
        assert!(is_sentinel("x/y/conf.conf", &sentinel.root));
        let server = parse("port 6379\nmaxmemory 1gb\n");
        assert!(!is_sentinel("x/redis.conf", &server.root));
        assert!(is_sentinel("x/sentinel-26379.conf", &server.root));
        assert!(is_sentinel("x\\Sentinel.conf", &server.root));
        let mixed = parse("sentinel monitor m 127.0.0.1 6379 2\nappendonly yes\n");
        assert!(!is_sentinel("x/a.conf", &mixed.root));
        let bare = parse("sentinel\nport 1\n");
        assert!(!is_sentinel("x/a.conf", &bare.root));
    }

    fn check_spans(text: &str, n: &Node) {
        let ok = |s: Span| {
            s.start <= s.end
                && s.end <= text.len()
                && text.is_char_boundary(s.start)
                && text.is_char_boundary(s.end)
        };
        assert!(ok(n.span), "{:?} in {text:?}", n.span);
        match &n.value {
            Value::Scalar(_) => {}
            Value::Seq(items) => items.iter().for_each(|i| check_spans(text, i)),
            Value::Map(entries) => entries.iter().for_each(|e| {
                check_spans(text, &e.key);
                check_spans(text, &e.value);
            }),
        }
    }

    fn check_all(text: &str) {
        let p = parse(text);
        check_spans(text, &p.root);
        p.assert_side_spans_within(text);
        let _ = looks_like(text);
        let _ = is_sentinel("a.conf", &p.root);
    }

    /// The Redis and Sentinel files of the fixtures (Redis' own redis.conf cannot be copied
    /// into the repository: its licence at the corpus commit is RSALv2/SSPLv1).
    fn corpus() -> Vec<String> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
        let mut out: Vec<String> = std::fs::read_dir(root)
            .expect("fixtures")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("redis-"))
            .flat_map(|e| std::fs::read_dir(e.path()).into_iter().flatten().flatten())
            .filter(|e| e.path().extension().is_some_and(|x| x == "conf"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        out.sort();
        assert!(out.len() >= 5, "only {} Redis fixtures", out.len());
        out
    }

    #[test]
    fn corpus_truncations_survive() {
        for text in corpus() {
            let step = text.len() / 150 + 1;
            let mut cut = 0;
            while cut <= text.len() {
                if text.is_char_boundary(cut) {
                    check_all(&text[..cut]);
                }
                cut += step;
            }
        }
    }

    proptest! {
        #[test]
        fn random_text_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            check_all(&text);
        }

        #[test]
        fn config_like_text_never_panics(text in "([a-zA-Z#\"' \\\\x0-9\t\r\n\u{0}é-]{0,12}\n?){0,20}") {
            check_all(&text);
        }

        #[test]
        fn corpus_prefixes_never_panic(idx in 0usize..6, cut in 0usize..100_000) {
            let files = corpus();
            if let Some(text) = files.get(idx % files.len().max(1)) {
                let mut c = cut.min(text.len());
                while !text.is_char_boundary(c) {
                    c -= 1;
                }
                check_all(&text[..c]);
            }
        }
    }
}

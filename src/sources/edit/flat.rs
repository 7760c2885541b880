//! Edits in flat config files: a directive's value replaced where it takes effect, or the
//! directive appended (at the end of its section in pgbouncer.ini, at the end of the file in
//! redis.conf and .properties) in the file's own spacing and line endings.
//!
//! The trees (see `sources::pgbouncer`, `redis`, `properties`): a repeated directive's entry
//! holds the occurrence that takes effect (the last one); pgbouncer.ini and redis.conf keys
//! are lower-cased (pgbouncer's `[databases]`, `[users]` and `[peers]` keep their case),
//! .properties keys are case-sensitive.

use super::{Edit, Planned};
use crate::model::{Format, Node, ScalarStyle, Span, Value};

const EMBEDDED: &str = "the config is embedded in a YAML block scalar";
const LINE_BREAK: &str = "the value holds a line break the format cannot write";
const NOT_FLAT: &str = "the config is written in YAML, not in a config file";

/// A flat config object (pgbouncer.ini, redis.conf, Kafka .properties) in its file's text.
pub struct FlatDoc<'a> {
    pub text: &'a str,
    pub root: &'a Node,
    pub format: Format,
    /// The config is embedded in a YAML scalar (a ConfigMap's `redis.conf`).
    pub embedded: bool,
}

impl<'a> FlatDoc<'a> {
    pub fn new(text: &'a str, root: &'a Node, format: Format, embedded: bool) -> FlatDoc<'a> {
        FlatDoc {
            text,
            root,
            format,
            embedded,
        }
    }

    /// Sets directive `key` (in `section`, for pgbouncer.ini) to `value`.
    ///
    /// `value` is written as the format reads it: pgbouncer.ini as is (the rest of the line);
    /// redis.conf as is, so `"900 1"` is two arguments, except that a single argument written
    /// quoted stays quoted in its style and an empty value is `""`; .properties escaped
    /// (`\\`, `\n`, a leading space, non-ASCII as `\uXXXX`, since Kafka reads ISO-8859-1).
    /// pgbouncer.ini's section defaults to `pgbouncer`.
    pub fn set(&self, section: Option<&str>, key: &str, value: &str) -> Planned {
        // A flat file's tree spans its whole text; a config read from YAML (Strimzi's
        // `spec.kafka.config`, an operator's PgBouncer settings) is YamlDoc's to edit.
        let whole = self.root.span == Span::new(0, self.text.len());
        if !whole && !self.embedded {
            return Planned::risky(Vec::new(), NOT_FLAT);
        }
        let mut risk = None;
        let edits = match self.format {
            Format::PgBouncer => self.set_pgbouncer(section.unwrap_or("pgbouncer"), key, value),
            Format::Redis => self.set_redis(key, value, &mut risk),
            Format::Kafka => self.set_properties(key, value),
            Format::Kubernetes | Format::Prometheus | Format::K6 => {
                return Planned::risky(Vec::new(), NOT_FLAT);
            }
        };
        let breaks = value.contains(['\n', '\r']);
        if breaks && self.format == Format::PgBouncer {
            risk = risk.or(Some(LINE_BREAK));
        }
        if self.embedded {
            risk = Some(EMBEDDED);
        }
        match risk {
            Some(why) => Planned::risky(edits, why),
            None => Planned::new(edits),
        }
    }

    // ---- pgbouncer.ini ----

    fn set_pgbouncer(&self, section: &str, key: &str, value: &str) -> Vec<Edit> {
        let name = section.to_ascii_lowercase();
        let spaced = self.pgbouncer_spaced();
        let directive = if spaced {
            format!("{key} = {value}")
        } else {
            format!("{key}={value}")
        };
        let Some(sec) = self.root.entry(&name) else {
            let (at, indent) = self.append_point();
            let nl = self.nl();
            let mut text = self.newline_before(at);
            // A new section is set apart from the text before it by a blank line.
            let before = self.text.get(..at).unwrap_or_default();
            let breaks = before
                .bytes()
                .rev()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .filter(|&b| b == b'\n')
                .count()
                + usize::from(!text.is_empty());
            if !before.trim().is_empty() && breaks < 2 {
                text.push_str(nl);
            }
            text.push_str(&format!("{indent}[{section}]{nl}{indent}{directive}{nl}"));
            return vec![Edit::insert(at, text)];
        };
        // `[databases]`, `[users]` and `[peers]` keep their names' case.
        let found = sec
            .value
            .entry(key)
            .or_else(|| sec.value.entry(&key.to_ascii_lowercase()));
        match found {
            Some(e) => {
                let span = e.value.span;
                // `key =` with nothing after it: the value needs its space.
                let after_eq = span.is_empty()
                    && self
                        .text
                        .get(..span.start)
                        .is_some_and(|t| t.ends_with('='));
                let text = if after_eq && spaced {
                    format!(" {value}")
                } else {
                    value.to_string()
                };
                vec![Edit::replace(span, text)]
            }
            None => {
                let end = self.last_end(&sec.value).max(sec.value.span.end);
                let at = self.after_line(end);
                let indent = self.indent_of(end);
                let mut text = self.newline_before(at);
                text.push_str(&format!("{indent}{directive}{}", self.nl()));
                vec![Edit::insert(at, text)]
            }
        }
    }

    /// Whether the file writes `key = value` (else `key=value`); `key = value` when it has
    /// no directive to tell.
    fn pgbouncer_spaced(&self) -> bool {
        let sections = self.root.as_map().unwrap_or_default();
        let first = sections
            .iter()
            .flat_map(|s| s.value.as_map().unwrap_or_default())
            .find(|e| e.value.span.start > e.key.span.end);
        first.is_none_or(|e| self.bytes().get(e.key.span.end) != Some(&b'='))
    }

    // ---- redis.conf ----

    fn set_redis(&self, key: &str, value: &str, risk: &mut Option<&'static str>) -> Vec<Edit> {
        let name = key.to_ascii_lowercase();
        let Some(entry) = self.root.entry(&name) else {
            if value.contains(['\n', '\r']) {
                *risk = Some(LINE_BREAK);
            }
            let arg = if value.is_empty() { "\"\"" } else { value };
            return self.append(&format!("{key} {arg}"));
        };
        let node = &entry.value;
        // The occurrence that takes effect: the directive's own value, or for one that
        // accumulates (`save`) its last line.
        let target = match node.as_seq() {
            Some(items) if !items.is_empty() && items.iter().all(|i| i.as_seq().is_some()) => {
                items.iter().max_by_key(|i| i.span.start).unwrap_or(node)
            }
            _ => node,
        };
        let text = match target.as_scalar().map(|s| s.style) {
            Some(ScalarStyle::DoubleQuoted) => redis_double_quoted(value),
            Some(ScalarStyle::SingleQuoted) => redis_single_quoted(value),
            _ if value.is_empty() => "\"\"".to_string(),
            _ => {
                if value.contains(['\n', '\r']) {
                    *risk = Some(LINE_BREAK);
                }
                value.to_string()
            }
        };
        if target.span.is_empty() {
            // A directive without arguments: its value goes after its name.
            return vec![Edit::insert(target.span.start, format!(" {text}"))];
        }
        vec![Edit::replace(target.span, text)]
    }

    // ---- .properties ----

    fn set_properties(&self, key: &str, value: &str) -> Vec<Edit> {
        let escaped = properties_escape(value, false);
        let Some(entry) = self.root.entry(key) else {
            let sep = self.properties_separator();
            let line = format!("{}{sep}{escaped}", properties_escape(key, true));
            let mut edits = self.append(&line);
            // A last line ending in `\` would continue into the new one: an empty line ends it.
            if self.continues_at_end() {
                for e in &mut edits {
                    e.replacement.insert_str(0, self.nl());
                }
            }
            return edits;
        };
        let span = entry.value.span;
        if span.is_empty() && span.start <= entry.key.span.end {
            // A key alone on its line has no separator yet.
            let sep = self.properties_separator();
            return vec![Edit::insert(span.start, format!("{sep}{escaped}"))];
        }
        // A value continued over lines (`\` at the end) is replaced whole.
        let end = self.logical_line_end(span.end);
        vec![Edit::replace(Span::new(span.start, end), escaped)]
    }

    /// The end of the natural line that ends the logical line through `from` (before its
    /// line break): lines ending in an odd number of backslashes continue.
    fn logical_line_end(&self, from: usize) -> usize {
        let b = self.bytes();
        let mut p = from.min(b.len());
        loop {
            let line_end = b
                .get(p..)
                .and_then(|r| r.iter().position(|&c| c == b'\n' || c == b'\r'))
                .map_or(b.len(), |i| p + i);
            let line = b.get(..line_end).unwrap_or_default();
            let backslashes = line.iter().rev().take_while(|&&c| c == b'\\').count();
            if backslashes % 2 == 0 || line_end >= b.len() {
                return line_end;
            }
            p = line_end + 1;
            if b.get(line_end) == Some(&b'\r') && b.get(p) == Some(&b'\n') {
                p += 1;
            }
        }
    }

    /// Whether the file's last line ends in an odd number of backslashes (a continuation).
    fn continues_at_end(&self) -> bool {
        let (at, _) = self.append_point();
        let before = self.bytes().get(..at).unwrap_or_default();
        let before = before.strip_suffix(b"\n").unwrap_or(before);
        let before = before.strip_suffix(b"\r").unwrap_or(before);
        before.iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1
    }

    /// The file's separator between key and value (`=`, ` = `, `:`, …), `=` by default.
    fn properties_separator(&self) -> String {
        let entries = self.root.as_map().unwrap_or_default();
        entries
            .iter()
            .filter(|e| !e.value.span.is_empty())
            .find_map(|e| {
                let sep = self.text.get(e.key.span.end..e.value.span.start)?;
                let marks = sep.chars().filter(|c| matches!(c, '=' | ':')).count();
                let blanks = sep.chars().all(|c| matches!(c, '=' | ':' | ' ' | '\t'));
                (blanks && marks == 1 && sep.len() <= 5).then(|| sep.to_string())
            })
            .unwrap_or_else(|| "=".to_string())
    }

    // ---- the text ----

    fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// The file's line break: `\r\n` when its first line ends so.
    fn nl(&self) -> &'static str {
        let from = if self.embedded {
            self.root.span.start
        } else {
            0
        };
        let rest = self.bytes().get(from..).unwrap_or_default();
        match rest.iter().position(|&c| c == b'\n') {
            Some(i) if i > 0 && rest.get(i - 1) == Some(&b'\r') => "\r\n",
            _ => "\n",
        }
    }

    /// The start of the line after the one holding `end` (the end of the text on the last).
    fn after_line(&self, end: usize) -> usize {
        let end = end.min(self.text.len());
        if end > 0 && self.bytes().get(end - 1) == Some(&b'\n') {
            return end;
        }
        self.bytes()
            .get(end..)
            .and_then(|r| r.iter().position(|&c| c == b'\n'))
            .map_or(self.text.len(), |i| end + i + 1)
    }

    /// A line break before text inserted at `at` when `at` ends a last line without one.
    fn newline_before(&self, at: usize) -> String {
        if at >= self.text.len() && !self.text.is_empty() && !self.text.ends_with('\n') {
            self.nl().to_string()
        } else {
            String::new()
        }
    }

    /// The blanks that start the line holding `at` (an embedded config's indentation).
    fn indent_of(&self, at: usize) -> &str {
        if !self.embedded {
            return "";
        }
        let at = at.min(self.text.len());
        let start = self
            .bytes()
            .get(..at)
            .and_then(|b| b.iter().rposition(|&c| c == b'\n'))
            .map_or(0, |i| i + 1);
        let line = self.text.get(start..at).unwrap_or_default();
        let blanks = line.len() - line.trim_start_matches([' ', '\t']).len();
        line.get(..blanks).unwrap_or_default()
    }

    /// Where the last key or value below `node` ends.
    fn last_end(&self, node: &Node) -> usize {
        match &node.value {
            Value::Scalar(_) => node.span.end,
            Value::Seq(items) => items
                .iter()
                .map(|n| self.last_end(n))
                .max()
                .unwrap_or(node.span.end)
                .max(node.span.end),
            Value::Map(entries) => entries
                .iter()
                .map(|e| e.key.span.end.max(self.last_end(&e.value)))
                .max()
                .unwrap_or(node.span.start),
        }
    }

    /// Where text appended to the file goes, with the indentation it takes: the end of the
    /// file, or for an embedded config the line after its last directive, indented as it.
    fn append_point(&self) -> (usize, &str) {
        if !self.embedded {
            return (self.text.len(), "");
        }
        let end = self.last_end(self.root);
        (self.after_line(end), self.indent_of(end))
    }

    /// `line` appended to the file.
    fn append(&self, line: &str) -> Vec<Edit> {
        let (at, indent) = self.append_point();
        let mut text = self.newline_before(at);
        text.push_str(indent);
        text.push_str(line);
        text.push_str(self.nl());
        vec![Edit::insert(at, text)]
    }
}

/// A redis.conf argument in double quotes (`sdssplitargs`' escapes).
fn redis_double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A redis.conf argument in single quotes, where only `\'` is an escape; what single quotes
/// cannot hold (a line break, a backslash before the closing quote) is double-quoted.
fn redis_single_quoted(s: &str) -> String {
    if s.chars().any(|c| c.is_ascii_control()) || s.ends_with('\\') {
        return redis_double_quoted(s);
    }
    format!("'{}'", s.replace('\'', "\\'"))
}

/// A key or value as `Properties.load` reads it back (the escapes of `Properties.store`).
fn properties_escape(s: &str, key: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0c' => out.push_str("\\f"),
            // Leading blanks are skipped; in a key, blanks and separators end it.
            ' ' if i == 0 || key => out.push_str("\\ "),
            // After a blank separator, a value's first `=` or `:` would be read as one.
            '=' | ':' if i == 0 || key => {
                out.push('\\');
                out.push(c);
            }
            '#' | '!' if key && i == 0 => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_ascii_control() || !c.is_ascii() => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04X}", u));
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fix::apply;
    use crate::sources::{FlatParsed, pgbouncer, properties, redis};

    fn parser(format: Format) -> fn(&str) -> FlatParsed {
        match format {
            Format::PgBouncer => pgbouncer::parse,
            Format::Redis => redis::parse,
            _ => properties::parse,
        }
    }

    fn applied(text: &str, planned: &Planned) -> String {
        let edits: Vec<&Edit> = planned.edits.iter().collect();
        apply(text, &edits).unwrap()
    }

    /// The edited text, checked to parse without problems and to read back `want` at `path`.
    fn set(format: Format, text: &str, section: Option<&str>, key: &str, value: &str) -> String {
        let parsed = parser(format)(text);
        let planned = FlatDoc::new(text, &parsed.root, format, false).set(section, key, value);
        assert_eq!(planned.risk, None);
        let out = applied(text, &planned);
        let back = parser(format)(&out);
        let fresh = |p: &crate::sources::Problem| !parsed.problems.contains(p);
        assert!(
            !back.problems.iter().any(fresh),
            "{out:?}: {:?}",
            back.problems
        );
        out
    }

    fn read<'n>(root: &'n Node, path: &[&str]) -> Option<&'n str> {
        root.path(path)?.text()
    }

    /// A value as its words: redis.conf's arguments (of the last line, for `save`) joined.
    fn words(root: &Node, path: &[&str]) -> Option<String> {
        let node = root.path(path)?;
        let node = match node.as_seq() {
            Some(items) if items.iter().all(|i| i.as_seq().is_some()) => items.last()?,
            _ => node,
        };
        match node.as_seq() {
            Some(args) => Some(
                args.iter()
                    .filter_map(Node::text)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            None => node.text().map(str::to_string),
        }
    }

    #[test]
    fn pgbouncer_values_are_replaced_where_they_take_effect() {
        let text = "[pgbouncer]\nPOOL_MODE = session\nmax_client_conn=10\npool_mode = statement\n\n[databases]\nDb = host=a\n";
        let out = set(
            Format::PgBouncer,
            text,
            Some("pgbouncer"),
            "pool_mode",
            "transaction",
        );
        assert_eq!(out, text.replace("statement", "transaction"));
        let root = pgbouncer::parse(&out).root;
        assert_eq!(
            read(&root, &["pgbouncer", "pool_mode"]),
            Some("transaction")
        );
        // A database name keeps its case.
        let out = set(Format::PgBouncer, text, Some("databases"), "Db", "host=b");
        assert!(out.ends_with("Db = host=b\n"), "{out}");
        // `key =` with nothing after it.
        let text = "[pgbouncer]\ndefault_pool_size =\nx = 1\n";
        let out = set(Format::PgBouncer, text, None, "default_pool_size", "20");
        assert_eq!(out, "[pgbouncer]\ndefault_pool_size = 20\nx = 1\n");
    }

    #[test]
    fn pgbouncer_directives_go_at_the_end_of_their_section() {
        let text = "; config\n[pgbouncer]\nlisten_port=6432\n; note\n\n[databases]\nd = host=a\n[pgbouncer]\nauth_type=md5 \n[users]\n";
        let out = set(Format::PgBouncer, text, None, "pool_mode", "transaction");
        assert_eq!(out, text.replace("md5 \n", "md5 \npool_mode=transaction\n"));
        let root = pgbouncer::parse(&out).root;
        assert_eq!(
            read(&root, &["pgbouncer", "pool_mode"]),
            Some("transaction")
        );
        // A section without a directive yet.
        let text = "[pgbouncer]\r\n[databases]\r\n";
        let out = set(Format::PgBouncer, text, None, "pool_mode", "session");
        assert_eq!(out, "[pgbouncer]\r\npool_mode = session\r\n[databases]\r\n");
        // A missing section is appended to the file, after a blank line.
        let text = "[databases]\nd = host=a";
        let out = set(
            Format::PgBouncer,
            text,
            Some("pgbouncer"),
            "pool_mode",
            "session",
        );
        assert_eq!(
            out,
            "[databases]\nd = host=a\n\n[pgbouncer]\npool_mode = session\n"
        );
        let out = set(
            Format::PgBouncer,
            "",
            Some("pgbouncer"),
            "pool_mode",
            "session",
        );
        assert_eq!(out, "[pgbouncer]\npool_mode = session\n");
        let out = set(Format::PgBouncer, "[a]\n\n", Some("pgbouncer"), "x", "1");
        assert_eq!(out, "[a]\n\n[pgbouncer]\nx = 1\n");
    }

    #[test]
    fn redis_values_keep_their_quotes() {
        for (text, key, value, want) in [
            ("maxmemory 100mb\n", "maxmemory", "2gb", "maxmemory 2gb\n"),
            (
                "MAXMEMORY 1mb\r\nmaxmemory 2mb\r\n",
                "maxmemory",
                "3mb",
                "MAXMEMORY 1mb\r\nmaxmemory 3mb\r\n",
            ),
            (
                "requirepass \"old\"\n",
                "requirepass",
                "a \"b\"\\",
                "requirepass \"a \\\"b\\\"\\\\\"\n",
            ),
            (
                "requirepass 'old'\n",
                "requirepass",
                "it's",
                "requirepass 'it\\'s'\n",
            ),
            (
                "requirepass 'old'\n",
                "requirepass",
                "ends\\",
                "requirepass \"ends\\\\\"\n",
            ),
            ("requirepass old\n", "requirepass", "", "requirepass \"\"\n"),
            ("appendonly\n", "appendonly", "yes", "appendonly yes\n"),
        ] {
            let out = set(Format::Redis, text, None, key, value);
            assert_eq!(out, want, "{text:?}");
            let root = redis::parse(&out).root;
            assert_eq!(read(&root, &[key]), Some(value), "{out:?}");
        }
    }

    #[test]
    fn redis_arguments_and_repeated_directives() {
        let text = "replicaof a 6379\nsave 900 1\nsave 300 10\n";
        let out = set(Format::Redis, text, None, "replicaof", "b 6380");
        assert_eq!(out, "replicaof b 6380\nsave 900 1\nsave 300 10\n");
        // An accumulating directive: its last line.
        let out = set(Format::Redis, text, None, "save", "60 1000");
        assert_eq!(out, "replicaof a 6379\nsave 900 1\nsave 60 1000\n");
        // A missing directive is appended, with a line break first when the file has none.
        let out = set(Format::Redis, "port 6379", None, "maxmemory", "1gb");
        assert_eq!(out, "port 6379\nmaxmemory 1gb\n");
        let out = set(Format::Redis, "port 6379\r\n", None, "maxmemory", "1gb");
        assert_eq!(out, "port 6379\r\nmaxmemory 1gb\r\n");
        let out = set(Format::Redis, "", None, "maxmemory", "1gb");
        assert_eq!(out, "maxmemory 1gb\n");
        assert_eq!(read(&redis::parse(&out).root, &["maxmemory"]), Some("1gb"));
    }

    #[test]
    fn properties_values_are_escaped_and_replaced_whole() {
        let text = "a=1\nb = 2\nc: x,\\\n   y\\\\\n# c\n";
        let out = set(Format::Kafka, text, None, "c", "z");
        assert_eq!(out, "a=1\nb = 2\nc: z\n# c\n");
        let out = set(Format::Kafka, text, None, "b", " é\\\n");
        assert_eq!(out, "a=1\nb = \\ \\u00E9\\\\\\n\nc: x,\\\n   y\\\\\n# c\n");
        assert_eq!(read(&properties::parse(&out).root, &["b"]), Some(" é\\\n"));
        // A key alone on its line, and an empty value.
        let out = set(Format::Kafka, "k\nl=\n", None, "k", "v");
        assert_eq!(out, "k=v\nl=\n");
        let out = set(Format::Kafka, "k\nl=\n", None, "l", "v");
        assert_eq!(out, "k\nl=v\n");
        // Appended in the file's separator style.
        for (text, want) in [
            ("a = 1\r\n", "a = 1\r\nx.y = 😀\r\n"),
            ("a: 1", "a: 1\nx.y: 😀\n"),
            ("", "x.y=😀\n"),
        ] {
            let out = set(Format::Kafka, text, None, "x.y", "😀");
            let want = want.replace('😀', "\\uD83D\\uDE00");
            assert_eq!(out, want, "{text:?}");
            assert_eq!(read(&properties::parse(&out).root, &["x.y"]), Some("😀"));
        }
        let out = set(Format::Kafka, "a 1\n", None, "a", "=x");
        assert_eq!(out, "a \\=x\n");
        assert_eq!(read(&properties::parse(&out).root, &["a"]), Some("=x"));
        let out = set(Format::Kafka, "a=1\n", None, "k y=:", "v");
        assert_eq!(read(&properties::parse(&out).root, &["k y=:"]), Some("v"));
    }

    #[test]
    fn an_embedded_config_is_risky() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r\ndata:\n  redis.conf: |\n    maxmemory 1mb\n    port 6379\n";
        let loaded = crate::sources::load(
            0,
            "t.yaml".into(),
            text.into(),
            crate::sources::classify::Kind::Yaml,
        );
        let conf = loaded
            .objects
            .iter()
            .find(|o| o.format == Format::Redis)
            .unwrap();
        let obj = loaded
            .objects
            .iter()
            .find(|o| o.format == Format::Kubernetes)
            .unwrap();
        let doc = FlatDoc::new(text, &conf.root, Format::Redis, true);
        let planned = doc.set(None, "maxmemory", "2mb");
        assert_eq!(planned.risk.as_deref(), Some(EMBEDDED));
        assert_eq!(applied(text, &planned), text.replace("1mb", "2mb"));
        let planned = doc.set(None, "maxclients", "10");
        assert_eq!(planned.risk.as_deref(), Some(EMBEDDED));
        assert_eq!(
            applied(text, &planned),
            format!("{text}    maxclients 10\n")
        );
        // And a YAML object is no flat file, nor a config read from YAML.
        let doc = FlatDoc::new(text, &obj.root, Format::Kubernetes, false);
        assert_eq!(doc.set(None, "a", "b").risk.as_deref(), Some(NOT_FLAT));
        let data = obj.root.get("data").unwrap();
        let planned = FlatDoc::new(text, data, Format::Kafka, false).set(None, "a", "b");
        assert_eq!(
            (planned.risk.as_deref(), planned.edits.len()),
            (Some(NOT_FLAT), 0)
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// The edit of `text` applies; when it is safe and the file was sound, the file reads
        /// back with the value and without new problems.
        fn check(
            text: &str,
            format: Format,
            section: &str,
            key: &str,
            value: &str,
            embedded: bool,
        ) -> Result<(), TestCaseError> {
            let parse = parser(format);
            let parsed = parse(text);
            let planned =
                FlatDoc::new(text, &parsed.root, format, embedded).set(Some(section), key, value);
            let edits: Vec<&Edit> = planned.edits.iter().collect();
            let out = apply(text, &edits);
            prop_assert!(out.is_some());
            let out = out.unwrap_or_default();
            if planned.risk.is_some() || !parsed.problems.is_empty() {
                return Ok(());
            }
            let back = parse(&out);
            prop_assert!(
                back.problems.is_empty(),
                "{:?} → {:?}: {:?}",
                text,
                out,
                back.problems
            );
            let path: Vec<&str> = match format {
                Format::PgBouncer => vec![section, key],
                _ => vec![key],
            };
            prop_assert_eq!(
                words(&back.root, &path),
                Some(value.to_string()),
                "{:?} → {:?}",
                text,
                out
            );
            Ok(())
        }

        fn formats() -> impl Strategy<Value = Format> {
            prop::sample::select(vec![Format::PgBouncer, Format::Redis, Format::Kafka])
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn odd_text_never_panics(
                text in "([a-c \t=:;#\\[\\]\"'\\\\é]{0,10}\r?\n?){0,8}",
                format in formats(),
                section in prop::sample::select(vec!["a", "pgbouncer"]),
                key in prop::sample::select(vec!["a", "b", "c"]),
                value in "[a-z0-9é]{1,4}",
                embedded in any::<bool>(),
            ) {
                check(&text, format, section, key, &value, embedded)?;
            }

            #[test]
            fn config_lines_read_back(
                lines in prop::collection::vec(prop::sample::select(vec![
                    "[pgbouncer]", "[A]", "a = 1", "b=x", "B = y z", "c =", "; note", "# note",
                    "", "  a   2", "a \"q q\"", "c 'x'", "b: 1", "c=1\\", "  d", "save 1 2",
                ]), 0..8),
                crlf in any::<bool>(),
                final_nl in any::<bool>(),
                format in formats(),
                section in prop::sample::select(vec!["a", "pgbouncer"]),
                key in prop::sample::select(vec!["a", "b", "c", "save"]),
                value in "[a-z0-9é]{1,4}( [0-9])?",
            ) {
                let nl = if crlf { "\r\n" } else { "\n" };
                let mut text = lines.join(nl);
                if final_nl && !text.is_empty() {
                    text.push_str(nl);
                }
                // pgbouncer.ini values run to the end of the line: only one word is read back.
                let value = if format == Format::PgBouncer { value.replace(' ', "") } else { value };
                check(&text, format, section, key, &value, false)?;
            }
        }
    }
}

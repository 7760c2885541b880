//! `pgbouncer.ini`, read the way PgBouncer reads it: the file grammar of libusual's
//! `cfparser.c` (`parse_ini_file`), the connection strings of `[databases]`, `[users]` and
//! `[peers]` as `loader.c` (`cstr_get_pair`) splits them.
//!
//! The tree: root map of section name → map of key → value. Section names and the keys of
//! settings sections are lowercased (the original spans are kept); database, user and peer
//! names keep their case, since PgBouncer and PostgreSQL treat them as case-sensitive names.
//! A connection-string value becomes a map of parameter (lowercased) → value.
//!
//! Where PgBouncer stops loading at the first error, this parser reports a `Syntax` problem
//! and goes on with the next line, so one typo does not hide the rest of the file.

use super::{Comment, FlatParsed, Problem};
use crate::model::{Entry, Node, Resolved, ScalarStyle, Span, Value};
// foldhash: SipHash was ~2 % of a run's instructions, on keys no attacker chooses.
use foldhash::{HashMap, HashMapExt};

/// Sections whose values are connection strings (`key=value key='quoted value'`).
const CONNSTRING_SECTIONS: [&str; 3] = ["databases", "users", "peers"];

/// C `isspace` in the C locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// C `isblank`.
fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// What `parse_ini_file` accepts in a key: `isalnum` or one of `_.-*`.
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'*')
}

/// Whether `text` is a PgBouncer config: it has a `[pgbouncer]` or `[databases]` section
/// header (any case, blanks allowed around the name and the brackets, a comment may follow;
/// `[databases]` alone is a file `%include`d by the main one) and its first significant
/// line reads as INI. The second condition keeps out YAML that embeds a pgbouncer.ini in a
/// block scalar (a ConfigMap piped on standard input).
pub fn looks_like(text: &str) -> bool {
    reads_as_ini(text) && significant_lines(text).any(is_pgbouncer_header)
}

/// Whether the first significant line of `text` (not blank, not a comment) is one the INI
/// grammar accepts. A file with no such line does not read as INI.
pub fn reads_as_ini(text: &str) -> bool {
    significant_lines(text).next().is_some_and(is_ini_line)
}

/// The lines of `text` that are neither blank nor comments, trimmed.
fn significant_lines(text: &str) -> impl Iterator<Item = &str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .map(|line| line.trim_matches(|c: char| c.is_ascii() && is_space(c as u8)))
        .filter(|l| !l.is_empty() && !l.starts_with(['#', ';']))
}

/// A trimmed line that the INI grammar accepts as a header, an include or `key = value`.
fn is_ini_line(l: &str) -> bool {
    if l.starts_with('[') {
        return l.contains(']');
    }
    if l.starts_with("%include") {
        return true;
    }
    let b = l.as_bytes();
    let key_len = b.iter().take_while(|&&c| is_key_byte(c)).count();
    let rest = b.get(key_len..).unwrap_or_default();
    key_len > 0 && rest.iter().find(|&&c| !is_blank(c)) == Some(&b'=')
}

/// `[pgbouncer]` or `[databases]`, the sections only a PgBouncer config has.
fn is_pgbouncer_header(l: &str) -> bool {
    let Some(inner) = l.strip_prefix('[') else {
        return false;
    };
    let Some((name, after)) = inner.split_once(']') else {
        return false;
    };
    let after = after.trim();
    let name = name.trim();
    (name.eq_ignore_ascii_case("pgbouncer") || name.eq_ignore_ascii_case("databases"))
        && (after.is_empty() || after.starts_with(['#', ';']))
}

/// A name quoted in a message, cut short so a hostile megabyte-long key stays readable.
pub fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

pub fn parse(text: &str) -> FlatParsed {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        p: 0,
        sections: Vec::new(),
        by_name: HashMap::new(),
        current: None,
        problems: Vec::new(),
        comments: Vec::new(),
    };
    p.run();
    let entries = p
        .sections
        .into_iter()
        .map(|s| Entry {
            key: Node::string(s.key_span, s.name),
            value: Node {
                span: s.span,
                value: Value::Map(s.entries),
            },
        })
        .collect();
    FlatParsed {
        root: Node {
            span: Span::new(0, text.len()),
            value: Value::Map(entries),
        },
        problems: p.problems,
        comments: p.comments,
    }
}

struct Section {
    /// Lowercased, trimmed; `""` for keys before any header.
    name: String,
    /// The name inside the first header's brackets.
    key_span: Span,
    /// From the first header to the last value, across repeated headers.
    span: Span,
    entries: Vec<Entry>,
    /// Key → index in `entries`, for duplicates (the last one wins, in place).
    index: HashMap<String, usize>,
    connstrings: bool,
}

/// A connection-string map under construction.
#[derive(Default)]
struct Params {
    entries: Vec<Entry>,
    index: HashMap<String, usize>,
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    p: usize,
    sections: Vec<Section>,
    by_name: HashMap<String, usize>,
    current: Option<usize>,
    problems: Vec<Problem>,
    comments: Vec<Comment>,
}

impl Parser<'_> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.b.get(at).copied()
    }

    fn slice(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or("")
    }

    /// The offset of the `\n` ending the line holding `from`, or the end of the text.
    fn line_end(&self, from: usize) -> usize {
        self.b
            .get(from..)
            .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
            .map_or(self.b.len(), |i| from + i)
    }

    /// `end` moved back over trailing whitespace, not before `start`.
    fn trim_end(&self, start: usize, mut end: usize) -> usize {
        while end > start && self.byte(end - 1).is_some_and(is_space) {
            end -= 1;
        }
        end
    }

    /// The character at `at`, or an empty span at a line end or the end of the text.
    fn char_span(&self, at: usize) -> Span {
        match self.text.get(at..).and_then(|r| r.chars().next()) {
            Some(c) if c != '\n' && c != '\r' => Span::new(at, at + c.len_utf8()),
            _ => Span::point(at),
        }
    }

    fn syntax(&mut self, span: Span, message: impl Into<String>) {
        self.problems.push(Problem::Syntax {
            span,
            message: message.into(),
        });
    }

    fn run(&mut self) {
        if self.text.starts_with('\u{feff}') {
            self.p = '\u{feff}'.len_utf8();
        }
        loop {
            // Whitespace at the start of a line, empty lines included.
            while self.byte(self.p).is_some_and(is_space) {
                self.p += 1;
            }
            let Some(c) = self.byte(self.p) else { break };
            let rest = self.b.get(self.p..).unwrap_or_default();
            if rest.starts_with(b"%include") && rest.get(8).is_some_and(|&c| is_blank(c)) {
                self.include();
                continue;
            }
            match c {
                b'#' | b';' => self.comment(),
                b'[' => self.header(),
                _ => self.key_value(),
            }
        }
    }

    fn include(&mut self) {
        let start = self.p;
        let mut p = start + "%include".len();
        while self.byte(p).is_some_and(is_blank) {
            p += 1;
        }
        let end_of_line = self.line_end(p);
        let end = self.trim_end(p, end_of_line);
        self.p = end_of_line;
        // Not followed (the included file is not analysed), only required to name one.
        if end == p {
            self.syntax(Span::point(p), "`%include` needs a file name");
        }
    }

    fn comment(&mut self) {
        let start = self.p;
        let end_of_line = self.line_end(start);
        let end = self.trim_end(start, end_of_line);
        let text = self
            .slice(start, end)
            .trim_start_matches([';', '#'])
            .trim()
            .to_string();
        self.comments.push(Comment {
            span: Span::new(start, end),
            text,
        });
        self.p = end_of_line;
    }

    /// `[name]`. As in PgBouncer, scanning goes on right after the `]`: a comment may follow
    /// on the same line, anything else is read as the next line would be.
    fn header(&mut self) {
        let open = self.p;
        let start = open + 1;
        let mut p = start;
        while self.byte(p).is_some_and(|c| c != b']' && c != b'\n') {
            p += 1;
        }
        let (name_end, header_end) = if self.byte(p) == Some(b']') {
            self.p = p + 1;
            (p, p + 1)
        } else {
            // PgBouncer stops here; we take the rest of the line as the name and go on.
            let end = self.trim_end(start, p);
            self.syntax(
                Span::point(end),
                "section header is missing its closing `]`",
            );
            self.p = p;
            (end, end)
        };
        let mut s = start;
        while s < name_end && self.byte(s).is_some_and(is_space) {
            s += 1;
        }
        let e = self.trim_end(s, name_end);
        let name = self.slice(s, e).to_ascii_lowercase();
        let idx = self.open_section(name, Span::new(s, e));
        if let Some(sec) = self.sections.get_mut(idx) {
            sec.span = sec.span.cover(Span::new(open, header_end));
        }
        self.current = Some(idx);
    }

    fn open_section(&mut self, name: String, key_span: Span) -> usize {
        if let Some(&i) = self.by_name.get(&name) {
            return i;
        }
        let i = self.sections.len();
        self.by_name.insert(name.clone(), i);
        self.sections.push(Section {
            connstrings: CONNSTRING_SECTIONS.contains(&name.as_str()),
            name,
            key_span,
            span: key_span,
            entries: Vec::new(),
            index: HashMap::new(),
        });
        i
    }

    fn key_value(&mut self) {
        let ks = self.p;
        let mut p = ks;
        while self.byte(p).is_some_and(is_key_byte) {
            p += 1;
        }
        let ke = p;
        while self.byte(p).is_some_and(is_blank) {
            p += 1;
        }
        if self.byte(p) != Some(b'=') {
            let message = if ks == ke {
                let c = self.slice(p, self.char_span(p).end).to_string();
                format!("unexpected `{c}`: expected `key = value`, a `[section]` or a comment")
            } else {
                format!("expected `=` after `{}`", shorten(self.slice(ks, ke)))
            };
            self.syntax(self.char_span(p), message);
            self.p = self.line_end(p);
            return;
        }
        if ks == ke {
            self.syntax(Span::new(p, p + 1), "missing key before `=`");
            self.p = self.line_end(p);
            return;
        }
        p += 1;
        while self.byte(p).is_some_and(is_blank) {
            p += 1;
        }
        let vs = p;
        let end_of_line = self.line_end(vs);
        let ve = self.trim_end(vs, end_of_line);
        self.p = end_of_line;
        self.add_entry(Span::new(ks, ke), Span::new(vs, ve));
    }

    fn add_entry(&mut self, key: Span, value: Span) {
        let idx = match self.current {
            Some(i) => i,
            None => {
                let i = self.open_section(String::new(), Span::point(key.start));
                self.current = Some(i);
                i
            }
        };
        let connstrings = self.sections.get(idx).is_some_and(|s| s.connstrings);
        let raw = self.slice(key.start, key.end);
        let name = if connstrings {
            raw.to_string()
        } else {
            raw.to_ascii_lowercase()
        };
        let value_node = if connstrings {
            self.connstring(value)
        } else {
            Node::string(value, self.slice(value.start, value.end))
        };
        let entry = Entry {
            key: Node::string(key, name.clone()),
            value: value_node,
        };
        let Some(sec) = self.sections.get_mut(idx) else {
            return;
        };
        sec.span = sec.span.cover(key).cover(value);
        if let Some(dup) = insert(&mut sec.entries, &mut sec.index, name, entry) {
            self.problems.push(dup);
        }
    }

    /// A connection string, split as `cstr_get_pair` does: parameters separated by spaces
    /// (only spaces), `key=value`, blanks allowed around `=`, a value quoted with `'` (`''`
    /// is a quote) or running to the next space. Empty values are refused. At the first
    /// error the rest of the string is dropped, as PgBouncer drops the whole entry.
    fn connstring(&mut self, value: Span) -> Node {
        let (vs, ve) = (value.start, value.end);
        let mut params = Params::default();
        let at = |p: usize| if p < ve { Some(p) } else { None };
        let mut p = vs;
        loop {
            while at(p).and_then(|p| self.byte(p)) == Some(b' ') {
                p += 1;
            }
            if p >= ve {
                break;
            }
            let ks = p;
            while at(p)
                .and_then(|p| self.byte(p))
                .is_some_and(|c| c != b'=' && c != b' ')
            {
                p += 1;
            }
            let ke = p;
            while at(p).and_then(|p| self.byte(p)) == Some(b' ') {
                p += 1;
            }
            if p >= ve || self.byte(p) != Some(b'=') {
                let span = if p >= ve {
                    Span::point(ve)
                } else {
                    self.char_span(p)
                };
                let msg = format!(
                    "expected `=` after connection parameter `{}`",
                    shorten(self.slice(ks, ke))
                );
                self.syntax(span, msg);
                break;
            }
            if ks == ke {
                self.syntax(
                    Span::new(p, p + 1),
                    "missing connection parameter name before `=`",
                );
                break;
            }
            let name = self.slice(ks, ke).to_ascii_lowercase();
            p += 1;
            while at(p).and_then(|p| self.byte(p)) == Some(b' ') {
                p += 1;
            }
            let node = if at(p).and_then(|p| self.byte(p)) == Some(b'\'') {
                let qs = p;
                p += 1;
                let mut out = String::new();
                let mut seg = p;
                let mut closed = false;
                while p < ve {
                    if self.byte(p) == Some(b'\'') {
                        out.push_str(self.slice(seg, p));
                        if p + 1 < ve && self.byte(p + 1) == Some(b'\'') {
                            out.push('\'');
                            p += 2;
                            seg = p;
                        } else {
                            p += 1;
                            closed = true;
                            break;
                        }
                    } else {
                        p += 1;
                    }
                }
                if !closed {
                    self.syntax(Span::new(qs, qs + 1), "unterminated quoted value");
                    break;
                }
                Node::scalar(
                    Span::new(qs, p),
                    out,
                    ScalarStyle::SingleQuoted,
                    Resolved::Str,
                )
            } else {
                let s = p;
                while at(p).and_then(|p| self.byte(p)).is_some_and(|c| c != b' ') {
                    p += 1;
                }
                Node::string(Span::new(s, p), self.slice(s, p))
            };
            if node.text().is_none_or(str::is_empty) {
                self.syntax(
                    node.span,
                    format!(
                        "connection parameter `{}` has an empty value",
                        shorten(&name)
                    ),
                );
                break;
            }
            let key = Node::string(Span::new(ks, ke), name.clone());
            let span = node.span;
            if let Some(dup) = insert(
                &mut params.entries,
                &mut params.index,
                name,
                Entry { key, value: node },
            ) {
                self.problems.push(dup);
            }
            // PgBouncer cuts the character after a closing quote whatever it is; anything
            // but a space there is a mistake (`a='x'b=1`).
            if span.end < ve && self.byte(span.end) != Some(b' ') {
                self.syntax(
                    self.char_span(span.end),
                    "expected a space after the quoted value",
                );
                break;
            }
        }
        Node {
            span: value,
            value: Value::Map(params.entries),
        }
    }
}

/// Insert `entry` under `name`; a repeated key replaces the earlier entry in place (the last
/// one wins) and is returned as a `DuplicateKey` problem.
fn insert(
    entries: &mut Vec<Entry>,
    index: &mut HashMap<String, usize>,
    name: String,
    entry: Entry,
) -> Option<Problem> {
    match index.get(&name).and_then(|&i| entries.get_mut(i)) {
        Some(old) => {
            let first = old.key.span;
            let second = entry.key.span;
            *old = entry;
            Some(Problem::DuplicateKey {
                key: name,
                first,
                second,
            })
        }
        None => {
            index.insert(name, entries.len());
            entries.push(entry);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_of(node: &Node, out: &mut Vec<(Span, String)>) {
        out.push((node.span, "node".into()));
        if let Value::Map(entries) = &node.value {
            for e in entries {
                out.push((e.key.span, "key".into()));
                spans_of(&e.value, out);
            }
        }
    }

    /// Every span the parser produced, with what it is.
    fn all_spans(parsed: &FlatParsed) -> Vec<(Span, String)> {
        let mut out = Vec::new();
        spans_of(&parsed.root, &mut out);
        for p in &parsed.problems {
            match p {
                Problem::Syntax { span, .. } | Problem::Limit { span, .. } => {
                    out.push((*span, "problem".into()))
                }
                Problem::DuplicateKey { first, second, .. } => {
                    out.push((*first, "dup first".into()));
                    out.push((*second, "dup second".into()));
                }
            }
        }
        for c in &parsed.comments {
            out.push((c.span, "comment".into()));
        }
        out
    }

    fn assert_spans_valid(text: &str, parsed: &FlatParsed) {
        for (s, what) in all_spans(parsed) {
            assert!(
                s.start <= s.end && s.end <= text.len(),
                "{what} span {s:?} out of range in {text:?}"
            );
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "{what} span {s:?} not on char boundaries in {text:?}"
            );
        }
    }

    /// The text a span covers.
    fn at(text: &str, s: Span) -> &str {
        &text[s.start..s.end]
    }

    fn value<'a>(p: &'a FlatParsed, section: &str, key: &str) -> &'a Node {
        p.root
            .path(&[section, key])
            .unwrap_or_else(|| panic!("{section}.{key} missing"))
    }

    fn syntax(p: &FlatParsed) -> Vec<(Span, String)> {
        p.problems
            .iter()
            .filter_map(|p| match p {
                Problem::Syntax { span, message } => Some((*span, message.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn looks_like_recognises_only_pgbouncer_ini() {
        for yes in [
            "[pgbouncer]\n",
            "[databases]\nx = host=a\n\n[pgbouncer]\npool_mode = session\n",
            "  [ PgBouncer ]  ; main\r\nlisten_port=6432\r\n",
            "; comment\n# comment\n[PGBOUNCER]\n",
            "\u{feff}[pgbouncer]\n",
            "listen_port = 1\n[pgbouncer]\n",
            "%include common.ini\n[pgbouncer]\n",
            // A `%include`d list of databases.
            "[databases]\nx = host=a\n",
            " [ Databases ] # all of them\n* = host=b\n",
        ] {
            assert!(looks_like(yes), "{yes:?}");
        }
        for no in [
            // YAML, even one embedding a pgbouncer.ini.
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  pgbouncer.ini: |\n    [pgbouncer]\n    pool_mode = session\n",
            "---\n[pgbouncer]\n",
            // redis.conf, .properties, userlist.txt, other ini files.
            "maxmemory 2gb\nmaxmemory-policy allkeys-lru\n",
            "broker.id=0\nnum.partitions=1\n",
            "\"marko\" \"asdasd\"\n\"postgres\" \"asdasd\"\n",
            "[section]\nkey = value\n",
            "[pgbouncer-extra]\n",
            "[pgbouncer] junk\n",
            "[databases-old]\n",
            "data:\n  x: |\n    [databases]\n",
            "",
        ] {
            assert!(!looks_like(no), "{no:?}");
        }
        assert!(reads_as_ini("; c\n[program:pgbouncer]\ncommand=x\n"));
        assert!(reads_as_ini("listen_port = 1\n"));
        assert!(!reads_as_ini("stream {\n  server { listen 6432; }\n}\n"));
        assert!(!reads_as_ini("# only comments\n\n"));
    }

    #[test]
    fn sections_keys_values_with_exact_spans() {
        let t = "[PgBouncer]\nPool_Mode = Transaction  \nmax_client_conn=1000\n\tlisten_port\t=\t6432\t\nlogfile =\n";
        let p = parse(t);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let sec = p.root.entry("pgbouncer").unwrap();
        assert_eq!(at(t, sec.key.span), "PgBouncer");
        let pm = p.root.get("pgbouncer").unwrap().entry("pool_mode").unwrap();
        assert_eq!(at(t, pm.key.span), "Pool_Mode");
        assert_eq!(pm.value.text(), Some("Transaction"));
        assert_eq!(at(t, pm.value.span), "Transaction");
        assert_eq!(
            at(t, value(&p, "pgbouncer", "max_client_conn").span),
            "1000"
        );
        assert_eq!(at(t, value(&p, "pgbouncer", "listen_port").span), "6432");
        // An empty value: a zero-width span where the value would start.
        let lf = value(&p, "pgbouncer", "logfile");
        assert_eq!(lf.text(), Some(""));
        assert!(lf.span.is_empty());
        assert_eq!(
            lf.span.start,
            t.find("logfile =").unwrap() + "logfile =".len()
        );
    }

    #[test]
    fn values_run_to_the_end_of_the_line() {
        // `;` and `#` start a comment only at the start of a line.
        let t = "[pgbouncer]\npool_mode = session ; not a comment\nauth_query = SELECT 1 # x\n";
        let p = parse(t);
        assert_eq!(
            value(&p, "pgbouncer", "pool_mode").text(),
            Some("session ; not a comment")
        );
        assert_eq!(
            value(&p, "pgbouncer", "auth_query").text(),
            Some("SELECT 1 # x")
        );
        assert!(p.comments.is_empty());
    }

    #[test]
    fn crlf_and_no_final_newline() {
        let t = "[pgbouncer]\r\npool_mode = session\r\n; note\r\nmax_client_conn = 5";
        let p = parse(t);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(at(t, value(&p, "pgbouncer", "pool_mode").span), "session");
        assert_eq!(at(t, value(&p, "pgbouncer", "max_client_conn").span), "5");
        assert_eq!(p.comments.len(), 1);
        assert_eq!(at(t, p.comments[0].span), "; note");
        assert_eq!(p.comments[0].text, "note");
    }

    #[test]
    fn comments_are_recorded_and_includes_are_no_settings() {
        let t = ";;; scalelint-disable-next-line pgbouncer-pool-mode\n  # hash\n%include /etc/pgbouncer/extra.ini  \n%include\tb.ini\n[pgbouncer] ; trailing\n";
        let p = parse(t);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let texts: Vec<&str> = p.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "scalelint-disable-next-line pgbouncer-pool-mode",
                "hash",
                "trailing"
            ]
        );
        assert_eq!(at(t, p.comments[1].span), "# hash");
        assert_eq!(at(t, p.comments[2].span), "; trailing");
        // The directives are neither keys nor sections: the one section is `pgbouncer`.
        let sections: Vec<&str> = p
            .root
            .as_map()
            .unwrap()
            .iter()
            .filter_map(|e| e.key.text())
            .collect();
        assert_eq!(sections, ["pgbouncer"]);
    }

    #[test]
    fn include_without_a_blank_or_a_name() {
        let t = "%include\n%include   \n";
        let p = parse(t);
        let errs = syntax(&p);
        assert_eq!(errs.len(), 2, "{errs:?}");
        // `%include` alone is not a directive: a line that is not `key = value`.
        assert_eq!(errs[0].0, Span::new(0, 1));
        assert_eq!(errs[1].0, Span::point(t.len() - 1));
    }

    #[test]
    fn syntax_errors_point_at_the_spot_and_parsing_goes_on() {
        let t = "[pgbouncer\nlisten_port 6432\npool_mode = session\n= 5\nmax_client_conn = 10\n\"quoted\" = 1\n[databases]\n";
        let p = parse(t);
        let errs = syntax(&p);
        assert_eq!(errs.len(), 4, "{errs:?}");
        // Missing `]`: where it should be.
        assert_eq!(errs[0].0, Span::point("[pgbouncer".len()));
        // No `=`: at the first character after the key.
        let l2 = t.find("listen_port").unwrap();
        assert_eq!(errs[1].0, Span::new(l2 + 12, l2 + 13));
        assert_eq!(errs[1].1, "expected `=` after `listen_port`");
        let l4 = t.find("= 5").unwrap();
        assert_eq!(errs[2].0, Span::new(l4, l4 + 1));
        let l6 = t.find('"').unwrap();
        assert_eq!(errs[3].0, Span::new(l6, l6 + 1));
        // The broken header still opens its section; the good lines are kept.
        assert_eq!(value(&p, "pgbouncer", "pool_mode").text(), Some("session"));
        assert_eq!(value(&p, "pgbouncer", "max_client_conn").text(), Some("10"));
        assert!(p.root.get("databases").is_some());
    }

    #[test]
    fn key_without_value_at_end_of_file() {
        let t = "[pgbouncer]\nlogfile";
        let p = parse(t);
        let errs = syntax(&p);
        assert_eq!(
            errs,
            [(Span::point(t.len()), "expected `=` after `logfile`".into())]
        );
    }

    #[test]
    fn text_after_a_header_is_read_as_a_line() {
        let t = "[pgbouncer] pool_mode = session\n[users] junk\n";
        let p = parse(t);
        assert_eq!(value(&p, "pgbouncer", "pool_mode").text(), Some("session"));
        let errs = syntax(&p);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].0, Span::point(t.len() - 1));
    }

    #[test]
    fn non_ascii_stays_on_char_boundaries() {
        let t = "[pgbouncer]\nrépertoire = x\nlogfile = /var/log/é.log\n[ñ]\n";
        let p = parse(t);
        let errs = syntax(&p);
        assert_eq!(errs.len(), 1);
        let e = t.find('é').unwrap();
        assert_eq!(errs[0].0, Span::new(e, e + 2));
        assert_eq!(
            value(&p, "pgbouncer", "logfile").text(),
            Some("/var/log/é.log")
        );
        assert!(p.root.get("ñ").is_some());
        assert_spans_valid(t, &p);
    }

    #[test]
    fn keys_before_any_section_go_to_the_empty_section() {
        let t = "listen_port = 1\n[pgbouncer]\n";
        let p = parse(t);
        assert!(p.problems.is_empty());
        let sec = p.root.entry("").unwrap();
        assert_eq!(sec.key.span, Span::point(0));
        assert_eq!(at(t, value(&p, "", "listen_port").span), "1");
    }

    #[test]
    fn duplicate_keys_and_repeated_sections() {
        let t =
            "[pgbouncer]\npool_mode = session\n[databases]\n[PGBOUNCER]\nPOOL_MODE = transaction\n";
        let p = parse(t);
        let sections: Vec<&str> = p
            .root
            .as_map()
            .unwrap()
            .iter()
            .map(|e| e.key.text().unwrap())
            .collect();
        assert_eq!(sections, ["pgbouncer", "databases"]);
        assert_eq!(
            value(&p, "pgbouncer", "pool_mode").text(),
            Some("transaction")
        );
        assert_eq!(p.root.get("pgbouncer").unwrap().as_map().unwrap().len(), 1);
        let [Problem::DuplicateKey { key, first, second }] = p.problems.as_slice() else {
            panic!("{:?}", p.problems)
        };
        assert_eq!(key, "pool_mode");
        assert_eq!(at(t, *first), "pool_mode");
        assert_eq!(at(t, *second), "POOL_MODE");
    }

    #[test]
    fn database_names_keep_their_case() {
        let t = "[databases]\nMyDb = host=a\nmydb = host=b\n";
        let p = parse(t);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert!(p.root.path(&["databases", "MyDb"]).is_some());
        assert!(p.root.path(&["databases", "mydb"]).is_some());
    }

    #[test]
    fn connection_strings_with_exact_spans() {
        let t = "[databases]\n\
                 p0 = host=127.0.0.1  PORT=6432 dbname = p0 pool_mode=session\n\
                 * = host=fallback connect_query='SELECT ''a'' , 1'\n\
                 foodb =\n\
                 [users]\n\
                 u1 = pool_mode=transaction max_user_connections=3\n";
        let p = parse(t);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let p0 = value(&p, "databases", "p0");
        assert_eq!(
            at(t, p0.span),
            "host=127.0.0.1  PORT=6432 dbname = p0 pool_mode=session"
        );
        let host = p0.entry("host").unwrap();
        assert_eq!(at(t, host.key.span), "host");
        assert_eq!(at(t, host.value.span), "127.0.0.1");
        let port = p0.entry("port").unwrap();
        assert_eq!(at(t, port.key.span), "PORT");
        assert_eq!(at(t, port.value.span), "6432");
        assert_eq!(p0.get("dbname").unwrap().text(), Some("p0"));
        assert_eq!(at(t, p0.get("pool_mode").unwrap().span), "session");
        let star = value(&p, "databases", "*");
        let cq = star.get("connect_query").unwrap();
        assert_eq!(cq.text(), Some("SELECT 'a' , 1"));
        assert_eq!(at(t, cq.span), "'SELECT ''a'' , 1'");
        let foodb = value(&p, "databases", "foodb");
        assert_eq!(foodb.as_map().map(<[Entry]>::len), Some(0));
        assert!(foodb.span.is_empty());
        assert_eq!(
            p.root.path(&["users", "u1", "pool_mode"]).unwrap().text(),
            Some("transaction")
        );
    }

    #[test]
    fn connection_string_errors() {
        let cases: &[(&str, &str, &str)] = &[
            // (value, text under the error span, message start)
            ("host", "", "expected `=` after connection parameter `host`"),
            ("host=a port", "", "expected `=`"),
            ("host=a =5", "=", "missing connection parameter name"),
            (
                "host=",
                "",
                "connection parameter `host` has an empty value",
            ),
            ("q=''", "''", "connection parameter `q` has an empty value"),
            ("q='abc", "'", "unterminated quoted value"),
            ("q='a'b=1", "b", "expected a space after the quoted value"),
            (
                "host x=1",
                "x",
                "expected `=` after connection parameter `host`",
            ),
        ];
        for (value_text, under, message) in cases {
            let t = format!("[databases]\ndb = {value_text}\nnext = host=b\n");
            let p = parse(&t);
            let errs = syntax(&p);
            assert_eq!(errs.len(), 1, "{value_text}: {errs:?}");
            assert_eq!(at(&t, errs[0].0), *under, "{value_text}");
            assert!(
                errs[0].1.starts_with(message),
                "{value_text}: {}",
                errs[0].1
            );
            if under.is_empty() {
                // At the end of the value.
                assert_eq!(
                    errs[0].0.start,
                    t.find('\n').unwrap() + 6 + value_text.len()
                );
            }
            assert!(p.root.path(&["databases", "next", "host"]).is_some());
        }
    }

    #[test]
    fn tab_is_not_a_connection_string_separator() {
        let t = "[databases]\ndb = host=a\tport=1\n";
        let p = parse(t);
        assert_eq!(
            p.root.path(&["databases", "db", "host"]).unwrap().text(),
            Some("a\tport=1")
        );
    }

    #[test]
    fn duplicate_connection_parameters() {
        let t = "[databases]\ndb = host=a host=b\n";
        let p = parse(t);
        assert_eq!(
            p.root.path(&["databases", "db", "host"]).unwrap().text(),
            Some("b")
        );
        assert!(
            matches!(p.problems.as_slice(), [Problem::DuplicateKey { key, .. }] if key == "host")
        );
    }

    #[test]
    fn long_names_are_shortened_in_messages() {
        let key = "k".repeat(1000);
        let p = parse(&format!("{key}\n"));
        let errs = syntax(&p);
        assert_eq!(
            errs[0].1,
            format!("expected `=` after `{}…`", "k".repeat(40))
        );
    }

    #[test]
    fn a_leading_bom_is_skipped() {
        let t = "\u{feff}[pgbouncer]\npool_mode = session\n";
        let p = parse(t);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(value(&p, "pgbouncer", "pool_mode").text(), Some("session"));
    }

    #[test]
    fn the_corpus_parses_cleanly() {
        // PgBouncer's own inis, copied into the repository (tests/corpus/SOURCES.tsv).
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/pgbouncer");
        let rd = std::fs::read_dir(dir).expect("tests/corpus/pgbouncer");
        let mut parsed = 0;
        for e in rd.flatten() {
            let path = e.path();
            if path.extension().is_none_or(|x| x != "ini") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(looks_like(&text), "{}", path.display());
            let p = parse(&text);
            assert!(
                p.problems.is_empty(),
                "{}: {:?}",
                path.display(),
                p.problems
            );
            assert!(p.root.get("pgbouncer").is_some(), "{}", path.display());
            assert_spans_valid(&text, &p);
            parsed += 1;
        }
        assert!(parsed >= 4, "only {parsed} inis in {dir}");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn corpus() -> Vec<String> {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/pgbouncer");
            let mut out: Vec<String> = std::fs::read_dir(dir)
                .expect("tests/corpus/pgbouncer")
                .flatten()
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect();
            out.sort();
            assert!(out.len() >= 4, "only {} files in {dir}", out.len());
            // And a quoting case the files lack.
            out.push(
                "[databases]\ndb = host=a port=1 q='x ''y'''\n[pgbouncer]\npool_mode = session\n"
                    .into(),
            );
            out
        }

        fn check(text: &str) {
            let p = parse(text);
            assert_spans_valid(text, &p);
            let _ = looks_like(text);
        }

        proptest! {
            #[test]
            fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
                check(&String::from_utf8_lossy(&bytes));
            }

            #[test]
            fn ini_like_text_never_panics(s in r"(\[|\]|=|'|;|#|%include |[a-z_*]{1,6}| |\t|\r?\n|é|\u{feff}){0,80}") {
                check(&s);
            }

            #[test]
            fn corpus_truncations_never_panic(file in 0usize..64, cut in 0usize..20_000) {
                let files = corpus();
                let text = &files[file % files.len()];
                let mut cut = cut % (text.len() + 1);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                check(&text[..cut]);
                check(&text[cut..]);
            }
        }
    }
}

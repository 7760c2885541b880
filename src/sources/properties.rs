//! Java `.properties` files (Kafka broker, topic and client configs), read exactly as
//! `java.util.Properties.load` reads them:
//!
//! - A *natural* line ends at `\n`, `\r` or `\r\n`. A line whose content ends in an odd number
//!   of backslashes continues on the next one; the backslash is dropped and so is the next
//!   line's leading whitespace. The joined text is one *logical* line.
//! - Whitespace is only space, tab and form feed. Leading whitespace is skipped; a line that
//!   then starts with `#` or `!` is a comment (comments never continue).
//! - The key ends at the first unescaped `=`, `:` or whitespace; whitespace around it (and one
//!   `=`/`:` after whitespace) is skipped; the rest of the logical line, trailing whitespace
//!   included, is the value.
//! - In keys and values `\t`, `\n`, `\r`, `\f` and `\uXXXX` are escapes and `\x` is `x` for any
//!   other character. A malformed `\uXXXX` makes Java throw (Kafka does not start): here it
//!   is a syntax problem at the escape, and the rest of the file is still read.
//! - A key set twice keeps its last value.
//!
//! Kafka loads the file as bytes in ISO-8859-1 (`Properties.load(InputStream)`); we read
//! UTF-8 text. Every character that matters to the syntax is ASCII and UTF-8 never uses ASCII
//! bytes inside a multi-byte character, so lines, keys and values split the same way; only
//! the decoding of non-ASCII text differs, and no Kafka key or number contains any.

use super::{Comment, FlatParsed, Problem};
use crate::model::{Entry, Node, Span, Value};
// foldhash: SipHash was ~2 % of a run's instructions, on keys no attacker chooses.
use foldhash::{HashMap, HashMapExt};

/// Keys only a Kafka broker config sets: with one of them, absent settings take the broker's
/// defaults.
pub const BROKER_KEYS: &[&str] = &[
    "broker.id",
    "node.id",
    "process.roles",
    "log.dirs",
    "zookeeper.connect",
];

/// Keys that make a `.properties` file a Kafka config: the broker keys, broker and topic
/// settings, and the settings every client, Streams and Connect config carries. Each is
/// specific to Kafka (no `acks` or `client.id`, which other software uses too).
const KAFKA_KEYS: &[&str] = &[
    // brokers
    "broker.id",
    "node.id",
    "process.roles",
    "log.dirs",
    "zookeeper.connect",
    "controller.quorum.voters",
    "controller.quorum.bootstrap.servers",
    "controller.listener.names",
    "inter.broker.listener.name",
    "listener.security.protocol.map",
    "advertised.listeners",
    "num.partitions",
    "default.replication.factor",
    "offsets.topic.replication.factor",
    "transaction.state.log.replication.factor",
    "transaction.state.log.min.isr",
    "unclean.leader.election.enable",
    "auto.create.topics.enable",
    // topics
    "replication.factor",
    "min.insync.replicas",
    // clients, Streams, Connect
    "bootstrap.servers",
    "group.id",
    "key.serializer",
    "value.serializer",
    "key.deserializer",
    "value.deserializer",
    "enable.auto.commit",
    "auto.offset.reset",
    "key.converter",
    "value.converter",
    "connector.class",
];

/// Whether `text` is a Kafka config: a Java properties file that sets a Kafka key (at the
/// start of a line, where a hand-written properties file puts its keys) and is not YAML or
/// INI that merely mentions one (`bootstrap.servers: …` in a YAML file is also a valid
/// properties line, so YAML is recognised first).
pub fn looks_like_kafka(text: &str) -> bool {
    parse_if_kafka(text).is_some()
}

/// `text` parsed, when it is a Kafka config (see [`looks_like_kafka`]).
pub fn parse_if_kafka(text: &str) -> Option<FlatParsed> {
    if looks_like_yaml_or_ini(text) {
        return None;
    }
    let parsed = parse(text);
    let kafka = parsed.root.as_map().is_some_and(|entries| {
        entries.iter().any(|e| {
            let at_line_start =
                e.key.span.start == 0 || text.as_bytes().get(e.key.span.start - 1) == Some(&b'\n');
            let key = e.key.text().unwrap_or("");
            at_line_start && (KAFKA_KEYS.contains(&key) || key.ends_with(".bootstrap.servers"))
        })
    });
    kafka.then_some(parsed)
}

/// A YAML document marker, a Kubernetes header, a YAML mapping that opens a block, a YAML
/// list item, or an INI section header.
fn looks_like_yaml_or_ini(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_end();
        line == "---"
            || line.starts_with("--- ")
            || line.starts_with("apiVersion:")
            || line.starts_with("kind:")
            || line.starts_with("- ")
            || (line.starts_with('[') && line.ends_with(']'))
            || (line.ends_with(':')
                && !line.is_empty()
                && line
                    .trim_end_matches(':')
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    })
}

/// Whether a parsed config is a Kafka broker's (sets `broker.id`, `node.id`,
/// `process.roles`, `log.dirs` or `zookeeper.connect`).
pub fn is_broker_config(root: &Node) -> bool {
    BROKER_KEYS.iter().any(|k| root.entry(k).is_some())
}

/// A logical line: the byte ranges of its pieces on each natural line (leading whitespace
/// of continued lines and the continuation backslashes left out). Kept as ranges, not as a
/// copy of the characters, so a huge continued line costs no more memory than its text.
type Segments = Vec<(usize, usize)>;

/// One character of a logical line: where it came from, and on which natural line of the
/// logical line (0 for the first) it sits.
#[derive(Clone, Copy, Debug)]
struct Ch {
    c: char,
    start: usize,
    end: usize,
    seg: usize,
}

/// The characters of a logical line, in order.
fn chars<'t>(text: &'t str, segs: &'t [(usize, usize)]) -> impl Iterator<Item = Ch> + 't {
    segs.iter().enumerate().flat_map(move |(seg, &(s, e))| {
        text.get(s..e)
            .unwrap_or("")
            .char_indices()
            .map(move |(o, c)| Ch {
                c,
                start: s + o,
                end: s + o + c.len_utf8(),
                seg,
            })
    })
}

/// Java's whitespace in properties files.
fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}

/// `Properties.LineReader`: yields logical lines, collecting comments on the way.
struct LineReader<'a> {
    text: &'a str,
    pos: usize,
}

/// The logical line being read: its finished pieces, the open one, and its length in
/// characters (Java's `len`, which decides whether `#` starts a comment).
struct Line<'s> {
    segs: &'s mut Segments,
    open: Option<(usize, usize)>,
    len: usize,
}

impl Line<'_> {
    fn push(&mut self, start: usize, end: usize) {
        self.open = Some((self.open.map_or(start, |(s, _)| s), end));
        self.len += 1;
    }

    /// Drops the last character, a backslash (one byte).
    fn pop_backslash(&mut self) {
        if let Some((s, e)) = self.open {
            self.open = Some((s, e.saturating_sub(1)));
            self.len = self.len.saturating_sub(1);
        }
    }

    fn close(&mut self) {
        if let Some((s, e)) = self.open.take()
            && e > s
        {
            self.segs.push((s, e));
        }
    }
}

impl LineReader<'_> {
    /// Reads the next logical line into `segs`; false at the end of the text.
    fn read_line(&mut self, segs: &mut Segments, comments: &mut Vec<Comment>) -> bool {
        segs.clear();
        let mut line = Line {
            segs,
            open: None,
            len: 0,
        };
        let mut skip_ws = true;
        let mut appended_line_begin = false;
        let mut preceding_backslash = false;
        loop {
            let Some(c) = self.text.get(self.pos..).and_then(|r| r.chars().next()) else {
                // End of text: a trailing lone backslash is dropped.
                if line.len == 0 {
                    return false;
                }
                if preceding_backslash {
                    line.pop_backslash();
                }
                line.close();
                return true;
            };
            let start = self.pos;
            self.pos += c.len_utf8();
            if skip_ws {
                if is_ws(c) {
                    continue;
                }
                // Blank lines are skipped, but an empty line after a continuation ends it.
                if !appended_line_begin && (c == '\r' || c == '\n') {
                    continue;
                }
                skip_ws = false;
                appended_line_begin = false;
            }
            if line.len == 0 && (c == '#' || c == '!') {
                let rest = self.text.get(self.pos..).unwrap_or("");
                let end = self.pos + rest.find(['\r', '\n']).unwrap_or(rest.len());
                comments.push(Comment {
                    span: Span::new(start, end),
                    text: self
                        .text
                        .get(self.pos..end)
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                });
                self.pos = end;
                skip_ws = true;
                continue;
            }
            if c != '\n' && c != '\r' {
                line.push(start, self.pos);
                preceding_backslash = c == '\\' && !preceding_backslash;
                continue;
            }
            // End of a natural line.
            if line.len == 0 {
                skip_ws = true;
                continue;
            }
            if self.pos >= self.text.len() || !preceding_backslash {
                if preceding_backslash {
                    line.pop_backslash();
                }
                line.close();
                return true;
            }
            // Continuation: drop the backslash, skip the next line's leading whitespace.
            line.pop_backslash();
            line.close();
            skip_ws = true;
            appended_line_begin = true;
            preceding_backslash = false;
            if c == '\r' && self.text.as_bytes().get(self.pos) == Some(&b'\n') {
                self.pos += 1;
            }
        }
    }
}

/// The span of a key or value: from its first character to the end of its last character on
/// the same natural line (a value continued over several lines points at its first line).
/// `empty_at` is used for an empty key or value.
fn span_of(mut chars: impl Iterator<Item = Ch>, empty_at: usize) -> Span {
    match chars.next() {
        None => Span::point(empty_at),
        Some(first) => {
            let end = chars
                .take_while(|c| c.seg == first.seg)
                .last()
                .map_or(first.end, |c| c.end);
            Span::new(first.start, end)
        }
    }
}

/// `Properties.loadConvert`: resolves escapes. `Err` is the span of a malformed `\uXXXX`.
fn unescape(mut it: impl Iterator<Item = Ch>) -> Result<String, Span> {
    let mut out = String::new();
    // A `\uD8xx` high surrogate waiting for its `\uDCxx` low half (Java strings are UTF-16).
    let mut high: Option<u32> = None;
    while let Some(ch) = it.next() {
        if ch.c != '\\' {
            flush_high(&mut high, &mut out);
            out.push(ch.c);
            continue;
        }
        // The reader never leaves an unescaped backslash at the end, so one always follows.
        let Some(next) = it.next() else { break };
        let c = match next.c {
            'u' => {
                let mut value = 0u32;
                let mut end = next.end;
                for _ in 0..4 {
                    let Some(h) = it.next() else {
                        return Err(Span::new(ch.start, end));
                    };
                    end = h.end;
                    let Some(d) = h.c.to_digit(16) else {
                        return Err(Span::new(ch.start, end));
                    };
                    value = (value << 4) | d;
                }
                match value {
                    0xD800..=0xDBFF => {
                        flush_high(&mut high, &mut out);
                        high = Some(value);
                        continue;
                    }
                    0xDC00..=0xDFFF => {
                        match high.take() {
                            Some(h) => {
                                let cp = 0x10000 + ((h - 0xD800) << 10) + (value - 0xDC00);
                                out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                            }
                            None => out.push('\u{fffd}'),
                        }
                        continue;
                    }
                    _ => char::from_u32(value).unwrap_or('\u{fffd}'),
                }
            }
            't' => '\t',
            'r' => '\r',
            'n' => '\n',
            'f' => '\x0c',
            other => other,
        };
        flush_high(&mut high, &mut out);
        out.push(c);
    }
    flush_high(&mut high, &mut out);
    Ok(out)
}

/// A lone surrogate has no place in UTF-8 text: it becomes U+FFFD.
fn flush_high(high: &mut Option<u32>, out: &mut String) {
    if high.take().is_some() {
        out.push('\u{fffd}');
    }
}

/// Parse a properties file into a map of key → string value, in file order.
pub fn parse(text: &str) -> FlatParsed {
    let mut entries: Vec<Entry> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut problems = Vec::new();
    let mut comments = Vec::new();
    let mut reader = LineReader { text, pos: 0 };
    let mut segs = Segments::new();
    while reader.read_line(&mut segs, &mut comments) {
        let line_start = segs.first().map_or(reader.pos, |s| s.0);
        let line_end = segs.last().map_or(reader.pos, |s| s.1);
        let (key_len, value_start) = split_line(chars(text, &segs));
        let key_chars = || chars(text, &segs).take(key_len);
        let value_chars = || chars(text, &segs).skip(value_start);
        let key_span = span_of(key_chars(), line_start);
        let value_span = span_of(value_chars(), line_end);
        let (key, value) = match (unescape(key_chars()), unescape(value_chars())) {
            (Ok(k), Ok(v)) => (k, v),
            (Err(span), _) | (_, Err(span)) => {
                problems.push(Problem::Syntax {
                    span,
                    message: "malformed \\uXXXX escape (Java refuses to load the file)".into(),
                });
                continue;
            }
        };
        let entry = Entry {
            key: Node::string(key_span, key.clone()),
            value: Node::string(value_span, value),
        };
        match index.get(&key).and_then(|&i| entries.get_mut(i)) {
            Some(old) => {
                problems.push(Problem::DuplicateKey {
                    key,
                    first: old.key.span,
                    second: key_span,
                });
                // The last one wins, as in `Properties.load`.
                *old = entry;
            }
            None => {
                index.insert(key, entries.len());
                entries.push(entry);
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

/// `Properties.load0`: the key ends at the first unescaped `=`, `:` or whitespace; then
/// whitespace, at most one `=` or `:`, and whitespace again are skipped. Returns the key's
/// length and where the value starts, in characters.
fn split_line(line: impl Iterator<Item = Ch>) -> (usize, usize) {
    let mut line = line.enumerate();
    let mut key_len = None;
    let mut has_sep = false;
    let mut preceding_backslash = false;
    for (i, ch) in line.by_ref() {
        let c = ch.c;
        if !preceding_backslash {
            if c == '=' || c == ':' {
                key_len = Some(i);
                has_sep = true;
                break;
            }
            if is_ws(c) {
                key_len = Some(i);
                break;
            }
        }
        preceding_backslash = c == '\\' && !preceding_backslash;
    }
    let Some(key_len) = key_len else {
        // No separator: the whole line is the key, the value is empty.
        return (usize::MAX, usize::MAX);
    };
    let mut value_start = key_len + 1;
    for (i, ch) in line {
        let c = ch.c;
        if !is_ws(c) {
            if !has_sep && (c == '=' || c == ':') {
                has_sep = true;
            } else {
                return (key_len, i);
            }
        }
        value_start = i + 1;
    }
    (key_len, value_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (key, value, key span text, value span text) of every entry.
    fn entries(text: &str) -> Vec<(String, String, String, String)> {
        let p = parse(text);
        p.root
            .as_map()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e.key.text().unwrap().to_string(),
                    e.value.text().unwrap().to_string(),
                    text[e.key.span.start..e.key.span.end].to_string(),
                    text[e.value.span.start..e.value.span.end].to_string(),
                )
            })
            .collect()
    }

    fn one(text: &str) -> (String, String, Span, Span) {
        let p = parse(text);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let m = p.root.as_map().unwrap();
        assert_eq!(m.len(), 1, "{m:?}");
        let e = &m[0];
        (
            e.key.text().unwrap().to_string(),
            e.value.text().unwrap().to_string(),
            e.key.span,
            e.value.span,
        )
    }

    #[test]
    fn separators_and_spans() {
        // (text, key, value, key span, value span)
        type Case = (
            &'static str,
            &'static str,
            &'static str,
            (usize, usize),
            (usize, usize),
        );
        let cases: &[Case] = &[
            ("a=b", "a", "b", (0, 1), (2, 3)),
            ("a:b", "a", "b", (0, 1), (2, 3)),
            ("a b", "a", "b", (0, 1), (2, 3)),
            ("a = b", "a", "b", (0, 1), (4, 5)),
            ("  a\t:\x0c b", "a", "b", (2, 3), (7, 8)),
            ("a  =  =b", "a", "=b", (0, 1), (6, 8)),
            ("a b=c", "a", "b=c", (0, 1), (2, 5)),
            ("a=b  ", "a", "b  ", (0, 1), (2, 5)),
            ("a=", "a", "", (0, 1), (2, 2)),
            ("a", "a", "", (0, 1), (1, 1)),
            ("a   ", "a", "", (0, 1), (4, 4)),
            ("=b", "", "b", (0, 0), (1, 2)),
            ("a\\=b=c", "a=b", "c", (0, 4), (5, 6)),
            ("a\\ b c", "a b", "c", (0, 4), (5, 6)),
            ("a\\\\=b", "a\\", "b", (0, 3), (4, 5)),
            ("a=b\\tc", "a", "b\tc", (0, 1), (2, 6)),
            ("a=\\n\\r\\f\\t", "a", "\n\r\x0c\t", (0, 1), (2, 10)),
            ("a=\\q\\#\\!", "a", "q#!", (0, 1), (2, 8)),
            ("a=\\u0041\\u00e9", "a", "Aé", (0, 1), (2, 14)),
            ("a=\\uD83D\\uDE00", "a", "😀", (0, 1), (2, 14)),
            ("a=\\uD83Dx", "a", "\u{fffd}x", (0, 1), (2, 9)),
            ("a=\\uDE00", "a", "\u{fffd}", (0, 1), (2, 8)),
            ("a=b#c", "a", "b#c", (0, 1), (2, 5)),
            ("é=ü", "é", "ü", (0, 2), (3, 5)),
            ("a=b\r\n", "a", "b", (0, 1), (2, 3)),
            ("a=b\rc=d", "a", "b", (0, 1), (2, 3)),
        ];
        for &(text, k, v, ks, vs) in cases {
            let p = parse(text);
            assert!(p.problems.is_empty(), "{text:?}: {:?}", p.problems);
            let e = &p.root.as_map().unwrap()[0];
            assert_eq!(e.key.text(), Some(k), "{text:?}");
            assert_eq!(e.value.text(), Some(v), "{text:?}");
            assert_eq!(e.key.span, Span::new(ks.0, ks.1), "key span of {text:?}");
            assert_eq!(
                e.value.span,
                Span::new(vs.0, vs.1),
                "value span of {text:?}"
            );
        }
    }

    #[test]
    fn continuation_lines() {
        // The next line's leading whitespace is dropped; the value points at its first line.
        let (k, v, ks, vs) = one("key = a, \\\n    b, \\\n\tc\n");
        assert_eq!((k.as_str(), v.as_str()), ("key", "a, b, c"));
        assert_eq!((ks, vs), (Span::new(0, 3), Span::new(6, 9)));
        // An even number of trailing backslashes does not continue.
        let e = entries("a=x\\\\\nb=y\n");
        assert_eq!(e[0].1, "x\\");
        assert_eq!(e[1].0, "b");
        // Three: an escaped backslash, then a continuation.
        assert_eq!(one("a=x\\\\\\\n  y").1, "x\\y");
        // CRLF continuation.
        assert_eq!(one("a=x\\\r\n  y\r\n").1, "xy");
        // CR continuation.
        assert_eq!(one("a=x\\\r  y\r").1, "xy");
        // A trailing backslash at the end of the text is dropped.
        assert_eq!(one("a=x\\").1, "x");
        assert_eq!(one("a=x\\\n").1, "x");
        // An empty line after a continuation ends the logical line.
        let e = entries("a=x\\\n\nb=y");
        assert_eq!((e[0].1.as_str(), e[1].0.as_str()), ("x", "b"));
        // A whitespace-only line too.
        let e = entries("a=x\\\n   \nb=y");
        assert_eq!((e[0].1.as_str(), e[1].0.as_str()), ("x", "b"));
        // A continued line is not a comment, even if it starts with `#`.
        assert_eq!(one("a=x\\\n  #y").1, "x#y");
        // The key can continue too; the value then starts on the second line.
        let (k, v, ks, vs) = one("ke\\\n  y=v");
        assert_eq!((k.as_str(), v.as_str()), ("key", "v"));
        assert_eq!((ks, vs), (Span::new(0, 2), Span::new(8, 9)));
        let (_, v, _, vs) = one("key = \\\n   value");
        assert_eq!(v, "value");
        assert_eq!(vs, Span::new(11, 16));
        // An escape split over a continuation is still one escape (Java joins first).
        assert_eq!(one("a=\\u00\\\n   41").1, "A");
    }

    #[test]
    fn lone_backslash_line_then_comment() {
        // A line holding only `\` continues into nothing; Java then sees a new logical line,
        // where `#` starts a comment.
        let p = parse("\\\n# c\na=b\n");
        assert_eq!(p.comments.len(), 1);
        assert_eq!(entries("\\\n# c\na=b\n")[0].0, "a");
    }

    #[test]
    fn comments_and_blank_lines() {
        let text = "# one\n  ! two \n\n\t\na=b # not a comment\n#\n";
        let p = parse(text);
        assert_eq!(
            p.comments,
            vec![
                Comment {
                    span: Span::new(0, 5),
                    text: "one".into()
                },
                Comment {
                    span: Span::new(8, 14),
                    text: "two".into()
                },
                Comment {
                    span: Span::new(38, 39),
                    text: String::new()
                },
            ]
        );
        let e = entries(text);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].1, "b # not a comment");
        // A comment ends at the line end even after a backslash.
        let e = entries("# c \\\na=b");
        assert_eq!(e[0].0, "a");
    }

    #[test]
    fn malformed_unicode_escape_is_a_syntax_problem() {
        let text = "a=1\nb=x\\u12g4\nc=\\u12\nd=4\n";
        let p = parse(text);
        let spans: Vec<&str> = p
            .problems
            .iter()
            .map(|pr| match pr {
                Problem::Syntax { span, .. } => &text[span.start..span.end],
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(spans, vec!["\\u12g", "\\u12"]);
        let keys: Vec<String> = entries(text).into_iter().map(|e| e.0).collect();
        assert_eq!(keys, vec!["a", "d"]);
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let text = "a=1\nb=2\na=3\n";
        let p = parse(text);
        assert_eq!(
            p.problems,
            vec![Problem::DuplicateKey {
                key: "a".into(),
                first: Span::new(0, 1),
                second: Span::new(8, 9)
            }]
        );
        assert_eq!(p.root.get("a").and_then(Node::text), Some("3"));
        // Keys are compared after unescaping, case-sensitively.
        let p = parse("a\\u0062=1\nab=2\nAB=3");
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.root.as_map().unwrap().len(), 2);
    }

    #[test]
    fn empty_and_odd_inputs() {
        for text in [
            "", "\n", "\r\n\r\n", "   ", "\\", "\\\\", "#", "!", "\u{feff}",
        ] {
            let p = parse(text);
            assert!(p.problems.is_empty(), "{text:?}");
        }
        assert_eq!(entries("\\\\")[0].0, "\\");
        // Java reads a lone trailing backslash as an empty logical line: key "", value "".
        assert_eq!(entries("\\")[0].0, "");
        assert_eq!(entries("\\\n")[0].1, "");
    }

    #[test]
    fn kafka_detection() {
        assert!(looks_like_kafka("broker.id=0\nlog.dirs=/tmp\n"));
        assert!(looks_like_kafka(
            "# Topic configuration\nnum.partitions=12\nreplication.factor=3\nmin.insync.replicas=2\n"
        ));
        assert!(looks_like_kafka("bootstrap.servers=localhost:9092\n"));
        assert!(looks_like_kafka("A.bootstrap.servers = a:9092\n"));
        assert!(looks_like_kafka("process.roles: broker\n"));
        // Not Kafka: other Java properties, YAML, INI, redis.conf.
        assert!(!looks_like_kafka(
            "log4j.rootLogger=INFO, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\n"
        ));
        assert!(!looks_like_kafka(
            "server-port=25565\nmax-players=20\nmotd=A Minecraft Server\n"
        ));
        assert!(!looks_like_kafka(
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  server.properties: |\n    broker.id=0\n"
        ));
        assert!(!looks_like_kafka("config:\n  bootstrap.servers: x\n"));
        assert!(!looks_like_kafka("---\nbootstrap.servers: x\n"));
        assert!(!looks_like_kafka("[kafka]\nbootstrap.servers = x\n"));
        assert!(!looks_like_kafka(
            "port 6379\nmaxmemory 2gb\nbind 127.0.0.1\n"
        ));
        assert!(!looks_like_kafka(
            "dataDir=/tmp/zookeeper\nclientPort=2181\n"
        ));
        // An indented key is not enough (a YAML block scalar, an example in a comment block).
        assert!(!looks_like_kafka("  broker.id=0\n"));
    }

    #[test]
    fn broker_configs() {
        assert!(is_broker_config(&parse("node.id=1").root));
        assert!(is_broker_config(&parse("zookeeper.connect=zk:2181").root));
        assert!(!is_broker_config(&parse("bootstrap.servers=x").root));
        assert!(!is_broker_config(&parse("# broker.id=1").root));
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    fn check_spans(text: &str) {
        let p = parse(text);
        let ok = |s: Span| {
            s.start <= s.end
                && s.end <= text.len()
                && text.is_char_boundary(s.start)
                && text.is_char_boundary(s.end)
        };
        for e in p.root.as_map().unwrap() {
            assert!(ok(e.key.span), "{:?} in {text:?}", e.key.span);
            assert!(ok(e.value.span), "{:?} in {text:?}", e.value.span);
            // A key or value never spans a line break: it points at one line.
            for s in [e.key.span, e.value.span] {
                assert!(!text[s.start..s.end].contains(['\n', '\r']), "{text:?}");
            }
        }
        p.assert_side_spans_within(text);
        let _ = looks_like_kafka(text);
    }

    fn corpus_files() -> Vec<String> {
        // Apache Kafka's own files, copied into the repository (tests/corpus/SOURCES.tsv).
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/kafka");
        let mut out: Vec<String> = std::fs::read_dir(dir)
            .expect("tests/corpus/kafka")
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        out.sort();
        assert!(out.len() >= 10, "only {} files in {dir}", out.len());
        out
    }

    proptest! {
        #[test]
        fn random_text_never_panics(text in "(?s)[a-z=: \\t\\x0c\\\\u0-9A-F#!\\r\\n.é😀]{0,200}") {
            check_spans(&text);
        }

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            check_spans(&String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn truncated_corpus_files_never_panic(file in any::<prop::sample::Index>(), cut in any::<prop::sample::Index>()) {
            let files = corpus_files();
            if !files.is_empty() {
                let text = file.get(&files);
                let mut at = cut.index(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                check_spans(&text[..at]);
            }
        }
    }
}

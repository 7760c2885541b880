//! k6 load-test scripts: `*.js`, `*.mjs`, `*.cjs` and `*.ts` files that import from `k6` or
//! `k6/…`, parsed with oxc (a JavaScript and TypeScript parser with byte spans). What k6 reads
//! before the test starts, the exported `options` object, is turned into a `Node` tree
//! wherever it is statically known: object and array literals, strings, numbers, booleans,
//! template literals without substitutions, spreads (`...base`) and identifiers that name a
//! constant of the same file, each node at the place it is written (a constant's value at its
//! definition, where the user edits it). Anything computed (a call, `__ENV.X`, a template with
//! substitutions) becomes a null scalar: not statically known, so never judged.
//!
//! The object (`Format::K6`, kind [`SCRIPT`]) has a root mapping with `options` (when the
//! script exports it, keys replaced as JavaScript replaces them), `duplicates` (each key
//! written twice in one object literal: the lost one and the one kept) and `metrics` (each
//! custom metric the script declares, `new Trend('name')`, with its type, at the name).

use super::{Comment, Problem};
use crate::model::{Entry, FileId, Format, Node, Object, Resolved, ScalarStyle, Span, Value};
use oxc_allocator::Allocator;
use oxc_ast::ast::{
    ArrayExpressionElement, BindingPatternKind, Declaration, Expression, ObjectPropertyKind,
    PropertyKey, Statement, VariableDeclaration,
};
use oxc_parser::Parser;
use oxc_span::SourceType;
use std::collections::HashMap;

/// The kind of a script's object.
pub const SCRIPT: &str = "K6Script";

/// Constants are followed through at most this many names (`a = b`, `b = c`, …): a cycle
/// or a long chain is not statically known.
const MAX_DEPTH: usize = 16;

/// Whether a script's text imports from `k6` or `k6/…` (ES modules or `require`).
pub fn looks_like(text: &str) -> bool {
    ["'k6'", "\"k6\"", "'k6/", "\"k6/", "`k6`", "`k6/"]
        .iter()
        .any(|needle| text.contains(needle))
        && (text.contains("import") || text.contains("require"))
}

/// What parsing a script gives.
#[derive(Debug)]
pub struct Parsed {
    pub root: Node,
    pub problems: Vec<Problem>,
    pub comments: Vec<Comment>,
}

/// oxc parses recursively, without a depth limit: a script nested deep enough (brackets,
/// chains of unary operators, conditionals, assignments or arrows) would overflow the stack
/// and abort the whole run. It is parsed on a thread of its own with [`STACK`] bytes of stack,
/// and only when an upper bound of its recursion (the deepest bracket nesting plus every
/// operator character that can start a right-recursive construct) is within [`MAX_RISK`];
/// real scripts are far below it (a few hundred), minified bundles may not be.
const STACK: usize = 512 << 20;
const MAX_RISK: usize = 10_000;

/// The upper bound of oxc's recursion on `text` that [`MAX_RISK`] limits.
fn recursion_risk(text: &str) -> usize {
    let (mut depth, mut deepest, mut operators) = (0usize, 0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'=' | b'?' | b'!' | b'~' | b'+' | b'-' | b'*' => operators += 1,
            _ => {}
        }
    }
    deepest.saturating_add(operators)
}

/// Parses a script; `path` decides JavaScript or TypeScript.
pub fn parse(path: &str, text: &str) -> Parsed {
    let risk = recursion_risk(text);
    if risk > MAX_RISK {
        return limit(
            text,
            format!(
                "not parsed: nested or chained too deeply to parse safely ({risk} levels at most, the limit is {MAX_RISK}); is it a bundle?"
            ),
        );
    }
    let result = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(STACK)
            .spawn_scoped(s, || parse_here(path, text))
            .ok()
            .and_then(|h| h.join().ok())
    });
    result.unwrap_or_else(|| {
        limit(
            text,
            "not parsed: no thread could be started for it".to_string(),
        )
    })
}

/// A script not parsed, with the reason as a problem.
fn limit(text: &str, message: String) -> Parsed {
    Parsed {
        root: Node {
            span: Span::new(0, text.len()),
            value: Value::Map(Vec::new()),
        },
        problems: vec![Problem::Limit {
            span: Span::point(0),
            message,
        }],
        comments: Vec::new(),
    }
}

fn parse_here(path: &str, text: &str) -> Parsed {
    let allocator = Allocator::default();
    let source_type = if path.ends_with(".ts") || path.ends_with(".mts") || path.ends_with(".cts") {
        SourceType::ts()
    } else {
        SourceType::mjs()
    };
    let ret = Parser::new(&allocator, text, source_type).parse();
    let mut out = Parsed {
        root: Node {
            span: Span::new(0, text.len()),
            value: Value::Map(Vec::new()),
        },
        problems: Vec::new(),
        comments: Vec::new(),
    };
    // A script that does not parse and holds `{{` is a template (k6's own `k6 new` templates,
    // a Helm chart's): not a script yet, so neither reported nor read.
    if !ret.errors.is_empty() && text.contains("{{") {
        return out;
    }
    if let Some(e) = ret.errors.first() {
        let span = e
            .labels
            .as_ref()
            .and_then(|l| l.first())
            .map_or(Span::point(0), |l| {
                Span::new(l.offset(), l.offset() + l.len())
            });
        out.problems.push(Problem::Syntax {
            span,
            message: e.message.to_string(),
        });
    }
    if ret.panicked {
        return out;
    }
    out.comments = ret
        .program
        .comments
        .iter()
        .map(|c| {
            let span = Span::new(c.span.start as usize, c.span.end as usize);
            let raw = text.get(span.start..span.end).unwrap_or("");
            let inner = raw
                .strip_prefix("//")
                .or_else(|| {
                    raw.strip_prefix("/*")
                        .map(|r| r.strip_suffix("*/").unwrap_or(r))
                })
                .unwrap_or(raw);
            Comment {
                span,
                text: inner.trim().to_string(),
            }
        })
        .collect();

    // Top-level constants, by name, and the exported options.
    let mut constants: HashMap<&str, &Expression<'_>> = HashMap::new();
    let mut options: Option<(Span, &Expression<'_>)> = None;
    let mut exported_names: Vec<String> = Vec::new();
    for s in &ret.program.body {
        match s {
            Statement::VariableDeclaration(d) => declare(d, false, &mut constants, &mut options),
            Statement::ExportNamedDeclaration(e) => match &e.declaration {
                Some(Declaration::VariableDeclaration(d)) => {
                    declare(d, true, &mut constants, &mut options)
                }
                None if e.source.is_none() => {
                    for spec in &e.specifiers {
                        if spec.exported.name() == "options" {
                            exported_names.push(spec.local.name().to_string());
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    let env = Env {
        text,
        constants: &constants,
        duplicates: std::cell::RefCell::new(Vec::new()),
    };
    if options.is_none() {
        // `const options = {…}; export { options }` (or `export { o as options }`).
        for name in exported_names {
            if let Some(init) = constants.get(name.as_str()) {
                options = Some((Span::point(0), init));
            }
        }
    }
    let mut entries = Vec::new();
    if let Some((at, init)) = options {
        let value = env.node(init, 0);
        let key_span = if at.is_empty() { value.span } else { at };
        entries.push(Entry {
            key: Node::string(key_span, "options"),
            value,
        });
    }
    let duplicates = env.duplicates.take();
    if !duplicates.is_empty() {
        let pairs = duplicates
            .into_iter()
            .map(|(first, second)| Node {
                span: second.span,
                value: Value::Seq(vec![first, second]),
            })
            .collect();
        entries.push(Entry {
            key: Node::string(Span::point(0), "duplicates"),
            value: Node {
                span: Span::point(0),
                value: Value::Seq(pairs),
            },
        });
    }
    let metrics = custom_metrics(&ret.program.body, text);
    if !metrics.is_empty() {
        entries.push(Entry {
            key: Node::string(Span::point(0), "metrics"),
            value: Node {
                span: Span::point(0),
                value: Value::Map(metrics),
            },
        });
    }
    out.root = Node {
        span: Span::new(0, text.len()),
        value: Value::Map(entries),
    };
    out
}

/// Records a top-level declaration's constants, and the exported `options`.
fn declare<'b, 'a>(
    d: &'b VariableDeclaration<'a>,
    exported: bool,
    constants: &mut HashMap<&'b str, &'b Expression<'a>>,
    options: &mut Option<(Span, &'b Expression<'a>)>,
) {
    for v in &d.declarations {
        let (BindingPatternKind::BindingIdentifier(id), Some(init)) = (&v.id.kind, &v.init) else {
            continue;
        };
        if exported && id.name == "options" {
            *options = Some((span(id.span), init));
        }
        constants.insert(id.name.as_str(), init);
    }
}

fn span(s: oxc_span::Span) -> Span {
    Span::new(s.start as usize, s.end as usize)
}

/// A value that is not statically known.
fn unknown(at: Span) -> Node {
    Node::scalar(at, "", ScalarStyle::Plain, Resolved::Null)
}

struct Env<'t, 'e, 'a> {
    text: &'t str,
    constants: &'e HashMap<&'e str, &'e Expression<'a>>,
    /// Keys written twice in one object literal: the first (lost) and the second.
    duplicates: std::cell::RefCell<Vec<(Node, Node)>>,
}

impl<'a> Env<'_, '_, 'a> {
    fn node(&self, e: &Expression<'a>, depth: usize) -> Node {
        let at = span(oxc_span::GetSpan::span(e));
        if depth > MAX_DEPTH {
            return unknown(at);
        }
        match e {
            Expression::ObjectExpression(o) => {
                // As JavaScript builds it: a later key replaces an earlier one. A key written
                // twice in this literal is also recorded (`duplicates`): the first is lost.
                // Each entry's slot, and whether it was written here (not spread in); a
                // replaced entry's slot is emptied, so a literal of many keys stays linear.
                let mut slots: Vec<Option<(Entry, bool)>> = Vec::new();
                let mut slot_of: HashMap<String, usize> = HashMap::new();
                // Empties the slot of the entry `name` replaces, which goes to the next slot.
                let mut replace = |slots: &mut Vec<Option<(Entry, bool)>>, name: String| {
                    let next = slots.len();
                    slot_of
                        .insert(name, next)
                        .and_then(|i| slots.get_mut(i))
                        .and_then(Option::take)
                };
                for p in &o.properties {
                    match p {
                        ObjectPropertyKind::ObjectProperty(p) => {
                            let Some(name) = key_name(&p.key) else {
                                continue;
                            };
                            let key = Node::scalar(
                                span(oxc_span::GetSpan::span(&p.key)),
                                name.clone(),
                                ScalarStyle::Plain,
                                Resolved::Str,
                            );
                            if let Some((lost, true)) = replace(&mut slots, name) {
                                self.duplicates.borrow_mut().push((lost.key, key.clone()));
                            }
                            let value = self.node(&p.value, depth + 1);
                            slots.push(Some((Entry { key, value }, true)));
                        }
                        ObjectPropertyKind::SpreadProperty(s) => {
                            if let Value::Map(more) = self.node(&s.argument, depth + 1).value {
                                for m in more {
                                    let name = m.key.text().unwrap_or_default().to_string();
                                    replace(&mut slots, name);
                                    slots.push(Some((m, false)));
                                }
                            }
                        }
                    }
                }
                Node {
                    span: at,
                    value: Value::Map(slots.into_iter().flatten().map(|(e, _)| e).collect()),
                }
            }
            Expression::ArrayExpression(a) => {
                let mut items = Vec::new();
                for el in &a.elements {
                    match el {
                        ArrayExpressionElement::SpreadElement(s) => {
                            if let Value::Seq(more) = self.node(&s.argument, depth + 1).value {
                                items.extend(more);
                            }
                        }
                        ArrayExpressionElement::Elision(_) => {}
                        other => {
                            if let Some(e) = other.as_expression() {
                                items.push(self.node(e, depth + 1));
                            }
                        }
                    }
                }
                Node {
                    span: at,
                    value: Value::Seq(items),
                }
            }
            Expression::StringLiteral(s) => self.string(at, &s.value),
            Expression::TemplateLiteral(t) if t.expressions.is_empty() => {
                match t.quasis.first().and_then(|q| q.value.cooked.as_ref()) {
                    Some(cooked) => self.string(at, cooked),
                    None => unknown(at),
                }
            }
            Expression::NumericLiteral(n) => {
                let raw = self.text.get(at.start..at.end).unwrap_or("").to_string();
                let resolved = if n.value.fract() == 0.0 && n.value.abs() < 9.0e15 {
                    Resolved::Int(n.value as i64)
                } else {
                    Resolved::Float(n.value)
                };
                Node::scalar(at, raw, ScalarStyle::Plain, resolved)
            }
            Expression::BooleanLiteral(b) => Node::scalar(
                at,
                if b.value { "true" } else { "false" },
                ScalarStyle::Plain,
                Resolved::Bool(b.value),
            ),
            Expression::Identifier(id) => match self.constants.get(id.name.as_str()) {
                Some(init) => self.node(init, depth + 1),
                None => unknown(at),
            },
            Expression::ParenthesizedExpression(p) => self.node(&p.expression, depth + 1),
            Expression::TSAsExpression(x) => self.node(&x.expression, depth + 1),
            Expression::TSSatisfiesExpression(x) => self.node(&x.expression, depth + 1),
            _ => unknown(at),
        }
    }

    /// A string literal's node: its content's own span when the source holds it unescaped
    /// (positions inside it are then exact), else the literal's.
    fn string(&self, at: Span, value: &str) -> Node {
        match content_span(self.text, at, value) {
            Some(inner) => Node::scalar(inner, value, ScalarStyle::Plain, Resolved::Str),
            None => Node::scalar(at, value, ScalarStyle::DoubleQuoted, Resolved::Str),
        }
    }
}

/// The span of a quoted literal's content (`at` without its quotes) when the source holds
/// `value` there unescaped.
fn content_span(text: &str, at: Span, value: &str) -> Option<Span> {
    let inner = Span::new(at.start + 1, at.end.saturating_sub(1).max(at.start + 1));
    (text.get(inner.start..inner.end) == Some(value)).then_some(inner)
}

/// The name of a property key written literally (`a`, `'a'`, `1`, `['a']`).
fn key_name(k: &PropertyKey<'_>) -> Option<String> {
    k.static_name().map(|n| n.to_string())
}

/// The custom metrics a script declares at its top level: `new Trend('name')` (also
/// `new metrics.Trend(…)`, and `Counter`, `Gauge`, `Rate`), as `name: Type` entries at the
/// name's string.
fn custom_metrics(body: &[Statement<'_>], text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut visit = |e: &Expression<'_>| {
        let Expression::NewExpression(n) = e else {
            return;
        };
        let ty = match &n.callee {
            Expression::Identifier(id) => id.name.as_str(),
            Expression::StaticMemberExpression(m) => m.property.name.as_str(),
            _ => return,
        };
        if !matches!(ty, "Trend" | "Counter" | "Gauge" | "Rate") {
            return;
        }
        let Some(Expression::StringLiteral(name)) =
            n.arguments.first().and_then(|a| a.as_expression())
        else {
            return;
        };
        let at = span(name.span);
        let key_span = content_span(text, at, name.value.as_str()).unwrap_or(at);
        out.push(Entry {
            key: Node::string(key_span, name.value.as_str()),
            value: Node::string(span(n.span), ty),
        });
    };
    for s in body {
        let decl = match s {
            Statement::VariableDeclaration(d) => Some(&**d),
            Statement::ExportNamedDeclaration(e) => match &e.declaration {
                Some(Declaration::VariableDeclaration(d)) => Some(&**d),
                _ => None,
            },
            _ => None,
        };
        for v in decl.map(|d| d.declarations.iter()).into_iter().flatten() {
            if let Some(init) = &v.init {
                visit(init);
            }
        }
    }
    out
}

/// The object of a parsed script.
pub fn object(file: FileId, path: &str, root: Node) -> Object {
    let name = std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
        .to_string();
    let anchor = root.entry("options").map(|e| e.key.span);
    Object {
        file,
        format: Format::K6,
        api_version: String::new(),
        kind: SCRIPT.to_string(),
        name: Some(name),
        namespace: String::new(),
        root,
        anchor: anchor.or(Some(Span::point(0))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(text: &str) -> Node {
        let p = parse("t.js", text);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        p.root.get("options").cloned().expect("options")
    }

    #[test]
    fn the_options_object_as_written_with_constants_and_spreads() {
        let text = "import http from 'k6/http';\nconst P99 = 'p(99)<500';\nconst base = { thresholds: { http_req_failed: ['rate<0.01'] }, vus: 1 };\nexport const options = {\n  ...base,\n  stages: [{ duration: `30s`, target: 10 }],\n  thresholds: { http_req_duration: [P99, 'p(95)<' + limit] },\n  vus: __ENV.VUS,\n};\nexport default function () { http.get('https://x'); }\n";
        let o = options(text);
        let at = |n: &Node| &text[n.span.start..n.span.end];
        let t = o.get("thresholds").unwrap();
        // The written `thresholds` replaced the spread one.
        assert!(t.get("http_req_failed").is_none());
        let d = t.get("http_req_duration").unwrap().as_seq().unwrap();
        assert_eq!(d[0].text(), Some("p(99)<500"));
        assert_eq!(at(&d[0]), "p(99)<500");
        assert!(d[1].is_null());
        assert!(o.entry("vus").unwrap().value.is_null());
        let stage = &o.get("stages").unwrap().as_seq().unwrap()[0];
        assert_eq!(stage.get("duration").unwrap().text(), Some("30s"));
        assert_eq!(stage.get("target").unwrap().as_i64(), Some(10));
        let key = &o.entry("thresholds").unwrap().key;
        assert_eq!(at(key), "thresholds");
        assert_eq!(key.span.start, text.find("  thresholds: {").unwrap() + 2);
    }

    /// A later key replaces an earlier one and moves to the end (as before slots), a key
    /// written twice is recorded once per repetition, a spread key is not; many keys stay
    /// linear (each replaced entry's slot is emptied, not searched for).
    #[test]
    fn replaced_keys_and_many_keys() {
        let o = options(
            "import http from 'k6/http';\nconst b = { c: 1 };\nexport const options = { a: 1, b: 2, ...b, c: 3, a: 4 };\n",
        );
        let keys: Vec<&str> = o
            .as_map()
            .unwrap()
            .iter()
            .filter_map(|e| e.key.text())
            .collect();
        assert_eq!(keys, ["b", "c", "a"]);
        assert_eq!(o.get("a").and_then(Node::as_i64), Some(4));
        let mut text = String::from("import http from 'k6/http';\nexport const options = {");
        for i in 0..20_000 {
            text.push_str(&format!("k{i}: {i}, "));
        }
        text.push_str("k7: 'again' };\n");
        let p = parse("t.js", &text);
        let o = p.root.get("options").unwrap().as_map().unwrap();
        assert_eq!(o.len(), 20_000);
        assert_eq!(o.last().and_then(|e| e.value.text()), Some("again"));
        let dups = p.root.get("duplicates").and_then(Node::as_seq).unwrap();
        assert_eq!(dups.len(), 1);
    }

    /// Nesting and chains that would overflow a default stack parse on the script's own
    /// thread, and hostile depths are refused before oxc sees them.
    #[test]
    fn deep_scripts_neither_overflow_nor_abort() {
        let head = "import http from 'k6/http';\nexport const options = ";
        for body in [
            format!("{}1{}", "[".repeat(9_000), "]".repeat(9_000)),
            format!("{}1", "!".repeat(9_000)),
            format!("{}1", "a ? b : ".repeat(2_000)),
            format!("{}1", "x => ".repeat(3_000)),
        ] {
            let p = parse("t.js", &format!("{head}{body};\n"));
            assert!(p.problems.is_empty(), "{:?}", p.problems);
        }
        let hostile = format!("{head}{}{};\n", "[".repeat(200_000), "]".repeat(200_000));
        let p = parse("t.js", &hostile);
        assert!(
            matches!(p.problems.first(), Some(Problem::Limit { .. })),
            "{:?}",
            p.problems
        );
    }

    #[test]
    fn scripts_metrics_comments_and_syntax_errors() {
        assert!(looks_like("import http from \"k6/http\";"));
        assert!(looks_like("const k6 = require('k6');"));
        assert!(!looks_like("import React from 'react';"));
        let p = parse(
            "x.ts",
            "import { Trend } from 'k6/metrics';\n// scalelint-disable-next-line k6-thresholds-missing\nconst waiting: Trend = new Trend('waiting_time');\nconst o = { vus: 2 } as const;\nexport { o as options };\n",
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(
            p.root
                .path(&["metrics", "waiting_time"])
                .and_then(Node::text),
            Some("Trend")
        );
        assert_eq!(
            p.root.path(&["options", "vus"]).and_then(Node::as_i64),
            Some(2)
        );
        assert_eq!(
            p.comments[0].text,
            "scalelint-disable-next-line k6-thresholds-missing"
        );
        let bad = parse("x.js", "export const options = { vus: 1,, };\n");
        assert!(matches!(bad.problems.first(), Some(Problem::Syntax { .. })));
    }

    proptest::proptest! {
        /// Scripts of any shape parse or fail without a panic, and every node is in the text.
        #[test]
        fn any_script_shape_never_panics(body in "[a-zé{}\\[\\]():,.'\"`$ 0-9=>!?+*/\n-]{0,80}") {
            let text = format!("import http from 'k6/http';\nexport const options = {body};\n");
            let p = parse("t.js", &text);
            fn inside(n: &Node, len: usize) -> bool {
                n.span.start <= n.span.end && n.span.end <= len && match &n.value {
                    Value::Map(m) => m.iter().all(|e| inside(&e.key, len) && inside(&e.value, len)),
                    Value::Seq(s) => s.iter().all(|x| inside(x, len)),
                    Value::Scalar(_) => true,
                }
            }
            proptest::prop_assert!(inside(&p.root, text.len()));
        }
    }
}

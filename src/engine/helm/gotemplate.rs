//! A static evaluator for the part of Go's `text/template` and Sprig that Helm charts use, so a
//! simple chart can be rendered when the `helm` binary is absent.
//!
//! It follows Helm 3's engine: `missingkey=zero` (a missing map key is nil and prints as ""),
//! lazy evaluation (only the executed path is evaluated, as in Go), `include`/`template`/`define`,
//! Sprig's functions as Helm registers them, and `toYaml` as sigs.k8s.io/yaml prints (JSON, then
//! go-yaml v2: sorted keys, block style, the same quoting and folding). Anything it cannot do
//! faithfully (`lookup`, `.Files`, an unknown function, a Go runtime error) comes back as
//! [`Unsupported`] at the offset of the action concerned rather than as a guess.
//!
//! Known differences from Helm, all deliberate:
//! - Helm reads values through JSON, so every number in `.Values` is a float64 in Go: `eq
//!   .Values.n 1` errors there and `{{ .Values.n }}` prints 1000000 as `1e+06`. We keep YAML
//!   integers as [`Val::Int`] and print them in decimal, and compare numbers by value.
//! - Sprig's `set`/`unset`/`merge*` mutate their first argument (Go maps are references). We
//!   write the result back to the variable or `.`-path the first argument was read from, which
//!   covers `$_ := set $d "k" v` and `set .Values "k" v`, but not other aliases of that map (nor a
//!   mutation that outlives the `include` it was made in, or one file's render).
//! - `randAlpha*` and `uuidv4` return fixed placeholders of the right shape.
//! - `.Capabilities.APIVersions` is the built-in API of the assumed Kubernetes version, without
//!   CRDs (see `api_versions`); `helm template` would list client-go's compiled-in set.
//! - Every file is also a template named by its path only if the caller registers it so
//!   ([`Defines::add_file`]), as Helm does.
//!
//! Every loop and recursion is bounded (see the limits below): this runs on untrusted charts.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::Arc;

use crate::model::{Node as YamlNode, Resolved, Value as YamlValue};

/// Largest text a render, or any string built on the way, may reach: a runaway `range` or
/// `repeat` must not exhaust memory.
const MAX_OUTPUT: usize = 8 << 20;
/// Deepest chain of `include`/`template` calls. Helm allows 1000, but a define that includes
/// itself is a bug, and each level costs stack.
const MAX_INCLUDE_DEPTH: usize = 32;
/// Deepest nesting of blocks (an `else if` chain counts one per link) and of parentheses in one
/// file: the parser and the evaluator recurse on it.
const MAX_NESTING: usize = 100;
/// Deepest recursion of the evaluator over blocks, pipelines and includes together, so that
/// nesting within nested includes cannot overflow the stack.
const MAX_LEVEL: usize = 200;
/// Actions executed plus functions called in one render: nested includes can be exponential.
const MAX_STEPS: u64 = 2_000_000;
/// Iterations one `range` (and items one `until`) may produce.
const MAX_RANGE: usize = 100_000;
/// Deepest nesting of lists and maps a template may build (values files are already bounded
/// by the YAML parser).
const MAX_VALUE_DEPTH: usize = 300;
/// The key of the map standing for a root field we refuse to evaluate (`.Files`); its value is
/// the reason. A NUL cannot occur in a key read from YAML values.
const UNSUPPORTED_KEY: &str = "\u{0}unsupported";

/// A value as Helm templates see it. Maps are sorted (Go's yaml/json marshal sorts map keys, so
/// toYaml output order matches helm).
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Val>),
    Map(BTreeMap<String, Val>),
}

impl Val {
    /// From scalelint's YAML tree. Integers stay [`Val::Int`] (Helm would hold a float64, which
    /// prints the same below 1e6). Map keys are the key's scalar text, as Helm's YAML-to-JSON
    /// conversion makes every key a string.
    pub fn from_node(node: &YamlNode) -> Val {
        match &node.value {
            YamlValue::Scalar(s) => match s.resolved() {
                Resolved::Null => Val::Null,
                Resolved::Bool(b) => Val::Bool(b),
                Resolved::Int(i) => Val::Int(i),
                Resolved::Float(f) => Val::Float(f),
                Resolved::Str => Val::Str(s.text.to_string()),
            },
            YamlValue::Seq(items) => Val::List(items.iter().map(Val::from_node).collect()),
            YamlValue::Map(entries) => Val::Map(
                entries
                    .iter()
                    .map(|e| {
                        let key = match e.key.as_scalar() {
                            Some(s) => s.text.to_string(),
                            None => fmt_v(&Val::from_node(&e.key)),
                        };
                        (key, Val::from_node(&e.value))
                    })
                    .collect(),
            ),
        }
    }

    /// Deep merge like Helm's values coalescing: `over`'s maps merge into `self`'s recursively;
    /// a non-map value in `over` replaces; a Null in `over` deletes the key.
    pub fn merge(&mut self, over: Val) {
        match (self, over) {
            (Val::Map(base), Val::Map(over)) => {
                for (k, v) in over {
                    if v == Val::Null {
                        base.remove(&k);
                        continue;
                    }
                    match base.get_mut(&k) {
                        Some(b @ Val::Map(_)) if matches!(v, Val::Map(_)) => b.merge(v),
                        _ => {
                            base.insert(k, v);
                        }
                    }
                }
            }
            (this, over) => *this = over,
        }
    }

    /// Go template truthiness: false, 0, nil, empty string/list/map are false.
    pub fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Int(i) => *i != 0,
            Val::Float(f) => *f != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::List(l) => !l.is_empty(),
            Val::Map(m) => !m.is_empty(),
        }
    }
}

/// Why a template cannot be evaluated here: the byte offset (into the template file's text) of
/// the action concerned (its `{{`), and a short reason for users.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsupported {
    pub offset: usize,
    pub reason: String,
}

fn unsup(offset: usize, reason: impl Into<String>) -> Unsupported {
    Unsupported {
        offset,
        reason: reason.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Lexing: the file into text and actions, each action into tokens.

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Field(String),
    Var(String),
    Dot,
    Lit(Val),
    Pipe,
    LParen,
    RParen,
    Comma,
    Declare,
    Assign,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    /// Whitespace precedes it: `.a.b` is one chain, `.a .b` two arguments.
    spaced: bool,
}

enum Item {
    Text(String),
    Action { pos: usize, toks: Vec<Token> },
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_space_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// At `p`, a closing delimiter: `}}`, or ` -}}` (Go's trim marker needs the space). Returns the
/// position after it and whether it trims the following text.
fn right_delim(bytes: &[u8], p: usize) -> Option<(usize, bool)> {
    let at = |i: usize| bytes.get(p + i).copied();
    if at(0).is_some_and(is_space)
        && at(1) == Some(b'-')
        && at(2) == Some(b'}')
        && at(3) == Some(b'}')
    {
        return Some((p + 4, true));
    }
    if at(0) == Some(b'}') && at(1) == Some(b'}') {
        return Some((p + 2, false));
    }
    None
}

fn scan(text: &str) -> Result<Vec<Item>, Unsupported> {
    let bytes = text.as_bytes();
    let mut items = Vec::new();
    let mut pos = 0;
    let mut trim_next = false;
    loop {
        let rest = text.get(pos..).unwrap_or("");
        let open = rest.find("{{").map(|i| pos + i);
        let mut chunk = text.get(pos..open.unwrap_or(text.len())).unwrap_or("");
        if trim_next {
            chunk = chunk.trim_start_matches(is_space_char);
        }
        let Some(open) = open else {
            if !chunk.is_empty() {
                items.push(Item::Text(chunk.to_string()));
            }
            break;
        };
        let mut p = open + 2;
        if bytes.get(p) == Some(&b'-') && bytes.get(p + 1).copied().is_some_and(is_space) {
            chunk = chunk.trim_end_matches(is_space_char);
            p += 2;
        }
        if !chunk.is_empty() {
            items.push(Item::Text(chunk.to_string()));
        }
        if text.get(p..).unwrap_or("").starts_with("/*") {
            let Some(close) = text.get(p + 2..).unwrap_or("").find("*/") else {
                return Err(unsup(open, "comment `{{/*` never closed"));
            };
            let (end, trim) = right_delim(bytes, p + 2 + close + 2)
                .ok_or_else(|| unsup(open, "comment ends before the closing `}}`"))?;
            trim_next = trim;
            pos = end;
            continue;
        }
        let (toks, end, trim) = lex_action(text, p, open)?;
        items.push(Item::Action { pos: open, toks });
        trim_next = trim;
        pos = end;
    }
    Ok(items)
}

fn ident_end(bytes: &[u8], mut p: usize) -> usize {
    while bytes
        .get(p)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        p += 1;
    }
    p
}

/// The tokens of the action whose body starts at `p`, the position after its closing
/// delimiter and whether that trims.
fn lex_action(
    text: &str,
    mut p: usize,
    open: usize,
) -> Result<(Vec<Token>, usize, bool), Unsupported> {
    let bytes = text.as_bytes();
    let mut toks = Vec::new();
    let mut spaced = true;
    let bad = |what: &str| unsup(open, what.to_string());
    loop {
        if let Some((end, trim)) = right_delim(bytes, p) {
            return Ok((toks, end, trim));
        }
        let Some(&c) = bytes.get(p) else {
            return Err(bad("`{{` never closed"));
        };
        let next = bytes.get(p + 1).copied();
        let tok = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                spaced = true;
                p += 1;
                continue;
            }
            b'|' => {
                p += 1;
                Tok::Pipe
            }
            b'(' => {
                p += 1;
                Tok::LParen
            }
            b')' => {
                p += 1;
                Tok::RParen
            }
            b',' => {
                p += 1;
                Tok::Comma
            }
            b':' if next == Some(b'=') => {
                p += 2;
                Tok::Declare
            }
            b'=' => {
                p += 1;
                Tok::Assign
            }
            b'"' => {
                let (s, end) =
                    lex_quoted(text, p).ok_or_else(|| bad("malformed string literal"))?;
                p = end;
                Tok::Lit(Val::Str(s))
            }
            b'`' => {
                let body = text.get(p + 1..).unwrap_or("");
                let close = body
                    .find('`')
                    .ok_or_else(|| bad("raw string never closed"))?;
                let s = body.get(..close).unwrap_or("").to_string();
                p += close + 2;
                Tok::Lit(Val::Str(s))
            }
            b'\'' => {
                let (n, end) =
                    lex_char(text, p).ok_or_else(|| bad("malformed character constant"))?;
                p = end;
                Tok::Lit(Val::Int(n))
            }
            b'$' => {
                let end = ident_end(bytes, p + 1);
                let name = text.get(p..end).unwrap_or("$").to_string();
                p = end;
                Tok::Var(name)
            }
            b'.' if next.is_some_and(|b| b.is_ascii_digit()) => {
                let (t, end) = lex_number(text, p).ok_or_else(|| bad("bad number syntax"))?;
                p = end;
                t
            }
            b'.' if next.is_some_and(|b| b.is_ascii_alphabetic() || b == b'_') => {
                let end = ident_end(bytes, p + 1);
                let name = text.get(p + 1..end).unwrap_or("").to_string();
                p = end;
                Tok::Field(name)
            }
            b'.' => {
                p += 1;
                Tok::Dot
            }
            b'0'..=b'9' | b'-' | b'+' => {
                let (t, end) = lex_number(text, p).ok_or_else(|| bad("bad number syntax"))?;
                p = end;
                t
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let end = ident_end(bytes, p);
                let word = text.get(p..end).unwrap_or("");
                p = end;
                match word {
                    "true" => Tok::Lit(Val::Bool(true)),
                    "false" => Tok::Lit(Val::Bool(false)),
                    "nil" => Tok::Lit(Val::Null),
                    w => Tok::Ident(w.to_string()),
                }
            }
            _ => {
                let ch = text.get(p..).and_then(|s| s.chars().next()).unwrap_or('?');
                return Err(unsup(open, format!("unexpected `{ch}` in an action")));
            }
        };
        toks.push(Token { tok, spaced });
        spaced = false;
    }
}

/// One escape after a backslash (Go's strconv.Unquote rules), from `chars`.
fn unescape(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> Option<char> {
    let (_, e) = chars.next()?;
    let mut take = |n: usize, radix: u32| -> Option<u32> {
        let mut s = String::new();
        for _ in 0..n {
            s.push(chars.next()?.1);
        }
        u32::from_str_radix(&s, radix).ok()
    };
    Some(match e {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        '\\' => '\\',
        '"' => '"',
        '\'' => '\'',
        'x' => char::from_u32(take(2, 16)?)?,
        'u' => char::from_u32(take(4, 16)?)?,
        'U' => char::from_u32(take(8, 16)?)?,
        d @ '0'..='7' => {
            let rest = take(2, 8)?;
            char::from_u32(d.to_digit(8)? * 64 + rest)?
        }
        _ => return None,
    })
}

/// A `"…"` literal at `p`: its value and the position after it.
fn lex_quoted(text: &str, p: usize) -> Option<(String, usize)> {
    let body = text.get(p + 1..)?;
    let mut chars = body.char_indices().peekable();
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, p + 1 + i + 1)),
            '\n' => return None,
            '\\' => out.push(unescape(&mut chars)?),
            c => out.push(c),
        }
    }
    None
}

/// A `'x'` character constant at `p`: its code point and the position after it.
fn lex_char(text: &str, p: usize) -> Option<(i64, usize)> {
    let body = text.get(p + 1..)?;
    let mut chars = body.char_indices().peekable();
    let c = match chars.next()? {
        (_, '\\') => unescape(&mut chars)?,
        (_, '\'') | (_, '\n') => return None,
        (_, c) => c,
    };
    match chars.next()? {
        (i, '\'') => Some((i64::from(u32::from(c)), p + 1 + i + 1)),
        _ => None,
    }
}

/// A number at `p` (Go's syntax: sign, base prefixes, `_`, fraction, exponent): an integer
/// unless it has a fraction or exponent, as Go passes constants to `interface{}` parameters.
fn lex_number(text: &str, p: usize) -> Option<(Tok, usize)> {
    let bytes = text.as_bytes();
    let mut q = p;
    if matches!(bytes.get(q), Some(b'+' | b'-')) {
        q += 1;
    }
    let prefixed = bytes.get(q) == Some(&b'0')
        && matches!(
            bytes.get(q + 1),
            Some(b'x' | b'X' | b'b' | b'B' | b'o' | b'O')
        );
    let hex = prefixed && matches!(bytes.get(q + 1), Some(b'x' | b'X'));
    let mut hex_float = false;
    if prefixed {
        q += 2;
        let hex_digits = |q: &mut usize| {
            while bytes
                .get(*q)
                .is_some_and(|b| b.is_ascii_hexdigit() || *b == b'_')
            {
                *q += 1;
            }
        };
        hex_digits(&mut q);
        // Go's hexadecimal floats: `0x1p60`, `0x1.8p-3`.
        if hex && bytes.get(q) == Some(&b'.') {
            q += 1;
            hex_digits(&mut q);
            hex_float = true;
        }
        if hex && matches!(bytes.get(q), Some(b'p' | b'P')) {
            q += 1;
            if matches!(bytes.get(q), Some(b'+' | b'-')) {
                q += 1;
            }
            while bytes.get(q).is_some_and(u8::is_ascii_digit) {
                q += 1;
            }
            hex_float = true;
        }
    } else {
        let digits = |q: &mut usize| {
            while bytes
                .get(*q)
                .is_some_and(|b| b.is_ascii_digit() || *b == b'_')
            {
                *q += 1;
            }
        };
        digits(&mut q);
        if bytes.get(q) == Some(&b'.') {
            q += 1;
            digits(&mut q);
        }
        if matches!(bytes.get(q), Some(b'e' | b'E')) {
            q += 1;
            if matches!(bytes.get(q), Some(b'+' | b'-')) {
                q += 1;
            }
            digits(&mut q);
        }
    }
    if bytes
        .get(q)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.')
    {
        return None;
    }
    let raw: String = text.get(p..q)?.chars().filter(|c| *c != '_').collect();
    let (neg, body) = match raw.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, raw.strip_prefix('+').unwrap_or(&raw)),
    };
    let signed = |n: i64| if neg { n.checked_neg() } else { Some(n) };
    let tok = if hex_float {
        let body = body.get(2..)?;
        let (mant, exp) = match body.find(['p', 'P']) {
            Some(i) => (body.get(..i)?, body.get(i + 1..)?.parse::<i32>().ok()?),
            None => (body, 0),
        };
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let mut m = 0f64;
        for c in int.chars().chain(frac.chars()) {
            m = m * 16.0 + f64::from(c.to_digit(16)?);
        }
        let exp = exp.checked_sub(4 * i32::try_from(frac.len()).ok()?)?;
        let f = m * 2f64.powi(exp);
        Tok::Lit(Val::Float(if neg { -f } else { f }))
    } else if prefixed {
        let radix = match body.as_bytes().get(1) {
            Some(b'x' | b'X') => 16,
            Some(b'b' | b'B') => 2,
            _ => 8,
        };
        Tok::Lit(Val::Int(signed(
            i64::from_str_radix(body.get(2..)?, radix).ok()?,
        )?))
    } else if body.contains(['.', 'e', 'E']) {
        Tok::Lit(Val::Float(raw.parse::<f64>().ok()?))
    } else if body.len() > 1 && body.starts_with('0') {
        Tok::Lit(Val::Int(signed(
            i64::from_str_radix(body.get(1..)?, 8).ok()?,
        )?))
    } else if body.is_empty() {
        return None;
    } else {
        match raw.parse::<i64>() {
            Ok(n) => Tok::Lit(Val::Int(n)),
            Err(_) => Tok::Lit(Val::Float(raw.parse::<f64>().ok()?)),
        }
    };
    Some((tok, q))
}

// ---------------------------------------------------------------------------------------------
// Parsing: actions into a tree.

#[derive(Clone, Debug)]
enum Arg {
    /// A function name: called with the command's other words as arguments when it comes
    /// first, with none elsewhere (`or .x dict`).
    Ident(String),
    /// `.a.b` relative to dot; `.` alone has no fields.
    Field(Vec<String>),
    Var(String, Vec<String>),
    Pipe(Box<Pipe>, Vec<String>),
    Lit(Val),
}

#[derive(Clone, Debug)]
struct Cmd {
    args: Vec<Arg>,
}

#[derive(Clone, Debug)]
struct Pipe {
    /// Offset of the action this pipeline belongs to.
    pos: usize,
    decl: Vec<String>,
    /// `=` rather than `:=`.
    assign: bool,
    cmds: Vec<Cmd>,
}

#[derive(Clone, Debug)]
enum Node {
    Text(String),
    Out(Pipe),
    If {
        pipe: Pipe,
        then: Vec<Node>,
        els: Vec<Node>,
    },
    With {
        pipe: Pipe,
        then: Vec<Node>,
        els: Vec<Node>,
    },
    Range {
        pipe: Pipe,
        body: Vec<Node>,
        els: Vec<Node>,
    },
    /// `{{ template "name" pipe }}` (and the call half of `block`).
    Call {
        pos: usize,
        name: String,
        pipe: Option<Pipe>,
    },
    Break,
    Continue,
}

type Body = Arc<Vec<Node>>;

/// A parse of one template file (templates/*.yaml or _helpers.tpl), or why it can't be used.
#[derive(Clone, Debug)]
pub struct Template {
    nodes: Body,
    defines: Vec<(String, Body)>,
}

impl Template {
    /// The names of the templates this file defines, in order.
    pub fn define_names(&self) -> impl Iterator<Item = &str> {
        self.defines.iter().map(|(n, _)| n.as_str())
    }
}

enum Stop {
    Eof,
    End(usize),
    Else(usize, Vec<Token>),
}

struct Parser {
    items: std::vec::IntoIter<Item>,
    defines: Vec<(String, Body)>,
    depth: usize,
    ranges: usize,
}

pub fn parse(text: &str) -> Result<Template, Unsupported> {
    let items = scan(text)?;
    let mut p = Parser {
        items: items.into_iter(),
        defines: Vec::new(),
        depth: 0,
        ranges: 0,
    };
    let (nodes, stop) = p.list()?;
    match stop {
        Stop::Eof => Ok(Template {
            nodes: Arc::new(nodes),
            defines: p.defines,
        }),
        Stop::End(pos) => Err(unsup(pos, "`{{ end }}` without a block to close")),
        Stop::Else(pos, _) => Err(unsup(pos, "`{{ else }}` outside `if`, `with` or `range`")),
    }
}

fn keyword(toks: &[Token]) -> Option<&str> {
    match toks.first().map(|t| &t.tok) {
        Some(Tok::Ident(s)) => Some(s.as_str()),
        _ => None,
    }
}

impl Parser {
    fn list(&mut self) -> Result<(Vec<Node>, Stop), Unsupported> {
        let mut nodes = Vec::new();
        while let Some(item) = self.items.next() {
            let (pos, toks) = match item {
                Item::Text(t) => {
                    nodes.push(Node::Text(t));
                    continue;
                }
                Item::Action { pos, toks } => (pos, toks),
            };
            let rest = toks.get(1..).unwrap_or(&[]);
            match keyword(&toks) {
                Some(kw @ ("if" | "with" | "range")) => nodes.push(self.control(kw, pos, rest)?),
                Some("else") => return Ok((nodes, Stop::Else(pos, rest.to_vec()))),
                Some("end") => {
                    if !rest.is_empty() {
                        return Err(unsup(pos, "unexpected words after `end`"));
                    }
                    return Ok((nodes, Stop::End(pos)));
                }
                Some("define") => {
                    if self.depth > 0 {
                        return Err(unsup(pos, "`define` inside a block"));
                    }
                    let (name, more) = template_name(rest, pos)?;
                    if !more.is_empty() {
                        return Err(unsup(pos, "unexpected words after the `define` name"));
                    }
                    let body = self.body(pos, "define")?;
                    self.defines.push((name, Arc::new(body)));
                }
                Some("block") => {
                    let (name, more) = template_name(rest, pos)?;
                    let pipe = if more.is_empty() {
                        None
                    } else {
                        Some(parse_pipe(more, pos, 1)?)
                    };
                    let body = self.body(pos, "block")?;
                    self.defines.push((name.clone(), Arc::new(body)));
                    nodes.push(Node::Call { pos, name, pipe });
                }
                Some("template") => {
                    let (name, more) = template_name(rest, pos)?;
                    let pipe = if more.is_empty() {
                        None
                    } else {
                        Some(parse_pipe(more, pos, 1)?)
                    };
                    nodes.push(Node::Call { pos, name, pipe });
                }
                Some(kw @ ("break" | "continue")) => {
                    if self.ranges == 0 {
                        return Err(unsup(pos, format!("`{kw}` outside `range`")));
                    }
                    nodes.push(if kw == "break" {
                        Node::Break
                    } else {
                        Node::Continue
                    });
                }
                _ => nodes.push(Node::Out(parse_pipe(&toks, pos, 1)?)),
            }
        }
        Ok((nodes, Stop::Eof))
    }

    fn enter(&mut self, pos: usize) -> Result<(), Unsupported> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(unsup(
                pos,
                format!("blocks nested more than {MAX_NESTING} deep"),
            ));
        }
        Ok(())
    }

    /// The body of a `define` or `block`, up to its `end`.
    fn body(&mut self, pos: usize, what: &str) -> Result<Vec<Node>, Unsupported> {
        self.enter(pos)?;
        let saved = std::mem::replace(&mut self.ranges, 0);
        let (nodes, stop) = self.list()?;
        self.ranges = saved;
        self.depth -= 1;
        match stop {
            Stop::End(_) => Ok(nodes),
            Stop::Eof => Err(unsup(
                pos,
                format!("`{what}` never closed by `{{{{ end }}}}`"),
            )),
            Stop::Else(p, _) => Err(unsup(p, format!("`else` inside `{what}`"))),
        }
    }

    /// An `if`, `with` or `range` whose action (at `pos`) continues with `toks`.
    fn control(&mut self, kw: &str, pos: usize, toks: &[Token]) -> Result<Node, Unsupported> {
        let pipe = parse_pipe(toks, pos, if kw == "range" { 2 } else { 1 })?;
        self.enter(pos)?;
        if kw == "range" {
            self.ranges += 1;
        }
        let (body, stop) = self.list()?;
        if kw == "range" {
            self.ranges -= 1;
        }
        let never_closed = || unsup(pos, format!("`{kw}` never closed by `{{{{ end }}}}`"));
        let els = match stop {
            Stop::End(_) => Vec::new(),
            Stop::Eof => return Err(never_closed()),
            Stop::Else(epos, rest) => match keyword(&rest) {
                None if rest.is_empty() => {
                    let (els, stop) = self.list()?;
                    match stop {
                        Stop::End(_) => els,
                        Stop::Eof => return Err(never_closed()),
                        Stop::Else(p, _) => {
                            return Err(unsup(p, format!("a second `else` in `{kw}`")));
                        }
                    }
                }
                // `else if` / `else with`: a nested block that shares this one's `end`.
                Some(kw2 @ ("if" | "with")) if kw != "range" => {
                    vec![self.control(kw2, epos, rest.get(1..).unwrap_or(&[]))?]
                }
                _ => return Err(unsup(epos, "unexpected words after `else`")),
            },
        };
        self.depth -= 1;
        Ok(match kw {
            "if" => Node::If {
                pipe,
                then: body,
                els,
            },
            "with" => Node::With {
                pipe,
                then: body,
                els,
            },
            _ => Node::Range { pipe, body, els },
        })
    }
}

/// The quoted name that starts `toks` (`define`, `template`, `block`) and the words after it.
fn template_name(toks: &[Token], pos: usize) -> Result<(String, &[Token]), Unsupported> {
    match toks.first().map(|t| &t.tok) {
        Some(Tok::Lit(Val::Str(s))) => Ok((s.clone(), toks.get(1..).unwrap_or(&[]))),
        _ => Err(unsup(pos, "expected a quoted template name")),
    }
}

fn parse_pipe(toks: &[Token], pos: usize, max_decl: usize) -> Result<Pipe, Unsupported> {
    let mut c = Cursor {
        toks,
        i: 0,
        pos,
        depth: 0,
    };
    let pipe = c.pipeline(max_decl, false)?;
    if c.i < toks.len() {
        return Err(unsup(pos, "unexpected `)`"));
    }
    Ok(pipe)
}

struct Cursor<'a> {
    toks: &'a [Token],
    i: usize,
    pos: usize,
    depth: usize,
}

impl Cursor<'_> {
    fn tok(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.i + k).map(|t| &t.tok)
    }

    fn pipeline(&mut self, max_decl: usize, in_paren: bool) -> Result<Pipe, Unsupported> {
        let mut decl = Vec::new();
        let mut assign = false;
        if let (Some(Tok::Var(v)), Some(op @ (Tok::Declare | Tok::Assign))) =
            (self.tok(0), self.tok(1))
        {
            decl.push(v.clone());
            assign = *op == Tok::Assign;
            self.i += 2;
        } else if let (
            Some(Tok::Var(a)),
            Some(Tok::Comma),
            Some(Tok::Var(b)),
            Some(op @ (Tok::Declare | Tok::Assign)),
        ) = (self.tok(0), self.tok(1), self.tok(2), self.tok(3))
        {
            if max_decl < 2 {
                return Err(unsup(self.pos, "two variables declared outside `range`"));
            }
            decl = vec![a.clone(), b.clone()];
            assign = *op == Tok::Assign;
            self.i += 4;
        }
        let mut cmds = Vec::new();
        loop {
            let mut args = Vec::new();
            while let Some(t) = self.tok(0) {
                if matches!(t, Tok::Pipe | Tok::RParen) {
                    break;
                }
                args.push(self.operand()?);
            }
            if args.is_empty() {
                return Err(unsup(self.pos, "missing value for command"));
            }
            cmds.push(Cmd { args });
            match self.tok(0) {
                Some(Tok::Pipe) => self.i += 1,
                Some(Tok::RParen) if in_paren => break,
                Some(_) => return Err(unsup(self.pos, "unexpected `)`")),
                None if in_paren => return Err(unsup(self.pos, "unclosed `(`")),
                None => break,
            }
        }
        Ok(Pipe {
            pos: self.pos,
            decl,
            assign,
            cmds,
        })
    }

    /// The field names written right after a term (`(…).a.b`, `$x.a`).
    fn fields(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(Token {
            tok: Tok::Field(f),
            spaced: false,
        }) = self.toks.get(self.i)
        {
            out.push(f.clone());
            self.i += 1;
        }
        out
    }

    fn operand(&mut self) -> Result<Arg, Unsupported> {
        let Some(t) = self.toks.get(self.i) else {
            return Err(unsup(self.pos, "missing operand"));
        };
        self.i += 1;
        Ok(match &t.tok {
            Tok::Ident(n) => Arg::Ident(n.clone()),
            Tok::Dot => Arg::Field(Vec::new()),
            Tok::Field(f) => {
                let mut fs = vec![f.clone()];
                fs.extend(self.fields());
                Arg::Field(fs)
            }
            Tok::Var(v) => Arg::Var(v.clone(), self.fields()),
            Tok::LParen => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return Err(unsup(self.pos, "parentheses nested too deeply"));
                }
                let p = self.pipeline(1, true)?;
                self.depth -= 1;
                // `pipeline` stopped at the `)`.
                self.i += 1;
                Arg::Pipe(Box::new(p), self.fields())
            }
            Tok::Lit(v) => Arg::Lit(v.clone()),
            Tok::Pipe | Tok::RParen | Tok::Comma | Tok::Declare | Tok::Assign => {
                return Err(unsup(self.pos, "unexpected punctuation in an action"));
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Defines and the render context.

/// The named templates (`{{ define "name" }}…{{ end }}`) of every file of a chart (helpers and
/// templates alike), keyed by name, each remembering which file it came from (an index the
/// caller gives). A later `add` of the same name replaces the earlier, as Go's last parse wins,
/// except that an empty body never replaces a non-empty one (Go's rule, which lets `block`
/// defaults be overridden).
#[derive(Default)]
pub struct Defines {
    map: HashMap<String, (usize, Body)>,
}

impl Defines {
    pub fn add(&mut self, file: usize, tpl: &Template) {
        for (name, body) in &tpl.defines {
            let empty = body
                .iter()
                .all(|n| matches!(n, Node::Text(t) if t.trim().is_empty()));
            if empty && self.map.contains_key(name) {
                continue;
            }
            self.map.insert(name.clone(), (file, Arc::clone(body)));
        }
    }

    /// [`add`](Self::add), and the file itself as the template `name` (its path as Helm names
    /// it, `chart/templates/configmap.yaml`): Helm makes every file a named template, which
    /// charts include for checksums (`include (print $.Template.BasePath "/cm.yaml") .`).
    pub fn add_file(&mut self, file: usize, name: &str, tpl: &Template) {
        self.add(file, tpl);
        self.map
            .insert(name.to_string(), (file, Arc::clone(&tpl.nodes)));
    }

    /// The file (as given to `add`) that defines `name`.
    pub fn file_of(&self, name: &str) -> Option<usize> {
        self.map.get(name).map(|(f, _)| *f)
    }
}

/// What `.Release`, `.Chart`, `.Capabilities` hold.
pub struct Context {
    pub values: Val,
    pub release_name: String,
    pub release_namespace: String,
    pub chart_name: String,
    pub chart_version: String,
    pub app_version: Option<String>,
    /// e.g. "v1.31.0"; `.Major`/`.Minor` are derived.
    pub kube_version: String,
}

fn map_of<const N: usize>(entries: [(&str, Val); N]) -> Val {
    Val::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// The built-in API group versions a cluster of `minor` (Kubernetes 1.x) serves, for
/// `.Capabilities.APIVersions.Has`. Helm without a cluster uses client-go's compiled-in list
/// (which still has long-removed betas); we model the cluster the chart would be installed on,
/// so charts pick the GA API the linted Kubernetes version actually serves. CRD groups
/// (monitoring.coreos.com, keda.sh, …) are never assumed installed.
fn api_versions(minor: u32) -> Vec<Val> {
    let mut v = vec![
        "v1",
        "apps/v1",
        "batch/v1",
        "autoscaling/v1",
        "rbac.authorization.k8s.io/v1",
        "storage.k8s.io/v1",
        "apiextensions.k8s.io/v1",
        "apiregistration.k8s.io/v1",
        "admissionregistration.k8s.io/v1",
        "scheduling.k8s.io/v1",
        "coordination.k8s.io/v1",
        "networking.k8s.io/v1",
        "authentication.k8s.io/v1",
        "authorization.k8s.io/v1",
        "certificates.k8s.io/v1",
        "events.k8s.io/v1",
    ];
    let ranged: [(&str, u32, u32); 12] = [
        ("policy/v1", 21, u32::MAX),
        ("discovery.k8s.io/v1", 21, u32::MAX),
        ("node.k8s.io/v1", 20, u32::MAX),
        ("autoscaling/v2", 23, u32::MAX),
        ("flowcontrol.apiserver.k8s.io/v1", 29, u32::MAX),
        ("policy/v1beta1", 0, 25),
        ("batch/v1beta1", 0, 25),
        ("discovery.k8s.io/v1beta1", 0, 25),
        ("autoscaling/v2beta2", 0, 26),
        ("autoscaling/v2beta1", 0, 25),
        ("networking.k8s.io/v1beta1", 0, 22),
        ("extensions/v1beta1", 0, 22),
    ];
    v.extend(
        ranged
            .iter()
            .filter(|(_, from, until)| minor >= *from && minor < *until)
            .map(|(gv, _, _)| *gv),
    );
    v.into_iter().map(|s| Val::Str(s.to_string())).collect()
}

/// `Has` of Helm's VersionSet: a group version, or `group/version/Kind` of one.
fn api_has(list: &[Val], x: &str) -> bool {
    let has = |s: &str| list.iter().any(|v| matches!(v, Val::Str(t) if t == s));
    if has(x) {
        return true;
    }
    match x.rsplit_once('/') {
        Some((gv, kind)) => kind.starts_with(|c: char| c.is_ascii_uppercase()) && has(gv),
        None => false,
    }
}

fn root_context(ctx: &Context, template_name: &str) -> Val {
    let kv = ctx.kube_version.trim_start_matches('v');
    let mut parts = kv.split(['.', '-', '+']);
    let digits = |s: Option<&str>| -> String {
        s.unwrap_or("")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect()
    };
    let major = digits(parts.next());
    let minor = digits(parts.next());
    let base_path = match template_name.find("/templates/") {
        Some(i) => template_name
            .get(..i + "/templates".len())
            .unwrap_or("")
            .to_string(),
        None => template_name
            .rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default(),
    };
    let s = |x: &str| Val::Str(x.to_string());
    map_of([
        ("Values", ctx.values.clone()),
        (
            "Release",
            map_of([
                ("Name", s(&ctx.release_name)),
                ("Namespace", s(&ctx.release_namespace)),
                ("Service", s("Helm")),
                ("IsInstall", Val::Bool(true)),
                ("IsUpgrade", Val::Bool(false)),
                ("Revision", Val::Int(1)),
            ]),
        ),
        (
            "Chart",
            map_of([
                ("Name", s(&ctx.chart_name)),
                ("Version", s(&ctx.chart_version)),
                ("AppVersion", s(ctx.app_version.as_deref().unwrap_or(""))),
            ]),
        ),
        (
            "Capabilities",
            map_of([
                (
                    "KubeVersion",
                    map_of([
                        ("Version", s(&ctx.kube_version)),
                        ("GitVersion", s(&ctx.kube_version)),
                        ("Major", s(&major)),
                        ("Minor", s(&minor)),
                    ]),
                ),
                (
                    "APIVersions",
                    Val::List(api_versions(minor.parse().unwrap_or(u32::MAX))),
                ),
                ("HelmVersion", map_of([("Version", s("v3.16.0"))])),
            ]),
        ),
        (
            "Template",
            map_of([("Name", s(template_name)), ("BasePath", s(&base_path))]),
        ),
        (
            "Files",
            map_of([(UNSUPPORTED_KEY, s("`.Files` is not read without helm"))]),
        ),
    ])
}

/// Render `tpl` (a file's top level; `define` blocks in it produce no output) with `.` = the
/// root context. Returns the rendered text or the first unsupported thing met on the executed
/// path (evaluation is lazy like Go's; parse errors were reported by [`parse`]). An error inside
/// a define from another file is reported at the `include`/`template` call in this file, with
/// the define's name in the reason.
pub fn render(
    tpl: &Template,
    defines: &Defines,
    ctx: &Context,
    template_name: &str,
) -> Result<String, Unsupported> {
    let root = Rc::new(root_context(ctx, template_name));
    let mut ex = Exec {
        defines,
        own: tpl,
        steps: 0,
        includes: 0,
        level: 0,
        written: 0,
        last_pos: 0,
    };
    let mut sc = Scope {
        dot: Rc::clone(&root),
        vars: vec![("$".to_string(), root)],
    };
    let mut out = String::new();
    ex.exec_list(&tpl.nodes, &mut sc, &mut out)?;
    // Helm's own post-processing: Go prints a missing value as `<no value>`.
    if out.contains("<no value>") {
        out = out.replace("<no value>", "");
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Execution.

type V = Rc<Val>;

struct Scope {
    dot: V,
    vars: Vec<(String, V)>,
}

enum Flow {
    Normal,
    Break,
    Continue,
}

struct Exec<'a> {
    defines: &'a Defines,
    own: &'a Template,
    steps: u64,
    includes: usize,
    level: usize,
    /// Bytes written into all buffers (an include's output is written again by its caller).
    written: usize,
    /// The action being executed, for errors about output size.
    last_pos: usize,
}

enum FnErr {
    Unknown,
    Msg(String),
}

type FnResult = Result<Val, FnErr>;

fn fail<T>(m: impl Into<String>) -> Result<T, FnErr> {
    Err(FnErr::Msg(m.into()))
}

impl Exec<'_> {
    fn step(&mut self, pos: usize) -> Result<(), Unsupported> {
        self.last_pos = pos;
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(unsup(
                pos,
                format!("more than {MAX_STEPS} steps: the template loops or nests too much"),
            ));
        }
        Ok(())
    }

    fn emit(&mut self, out: &mut String, s: &str) -> Result<(), Unsupported> {
        self.written = self.written.saturating_add(s.len());
        if out.len() + s.len() > MAX_OUTPUT || self.written > 8 * MAX_OUTPUT {
            return Err(unsup(self.last_pos, "renders more than 8 MiB"));
        }
        out.push_str(s);
        Ok(())
    }

    /// Runs `nodes` one level deeper.
    fn nested(
        &mut self,
        nodes: &[Node],
        sc: &mut Scope,
        out: &mut String,
    ) -> Result<Flow, Unsupported> {
        self.level += 1;
        if self.level > MAX_LEVEL {
            return Err(unsup(self.last_pos, "the template nests too deeply"));
        }
        let r = self.exec_list(nodes, sc, out);
        self.level -= 1;
        r
    }

    fn exec_list(
        &mut self,
        nodes: &[Node],
        sc: &mut Scope,
        out: &mut String,
    ) -> Result<Flow, Unsupported> {
        for node in nodes {
            match node {
                Node::Text(t) => self.emit(out, t)?,
                Node::Out(pipe) => {
                    self.step(pipe.pos)?;
                    let v = self.eval_pipe(pipe, sc)?;
                    if pipe.decl.is_empty() {
                        let s = match &*v {
                            Val::Null => String::new(),
                            v => fmt_v(v),
                        };
                        self.emit(out, &s)?;
                    }
                }
                Node::If { pipe, then, els } | Node::With { pipe, then, els } => {
                    self.step(pipe.pos)?;
                    let mark = sc.vars.len();
                    let v = self.eval_pipe(pipe, sc)?;
                    let flow = if !v.truthy() {
                        self.nested(els, sc, out)
                    } else if matches!(node, Node::With { .. }) {
                        let old = std::mem::replace(&mut sc.dot, v);
                        let flow = self.nested(then, sc, out);
                        sc.dot = old;
                        flow
                    } else {
                        self.nested(then, sc, out)
                    };
                    sc.vars.truncate(mark);
                    match flow? {
                        Flow::Normal => {}
                        f => return Ok(f),
                    }
                }
                Node::Range { pipe, body, els } => self.range(pipe, body, els, sc, out)?,
                Node::Call { pos, name, pipe } => {
                    self.step(*pos)?;
                    let data = match pipe {
                        Some(p) => self.eval_pipe(p, sc)?,
                        None => Rc::new(Val::Null),
                    };
                    let s = self.call_define(name, data, *pos)?;
                    self.emit(out, &s)?;
                }
                Node::Break => return Ok(Flow::Break),
                Node::Continue => return Ok(Flow::Continue),
            }
        }
        Ok(Flow::Normal)
    }

    fn range(
        &mut self,
        pipe: &Pipe,
        body: &[Node],
        els: &[Node],
        sc: &mut Scope,
        out: &mut String,
    ) -> Result<(), Unsupported> {
        self.step(pipe.pos)?;
        // The declarations name each iteration's index/key and element, not the collection.
        let v = self.eval_cmds(pipe, sc)?;
        let too_many = || {
            unsup(
                pipe.pos,
                format!("`range` over more than {MAX_RANGE} items"),
            )
        };
        let items: Vec<(Val, Val)> = match &*v {
            Val::List(l) if l.len() > MAX_RANGE => return Err(too_many()),
            Val::Map(m) if m.len() > MAX_RANGE => return Err(too_many()),
            Val::Int(n) if *n > MAX_RANGE as i64 => return Err(too_many()),
            Val::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, x)| (Val::Int(i as i64), x.clone()))
                .collect(),
            Val::Map(m) => m
                .iter()
                .map(|(k, x)| (Val::Str(k.clone()), x.clone()))
                .collect(),
            Val::Int(n) => (0..*n).map(|i| (Val::Int(i), Val::Int(i))).collect(),
            Val::Null => Vec::new(),
            other => {
                return Err(unsup(
                    pipe.pos,
                    format!("range can't iterate over {}", fmt_v(other)),
                ));
            }
        };
        let mark = sc.vars.len();
        if items.is_empty() {
            let flow = self.nested(els, sc, out);
            sc.vars.truncate(mark);
            return flow.map(|_| ());
        }
        for (key, item) in items {
            self.step(pipe.pos)?;
            let item = Rc::new(item);
            match pipe.decl.as_slice() {
                [v] => sc.vars.push((v.clone(), Rc::clone(&item))),
                [k, v] => {
                    sc.vars.push((k.clone(), Rc::new(key)));
                    sc.vars.push((v.clone(), Rc::clone(&item)));
                }
                _ => {}
            }
            let old = std::mem::replace(&mut sc.dot, item);
            let flow = self.nested(body, sc, out);
            sc.dot = old;
            sc.vars.truncate(mark);
            if let Flow::Break = flow? {
                break;
            }
        }
        Ok(())
    }

    /// A pipeline's value, declaring or assigning its variable.
    fn eval_pipe(&mut self, pipe: &Pipe, sc: &mut Scope) -> Result<V, Unsupported> {
        let v = self.eval_cmds(pipe, sc)?;
        match pipe.decl.as_slice() {
            [] => {}
            [name] if pipe.assign => match sc.vars.iter_mut().rev().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = Rc::clone(&v),
                None => return Err(unsup(pipe.pos, format!("undefined variable `{name}`"))),
            },
            [name] => sc.vars.push((name.clone(), Rc::clone(&v))),
            _ => return Err(unsup(pipe.pos, "two variables declared outside `range`")),
        }
        Ok(v)
    }

    fn eval_cmds(&mut self, pipe: &Pipe, sc: &mut Scope) -> Result<V, Unsupported> {
        self.level += 1;
        if self.level > MAX_LEVEL {
            return Err(unsup(pipe.pos, "the template nests too deeply"));
        }
        let mut val: Option<V> = None;
        for cmd in &pipe.cmds {
            val = Some(self.eval_cmd(cmd, sc, val, pipe.pos)?);
        }
        self.level -= 1;
        Ok(val.unwrap_or_else(|| Rc::new(Val::Null)))
    }

    fn eval_cmd(
        &mut self,
        cmd: &Cmd,
        sc: &mut Scope,
        fin: Option<V>,
        pos: usize,
    ) -> Result<V, Unsupported> {
        let Some((first, rest)) = cmd.args.split_first() else {
            return Err(unsup(pos, "missing value for command"));
        };
        match first {
            Arg::Ident(name) => self.call(name, rest, fin, sc, pos),
            Arg::Field(fields) => {
                let base = Rc::clone(&sc.dot);
                self.chain(base, ".", fields, rest, fin, sc, pos)
            }
            Arg::Var(name, fields) => {
                let base = lookup(sc, name, pos)?;
                self.chain(base, name, fields, rest, fin, sc, pos)
            }
            Arg::Pipe(p, fields) => {
                if !rest.is_empty() || fin.is_some() {
                    return Err(unsup(pos, "can't give an argument to a non-function"));
                }
                let base = self.eval_pipe(p, sc)?;
                self.chain(base, "(…)", fields, &[], None, sc, pos)
            }
            Arg::Lit(v) => {
                if !rest.is_empty() || fin.is_some() {
                    return Err(unsup(
                        pos,
                        format!("can't give an argument to the non-function {}", fmt_v(v)),
                    ));
                }
                Ok(Rc::new(v.clone()))
            }
        }
    }

    fn eval_arg(&mut self, arg: &Arg, sc: &mut Scope, pos: usize) -> Result<V, Unsupported> {
        match arg {
            Arg::Ident(name) => self.call(name, &[], None, sc, pos),
            Arg::Field(fields) => {
                let base = Rc::clone(&sc.dot);
                self.chain(base, ".", fields, &[], None, sc, pos)
            }
            Arg::Var(name, fields) => {
                let base = lookup(sc, name, pos)?;
                self.chain(base, name, fields, &[], None, sc, pos)
            }
            Arg::Pipe(p, fields) => {
                let base = self.eval_pipe(p, sc)?;
                self.chain(base, "(…)", fields, &[], None, sc, pos)
            }
            Arg::Lit(v) => Ok(Rc::new(v.clone())),
        }
    }

    fn eval_args(
        &mut self,
        args: &[Arg],
        fin: Option<V>,
        sc: &mut Scope,
        pos: usize,
    ) -> Result<Vec<V>, Unsupported> {
        let mut out = Vec::with_capacity(args.len() + 1);
        for a in args {
            out.push(self.eval_arg(a, sc, pos)?);
        }
        out.extend(fin);
        Ok(out)
    }

    /// `base.f1.f2…`, with Go's errors for a field of nil or of a non-map; `args` (and `fin`)
    /// go to a method at the end of the chain, of which only `APIVersions.Has` exists here.
    #[allow(clippy::too_many_arguments)]
    fn chain(
        &mut self,
        base: V,
        base_name: &str,
        fields: &[String],
        args: &[Arg],
        fin: Option<V>,
        sc: &mut Scope,
        pos: usize,
    ) -> Result<V, Unsupported> {
        let has_args = !args.is_empty() || fin.is_some();
        if fields.is_empty() {
            if has_args {
                return Err(unsup(
                    pos,
                    format!("can't give an argument to the non-function `{base_name}`"),
                ));
            }
            return Ok(base);
        }
        // Go unwraps the value of a variable, of a parenthesized pipeline and of `.` to an
        // untyped nil, and a field of that is nil again, not an error; charts rely on it
        // (`($values.autoscaling).enabled`). Only a nil met inside the chain fails.
        if *base == Val::Null {
            return Ok(base);
        }
        let path = |upto: usize| {
            let mut p = if base_name == "." {
                String::new()
            } else {
                base_name.to_string()
            };
            for f in fields.iter().take(upto) {
                p.push('.');
                p.push_str(f);
            }
            p
        };
        let mut cur: &Val = &base;
        for (i, f) in fields.iter().enumerate() {
            let last = i + 1 == fields.len();
            match cur {
                Val::Map(m) => {
                    if let Some(Val::Str(reason)) = m.get(UNSUPPORTED_KEY) {
                        return Err(unsup(pos, reason.clone()));
                    }
                    match m.get(f) {
                        Some(v) => cur = v,
                        None if last => {
                            if has_args {
                                return Err(unsup(
                                    pos,
                                    format!("`{}` is not a method but has arguments", path(i + 1)),
                                ));
                            }
                            return Ok(Rc::new(Val::Null));
                        }
                        None => {
                            let next = fields.get(i + 1).map(String::as_str).unwrap_or("");
                            return Err(unsup(
                                pos,
                                format!(
                                    "nil pointer evaluating interface {{}}.{next}: `{}` is not set",
                                    path(i + 1)
                                ),
                            ));
                        }
                    }
                }
                Val::List(l) if f == "Has" && last => {
                    let list = l.clone();
                    let vals = self.eval_args(args, fin, sc, pos)?;
                    return match vals.as_slice() {
                        [v] => match &**v {
                            Val::Str(s) => Ok(Rc::new(Val::Bool(api_has(&list, s)))),
                            _ => Err(unsup(pos, "`Has` wants a string")),
                        },
                        _ => Err(unsup(pos, "`Has` wants one argument")),
                    };
                }
                Val::Null => {
                    return Err(unsup(
                        pos,
                        format!(
                            "nil pointer evaluating interface {{}}.{f}: `{}` is not set",
                            path(i)
                        ),
                    ));
                }
                other => {
                    return Err(unsup(
                        pos,
                        format!(
                            "can't evaluate field {f} in type {} (`{}`)",
                            go_type(other),
                            path(i)
                        ),
                    ));
                }
            }
        }
        if let Val::Map(m) = cur
            && let Some(Val::Str(reason)) = m.get(UNSUPPORTED_KEY)
        {
            return Err(unsup(pos, reason.clone()));
        }
        if has_args {
            return Err(unsup(
                pos,
                format!("`{}` is not a method but has arguments", path(fields.len())),
            ));
        }
        Ok(Rc::new(cur.clone()))
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Arg],
        fin: Option<V>,
        sc: &mut Scope,
        pos: usize,
    ) -> Result<V, Unsupported> {
        self.step(pos)?;
        match name {
            // Go 1.18+: short-circuit, and the deciding value is the result.
            "and" | "or" => {
                let mut last = None;
                for a in args {
                    let v = self.eval_arg(a, sc, pos)?;
                    if v.truthy() == (name == "or") {
                        return Ok(v);
                    }
                    last = Some(v);
                }
                if let Some(v) = fin {
                    last = Some(v);
                }
                last.ok_or_else(|| unsup(pos, format!("`{name}` needs arguments")))
            }
            "include" => {
                let vals = self.eval_args(args, fin, sc, pos)?;
                let (Some(n), data) = (vals.first(), vals.get(1)) else {
                    return Err(unsup(pos, "`include` needs a template name"));
                };
                let Val::Str(n) = &**n else {
                    return Err(unsup(pos, "`include` needs a template name"));
                };
                let data = data.cloned().unwrap_or_else(|| Rc::new(Val::Null));
                let s = self.call_define(n, data, pos)?;
                Ok(Rc::new(Val::Str(s)))
            }
            // Helm's `tpl`: the string is a template, rendered with the given context (its
            // own `define`s are not added to the chart's).
            "tpl" => {
                let vals = self.eval_args(args, fin, sc, pos)?;
                let (Some(text), data) = (vals.first(), vals.get(1)) else {
                    return Err(unsup(pos, "`tpl` needs a template string"));
                };
                let Val::Str(text) = &**text else {
                    return Err(unsup(pos, "`tpl` needs a template string"));
                };
                let parsed =
                    parse(text).map_err(|e| unsup(pos, format!("in `tpl`: {}", e.reason)))?;
                if self.includes >= MAX_INCLUDE_DEPTH {
                    return Err(unsup(pos, "`tpl` nests templates too deep"));
                }
                let data = data.cloned().unwrap_or_else(|| Rc::new(Val::Null));
                let mut inner = Scope {
                    dot: Rc::clone(&data),
                    vars: vec![("$".to_string(), data)],
                };
                let mut out = String::new();
                self.includes += 1;
                let r = self.nested(&parsed.nodes, &mut inner, &mut out);
                self.includes -= 1;
                r.map_err(|e| unsup(pos, format!("in `tpl`: {}", e.reason)))?;
                Ok(Rc::new(Val::Str(out)))
            }
            "lookup" => Err(unsup(pos, "calls `lookup`, which needs a cluster")),
            "required" => {
                let vals = self.eval_args(args, fin, sc, pos)?;
                let (Some(msg), Some(v)) = (vals.first(), vals.get(1)) else {
                    return Err(unsup(pos, "`required` needs a message and a value"));
                };
                match &**v {
                    Val::Null => Err(unsup(pos, format!("`required`: {}", strval(msg)))),
                    Val::Str(s) if s.is_empty() => {
                        Err(unsup(pos, format!("`required`: {}", strval(msg))))
                    }
                    _ => Ok(Rc::clone(v)),
                }
            }
            "fail" => {
                let vals = self.eval_args(args, fin, sc, pos)?;
                let msg = vals.first().map(|v| strval(v)).unwrap_or_default();
                Err(unsup(pos, format!("calls `fail`: {msg}")))
            }
            _ => {
                let vals = self.eval_args(args, fin, sc, pos)?;
                let result = builtin(name, &vals).map_err(|e| match e {
                    FnErr::Unknown => unsup(pos, format!("unknown function `{name}`")),
                    FnErr::Msg(m) => unsup(pos, format!("`{name}`: {m}")),
                })?;
                if let Val::Str(s) = &result
                    && s.len() > MAX_OUTPUT
                {
                    return Err(unsup(
                        pos,
                        format!("`{name}` makes a string larger than 8 MiB"),
                    ));
                }
                // A loop could nest a value a thousand deep (`$d = dict "a" $d`), which printing
                // and dropping it recurse on: bound what the constructors build.
                if matches!(&result, Val::List(_) | Val::Map(_))
                    && matches!(
                        name,
                        "dict"
                            | "list"
                            | "set"
                            | "append"
                            | "push"
                            | "mustAppend"
                            | "mustPush"
                            | "prepend"
                            | "mustPrepend"
                            | "concat"
                            | "merge"
                            | "mustMerge"
                            | "mergeOverwrite"
                            | "mustMergeOverwrite"
                            | "pluck"
                            | "values"
                    )
                    && nested_deeper(&result, MAX_VALUE_DEPTH)
                {
                    return Err(unsup(
                        pos,
                        format!("`{name}` builds a value nested more than {MAX_VALUE_DEPTH} deep"),
                    ));
                }
                let result = Rc::new(result);
                // Sprig mutates its first argument in place (Go maps are references) and charts
                // rely on it (`$_ := set $d "k" v`): write the result back where it was read.
                if matches!(
                    name,
                    "set"
                        | "unset"
                        | "merge"
                        | "mergeOverwrite"
                        | "mustMerge"
                        | "mustMergeOverwrite"
                ) && let Some(target) = args.first()
                {
                    write_back(target, &result, sc);
                }
                Ok(result)
            }
        }
    }

    fn call_define(&mut self, name: &str, data: V, pos: usize) -> Result<String, Unsupported> {
        let body = match self.defines.map.get(name) {
            Some((_, b)) => Arc::clone(b),
            None => match self.own.defines.iter().rev().find(|(n, _)| n == name) {
                Some((_, b)) => Arc::clone(b),
                None => return Err(unsup(pos, format!("no template named `{name}`"))),
            },
        };
        if self.includes >= MAX_INCLUDE_DEPTH {
            return Err(unsup(
                pos,
                format!(
                    "`{name}` nests includes more than {MAX_INCLUDE_DEPTH} deep (does it include itself?)"
                ),
            ));
        }
        let in_file = Arc::ptr_eq(&self.own.nodes, &body)
            || self.own.defines.iter().any(|(_, b)| Arc::ptr_eq(b, &body));
        self.includes += 1;
        let mut sc = Scope {
            dot: Rc::clone(&data),
            vars: vec![("$".to_string(), data)],
        };
        let mut out = String::new();
        let r = self.nested(&body, &mut sc, &mut out);
        self.includes -= 1;
        match r {
            Ok(_) => Ok(out),
            Err(e) if in_file => Err(e),
            // The caller only knows this file: point at the call, name the define.
            Err(e) => {
                let prefix = format!("in `{name}`: ");
                let reason = if e.reason.starts_with(&prefix) {
                    e.reason
                } else {
                    prefix + &e.reason
                };
                Err(unsup(pos, reason))
            }
        }
    }
}

/// Whether `v` nests lists and maps more than `limit` deep (stops looking past the limit).
fn nested_deeper(v: &Val, limit: usize) -> bool {
    let children: Box<dyn Iterator<Item = &Val>> = match v {
        Val::List(l) => Box::new(l.iter()),
        Val::Map(m) => Box::new(m.values()),
        _ => return false,
    };
    let mut children = children.peekable();
    if children.peek().is_none() {
        return false;
    }
    limit == 0 || children.any(|c| nested_deeper(c, limit - 1))
}

fn lookup(sc: &Scope, name: &str, pos: usize) -> Result<V, Unsupported> {
    sc.vars
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| Rc::clone(v))
        .ok_or_else(|| unsup(pos, format!("undefined variable `{name}`")))
}

fn write_back(target: &Arg, new: &V, sc: &mut Scope) {
    match target {
        Arg::Var(name, fields) => {
            if let Some(slot) = sc.vars.iter_mut().rev().find(|(n, _)| n == name) {
                let was_dot = Rc::ptr_eq(&slot.1, &sc.dot);
                set_path(&mut slot.1, fields, new);
                if was_dot {
                    sc.dot = Rc::clone(&slot.1);
                }
            }
        }
        Arg::Field(fields) => {
            let root_is_dot = sc.vars.first().is_some_and(|(_, v)| Rc::ptr_eq(v, &sc.dot));
            set_path(&mut sc.dot, fields, new);
            if root_is_dot && let Some(slot) = sc.vars.first_mut() {
                slot.1 = Rc::clone(&sc.dot);
            }
        }
        _ => {}
    }
}

fn set_path(root: &mut V, fields: &[String], new: &V) {
    if fields.is_empty() {
        *root = Rc::clone(new);
        return;
    }
    let mut cur: &mut Val = Rc::make_mut(root);
    for f in fields {
        match cur {
            Val::Map(m) => match m.get_mut(f) {
                Some(v) => cur = v,
                None => return,
            },
            _ => return,
        }
    }
    *cur = (**new).clone();
}

// ---------------------------------------------------------------------------------------------
// Printing values as Go does.

/// Go's name of a value's type, as Helm would hold it (numbers from values are float64).
fn go_type(v: &Val) -> &'static str {
    match v {
        Val::Null => "<nil>",
        Val::Bool(_) => "bool",
        Val::Int(_) | Val::Float(_) => "float64",
        Val::Str(_) => "string",
        Val::List(_) => "[]interface {}",
        Val::Map(_) => "map[string]interface {}",
    }
}

/// Go's reflect kind of a value (`kindOf`).
fn go_kind(v: &Val) -> &'static str {
    match v {
        Val::Null => "invalid",
        Val::Bool(_) => "bool",
        Val::Int(_) | Val::Float(_) => "float64",
        Val::Str(_) => "string",
        Val::List(_) => "slice",
        Val::Map(_) => "map",
    }
}

/// Mantissa digits (no dot, no sign) and decimal exponent of `f`'s shortest representation.
fn shortest_digits(f: f64) -> (String, i32) {
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    (mant.replace('.', ""), exp.parse().unwrap_or(0))
}

/// Go's `%e` of the shortest representation: `1e+06`, `1.5e-07`.
fn go_exp(f: f64) -> String {
    let (digits, exp) = shortest_digits(f);
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let (first, rest) = digits.split_at(digits.len().min(1));
    let dot = if rest.is_empty() { "" } else { "." };
    let esign = if exp < 0 { '-' } else { '+' };
    format!("{sign}{first}{dot}{rest}e{esign}{:02}", exp.unsigned_abs())
}

/// Go's `%v` of a float64 (strconv 'g', shortest): exponent form below 1e-4 or from 1e+06.
fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let (_, exp) = shortest_digits(f);
    if !(-4..6).contains(&exp) {
        go_exp(f)
    } else {
        format!("{f}")
    }
}

/// Go's `fmt.Sprint` of one value (`%v`); nil is `<nil>` (the template prints it as "").
fn fmt_v(v: &Val) -> String {
    let mut s = String::new();
    write_v(&mut s, v);
    s
}

fn write_v(out: &mut String, v: &Val) {
    match v {
        Val::Null => out.push_str("<nil>"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Val::Float(f) => out.push_str(&go_float(*f)),
        Val::Str(s) => out.push_str(s),
        Val::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, x);
            }
            out.push(']');
        }
        Val::Map(m) => {
            out.push_str("map[");
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, x);
            }
            out.push(']');
        }
    }
}

/// Sprig's `strval`: a string as is, anything else as `%v`.
fn strval(v: &Val) -> String {
    match v {
        Val::Str(s) => s.clone(),
        v => fmt_v(v),
    }
}

/// Sprig's `strslice`: a list's non-nil items as strings, nil as none, a scalar as one.
fn strslice(v: &Val) -> Vec<String> {
    match v {
        Val::List(l) => l.iter().filter(|x| **x != Val::Null).map(strval).collect(),
        Val::Null => Vec::new(),
        v => vec![strval(v)],
    }
}

fn go_printable(c: char) -> bool {
    !c.is_control()
        && !matches!(
            c,
            '\u{a0}' | '\u{ad}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        )
}

/// Go's strconv.Quote.
fn go_quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '\u{7}' => o.push_str("\\a"),
            '\u{8}' => o.push_str("\\b"),
            '\u{c}' => o.push_str("\\f"),
            '\u{b}' => o.push_str("\\v"),
            c if (c as u32) < 0x80 && !go_printable(c) => {
                let _ = write!(o, "\\x{:02x}", c as u32);
            }
            c if !go_printable(c) => {
                if (c as u32) < 0x10000 {
                    let _ = write!(o, "\\u{:04x}", c as u32);
                } else {
                    let _ = write!(o, "\\U{:08x}", c as u32);
                }
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Go's `fmt.Sprintf` for the verbs charts use (`%s %d %v %q %f %t %x`, flags, width,
/// precision); a mismatched verb prints `%!d(string=x)` as Go does.
fn go_sprintf(format: &str, args: &[V]) -> String {
    let mut out = String::new();
    let mut ai = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let (mut minus, mut plus, mut zero) = (false, false, false);
        while let Some(&f) = chars.peek() {
            match f {
                '-' => minus = true,
                '+' => plus = true,
                '0' => zero = true,
                ' ' | '#' => {}
                _ => break,
            }
            chars.next();
        }
        let number = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
            let mut n: usize = 0;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = (n * 10 + d as usize).min(1000);
                chars.next();
            }
            n
        };
        let width = number(&mut chars);
        let prec = if chars.peek() == Some(&'.') {
            chars.next();
            Some(number(&mut chars))
        } else {
            None
        };
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(ai) else {
            let _ = write!(out, "%!{verb}(MISSING)");
            continue;
        };
        ai += 1;
        let (s, numeric) = format_verb(verb, arg, prec, plus);
        let len = s.chars().count();
        if len >= width {
            out.push_str(&s);
        } else if minus {
            out.push_str(&s);
            out.extend(std::iter::repeat_n(' ', width - len));
        } else if zero && numeric {
            let (sign, digits) = match s.strip_prefix('-') {
                Some(d) => ("-", d),
                None => ("", s.as_str()),
            };
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', width - len));
            out.push_str(digits);
        } else {
            out.extend(std::iter::repeat_n(' ', width - len));
            out.push_str(&s);
        }
    }
    if ai < args.len() {
        out.push_str("%!(EXTRA ");
        for (i, a) in args.iter().skip(ai).enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{}={}", go_type(a), fmt_v(a));
        }
        out.push(')');
    }
    out
}

/// One verb applied to one value, and whether zero padding applies to it.
fn format_verb(verb: char, v: &Val, prec: Option<usize>, plus: bool) -> (String, bool) {
    let bad = |v: &Val| match v {
        Val::Null => format!("%!{verb}(<nil>)"),
        v => format!("%!{verb}({}={})", go_type(v), fmt_v(v)),
    };
    match (verb, v) {
        ('v', v) => (fmt_v(v), matches!(v, Val::Int(_) | Val::Float(_))),
        ('s', Val::Str(s)) => match prec {
            Some(p) => (s.chars().take(p).collect(), false),
            None => (s.clone(), false),
        },
        ('s' | 'd' | 'q' | 'x' | 'X', Val::List(l)) => {
            let items: Vec<String> = l
                .iter()
                .map(|x| format_verb(verb, x, prec, plus).0)
                .collect();
            (format!("[{}]", items.join(" ")), false)
        }
        ('d', Val::Int(i)) => (
            if plus && *i >= 0 {
                format!("+{i}")
            } else {
                i.to_string()
            },
            true,
        ),
        ('q', Val::Str(s)) => (go_quote(s), false),
        ('q', Val::Int(i)) => {
            let c = u32::try_from(*i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{fffd}');
            (format!("'{c}'"), false)
        }
        ('t', Val::Bool(b)) => (b.to_string(), false),
        ('f' | 'F' | 'e' | 'g', Val::Int(_) | Val::Float(_)) => {
            let f = match v {
                Val::Int(i) => *i as f64,
                Val::Float(f) => *f,
                _ => 0.0,
            };
            let s = match verb {
                'e' => match prec {
                    Some(p) => {
                        let s = format!("{f:.p$e}");
                        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                        let e: i32 = e.parse().unwrap_or(0);
                        format!(
                            "{m}e{}{:02}",
                            if e < 0 { '-' } else { '+' },
                            e.unsigned_abs()
                        )
                    }
                    None => {
                        let s = format!("{f:.6e}");
                        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                        let e: i32 = e.parse().unwrap_or(0);
                        format!(
                            "{m}e{}{:02}",
                            if e < 0 { '-' } else { '+' },
                            e.unsigned_abs()
                        )
                    }
                },
                'g' => go_float(f),
                _ => format!("{f:.*}", prec.unwrap_or(6)),
            };
            (if plus && f >= 0.0 { format!("+{s}") } else { s }, true)
        }
        ('x' | 'X', Val::Int(i)) => {
            let s = if *i < 0 {
                format!("-{:x}", i.unsigned_abs())
            } else {
                format!("{i:x}")
            };
            (if verb == 'X' { s.to_uppercase() } else { s }, true)
        }
        ('x' | 'X', Val::Str(s)) => {
            let h: String = s.bytes().map(|b| format!("{b:02x}")).collect();
            (if verb == 'X' { h.to_uppercase() } else { h }, false)
        }
        ('o', Val::Int(i)) => (format!("{i:o}"), true),
        ('b', Val::Int(i)) => (format!("{i:b}"), true),
        ('c', Val::Int(i)) => (
            u32::try_from(*i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{fffd}')
                .to_string(),
            false,
        ),
        (_, v) => (bad(v), false),
    }
}

/// Go's `fmt.Sprint`: a space between operands when neither is a string.
fn go_sprint(args: &[V]) -> String {
    let mut out = String::new();
    let mut prev_string = true;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(**a, Val::Str(_));
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        write_v(&mut out, a);
        prev_string = is_string;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Functions.

fn arg(args: &[V], i: usize) -> Result<&Val, FnErr> {
    args.get(i).map(|v| &**v).ok_or_else(|| {
        FnErr::Msg(format!(
            "wrong number of args: want at least {}, got {}",
            i + 1,
            args.len()
        ))
    })
}

fn want(args: &[V], n: usize) -> Result<(), FnErr> {
    if args.len() != n {
        return fail(format!("wrong number of args: want {n} got {}", args.len()));
    }
    Ok(())
}

/// A `string` parameter: Go's template refuses anything else, nil included.
fn s_arg(args: &[V], i: usize) -> Result<&str, FnErr> {
    match arg(args, i)? {
        Val::Str(s) => Ok(s),
        Val::Null => fail("wrong type for value; expected string; got interface {} (nil)"),
        v => fail(format!(
            "wrong type for value; expected string; got {}",
            go_type(v)
        )),
    }
}

/// An `int` parameter.
fn i_arg(args: &[V], i: usize) -> Result<i64, FnErr> {
    match arg(args, i)? {
        Val::Int(n) => Ok(*n),
        Val::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => Ok(*f as i64),
        v => fail(format!(
            "wrong type for value; expected int; got {}",
            go_type(v)
        )),
    }
}

/// A `map[string]interface{}` parameter; nil is an empty map, as Go passes a nil map.
fn m_arg(args: &[V], i: usize) -> Result<BTreeMap<String, Val>, FnErr> {
    match arg(args, i)? {
        Val::Map(m) => Ok(m.clone()),
        Val::Null => Ok(BTreeMap::new()),
        v => fail(format!(
            "wrong type for value; expected map[string]interface {{}}; got {}",
            go_type(v)
        )),
    }
}

/// A list parameter (Sprig's functions on lists take `interface{}` and reflect); nil is empty.
fn l_arg(args: &[V], i: usize) -> Result<Vec<Val>, FnErr> {
    match arg(args, i)? {
        Val::List(l) => Ok(l.clone()),
        Val::Null => Ok(Vec::new()),
        v => fail(format!("cannot find on type {}", go_type(v))),
    }
}

/// Sprig's `empty`.
fn empty(v: &Val) -> bool {
    !v.truthy()
}

/// cast.ToInt64, as Sprig's `int`, `add`, … use it: unparsable is 0.
fn to_int(v: &Val) -> i64 {
    match v {
        Val::Int(i) => *i,
        Val::Float(f) if f.is_finite() => *f as i64,
        Val::Bool(b) => i64::from(*b),
        Val::Str(s) => {
            let s = s.trim();
            let s = s.strip_suffix(".0").unwrap_or(s);
            match s.parse::<i64>() {
                Ok(n) => n,
                Err(_) => {
                    let (neg, body) = match s.strip_prefix('-') {
                        Some(b) => (true, b),
                        None => (false, s),
                    };
                    let n = if let Some(h) =
                        body.strip_prefix("0x").or_else(|| body.strip_prefix("0X"))
                    {
                        i64::from_str_radix(h, 16).unwrap_or(0)
                    } else if body.len() > 1 && body.starts_with('0') {
                        i64::from_str_radix(body.get(1..).unwrap_or(""), 8).unwrap_or(0)
                    } else {
                        0
                    };
                    if neg { -n } else { n }
                }
            }
        }
        _ => 0,
    }
}

fn to_float(v: &Val) -> f64 {
    match v {
        Val::Int(i) => *i as f64,
        Val::Float(f) => *f,
        Val::Bool(b) => f64::from(u8::from(*b)),
        Val::Str(s) => s.trim().parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

fn number(v: &Val) -> Option<f64> {
    match v {
        Val::Int(i) => Some(*i as f64),
        Val::Float(f) => Some(*f),
        _ => None,
    }
}

/// Go's `eq` for one pair (numbers compare by value, see the module notes).
fn go_eq(a: &Val, b: &Val) -> Result<bool, FnErr> {
    Ok(match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Null, _) | (_, Val::Null) => false,
        (Val::Int(x), Val::Int(y)) => x == y,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::List(_), Val::List(_)) | (Val::Map(_), Val::Map(_)) => a == b,
        (x, y) => match (number(x), number(y)) {
            (Some(x), Some(y)) => x == y,
            _ => return fail("incompatible types for comparison"),
        },
    })
}

/// Go's `lt` (and the others built on it).
fn go_cmp(a: &Val, b: &Val) -> Result<std::cmp::Ordering, FnErr> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Ok(x.cmp(y)),
        (Val::Str(x), Val::Str(y)) => Ok(x.cmp(y)),
        (x, y) => match (number(x), number(y)) {
            (Some(x), Some(y)) => x
                .partial_cmp(&y)
                .ok_or_else(|| FnErr::Msg("NaN is not ordered".into())),
            _ if matches!(x, Val::Null) || matches!(y, Val::Null) => {
                fail("invalid type for comparison")
            }
            _ => fail("incompatible types for comparison"),
        },
    }
}

/// Go's strings.Title: upper-case the first letter of each word.
fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let sep = if prev.is_ascii() {
                !(prev.is_ascii_alphanumeric() || prev == '_')
            } else {
                prev.is_whitespace()
            };
            prev = c;
            if sep {
                c.to_uppercase().next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// The longest prefix of `s` at most `n` bytes long that ends on a character boundary (Sprig
/// cuts bytes; we never split a character).
fn prefix_bytes(s: &str, n: usize) -> &str {
    let mut n = n.min(s.len());
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    s.get(..n).unwrap_or("")
}

fn suffix_from(s: &str, n: usize) -> &str {
    let mut n = n.min(s.len());
    while !s.is_char_boundary(n) {
        n += 1;
    }
    s.get(n..).unwrap_or("")
}

fn indent(n: i64, s: &str) -> Result<String, FnErr> {
    let n = usize::try_from(n).unwrap_or(0);
    let lines = s.matches('\n').count() + 1;
    if n.saturating_mul(lines).saturating_add(s.len()) > MAX_OUTPUT {
        return fail("result larger than 8 MiB");
    }
    let pad = " ".repeat(n);
    Ok(format!("{pad}{}", s.replace('\n', &format!("\n{pad}"))))
}

/// mergo's deep merge of `src` into `dst` as Sprig's `merge` (fill what `dst` lacks or has
/// empty) and `mergeOverwrite` (src wins, except that a map does not replace a non-empty
/// non-map) use it.
fn merge_into(dst: &mut BTreeMap<String, Val>, src: &BTreeMap<String, Val>, overwrite: bool) {
    for (k, s) in src {
        match (dst.get_mut(k), s) {
            (Some(Val::Map(d)), Val::Map(s)) => merge_into(d, s, overwrite),
            (Some(d), Val::Map(_)) => {
                if empty(d) {
                    *d = s.clone();
                }
            }
            (Some(d), s) => {
                if overwrite || empty(d) {
                    *d = s.clone();
                }
            }
            (None, s) => {
                dst.insert(k.clone(), s.clone());
            }
        }
    }
}

fn b64_encode(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sym = |i: u32| char::from(T.get((i & 63) as usize).copied().unwrap_or(b'='));
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        out.push(if chunk.len() > 1 { sym(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(n) } else { '=' });
    }
    out
}

fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let s = s.as_bytes();
    if !s.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    for chunk in s.chunks(4) {
        let pad = chunk.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 {
            return None;
        }
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n <<= 6;
            if i < 4 - pad {
                n |= val(*c)?;
            }
        }
        let bytes = n.to_be_bytes();
        out.extend(bytes.iter().skip(1).take(3 - pad));
    }
    Some(out)
}

fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend(((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (slot, word) in w.iter_mut().zip(block.chunks_exact(4)) {
            *slot = u32::from_be_bytes(word.try_into().unwrap_or([0; 4]));
        }
        // Constant bounds on a fixed-size array: these indexes cannot fail.
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for (k, wi) in K.iter().zip(w.iter()) {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(*k)
                .wrapping_add(*wi);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

fn regex(pattern: &str) -> Result<regex::Regex, FnErr> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| FnErr::Msg(format!("invalid regular expression: {e}")))
}

fn from_json_value(v: serde_json::Value) -> Val {
    match v {
        serde_json::Value::Null => Val::Null,
        serde_json::Value::Bool(b) => Val::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Val::Int(i),
            None => Val::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Val::Str(s),
        serde_json::Value::Array(a) => Val::List(a.into_iter().map(from_json_value).collect()),
        serde_json::Value::Object(o) => Val::Map(
            o.into_iter()
                .map(|(k, v)| (k, from_json_value(v)))
                .collect(),
        ),
    }
}

/// Helm's `fromYaml` (a map, or `{Error: …}`) and `fromYamlArray`.
fn from_yaml(s: &str, array: bool) -> Val {
    let parsed = crate::sources::yaml::parse(s, crate::sources::yaml::Limits::default());
    let error = |m: &str| map_of([("Error", Val::Str(m.to_string()))]);
    if let Some(p) = parsed
        .problems
        .iter()
        .find(|p| !matches!(p, crate::sources::Problem::DuplicateKey { .. }))
    {
        return error(&p.to_string());
    }
    let root = parsed
        .documents
        .first()
        .map(|d| Val::from_node(&d.root))
        .unwrap_or(Val::Null);
    match (root, array) {
        (Val::Map(m), false) => Val::Map(m),
        (Val::Null, false) => Val::Map(BTreeMap::new()),
        (Val::List(l), true) => Val::List(l),
        (Val::Null, true) => Val::List(Vec::new()),
        (_, false) => {
            error("error unmarshaling JSON: cannot unmarshal into map[string]interface {}")
        }
        (_, true) => Val::List(vec![Val::Str(
            "error unmarshaling JSON: cannot unmarshal into []interface {}".to_string(),
        )]),
    }
}

fn builtin(name: &str, args: &[V]) -> FnResult {
    let s = |x: &str| Ok(Val::Str(x.to_string()));
    match name {
        "default" => {
            let d = arg(args, 0)?;
            Ok(match args.get(1) {
                Some(v) if !empty(v) => (**v).clone(),
                _ => d.clone(),
            })
        }
        "empty" => Ok(Val::Bool(empty(arg(args, 0)?))),
        "coalesce" => Ok(args
            .iter()
            .find(|v| !empty(v))
            .map(|v| (**v).clone())
            .unwrap_or(Val::Null)),
        "all" => Ok(Val::Bool(args.iter().all(|v| !empty(v)))),
        "any" => Ok(Val::Bool(args.iter().any(|v| !empty(v)))),
        "ternary" => {
            want(args, 3)?;
            match arg(args, 2)? {
                Val::Bool(true) => Ok(arg(args, 0)?.clone()),
                Val::Bool(false) => Ok(arg(args, 1)?.clone()),
                v => fail(format!(
                    "wrong type for value; expected bool; got {}",
                    go_type(v)
                )),
            }
        }
        "not" => {
            want(args, 1)?;
            Ok(Val::Bool(!arg(args, 0)?.truthy()))
        }
        "eq" => {
            let a = arg(args, 0)?;
            if args.len() < 2 {
                return fail("missing argument for comparison");
            }
            for b in args.iter().skip(1) {
                if go_eq(a, b)? {
                    return Ok(Val::Bool(true));
                }
            }
            Ok(Val::Bool(false))
        }
        "ne" => {
            want(args, 2)?;
            Ok(Val::Bool(!go_eq(arg(args, 0)?, arg(args, 1)?)?))
        }
        "lt" | "le" | "gt" | "ge" => {
            want(args, 2)?;
            let o = go_cmp(arg(args, 0)?, arg(args, 1)?)?;
            use std::cmp::Ordering::*;
            Ok(Val::Bool(match name {
                "lt" => o == Less,
                "le" => o != Greater,
                "gt" => o == Greater,
                _ => o != Less,
            }))
        }
        "quote" => Ok(Val::Str(
            args.iter()
                .filter(|v| ***v != Val::Null)
                .map(|v| go_quote(&strval(v)))
                .collect::<Vec<_>>()
                .join(" "),
        )),
        "squote" => Ok(Val::Str(
            args.iter()
                .filter(|v| ***v != Val::Null)
                .map(|v| format!("'{}'", strval(v)))
                .collect::<Vec<_>>()
                .join(" "),
        )),
        "cat" => Ok(Val::Str(
            args.iter()
                .filter(|v| ***v != Val::Null)
                .map(|v| strval(v))
                .collect::<Vec<_>>()
                .join(" "),
        )),
        "print" => Ok(Val::Str(go_sprint(args))),
        "println" => {
            let parts: Vec<String> = args.iter().map(|v| fmt_v(v)).collect();
            Ok(Val::Str(parts.join(" ") + "\n"))
        }
        "printf" => Ok(Val::Str(go_sprintf(
            s_arg(args, 0)?,
            args.get(1..).unwrap_or(&[]),
        ))),
        "toString" => Ok(Val::Str(strval(arg(args, 0)?))),
        "toStrings" => Ok(Val::List(
            strslice(arg(args, 0)?).into_iter().map(Val::Str).collect(),
        )),
        "toYaml" | "mustToYaml" => Ok(Val::Str(to_yaml(arg(args, 0)?))),
        "toJson" | "mustToJson" | "toRawJson" | "mustToRawJson" | "toPrettyJson"
        | "mustToPrettyJson" => {
            let mut out = String::new();
            let pretty = name.contains("Pretty");
            let html = !name.contains("Raw");
            match write_json(&mut out, arg(args, 0)?, html, pretty.then_some(0)) {
                Ok(()) => Ok(Val::Str(out)),
                Err(()) if name.starts_with("must") => fail("json: unsupported value"),
                Err(()) => s(""),
            }
        }
        "fromYaml" => Ok(from_yaml(s_arg(args, 0)?, false)),
        "fromYamlArray" => Ok(from_yaml(s_arg(args, 0)?, true)),
        "fromJson" | "mustFromJson" => Ok(match serde_json::from_str(s_arg(args, 0)?) {
            Ok(v @ serde_json::Value::Object(_)) => from_json_value(v),
            Ok(_) | Err(_) if name == "mustFromJson" => return fail("invalid JSON"),
            Ok(_) | Err(_) => map_of([("Error", Val::Str("invalid JSON".into()))]),
        }),
        "fromJsonArray" => Ok(match serde_json::from_str(s_arg(args, 0)?) {
            Ok(v @ serde_json::Value::Array(_)) => from_json_value(v),
            _ => Val::List(vec![Val::Str("invalid JSON".into())]),
        }),
        "indent" => Ok(Val::Str(indent(i_arg(args, 0)?, s_arg(args, 1)?)?)),
        "nindent" => Ok(Val::Str(format!(
            "\n{}",
            indent(i_arg(args, 0)?, s_arg(args, 1)?)?
        ))),
        "trim" => s(s_arg(args, 0)?.trim()),
        "trimAll" => {
            let cut = s_arg(args, 0)?;
            s(s_arg(args, 1)?.trim_matches(|c| cut.contains(c)))
        }
        "trimSuffix" => {
            let suffix = s_arg(args, 0)?;
            let v = s_arg(args, 1)?;
            s(v.strip_suffix(suffix).unwrap_or(v))
        }
        "trimPrefix" => {
            let prefix = s_arg(args, 0)?;
            let v = s_arg(args, 1)?;
            s(v.strip_prefix(prefix).unwrap_or(v))
        }
        "trunc" => {
            let c = i_arg(args, 0)?;
            let v = s_arg(args, 1)?;
            let n = usize::try_from(c.unsigned_abs()).unwrap_or(usize::MAX);
            if c < 0 && v.len() > n {
                s(suffix_from(v, v.len() - n))
            } else if c >= 0 && v.len() > n {
                s(prefix_bytes(v, n))
            } else {
                s(v)
            }
        }
        "lower" => s(&s_arg(args, 0)?.to_lowercase()),
        "upper" => s(&s_arg(args, 0)?.to_uppercase()),
        "title" => s(&title(s_arg(args, 0)?)),
        "untitle" => {
            let v = s_arg(args, 0)?;
            let mut prev = ' ';
            s(&v.chars()
                .map(|c| {
                    let first = prev.is_whitespace();
                    prev = c;
                    if first {
                        c.to_lowercase().next().unwrap_or(c)
                    } else {
                        c
                    }
                })
                .collect::<String>())
        }
        "replace" => {
            let (old, new, v) = (s_arg(args, 0)?, s_arg(args, 1)?, s_arg(args, 2)?);
            if old.is_empty() && new.len().saturating_mul(v.len() + 1) > MAX_OUTPUT {
                return fail("result larger than 8 MiB");
            }
            s(&v.replace(old, new))
        }
        "contains" => Ok(Val::Bool(s_arg(args, 1)?.contains(s_arg(args, 0)?))),
        "hasPrefix" => Ok(Val::Bool(s_arg(args, 1)?.starts_with(s_arg(args, 0)?))),
        "hasSuffix" => Ok(Val::Bool(s_arg(args, 1)?.ends_with(s_arg(args, 0)?))),
        "repeat" => {
            let n = usize::try_from(i_arg(args, 0)?).unwrap_or(0);
            let v = s_arg(args, 1)?;
            if n.saturating_mul(v.len()) > MAX_OUTPUT {
                return fail("result larger than 8 MiB");
            }
            s(&v.repeat(n))
        }
        "substr" => {
            let (start, end, v) = (i_arg(args, 0)?, i_arg(args, 1)?, s_arg(args, 2)?);
            let clamp = |i: i64| usize::try_from(i).unwrap_or(0).min(v.len());
            if start < 0 {
                s(prefix_bytes(v, clamp(end)))
            } else if end < 0 || end as u64 > v.len() as u64 {
                s(suffix_from(v, clamp(start)))
            } else if start > end {
                fail("slice bounds out of range")
            } else {
                let head = prefix_bytes(v, clamp(end));
                s(suffix_from(head, clamp(start)))
            }
        }
        "nospace" => s(&s_arg(args, 0)?
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()),
        "b64enc" => s(&b64_encode(s_arg(args, 0)?.as_bytes())),
        "b64dec" => match b64_decode(s_arg(args, 0)?) {
            Some(b) => s(&String::from_utf8_lossy(&b)),
            None => s("illegal base64 data"),
        },
        "sha256sum" => s(&sha256_hex(s_arg(args, 0)?.as_bytes())),
        "join" => {
            let sep = s_arg(args, 0)?;
            s(&strslice(arg(args, 1)?).join(sep))
        }
        "splitList" => Ok(Val::List(
            s_arg(args, 1)?
                .split(s_arg(args, 0)?)
                .map(|p| Val::Str(p.to_string()))
                .collect(),
        )),
        "split" => Ok(Val::Map(
            s_arg(args, 1)?
                .split(s_arg(args, 0)?)
                .enumerate()
                .map(|(i, p)| (format!("_{i}"), Val::Str(p.to_string())))
                .collect(),
        )),
        "list" => Ok(Val::List(args.iter().map(|v| (**v).clone()).collect())),
        "dict" => {
            let mut m = BTreeMap::new();
            for pair in args.chunks(2) {
                let k = pair.first().map(|k| strval(k)).unwrap_or_default();
                let v = pair
                    .get(1)
                    .map(|v| (**v).clone())
                    .unwrap_or(Val::Str(String::new()));
                m.insert(k, v);
            }
            Ok(Val::Map(m))
        }
        "set" => {
            want(args, 3)?;
            let mut m = m_arg(args, 0)?;
            m.insert(s_arg(args, 1)?.to_string(), arg(args, 2)?.clone());
            Ok(Val::Map(m))
        }
        "unset" => {
            let mut m = m_arg(args, 0)?;
            m.remove(s_arg(args, 1)?);
            Ok(Val::Map(m))
        }
        "hasKey" => Ok(Val::Bool(m_arg(args, 0)?.contains_key(s_arg(args, 1)?))),
        "get" => Ok(m_arg(args, 0)?
            .get(s_arg(args, 1)?)
            .cloned()
            .unwrap_or(Val::Str(String::new()))),
        "keys" => {
            let mut out = Vec::new();
            for i in 0..args.len() {
                out.extend(m_arg(args, i)?.into_keys().map(Val::Str));
            }
            Ok(Val::List(out))
        }
        "values" => Ok(Val::List(m_arg(args, 0)?.into_values().collect())),
        "pick" | "omit" => {
            let m = m_arg(args, 0)?;
            let names: Vec<String> = args.iter().skip(1).map(|v| strval(v)).collect();
            Ok(Val::Map(
                m.into_iter()
                    .filter(|(k, _)| names.contains(k) == (name == "pick"))
                    .collect(),
            ))
        }
        "pluck" => {
            let key = s_arg(args, 0)?;
            let mut out = Vec::new();
            for i in 1..args.len() {
                if let Some(v) = m_arg(args, i)?.get(key) {
                    out.push(v.clone());
                }
            }
            Ok(Val::List(out))
        }
        "dig" => {
            if args.len() < 3 {
                return fail("dig needs at least three arguments");
            }
            let (keys, rest) = args.split_at(args.len() - 2);
            let default = rest.first().map(|v| (**v).clone()).unwrap_or(Val::Null);
            let mut cur = rest.get(1).map(|v| (**v).clone()).unwrap_or(Val::Null);
            for k in keys {
                let k = strval(k);
                cur = match cur {
                    Val::Map(mut m) => match m.remove(&k) {
                        Some(v) => v,
                        None => return Ok(default),
                    },
                    _ => return Ok(default),
                };
            }
            Ok(cur)
        }
        "merge" | "mustMerge" | "mergeOverwrite" | "mustMergeOverwrite" => {
            let mut dst = m_arg(args, 0)?;
            for i in 1..args.len() {
                merge_into(&mut dst, &m_arg(args, i)?, name.contains("Overwrite"));
            }
            Ok(Val::Map(dst))
        }
        "deepCopy" | "mustDeepCopy" => Ok(arg(args, 0)?.clone()),
        "first" | "mustFirst" => Ok(l_arg(args, 0)?.into_iter().next().unwrap_or(Val::Null)),
        "last" | "mustLast" => Ok(l_arg(args, 0)?.pop().unwrap_or(Val::Null)),
        "rest" | "mustRest" => Ok(Val::List(l_arg(args, 0)?.into_iter().skip(1).collect())),
        "initial" | "mustInitial" => {
            let mut l = l_arg(args, 0)?;
            l.pop();
            Ok(Val::List(l))
        }
        "append" | "push" | "mustAppend" | "mustPush" => {
            let mut l = l_arg(args, 0)?;
            l.push(arg(args, 1)?.clone());
            Ok(Val::List(l))
        }
        "prepend" | "mustPrepend" => {
            let mut l = l_arg(args, 0)?;
            l.insert(0, arg(args, 1)?.clone());
            Ok(Val::List(l))
        }
        "concat" => {
            let mut out = Vec::new();
            for i in 0..args.len() {
                out.extend(l_arg(args, i)?);
            }
            Ok(Val::List(out))
        }
        "reverse" | "mustReverse" => {
            let mut l = l_arg(args, 0)?;
            l.reverse();
            Ok(Val::List(l))
        }
        "uniq" | "mustUniq" => {
            let mut out: Vec<Val> = Vec::new();
            for v in l_arg(args, 0)? {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            Ok(Val::List(out))
        }
        "compact" | "mustCompact" => Ok(Val::List(
            l_arg(args, 0)?.into_iter().filter(|v| !empty(v)).collect(),
        )),
        "without" | "mustWithout" => {
            let l = l_arg(args, 0)?;
            let drop: Vec<&Val> = args.iter().skip(1).map(|v| &**v).collect();
            Ok(Val::List(
                l.into_iter().filter(|v| !drop.contains(&v)).collect(),
            ))
        }
        "has" | "mustHas" => {
            let needle = arg(args, 0)?;
            Ok(Val::Bool(l_arg(args, 1)?.contains(needle)))
        }
        "sortAlpha" => {
            let mut l = strslice(arg(args, 0)?);
            l.sort();
            Ok(Val::List(l.into_iter().map(Val::Str).collect()))
        }
        "until" | "untilStep" => {
            let (start, stop, step) = if name == "until" {
                let n = i_arg(args, 0)?;
                (0, n, if n < 0 { -1 } else { 1 })
            } else {
                (i_arg(args, 0)?, i_arg(args, 1)?, i_arg(args, 2)?)
            };
            let mut out = Vec::new();
            let mut i = start;
            while step != 0 && ((step > 0 && i < stop) || (step < 0 && i > stop)) {
                if out.len() >= MAX_RANGE {
                    return fail(format!("more than {MAX_RANGE} items"));
                }
                out.push(Val::Int(i));
                i = i.saturating_add(step);
            }
            Ok(Val::List(out))
        }
        "len" => match arg(args, 0)? {
            Val::Str(x) => Ok(Val::Int(x.len() as i64)),
            Val::List(l) => Ok(Val::Int(l.len() as i64)),
            Val::Map(m) => Ok(Val::Int(m.len() as i64)),
            Val::Null => fail("len of nil pointer"),
            v => fail(format!("len of type {}", go_type(v))),
        },
        "index" => {
            let mut cur = arg(args, 0)?.clone();
            for ix in args.iter().skip(1) {
                cur = match (cur, &**ix) {
                    (Val::Map(mut m), Val::Str(k)) => m.remove(k).unwrap_or(Val::Null),
                    (Val::List(l), Val::Int(i)) => {
                        match usize::try_from(*i).ok().and_then(|i| l.get(i)) {
                            Some(v) => v.clone(),
                            None => return fail(format!("index out of range: {i}")),
                        }
                    }
                    (Val::Null, _) => return fail("index of untyped nil"),
                    (c, ix) => {
                        return fail(format!("cannot index {} with {}", go_type(&c), go_type(ix)));
                    }
                };
            }
            Ok(cur)
        }
        "slice" => {
            let item = arg(args, 0)?;
            let ix: Vec<i64> = args.iter().skip(1).map(|v| to_int(v)).collect();
            let len = match item {
                Val::List(l) => l.len(),
                Val::Str(x) => x.len(),
                v => return fail(format!("can't slice item of type {}", go_type(v))),
            };
            let at = |k: usize, d: usize| {
                ix.get(k)
                    .map(|&i| usize::try_from(i).unwrap_or(usize::MAX))
                    .unwrap_or(d)
            };
            let (from, to) = (at(0, 0), at(1, len));
            if from > to || to > len {
                return fail("slice index out of range");
            }
            Ok(match item {
                Val::List(l) => Val::List(l.get(from..to).unwrap_or(&[]).to_vec()),
                Val::Str(x) => Val::Str(x.get(from..to).unwrap_or("").to_string()),
                _ => Val::Null,
            })
        }
        "int" | "int64" => Ok(Val::Int(to_int(arg(args, 0)?))),
        "float64" => Ok(Val::Float(to_float(arg(args, 0)?))),
        "atoi" => Ok(Val::Int(s_arg(args, 0)?.trim().parse().unwrap_or(0))),
        "add" => Ok(Val::Int(
            args.iter().fold(0i64, |a, v| a.wrapping_add(to_int(v))),
        )),
        "add1" => Ok(Val::Int(to_int(arg(args, 0)?).wrapping_add(1))),
        "sub" => Ok(Val::Int(
            to_int(arg(args, 0)?).wrapping_sub(to_int(arg(args, 1)?)),
        )),
        "mul" => Ok(Val::Int(
            args.iter().fold(1i64, |a, v| a.wrapping_mul(to_int(v))),
        )),
        "div" | "mod" => {
            let (a, b) = (to_int(arg(args, 0)?), to_int(arg(args, 1)?));
            if b == 0 {
                return fail("integer divide by zero");
            }
            Ok(Val::Int(if name == "div" {
                a.wrapping_div(b)
            } else {
                a.wrapping_rem(b)
            }))
        }
        "max" | "min" => {
            let first = to_int(arg(args, 0)?);
            Ok(Val::Int(args.iter().skip(1).map(|v| to_int(v)).fold(
                first,
                |a, b| {
                    if name == "max" { a.max(b) } else { a.min(b) }
                },
            )))
        }
        "addf" => Ok(Val::Float(args.iter().map(|v| to_float(v)).sum())),
        "mulf" => Ok(Val::Float(args.iter().map(|v| to_float(v)).product())),
        "subf" | "divf" => {
            let first = to_float(arg(args, 0)?);
            Ok(Val::Float(args.iter().skip(1).map(|v| to_float(v)).fold(
                first,
                |a, b| {
                    if name == "subf" { a - b } else { a / b }
                },
            )))
        }
        "maxf" | "minf" => {
            let first = to_float(arg(args, 0)?);
            Ok(Val::Float(args.iter().skip(1).map(|v| to_float(v)).fold(
                first,
                |a, b| {
                    if name == "maxf" { a.max(b) } else { a.min(b) }
                },
            )))
        }
        "ceil" => Ok(Val::Float(to_float(arg(args, 0)?).ceil())),
        "floor" => Ok(Val::Float(to_float(arg(args, 0)?).floor())),
        "round" => {
            let (a, p) = (
                to_float(arg(args, 0)?),
                to_int(arg(args, 1)?).clamp(-300, 300),
            );
            let r = args.get(2).map(|v| to_float(v)).unwrap_or(0.5);
            let pow = 10f64.powi(p as i32);
            let digit = a * pow;
            let (int, frac) = (digit.trunc(), digit.fract());
            let rounded = if frac.abs() >= r {
                int + frac.signum()
            } else {
                int
            };
            Ok(Val::Float(rounded / pow))
        }
        "kindOf" => s(go_kind(arg(args, 0)?)),
        "typeOf" => s(go_type(arg(args, 0)?)),
        "kindIs" | "typeIs" | "typeIsLike" => {
            let want_kind = s_arg(args, 0)?;
            let v = arg(args, 1)?;
            let actual = if name == "kindIs" {
                go_kind(v)
            } else {
                go_type(v)
            };
            // Numbers from values are float64 in Helm but ints from functions are int: accept
            // any numeric name for an integer, which we cannot tell apart.
            let numeric = matches!(v, Val::Int(_))
                && matches!(
                    want_kind,
                    "int" | "int64" | "int32" | "float64" | "*int" | "*int64"
                );
            let like = name == "typeIsLike" && want_kind.strip_prefix('*') == Some(actual);
            Ok(Val::Bool(want_kind == actual || numeric || like))
        }
        "semver" => {
            let v = parse_version(s_arg(args, 0)?)
                .ok_or_else(|| FnErr::Msg("invalid semantic version".into()))?;
            Ok(map_of([
                ("Major", Val::Int(v.major as i64)),
                ("Minor", Val::Int(v.minor as i64)),
                ("Patch", Val::Int(v.patch as i64)),
                ("Prerelease", Val::Str(v.pre.join("."))),
                ("Metadata", Val::Str(v.meta.clone())),
                ("Original", Val::Str(s_arg(args, 0)?.to_string())),
            ]))
        }
        "semverCompare" => {
            let (c, v) = (s_arg(args, 0)?, s_arg(args, 1)?);
            let v = parse_version(v)
                .ok_or_else(|| FnErr::Msg(format!("invalid semantic version `{v}`")))?;
            Ok(Val::Bool(semver_matches(c, &v)?))
        }
        "regexMatch" | "mustRegexMatch" => {
            Ok(Val::Bool(regex(s_arg(args, 0)?)?.is_match(s_arg(args, 1)?)))
        }
        "regexFind" | "mustRegexFind" => s(regex(s_arg(args, 0)?)?
            .find(s_arg(args, 1)?)
            .map(|m| m.as_str())
            .unwrap_or("")),
        "regexFindAll" | "mustRegexFindAll" => {
            let n = i_arg(args, 2)?;
            let re = regex(s_arg(args, 0)?)?;
            let limit = usize::try_from(n).unwrap_or(usize::MAX);
            Ok(Val::List(
                re.find_iter(s_arg(args, 1)?)
                    .take(limit)
                    .map(|m| Val::Str(m.as_str().to_string()))
                    .collect(),
            ))
        }
        "regexReplaceAll" | "mustRegexReplaceAll" => {
            let re = regex(s_arg(args, 0)?)?;
            s(&re.replace_all(s_arg(args, 1)?, s_arg(args, 2)?))
        }
        "regexReplaceAllLiteral" | "mustRegexReplaceAllLiteral" => {
            let re = regex(s_arg(args, 0)?)?;
            s(&re.replace_all(s_arg(args, 1)?, regex::NoExpand(s_arg(args, 2)?)))
        }
        "regexSplit" | "mustRegexSplit" => {
            let re = regex(s_arg(args, 0)?)?;
            let n = i_arg(args, 2)?;
            let v = s_arg(args, 1)?;
            let parts: Vec<Val> = if n < 0 {
                re.split(v).map(|p| Val::Str(p.to_string())).collect()
            } else {
                re.splitn(v, usize::try_from(n).unwrap_or(0))
                    .map(|p| Val::Str(p.to_string()))
                    .collect()
            };
            Ok(Val::List(parts))
        }
        // Random in Helm; a placeholder of the right shape is as good for linting.
        "randAlphaNum" | "randAlpha" | "randAscii" | "randNumeric" => {
            let n = usize::try_from(i_arg(args, 0)?).unwrap_or(0).min(4096);
            s(&(if name == "randNumeric" { "0" } else { "x" }).repeat(n))
        }
        "uuidv4" => s("00000000-0000-4000-8000-000000000000"),
        _ => Err(FnErr::Unknown),
    }
}

// ---------------------------------------------------------------------------------------------
// toYaml: sigs.k8s.io/yaml marshals to JSON, reads that back with go-yaml v2 and prints it with
// go-yaml v2's emitter (a port of libyaml's). So: integers as integers, floats as Go's 'g'; map
// keys sorted by go-yaml's key order; block style with sequences not indented under their key;
// strings plain unless they would read back as something else (double-quoted) or plain is not
// allowed (single-quoted), multi-line strings as literal blocks; lines folded at spaces past
// column 80.

const YAML_WIDTH: usize = 80;

fn to_yaml(v: &Val) -> String {
    let mut y = YamlOut { out: String::new() };
    match v {
        Val::Map(m) if !m.is_empty() => y.map(m, 0, false),
        Val::List(l) if !l.is_empty() => y.seq(l, 0, false),
        v => y.scalar(v, 2),
    }
    // go-yaml ends the document with a newline (a literal block already has its own), and
    // Helm's toYaml trims that one newline.
    if y.out.ends_with('\n') {
        y.out.pop();
    }
    y.out
}

/// go-yaml v2's map key order: runs of digits compare as numbers, and a non-letter sorts
/// before a letter.
fn yaml_key_less(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    for i in 0..ar.len().min(br.len()) {
        let (ca, cb) = match (ar.get(i), br.get(i)) {
            (Some(x), Some(y)) => (*x, *y),
            _ => break,
        };
        if ca == cb {
            continue;
        }
        let (al, bl) = (ca.is_alphabetic(), cb.is_alphabetic());
        if al && bl {
            return ca.cmp(&cb);
        }
        if al || bl {
            return if bl {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ca == '0' || cb == '0' {
            let mut j = i;
            while j > 0 {
                j -= 1;
                match ar.get(j) {
                    Some(c) if c.is_ascii_digit() => {
                        if *c != '0' {
                            an = 1;
                            bn = 1;
                            break;
                        }
                    }
                    _ => break,
                }
            }
        }
        let mut ai = i;
        while let Some(d) = ar.get(ai).and_then(|c| c.to_digit(10)) {
            an = an.saturating_mul(10).saturating_add(i64::from(d));
            ai += 1;
        }
        let mut bi = i;
        while let Some(d) = br.get(bi).and_then(|c| c.to_digit(10)) {
            bn = bn.saturating_mul(10).saturating_add(i64::from(d));
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ca.cmp(&cb);
    }
    ar.len().cmp(&br.len())
}

/// Whether go-yaml v2 reads `s`, unquoted, as a string (not null, bool, number, timestamp).
fn plain_is_str(s: &str) -> bool {
    const SPECIAL: [&str; 38] = [
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null",
        "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf",
    ];
    if SPECIAL.contains(&s) || s == "-.INF" {
        return false;
    }
    match s.as_bytes().first() {
        Some(b'.') => !is_go_float(s),
        Some(b'+' | b'-' | b'0'..=b'9') => {
            let plain: String = s.chars().filter(|c| *c != '_').collect();
            !(is_timestamp(s) || is_go_int(&plain) || is_yaml_float(&plain) || is_base60(s))
        }
        _ => true,
    }
}

/// Go's strconv.ParseInt(s, 0, 64) or ParseUint accepts `s` (syntax only; an overflowing
/// decimal still matches the float pattern).
fn is_go_int(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let all = |t: &str, f: fn(&char) -> bool| !t.is_empty() && t.chars().all(|c| f(&c));
    if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        return all(h, char::is_ascii_hexdigit);
    }
    if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        return all(b, |c| matches!(c, '0' | '1'));
    }
    if let Some(o) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        return all(o, |c| matches!(c, '0'..='7'));
    }
    if body.starts_with('0') {
        return body.chars().all(|c| matches!(c, '0'..='7'));
    }
    all(body, char::is_ascii_digit)
}

/// go-yaml's float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mant, exp) = match b.find(['e', 'E']) {
        Some(i) => (b.get(..i).unwrap_or(""), Some(b.get(i + 1..).unwrap_or(""))),
        None => (b, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    let mant_ok = match mant.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mant),
    };
    let exp_ok = exp.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mant_ok && exp_ok
}

/// Go's strconv.ParseFloat accepts `s`, which starts with `.`.
fn is_go_float(s: &str) -> bool {
    is_yaml_float(s)
}

/// go-yaml v2's base-60 float pattern, which it also quotes: `1:20`, `-190:20:30.15`.
fn is_base60(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (head, frac) = match b.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (b, None),
    };
    let mut parts = head.split(':');
    let first = parts.next().unwrap_or("");
    let first_ok = first.starts_with(|c: char| c.is_ascii_digit())
        && first.chars().all(|c| c.is_ascii_digit() || c == '_');
    let mut rest = 0;
    for p in parts {
        let ok = (1..=2).contains(&p.len())
            && p.chars().all(|c| c.is_ascii_digit())
            && (p.len() == 1 || p.starts_with(|c: char| ('0'..='5').contains(&c)));
        if !ok {
            return false;
        }
        rest += 1;
    }
    first_ok && rest > 0 && frac.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit() || c == '_'))
}

/// go-yaml v2's timestamps (`2006-1-2`, with a time after `T`/`t` and a zone, or after a space
/// without one); approximate but strict enough not to catch ordinary strings.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b.iter().take(4).all(u8::is_ascii_digit) || b.get(4) != Some(&b'-') {
        return false;
    }
    let mut p = 5;
    let num = |p: &mut usize, max: usize| -> Option<u32> {
        let start = *p;
        while *p - start < max && b.get(*p).is_some_and(u8::is_ascii_digit) {
            *p += 1;
        }
        if *p == start {
            return None;
        }
        s.get(start..*p)?.parse().ok()
    };
    let month = num(&mut p, 2);
    if b.get(p) != Some(&b'-') {
        return false;
    }
    p += 1;
    let day = num(&mut p, 2);
    if !matches!(month, Some(1..=12)) || !matches!(day, Some(1..=31)) {
        return false;
    }
    let sep = b.get(p).copied();
    if sep.is_none() {
        return true;
    }
    if !matches!(sep, Some(b'T' | b't' | b' ')) {
        return false;
    }
    p += 1;
    for (i, max) in [(0, 23), (1, 59), (2, 59)] {
        if i > 0 {
            if b.get(p) != Some(&b':') {
                return false;
            }
            p += 1;
        }
        if num(&mut p, 2).is_none_or(|n| n > max) {
            return false;
        }
    }
    if b.get(p) == Some(&b'.') {
        p += 1;
        while b.get(p).is_some_and(u8::is_ascii_digit) {
            p += 1;
        }
    }
    let zone = s.get(p..).unwrap_or("");
    if sep == Some(b' ') {
        return zone.is_empty();
    }
    zone == "Z" || {
        let z = zone.as_bytes();
        z.len() == 6
            && matches!(z.first(), Some(b'+' | b'-'))
            && z.get(3) == Some(&b':')
            && [1, 2, 4, 5]
                .iter()
                .all(|i| z.get(*i).is_some_and(u8::is_ascii_digit))
    }
}

fn yaml_printable(c: char) -> bool {
    matches!(c as u32, 0x0A | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
        && c != '\u{feff}'
}

fn yaml_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// libyaml's yaml_emitter_analyze_scalar and select_scalar_style, for block context.
fn yaml_style(s: &str, key: bool) -> Style {
    let requested = if s.contains('\n') {
        Style::Literal
    } else if !plain_is_str(s) || is_base60(s) {
        Style::Double
    } else {
        Style::Plain
    };
    let chars: Vec<char> = s.chars().collect();
    let (mut block_ind, mut special) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break, mut line_breaks) = (false, false, false);
    let (mut prev_space, mut prev_break) = (false, false);
    if s.starts_with("---") || s.starts_with("...") {
        block_ind = true;
    }
    let blankz = |c: Option<&char>| c.is_none_or(|c| *c == ' ' || *c == '\t' || yaml_break(*c));
    let mut preceded_by_ws = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = blankz(chars.get(i + 1));
        if i == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(c) {
                block_ind = true;
            }
            if (c == '?' || c == ':') && followed_by_ws {
                block_ind = true;
            }
            if c == '-' && followed_by_ws {
                block_ind = true;
            }
        } else {
            if c == ':' && followed_by_ws {
                block_ind = true;
            }
            if c == '#' && preceded_by_ws {
                block_ind = true;
            }
        }
        if !yaml_printable(c) {
            special = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i + 1 == chars.len();
            break_space |= prev_break;
            prev_space = true;
            prev_break = false;
        } else if yaml_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= i + 1 == chars.len();
            space_break |= prev_space;
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_by_ws = blankz(Some(&c));
    }
    let mut plain_ok = !(leading_space || leading_break || trailing_space || trailing_break);
    let mut single_ok = true;
    let mut block_ok = !trailing_space;
    if break_space {
        plain_ok = false;
        single_ok = false;
    }
    if space_break || special {
        plain_ok = false;
        single_ok = false;
        block_ok = false;
    }
    if line_breaks || block_ind {
        plain_ok = false;
    }
    let mut style = requested;
    if style == Style::Plain && (!plain_ok || (s.is_empty() && key)) {
        style = Style::Single;
    }
    if style == Style::Single && !single_ok {
        style = Style::Double;
    }
    if style == Style::Literal && (!block_ok || key) {
        style = Style::Double;
    }
    style
}

struct YamlOut {
    out: String,
}

impl YamlOut {
    fn column(&self) -> usize {
        let line = match self.out.rfind('\n') {
            Some(i) => self.out.get(i + 1..).unwrap_or(""),
            None => &self.out,
        };
        line.chars().count()
    }

    fn line(&mut self, indent: usize) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.out.extend(std::iter::repeat_n(' ', indent));
    }

    /// A mapping with keys at `indent`; `inline` continues the current line (after `- `).
    fn map(&mut self, m: &BTreeMap<String, Val>, indent: usize, inline: bool) {
        let mut entries: Vec<(&String, &Val)> = m.iter().collect();
        entries.sort_by(|a, b| yaml_key_less(a.0, b.0));
        for (i, (k, v)) in entries.into_iter().enumerate() {
            if i > 0 || !inline {
                self.line(indent);
            }
            self.string(k, indent + 2, true);
            self.out.push(':');
            match v {
                Val::Map(m) if !m.is_empty() => self.map(m, indent + 2, false),
                // go-yaml v2 does not indent a sequence under its key.
                Val::List(l) if !l.is_empty() => self.seq(l, indent, false),
                v => {
                    self.out.push(' ');
                    self.scalar(v, indent + 2);
                }
            }
        }
    }

    fn seq(&mut self, l: &[Val], indent: usize, inline: bool) {
        for (i, v) in l.iter().enumerate() {
            if i > 0 || !inline {
                self.line(indent);
            }
            self.out.push_str("- ");
            match v {
                Val::Map(m) if !m.is_empty() => self.map(m, indent + 2, true),
                Val::List(l) if !l.is_empty() => self.seq(l, indent + 2, true),
                v => self.scalar(v, indent + 2),
            }
        }
    }

    /// A scalar (or empty collection); `indent` is where its continuation lines go.
    fn scalar(&mut self, v: &Val, indent: usize) {
        match v {
            Val::Null => self.out.push_str("null"),
            Val::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Val::Int(i) => {
                let _ = write!(self.out, "{i}");
            }
            // JSON prints an integral float as an integer, which go-yaml then reads as one.
            Val::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => {
                let _ = write!(self.out, "{}", *f as i64);
            }
            Val::Float(f) => self.out.push_str(&go_float(*f)),
            Val::Str(s) => self.string(s, indent, false),
            Val::Map(_) => self.out.push_str("{}"),
            Val::List(_) => self.out.push_str("[]"),
        }
    }

    fn string(&mut self, s: &str, indent: usize, key: bool) {
        let breaks = !key;
        let chars: Vec<char> = s.chars().collect();
        let mut col = self.column();
        let last = chars.len().saturating_sub(1);
        match yaml_style(s, key) {
            Style::Plain => {
                let mut spaces = false;
                for (i, &c) in chars.iter().enumerate() {
                    if c == ' ' {
                        if breaks && !spaces && col > YAML_WIDTH && chars.get(i + 1) != Some(&' ') {
                            self.line(indent);
                            col = indent;
                        } else {
                            self.out.push(' ');
                            col += 1;
                        }
                        spaces = true;
                    } else {
                        self.out.push(c);
                        col += 1;
                        spaces = false;
                    }
                }
            }
            Style::Single => {
                self.out.push('\'');
                col += 1;
                let mut spaces = false;
                for (i, &c) in chars.iter().enumerate() {
                    if c == ' ' {
                        if breaks
                            && !spaces
                            && col > YAML_WIDTH
                            && i != 0
                            && i != last
                            && chars.get(i + 1) != Some(&' ')
                        {
                            self.line(indent);
                            col = indent;
                        } else {
                            self.out.push(' ');
                            col += 1;
                        }
                        spaces = true;
                    } else {
                        if c == '\'' {
                            self.out.push('\'');
                            col += 1;
                        }
                        self.out.push(c);
                        col += 1;
                        spaces = false;
                    }
                }
                self.out.push('\'');
            }
            Style::Double => {
                self.out.push('"');
                col += 1;
                let mut spaces = false;
                for (i, &c) in chars.iter().enumerate() {
                    if !yaml_printable(c) || yaml_break(c) || c == '"' || c == '\\' {
                        let esc = match c {
                            '\0' => "0".to_string(),
                            '\u{7}' => "a".into(),
                            '\u{8}' => "b".into(),
                            '\t' => "t".into(),
                            '\n' => "n".into(),
                            '\u{b}' => "v".into(),
                            '\u{c}' => "f".into(),
                            '\r' => "r".into(),
                            '\u{1b}' => "e".into(),
                            '"' => "\"".into(),
                            '\\' => "\\".into(),
                            '\u{85}' => "N".into(),
                            '\u{a0}' => "_".into(),
                            '\u{2028}' => "L".into(),
                            '\u{2029}' => "P".into(),
                            c if (c as u32) <= 0xFF => format!("x{:02X}", c as u32),
                            c if (c as u32) <= 0xFFFF => format!("u{:04X}", c as u32),
                            c => format!("U{:08X}", c as u32),
                        };
                        self.out.push('\\');
                        self.out.push_str(&esc);
                        col += 1 + esc.chars().count();
                        spaces = false;
                    } else if c == ' ' {
                        if breaks && !spaces && col > YAML_WIDTH && i != 0 && i != last {
                            self.line(indent);
                            col = indent;
                            if chars.get(i + 1) == Some(&' ') {
                                self.out.push('\\');
                                col += 1;
                            }
                        } else {
                            self.out.push(' ');
                            col += 1;
                        }
                        spaces = true;
                    } else {
                        self.out.push(c);
                        col += 1;
                        spaces = false;
                    }
                }
                self.out.push('"');
            }
            Style::Literal => {
                self.out.push('|');
                if chars.first().is_some_and(|c| *c == ' ' || yaml_break(*c)) {
                    self.out.push('2');
                }
                let ends_break = chars.last().is_some_and(|c| yaml_break(*c));
                let keep = ends_break
                    && (chars.len() == 1
                        || chars
                            .get(last.wrapping_sub(1))
                            .is_some_and(|c| yaml_break(*c)));
                if !ends_break {
                    self.out.push('-');
                } else if keep {
                    self.out.push('+');
                }
                self.out.push('\n');
                let mut at_break = true;
                for &c in &chars {
                    if yaml_break(c) {
                        self.out.push('\n');
                        at_break = true;
                    } else {
                        if at_break {
                            self.out.extend(std::iter::repeat_n(' ', indent));
                        }
                        self.out.push(c);
                        at_break = false;
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// toJson: Go's encoding/json (sorted keys, HTML-safe escapes unless raw, ES6 number format).

fn json_string(out: &mut String, s: &str, html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if html => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Go's 'e' format with the exponent's leading zero dropped: 1e-07 → 1e-7.
        let s = go_exp(f);
        match s.split_once('e') {
            Some((m, e)) => {
                let (sign, digits) = e.split_at(1.min(e.len()));
                format!("{m}e{sign}{}", digits.trim_start_matches('0'))
            }
            None => s,
        }
    } else {
        format!("{f}")
    }
}

/// `indent`: the current depth when pretty-printing (two spaces a level), `None` for compact.
fn write_json(out: &mut String, v: &Val, html: bool, indent: Option<usize>) -> Result<(), ()> {
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', depth * 2));
    };
    match v {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Val::Float(f) if !f.is_finite() => return Err(()),
        Val::Float(f) => out.push_str(&json_float(*f)),
        Val::Str(s) => json_string(out, s, html),
        Val::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Some(d) = indent {
                    newline(out, d + 1);
                }
                write_json(out, x, html, indent.map(|d| d + 1))?;
            }
            if let (Some(d), false) = (indent, l.is_empty()) {
                newline(out, d);
            }
            out.push(']');
        }
        Val::Map(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Some(d) = indent {
                    newline(out, d + 1);
                }
                json_string(out, k, html);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(out, x, html, indent.map(|d| d + 1))?;
            }
            if let (Some(d), false) = (indent, m.is_empty()) {
                newline(out, d);
            }
            out.push('}');
        }
    }
    if out.len() > MAX_OUTPUT {
        return Err(());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Semantic versions as Masterminds/semver v3 (Sprig's `semver`, `semverCompare`).

#[derive(Clone, Debug, PartialEq)]
struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: Vec<String>,
    meta: String,
}

/// A version, loosely: `v` prefix, missing minor/patch (zero).
fn parse_version(s: &str) -> Option<Version> {
    parse_partial(s).map(|(v, _)| v)
}

/// A version and how many of major/minor/patch were written (0 for `*`); `x`/`X`/`*` parts
/// count as unwritten.
fn parse_partial(s: &str) -> Option<(Version, usize)> {
    let s = s.trim();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let (s, meta) = match s.split_once('+') {
        Some((a, m)) => (a, m.to_string()),
        None => (s, String::new()),
    };
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => {
            let ids: Vec<String> = p.split('.').map(str::to_string).collect();
            if ids
                .iter()
                .any(|i| i.is_empty() || !i.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            {
                return None;
            }
            (c, ids)
        }
        None => (s, Vec::new()),
    };
    let mut nums = [0u64; 3];
    let mut written = 0;
    for (i, part) in core.split('.').enumerate() {
        if i >= 3 {
            return None;
        }
        if matches!(part, "x" | "X" | "*") {
            break;
        }
        let n: u64 = part.parse().ok()?;
        if let Some(slot) = nums.get_mut(i) {
            *slot = n;
        }
        written = i + 1;
    }
    if written == 0 && !matches!(core, "x" | "X" | "*") {
        return None;
    }
    let [major, minor, patch] = nums;
    Some((
        Version {
            major,
            minor,
            patch,
            pre,
            meta,
        },
        written,
    ))
}

fn cmp_versions(a: &Version, b: &Version) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let core = (a.major, a.minor, a.patch).cmp(&(b.major, b.minor, b.patch));
    if core != Ordering::Equal {
        return core;
    }
    match (a.pre.is_empty(), b.pre.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    for (x, y) in a.pre.iter().zip(&b.pre) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            _ => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.pre.len().cmp(&b.pre.len())
}

/// Whether `v` satisfies `constraint`: `||`-separated groups of space- or comma-separated
/// comparisons (`>= 1.19-0 < 1.24-0`), `~`, `^`, wildcards and `a - b` ranges.
fn semver_matches(constraint: &str, v: &Version) -> Result<bool, FnErr> {
    let bad = || FnErr::Msg(format!("improper constraint: {constraint}"));
    for group in constraint.split("||") {
        let words: Vec<&str> = group
            .split([' ', ',', '\t'])
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Err(bad());
        }
        let mut ok = true;
        let mut i = 0;
        while let Some(&w) = words.get(i) {
            i += 1;
            // An operator written apart from its version.
            let (op, ver) = if w.chars().all(|c| "<>=!~^".contains(c)) {
                let ver = *words.get(i).ok_or_else(bad)?;
                i += 1;
                (w, ver)
            } else {
                let split = w.find(|c: char| !"<>=!~^".contains(c)).unwrap_or(w.len());
                (w.get(..split).unwrap_or(""), w.get(split..).unwrap_or(""))
            };
            // `a - b`
            if words.get(i) == Some(&"-") {
                let hi = *words.get(i + 1).ok_or_else(bad)?;
                i += 2;
                ok &= check(">=", ver, v).ok_or_else(bad)? && check("<=", hi, v).ok_or_else(bad)?;
                continue;
            }
            ok &= check(op, ver, v).ok_or_else(bad)?;
        }
        if ok {
            return Ok(true);
        }
    }
    Ok(false)
}

/// One comparison; `None` when it cannot be parsed.
fn check(op: &str, ver: &str, v: &Version) -> Option<bool> {
    use std::cmp::Ordering::*;
    let (c, written) = parse_partial(ver)?;
    // Masterminds v3: a prerelease version satisfies only constraints that name one.
    if !v.pre.is_empty() && c.pre.is_empty() {
        return Some(false);
    }
    let cmp = cmp_versions(v, &c);
    // The first version past the wildcard: 1.2 → 1.3.0, 1 → 2.0.0.
    let next = |written: usize| -> Version {
        let mut n = Version {
            pre: Vec::new(),
            meta: String::new(),
            ..c.clone()
        };
        match written {
            0 => n.major = u64::MAX,
            1 => {
                n.major = n.major.saturating_add(1);
                n.minor = 0;
                n.patch = 0;
            }
            2 => {
                n.minor = n.minor.saturating_add(1);
                n.patch = 0;
            }
            _ => n.patch = n.patch.saturating_add(1),
        }
        n
    };
    let in_wildcard = || cmp != Less && cmp_versions(v, &next(written)) == Less;
    Some(match op {
        "" | "=" | "==" => {
            if written < 3 {
                in_wildcard()
            } else {
                cmp == Equal
            }
        }
        "!=" => {
            if written < 3 {
                !in_wildcard()
            } else {
                cmp != Equal
            }
        }
        ">" => {
            if written < 3 {
                cmp_versions(v, &next(written)) != Less
            } else {
                cmp == Greater
            }
        }
        ">=" | "=>" => cmp != Less,
        "<" => cmp == Less,
        "<=" | "=<" => {
            if written < 3 {
                cmp_versions(v, &next(written)) == Less
            } else {
                cmp != Greater
            }
        }
        "~" | "~>" => cmp != Less && cmp_versions(v, &next(written.clamp(1, 2))) == Less,
        "^" => {
            let upto = if c.major > 0 || written <= 1 {
                1
            } else if c.minor > 0 || written == 2 {
                2
            } else {
                3
            };
            cmp != Less && cmp_versions(v, &next(upto)) == Less
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Val {
        let parsed = crate::sources::yaml::parse(text, crate::sources::yaml::Limits::default());
        parsed
            .documents
            .first()
            .map(|d| Val::from_node(&d.root))
            .unwrap_or(Val::Map(BTreeMap::new()))
    }

    fn ctx(values: Val, release: &str, chart: &str, version: &str, app: Option<&str>) -> Context {
        Context {
            values,
            release_name: release.into(),
            release_namespace: "default".into(),
            chart_name: chart.into(),
            chart_version: version.into(),
            app_version: app.map(str::to_string),
            kube_version: "v1.31.0".into(),
        }
    }

    /// Renders `main` with `helpers` (other files) defined, values from YAML.
    fn render_files(helpers: &[&str], main: &str, c: &Context) -> Result<String, Unsupported> {
        let mut defines = Defines::default();
        for (i, h) in helpers.iter().enumerate() {
            defines.add(i + 1, &parse(h).expect("helper parses"));
        }
        let tpl = parse(main)?;
        defines.add(0, &tpl);
        render(&tpl, &defines, c, "chart/templates/main.yaml")
    }

    /// One template with the given values (YAML), release `rel`, chart `chart` 1.0.0.
    fn run(main: &str, values: &str) -> Result<String, Unsupported> {
        render_files(
            &[],
            main,
            &ctx(yaml(values), "rel", "chart", "1.0.0", Some("2.0")),
        )
    }

    fn ok(main: &str, values: &str) -> String {
        match run(main, values) {
            Ok(s) => s,
            Err(e) => panic!("{main:?} failed: {e:?}"),
        }
    }

    fn err(main: &str, values: &str) -> Unsupported {
        match run(main, values) {
            Ok(s) => panic!("{main:?} rendered {s:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn text_actions_and_trim_markers() {
        assert_eq!(ok("a {{ 1 }} b", ""), "a 1 b");
        assert_eq!(ok("a  \n {{- 1 -}} \n\t b", ""), "a1b");
        assert_eq!(ok("a\n{{- /* gone */ -}}\nb", ""), "ab");
        assert_eq!(ok("a {{/* c */}} b", ""), "a  b");
        // `{{-3}}` is the number -3, not a trim marker.
        assert_eq!(ok("x {{-3}}", ""), "x -3");
        assert_eq!(ok("{{ \"}}\" }}", ""), "}}");
        assert_eq!(ok("{{ `raw\\n` }}", ""), "raw\\n");
        assert_eq!(ok("{{ \"tab\\tq\\\"\" }}", ""), "tab\tq\"");
        assert_eq!(
            ok(
                "{{ 'a' }} {{ 0x10 }} {{ 1e3 }} {{ 1.5 }} {{ true }} {{ 0x1p4 }} {{ 0x1.8p1 }} {{ 0o17 }} {{ 017 }} {{ 1_000 }}",
                ""
            ),
            "97 16 1000 1.5 true 16 3 15 15 1000"
        );
    }

    #[test]
    fn fields_missing_keys_and_nil() {
        let v = "a:\n  b: x\n  n: ~\nlist: [1, 2]\n";
        assert_eq!(
            ok(
                "{{ .Values.a.b }}|{{ .Values.missing }}|{{ .Values.a.n }}",
                v
            ),
            "x||"
        );
        assert_eq!(
            ok("{{ .Values.list }}|{{ .Values.a }}", v),
            "[1 2]|map[b:x n:<nil>]"
        );
        // A field of a missing value fails in Helm too.
        let e = err("ab{{ .Values.missing.x }}", v);
        assert_eq!(e.offset, 2);
        assert!(
            e.reason.contains("nil pointer evaluating interface {}.x"),
            "{e:?}"
        );
        // …but a field of a nil variable or parenthesized value is nil, as in Go.
        assert_eq!(
            ok(
                "{{ (.Values.missing).x }}|{{ $m := .Values.missing }}{{ $m.x.y }}|{{ (.Values.a.n).z }}",
                v
            ),
            "||"
        );
        assert!(
            err("{{ .Values.a.b.c }}", v)
                .reason
                .contains("can't evaluate field c")
        );
        assert_eq!(
            ok(
                "{{ index .Values \"a\" \"b\" }}{{ index .Values.list 1 }}",
                v
            ),
            "x2"
        );
        assert_eq!(
            ok(
                "{{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.Service }} {{ .Chart.Name }}-{{ .Chart.Version }} {{ .Chart.AppVersion }}",
                ""
            ),
            "rel default Helm chart-1.0.0 2.0"
        );
        assert_eq!(
            ok(
                "{{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.KubeVersion.Major }}.{{ .Capabilities.KubeVersion.Minor }}",
                ""
            ),
            "v1.31.0 1.31"
        );
        assert_eq!(
            ok("{{ .Template.Name }} {{ .Template.BasePath }}", ""),
            "chart/templates/main.yaml chart/templates"
        );
    }

    #[test]
    fn variables_scopes_and_root() {
        // (A bare `n` would be YAML 1.1's false, for Helm too.)
        let v = "name: nm\nitems: [a, b]\n";
        assert_eq!(ok("{{ $x := 1 }}{{ $x }}{{ $x = 2 }}{{ $x }}", v), "12");
        // A variable declared in a block ends with it; an assignment to an outer one persists.
        assert_eq!(
            ok(
                "{{ $x := 1 }}{{ if true }}{{ $x := 5 }}{{ $x }}{{ end }}{{ $x }}",
                v
            ),
            "51"
        );
        assert_eq!(
            ok("{{ $x := 1 }}{{ if true }}{{ $x = 5 }}{{ end }}{{ $x }}", v),
            "5"
        );
        assert_eq!(
            ok(
                "{{ range .Values.items }}{{ $.Values.name }}{{ . }}{{ end }}",
                v
            ),
            "nmanmb"
        );
        assert_eq!(
            ok(
                "{{ with .Values.name }}{{ . }}/{{ $.Chart.Name }}{{ end }}",
                v
            ),
            "nm/chart"
        );
        assert_eq!(ok("{{ $v := .Values }}{{ $v.name }}", v), "nm");
        assert!(err("{{ $nope }}", v).reason.contains("undefined variable"));
        assert!(
            err("{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}", v)
                .reason
                .contains("undefined variable")
        );
    }

    #[test]
    fn control_flow() {
        let v = "l: [a, b, c]\nm: {z: 1, a: 2}\nempty: []\nt: true\n";
        assert_eq!(
            ok(
                "{{ range $i, $x := .Values.l }}{{ $i }}={{ $x }},{{ end }}",
                v
            ),
            "0=a,1=b,2=c,"
        );
        assert_eq!(
            ok(
                "{{ range $k, $x := .Values.m }}{{ $k }}={{ $x }},{{ end }}",
                v
            ),
            "a=2,z=1,"
        );
        assert_eq!(ok("{{ range $x := .Values.l }}{{ $x }}{{ end }}", v), "abc");
        assert_eq!(
            ok("{{ range .Values.empty }}x{{ else }}none{{ end }}", v),
            "none"
        );
        assert_eq!(
            ok("{{ range .Values.missing }}x{{ else }}none{{ end }}", v),
            "none"
        );
        assert_eq!(
            ok(
                "{{ range .Values.l }}{{ if eq . \"b\" }}{{ continue }}{{ end }}{{ . }}{{ end }}",
                v
            ),
            "ac"
        );
        assert_eq!(
            ok(
                "{{ range .Values.l }}{{ if eq . \"b\" }}{{ break }}{{ end }}{{ . }}{{ end }}",
                v
            ),
            "a"
        );
        assert_eq!(
            ok(
                "{{ if .Values.no }}1{{ else if .Values.t }}2{{ else }}3{{ end }}",
                v
            ),
            "2"
        );
        assert_eq!(
            ok(
                "{{ with .Values.no }}1{{ else with .Values.t }}{{ . }}{{ else }}3{{ end }}",
                v
            ),
            "true"
        );
        assert_eq!(
            ok(
                "{{ with .Values.empty }}1{{ else }}{{ .Values.t }}{{ end }}",
                v
            ),
            "true"
        );
        assert_eq!(ok("{{ if $x := .Values.t }}{{ $x }}{{ end }}", v), "true");
    }

    #[test]
    fn laziness() {
        // Unknown functions and `fail` on a path not taken are not errors, as in Go.
        assert_eq!(
            ok(
                "{{ if false }}{{ nosuch 1 }}{{ fail \"x\" }}{{ end }}ok",
                ""
            ),
            "ok"
        );
        assert_eq!(
            ok("{{ and false (nosuch) }}|{{ or 1 (nosuch) }}", ""),
            "false|1"
        );
        // `and`/`or` return the deciding value.
        assert_eq!(
            ok(
                "{{ and 1 \"x\" }}|{{ or 0 \"\" }}|{{ or 0 \"y\" }}|{{ and 1 0 2 }}",
                ""
            ),
            "x||y|0"
        );
        let e = err("x\n{{ if true }}{{ nosuch 1 }}{{ end }}", "");
        assert_eq!(
            e,
            Unsupported {
                offset: 15,
                reason: "unknown function `nosuch`".into()
            }
        );
    }

    #[test]
    fn parse_errors() {
        assert_eq!(
            parse("ab{{ x").map(|_| ()),
            Err(unsup(2, "`{{` never closed"))
        );
        assert_eq!(
            parse("{{ if 1 }}x").map(|_| ()).map_err(|e| e.offset),
            Err(0)
        );
        assert_eq!(
            parse("a{{ end }}").map(|_| ()).map_err(|e| e.offset),
            Err(1)
        );
        assert!(parse("{{/* x ").is_err());
        assert!(parse("{{ (1 }}").is_err());
        assert!(parse("{{ 1) }}").is_err());
        assert!(parse("{{ break }}").is_err());
        assert!(parse("{{ if 1 }}{{ define \"x\" }}{{ end }}{{ end }}").is_err());
        assert!(parse("{{ \"unterminated }}").is_err());
        assert!(parse("{{ 12ab }}").is_err());
    }

    #[test]
    fn comparisons() {
        let v = "s: b\nn: 3\nf: 2.5\n";
        assert_eq!(
            ok(
                "{{ eq .Values.s \"a\" \"b\" }} {{ eq .Values.s \"a\" \"c\" }}",
                v
            ),
            "true false"
        );
        assert_eq!(
            ok(
                "{{ eq .Values.n 3 }} {{ ne .Values.n 4 }} {{ eq .Values.missing \"x\" }}",
                v
            ),
            "true true false"
        );
        assert_eq!(
            ok(
                "{{ lt .Values.n 4 }} {{ ge .Values.f 2.5 }} {{ gt \"b\" \"a\" }} {{ le 3 .Values.f }}",
                v
            ),
            "true true true false"
        );
        assert!(
            err("{{ eq .Values.n \"3\" }}", v)
                .reason
                .contains("incompatible types")
        );
        assert_eq!(ok("{{ not .Values.missing }} {{ not 1 }}", v), "true false");
    }

    #[test]
    fn defaults_and_emptiness() {
        let v = "e: \"\"\nz: 0\nf: false\nm: {}\ns: x\n";
        assert_eq!(
            ok(
                "{{ .Values.e | default \"d1\" }} {{ default \"d2\" .Values.z }} {{ default \"d3\" .Values.f }} {{ default \"d4\" .Values.m }} {{ default \"d5\" .Values.s }} {{ default \"d6\" .Values.missing }}",
                v
            ),
            "d1 d2 d3 d4 x d6"
        );
        assert_eq!(
            ok(
                "{{ empty .Values.z }} {{ empty .Values.s }} {{ coalesce .Values.e .Values.z \"c\" }}",
                v
            ),
            "true false c"
        );
        assert_eq!(
            ok(
                "{{ ternary \"y\" \"n\" true }}{{ ternary \"y\" \"n\" (eq 1 2) }}",
                v
            ),
            "yn"
        );
    }

    #[test]
    fn required_and_fail() {
        let v = "a: x\ne: \"\"\nz: 0\n";
        assert_eq!(
            ok(
                "{{ required \"need a\" .Values.a }}{{ .Values.z | required \"z\" }}",
                v
            ),
            "x0"
        );
        assert_eq!(
            err("ab\n{{ required \"set .Values.b\" .Values.b }}", v),
            Unsupported {
                offset: 3,
                reason: "`required`: set .Values.b".into()
            }
        );
        assert_eq!(
            err("{{ .Values.e | required \"e!\" }}", v).reason,
            "`required`: e!"
        );
        assert_eq!(
            err("   {{- fail \"no way\" }}", v),
            Unsupported {
                offset: 3,
                reason: "calls `fail`: no way".into()
            }
        );
    }

    #[test]
    fn tpl_renders_a_values_string_with_the_given_context() {
        assert_eq!(
            ok(
                "{{ tpl .Values.label . }}|{{ tpl \"{{ .x }}\" .Values }}",
                "label: \"{{ .Release.Name }}-x\"\nx: 3\n"
            ),
            "rel-x|3"
        );
    }

    #[test]
    fn unsupported_features() {
        assert_eq!(
            err("{{ tpl \"{{ lookup 1 }}\" . }}", "").reason,
            "in `tpl`: calls `lookup`, which needs a cluster"
        );
        assert_eq!(
            err("{{ lookup \"v1\" \"Secret\" \"ns\" \"n\" }}", "").reason,
            "calls `lookup`, which needs a cluster"
        );
        assert_eq!(
            err("{{ .Files.Get \"x\" }}", "").reason,
            "`.Files` is not read without helm"
        );
        assert_eq!(
            err("{{ range .Files.Glob \"x\" }}{{ end }}", "").reason,
            "`.Files` is not read without helm"
        );
        assert_eq!(
            err("{{ $.Files }}", "").reason,
            "`.Files` is not read without helm"
        );
        assert_eq!(
            err("{{ 1 | nosuch }}", "").reason,
            "unknown function `nosuch`"
        );
    }

    #[test]
    fn api_versions() {
        assert_eq!(
            ok(
                "{{ .Capabilities.APIVersions.Has \"policy/v1\" }} {{ $.Capabilities.APIVersions.Has \"autoscaling/v2\" }} {{ .Capabilities.APIVersions.Has \"monitoring.coreos.com/v1\" }} {{ .Capabilities.APIVersions.Has \"keda.sh/v1alpha1\" }} {{ .Capabilities.APIVersions.Has \"apps/v1/Deployment\" }} {{ .Capabilities.APIVersions.Has \"policy/v1beta1\" }}",
                ""
            ),
            "true true false false true false"
        );
        assert_eq!(
            ok(
                "{{ if and (.Capabilities.APIVersions.Has \"networking.k8s.io/v1\") (semverCompare \">= 1.19-0\" .Capabilities.KubeVersion.Version) }}v1{{ end }}",
                ""
            ),
            "v1"
        );
    }

    #[test]
    fn semver() {
        let cases = [
            (">=1.21-0", "v1.31.0", true),
            ("<1.25", "v1.31.0", false),
            (">= 1.19-0 < 1.24-0", "v1.20.3", true),
            (">= 1.19-0 < 1.24-0", "v1.24.0", false),
            (">=1.19-0, <1.24-0", "1.23.9", true),
            ("^1.2", "1.9.0", true),
            ("^1.2", "2.0.0", false),
            ("~1.2", "1.2.9", true),
            ("~1.2", "1.3.0", false),
            ("1.2.x", "1.2.7", true),
            (">1.2", "1.2.5", false),
            (">1.2", "1.3.0", true),
            ("<=1.2", "1.2.9", true),
            (">=1.21", "v1.29.3-eks-1", false),
            (">=1.21-0", "v1.29.3-eks-1", true),
            ("<1.20 || >=1.30", "1.31.0", true),
            ("1.0 - 2.0", "1.5.0", true),
            ("!=1.2.3", "1.2.3", false),
        ];
        for (c, v, want) in cases {
            let got = semver_matches(c, &parse_version(v).expect("version"));
            assert!(matches!(got, Ok(b) if b == want), "{c} {v}");
        }
        assert_eq!(
            ok(
                "{{ (semver \"v1.2.3-rc.1\").Minor }} {{ (semver \"1.2.3\").Prerelease }}",
                ""
            ),
            "2 "
        );
        assert!(
            err("{{ semverCompare \">=1\" \"not-a-version\" }}", "")
                .reason
                .starts_with("`semverCompare`")
        );
    }

    #[test]
    fn strings_and_lists() {
        let v = "s: Hello World\nl: [b, a, b]\nm: {k: v}\n";
        let cases = [
            (
                "{{ .Values.s | lower }}|{{ upper .Values.s }}|{{ title \"hello wide-world\" }}",
                "hello world|HELLO WORLD|Hello Wide-World",
            ),
            (
                "{{ trunc 5 .Values.s }}|{{ trunc -5 .Values.s }}|{{ trunc 50 \"ab\" }}",
                "Hello|World|ab",
            ),
            (
                "{{ trimSuffix \"-\" \"a-b-\" }}|{{ trimPrefix \"x\" \"xxa\" }}|{{ trim \"  a \" }}|{{ trimAll \"-\" \"--a--\" }}",
                "a-b|xa|a|a",
            ),
            (
                "{{ replace \"+\" \"_\" \"1.0+b\" }}|{{ contains \"lo W\" .Values.s }}|{{ hasPrefix \"He\" .Values.s }}|{{ hasSuffix \"x\" .Values.s }}",
                "1.0_b|true|true|false",
            ),
            (
                "{{ quote .Values.s }}|{{ squote 1 }}|{{ quote .Values.missing }}|{{ \"a\\\"b\" | quote }}",
                "\"Hello World\"|'1'||\"a\\\"b\"",
            ),
            (
                "{{ printf \"%s-%d-%v-%q\" \"a\" 3 .Values.l \"q\" }}|{{ printf \"%05.1f|%-3s|%3d\" 3.14159 \"x\" 7 }}",
                "a-3-[b a b]-\"q\"|003.1|x  |  7",
            ),
            (
                "{{ printf \"%d\" \"x\" }}|{{ printf \"%s\" 5 }}|{{ printf \"%s\" }}",
                "%!d(string=x)|%!s(float64=5)|%!s(MISSING)",
            ),
            (
                "{{ print \"a\" 1 2 \"b\" }}|{{ cat \"a\" .Values.missing 1 }}|{{ println 1 2 }}",
                "a1 2b|a 1|1 2\n",
            ),
            (
                "{{ join \",\" .Values.l }}|{{ splitList \",\" \"a,b\" }}|{{ (split \",\" \"x,y\")._1 }}",
                "b,a,b|[a b]|y",
            ),
            (
                "{{ list 1 \"a\" }}|{{ first .Values.l }}|{{ last .Values.l }}|{{ uniq .Values.l }}|{{ sortAlpha .Values.l }}|{{ has \"a\" .Values.l }}|{{ len .Values.l }}",
                "[1 a]|b|b|[b a]|[a b b]|true|3",
            ),
            (
                "{{ append .Values.l \"c\" }}|{{ prepend .Values.l \"c\" }}|{{ concat .Values.l (list 1) }}|{{ without .Values.l \"b\" }}|{{ rest .Values.l }}|{{ initial .Values.l }}",
                "[b a b c]|[c b a b]|[b a b 1]|[a]|[a b]|[b a]",
            ),
            (
                "{{ dict \"b\" 1 \"a\" 2 }}|{{ keys .Values.m }}|{{ get .Values.m \"k\" }}|{{ get .Values.m \"x\" }}|{{ hasKey .Values.m \"k\" }}|{{ pluck \"k\" .Values.m (dict) }}",
                "map[a:2 b:1]|[k]|v||true|[v]",
            ),
            (
                "{{ dig \"m\" \"k\" \"def\" .Values }}|{{ dig \"m\" \"zz\" \"def\" .Values }}",
                "v|def",
            ),
            (
                "{{ add 1 2 3 }}|{{ sub 5 2 }}|{{ mul 2 3 }}|{{ div 7 2 }}|{{ mod 7 2 }}|{{ max 1 5 3 }}|{{ min 4 2 }}|{{ add1 1 }}",
                "6|3|6|3|1|5|2|2",
            ),
            (
                "{{ int \"12\" }}|{{ int 3.9 }}|{{ atoi \"x\" }}|{{ float64 \"1.5\" }}|{{ ceil 1.2 }}|{{ floor 1.8 }}|{{ round 2.55 1 }}|{{ toString 1.0 }}",
                "12|3|0|1.5|2|1|2.6|1",
            ),
            (
                "{{ 1000000.0 }}|{{ 0.5 }}|{{ 0.00001 }}|{{ 123456.5 }}|{{ 1e21 }}",
                "1e+06|0.5|1e-05|123456.5|1e+21",
            ),
            (
                "{{ kindOf .Values.m }}|{{ kindOf .Values.l }}|{{ kindOf .Values.s }}|{{ kindIs \"map\" .Values.m }}|{{ typeOf .Values.s }}|{{ kindIs \"int\" 3 }}|{{ kindOf nil }}",
                "map|slice|string|true|string|true|invalid",
            ),
            (
                "{{ b64enc \"hello\" }}|{{ b64dec \"aGVsbG8=\" }}|{{ sha256sum \"abc\" }}",
                "aGVsbG8=|hello|ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                "{{ regexMatch \"^[a-z]+$\" \"abc\" }}|{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\" }}|{{ regexFind \"[0-9]+\" \"ab12c\" }}",
                "true|-W-xxW-|12",
            ),
            (
                "{{ until 3 }}|{{ untilStep 0 10 4 }}|{{ repeat 3 \"ab\" }}|{{ substr 1 3 \"hello\" }}|{{ nospace \"a b c\" }}",
                "[0 1 2]|[0 4 8]|ababab|el|abc",
            ),
            (
                "{{ indent 2 \"a\\nb\" }}|{{ nindent 2 \"a\" }}",
                "  a\n  b|\n  a",
            ),
            (
                "{{ toJson .Values.m }}|{{ toJson (list 1 \"<a>\" 1.5 nil) }}|{{ toRawJson (dict \"a\" \"<\") }}",
                "{\"k\":\"v\"}|[1,\"\\u003ca\\u003e\",1.5,null]|{\"a\":\"<\"}",
            ),
            (
                "{{ toPrettyJson (dict \"a\" (list 1 2) \"b\" (dict)) }}",
                "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}",
            ),
            (
                "{{ (fromYaml \"a: 1\\nb: [x]\").b }}|{{ (fromJson \"{\\\"a\\\": [1, 2.5]}\").a }}|{{ (fromYaml \"- x\").Error | empty | not }}",
                "[x]|[1 2.5]|true",
            ),
        ];
        for (tpl, want) in cases {
            assert_eq!(ok(tpl, v), want, "{tpl}");
        }
        assert!(
            err("{{ trunc 3 .Values.missing }}", v)
                .reason
                .contains("expected string")
        );
        assert!(err("{{ div 1 0 }}", v).reason.contains("divide by zero"));
    }

    #[test]
    fn dict_mutation() {
        let v = "a: {x: 1}\n";
        assert_eq!(
            ok(
                "{{ $d := dict }}{{ $_ := set $d \"k\" \"v\" }}{{ $d.k }}",
                v
            ),
            "v"
        );
        assert_eq!(
            ok(
                "{{ $_ := set .Values \"new\" 5 }}{{ .Values.new }}{{ $.Values.new }}",
                v
            ),
            "55"
        );
        assert_eq!(
            ok("{{ $_ := unset .Values.a \"x\" }}{{ .Values.a }}", v),
            "map[]"
        );
        assert_eq!(
            ok(
                "{{ $m := mergeOverwrite (dict \"a\" 1 \"n\" (dict \"x\" 1 \"y\" 2)) (dict \"a\" 2 \"n\" (dict \"y\" 3)) }}{{ toJson $m }}",
                v
            ),
            "{\"a\":2,\"n\":{\"x\":1,\"y\":3}}"
        );
        assert_eq!(
            ok(
                "{{ $m := merge (dict \"a\" 1 \"e\" \"\") (dict \"a\" 2 \"b\" 3 \"e\" \"f\") }}{{ toJson $m }}",
                v
            ),
            "{\"a\":1,\"b\":3,\"e\":\"f\"}"
        );
    }

    #[test]
    fn to_yaml_output() {
        let cases: [(&str, Val); 6] = [
            (
                "a: 1\nb:\n  c:\n  - x\n  - d: e\n    f: g\n  h: []\n  i: {}\n",
                yaml("b: {c: [x, {f: g, d: e}], i: {}, h: []}\na: 1\n"),
            ),
            ("- - 1\n  - 2\n- - 3", yaml("[[1, 2], [3]]")),
            (
                "a: |-\n  line 1\n  line 2\nb: |\n  x\n",
                yaml("a: \"line 1\\nline 2\"\nb: \"x\\n\"\n"),
            ),
            (
                "a1: 1\na9: 2\na10: 3\nb: 4\n",
                yaml("{b: 4, a10: 3, a9: 2, a1: 1}"),
            ),
            ("null", Val::Null),
            ("x", Val::Str("x".into())),
        ];
        for (want, v) in cases {
            assert_eq!(to_yaml(&v), want.trim_end_matches('\n'), "{v:?}");
        }
        let strings = [
            ("true", "\"true\""),
            ("yes", "\"yes\""),
            ("Off", "\"Off\""),
            ("~", "\"~\""),
            ("", "\"\""),
            ("123", "\"123\""),
            ("1.5", "\"1.5\""),
            ("1e3", "\"1e3\""),
            ("0x1F", "\"0x1F\""),
            ("1_000", "\"1_000\""),
            ("012", "\"012\""),
            ("2024-01-31", "\"2024-01-31\""),
            ("1:20", "\"1:20\""),
            ("100m", "100m"),
            ("v1.2", "v1.2"),
            ("hello world", "hello world"),
            ("a: b", "'a: b'"),
            ("a:b", "a:b"),
            ("#x", "'#x'"),
            ("a #x", "'a #x'"),
            ("a#x", "a#x"),
            ("- x", "'- x'"),
            ("-x", "-x"),
            ("*", "'*'"),
            ("'q'", "'''q'''"),
            (" lead", "' lead'"),
            ("trail ", "'trail '"),
            ("tab\there", "\"tab\\there\""),
            ("it's", "it's"),
            ("@x", "'@x'"),
            ("{a}", "'{a}'"),
            ("a{b}", "a{b}"),
            ("---", "'---'"),
            ("key: \"v\"", "'key: \"v\"'"),
        ];
        for (s, want) in strings {
            assert_eq!(to_yaml(&Val::Str(s.into())), want, "{s:?}");
            let m = Val::Map(
                [("k".to_string(), Val::Str(s.into()))]
                    .into_iter()
                    .collect(),
            );
            assert_eq!(to_yaml(&m), format!("k: {want}"), "{s:?}");
        }
        // Long plain strings fold at a space past column 80, as go-yaml v2 does.
        let long = "word ".repeat(30);
        let long = long.trim_end();
        let m = Val::Map(
            [("description".to_string(), Val::Str(long.into()))]
                .into_iter()
                .collect(),
        );
        let out = to_yaml(&m);
        let first = out.lines().next().unwrap_or("");
        assert!(first.len() > 80 && first.len() < 90, "{out}");
        assert!(
            out.lines().nth(1).is_some_and(|l| l.starts_with("  word")),
            "{out}"
        );
        // Floats print as JSON then go-yaml would.
        assert_eq!(
            to_yaml(&yaml("[1.0, 0.5, 2.5e-7]")),
            "- 1\n- 0.5\n- 2.5e-07"
        );
    }

    #[test]
    fn includes_and_defines() {
        let helpers = r#"{{- define "h.name" -}}{{ .Values.name | default "dflt" }}{{- end }}
{{- define "h.bad" -}}x{{ nosuch }}{{- end }}
{{- define "h.self" -}}{{ include "h.self" . }}{{- end }}
{{- define "h.outer" -}}[{{ include "h.bad" . }}]{{- end }}"#;
        let c = ctx(yaml("name: nm"), "r", "c", "1", None);
        assert_eq!(
            render_files(
                &[helpers],
                r#"{{ include "h.name" . }}|{{ template "h.name" . }}|{{ include "h.name" (dict "Values" (dict)) }}"#,
                &c
            ),
            Ok("nm|nm|dflt".into())
        );
        // An error in another file's define points at the call here and names the define.
        assert_eq!(
            render_files(
                &[helpers],
                "ab\n  {{- include \"h.outer\" . | nindent 2 }}",
                &c
            ),
            Err(Unsupported {
                offset: 5,
                reason: "in `h.outer`: in `h.bad`: unknown function `nosuch`".into()
            })
        );
        let e = render_files(&[helpers], "x{{ include \"h.self\" . }}", &c)
            .expect_err("recursion stops");
        assert_eq!(e.offset, 1);
        assert!(
            e.reason.contains("nests includes more than 32 deep"),
            "{e:?}"
        );
        // A define in the file itself keeps its own offsets; `define` writes nothing.
        let own = "{{ define \"own\" }}{{ nosuch }}{{ end }}\n{{ include \"own\" . }}";
        assert_eq!(
            render_files(&[], own, &c),
            Err(unsup(18, "unknown function `nosuch`"))
        );
        assert_eq!(
            render_files(
                &[],
                "{{ define \"x\" }}X{{ end }}a{{ template \"x\" }}b",
                &c
            ),
            Ok("aXb".into())
        );
        assert_eq!(
            render_files(&[], "{{ block \"blk\" . }}B{{ .Values.name }}{{ end }}", &c),
            Ok("Bnm".into())
        );
        assert!(render_files(&[], "{{ include \"nope\" . }}", &c).is_err());
        // Files are templates too, by their path (the checksum idiom).
        let mut defines = Defines::default();
        let cm = parse("data: {{ .Values.name }}").expect("parses");
        defines.add_file(1, "chart/templates/cm.yaml", &cm);
        let main =
            parse("{{ include (print $.Template.BasePath \"/cm.yaml\") . | sha256sum | trunc 8 }}")
                .expect("parses");
        assert_eq!(
            render(&main, &defines, &c, "chart/templates/dep.yaml"),
            Ok(sha256_hex(b"data: nm").get(..8).unwrap_or("").to_string())
        );
    }

    #[test]
    fn limits() {
        // Exponential includes and huge ranges stop with an error, not a hang.
        let mut t = String::from("{{ define \"l0\" }}xxxxxxxx{{ end }}");
        for i in 1..30 {
            let _ = write!(
                t,
                "{{{{ define \"l{i}\" }}}}{{{{ include \"l{}\" . }}}}{{{{ include \"l{}\" . }}}}{{{{ end }}}}",
                i - 1,
                i - 1
            );
        }
        t.push_str("{{ include \"l29\" . }}");
        assert!(run(&t, "").is_err());
        assert!(run("{{ range until 1000000 }}x{{ end }}", "").is_err());
        assert!(
            run(
                "{{ range $i := until 90000 }}{{ range until 90000 }}{{ end }}{{ end }}",
                ""
            )
            .is_err()
        );
        assert!(run("{{ repeat 100000000 \"ab\" }}", "").is_err());
        let deep = format!(
            "{}1{}",
            "{{ if true }}".repeat(150),
            "{{ end }}".repeat(150)
        );
        assert!(run(&deep, "").is_err());
        // Deep blocks inside deep includes hit the evaluator's own cap, within a test thread's
        // stack.
        let mut chain = String::new();
        for i in 0..8 {
            let _ = write!(
                chain,
                "{{{{ define \"d{i}\" }}}}{}{{{{ include \"d{}\" . }}}}{}{{{{ end }}}}",
                "{{ if true }}".repeat(95),
                i + 1,
                "{{ end }}".repeat(95)
            );
        }
        chain.push_str("{{ define \"d8\" }}x{{ end }}{{ include \"d0\" . }}");
        let e = run(&chain, "").expect_err("too deep");
        assert!(e.reason.contains("nests too deeply"), "{e:?}");
        let e = run(
            "{{ $d := dict }}{{ range until 5000 }}{{ $d = dict \"a\" $d }}{{ end }}{{ toJson $d }}",
            "",
        )
        .expect_err("too deep");
        assert!(e.reason.contains("nested more than"), "{e:?}");
        let parens = format!("{{{{ {}1{} }}}}", "(".repeat(200), ")".repeat(200));
        assert!(parse(&parens).is_err());
    }

    #[test]
    fn garbage_never_panics() {
        let sources = [ALLOY_HELPERS, ALLOY_HPA, ALLOY_AGENT, SCAFFOLD_DEPLOYMENT];
        let c = ctx(yaml(ALLOY_VALUES), "alloy", "alloy", "1.0.0", None);
        let helpers = parse(ALLOY_HELPERS).expect("helpers parse");
        let mut defines = Defines::default();
        defines.add(1, &helpers);
        for src in sources {
            let mut cuts: Vec<usize> = (0..src.len()).step_by(7).collect();
            cuts.push(src.len());
            for cut in cuts {
                let Some(prefix) = src.get(..cut) else {
                    continue;
                };
                if let Ok(t) = parse(prefix) {
                    let _ = render(&t, &defines, &c, "alloy/templates/x.yaml");
                }
                let Some(suffix) = src.get(cut..) else {
                    continue;
                };
                if let Ok(t) = parse(suffix) {
                    let _ = render(&t, &defines, &c, "alloy/templates/x.yaml");
                }
            }
        }
        // Odd bytes and tokens in actions.
        let bits = [
            "{{", "}}", "{{-", "-}}", "(", ")", "|", "$", ".", "\"", "`", "'", ":=", "=", ",", " ",
            "if", "end", "else", "range", "with", "define", "\"x\"", "1", "-", "é", "\\", "/*",
            "*/", "nil", "$x", ".a",
        ];
        let mut seed: u64 = 0x9e3779b97f4a7c15;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(
                    bits.get((seed % bits.len() as u64) as usize)
                        .copied()
                        .unwrap_or(""),
                );
            }
            if let Ok(t) = parse(&s) {
                let _ = render(&t, &defines, &c, "x");
            }
        }
    }

    /// Renders alloy's `template` with its values.yaml, then `ci` over it, as the chart's CI
    /// does (release `alloy`, `$chart_tests` set).
    fn render_alloy(template: &str, ci: &str) -> Result<String, Unsupported> {
        let mut values = yaml(ALLOY_VALUES);
        values.merge(yaml(ci));
        values.merge(yaml("$chart_tests: true"));
        let c = ctx(values, "alloy", "alloy", "1.11.1", Some("v1.18.1"));
        let mut defines = Defines::default();
        for (i, f) in [
            ALLOY_HELPERS,
            ALLOY_CONFIG,
            ALLOY_POD,
            ALLOY_AGENT,
            ALLOY_WATCH,
        ]
        .iter()
        .enumerate()
        {
            defines.add(i + 1, &parse(f).expect("helper parses"));
        }
        let tpl = parse(template)?;
        defines.add(0, &tpl);
        render(&tpl, &defines, &c, "alloy/templates/x.yaml")
    }

    /// The document of a committed `helm template` output, after its `# Source:` line.
    fn committed(render: &str) -> &str {
        render
            .split_once("\n# Source: ")
            .and_then(|(_, r)| r.split_once('\n'))
            .map(|(_, d)| d.trim())
            .unwrap_or("")
    }

    #[test]
    fn alloy_renders_like_helm() {
        let cases = [
            (ALLOY_HPA, ALLOY_CI_AUTOSCALING, RENDERED_HPA),
            (ALLOY_HPA, ALLOY_CI_STS_AUTOSCALING, RENDERED_STS_HPA),
            (ALLOY_DEPLOYMENT, ALLOY_CI_AUTOSCALING, RENDERED_DEPLOYMENT),
            (ALLOY_PDB, ALLOY_CI_PDB, RENDERED_PDB),
        ];
        for (template, ci, want) in cases {
            let got = render_alloy(template, ci).expect("renders");
            assert_eq!(got.trim(), committed(want));
        }
        // The default daemonset: no HPA, no PDB.
        assert_eq!(
            render_alloy(ALLOY_HPA, "").map(|s| s.trim().to_string()),
            Ok(String::new())
        );
        // A PDB with neither bound fails as the chart says.
        let e = render_alloy(
            ALLOY_PDB,
            "controller: {type: deployment, podDisruptionBudget: {enabled: true}}",
        )
        .expect_err("fails");
        assert_eq!(
            e.reason,
            "calls `fail`: Either minAvailable or maxUnavailable must be defined for PodDisruptionBudget"
        );
        assert_eq!(ALLOY_PDB.get(e.offset..e.offset + 9), Some("{{- fail "));
    }

    #[test]
    fn helm_create_scaffold() {
        let values = yaml(SCAFFOLD_VALUES);
        let c = ctx(
            values.clone(),
            "geo",
            "gpf-geocodeur",
            "3.1.5+build.1",
            Some("3.1.5-SNAPSHOT"),
        );
        let out = render_files(&[SCAFFOLD_HELPERS], SCAFFOLD_DEPLOYMENT, &c).expect("renders");
        let expected_head = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: geo-gpf-geocodeur
  labels:
    helm.sh/chart: gpf-geocodeur-3.1.5_build.1
    app.kubernetes.io/name: gpf-geocodeur
    app.kubernetes.io/instance: geo
    app.kubernetes.io/version: \"3.1.5-SNAPSHOT\"
    app.kubernetes.io/managed-by: Helm
spec:
  replicas: 1
  revisionHistoryLimit: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: gpf-geocodeur
      app.kubernetes.io/instance: geo
  template:
    metadata:
      labels:
        app.kubernetes.io/name: gpf-geocodeur
        app.kubernetes.io/instance: geo
    spec:
      imagePullSecrets:
        - name: regcred-prd
      serviceAccountName: default
      securityContext:
        {}
      containers:
        - name: gpf-geocodeur
          securityContext:
            {}
          image: \"9555v10x.gra7.container-registry.ovh.net/geoplateforme_private/geocodeur:3.1.5-SNAPSHOT\"
          imagePullPolicy: IfNotPresent
          command:
          ports:
";
        assert!(out.starts_with(expected_head), "{out}");
        assert!(out.contains("          resources:\n            {}\n          volumeMounts:\n      initContainers:\n      volumes:\n"), "{out}");
        assert!(
            !out.contains("sideContainer") && !out.contains("nodeSelector"),
            "{out}"
        );
        // No HPA unless autoscaling is enabled; then the scaffold's HPA.
        assert_eq!(
            render_files(&[SCAFFOLD_HELPERS], SCAFFOLD_HPA, &c),
            Ok("\n".into())
        );
        let mut on = values;
        on.merge(yaml("autoscaling: {enabled: true}\nfullnameOverride: my-app-\nresources: {limits: {cpu: 100m, memory: 128Mi}}\npodAnnotations: {b: \"1\", a: x}"));
        let c = ctx(on, "geo", "gpf-geocodeur", "3.1.5", None);
        let hpa = render_files(&[SCAFFOLD_HELPERS], SCAFFOLD_HPA, &c).expect("renders");
        assert_eq!(
            hpa.trim(),
            "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: my-app
  labels:
    helm.sh/chart: gpf-geocodeur-3.1.5
    app.kubernetes.io/name: gpf-geocodeur
    app.kubernetes.io/instance: geo
    app.kubernetes.io/managed-by: Helm
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: my-app
  minReplicas: 1
  maxReplicas: 100
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: \"Utilization\"
          averageUtilization: 80"
        );
        let dep = render_files(&[SCAFFOLD_HELPERS], SCAFFOLD_DEPLOYMENT, &c).expect("renders");
        assert!(dep.contains("spec:\n  revisionHistoryLimit: 2\n"), "{dep}");
        assert!(
            dep.contains(
                "    metadata:\n      annotations:\n        a: x\n        b: \"1\"\n      labels:\n"
            ),
            "{dep}"
        );
        assert!(dep.contains("          resources:\n            limits:\n              cpu: 100m\n              memory: 128Mi\n"), "{dep}");
        // The name when the release name contains the chart name.
        let c = ctx(
            yaml(SCAFFOLD_VALUES),
            "my-gpf-geocodeur-prod",
            "gpf-geocodeur",
            "1",
            None,
        );
        let out = render_files(
            &[SCAFFOLD_HELPERS],
            "{{ include \"chart.fullname\" . }}",
            &c,
        );
        assert_eq!(out, Ok("my-gpf-geocodeur-prod".into()));
    }

    // Real chart files (grafana/alloy's Helm chart, a `helm create` scaffold) and the renders
    // helm committed for them.
    const ALLOY_HELPERS: &str = r##"{{/*
Expand the name of the chart.
*/}}
{{- define "alloy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "alloy.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "alloy.chart" -}}
{{- if index .Values "$chart_tests" }}
{{- printf "%s" .Chart.Name | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/*
Allow the release namespace to be overridden for multi-namespace deployments in combined charts
*/}}
{{- define "alloy.namespace" -}}
{{- if .Values.namespaceOverride }}
{{- .Values.namespaceOverride }}
{{- else }}
{{- .Release.Namespace }}
{{- end }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "alloy.labels" -}}
helm.sh/chart: {{ include "alloy.chart" . }}
{{ include "alloy.selectorLabels" . }}
{{- if index .Values "$chart_tests" }}
app.kubernetes.io/version: "vX.Y.Z"
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- else -}}
{{/* substr trims delimeter prefix char from alloy.imageId output
    e.g. ':' for tags and '@' for digests.
    For digests, we crop the string to a 7-char (short) sha. */}}
app.kubernetes.io/version: {{ (include "alloy.imageId" .) | trimPrefix "@sha256" | trimPrefix ":" | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: alloy
{{- end }}
{{- end }}

{{/*
Selector labels
*/}}
{{- define "alloy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "alloy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "alloy.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "alloy.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Calculate name of image ID to use for "alloy.
*/}}
{{- define "alloy.imageId" -}}
{{- if .Values.image.digest }}
{{- $digest := .Values.image.digest }}
{{- if not (hasPrefix "sha256:" $digest) }}
{{- $digest = printf "sha256:%s" $digest }}
{{- end }}
{{- printf "@%s" $digest }}
{{- else if .Values.image.tag }}
{{- printf ":%s" .Values.image.tag }}
{{- else }}
{{- printf ":%s" .Chart.AppVersion }}
{{- end }}
{{- end }}

{{/*
Calculate name of image ID to use for "config-reloader".
*/}}
{{- define "config-reloader.imageId" -}}
{{- if .Values.configReloader.image.digest }}
{{- $digest := .Values.configReloader.image.digest }}
{{- if not (hasPrefix "sha256:" $digest) }}
{{- $digest = printf "sha256:%s" $digest }}
{{- end }}
{{- printf "@%s" $digest }}
{{- else if .Values.configReloader.image.tag }}
{{- printf ":%s" .Values.configReloader.image.tag }}
{{- else }}
{{- printf ":%s" "v0.8.0" }}
{{- end }}
{{- end }}

{{/*
Return the appropriate apiVersion for ingress.
*/}}
{{- define "alloy.ingress.apiVersion" -}}
{{- if and ($.Capabilities.APIVersions.Has "networking.k8s.io/v1") (semverCompare ">= 1.19-0" .Capabilities.KubeVersion.Version) }}
{{- print "networking.k8s.io/v1" }}
{{- else if $.Capabilities.APIVersions.Has "networking.k8s.io/v1beta1" }}
{{- print "networking.k8s.io/v1beta1" }}
{{- else }}
{{- print "extensions/v1beta1" }}
{{- end }}
{{- end }}

{{/*
Return if ingress is stable.
*/}}
{{- define "alloy.ingress.isStable" -}}
{{- eq (include "alloy.ingress.apiVersion" .) "networking.k8s.io/v1" }}
{{- end }}

{{/*
Return if ingress supports ingressClassName.
*/}}
{{- define "alloy.ingress.supportsIngressClassName" -}}
{{- or (eq (include "alloy.ingress.isStable" .) "true") (and (eq (include "alloy.ingress.apiVersion" .) "networking.k8s.io/v1beta1") (semverCompare ">= 1.18-0" .Capabilities.KubeVersion.Version)) }}
{{- end }}
{{/*
Return if ingress supports pathType.
*/}}
{{- define "alloy.ingress.supportsPathType" -}}
{{- or (eq (include "alloy.ingress.isStable" .) "true") (and (eq (include "alloy.ingress.apiVersion" .) "networking.k8s.io/v1beta1") (semverCompare ">= 1.18-0" .Capabilities.KubeVersion.Version)) }}
{{- end }}

{{/*
Return the appropriate apiVersion for PodDisruptionBudget.
*/}}
{{- define "alloy.controller.pdb.apiVersion" -}}
  {{- if and (.Capabilities.APIVersions.Has "policy/v1") (semverCompare ">=1.21-0" .Capabilities.KubeVersion.Version) -}}
    {{- print "policy/v1" -}}
  {{- else -}}
    {{- print "policy/v1beta1" -}}
  {{- end -}}
{{- end -}}
"##;
    const ALLOY_CONFIG: &str = r##"{{/*
Retrieve configMap name from the name of the chart or the ConfigMap the user
specified.
*/}}
{{- define "alloy.config-map.name" -}}
{{- $values := (mustMergeOverwrite .Values.alloy (or .Values.agent dict)) -}}
{{- if $values.configMap.name -}}
{{- $values.configMap.name }}
{{- else -}}
{{- include "alloy.fullname" . }}
{{- end }}
{{- end }}

{{/*
The name of the config file is the default or the key the user specified in the
ConfigMap.
*/}}
{{- define "alloy.config-map.key" -}}
{{- $values := (mustMergeOverwrite .Values.alloy (or .Values.agent dict)) -}}
{{- if $values.configMap.key -}}
{{- $values.configMap.key }}
{{- else -}}
config.alloy
{{- end }}
{{- end }}
"##;
    const ALLOY_POD: &str = r##"{{- define "alloy.pod-template" -}}
{{- $values := (mustMergeOverwrite .Values.alloy (or .Values.agent dict)) -}}
metadata:
  annotations:
    kubectl.kubernetes.io/default-container: alloy
    {{- if and (not .Values.configReloader.enabled) $values.configMap.create $values.configMap.content }}
    checksum/config: {{ (tpl  $values.configMap.content .) | sha256sum | trunc 63 }}
    {{- end }}
    {{- with .Values.controller.podAnnotations }}
      {{- toYaml . | nindent 4 }}
    {{- end }}
  labels:
    {{- include "alloy.selectorLabels" . | nindent 4 }}
    {{- with .Values.controller.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- with .Values.global.podSecurityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  serviceAccountName: {{ include "alloy.serviceAccountName" . }}
  {{- if or .Values.global.image.pullSecrets .Values.image.pullSecrets }}
  imagePullSecrets:
    {{- if .Values.global.image.pullSecrets }}
    {{- toYaml .Values.global.image.pullSecrets | nindent 4 }}
    {{- else }}
    {{- toYaml .Values.image.pullSecrets | nindent 4 }}
    {{- end }}
  {{- end }}
  {{- if .Values.controller.initContainers }}
  initContainers:
    {{- with .Values.controller.initContainers }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
  containers:
    {{- include "alloy.container" . | nindent 4 }}
    {{- include "alloy.watch-container" . | nindent 4 }}
    {{- with .Values.controller.extraContainers }}
    {{- toYaml . | nindent 4 }}
    {{- end}}
  {{- if .Values.controller.priorityClassName }}
  priorityClassName: {{ .Values.controller.priorityClassName }}
  {{- end }}
  {{- if .Values.controller.hostNetwork }}
  hostNetwork: {{ .Values.controller.hostNetwork }}
  {{- end }}
  {{- if .Values.controller.hostPID }}
  hostPID: {{ .Values.controller.hostPID }}
  {{- end }}
  dnsPolicy: {{ .Values.controller.dnsPolicy }}
  {{- with .Values.controller.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .Values.controller.terminationGracePeriodSeconds }}
  terminationGracePeriodSeconds: {{ .Values.controller.terminationGracePeriodSeconds | int }}
  {{- end }}
  {{- with .Values.controller.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.controller.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.controller.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  volumes:
    - name: config
      configMap:
        name: {{ include "alloy.config-map.name" . }}
    {{- if $values.mounts.varlog }}
    - name: varlog
      hostPath:
        path: /var/log
    {{- end }}
    {{- if $values.mounts.dockercontainers }}
    - name: dockercontainers
      hostPath:
        path: /var/lib/docker/containers
    {{- end }}
    {{- if .Values.controller.volumes.extra }}
    {{- toYaml .Values.controller.volumes.extra | nindent 4 }}
    {{- end }}
  {{- if $values.hostAliases }}
  hostAliases:
    {{- toYaml $values.hostAliases | nindent 4 }}
  {{- end }}
{{- end }}
"##;
    const ALLOY_AGENT: &str = r##"{{- define "alloy.container" -}}
{{- $values := (mustMergeOverwrite .Values.alloy (or .Values.agent dict)) -}}
- name: alloy
  image: {{ .Values.global.image.registry | default .Values.image.registry }}/{{ .Values.image.repository }}{{ include "alloy.imageId" . }}
  imagePullPolicy: {{ .Values.global.image.pullPolicy | default .Values.image.pullPolicy }}
  {{- with $values.command }}
  command:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  args:
    - run
    - /etc/alloy/{{ include "alloy.config-map.key" . }}
    - --storage.path={{ $values.storagePath }}
    - --server.http.listen-addr={{ $values.listenAddr }}:{{ $values.listenPort }}
    - --server.http.ui-path-prefix={{ $values.uiPathPrefix }}
    {{- if not $values.enableReporting }}
    - --disable-reporting
    {{- end}}
    {{- if $values.clustering.enabled }}
    - --cluster.enabled=true
    - --cluster.join-addresses={{ include "alloy.fullname" . }}-cluster
    {{- if $values.clustering.name }}
    - --cluster.name={{ $values.clustering.name }}
    {{- end}}
    {{- end}}
    {{- if $values.stabilityLevel }}
    - --stability.level={{ $values.stabilityLevel }}
    {{- end }}
    {{- range $values.extraArgs }}
    - {{ . }}
    {{- end}}
  env:
    - name: ALLOY_DEPLOY_MODE
      value: "helm"
    - name: HOSTNAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    - name: K8S_NODE_NAME {{- /* Default used by some Alloy components */}}
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    {{- with $values.extraEnv }}
      {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- if $values.envFrom }}
  envFrom:
    {{- toYaml $values.envFrom | nindent 4 }}
  {{- end }}
  {{- if or $values.enableHttpServerPort (gt (len $values.extraPorts) 0) }}
  ports:
    {{- if $values.enableHttpServerPort }}
    - containerPort: {{ $values.listenPort }}
      name: http-metrics
    {{- end }}
    {{- range $portMap := $values.extraPorts }}
    - containerPort: {{ $portMap.targetPort }}
      {{- if $portMap.hostPort }}
      hostPort: {{ $portMap.hostPort }}
      {{- end}}
      name: {{ $portMap.name }}
      protocol: {{ coalesce $portMap.protocol "TCP" }}
    {{- end }}
  {{- end }}
  {{- if $values.enableHttpServerPort }}
  readinessProbe:
    httpGet:
      path: /-/ready
      port: {{ $values.listenPort }}
      scheme: {{ $values.listenScheme }}
    initialDelaySeconds: {{ $values.initialDelaySeconds }}
    timeoutSeconds: {{ $values.timeoutSeconds }}
  {{- end }}
  {{- with $values.livenessProbe }}
  livenessProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $values.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $values.lifecycle }}
  lifecycle:
  {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $values.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  volumeMounts:
    - name: config
      mountPath: /etc/alloy
    {{- if $values.mounts.varlog }}
    - name: varlog
      mountPath: /var/log
      readOnly: true
    {{- end }}
    {{- if $values.mounts.dockercontainers }}
    - name: dockercontainers
      mountPath: /var/lib/docker/containers
      readOnly: true
    {{- end }}
    {{- with $values.mounts.extra }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}
"##;
    const ALLOY_WATCH: &str = r##"{{- define "alloy.watch-container" -}}
{{- $values := (mustMergeOverwrite .Values.alloy (or .Values.agent dict)) -}}
{{- if .Values.configReloader.enabled -}}
- name: config-reloader
  image: {{ .Values.global.image.registry | default .Values.configReloader.image.registry }}/{{ .Values.configReloader.image.repository }}{{ include "config-reloader.imageId" . }}
  imagePullPolicy: {{ .Values.global.image.pullPolicy | default .Values.configReloader.image.pullPolicy }}
  {{- if .Values.configReloader.customArgs }}
  args:
    {{- toYaml .Values.configReloader.customArgs | nindent 4 }}
  {{- else }}
  args:
    - --watched-dir=/etc/alloy
    - --reload-url=http://localhost:{{ $values.listenPort }}/-/reload
  {{- end }}
  volumeMounts:
    - name: config
      mountPath: /etc/alloy
  {{- with .Values.configReloader.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.configReloader.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end -}}
"##;
    const ALLOY_DEPLOYMENT: &str = r##"{{- if eq .Values.controller.type "deployment" }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "alloy.fullname" . }}
  namespace: {{ include "alloy.namespace" . }}
  labels:
    {{- include "alloy.labels" . | nindent 4 }}
    {{- with .Values.controller.extraLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.controller.extraAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- if ne (int .Values.controller.revisionHistoryLimit) 10 }}
  revisionHistoryLimit: {{ .Values.controller.revisionHistoryLimit }}
  {{- end }}
  {{- if (and (not .Values.controller.autoscaling.enabled) (not .Values.controller.autoscaling.horizontal.enabled) (not .Values.controller.autoscaling.horizontal.externalHPA)) }}
  replicas: {{ .Values.controller.replicas }}
  {{- end }}
  {{- if ge (int .Capabilities.KubeVersion.Minor) 22 }}
  minReadySeconds: {{ .Values.controller.minReadySeconds }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "alloy.selectorLabels" . | nindent 6 }}
  template:
    {{- include "alloy.pod-template" . | nindent 4 }}
  {{- with .Values.controller.updateStrategy }}
  strategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
"##;
    const ALLOY_HPA: &str = r##"{{- $values := (mustMergeOverwrite .Values.alloy (or .Values.agent dict)) -}}
{{- if and (or (eq .Values.controller.type "deployment") (eq .Values.controller.type "statefulset" )) (or .Values.controller.autoscaling.horizontal.enabled .Values.controller.autoscaling.enabled) (not .Values.controller.autoscaling.horizontal.externalHPA) }}
{{ $autoscaling := .Values.controller.autoscaling }}
{{- if .Values.controller.autoscaling.horizontal.enabled }}
{{- $autoscaling = .Values.controller.autoscaling.horizontal }}
{{- end }}
{{- if (not (empty $autoscaling.targetMemoryUtilizationPercentage)) }}
  {{- $_ := $values.resources.requests | required ".Values.alloy.resources.requests is required when using autoscaling." -}}
  {{- $_ := $values.resources.requests.memory | required ".Values.alloy.resources.requests.memory is required when using autoscaling based on memory utilization." -}}
  {{- $_ := .Values.configReloader.resources.requests  | required ".Values.configReloader.resources.requests is required when using autoscaling." -}}
  {{- $_ := .Values.configReloader.resources.requests.memory  | required ".Values.configReloader.resources.requests.memory is required when using autoscaling based on memory utilization." -}}
{{- end}}
{{- if (not (empty $autoscaling.targetCPUUtilizationPercentage)) }}
  {{- $_ := $values.resources.requests | required ".Values.alloy.resources.requests is required when using autoscaling." -}}
  {{- $_ := $values.resources.requests.cpu | required ".Values.alloy.resources.requests.cpu is required when using autoscaling based on cpu utilization." -}}
  {{- $_ := .Values.configReloader.resources.requests  | required ".Values.configReloader.resources.requests is required when using autoscaling." -}}
  {{- $_ := .Values.configReloader.resources.requests.cpu  | required ".Values.configReloader.resources.requests.cpu is required when using autoscaling based on cpu utilization." -}}
{{- end}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "alloy.fullname" . }}
  namespace: {{ include "alloy.namespace" . }}
  labels:
    {{- include "alloy.labels" . | nindent 4 }}
    app.kubernetes.io/component: availability
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {{ .Values.controller.type  }}
    name: {{ include "alloy.fullname" . }}
  {{- with $autoscaling }}
  minReplicas: {{ .minReplicas }}
  maxReplicas: {{ .maxReplicas }}
  behavior:
    {{- with .scaleDown }}
    scaleDown:
      {{- if .policies }}
      policies:
        {{- range .policies }}
        - type: {{ .type }}
          value: {{ .value }}
          periodSeconds: {{ .periodSeconds }}
        {{- end }}
      selectPolicy: {{ .selectPolicy }}
      {{- end }}
      stabilizationWindowSeconds: {{ .stabilizationWindowSeconds }}
    {{- end }}
    {{- with .scaleUp }}
    scaleUp:
      {{- if .policies }}
      policies:
        {{- range .policies }}
        - type: {{ .type }}
          value: {{ .value }}
          periodSeconds: {{ .periodSeconds }}
        {{- end }}
      selectPolicy: {{ .selectPolicy }}
      {{- end }}
      stabilizationWindowSeconds: {{ .stabilizationWindowSeconds }}
    {{- end }}
  metrics:
    # Changing the order of the metrics will cause ArgoCD to go into a sync loop
    # memory needs to be first.
    # More info in: https://github.com/argoproj/argo-cd/issues/1079
    {{- with .targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with .targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  {{- end }}
{{- end }}
"##;
    const ALLOY_PDB: &str = r##"{{- if .Values.controller.podDisruptionBudget.enabled }}
{{- if eq .Values.controller.type "daemonset" }}
{{- fail "PDBs (Pod Disruption Budgets) are not intended for DaemonSets. Please use a different controller type." }}
{{- end }}

{{- if and .Values.controller.podDisruptionBudget.minAvailable .Values.controller.podDisruptionBudget.maxUnavailable }}
{{- fail "Only one of minAvailable or maxUnavailable should be defined for PodDisruptionBudget" }}
{{- end }}

{{- if not (or .Values.controller.podDisruptionBudget.minAvailable .Values.controller.podDisruptionBudget.maxUnavailable) }}
{{- fail "Either minAvailable or maxUnavailable must be defined for PodDisruptionBudget" }}
{{- end }}

apiVersion: {{ include "alloy.controller.pdb.apiVersion" . }}
kind: PodDisruptionBudget
metadata:
  name: {{ include "alloy.fullname" . }}
  namespace: {{ include "alloy.namespace" . }}
  labels:
    {{- include "alloy.labels" . | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- include "alloy.selectorLabels" . | nindent 6 }}
  {{- if .Values.controller.podDisruptionBudget.minAvailable }}
  minAvailable: {{ .Values.controller.podDisruptionBudget.minAvailable }}
  {{- end }}
  {{- if .Values.controller.podDisruptionBudget.maxUnavailable }}
  maxUnavailable: {{ .Values.controller.podDisruptionBudget.maxUnavailable }}
  {{- end }}
{{- end }}
"##;
    /// The chart's values.yaml without its comment lines.
    const ALLOY_VALUES: &str = r##"nameOverride: null
namespaceOverride: null
fullnameOverride: null
global:
  image:
    registry: ""
    pullSecrets: []
    pullPolicy: ""
  podSecurityContext: {}
crds:
  create: true
alloy:
  configMap:
    create: true
    content: ''
    name: null
    key: null
  clustering:
    enabled: false
    name: ""
    portName: http
  stabilityLevel: "generally-available"
  storagePath: /tmp/alloy
  enableHttpServerPort: true
  listenAddr: 0.0.0.0
  listenPort: 12345
  listenScheme: HTTP
  initialDelaySeconds: 10
  timeoutSeconds: 1
  uiPathPrefix: /
  enableReporting: true
  extraEnv: []
  envFrom: []
  command: []
  extraArgs: []
  extraPorts: []
  hostAliases: []
  mounts:
    varlog: false
    dockercontainers: false
    extra: []
  securityContext: {}
  resources: {}
  lifecycle: {}
  livenessProbe: {}
image:
  registry: "docker.io"
  repository: grafana/alloy
  tag: null
  digest: null
  pullPolicy: IfNotPresent
  pullSecrets: []
rbac:
  create: true
  namespaces: []
  rules:
    - apiGroups: ["", "discovery.k8s.io", "networking.k8s.io"]
      resources: ["endpoints", "endpointslices", "ingresses", "pods", "services"]
      verbs: ["get", "list", "watch"]
    - apiGroups: [""]
      resources: ["pods", "pods/log", "namespaces"]
      verbs: ["get", "list", "watch"]
    - apiGroups: ["monitoring.grafana.com"]
      resources: ["podlogs"]
      verbs: ["get", "list", "watch"]
    - apiGroups: ["monitoring.coreos.com"]
      resources: ["prometheusrules"]
      verbs: ["get", "list", "watch"]
    - apiGroups: ["monitoring.coreos.com"]
      resources: ["alertmanagerconfigs"]
      verbs: ["get", "list", "watch"]
    - apiGroups: ["monitoring.coreos.com"]
      resources: ["podmonitors", "servicemonitors", "probes", "scrapeconfigs"]
      verbs: ["get", "list", "watch"]
    - apiGroups: [""]
      resources: ["events"]
      verbs: ["get", "list", "watch"]
    - apiGroups: [""]
      resources: ["configmaps", "secrets"]
      verbs: ["get", "list", "watch"]
    - apiGroups: ["apps", "extensions"]
      resources: ["replicasets"]
      verbs: ["get", "list", "watch"]
  clusterRules:
    - apiGroups: [""]
      resources: ["nodes"]
      verbs: ["get", "list", "watch"]
    - apiGroups: [""]
      resources: ["nodes/pods"]
      verbs: ["get", "list", "watch"]
    - apiGroups: [""]
      resources: ["nodes/metrics"]
      verbs: ["get", "list", "watch"]
    - nonResourceURLs: ["/metrics"]
      verbs: ["get"]
serviceAccount:
  create: true
  additionalLabels: {}
  annotations: {}
  name: null
  automountServiceAccountToken: true
configReloader:
  enabled: true
  image:
    registry: "quay.io"
    repository: prometheus-operator/prometheus-config-reloader
    tag: v0.91.0@sha256:7d9e4eea5f1139e602508871f422b0116c60e87c662f3dcd234d5ab60cd0d8c1
    digest: ""
    pullPolicy: IfNotPresent
  customArgs: []
  resources:
    requests:
      cpu: "10m"
      memory: "50Mi"
  securityContext:
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities:
      drop:
        - ALL
    runAsNonRoot: true
    runAsUser: 65534
    runAsGroup: 65534
    seccompProfile:
      type: RuntimeDefault
controller:
  type: 'daemonset'
  replicas: 1
  extraLabels: {}
  extraAnnotations: {}
  parallelRollout: true
  minReadySeconds: 10
  hostNetwork: false
  hostPID: false
  dnsPolicy: ClusterFirst
  terminationGracePeriodSeconds: null
  revisionHistoryLimit: 10
  updateStrategy: {}
  nodeSelector: {}
  tolerations: []
  topologySpreadConstraints: []
  priorityClassName: ''
  podAnnotations: {}
  podLabels: {}
  podDisruptionBudget:
    enabled: false
    minAvailable: null
    maxUnavailable: null
  enableStatefulSetAutoDeletePVC: false
  autoscaling:
    enabled: false
    minReplicas: 1
    maxReplicas: 5
    targetCPUUtilizationPercentage: 0
    targetMemoryUtilizationPercentage: 80
    scaleDown:
      policies: []
      selectPolicy: Max
      stabilizationWindowSeconds: 300
    scaleUp:
      policies: []
      selectPolicy: Max
      stabilizationWindowSeconds: 0
    horizontal:
      enabled: false
      externalHPA: false
      minReplicas: 1
      maxReplicas: 5
      targetCPUUtilizationPercentage: 0
      targetMemoryUtilizationPercentage: 80
      scaleDown:
        policies: []
        selectPolicy: Max
        stabilizationWindowSeconds: 300
      scaleUp:
        policies: []
        selectPolicy: Max
        stabilizationWindowSeconds: 0
    vertical:
      enabled: false
      recommenders: []
      resourcePolicy:
        containerPolicies:
        - containerName: alloy
          controlledResources:
          - cpu
          - memory
          controlledValues: "RequestsAndLimits"
          maxAllowed: {}
          minAllowed: {}
      updatePolicy:
  affinity: {}
  volumes:
    extra: []
  volumeClaimTemplates: []
  initContainers: []
  extraContainers: []
networkPolicy:
  enabled: false
  flavor: kubernetes
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - {}
  egress:
    - {}
service:
  enabled: true
  type: ClusterIP
  nodePort: 31128
  clusterIP: ''
  internalTrafficPolicy: Cluster
  externalTrafficPolicy: Cluster
  annotations: {}
serviceMonitor:
  enabled: false
  additionalLabels: {}
  interval: ""
  metricRelabelings: []
  tlsConfig: {}
  relabelings: []
ingress:
  enabled: false
  annotations:
    {}
  labels: {}
  path: /
  faroPort: 12347
  pathType: Prefix
  hosts:
    - chart-example.local
  extraPaths: []
  tls: []
extraObjects: []
"##;
    const ALLOY_CI_AUTOSCALING: &str = r##"# Test rendering of the chart with the controller explicitly set to Deployment and autoscaling enabled.
controller:
  type: deployment
  autoscaling:
    horizontal:
      enabled: true
      scaleDown:
        policies:
          - type: Pods
            value: 4
            periodSeconds: 60
        selectPolicy: Min
        stabilizationWindowSeconds: 100
      scaleUp:
        policies:
          - type: Pods
            value: 4
            periodSeconds: 60
          - type: Percent
            value: 100
            periodSeconds: 15
        stabilizationWindowSeconds: 80
alloy:
  resources:
    requests:
      memory: 100Mi
"##;
    const ALLOY_CI_PDB: &str = r##"controller:
  type: deployment
  podDisruptionBudget:
    enabled: true
    maxUnavailable: 1
"##;
    const ALLOY_CI_STS_AUTOSCALING: &str = r##"# Test rendering of the chart with the controller explicitly set to StatefulSet and autoscaling the old way enabled.
controller:
  type: statefulset
  autoscaling:
    enabled: true
    scaleDown:
      policies:
        - type: Pods
          value: 4
          periodSeconds: 60
      selectPolicy: Min
      stabilizationWindowSeconds: 100
    scaleUp:
      policies:
        - type: Pods
          value: 4
          periodSeconds: 60
        - type: Percent
          value: 100
          periodSeconds: 15
      stabilizationWindowSeconds: 80
  enableStatefulSetAutoDeletePVC: true
alloy:
  resources:
    requests:
      memory: 100Mi
"##;
    const RENDERED_HPA: &str = r##"---
# Source: alloy/templates/hpa.yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: alloy
  namespace: default
  labels:
    helm.sh/chart: alloy
    app.kubernetes.io/name: alloy
    app.kubernetes.io/instance: alloy
    app.kubernetes.io/version: "vX.Y.Z"
    app.kubernetes.io/managed-by: Helm
    app.kubernetes.io/component: availability
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: deployment
    name: alloy
  minReplicas: 1
  maxReplicas: 5
  behavior:
    scaleDown:
      policies:
        - type: Pods
          value: 4
          periodSeconds: 60
      selectPolicy: Min
      stabilizationWindowSeconds: 100
    scaleUp:
      policies:
        - type: Pods
          value: 4
          periodSeconds: 60
        - type: Percent
          value: 100
          periodSeconds: 15
      selectPolicy: Max
      stabilizationWindowSeconds: 80
  metrics:
    # Changing the order of the metrics will cause ArgoCD to go into a sync loop
    # memory needs to be first.
    # More info in: https://github.com/argoproj/argo-cd/issues/1079
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: 80
"##;
    const RENDERED_DEPLOYMENT: &str = r##"---
# Source: alloy/templates/controllers/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: alloy
  namespace: default
  labels:
    helm.sh/chart: alloy
    app.kubernetes.io/name: alloy
    app.kubernetes.io/instance: alloy
    app.kubernetes.io/version: "vX.Y.Z"
    app.kubernetes.io/managed-by: Helm
spec:
  minReadySeconds: 10
  selector:
    matchLabels:
      app.kubernetes.io/name: alloy
      app.kubernetes.io/instance: alloy
  template:
    metadata:
      annotations:
        kubectl.kubernetes.io/default-container: alloy
      labels:
        app.kubernetes.io/name: alloy
        app.kubernetes.io/instance: alloy
    spec:
      serviceAccountName: alloy
      containers:
        - name: alloy
          image: docker.io/grafana/alloy:v1.18.1
          imagePullPolicy: IfNotPresent
          args:
            - run
            - /etc/alloy/config.alloy
            - --storage.path=/tmp/alloy
            - --server.http.listen-addr=0.0.0.0:12345
            - --server.http.ui-path-prefix=/
            - --stability.level=generally-available
          env:
            - name: ALLOY_DEPLOY_MODE
              value: "helm"
            - name: HOSTNAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
            - name: K8S_NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
          ports:
            - containerPort: 12345
              name: http-metrics
          readinessProbe:
            httpGet:
              path: /-/ready
              port: 12345
              scheme: HTTP
            initialDelaySeconds: 10
            timeoutSeconds: 1
          resources:
            requests:
              memory: 100Mi
          volumeMounts:
            - name: config
              mountPath: /etc/alloy
        - name: config-reloader
          image: quay.io/prometheus-operator/prometheus-config-reloader:v0.91.0@sha256:7d9e4eea5f1139e602508871f422b0116c60e87c662f3dcd234d5ab60cd0d8c1
          imagePullPolicy: IfNotPresent
          args:
            - --watched-dir=/etc/alloy
            - --reload-url=http://localhost:12345/-/reload
          volumeMounts:
            - name: config
              mountPath: /etc/alloy
          resources:
            requests:
              cpu: 10m
              memory: 50Mi
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop:
              - ALL
            readOnlyRootFilesystem: true
            runAsGroup: 65534
            runAsNonRoot: true
            runAsUser: 65534
            seccompProfile:
              type: RuntimeDefault
      dnsPolicy: ClusterFirst
      volumes:
        - name: config
          configMap:
            name: alloy
"##;
    const RENDERED_PDB: &str = r##"---
# Source: alloy/templates/pdb.yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: alloy
  namespace: default
  labels:
    helm.sh/chart: alloy
    app.kubernetes.io/name: alloy
    app.kubernetes.io/instance: alloy
    app.kubernetes.io/version: "vX.Y.Z"
    app.kubernetes.io/managed-by: Helm
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: alloy
      app.kubernetes.io/instance: alloy
  maxUnavailable: 1
"##;
    const RENDERED_STS_HPA: &str = r##"---
# Source: alloy/templates/hpa.yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: alloy
  namespace: default
  labels:
    helm.sh/chart: alloy
    app.kubernetes.io/name: alloy
    app.kubernetes.io/instance: alloy
    app.kubernetes.io/version: "vX.Y.Z"
    app.kubernetes.io/managed-by: Helm
    app.kubernetes.io/component: availability
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: statefulset
    name: alloy
  minReplicas: 1
  maxReplicas: 5
  behavior:
    scaleDown:
      policies:
        - type: Pods
          value: 4
          periodSeconds: 60
      selectPolicy: Min
      stabilizationWindowSeconds: 100
    scaleUp:
      policies:
        - type: Pods
          value: 4
          periodSeconds: 60
        - type: Percent
          value: 100
          periodSeconds: 15
      selectPolicy: Max
      stabilizationWindowSeconds: 80
  metrics:
    # Changing the order of the metrics will cause ArgoCD to go into a sync loop
    # memory needs to be first.
    # More info in: https://github.com/argoproj/argo-cd/issues/1079
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: 80
"##;
    const SCAFFOLD_HELPERS: &str = r##"{{/*
Expand the name of the chart.
*/}}
{{- define "chart.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "chart.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "chart.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "chart.labels" -}}
helm.sh/chart: {{ include "chart.chart" . }}
{{ include "chart.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels
*/}}
{{- define "chart.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chart.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "chart.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "chart.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}
"##;
    const SCAFFOLD_HPA: &str = r##"{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "chart.fullname" . }}
  labels:
    {{- include "chart.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "chart.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    {{- if .Values.autoscaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: "Utilization"
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
    {{- end }}
    {{- if .Values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: "Utilization"
          averageUtilization: {{ .Values.autoscaling.targetMemoryUtilizationPercentage }}
    {{- end }}
{{- end }}
"##;
    const SCAFFOLD_DEPLOYMENT: &str = r##"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "chart.fullname" . }}
  labels:
    {{- include "chart.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: {{ .Values.revisionHistoryLimit }}
  selector:
    matchLabels:
      {{- include "chart.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      labels:
        {{- include "chart.selectorLabels" . | nindent 8 }}
    spec:
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      serviceAccountName: {{ include "chart.serviceAccountName" . }}
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .Chart.Name }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          command:
          {{- range .Values.command }}
            - {{ . | quote }}
          {{- end }}
          ports:
            - name: http
              containerPort: 3000
              protocol: TCP
          {{- if .Values.serverEnvs }}
          env:
            {{- .Values.serverEnvs | toYaml | nindent 12 }}
          {{- end }}
          {{- if .Values.secretEnvName }}
          envFrom:
            - secretRef:
                name: {{ .Values.secretEnvName }}
          {{- end }}
          livenessProbe:
            exec:
              command:
                - /bin/bash
                - -c
                - echo "OK"
            failureThreshold: 2
            periodSeconds: 10
          readinessProbe:
            httpGet:
              path: /ping
              port: http
            periodSeconds: 5
          startupProbe:
            httpGet:
              path: /ping
              port: http
            failureThreshold: 60
            periodSeconds: 10
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          volumeMounts:
          {{- if .Values.additionalVolumeMounts }}
            {{- toYaml .Values.additionalVolumeMounts | nindent 12 }}
          {{- end }}
        {{- if .Values.sideContainer.enabled }}
        - name: {{ .Values.sideContainer.name}}
          image: "{{ .Values.sideContainer.image.path }}:{{ .Values.sideContainer.image.tag }}"
          imagePullPolicy: {{ .Values.sideContainer.image.pullPolicy }}
          command:
          {{- range .Values.sideContainer.command }}
            - {{ . | quote }}
          {{- end }}
          livenessProbe:
            exec:
              command:
                - /bin/bash
                - -c
                - echo "OK"
            initialDelaySeconds: 10
            periodSeconds: 5
          startupProbe:
            httpGet:
              path: /ping
              port: http
            failureThreshold: 9
            periodSeconds: 10
          readinessProbe:
            httpGet:
              path: /ping
              port: http
            initialDelaySeconds: 10
            periodSeconds: 30
          resources:
            {{- toYaml .Values.sideContainer.resources | nindent 12 }}
          volumeMounts:
            {{- if .Values.additionalVolumeMounts }}
              {{- toYaml .Values.additionalVolumeMounts | nindent 12 }}
            {{- end }}
          {{- if .Values.sideContainer.serverEnvs }}
          env:
            {{- .Values.sideContainer.serverEnvs | toYaml | nindent 12 }}
          {{- end }}
          {{- if .Values.sideContainer.secretEnvName }}
          envFrom:
            - secretRef:
                name: {{ .Values.sideContainer.secretEnvName }}
          {{- end }}
        {{- end }}
      initContainers:
      {{- if .Values.initContainers }}
        {{- toYaml .Values.initContainers | nindent 8 }}
      {{- end }}
      volumes:
      {{- if .Values.additionalVolumes }}
        {{- toYaml .Values.additionalVolumes | nindent 8 }}
      {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
"##;
    const SCAFFOLD_VALUES: &str = r##"replicaCount: 1
revisionHistoryLimit: 2
image:
  repository: 9555v10x.gra7.container-registry.ovh.net/geoplateforme_private/geocodeur
  pullPolicy: IfNotPresent
imagePullSecrets:
  - name: regcred-prd
nameOverride: ""
fullnameOverride: ""
serviceAccount:
  create: false
  annotations: {}
  name: ""
podAnnotations: {}
podSecurityContext:
  {}
securityContext:
  {}
serverEnvs: {}
service:
  type: ClusterIP
  port: 80
ingress:
  enabled: false
resources:
  {}
autoscaling:
  enabled: false
  minReplicas: 1
  maxReplicas: 100
  targetCPUUtilizationPercentage: 80
nodeSelector: {}
tolerations: []
affinity: {}
sideContainer:
  enabled: false
"##;
}

//! PromQL expressions: validity, where an error is, and which metrics a query selects.
//!
//! `promql-parser` (Prometheus' own grammar and lexer, maintained by Greptime) decides whether
//! an expression is valid and produces its AST. It reports parse errors without a position,
//! so we locate them ourselves: lexer errors by re-lexing prefixes of the expression with the
//! same lexer, parse errors by walking its token stream with a small recursive-descent
//! reading of the same grammar. Positions are byte offsets into the expression text; the
//! caller maps them into the YAML scalar (`scalar_offsets`).

use lrpar::{Lexeme, Lexer};
use promql_parser::label::{METRIC_NAME, MatchOp};
use promql_parser::parser::token::*;
use promql_parser::parser::{self, Expr};
use promql_parser::util::{ExprVisitor, unquote_string, walk_expr};
use std::collections::HashSet;

/// Expressions longer than this are not parsed: the crate builds recursive structures whose
/// depth follows the expression, and no real rule is anywhere near this long.
pub const MAX_LEN: usize = 16 * 1024;
/// Bracket nesting beyond which an expression is not parsed.
pub const MAX_DEPTH: usize = 256;
/// Operators (each may nest the AST one level deeper) beyond which it is not parsed.
pub const MAX_OPS: usize = 1000;

/// A PromQL error at content offsets `start..end` of the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// A metric an expression selects, by name (`foo`, `{__name__="foo"}`, `{"foo"}`) or by a
/// `__name__` regex; `start..end` is where the name is written in the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricRef {
    pub name: String,
    pub regex: bool,
    pub start: usize,
    pub end: usize,
}

/// What checking an expression found.
#[derive(Debug)]
pub enum Checked {
    Valid(Vec<MetricRef>),
    Invalid(SyntaxError),
    /// Too long or too deeply nested to parse safely; not judged.
    TooLarge,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    id: TokenId,
    start: usize,
    end: usize,
}

/// Check one expression.
pub fn check(text: &str) -> Checked {
    let (depth, ops) = nesting(text);
    if text.len() > MAX_LEN || depth > MAX_DEPTH || ops > MAX_OPS {
        return Checked::TooLarge;
    }
    match parser::parse(text) {
        Ok(ast) => {
            let names = selected_names(&ast);
            let toks = tokens(text).unwrap_or_default();
            Checked::Valid(metric_refs(text, &toks, &names))
        }
        Err(message) => Checked::Invalid(locate(text, message)),
    }
}

/// How deep the crate's structures could nest: the bracket depth, and the number of
/// operators (a chain of binary or unary operators nests one level per operator).
fn nesting(text: &str) -> (usize, usize) {
    let mut depth = 0usize;
    let mut max = 0usize;
    let mut ops = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '+' | '-' | '*' | '/' | '%' | '^' | '<' | '>' | '=' | '!' => ops += 1,
            _ => {}
        }
    }
    ops += text
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| matches!(*w, "and" | "or" | "unless" | "atan2"))
        .count();
    (max, ops)
}

/// The crate's token stream, when the expression lexes.
fn tokens(text: &str) -> Option<Vec<Tok>> {
    let lexer = parser::lexer(text).ok()?;
    let toks = lexer
        .iter()
        .filter_map(Result::ok)
        .filter(|l| !matches!(l.tok_id(), T_EOF | T_SPACE | T_COMMENT))
        .map(|l| Tok {
            id: l.tok_id(),
            start: l.span().start(),
            end: l.span().end(),
        })
        .collect();
    Some(toks)
}

/// Metric names (and `__name__` regexes) the AST selects.
fn selected_names(ast: &Expr) -> HashSet<String> {
    struct Names(HashSet<String>);
    impl ExprVisitor for Names {
        type Error = ();
        fn pre_visit(&mut self, e: &Expr) -> Result<bool, ()> {
            let vs = match e {
                Expr::VectorSelector(vs) => vs,
                Expr::MatrixSelector(ms) => &ms.vs,
                _ => return Ok(true),
            };
            if let Some(n) = &vs.name {
                self.0.insert(n.clone());
            }
            let all = vs
                .matchers
                .matchers
                .iter()
                .chain(vs.matchers.or_matchers.iter().flatten());
            for m in all {
                if m.name == METRIC_NAME && matches!(m.op, MatchOp::Equal | MatchOp::Re(_)) {
                    self.0.insert(m.value.clone());
                }
            }
            Ok(true)
        }
    }
    let mut v = Names(HashSet::new());
    let _ = walk_expr(&mut v, ast);
    v.0
}

fn is_match_op(id: TokenId) -> bool {
    matches!(id, T_EQL | T_NEQ | T_EQL_REGEX | T_NEQ_REGEX)
}

/// Tokens that open a label list: `by (…)`, `on (…)`, `group_left (…)`.
fn opens_label_list(id: TokenId) -> bool {
    matches!(
        id,
        T_BY | T_WITHOUT | T_ON | T_IGNORING | T_GROUP_LEFT | T_GROUP_RIGHT
    )
}

/// A word token: identifiers, and keywords that may also be metric or label names.
fn is_word(id: TokenId) -> bool {
    matches!(id, T_IDENTIFIER | T_METRIC_IDENTIFIER)
        || (id > T_AGGREGATORS_START && id < T_AGGREGATORS_END)
        || (id > T_KEYWORDS_START && id < T_KEYWORDS_END)
        || matches!(id, T_START | T_END | T_LAND | T_LOR | T_LUNLESS | T_ATAN2)
}

/// Where the metric names in `names` are written: selector names outside braces (not a
/// function or aggregation, not in a label list), `__name__` matchers and quoted names.
fn metric_refs(text: &str, toks: &[Tok], names: &HashSet<String>) -> Vec<MetricRef> {
    let mut out = Vec::new();
    let src = |t: &Tok| text.get(t.start..t.end).unwrap_or("");
    let id_at = |i: usize| toks.get(i).map(|t| t.id);
    let mut in_braces = false;
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        match t.id {
            T_LEFT_BRACE => in_braces = true,
            T_RIGHT_BRACE => in_braces = false,
            id if !in_braces && opens_label_list(id) && id_at(i + 1) == Some(T_LEFT_PAREN) => {
                while toks.get(i).is_some_and(|t| t.id != T_RIGHT_PAREN) {
                    i += 1;
                }
            }
            id if !in_braces
                && is_word(id)
                && id_at(i + 1) != Some(T_LEFT_PAREN)
                && names.contains(src(t)) =>
            {
                out.push(MetricRef {
                    name: src(t).to_string(),
                    regex: false,
                    start: t.start,
                    end: t.end,
                });
            }
            T_IDENTIFIER | T_STRING if in_braces => {
                let label = if t.id == T_STRING {
                    unquote_string(src(t)).unwrap_or_default()
                } else {
                    src(t).to_string()
                };
                let op = toks.get(i + 1).map(|o| o.id);
                let value = toks.get(i + 2).filter(|v| v.id == T_STRING);
                if label == METRIC_NAME
                    && matches!(op, Some(T_EQL | T_EQL_REGEX))
                    && let Some(v) = value
                {
                    push_string_ref(text, v, op == Some(T_EQL_REGEX), names, &mut out);
                    i += 3;
                    continue;
                }
                // A quoted metric name: `{"foo", job="x"}`.
                let prev = i.checked_sub(1).and_then(id_at);
                if t.id == T_STRING
                    && matches!(prev, Some(T_LEFT_BRACE | T_COMMA | T_LOR))
                    && !op.is_some_and(is_match_op)
                {
                    push_string_ref(text, t, false, names, &mut out);
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// A metric name written as a string token: point inside the quotes when the text there is
/// the name itself (no escapes), else at the whole string.
fn push_string_ref(
    text: &str,
    t: &Tok,
    regex: bool,
    names: &HashSet<String>,
    out: &mut Vec<MetricRef>,
) {
    let raw = text.get(t.start..t.end).unwrap_or("");
    let Ok(value) = unquote_string(raw) else {
        return;
    };
    if !names.contains(&value) {
        return;
    }
    let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
    let (start, end) = if inner == value {
        (t.start + 1, t.end - 1)
    } else {
        (t.start, t.end)
    };
    out.push(MetricRef {
        name: value,
        regex,
        start,
        end,
    });
}

/// The crate's message for a query it could not parse at all.
const INVALID: &str = "invalid promql query";

/// Where an error the crate reported without a position is.
fn locate(text: &str, message: String) -> SyntaxError {
    let at = |start: usize, end: usize, message: String| SyntaxError {
        start,
        end: end.max(start),
        message,
    };
    let Some(toks) = tokens(text) else {
        let (s, e) = lex_error_at(text, &message);
        return at(s, e, message);
    };
    let first = toks.first().map_or((0, text.len()), |t| (t.start, t.end));
    if toks.is_empty() {
        return at(0, 0, "the expression is empty".to_string());
    }
    if message == INVALID {
        return match Locator::new(text, &toks).run() {
            Some((s, e, what)) => at(s, e, what),
            None => at(
                first.0,
                first.1,
                "not a valid PromQL expression".to_string(),
            ),
        };
    }
    // A semantic error from the grammar's actions: find what it names.
    if let Some((s, e)) = semantic_error_at(text, &toks, &message) {
        return at(s, e, message);
    }
    match Locator::new(text, &toks).run() {
        Some((s, e, _)) => at(s, e, message),
        None => at(first.0, first.1, message),
    }
}

/// Lexer errors: re-lex prefixes to find where the lexer stopped. Errors that only the end of
/// the input reveals point at what is left open (the quote, the bracket).
fn lex_error_at(text: &str, message: &str) -> (usize, usize) {
    let open = scan_open(text);
    let end = text.trim_end().len();
    let one = |at: usize| {
        (
            at,
            at + text
                .get(at..)
                .and_then(|s| s.chars().next())
                .map_or(0, char::len_utf8),
        )
    };
    if message.starts_with("unterminated quoted string") {
        return open.string.map_or((end, end), one);
    }
    let bracket = |c: char| {
        open.brackets
            .iter()
            .rev()
            .find(|(b, _)| *b == c)
            .map_or((end, end), |&(_, at)| one(at))
    };
    if message.contains("unclosed left parenthesis") {
        return bracket('(');
    }
    if message.contains("end of input inside braces") {
        return bracket('{');
    }
    if message.contains("end of input inside brackets") {
        return bracket('[');
    }
    if message.contains("can not be at the end") || message.contains("not terminated") {
        return (end, end);
    }
    // The smallest prefix that fails with the same message ends with the offending character.
    let ends: Vec<usize> = text.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
    let fails = |k: usize| {
        text.get(..k)
            .is_some_and(|p| parser::lexer(p).err().as_deref() == Some(message))
    };
    let idx = ends.partition_point(|&k| !fails(k));
    match ends.get(idx) {
        Some(&k) => {
            let start = text
                .get(..k)
                .and_then(|p| p.char_indices().next_back())
                .map_or(0, |(i, _)| i);
            (start, k)
        }
        None => (0, 0),
    }
}

/// What is left open at the end of `text`: a string and brackets, skipping comments.
struct Open {
    string: Option<usize>,
    brackets: Vec<(char, usize)>,
}

fn scan_open(text: &str) -> Open {
    let mut brackets: Vec<(char, usize)> = Vec::new();
    let mut string: Option<(char, usize)> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if let Some((q, _)) = string {
            if c == '\\' && q != '`' {
                chars.next();
            } else if c == q {
                string = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => string = Some((c, i)),
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => brackets.push((c, i)),
            ')' | ']' | '}' => {
                brackets.pop();
            }
            _ => {}
        }
    }
    Open {
        string: string.map(|(_, at)| at),
        brackets,
    }
}

/// Errors raised by the grammar's actions name what is wrong; find it among the tokens.
fn semantic_error_at(text: &str, toks: &[Tok], message: &str) -> Option<(usize, usize)> {
    let src = |t: &Tok| text.get(t.start..t.end).unwrap_or("");
    let span = |t: &Tok| (t.start, t.end);
    let quoted = message
        .split('\'')
        .nth(1)
        .filter(|q| !q.is_empty() && message.matches('\'').count() >= 2);
    if message.contains("function") {
        let name = quoted?;
        // The call of that function; for a type error, the argument of the first call whose
        // argument does not have the expected shape.
        let calls: Vec<usize> = toks
            .windows(2)
            .enumerate()
            .filter(|(_, w)| {
                w.first().is_some_and(|t| src(t) == name)
                    && w.get(1).is_some_and(|t| t.id == T_LEFT_PAREN)
            })
            .map(|(i, _)| i)
            .collect();
        let wants_range = message.contains("expected type matrix");
        for &c in &calls {
            let close = matching_paren(toks, c + 1)?;
            let arg = toks.get(c + 2..close).unwrap_or(&[]);
            let ends_in_range = arg.last().is_some_and(|t| t.id == T_RIGHT_BRACKET);
            if !message.contains("expected type") || wants_range != ends_in_range {
                return match (arg.first(), arg.last()) {
                    (Some(a), Some(b)) if message.contains("expected type") => {
                        Some((a.start, b.end))
                    }
                    _ => toks.get(c).map(span),
                };
            }
        }
        return calls.first().and_then(|&c| toks.get(c)).map(span);
    }
    let find = |pred: &dyn Fn(&Tok) -> bool| toks.iter().find(|t| pred(t)).map(span);
    if message.contains("bool modifier") || message.contains("must use BOOL") {
        return find(&|t| {
            matches!(
                t.id,
                T_BOOL | T_EQLC | T_NEQ | T_GTR | T_GTE | T_LSS | T_LTE
            )
        });
    }
    if message.contains("group_left") {
        return find(&|t| t.id == T_GROUP_LEFT);
    }
    if message.contains("group_right") {
        return find(&|t| t.id == T_GROUP_RIGHT);
    }
    if message.contains("offset") {
        return find(&|t| t.id == T_OFFSET);
    }
    if message.contains("@") {
        return find(&|t| t.id == T_AT);
    }
    if message.contains("range") || message.contains("subquery") {
        return find(&|t| t.id == T_LEFT_BRACKET);
    }
    if message.contains("vector selector must contain") {
        return find(&|t| t.id == T_LEFT_BRACE);
    }
    if message.contains("label matching")
        || message.contains("label matcher")
        || message.contains("grouping opts")
    {
        let name = quoted?;
        return find(&|t| src(t) == name);
    }
    if let Some(name) = quoted {
        return find(&|t| src(t) == name);
    }
    None
}

/// The index of the `)` matching the `(` at `open`.
fn matching_paren(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.id {
            T_LEFT_PAREN => depth += 1,
            T_RIGHT_PAREN => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// A recursive-descent reading of the crate's grammar (`promql.y`), over its tokens, that
/// finds the first token no valid expression can have there. Only run on expressions the
/// crate rejected; lenient wherever the grammar is (semantic checks are the crate's).
struct Locator<'a> {
    text: &'a str,
    toks: &'a [Tok],
    i: usize,
    depth: usize,
}

/// An error: byte range and what is wrong.
type Found = (usize, usize, String);

const BINARY: &[(TokenId, u8)] = &[
    (T_LOR, 1),
    (T_LAND, 2),
    (T_LUNLESS, 2),
    (T_EQLC, 3),
    (T_NEQ, 3),
    (T_GTE, 3),
    (T_GTR, 3),
    (T_LSS, 3),
    (T_LTE, 3),
    (T_ADD, 4),
    (T_SUB, 4),
    (T_MUL, 5),
    (T_DIV, 5),
    (T_MOD, 5),
    (T_ATAN2, 5),
    (T_POW, 6),
];

fn precedence(id: TokenId) -> Option<u8> {
    BINARY.iter().find(|(t, _)| *t == id).map(|&(_, p)| p)
}

fn is_aggregator(id: TokenId) -> bool {
    id > T_AGGREGATORS_START && id < T_AGGREGATORS_END
}

impl<'a> Locator<'a> {
    fn new(text: &'a str, toks: &'a [Tok]) -> Locator<'a> {
        Locator {
            text,
            toks,
            i: 0,
            depth: 0,
        }
    }

    /// The first error, if this reading finds one.
    fn run(mut self) -> Option<Found> {
        match self.expr(0) {
            Err(e) => e,
            Ok(()) => self
                .peek()
                .map(|t| self.unexpected(t, "after a complete expression")),
        }
    }

    fn peek(&self) -> Option<Tok> {
        self.toks.get(self.i).copied()
    }

    fn peek_id(&self) -> Option<TokenId> {
        self.peek().map(|t| t.id)
    }

    fn next_id(&self) -> Option<TokenId> {
        self.toks.get(self.i + 1).map(|t| t.id)
    }

    fn src(&self, t: Tok) -> &'a str {
        self.text.get(t.start..t.end).unwrap_or("")
    }

    fn unexpected(&self, t: Tok, context: &str) -> Found {
        (
            t.start,
            t.end,
            format!("unexpected `{}` {context}", self.src(t)),
        )
    }

    /// An error at the current token, or at the end of the expression.
    fn fail(&self, context: &str) -> Result<(), Option<Found>> {
        Err(Some(match self.peek() {
            Some(t) => self.unexpected(t, context),
            None => {
                let end = self.text.trim_end().len();
                (end, end, format!("unexpected end of expression {context}"))
            }
        }))
    }

    fn eat(&mut self, id: TokenId) -> bool {
        if self.peek_id() == Some(id) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// `Err(None)`: the reading gave up (too deep); no position.
    fn expr(&mut self, min: u8) -> Result<(), Option<Found>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(None);
        }
        self.unary()?;
        loop {
            self.postfix()?;
            let Some(p) = self.peek_id().and_then(precedence) else {
                break;
            };
            if p < min {
                break;
            }
            self.i += 1;
            self.bin_modifiers()?;
            // `^` is right-associative; the others are left-associative.
            let next = if p == 6 { p } else { p + 1 };
            self.expr(next)?;
        }
        self.depth -= 1;
        Ok(())
    }

    fn unary(&mut self) -> Result<(), Option<Found>> {
        if matches!(self.peek_id(), Some(T_ADD | T_SUB)) {
            self.i += 1;
            // Unary operators bind like `*`, looser than `^`.
            return self.expr(5).map(|_| ());
        }
        self.primary()
    }

    fn postfix(&mut self) -> Result<(), Option<Found>> {
        loop {
            match self.peek_id() {
                Some(T_LEFT_BRACKET) => {
                    let open = self.peek();
                    self.i += 1;
                    if self.eat(T_RIGHT_BRACKET) {
                        continue;
                    }
                    if !(self.eat(T_DURATION) || self.eat(T_NUMBER)) {
                        return self.fail("in a range, expected a duration");
                    }
                    if self.eat(T_COLON) {
                        let _ = self.eat(T_DURATION) || self.eat(T_NUMBER);
                    }
                    if !self.eat(T_RIGHT_BRACKET) {
                        if self.peek().is_none()
                            && let Some(o) = open
                        {
                            return Err(Some((o.start, o.end, "unclosed `[`".to_string())));
                        }
                        return self.fail("in a range, expected `]`");
                    }
                }
                Some(T_OFFSET) => {
                    self.i += 1;
                    let _ = self.eat(T_ADD) || self.eat(T_SUB);
                    if !(self.eat(T_DURATION) || self.eat(T_NUMBER)) {
                        return self.fail("after offset, expected a duration");
                    }
                }
                Some(T_AT) => {
                    self.i += 1;
                    let _ = self.eat(T_ADD) || self.eat(T_SUB);
                    if self.eat(T_NUMBER) || self.eat(T_DURATION) {
                        continue;
                    }
                    if matches!(self.peek_id(), Some(T_START | T_END)) {
                        self.i += 1;
                        if !(self.eat(T_LEFT_PAREN) && self.eat(T_RIGHT_PAREN)) {
                            return self.fail("after @ start/end, expected `()`");
                        }
                        continue;
                    }
                    return self.fail("after @, expected a timestamp, start() or end()");
                }
                _ => return Ok(()),
            }
        }
    }

    fn bin_modifiers(&mut self) -> Result<(), Option<Found>> {
        self.eat(T_BOOL);
        if matches!(self.peek_id(), Some(T_ON | T_IGNORING)) {
            self.i += 1;
            self.label_list()?;
            if matches!(self.peek_id(), Some(T_GROUP_LEFT | T_GROUP_RIGHT)) {
                self.i += 1;
                if self.peek_id() == Some(T_LEFT_PAREN) {
                    self.label_list()?;
                }
            }
        } else if matches!(self.peek_id(), Some(T_GROUP_LEFT | T_GROUP_RIGHT)) {
            return self.fail("without on(…) or ignoring(…) before it");
        }
        while matches!(self.peek_id(), Some(T_FILL | T_FILL_LEFT | T_FILL_RIGHT)) {
            self.i += 1;
            let ok = self.eat(T_LEFT_PAREN)
                && {
                    let _ = self.eat(T_ADD) || self.eat(T_SUB);
                    self.eat(T_NUMBER)
                }
                && self.eat(T_RIGHT_PAREN);
            if !ok {
                return self.fail("in a fill modifier, expected `(number)`");
            }
        }
        Ok(())
    }

    /// `( label, … )` after by, without, on, ignoring, group_left, group_right.
    fn label_list(&mut self) -> Result<(), Option<Found>> {
        let open = self.peek();
        if !self.eat(T_LEFT_PAREN) {
            let after = self
                .i
                .checked_sub(1)
                .and_then(|i| self.toks.get(i))
                .map_or("", |t| self.src(*t));
            return self.fail(&format!(
                "after `{after}`, where `(` and a list of labels were expected"
            ));
        }
        loop {
            if self.eat(T_RIGHT_PAREN) {
                return Ok(());
            }
            match self.peek_id() {
                Some(id) if is_word(id) || id == T_STRING || id == T_BOOL => self.i += 1,
                None => {
                    return Err(open.map(|o| (o.start, o.end, "unclosed `(`".to_string())));
                }
                _ => return self.fail("in a label list"),
            }
            if self.eat(T_RIGHT_PAREN) {
                return Ok(());
            }
            if !self.eat(T_COMMA) {
                if self.peek().is_none() {
                    return Err(open.map(|o| (o.start, o.end, "unclosed `(`".to_string())));
                }
                return self.fail("in a label list, expected `,` or `)`");
            }
        }
    }

    fn primary(&mut self) -> Result<(), Option<Found>> {
        let Some(t) = self.peek() else {
            return self.fail("where an expression was expected");
        };
        match t.id {
            T_NUMBER | T_DURATION | T_STRING => {
                self.i += 1;
                Ok(())
            }
            T_LEFT_PAREN => {
                self.i += 1;
                self.expr(0)?;
                if self.eat(T_RIGHT_PAREN) {
                    return Ok(());
                }
                if self.peek().is_none() {
                    return Err(Some((t.start, t.end, "unclosed `(`".to_string())));
                }
                self.fail("where `)` was expected")
            }
            T_LEFT_BRACE => self.matchers(),
            id if is_aggregator(id)
                && matches!(self.next_id(), Some(T_LEFT_PAREN | T_BY | T_WITHOUT)) =>
            {
                self.i += 1;
                if matches!(self.peek_id(), Some(T_BY | T_WITHOUT)) {
                    self.i += 1;
                    self.label_list()?;
                    self.call_args(t)?;
                } else {
                    self.call_args(t)?;
                    if matches!(self.peek_id(), Some(T_BY | T_WITHOUT)) {
                        self.i += 1;
                        self.label_list()?;
                    }
                }
                Ok(())
            }
            T_IDENTIFIER | T_START | T_END if self.next_id() == Some(T_LEFT_PAREN) => {
                self.i += 1;
                self.call_args(t)
            }
            id if is_word(id)
                && !matches!(
                    id,
                    T_BOOL | T_ON | T_IGNORING | T_GROUP_LEFT | T_GROUP_RIGHT | T_ATAN2
                ) =>
            {
                self.i += 1;
                if self.peek_id() == Some(T_LEFT_BRACE) {
                    self.matchers()?;
                }
                Ok(())
            }
            _ => self.fail("where an expression was expected"),
        }
    }

    /// `( expr, … )` of a function call or aggregation named by `name`.
    fn call_args(&mut self, name: Tok) -> Result<(), Option<Found>> {
        let open = self.peek();
        if !self.eat(T_LEFT_PAREN) {
            return self.fail(&format!("after `{}`, expected `(`", self.src(name)));
        }
        if self.eat(T_RIGHT_PAREN) {
            return Ok(());
        }
        loop {
            self.expr(0)?;
            if self.eat(T_RIGHT_PAREN) {
                return Ok(());
            }
            if self.eat(T_COMMA) {
                if self.peek_id() == Some(T_RIGHT_PAREN) {
                    return self.fail("after a trailing comma in a call");
                }
                continue;
            }
            if self.peek().is_none() {
                return Err(open.map(|o| (o.start, o.end, "unclosed `(`".to_string())));
            }
            return self.fail(&format!(
                "in the arguments of `{}`, expected `,` or `)`",
                self.src(name)
            ));
        }
    }

    /// `{ label op "value", … }`.
    fn matchers(&mut self) -> Result<(), Option<Found>> {
        let open = self.peek();
        self.i += 1;
        if self.eat(T_RIGHT_BRACE) {
            return Ok(());
        }
        loop {
            match self.peek_id() {
                Some(T_IDENTIFIER | T_STRING) => self.i += 1,
                Some(id) if is_word(id) => self.i += 1,
                None => return Err(open.map(|o| (o.start, o.end, "unclosed `{`".to_string()))),
                _ => return self.fail("in label matchers, expected a label name"),
            }
            if self.peek_id().is_some_and(is_match_op) {
                self.i += 1;
                if !self.eat(T_STRING) {
                    return self.fail("in a label matcher, expected a quoted value");
                }
            }
            if self.eat(T_RIGHT_BRACE) {
                return Ok(());
            }
            if self.eat(T_COMMA) || self.eat(T_LOR) {
                if self.eat(T_RIGHT_BRACE) {
                    return Ok(());
                }
                continue;
            }
            if self.peek().is_none() {
                return Err(open.map(|o| (o.start, o.end, "unclosed `{`".to_string())));
            }
            return self.fail("in label matchers, expected `,` or `}`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (String, String) {
        match check(text) {
            Checked::Invalid(e) => (text[e.start..e.end].to_string(), e.message),
            other => panic!("{text:?} should be invalid: {other:?}"),
        }
    }

    fn refs(text: &str) -> Vec<(String, String, bool)> {
        match check(text) {
            Checked::Valid(r) => r
                .into_iter()
                .map(|m| (m.name, text[m.start..m.end].to_string(), m.regex))
                .collect(),
            other => panic!("{text:?} should be valid: {other:?}"),
        }
    }

    #[test]
    fn valid_expressions() {
        for text in [
            "up",
            "up == 0",
            "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05",
            "histogram_quantile(0.99, sum(rate(x_bucket[5m])) by (le))",
            "a * on (instance) group_left (node) b",
            "rate(x[5m] offset 1h)",
            "max_over_time(x[1h:5m])",
            "x @ end()",
            "# comment\nup\n",
            "- up",
            "2 ^ 3 ^ 2",
            "count without (x) (y)",
            "sum(x) without (y)",
        ] {
            assert!(matches!(check(text), Checked::Valid(_)), "{text:?}");
        }
    }

    #[test]
    fn lexer_errors_point_at_the_character() {
        let (at, msg) = err("x{a>\"1\"}");
        assert_eq!(at, ">", "{msg}");
        assert!(msg.contains("inside braces"), "{msg}");
        let (at, _) = err("up == $x");
        assert_eq!(at, "$");
        let (at, msg) = err("x{a=\"1\"} + y{b=\"2}");
        assert_eq!(at, "\"", "{msg}");
        let (at, _) = err("sum(rate(x[5m])");
        assert_eq!(at, "(");
    }

    #[test]
    fn parse_errors_point_at_the_token() {
        let (at, msg) = err("sum(rate(x[5m])) by");
        assert_eq!(
            (at.as_str(), msg.contains("end of expression")),
            ("", true),
            "{msg}"
        );
        let (at, msg) = err("up == == 1");
        assert_eq!(at, "==", "{msg}");
        let (at, msg) = err("up 1");
        assert_eq!(at, "1", "{msg}");
        let (at, _) = err("rate(x[5m],)");
        assert_eq!(at, ")");
        let (at, _) = err("x{a=b}");
        assert_eq!(at, "b");
    }

    #[test]
    fn semantic_errors_point_at_what_they_name() {
        let (at, msg) = err("rate(x[5m]) + rate(y)");
        assert_eq!(at, "y", "{msg}");
        let (at, msg) = err("no_such_function(x)");
        assert_eq!(at, "no_such_function", "{msg}");
        let (at, msg) = err("1 > 2");
        assert_eq!(at, ">", "{msg}");
    }

    #[test]
    fn metric_names_and_where_they_are() {
        assert_eq!(
            refs("kube_hpa_status_current_replicas == kube_hpa_spec_max_replicas"),
            vec![
                (
                    "kube_hpa_status_current_replicas".into(),
                    "kube_hpa_status_current_replicas".into(),
                    false
                ),
                (
                    "kube_hpa_spec_max_replicas".into(),
                    "kube_hpa_spec_max_replicas".into(),
                    false
                ),
            ]
        );
        // Labels in grouping lists, function and label names are not metrics.
        let r = refs("sum by (kube_hpa_x) (rate(foo{kube_hpa_y=\"1\"}[5m]))");
        assert_eq!(r, vec![("foo".into(), "foo".into(), false)]);
        let r = refs("{__name__=\"kube_hpa_labels\", job=\"k\"} or {__name__=~\"kube_hpa_.*\"}");
        assert_eq!(
            r,
            vec![
                ("kube_hpa_labels".into(), "kube_hpa_labels".into(), false),
                ("kube_hpa_.*".into(), "kube_hpa_.*".into(), true),
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn errors_are_inside_the_expression(text in "[a-z_(){}\\[\\]\"'`=~!<>+*/^,:@ 0-9.#\né]{0,40}") {
            if let Checked::Invalid(e) = check(&text) {
                proptest::prop_assert!(e.start <= e.end && e.end <= text.len(), "{e:?}");
                proptest::prop_assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
            }
        }
    }

    #[test]
    fn hostile_input_is_not_parsed() {
        assert!(matches!(check(&"(".repeat(100_000)), Checked::TooLarge));
        assert!(matches!(check(&"-".repeat(2000)), Checked::TooLarge));
        // Just under the limits: parsed, and nothing overflows.
        assert!(matches!(
            check(&format!("{}1", "-".repeat(999))),
            Checked::Valid(_)
        ));
        assert!(matches!(
            check(&format!("{}a", "a+".repeat(999))),
            Checked::Valid(_)
        ));
        assert!(matches!(
            check(&format!("{}a", "a or ".repeat(999))),
            Checked::Valid(_)
        ));
        assert!(matches!(check(&"a+".repeat(5000)), Checked::TooLarge));
        let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
        assert!(matches!(check(&deep), Checked::Valid(_)));
    }
}

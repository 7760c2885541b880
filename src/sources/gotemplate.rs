//! Go `text/template` syntax, checked as Prometheus checks an alerting rule's labels and
//! annotations when it loads a rule file (`promtool check rules` refuses the file otherwise).
//!
//! Written here rather than taken from a crate: the template crates for Rust (gtmpl, …)
//! evaluate templates but do not report Go's parse errors with their byte offsets, and
//! Prometheus only parses. This follows `text/template/parse` (lexer and parser): unclosed
//! actions, comments, strings and parentheses, `{{if}}`/`{{range}}`/`{{with}}`/`{{define}}`/
//! `{{block}}` balanced against `{{else}}` and `{{end}}`, `{{break}}`/`{{continue}}` inside
//! `{{range}}`, empty commands and pipelines, functions that are not defined, variables used
//! before they are declared (each visible until the `{{end}}` of the block it is declared in).

/// Functions Go's templates define.
const GO_FUNCTIONS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// Functions Prometheus adds for alert templates, in any release (a function only newer
/// releases know is accepted: scalelint cannot tell which one loads the file).
pub const PROMETHEUS_FUNCTIONS: &[&str] = &[
    "args",
    "externalURL",
    "first",
    "graphLink",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "label",
    "match",
    "now",
    "parseDuration",
    "pathPrefix",
    "query",
    "reReplaceAll",
    "safeHtml",
    "sortByLabel",
    "stripDomain",
    "stripPort",
    "strvalue",
    "tableLink",
    "title",
    "toDuration",
    "toLower",
    "toTime",
    "toUpper",
    "urlQueryEscape",
    "value",
];

/// Longer texts are not checked (see [`check`]).
pub const MAX_LEN: usize = 64 * 1024;

/// Variables Prometheus declares before an alert's template (`{{$labels := .Labels}}`…).
pub const PROMETHEUS_VARIABLES: &[&str] = &["$labels", "$externalLabels", "$externalURL", "$value"];

/// Where a template stops parsing, as Go says it (`unclosed action`, `function "x" not
/// defined`), with the byte range of the offending text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// Parses `text` as a Go template with Prometheus' functions and alert variables.
pub fn check_alert_template(text: &str) -> Result<(), TemplateError> {
    check(text, PROMETHEUS_FUNCTIONS, PROMETHEUS_VARIABLES)
}

/// Parses `text` as a Go template in which `functions` (besides Go's own) and `variables`
/// (besides `$`) are defined.
pub fn check(text: &str, functions: &[&str], variables: &[&str]) -> Result<(), TemplateError> {
    // Variable lookups are linear in the variables in scope: a hostile text declaring tens
    // of thousands would make the check quadratic. No real label or annotation comes near.
    if text.len() > MAX_LEN {
        return Ok(());
    }
    let mut p = Parser {
        text,
        functions,
        vars: std::iter::once("$")
            .chain(variables.iter().copied())
            .map(str::to_string)
            .collect(),
        blocks: Vec::new(),
    };
    let mut at = 0;
    while let Some(found) = text.get(at..).and_then(|rest| rest.find("{{")) {
        let open = at + found;
        at = p.action(open)?;
    }
    match p.blocks.last() {
        Some(b) => Err(error(b.start, b.end, "unexpected EOF")),
        None => Ok(()),
    }
}

fn error(start: usize, end: usize, message: impl Into<String>) -> TemplateError {
    TemplateError {
        start,
        end,
        message: message.into(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockKind {
    If,
    Range,
    With,
    Define,
    Block,
}

#[derive(Debug)]
struct Open {
    kind: BlockKind,
    /// Its action, for "unexpected EOF".
    start: usize,
    end: usize,
    /// A plain `{{else}}` was seen: only `{{end}}` may follow.
    in_else: bool,
    /// How many variables were visible before it: its own are forgotten at its `{{end}}`.
    vars: usize,
}

struct Parser<'a> {
    text: &'a str,
    functions: &'a [&'a str],
    vars: Vec<String>,
    blocks: Vec<Open>,
}

/// A token of an action and its byte range.
type Token<'a> = (Tok<'a>, usize, usize);

/// A token inside an action.
#[derive(Clone, Debug, PartialEq)]
enum Tok<'a> {
    Word(&'a str),
    Var(&'a str),
    /// `.`, `.Field`, `.a.b`, or a field after a variable or parenthesis.
    Field,
    Literal,
    Declare,
    Assign,
    Pipe,
    Comma,
    LeftParen,
    RightParen,
    /// Any other printable character (`unexpected "/" in command`).
    Char(char),
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl<'a> Parser<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Reads the action or comment starting at `open` (`{{`); returns where the text resumes.
    fn action(&mut self, open: usize) -> Result<usize, TemplateError> {
        let b = self.bytes();
        let mut i = open + 2;
        // `{{- ` trims the text before; the marker needs a space after it (`{{-3}}` is -3).
        if b.get(i) == Some(&b'-') && b.get(i + 1).copied().is_some_and(is_space) {
            i += 2;
        }
        if self.text.get(i..).is_some_and(|s| s.starts_with("/*")) {
            let Some(close) = self.text.get(i + 2..).and_then(|s| s.find("*/")) else {
                return Err(error(open, self.text.len(), "unclosed comment"));
            };
            let after = i + 2 + close + 2;
            return match self.right_delim(after) {
                Some(end) => Ok(end),
                None => Err(error(open, after, "comment ends before closing delimiter")),
            };
        }
        let (tokens, end) = self.lex(open, i)?;
        self.parse_action(open, end, &tokens)?;
        Ok(end)
    }

    /// `}}` or ` -}}` at `at`: where the text resumes after it.
    fn right_delim(&self, at: usize) -> Option<usize> {
        let rest = self.text.get(at..)?;
        if rest.starts_with("}}") {
            return Some(at + 2);
        }
        let b = rest.as_bytes();
        (b.len() >= 4 && is_space(b[0]) && b[1] == b'-' && &b[2..4] == b"}}").then_some(at + 4)
    }

    /// The tokens of the action whose content starts at `i`, and where the text resumes.
    fn lex(&self, open: usize, mut i: usize) -> Result<(Vec<Token<'a>>, usize), TemplateError> {
        let text = self.text;
        let b = self.bytes();
        let mut tokens = Vec::new();
        let mut parens: Vec<usize> = Vec::new();
        loop {
            if let Some(end) = self.right_delim(i) {
                if let Some(&p) = parens.last() {
                    return Err(error(p, p + 1, "unclosed left paren"));
                }
                return Ok((tokens, end));
            }
            let Some(c) = text.get(i..).and_then(|s| s.chars().next()) else {
                return Err(error(open, text.len(), "unclosed action"));
            };
            let start = i;
            let len = c.len_utf8();
            match c {
                ' ' | '\t' | '\r' | '\n' => {
                    i += 1;
                    continue;
                }
                '=' => {
                    i += 1;
                    tokens.push((Tok::Assign, start, i));
                }
                ':' => {
                    if b.get(i + 1) != Some(&b'=') {
                        return Err(error(start, i + 1, "expected :="));
                    }
                    i += 2;
                    tokens.push((Tok::Declare, start, i));
                }
                '|' => {
                    i += 1;
                    tokens.push((Tok::Pipe, start, i));
                }
                ',' => {
                    i += 1;
                    tokens.push((Tok::Comma, start, i));
                }
                '(' => {
                    parens.push(i);
                    i += 1;
                    tokens.push((Tok::LeftParen, start, i));
                }
                ')' => {
                    if parens.pop().is_none() {
                        return Err(error(start, i + 1, "unexpected right paren U+0029 ')'"));
                    }
                    i += 1;
                    tokens.push((Tok::RightParen, start, i));
                }
                '"' | '\'' => {
                    i = self.quoted(start, c)?;
                    tokens.push((Tok::Literal, start, i));
                }
                '`' => {
                    let Some(close) = text.get(i + 1..).and_then(|s| s.find('`')) else {
                        return Err(error(start, text.len(), "unterminated raw quoted string"));
                    };
                    i += 1 + close + 1;
                    tokens.push((Tok::Literal, start, i));
                }
                '$' => {
                    i += 1 + word_len(text, i + 1);
                    tokens.push((Tok::Var(&text[start..i]), start, i));
                }
                '.' if !b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                    i += 1;
                    i += word_len(text, i);
                    tokens.push((Tok::Field, start, i));
                }
                '.' | '+' | '-' | '0'..='9' => {
                    // A number (Go checks its syntax further; any run of number characters is
                    // taken here).
                    i += 1;
                    while let Some(&n) = b.get(i) {
                        if n.is_ascii_alphanumeric() || matches!(n, b'.' | b'_' | b'+' | b'-') {
                            // `-}}` ends the action, not the number.
                            if n == b'-' && b.get(i + 1) == Some(&b'}') {
                                break;
                            }
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    tokens.push((Tok::Literal, start, i));
                }
                c if is_word(c) => {
                    i += word_len(text, i);
                    tokens.push((Tok::Word(&text[start..i]), start, i));
                }
                c if c.is_ascii_graphic() => {
                    i += 1;
                    tokens.push((Tok::Char(c), start, i));
                }
                c => {
                    return Err(error(
                        start,
                        start + len,
                        format!("unrecognized character in action: U+{:04X}", c as u32),
                    ));
                }
            }
            // A field may follow a variable, a word or a parenthesis directly (`$x.a`, `(f).b`).
            while b.get(i) == Some(&b'.') && !b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                let s = i;
                i += 1 + word_len(text, i + 1);
                tokens.push((Tok::Field, s, i));
            }
        }
    }

    /// The end of the quoted string or character constant opening at `start`.
    fn quoted(&self, start: usize, quote: char) -> Result<usize, TemplateError> {
        let what = if quote == '"' {
            "unterminated quoted string"
        } else {
            "unterminated character constant"
        };
        let b = self.bytes();
        let mut i = start + 1;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return Err(error(start, i, what)),
                Some(b'\\') => {
                    if matches!(b.get(i + 1), None | Some(b'\n')) {
                        return Err(error(start, i + 1, what));
                    }
                    i += 2;
                }
                Some(&c) if c == quote as u8 => return Ok(i + 1),
                Some(_) => i += 1,
            }
        }
    }

    fn parse_action(
        &mut self,
        open: usize,
        end: usize,
        tokens: &[Token<'a>],
    ) -> Result<(), TemplateError> {
        let whole = |m: &str| error(open, end, m);
        let (first, rest) = match tokens.split_first() {
            Some(((Tok::Word(w), _, _), rest)) => (Some(*w), rest),
            _ => (None, tokens),
        };
        let open_block = |kind| Open {
            kind,
            start: open,
            end,
            in_else: false,
            vars: 0,
        };
        match first {
            Some("if") | Some("range") | Some("with") => {
                let kind = match first {
                    Some("if") => BlockKind::If,
                    Some("range") => BlockKind::Range,
                    _ => BlockKind::With,
                };
                let mut block = open_block(kind);
                block.vars = self.vars.len();
                self.blocks.push(block);
                self.pipeline(rest, first.unwrap_or_default(), open, end)
            }
            Some("define") | Some("block") => {
                let kind = if first == Some("define") {
                    BlockKind::Define
                } else {
                    BlockKind::Block
                };
                let mut block = open_block(kind);
                block.vars = self.vars.len();
                self.blocks.push(block);
                Ok(())
            }
            Some("else") => {
                let Some(top) = self.blocks.last_mut() else {
                    return Err(whole("unexpected {{else}}"));
                };
                if matches!(top.kind, BlockKind::Define | BlockKind::Block) {
                    return Err(whole("unexpected {{else}}"));
                }
                if top.in_else {
                    return Err(whole("expected end; found {{else}}"));
                }
                // `{{else if …}}` / `{{else with …}}` chain on; a plain `{{else}}` ends them.
                match rest.first() {
                    Some((Tok::Word("if"), _, _)) | Some((Tok::Word("with"), _, _)) => {
                        let ctx = if matches!(rest.first(), Some((Tok::Word("if"), _, _))) {
                            "if"
                        } else {
                            "with"
                        };
                        self.pipeline(rest.get(1..).unwrap_or(&[]), ctx, open, end)
                    }
                    Some(_) => Err(whole("unexpected token in else")),
                    None => {
                        top.in_else = true;
                        Ok(())
                    }
                }
            }
            Some("end") => {
                let Some(top) = self.blocks.pop() else {
                    return Err(whole("unexpected {{end}}"));
                };
                if !rest.is_empty() {
                    return Err(whole("unexpected token in end"));
                }
                self.vars.truncate(top.vars);
                Ok(())
            }
            Some(word @ ("break" | "continue")) => {
                if !self.blocks.iter().any(|b| b.kind == BlockKind::Range) {
                    return Err(whole(&format!("{{{{{word}}}}} outside {{{{range}}}}")));
                }
                Ok(())
            }
            Some("template") => {
                // `{{template "name" pipeline}}`: the name is a string.
                match rest.first() {
                    Some((Tok::Literal, _, _)) => {
                        let args = rest.get(1..).unwrap_or(&[]);
                        if args.is_empty() {
                            Ok(())
                        } else {
                            self.pipeline(args, "template", open, end)
                        }
                    }
                    _ => Err(whole("unexpected token in template clause")),
                }
            }
            _ => self.pipeline(tokens, "command", open, end),
        }
    }

    /// A pipeline: optional declarations, then commands separated by `|`.
    fn pipeline(
        &mut self,
        tokens: &[Token<'a>],
        context: &str,
        open: usize,
        end: usize,
    ) -> Result<(), TemplateError> {
        let mut tokens = tokens;
        // `$x :=`, `$x =`, `$i, $v :=` (range).
        let mut declared = Vec::new();
        loop {
            match tokens {
                [
                    (Tok::Var(v), ..),
                    (Tok::Declare | Tok::Assign, ..),
                    rest @ ..,
                ] => {
                    declared.push(v.to_string());
                    tokens = rest;
                    break;
                }
                [(Tok::Var(v), ..), (Tok::Comma, s, e), rest @ ..] => {
                    if context != "range" || !declared.is_empty() {
                        return Err(error(*s, *e, format!("too many declarations in {context}")));
                    }
                    declared.push(v.to_string());
                    tokens = rest;
                }
                _ => {
                    if !declared.is_empty() {
                        return Err(error(open, end, "range can only initialize variables"));
                    }
                    break;
                }
            }
        }
        // Uses in the pipeline see the variables visible before it; the declared ones are
        // visible afterwards.
        if tokens.is_empty() {
            return Err(error(open, end, format!("missing value for {context}")));
        }
        for command in tokens.split(|(t, ..)| *t == Tok::Pipe) {
            if command.is_empty() {
                return Err(error(open, end, "missing value for command"));
            }
            self.command(command)?;
        }
        self.vars.extend(declared);
        Ok(())
    }

    fn command(&self, tokens: &[Token<'a>]) -> Result<(), TemplateError> {
        let mut depth = 0usize;
        let mut after_paren = false;
        for (tok, s, e) in tokens {
            match tok {
                Tok::Word(w) => match *w {
                    "true" | "false" | "nil" => {}
                    "if" | "else" | "end" | "range" | "with" | "define" | "block" | "template"
                    | "break" | "continue" => {
                        return Err(error(*s, *e, format!("unexpected <{w}> in operand")));
                    }
                    name => {
                        if !GO_FUNCTIONS.contains(&name) && !self.functions.contains(&name) {
                            return Err(error(*s, *e, format!("function {name:?} not defined")));
                        }
                    }
                },
                Tok::Var(v) => {
                    if !self.vars.iter().any(|d| d == v) {
                        return Err(error(*s, *e, format!("undefined variable {v:?}")));
                    }
                }
                Tok::LeftParen => {
                    depth += 1;
                    after_paren = true;
                    continue;
                }
                Tok::RightParen => {
                    if after_paren {
                        return Err(error(*s, *e, "missing value for parenthesized pipeline"));
                    }
                    depth = depth.saturating_sub(1);
                }
                Tok::Field | Tok::Literal => {}
                Tok::Pipe if depth > 0 => {}
                Tok::Char(c) => {
                    return Err(error(
                        *s,
                        *e,
                        format!("unexpected {:?} in command", c.to_string()),
                    ));
                }
                Tok::Declare | Tok::Assign | Tok::Comma | Tok::Pipe => {
                    let what = &self.text[*s..*e];
                    return Err(error(*s, *e, format!("unexpected {what:?} in operand")));
                }
            }
            after_paren = false;
        }
        Ok(())
    }
}

/// Bytes of the identifier (letters, digits, `_`) at `at`.
fn word_len(text: &str, at: usize) -> usize {
    text.get(at..)
        .map(|s| s.find(|c: char| !is_word(c)).unwrap_or(s.len()))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(t: &str) -> String {
        match check_alert_template(t) {
            Ok(()) => "ok".to_string(),
            Err(e) => format!("{}@{}", e.message, &t[e.start..e.end]),
        }
    }

    #[test]
    fn what_prometheus_accepts() {
        for t in [
            "",
            "plain text } {",
            "{{ $value }}",
            "{{ $labels.instance }} is down",
            "{{ printf \"%.2f\" $value }}%",
            "{{- /* c }} */ -}} {{ printf \"%s}}\" $labels.x }} {{ range $i, $v := query \"up\" }}{{ . | value }}{{ else }}{{ end }} {{ with $value }}{{ . }}{{ end }}",
            "{{ if gt $value 0.5 }}high{{ else if gt $value 0.2 }}mid{{ else }}low{{ end }}",
            "{{ $x := 1 }}{{ $x }}{{ $x = 2 }}",
            "{{ range query \"up\" }}{{ if true }}{{ break }}{{ end }}{{ end }}",
            "{{ humanize (index $labels \"a\") }}",
            "{{ .Labels.job }} {{ `raw }} text` }} {{ 'a' }} {{ -1 }} {{ 1.5e3 }}",
            "{{ $externalURL }}/graph {{ $externalLabels.cluster }}",
            "{{define \"x\"}}a{{end}}{{template \"x\" .}}",
            "{{ \"a\" | toUpper | printf \"%s\" }}",
        ] {
            assert_eq!(err(t), "ok", "{t:?}");
        }
    }

    /// Each message is the one promtool 2.42 prints for the same annotation.
    #[test]
    fn what_prometheus_refuses_and_where() {
        for (t, want) in [
            ("{{ $value ", "unclosed action@{{ $value "),
            ("{{ if .Labels }}x", "unexpected EOF@{{ if .Labels }}"),
            ("{{ foo }}", "function \"foo\" not defined@foo"),
            (
                "{{ humanize $value }} {{ end }}",
                "unexpected {{end}}@{{ end }}",
            ),
            ("{{ $x }}", "undefined variable \"$x\"@$x"),
            (
                "{{ if true }}{{ $y := 2 }}{{ end }}{{ $y }}",
                "undefined variable \"$y\"@$y",
            ),
            ("{{ }}", "missing value for command@{{ }}"),
            ("{{ if }}{{ end }}", "missing value for if@{{ if }}"),
            ("{{ break }}", "{{break}} outside {{range}}@{{ break }}"),
            ("{{ \"abc }}", "unterminated quoted string@\"abc }}"),
            ("{{ /* y */ }}", "unexpected \"/\" in command@/"),
            ("{{/* y }}", "unclosed comment@{{/* y }}"),
            (
                "{{/* y */ x}}",
                "comment ends before closing delimiter@{{/* y */",
            ),
            ("{{ else }}", "unexpected {{else}}@{{ else }}"),
            (
                "{{ if 1 }}{{ else }}{{ else }}{{ end }}",
                "expected end; found {{else}}@{{ else }}",
            ),
            ("{{ (printf \"x\" }}", "unclosed left paren@("),
            ("{{ printf ) }}", "unexpected right paren U+0029 ')'@)"),
        ] {
            assert_eq!(err(t), want, "{t:?}");
        }
    }

    proptest::proptest! {
        /// Any text, template-shaped or not, ends in Ok or an error inside the text.
        #[test]
        fn any_text_parses_or_fails_in_place(t in "[{}$a-zé .\"'`()|:=,/*\n-]{0,60}") {
            if let Err(e) = check_alert_template(&t) {
                proptest::prop_assert!(e.start <= e.end && e.end <= t.len(), "{e:?}");
            }
        }
    }
}

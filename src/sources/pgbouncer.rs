//! `pgbouncer.ini`. (Parser in progress.)

use super::FlatParsed;
use crate::model::{Node, Span, Value};

pub fn looks_like(text: &str) -> bool {
    text.lines()
        .any(|l| l.trim().eq_ignore_ascii_case("[pgbouncer]"))
}

pub fn parse(text: &str) -> FlatParsed {
    FlatParsed {
        root: Node {
            span: Span::new(0, text.len()),
            value: Value::Map(Vec::new()),
        },
        problems: Vec::new(),
        comments: Vec::new(),
        includes: Vec::new(),
    }
}

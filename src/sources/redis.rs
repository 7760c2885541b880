//! `redis.conf` and `sentinel.conf`. (Parser in progress.)

use super::FlatParsed;
use crate::model::{Node, Span, Value};

pub fn looks_like(_text: &str) -> bool {
    false
}

pub fn is_sentinel(path: &str, _root: &Node) -> bool {
    path.rsplit('/')
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase()
        .starts_with("sentinel")
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

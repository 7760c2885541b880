//! Errors at places in a file the user wrote (the config, a custom rule): `path:line:col:
//! message`, with a "did you mean" where a name is misspelt.

use crate::model::{LineCol, Node, SourceFile, Span};
use crate::sources::Problem;
use crate::suggest::suggest;

/// An error in a file the user wrote (the configuration, a custom rule), at its place when it
/// has one. Shown as `path:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file as shown to users ([`super::shown_path`]); empty when the message names it.
    pub path: String,
    /// The place in the file: its span and 1-based line and column.
    pub at: Option<(Span, LineCol)>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.at {
            Some((_, lc)) => write!(
                f,
                "{}:{}:{}: {}",
                self.path, lc.line, lc.column, self.message
            ),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// An error without a place (a file that cannot be read, a missing folder): its message says
/// which file.
impl From<String> for ConfigError {
    fn from(message: String) -> ConfigError {
        ConfigError {
            path: String::new(),
            at: None,
            message,
        }
    }
}

/// Errors at places in a file (the config, a custom rule): `path:line:col: message`.
pub(crate) struct Errors {
    pub(crate) file: SourceFile,
}

impl Errors {
    /// `shown` is the file's path as shown to users ([`super::shown_path`]).
    pub(crate) fn new(shown: &str, text: String) -> Errors {
        Errors {
            file: SourceFile::new(shown, text),
        }
    }

    /// `path:line:col` of a place.
    pub(crate) fn place(&self, span: Span) -> String {
        let lc = self.file.line_col(span.start);
        format!("{}:{}:{}", self.file.path, lc.line, lc.column)
    }

    pub(crate) fn at(&self, span: Span, msg: impl std::fmt::Display) -> ConfigError {
        ConfigError {
            path: self.file.path.clone(),
            at: Some((span, self.file.line_col(span.start))),
            message: msg.to_string(),
        }
    }

    /// A YAML problem of the file, in words, at its place.
    pub(crate) fn problem(&self, p: &Problem) -> ConfigError {
        match p {
            Problem::Syntax { span, message } => self.at(*span, format!("invalid YAML: {message}")),
            Problem::Limit { span, message } => self.at(*span, message),
            Problem::DuplicateKey { key, first, second } => {
                let line = self.file.line_col(first.start).line;
                self.at(
                    *second,
                    format!("key `{key}` is set twice (first on line {line})"),
                )
            }
        }
    }
}

/// `; did you mean `x`?` when a candidate is close to `word`, else nothing.
pub(crate) fn hint(word: &str, candidates: &[&str]) -> String {
    suggest(word, candidates)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

/// A list of scalars, as written (`None` when it is not one).
pub(crate) fn strings(node: &Node) -> Option<Vec<String>> {
    node.as_seq()?
        .iter()
        .map(|n| n.as_scalar().map(|s| s.text.to_string()))
        .collect()
}

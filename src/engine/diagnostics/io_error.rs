//! `io-error`: a file cannot be read. The run goes on with every other file.

use crate::model::{FileId, Finding, Level, Span};

pub const NAME: &str = "io-error";

pub fn finding(file: FileId, detail: &str) -> Finding {
    Finding::new(
        NAME,
        Level::Error,
        file,
        Span::point(0),
        format!("cannot read file: {detail}"),
    )
    .with_help("check that the path exists, is a regular file and is readable")
}

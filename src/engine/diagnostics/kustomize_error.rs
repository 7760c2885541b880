//! `kustomize-error`: kustomize could not build an overlay. Reported at the overlay's
//! kustomization file with kustomize's own message; the run goes on, and the overlay's
//! resource files are linted one by one instead.

use crate::model::{FileId, Finding, Level, Span};

pub const NAME: &str = "kustomize-error";

/// The finding, at `span` (the kustomization's first key) of `file`.
pub fn finding(file: FileId, span: Span, overlay: &str, message: &str) -> Finding {
    Finding::new(
        NAME,
        Level::Error,
        file,
        span,
        format!("kustomize cannot build `{overlay}`: {message}"),
    )
    .with_label("this overlay does not build")
    .with_help("run `kubectl kustomize` on the folder to see the error; its resource files were linted one by one instead")
}

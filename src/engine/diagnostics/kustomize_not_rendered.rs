//! `kustomize-not-rendered`: no kustomize was found, so an overlay was not rendered; its
//! resource files were linted one by one, with its `namespace:` applied, and its patches
//! were not linted as objects.

use crate::model::{FileId, Finding, Level, Span};

pub const NAME: &str = "kustomize-not-rendered";

/// The finding, at `span` (the kustomization's first key) of `file`; `why` says which
/// command was looked for.
pub fn finding(file: FileId, span: Span, overlay: &str, why: &str) -> Finding {
    Finding::new(
        NAME,
        Level::Info,
        file,
        span,
        format!("`{overlay}` was not rendered: {why}; its resource files were linted one by one"),
    )
    .with_label("overlay not rendered")
    .with_help("install kubectl or kustomize, or set `kustomize: {command: [...]}` in .scalelint.yaml; `kustomize: {enabled: never}` silences this")
}

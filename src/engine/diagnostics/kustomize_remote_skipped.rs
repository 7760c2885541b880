//! `kustomize-remote-skipped`: an overlay builds on something kustomize would fetch over
//! the network (a URL, a git repository, a Helm chart repository), so it was not rendered:
//! linting a pull request must not reach the network or run what it names.

use crate::model::{FileId, Finding, Level, Span};

pub const NAME: &str = "kustomize-remote-skipped";

/// The finding, at `span` of `file` (the remote reference when the overlay's own
/// kustomization names it, else the kustomization's first key).
pub fn finding(file: FileId, span: Span, overlay: &str, remote: &str, named_in: &str) -> Finding {
    Finding::new(
        NAME,
        Level::Info,
        file,
        span,
        format!(
            "`{overlay}` was not rendered: it builds on the remote `{remote}` (in {named_in}); its local files were linted one by one"
        ),
    )
    .with_label("remote reference")
    .with_help("to render overlays with remote bases, set `kustomize: {allow-remote: true}` in .scalelint.yaml (only for repositories you trust)")
}

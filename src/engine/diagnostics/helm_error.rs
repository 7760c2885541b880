//! `helm-error`: a chart could not be rendered. Reported at its `Chart.yaml` with Helm's
//! own message; the run goes on.

use crate::model::{FileId, Finding, Level, Span};

pub const NAME: &str = "helm-error";

/// The finding, at `span` (`name:` in `Chart.yaml`) of `file`; `render` names the chart
/// and the values it was rendered with.
pub fn finding(file: FileId, span: Span, render: &str, message: &str) -> Finding {
    Finding::new(
        NAME,
        Level::Error,
        file,
        span,
        format!("helm cannot render `{render}`: {message}"),
    )
    .with_label("this chart does not render")
    .with_help("run `helm template` on the chart with the same values to see the error")
}

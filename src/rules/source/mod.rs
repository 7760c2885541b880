//! Source problems. `schema-violation` and `invalid-value` are per-object rules; the others
//! are reported while reading, parsing and suppressing, and their findings are built where
//! they are found (`sources::diagnostics`, `engine::diagnostics`): they are declared here.

domain! {
    invalid_value,
    schema_violation,
}

reported! {
    analysis_incomplete: crate::engine::diagnostics::analysis_incomplete::NAME,
    duplicate_key: crate::sources::diagnostics::duplicate_key::NAME,
    io_error: crate::engine::diagnostics::io_error::NAME,
    helm_error: crate::engine::diagnostics::helm_error::NAME,
    kustomize_error: crate::engine::diagnostics::kustomize_error::NAME,
    kustomize_not_rendered: crate::engine::diagnostics::kustomize_not_rendered::NAME,
    kustomize_remote_skipped: crate::engine::diagnostics::kustomize_remote_skipped::NAME,
    parse_error: crate::sources::diagnostics::parse_error::NAME,
    suppression_unknown_rule: crate::engine::diagnostics::suppression_unknown_rule::NAME,
    suppression_unused: crate::engine::diagnostics::suppression_unused::NAME,
    template_skipped: crate::sources::diagnostics::template_skipped::NAME,
}

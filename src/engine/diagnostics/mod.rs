//! The findings the engine reports itself: a part of the analysis a limit cut short, and
//! a file that cannot be read, suppressions that suppress nothing or name no rule. Each module builds its rule's finding;
//! the rules are declared (`reported`) in `rules::source` with these names.

pub mod analysis_incomplete;
pub mod helm_error;
pub mod io_error;
pub mod kustomize_error;
pub mod kustomize_not_rendered;
pub mod kustomize_remote_skipped;
pub mod suppression_unknown_rule;
pub mod suppression_unused;

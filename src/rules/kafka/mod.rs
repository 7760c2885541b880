//! kafka rules.

use crate::engine::rule::Builder;

pub static RULES: &[(&str, Builder)] = &[];

//! Unit-test support: run one per-object rule, with some parameters overridden, over a text
//! named and classified as scalelint would. For cases fixtures cannot reach (fixtures run with
//! the default parameters).

use crate::engine::rule::Ctx;
use crate::model::{Finding, SourceFile};
use std::path::Path;

pub(crate) fn run(
    name: &str,
    overrides: serde_json::Value,
    file_name: &str,
    text: &str,
) -> (SourceFile, Vec<Finding>) {
    let catalog = crate::project::builtin_catalog().expect("catalog");
    let entry = catalog.entry(name).expect("a catalogued rule");
    let meta = &entry.meta;
    let mut params = meta.default_params();
    if let (Some(p), Some(o)) = (params.as_object_mut(), overrides.as_object()) {
        p.extend(o.clone());
    }
    let crate::engine::catalog::RuleImpl::Builtin(crate::engine::rule::Implementation::Object(
        build,
    )) = entry.implementation
    else {
        panic!("{name} is not a per-object rule");
    };
    let rule = build(&params).expect("valid parameters");
    let kind = crate::sources::classify::named(Path::new(file_name));
    let loaded = crate::sources::load(0, file_name.into(), text.into(), kind);
    let mut out = Vec::new();
    for obj in loaded
        .objects
        .iter()
        .filter(|o| rule.target().applies_to(o))
    {
        rule.check(&mut Ctx {
            obj,
            file: &loaded.source,
            meta,
            out: &mut out,
        });
    }
    (loaded.source, out)
}

/// A finding as unit tests look at it: level, the text under the primary span, message, help.
#[derive(Debug)]
pub(crate) struct Hit {
    pub level: crate::model::Level,
    pub at: String,
    pub message: String,
    pub help: String,
}

/// Runs one per-object rule (of any domain) over a YAML text with some parameters overridden.
pub(crate) fn run_rule(name: &str, overrides: serde_json::Value, text: &str) -> Vec<Hit> {
    let (source, found) = run(name, overrides, "test.yaml", text);
    found
        .into_iter()
        .map(|f| Hit {
            level: f.level,
            at: source.slice(f.span).to_string(),
            message: f.message,
            help: f.help.unwrap_or_default().into_owned(),
        })
        .collect()
}

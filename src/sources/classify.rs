//! Which parser a file goes to. By name first; explicitly named files are always read.

use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Yaml,
}

/// The format of a file found while walking a directory, or `None` to skip it.
pub fn by_name(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "yaml" | "yml" | "json" => Some(Kind::Yaml),
        _ => None,
    }
}

/// The format of a file the user named explicitly: whatever its name, it is read.
pub fn named(path: &Path) -> Kind {
    by_name(path).unwrap_or(Kind::Yaml)
}

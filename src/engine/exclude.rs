//! The configuration's `exclude` globs.

use std::path::{Path, PathBuf};

/// The configuration's `exclude` globs, ready to match. Globs are relative to the config
/// file's folder; one without `/` (`legacy`, `*.generated.yaml`) matches any path component
/// below that folder, one with `/` (`legacy/**`, `/build`, `deploy/*.yaml`) the path from
/// that folder, where `*` does not cross `/`. A folder that matches excludes everything in it,
/// as in `.gitignore`. Paths are compared canonically: the config's folder and the root of
/// each walk are resolved (`..`, `.`, symlinks), and the walked part below it is taken as is
/// (the walk follows no symlinked folder), so `check ..`, `./`, absolute paths and paths
/// through a symlink all match the same files, and the folders above the config's never do.
#[derive(Clone, Debug)]
pub struct Exclude {
    base: PathBuf,
    /// Globs with a `/`: the path below `base`, and each of its folders.
    paths: globset::GlobSet,
    /// Globs without `/`: each component below `base`.
    names: globset::GlobSet,
    /// The folder and the globs as written: what a cache of the walk depends on.
    written: String,
}

/// One `exclude` glob: the compiled glob and whether it is bare (matched per component). A
/// leading `./` is dropped, a leading `/` anchors the glob to the config's folder (as all globs
/// with a `/` are), a trailing `/` is dropped (folders and files are matched alike).
pub fn exclude_glob(glob: &str) -> Result<(globset::Glob, bool), globset::Error> {
    let mut g = glob.trim();
    while let Some(rest) = g.strip_prefix("./") {
        g = rest;
    }
    let anchored = g.starts_with('/');
    let g = g.trim_start_matches('/').trim_end_matches('/');
    let bare = !anchored && !g.contains('/');
    let compiled = globset::GlobBuilder::new(g)
        .literal_separator(true)
        .build()?;
    Ok((compiled, bare))
}

impl Exclude {
    /// `globs` relative to the folder `base` (the config file's).
    /// The configuration checked every glob when it was parsed; an error names the glob.
    pub fn new(base: &Path, globs: &[String]) -> Result<Exclude, globset::Error> {
        let base = canonical(base);
        let mut paths = globset::GlobSetBuilder::new();
        let mut names = globset::GlobSetBuilder::new();
        for g in globs {
            let (glob, bare) = exclude_glob(g)?;
            if bare {
                names.add(glob);
            } else {
                paths.add(glob);
            }
        }
        let written = std::iter::once(base.to_string_lossy().into_owned())
            .chain(globs.iter().cloned())
            .collect::<Vec<_>>()
            .join("\n");
        Ok(Exclude {
            base,
            paths: paths.build()?,
            names: names.build()?,
            written,
        })
    }

    /// Whether the file or folder `path` (canonical, see [`Exclude`]) is excluded. A path
    /// outside the config's folder never is.
    pub fn matches(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.base) else {
            return false;
        };
        let mut prefix = PathBuf::new();
        for c in rel.components() {
            let std::path::Component::Normal(name) = c else {
                continue;
            };
            prefix.push(name);
            if self.names.is_match(Path::new(name)) || self.paths.is_match(&prefix) {
                return true;
            }
        }
        false
    }

    /// The folder and globs it was made from, one per line (a cache of the walk is kept
    /// for these).
    pub(super) fn written(&self) -> &str {
        &self.written
    }

    /// Whether `entry`, found by walking from `root` (as given) whose canonical path is
    /// `canonical_root`, is excluded.
    pub(super) fn skips(&self, root: &Path, canonical_root: &Path, entry: &Path) -> bool {
        let below = entry.strip_prefix(root).unwrap_or(entry);
        self.matches(&canonical_root.join(below))
    }
}

/// `p` made absolute and resolved (symlinks, `..`); when it cannot be resolved (it does not
/// exist), absolute and lexically normalised.
pub(super) fn canonical(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let abs = std::env::current_dir()
        .map(|cwd| cwd.join(p))
        .unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

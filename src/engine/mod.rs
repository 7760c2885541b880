//! The engine: discover → read → classify → parse → per-object rules → index → cross rules →
//! report. Files are processed in parallel; output order never depends on scheduling. Each
//! stage is its own module (`discover`, `read`, `dispatch`, `report`); the engine knows no
//! rule: the rules come in a [`Catalog`](catalog::Catalog) built by the caller.

pub mod baseline;
pub mod catalog;
pub mod config;
pub mod custom;
pub mod diagnostics;
mod discover;
mod dispatch;
mod exclude;
pub mod index;
pub mod locate;
pub mod meta;
mod placed;
pub mod projection;
mod read;
mod report;
pub mod rule;
pub mod suppress;

pub use catalog::Catalog;
pub use discover::{project_root, shown_path};
pub use dispatch::RuleSet;
pub use exclude::{Exclude, exclude_glob};
pub use placed::ConfigError;
pub use read::MAX_FILE_SIZE;
pub use report::Report;

use crate::sources::classify;
use dispatch::Checked;
use rayon::prelude::*;
use read::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What to lint.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Files and directories; `-` is standard input. Empty means `.`.
    pub paths: Vec<PathBuf>,
    /// The name standard input is shown under (and classified by).
    pub stdin_filename: Option<String>,
    /// Resolve cross-resource references against the whole project: when only files are
    /// named (pre-commit passes the changed files), every other YAML file under the project
    /// root (see [`project_root`]) is read into the index too, without per-object rules, and
    /// only findings in the named files are reported. Off for standard input (rendered
    /// manifests stand alone) and when a directory is named (it sets the scope).
    pub project_index: bool,
    /// Files found in named directories (and project files indexed) that these globs match
    /// are skipped (`exclude` in the configuration); named files never are.
    pub exclude: Option<Exclude>,
}

/// Why rules could not be set up (exit code 2), as opposed to findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    Catalog(catalog::CatalogError),
    /// A rule's parameters are invalid (`rule NAME: …`).
    Params(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Catalog(e) => e.fmt(f),
            Error::Params(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl From<catalog::CatalogError> for Error {
    fn from(e: catalog::CatalogError) -> Error {
        Error::Catalog(e)
    }
}

/// Lint files on disk (and standard input).
pub fn lint(opts: &Options, rules: &RuleSet) -> Report {
    let start = Instant::now();
    let files: Vec<Checked> = discover::discover(opts)
        .into_par_iter()
        .enumerate()
        .map(|(id, input)| rules.check(id, read::read_input(id, input)))
        .collect();
    report::finish(files, rules, start)
}

/// Lint in-memory sources (tests, editors): `(path, text)` pairs.
pub fn lint_sources(sources: Vec<(String, String)>, rules: &RuleSet) -> Report {
    let start = Instant::now();
    let mut sources = sources;
    sources.sort_by(|a, b| a.0.cmp(&b.0));
    let files: Vec<Checked> = sources
        .into_par_iter()
        .enumerate()
        .map(|(id, (path, text))| {
            let kind = classify::named(Path::new(&path));
            let read = Read::Text {
                shown: path,
                kind,
                text,
                origin: None,
                context: false,
            };
            rules.check(id, read)
        })
        .collect();
    report::finish(files, rules, start)
}

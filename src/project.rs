//! A project: its catalog (the built-in rules and its custom rules), its configuration and
//! its root, loaded once. The CLI lints one project per run; a language server holds one per
//! workspace, and nothing about one project is global, so two live side by side.

use crate::engine::config::{self, Config};
use crate::engine::{self, Catalog, ConfigError, Error, Options, Report, RuleSet};
use std::path::{Path, PathBuf};

/// The catalog of the built-in rules.
pub fn builtin_catalog() -> Result<Catalog, Error> {
    Catalog::new(crate::rules::builtin()).map_err(Error::Catalog)
}

/// Every built-in rule with its default parameters.
pub fn builtin_rules() -> Result<RuleSet, Error> {
    RuleSet::defaults(&builtin_catalog()?)
}

/// Lint files and directories with the built-in rules and their defaults: the library's
/// one-call entry point (tests, editors).
pub fn lint_paths<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Report, Error> {
    let rules = builtin_rules()?;
    let opts = Options {
        paths: paths
            .into_iter()
            .map(|p| p.as_ref().to_path_buf())
            .collect(),
        ..Options::default()
    };
    Ok(engine::lint(&opts, &rules))
}

/// Why a project could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectError {
    /// The built-in rules (a bug of the build).
    Rules(Error),
    /// The configuration or a custom rule, at its place.
    Config(ConfigError),
}

impl std::fmt::Display for ProjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProjectError::Rules(e) => e.fmt(f),
            ProjectError::Config(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ProjectError {}

impl From<ConfigError> for ProjectError {
    fn from(e: ConfigError) -> ProjectError {
        ProjectError::Config(e)
    }
}

/// A project's rules and configuration.
#[derive(Clone, Debug)]
pub struct Project {
    /// Built-in rules and the project's custom rules.
    pub catalog: Catalog,
    /// The configuration file's settings (the default when there is none).
    pub config: Config,
    /// The nearest folder holding `.scalelint.yaml` or a git work tree, if any.
    pub root: Option<PathBuf>,
}

impl Project {
    /// The project seen from `cwd`: the configuration file `config` (else the nearest
    /// `.scalelint.yaml` from `cwd` up to the git root), and the custom rules of
    /// `.scalelint/rules/` (in the configuration's folder, else the project root) and of the
    /// configuration's `custom-rules`.
    pub fn load(cwd: &Path, config: Option<&Path>) -> Result<Project, ProjectError> {
        let builtin = builtin_catalog().map_err(ProjectError::Rules)?;
        let root = engine::project_root(cwd);
        let config_path = config
            .map(Path::to_path_buf)
            .or_else(|| config::discover(cwd));
        let (config, catalog) = match config_path {
            Some(path) => config::load(&path, &builtin)?,
            None => (
                Config::default(),
                config::project_catalog(&builtin, root.as_deref())?,
            ),
        };
        Ok(Project {
            catalog,
            config,
            root,
        })
    }

    /// The rules the configuration enables.
    pub fn rules(&self) -> Result<RuleSet, Error> {
        RuleSet::new(&self.catalog, &self.config)
    }
}

/// The configuration's `exclude` globs, relative to its file's folder.
pub fn exclude_of(
    cfg: &crate::engine::config::Config,
) -> Result<Option<crate::engine::Exclude>, String> {
    let (Some(path), false) = (&cfg.path, cfg.exclude.is_empty()) else {
        return Ok(None);
    };
    let base = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    crate::engine::Exclude::new(&base, &cfg.exclude)
        .map(Some)
        .map_err(|e| format!("exclude: {e}"))
}

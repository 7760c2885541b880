//! Discovery: the inputs of a run, from the paths named (files, folders, standard input) and,
//! when only files are named, the other YAML files of the project for the index.

use super::exclude::{Exclude, canonical};
use super::read::{Input, read_stdin};
use super::{ContextCache, Options};
use crate::sources::classify;
use std::path::{Path, PathBuf};

/// The path as shown in output: relative where possible, `/`-separated, no `./` prefix.
pub(super) fn display_path(p: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf());
    let s = rel.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    if s.is_empty() {
        ".".to_string()
    } else {
        s.to_string()
    }
}

/// A path as shown to users, in findings and in configuration errors alike: relative to the
/// current directory (with `..` when outside it), `/`-separated, no `./` prefix.
pub fn shown_path(p: &Path) -> String {
    match std::env::current_dir() {
        Ok(cwd) if p.is_absolute() => relative_path(p, &cwd),
        _ => display_path(p),
    }
}

/// The files under `root` that `keep` accepts (with their kind), skipping what `exclude`
/// excludes without descending into excluded folders, in path order. `.gitignore` is
/// honoured even outside a git checkout (a CI artifact, a tarball). Symlinks to files are
/// followed; symlinked directories are not (no loops). The walk runs on as many threads as
/// rayon (`--jobs`): in a large project it is mostly waiting on `getdents` and `stat`.
fn files_under(
    root: &Path,
    exclude: Option<&Exclude>,
    keep: impl Fn(&Path) -> Option<classify::Kind> + Sync,
) -> Vec<(PathBuf, classify::Kind)> {
    let mut b = ignore::WalkBuilder::new(root);
    b.require_git(false)
        .threads(rayon::current_num_threads().min(4));
    if let Some(x) = exclude {
        let x = x.clone();
        let root = root.to_path_buf();
        let canonical_root = canonical(&root);
        b.filter_entry(move |e| e.depth() == 0 || !x.skips(&root, &canonical_root, e.path()));
    }
    let found = std::sync::Mutex::new(Vec::new());
    b.build_parallel().run(|| {
        let found = &found;
        let keep = &keep;
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return ignore::WalkState::Continue;
            };
            let is_file = match entry.file_type() {
                Some(t) if t.is_symlink() => entry.path().is_file(),
                Some(t) => t.is_file(),
                None => false,
            };
            if is_file
                && let Some(kind) = keep(entry.path())
                && let Ok(mut found) = found.lock()
            {
                found.push((entry.into_path(), kind));
            }
            ignore::WalkState::Continue
        })
    });
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    // Bytes, not components: the order only needs to be fixed (inputs are sorted by the path shown).
    found.sort_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    found
}

pub(super) fn discover(opts: &Options) -> Vec<Input> {
    let default = [PathBuf::from(".")];
    let paths: &[PathBuf] = if opts.paths.is_empty() {
        &default
    } else {
        &opts.paths
    };
    let mut inputs = Vec::new();
    let mut stdin_read = false;
    for p in paths {
        if p.as_os_str() == "-" {
            let shown = opts
                .stdin_filename
                .clone()
                .unwrap_or_else(|| "<stdin>".to_string());
            let bytes = if stdin_read {
                Err("standard input can be read only once".to_string())
            } else {
                stdin_read = true;
                read_stdin()
            };
            inputs.push(Input::Stdin { shown, bytes });
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                for (path, kind) in files_under(p, opts.exclude.as_ref(), classify::by_name) {
                    inputs.push(Input::File {
                        shown: display_path(&path),
                        path,
                        kind,
                        context: false,
                    });
                }
            }
            Ok(_) => inputs.push(Input::File {
                path: p.clone(),
                shown: display_path(p),
                kind: classify::named(p),
                context: false,
            }),
            Err(e) => inputs.push(Input::Missing {
                shown: display_path(p),
                reason: e.to_string(),
            }),
        }
    }
    if opts.project_index && !stdin_read {
        inputs.extend(project_inputs(
            paths,
            opts.exclude.as_ref(),
            opts.root.as_deref(),
            opts.context_cache.as_deref(),
        ));
    }
    // A file both named and found in the project is named: `false` sorts first and stays.
    inputs.sort_by(|a, b| (a.shown(), a.is_context()).cmp(&(b.shown(), b.is_context())));
    inputs.dedup_by(|a, b| a.shown() == b.shown());
    inputs
}

/// The project root, from `cwd` up: the nearest folder holding `.scalelint.yaml` or a git
/// work tree (`.git`, a folder or, in worktrees and submodules, a file).
pub fn project_root(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .find(|dir| dir.join(".scalelint.yaml").is_file() || dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The YAML files of the project that were not named, to index. Only when files alone are
/// named (the pre-commit case): naming a directory chooses the scope of the analysis, so a
/// directory named, no project root, or no named file inside it (`check /elsewhere`) mean
/// nothing more is read.
fn project_inputs(
    paths: &[PathBuf],
    exclude: Option<&Exclude>,
    given: Option<&Path>,
    cache: Option<&ContextCache>,
) -> Vec<Input> {
    let Some(cwd) = std::env::current_dir().ok() else {
        return Vec::new();
    };
    let Some(root) = given.map(Path::to_path_buf).or_else(|| project_root(&cwd)) else {
        return Vec::new();
    };
    let named: Vec<(PathBuf, bool)> = paths
        .iter()
        .filter_map(|p| {
            let abs = std::fs::canonicalize(cwd.join(p)).ok()?;
            let is_dir = abs.is_dir();
            Some((abs, is_dir))
        })
        .collect();
    let inside = named.iter().any(|(p, _)| p.starts_with(&root));
    let any_dir = named.iter().any(|(_, dir)| *dir);
    if !inside || any_dir {
        return Vec::new();
    }
    let named_files: std::collections::HashSet<PathBuf> =
        named.into_iter().map(|(p, _)| p).collect();
    let files = match cache {
        Some(cache) => cache.project_files(&root, || project_files(&root, exclude, &cwd)),
        None => std::sync::Arc::new(project_files(&root, exclude, &cwd)),
    };
    files
        .iter()
        .filter(|(path, _)| !named_files.contains(path))
        .map(|(path, shown)| Input::File {
            path: path.clone(),
            shown: shown.clone(),
            kind: classify::Kind::Yaml,
            context: true,
        })
        .collect()
}

/// The YAML files under `root`, each with its path as shown.
fn project_files(root: &Path, exclude: Option<&Exclude>, cwd: &Path) -> Vec<(PathBuf, String)> {
    files_under(root, exclude, |p| {
        classify::by_name(p).filter(|k| *k == classify::Kind::Yaml)
    })
    .into_iter()
    .map(|(path, _)| {
        let shown = relative_path(&path, cwd);
        (path, shown)
    })
    .collect()
}

/// `p` relative to `cwd` (with `..` when it is not below it), `/`-separated.
fn relative_path(p: &Path, cwd: &Path) -> String {
    let common = p
        .components()
        .zip(cwd.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return display_path(p);
    }
    let mut rel = PathBuf::new();
    for _ in cwd.components().skip(common) {
        rel.push("..");
    }
    rel.extend(p.components().skip(common));
    display_path(&rel)
}

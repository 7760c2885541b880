//! Discovery: the inputs of a run, from the paths named (files, folders, standard input) and,
//! when only files are named, the other YAML files of the project for the index.

use super::disk_cache::DiskCache;
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
    written(&rel)
}

/// `p` as shown: `/`-separated, no `./` prefix, `.` when empty.
fn written(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
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
    walk(root, exclude, keep, None)
}

/// [`files_under`], and the folders walked added to `dirs` when given.
fn walk(
    root: &Path,
    exclude: Option<&Exclude>,
    keep: impl Fn(&Path) -> Option<classify::Kind> + Sync,
    dirs: Option<&std::sync::Mutex<Vec<PathBuf>>>,
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
            } else if let Some(dirs) = dirs
                && entry.file_type().is_some_and(|t| t.is_dir())
                && let Ok(mut dirs) = dirs.lock()
            {
                dirs.push(entry.into_path());
            }
            ignore::WalkState::Continue
        })
    });
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    // Bytes, not components: the order only needs to be fixed (inputs are sorted by the path shown).
    found.sort_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    found
}

/// The inputs of a run of `opts`; with the project's other files (`context`, from
/// [`ContextRoot::of`]) unless standard input is among them.
pub(super) fn discover(
    opts: &Options,
    context: Option<&ContextRoot>,
    disk: Option<&DiskCache>,
) -> Vec<Input> {
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
    if let Some(context) = context.filter(|_| !stdin_read) {
        inputs.extend(project_inputs(
            context,
            opts.exclude.as_ref(),
            opts.context_cache.as_deref(),
            disk,
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

/// The project root whose other YAML files are indexed, when only files are named (the
/// pre-commit case): naming a directory chooses the scope of the analysis, so a directory
/// named, no project root, or no named file inside it (`check /elsewhere`) mean nothing
/// more is read.
pub(super) struct ContextRoot {
    pub(super) root: PathBuf,
    pub(super) cwd: PathBuf,
    /// The named files, canonical.
    named: Vec<PathBuf>,
}

impl ContextRoot {
    /// The context root of a run of `opts`, if it indexes the project (see above).
    pub(super) fn of(opts: &Options) -> Option<ContextRoot> {
        if !opts.project_index {
            return None;
        }
        let cwd = std::env::current_dir().ok()?;
        let root = opts.root.clone().or_else(|| project_root(&cwd))?;
        let named: Vec<(PathBuf, bool)> = opts
            .paths
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
            return None;
        }
        let named = named.into_iter().map(|(p, _)| p).collect();
        Some(ContextRoot { root, cwd, named })
    }
}

/// The YAML files of the project that were not named, to index (see [`ContextRoot`]).
fn project_inputs(
    context: &ContextRoot,
    exclude: Option<&Exclude>,
    cache: Option<&ContextCache>,
    disk: Option<&DiskCache>,
) -> Vec<Input> {
    let ContextRoot {
        root,
        cwd,
        named: named_files,
    } = context;
    let input = |(path, shown): (PathBuf, String)| Input::File {
        path,
        shown,
        kind: classify::Kind::Yaml,
        context: true,
    };
    // A few named files: compared by name first (hashing a path walks its components).
    let not_named = |(path, _): &(PathBuf, String)| {
        !named_files
            .iter()
            .any(|n| n.file_name() == path.file_name() && n == path)
    };
    match (cache, disk) {
        (Some(cache), _) => cache
            .project_files(root, || project_files(root, exclude, cwd, None))
            .iter()
            .filter(|f| not_named(f))
            .map(|f| input(f.clone()))
            .collect(),
        (None, Some(disk)) => disk
            .walked()
            .unwrap_or_else(|| {
                let dirs = std::sync::Mutex::new(Vec::new());
                let files = project_files(root, exclude, cwd, Some(&dirs));
                let dirs = dirs.into_inner().unwrap_or_else(|e| e.into_inner());
                let ignores = ignore_files(root, &dirs);
                disk.walked_now(&files, dirs, ignores);
                files
            })
            .into_iter()
            .filter(not_named)
            .map(input)
            .collect(),
        (None, None) => project_files(root, exclude, cwd, None)
            .into_iter()
            .filter(not_named)
            .map(input)
            .collect(),
    }
}

/// The YAML files under `root`, each with its path as shown; the folders walked added to
/// `dirs` when given.
fn project_files(
    root: &Path,
    exclude: Option<&Exclude>,
    cwd: &Path,
    dirs: Option<&std::sync::Mutex<Vec<PathBuf>>>,
) -> Vec<(PathBuf, String)> {
    walk(
        root,
        exclude,
        |p| classify::by_name(p).filter(|k| *k == classify::Kind::Yaml),
        dirs,
    )
    .into_iter()
    .map(|(path, _)| {
        let shown = relative_path(&path, cwd);
        (path, shown)
    })
    .collect()
}

/// The ignore files a walk of `root` through `dirs` honoured, or would honour if they
/// were created where no walked folder would notice: those of the walked folders that
/// exist (creating one changes its folder's time), and, existing or not, those of the
/// folders above the root, git's excludes of the root's repository and the user's.
/// A `core.excludesFile` elsewhere is not watched.
fn ignore_files(root: &Path, dirs: &[PathBuf]) -> Vec<PathBuf> {
    use rayon::prelude::*;
    const NAMES: [&str; 2] = [".gitignore", ".ignore"];
    let mut files: Vec<PathBuf> = dirs
        .par_iter()
        .flat_map_iter(|d| NAMES.iter().map(move |n| d.join(n)))
        .filter(|f| f.exists())
        .collect();
    for above in root.ancestors().skip(1) {
        files.extend(NAMES.iter().map(|n| above.join(n)));
    }
    for git in root.ancestors().map(|a| a.join(".git")) {
        files.extend([git.join("info/exclude"), git.join("config")]);
        if git.exists() {
            break;
        }
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    if let Some(config) = config {
        files.extend([config.join("git/ignore"), config.join("git/config")]);
    }
    if let Some(home) = std::env::var_os("HOME") {
        files.push(PathBuf::from(home).join(".gitconfig"));
    }
    files
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
    // Relative already: `display_path` would only look up the current folder again (once
    // per file of a project's walk).
    written(&rel)
}

//! The engine: discover → read → classify → parse → per-object rules → index → cross rules →
//! sort. Files are processed in parallel; output order never depends on scheduling.

pub mod baseline;
pub mod config;
pub mod custom;
pub mod index;
pub mod locate;
pub mod meta;
pub mod projection;
pub mod rule;
pub mod suppress;

use crate::model::{Finding, Format, Level, Object, SourceFile};
use crate::rules::source::{analysis_incomplete, io_error};
use crate::sources::{self, LoadedFile, classify};
use index::Index;
use meta::RuleMeta;
use rayon::prelude::*;
use rule::{Ctx, IndexCtx, Rule, Target};
use std::collections::{HashMap, HashSet};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Files larger than this are reported as `io-error` and not read.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

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

/// The result of a run.
#[derive(Debug)]
pub struct Report {
    /// Every file looked at, sorted by path; findings refer to them by index. Only files a
    /// finding or label points into keep their text (the rest have an empty `text`): holding
    /// every file's text would make memory grow with the size of the repository.
    pub files: Vec<SourceFile>,
    /// Sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    pub objects: usize,
    pub elapsed: Duration,
    /// How many of `files` were not named but only indexed from the project; they are kept
    /// (after the named ones' ids are fixed) because secondary labels point into them.
    pub context_files: usize,
    /// Findings silenced by a suppression comment or annotation, sorted like `findings`.
    /// Only SARIF shows them (as dismissed results).
    pub suppressed: Vec<Finding>,
}

impl Report {
    /// The files that were checked: named, or found in a named directory.
    pub fn checked_files(&self) -> usize {
        self.files.len().saturating_sub(self.context_files)
    }
}

/// A configuration error (exit code 2), as opposed to findings.
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The enabled rules, with their metadata, ready to dispatch.
pub struct RuleSet {
    rules: Vec<(Box<dyn Rule>, &'static RuleMeta)>,
    /// Kubernetes kind → the rules that may apply.
    by_kind: HashMap<&'static str, Vec<usize>>,
    /// Other format → the rules that may apply.
    by_format: HashMap<Format, Vec<usize>>,
    index_rules: Vec<usize>,
    /// Rules turned off by configuration (the source rules, which the engine reports
    /// itself, are filtered by this). Never an always-on rule (`RuleMeta::always_on`).
    off: HashSet<String>,
    /// Level overrides: replace every level the rule reports at.
    levels: HashMap<String, Level>,
}

impl RuleSet {
    /// Every built-in rule with its default parameters.
    pub fn builtin() -> Result<RuleSet, Error> {
        RuleSet::from_config(&config::Config::default())
    }

    /// The rules a configuration enables, with its levels and parameters (merged onto the
    /// metadata defaults; the configuration was checked when parsed).
    pub fn from_config(config: &config::Config) -> Result<RuleSet, Error> {
        let metas = meta::all().map_err(|e| Error(format!("rule metadata: {e}")))?;
        let mut rules = Vec::new();
        let mut off = HashSet::new();
        let mut levels = HashMap::new();
        for (name, build) in crate::rules::registry() {
            let meta = metas
                .iter()
                .find(|m| m.name == *name)
                .ok_or_else(|| Error(format!("rule {name} has no metadata")))?;
            let mut params = meta.default_params();
            if let Some(rc) = config.rules.get(*name) {
                // An always-on rule ignores `off` (the configuration and the CLI warn when
                // it is named); its level still applies.
                if rc.off && !meta.always_on {
                    off.insert(name.to_string());
                    continue;
                }
                if let Some(l) = rc.level {
                    levels.insert(name.to_string(), l);
                }
                config::merge(&mut params, &serde_json::Value::Object(rc.params.clone()));
            }
            let rule = build(&params).map_err(Error)?;
            rules.push((rule, meta));
        }
        for def in custom::defs() {
            let name = def.meta.name.as_str();
            let meta = metas
                .iter()
                .find(|m| m.name == name)
                .ok_or_else(|| Error(format!("custom rule {name} has no metadata")))?;
            if let Some(rc) = config.rules.get(name) {
                if rc.off && !meta.always_on {
                    off.insert(name.to_string());
                    continue;
                }
                if let Some(l) = rc.level {
                    levels.insert(name.to_string(), l);
                }
            }
            let rule: Box<dyn Rule> = Box::new(custom::CustomRule::new(def).map_err(Error)?);
            rules.push((rule, meta));
        }
        let mut by_kind: HashMap<&'static str, Vec<usize>> = HashMap::new();
        let mut by_format: HashMap<Format, Vec<usize>> = HashMap::new();
        let mut index_rules = Vec::new();
        for (i, (rule, _)) in rules.iter().enumerate() {
            match rule.target() {
                Target::Objects { kinds, .. } => {
                    for k in kinds {
                        by_kind.entry(k).or_default().push(i);
                    }
                }
                Target::Format { format, .. } => by_format.entry(format).or_default().push(i),
                Target::Formats(formats) => {
                    for &format in formats {
                        by_format.entry(format).or_default().push(i);
                    }
                }
                Target::Index => index_rules.push(i),
                Target::Source => {}
            }
        }
        Ok(RuleSet {
            rules,
            by_kind,
            by_format,
            index_rules,
            off,
            levels,
        })
    }

    /// Whether rule `name` runs.
    pub fn runs(&self, name: &str) -> bool {
        !self.off.contains(name) && self.rules.iter().any(|(_, m)| m.name == name)
    }

    /// How many rules run.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rules that apply to `obj`.
    fn rules_for(&self, obj: &Object) -> Vec<usize> {
        // The maps narrow the candidates by kind or format; the target decides.
        let candidates = if obj.format == Format::Kubernetes {
            self.by_kind.get(obj.kind.as_str())
        } else {
            self.by_format.get(&obj.format)
        };
        candidates
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                self.rules
                    .get(i)
                    .is_some_and(|(rule, _)| rule.target().applies_to(obj))
            })
            .collect()
    }

    fn check_objects(&self, file: &SourceFile, objects: &[Object], out: &mut Vec<Finding>) {
        for obj in objects {
            for i in self.rules_for(obj) {
                if let Some((rule, meta)) = self.rules.get(i) {
                    let mut cx = Ctx {
                        obj,
                        file,
                        meta,
                        out,
                    };
                    rule.check(&mut cx);
                }
            }
        }
    }

    fn check_index(&self, index: &Index<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for &i in &self.index_rules {
            if let Some((rule, meta)) = self.rules.get(i) {
                let mut cx = IndexCtx {
                    index,
                    meta,
                    out: &mut out,
                };
                rule.check_index(&mut cx);
            }
        }
        out
    }
}

/// One input to read.
#[derive(Debug)]
enum Input {
    File {
        path: PathBuf,
        shown: String,
        kind: classify::Kind,
        /// Not named: only read into the index (project-root indexing).
        context: bool,
    },
    Missing {
        shown: String,
        reason: String,
    },
    /// Standard input, read during discovery (it can be read only once).
    Stdin {
        shown: String,
        bytes: Result<Vec<u8>, String>,
    },
}

impl Input {
    fn is_context(&self) -> bool {
        matches!(self, Input::File { context: true, .. })
    }

    fn shown(&self) -> &str {
        match self {
            Input::File { shown, .. }
            | Input::Missing { shown, .. }
            | Input::Stdin { shown, .. } => shown,
        }
    }
}

/// The path as shown in output: relative where possible, `/`-separated, no `./` prefix.
fn display_path(p: &Path) -> String {
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
    pub fn new(base: &Path, globs: &[String]) -> Result<Exclude, String> {
        let base = canonical(base);
        let mut paths = globset::GlobSetBuilder::new();
        let mut names = globset::GlobSetBuilder::new();
        for g in globs {
            let (glob, bare) = exclude_glob(g).map_err(|e| format!("exclude `{g}`: {e}"))?;
            if bare {
                names.add(glob);
            } else {
                paths.add(glob);
            }
        }
        Ok(Exclude {
            base,
            paths: paths.build().map_err(|e| e.to_string())?,
            names: names.build().map_err(|e| e.to_string())?,
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

    /// Whether `entry`, found by walking from `root` (as given) whose canonical path is
    /// `canonical_root`, is excluded.
    fn skips(&self, root: &Path, canonical_root: &Path, entry: &Path) -> bool {
        let below = entry.strip_prefix(root).unwrap_or(entry);
        self.matches(&canonical_root.join(below))
    }
}

/// `p` made absolute and resolved (symlinks, `..`); when it cannot be resolved (it does not
/// exist), absolute and lexically normalised.
fn canonical(p: &Path) -> PathBuf {
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

/// A walker over `root` that skips what `exclude` excludes without descending into excluded
/// folders. `.gitignore` is honoured even outside a git checkout (a CI artifact, a tarball).
fn walker(root: &Path, exclude: Option<&Exclude>) -> ignore::Walk {
    let mut b = ignore::WalkBuilder::new(root);
    b.require_git(false);
    if let Some(x) = exclude {
        let x = x.clone();
        let root = root.to_path_buf();
        let canonical_root = canonical(&root);
        b.filter_entry(move |e| e.depth() == 0 || !x.skips(&root, &canonical_root, e.path()));
    }
    b.build()
}

fn discover(opts: &Options) -> Vec<Input> {
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
                for entry in walker(p, opts.exclude.as_ref()).flatten() {
                    // Symlinks to files are followed; symlinked directories are not (no loops).
                    let is_file = match entry.file_type() {
                        Some(t) if t.is_symlink() => entry.path().is_file(),
                        Some(t) => t.is_file(),
                        None => false,
                    };
                    if !is_file {
                        continue;
                    }
                    if let Some(kind) = classify::by_name(entry.path()) {
                        inputs.push(Input::File {
                            path: entry.path().to_path_buf(),
                            shown: display_path(entry.path()),
                            kind,
                            context: false,
                        });
                    }
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
        inputs.extend(project_inputs(paths, opts.exclude.as_ref()));
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
fn project_inputs(paths: &[PathBuf], exclude: Option<&Exclude>) -> Vec<Input> {
    let Some(cwd) = std::env::current_dir().ok() else {
        return Vec::new();
    };
    let Some(root) = project_root(&cwd) else {
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
    let mut out = Vec::new();
    for entry in walker(&root, exclude).flatten() {
        let is_file = match entry.file_type() {
            Some(t) if t.is_symlink() => entry.path().is_file(),
            Some(t) => t.is_file(),
            None => false,
        };
        if !is_file
            || classify::by_name(entry.path()) != Some(classify::Kind::Yaml)
            || named_files.contains(entry.path())
        {
            continue;
        }
        out.push(Input::File {
            path: entry.path().to_path_buf(),
            shown: relative_path(entry.path(), &cwd),
            kind: classify::Kind::Yaml,
            context: true,
        });
    }
    out
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

/// Where a file's text came from, to read it again for rendering: a file with no finding of
/// its own drops its text once checked, and a cross-resource finding may need it later.
#[derive(Debug)]
struct Origin {
    path: PathBuf,
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Origin {
    fn of(path: &Path, meta: &std::fs::Metadata) -> Origin {
        Origin {
            path: path.to_path_buf(),
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }
}

fn read_file(path: &Path) -> Result<(Vec<u8>, Origin), String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(format!(
            "file is {} bytes, over the {} MiB limit",
            meta.len(),
            MAX_FILE_SIZE / 1024 / 1024
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(format!(
            "file is over the {} MiB limit",
            MAX_FILE_SIZE / 1024 / 1024
        ));
    }
    Ok((bytes, Origin::of(path, &meta)))
}

/// The text of `origin` again, if the file is as it was when first read (same length and
/// modification time, then the same decoded text).
fn reread(id: usize, origin: &Origin) -> Option<String> {
    let (bytes, now) = read_file(&origin.path).ok()?;
    if now.len != origin.len || now.modified != origin.modified {
        return None;
    }
    sources::decode(id, bytes).ok()
}

fn read_stdin() -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(format!(
            "input is over the {} MiB limit",
            MAX_FILE_SIZE / 1024 / 1024
        ));
    }
    Ok(bytes)
}

fn unreadable(id: usize, shown: String, reason: &str) -> LoadedFile {
    LoadedFile::failed(shown, io_error::finding(id, reason))
}

/// A file's text, ready to parse, or the finding that it could not be read.
enum Read {
    Text {
        shown: String,
        kind: classify::Kind,
        text: String,
        origin: Option<Origin>,
        context: bool,
    },
    Failed(LoadedFile),
}

fn read_input(id: usize, input: Input) -> Read {
    let (shown, kind, read) = match input {
        Input::Missing { shown, reason } => return Read::Failed(unreadable(id, shown, &reason)),
        Input::Stdin { shown, bytes } => {
            // Piped input is rendered manifests unless its name says otherwise.
            let kind = classify::by_name(Path::new(&shown)).unwrap_or(classify::Kind::Yaml);
            (shown, kind, bytes.map(|b| (b, None)))
        }
        Input::File {
            path,
            shown,
            kind,
            context: true,
        } => return read_context(id, &path, shown, kind),
        Input::File {
            path, shown, kind, ..
        } => (shown, kind, read_file(&path).map(|(b, o)| (b, Some(o)))),
    };
    let (bytes, origin) = match read {
        Ok(b) => b,
        Err(reason) => return Read::Failed(unreadable(id, shown, &reason)),
    };
    match sources::decode(id, bytes) {
        Ok(text) => Read::Text {
            shown,
            kind,
            text,
            origin,
            context: false,
        },
        Err(finding) => Read::Failed(LoadedFile::failed(shown, *finding)),
    }
}

/// Kinds the index relates: a file naming none of them holds nothing to index.
const INDEXED_KINDS: [crate::kube::Kind; 6] = crate::kube::Kind::INDEXED;

/// A file that was not named, read for the index only: its objects, no findings. A cheap
/// substring test skips the many YAML files of a project that hold none of the indexed kinds
/// (CI configs, Helm values, JSON dashboards) without parsing them: an empty text yields no
/// objects.
fn read_context(id: usize, path: &Path, shown: String, kind: classify::Kind) -> Read {
    let (text, origin) = match read_file(path) {
        Ok((bytes, origin)) => (
            sources::decode(id, bytes)
                .ok()
                .filter(|text| INDEXED_KINDS.iter().any(|k| text.contains(k.name()))),
            Some(origin),
        ),
        Err(_) => (None, None),
    };
    Read::Text {
        shown,
        kind,
        text: text.unwrap_or_default(),
        origin,
        context: true,
    }
}

/// A file once checked: what the rest of the run needs of it. Its tree is gone (the index
/// keeps projections of its objects) and so is its text unless it has suppression
/// directives or no way to be read again; `finish` reads the texts of files with findings
/// again, after the projections are dropped.
struct Checked {
    source: SourceFile,
    origin: Option<Origin>,
    /// Projections of its objects (see `projection`), for the index and late locators.
    objects: Vec<Object>,
    /// How many objects were linted (0 for context files).
    linted: usize,
    findings: Vec<Finding>,
    directives: suppress::Directives,
    context: bool,
}

impl RuleSet {
    /// Everything done to one file before the cross-resource rules, document by document as
    /// it is parsed: per-object rules, locators and annotation directives on the full tree,
    /// then the tree is reduced to the index's projection. A context file (project indexing)
    /// only gives projections.
    fn check(&self, id: usize, read: Read) -> Checked {
        let (shown, kind, text, origin, context) = match read {
            Read::Text {
                shown,
                kind,
                text,
                origin,
                context,
            } => (shown, kind, text, origin, context),
            Read::Failed(f) => {
                return Checked {
                    source: f.source,
                    origin: None,
                    objects: Vec::new(),
                    linted: 0,
                    findings: f.findings,
                    directives: suppress::Directives::default(),
                    context: false,
                };
            }
        };
        let mut annotations = suppress::Directives::default();
        let mut linted = 0;
        let mut sink = |src: &SourceFile, objects: Vec<Object>, findings: &mut Vec<Finding>| {
            // A context file's findings are dropped: it only gives projections.
            if !context {
                self.check_objects(src, &objects, findings);
                annotations.add_annotations(src, &objects);
                linted += objects.len();
                locate::assign(|_| Some((src.path.as_str(), objects.as_slice())), findings);
            }
            objects.into_iter().map(projection::project).collect()
        };
        let loaded = sources::load_each(id, shown, text, kind, &mut sink);
        let LoadedFile {
            source,
            objects,
            mut findings,
            comments,
            ..
        } = loaded;
        let directives = if context {
            findings.clear();
            suppress::Directives::default()
        } else {
            let mut d = suppress::Directives::default();
            d.add_comments(&source, &comments);
            d.append(annotations);
            d
        };
        // Texts are read again for rendering once the trees and projections are gone, so the
        // run never holds every file's text and every projection at the same time. A file
        // with suppression directives keeps its text (they are matched by line), as does one
        // that cannot be read again (standard input, in-memory sources).
        let keep_text = origin.is_none() || !directives.is_empty();
        let source = if keep_text {
            source
        } else {
            SourceFile::new(source.path, String::new())
        };
        Checked {
            source,
            origin,
            objects,
            linted,
            findings,
            directives,
            context,
        }
    }
}

/// Lint files and directories with the built-in rules and their defaults: the library's
/// one-call entry point (tests, editors).
pub fn lint_paths<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Report, Error> {
    let rules = RuleSet::builtin()?;
    let opts = Options {
        paths: paths
            .into_iter()
            .map(|p| p.as_ref().to_path_buf())
            .collect(),
        ..Options::default()
    };
    Ok(lint(&opts, &rules))
}

/// Lint files on disk (and standard input).
pub fn lint(opts: &Options, rules: &RuleSet) -> Report {
    let start = Instant::now();
    let files: Vec<Checked> = discover(opts)
        .into_par_iter()
        .enumerate()
        .map(|(id, input)| rules.check(id, read_input(id, input)))
        .collect();
    finish(files, rules, start)
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
    finish(files, rules, start)
}

/// Cross-resource rules over the projections of everything read, then only what concerns
/// named files: findings whose primary place is in a context file are dropped, and context
/// files stay in the report only when a secondary label points into them (ids renumbered,
/// order kept). Files whose text was dropped are read again if a finding points into them,
/// after the projections are dropped: the two never take memory at the same time.
fn finish(files: Vec<Checked>, rules: &RuleSet, start: Instant) -> Report {
    let index = Index::build(
        files.iter().flat_map(|f| f.objects.iter()),
        files.iter().map(|f| f.source.path.as_str()).collect(),
    );
    let mut findings = rules.check_index(&index);
    // Relations a limit cut short are said, at the object concerned.
    findings.extend(
        index
            .incomplete
            .iter()
            .map(|i| analysis_incomplete::finding(i.file, i.span, i.message.clone())),
    );
    drop(index);
    let context: Vec<bool> = files.iter().map(|f| f.context).collect();
    let is_context = |id: usize| context.get(id).copied().unwrap_or(false);
    let objects = files.iter().map(|f| f.linted).sum();
    let mut sources = Vec::with_capacity(files.len());
    let mut origins = Vec::with_capacity(files.len());
    let mut directives = Vec::with_capacity(files.len());
    let mut projections = Vec::with_capacity(files.len());
    for mut f in files {
        findings.append(&mut f.findings);
        sources.push(f.source);
        origins.push(f.origin);
        directives.push(f.directives);
        projections.push(f.objects);
    }
    findings.retain(|f| !is_context(f.file) && !rules.off.contains(&f.rule));
    let known: Vec<&str> = meta::all()
        .map(|a| a.iter().map(|m| m.name.as_str()).collect())
        .unwrap_or_default();
    let (mut findings, mut suppressed) =
        suppress::apply(&sources, directives, findings, &known, &|r| {
            !rules.off.contains(r)
        });
    findings.retain(|f| !rules.off.contains(&f.rule));
    for f in findings.iter_mut().chain(suppressed.iter_mut()) {
        if let Some(l) = rules.levels.get(&f.rule) {
            f.level = *l;
        }
    }
    // Cross-resource and suppression findings: located on the projections.
    let file_of = |id: usize| {
        Some((
            sources.get(id)?.path.as_str(),
            projections.get(id)?.as_slice(),
        ))
    };
    locate::assign(file_of, &mut findings);
    locate::assign(file_of, &mut suppressed);
    drop(projections);
    let changed = restore_texts(&mut sources, &origins, &findings, &suppressed);
    if !changed.is_empty() {
        for list in [&mut findings, &mut suppressed] {
            list.retain(|f| !changed.contains(&f.file));
            for f in list.iter_mut() {
                f.labels.retain(|l| !changed.contains(&l.file));
            }
        }
        for &id in &changed {
            findings.push(io_error::finding(
                id,
                "the file changed while scalelint was reading it; its findings were dropped, lint it again",
            ));
        }
    }
    let mut keep: Vec<bool> = context.iter().map(|c| !c).collect();
    for f in findings.iter().chain(&suppressed) {
        for l in &f.labels {
            if let Some(k) = keep.get_mut(l.file) {
                *k = true;
            }
        }
    }
    let mut new_id = Vec::with_capacity(keep.len());
    let mut next = 0;
    for &k in &keep {
        new_id.push(next);
        next += usize::from(k);
    }
    let renumber = |id: usize| new_id.get(id).copied().unwrap_or(id);
    let mut context_files = 0;
    let sources: Vec<SourceFile> = sources
        .into_iter()
        .zip(keep.iter().zip(&context))
        .filter(|(_, (k, _))| **k)
        .map(|(s, (_, c))| {
            context_files += usize::from(*c);
            s
        })
        .collect();
    for f in findings.iter_mut().chain(suppressed.iter_mut()) {
        f.file = renumber(f.file);
        for l in &mut f.labels {
            l.file = renumber(l.file);
        }
    }
    for list in [&mut findings, &mut suppressed] {
        list.sort_by(|a, b| {
            (a.file, a.span.start, &a.rule, a.span.end, &a.message).cmp(&(
                b.file,
                b.span.start,
                &b.rule,
                b.span.end,
                &b.message,
            ))
        });
        list.dedup();
    }
    Report {
        files: sources,
        findings,
        objects,
        elapsed: start.elapsed(),
        context_files,
        suppressed,
    }
}

/// Read again the files a finding or label points into whose text was dropped (their own
/// findings came from the cross-resource rules). Returns the files that changed since they
/// were first read: their positions can no longer be trusted.
fn restore_texts(
    sources: &mut [SourceFile],
    origins: &[Option<Origin>],
    findings: &[Finding],
    suppressed: &[Finding],
) -> HashSet<usize> {
    let mut needed: Vec<usize> = findings
        .iter()
        .chain(suppressed)
        .flat_map(|f| std::iter::once(f.file).chain(f.labels.iter().map(|l| l.file)))
        .filter(|&id| {
            sources.get(id).is_some_and(|s| s.text.is_empty())
                && origins.get(id).is_some_and(Option::is_some)
        })
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let texts: Vec<(usize, Option<String>)> = needed
        .into_par_iter()
        .map(|id| {
            let text = origins
                .get(id)
                .and_then(Option::as_ref)
                .and_then(|o| reread(id, o));
            (id, text)
        })
        .collect();
    let mut changed = HashSet::new();
    for (id, text) in texts {
        match (text, sources.get_mut(id)) {
            (Some(text), Some(src)) => {
                let path = std::mem::take(&mut src.path);
                *src = SourceFile::new(path, text);
            }
            _ => {
                changed.insert(id);
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    /// A dropped text is read again for a finding; a file that changed since it was read is
    /// reported instead of rendered at stale positions.
    #[test]
    fn dropped_texts_are_restored_unless_the_file_changed() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.yaml"), dir.path().join("b.yaml"));
        std::fs::write(&a, "a: 1\n").unwrap();
        std::fs::write(&b, "b: 1\n").unwrap();
        let origin = |p: &Path| read_file(p).map(|(_, o)| Some(o)).unwrap();
        let origins = vec![origin(&a), origin(&b), None];
        std::fs::write(&b, "b: 22\n").unwrap();
        let mut sources = vec![
            SourceFile::new("a.yaml", String::new()),
            SourceFile::new("b.yaml", String::new()),
            SourceFile::new("<stdin>", String::new()),
        ];
        let findings: Vec<Finding> = (0..3)
            .map(|id| Finding::new("r", Level::Warning, id, Span::point(0), "m"))
            .collect();
        let changed = restore_texts(&mut sources, &origins, &findings, &[]);
        assert_eq!(sources[0].text, "a: 1\n");
        assert_eq!(sources[0].path, "a.yaml");
        assert_eq!(changed, HashSet::from([1]));
        assert_eq!(sources[2].text, "");
    }
}

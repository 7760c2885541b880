//! The engine: discover → read → classify → parse → per-object rules → index → cross rules →
//! sort. Files are processed in parallel; output order never depends on scheduling.

pub mod index;
pub mod meta;
pub mod rule;

use crate::model::{Finding, Format, Object, SourceFile};
use crate::rules::source::io_error;
use crate::sources::{self, LoadedFile, classify};
use index::Index;
use meta::RuleMeta;
use rayon::prelude::*;
use rule::{Ctx, IndexCtx, Rule, Target};
use std::collections::HashMap;
use std::io::Read;
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
}

/// The result of a run.
#[derive(Debug)]
pub struct Report {
    /// Every file looked at, sorted by path; findings refer to them by index.
    pub files: Vec<SourceFile>,
    /// Sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    pub objects: usize,
    pub elapsed: Duration,
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
    /// Kubernetes kind → (API group, rule index).
    by_kind: HashMap<&'static str, Vec<(&'static str, usize)>>,
    /// Flat format → (kinds, empty for all; rule index).
    by_format: HashMap<Format, Vec<(&'static [&'static str], usize)>>,
    index_rules: Vec<usize>,
}

impl RuleSet {
    /// Every built-in rule with its default parameters.
    pub fn builtin() -> Result<RuleSet, Error> {
        let metas = meta::all().map_err(|e| Error(format!("rule metadata: {e}")))?;
        let mut rules = Vec::new();
        for (name, build) in crate::rules::registry() {
            let meta = metas
                .iter()
                .find(|m| m.name == *name)
                .ok_or_else(|| Error(format!("rule {name} has no metadata")))?;
            let rule = build(&meta.default_params()).map_err(Error)?;
            rules.push((rule, meta));
        }
        let mut by_kind: HashMap<&'static str, Vec<(&'static str, usize)>> = HashMap::new();
        let mut by_format: HashMap<Format, Vec<(&'static [&'static str], usize)>> = HashMap::new();
        let mut index_rules = Vec::new();
        for (i, (rule, _)) in rules.iter().enumerate() {
            match rule.target() {
                Target::Objects { group, kinds } => {
                    for k in kinds {
                        by_kind.entry(k).or_default().push((group, i));
                    }
                }
                Target::Format { format, kinds } => {
                    by_format.entry(format).or_default().push((kinds, i))
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
        })
    }

    /// The rules that apply to `obj`.
    fn rules_for(&self, obj: &Object) -> Vec<usize> {
        if obj.format == Format::Kubernetes {
            let Some(ids) = self.by_kind.get(obj.kind.as_str()) else {
                return Vec::new();
            };
            ids.iter()
                .filter(|(group, _)| *group == "*" || obj.group() == *group)
                .map(|&(_, i)| i)
                .collect()
        } else {
            let Some(ids) = self.by_format.get(&obj.format) else {
                return Vec::new();
            };
            ids.iter()
                .filter(|(kinds, _)| kinds.is_empty() || kinds.contains(&obj.kind.as_str()))
                .map(|&(_, i)| i)
                .collect()
        }
    }

    fn check_file(&self, file: &mut LoadedFile) {
        let mut out = Vec::new();
        for obj in &file.objects {
            for i in self.rules_for(obj) {
                if let Some((rule, meta)) = self.rules.get(i) {
                    let mut cx = Ctx {
                        obj,
                        file: &file.source,
                        meta,
                        out: &mut out,
                    };
                    rule.check(&mut cx);
                }
            }
        }
        file.findings.append(&mut out);
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
                // .gitignore is honoured even outside a git checkout (a CI artifact, a tarball).
                let walker = ignore::WalkBuilder::new(p).require_git(false).build();
                for entry in walker.flatten() {
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
                        });
                    }
                }
            }
            Ok(_) => inputs.push(Input::File {
                path: p.clone(),
                shown: display_path(p),
                kind: classify::named(p),
            }),
            Err(e) => inputs.push(Input::Missing {
                shown: display_path(p),
                reason: e.to_string(),
            }),
        }
    }
    inputs.sort_by(|a, b| a.shown().cmp(b.shown()));
    inputs.dedup_by(|a, b| a.shown() == b.shown());
    inputs
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
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
    Ok(bytes)
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

fn load_input(id: usize, input: Input) -> LoadedFile {
    let (shown, kind, bytes) = match input {
        Input::Missing { shown, reason } => return unreadable(id, shown, &reason),
        Input::Stdin { shown, bytes } => {
            // Piped input is rendered manifests unless its name says otherwise.
            let kind = classify::by_name(Path::new(&shown)).unwrap_or(classify::Kind::Yaml);
            (shown, kind, bytes)
        }
        Input::File { path, shown, kind } => (shown, kind, read_file(&path)),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(reason) => return unreadable(id, shown, &reason),
    };
    match sources::decode(id, bytes) {
        Ok(text) => sources::load(id, shown, text, kind),
        Err(finding) => LoadedFile::failed(shown, *finding),
    }
}

/// Lint files on disk (and standard input).
pub fn lint(opts: &Options, rules: &RuleSet) -> Report {
    let start = Instant::now();
    let files: Vec<LoadedFile> = discover(opts)
        .into_par_iter()
        .enumerate()
        .map(|(id, input)| {
            let mut f = load_input(id, input);
            rules.check_file(&mut f);
            f
        })
        .collect();
    finish(files, rules, start)
}

/// Lint in-memory sources (tests, editors): `(path, text)` pairs.
pub fn lint_sources(sources: Vec<(String, String)>, rules: &RuleSet) -> Report {
    let start = Instant::now();
    let mut sources = sources;
    sources.sort_by(|a, b| a.0.cmp(&b.0));
    let files: Vec<LoadedFile> = sources
        .into_par_iter()
        .enumerate()
        .map(|(id, (path, text))| {
            let kind = classify::named(Path::new(&path));
            let mut f = sources::load(id, path, text, kind);
            rules.check_file(&mut f);
            f
        })
        .collect();
    finish(files, rules, start)
}

fn finish(files: Vec<LoadedFile>, rules: &RuleSet, start: Instant) -> Report {
    let mut index = Index::build(files.iter().flat_map(|f| f.objects.iter()));
    index.files = files.iter().map(|f| f.source.path.as_str()).collect();
    let mut findings = rules.check_index(&index);
    drop(index);
    let objects = files.iter().map(|f| f.objects.len()).sum();
    let mut sources = Vec::with_capacity(files.len());
    for f in files {
        findings.extend(f.findings);
        sources.push(f.source);
    }
    findings.sort_by(|a, b| {
        (a.file, a.span.start, &a.rule, a.span.end, &a.message).cmp(&(
            b.file,
            b.span.start,
            &b.rule,
            b.span.end,
            &b.message,
        ))
    });
    findings.dedup();
    Report {
        files: sources,
        findings,
        objects,
        elapsed: start.elapsed(),
    }
}

//! Helpers shared by the test binaries (`tests/cli`, `tests/library`, `tests/real_world`; each
//! includes this module, so not every helper is used by every binary): scratch projects, the
//! real binary, and the real-world corpus, copied (`tests/corpus`) or shared (opt-in).
#![allow(dead_code)]

use assert_cmd::Command;
use scalelint::{Report, lint_paths, lint_sources};
use std::path::{Path, PathBuf};

/// An HPA `web` on Deployment `web` with one finding worth asserting (`hpa-min-replicas`:
/// `minReplicas: 1`), and nothing else once `--select` narrows the run to that rule.
pub const HPA: &str = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 10
";

/// A scratch git project with these files.
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// Copies folder `from` into `to`, recursively.
/// Sets the modification time of every file and folder under `root` a minute back:
/// pre-commit's cache on disk keeps no stamp made in the second before a run (a write in the
/// same clock tick could hide behind it), and tests write their files just before they run.
#[allow(dead_code)]
pub fn age(root: &Path) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        }
        std::fs::File::open(&p).unwrap().set_modified(past).unwrap();
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The `.yaml` files under `dir` (a rendered Helm case, one file per template), concatenated
/// in path order, as `helm template` prints them.
pub fn rendered(dir: &Path) -> String {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else if e.path().extension().is_some_and(|x| x == "yaml") {
                files.push(e.path());
            }
        }
    }
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

/// Run the real binary in `dir`: stdout, stderr, exit code.
pub fn run(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = Command::cargo_bin("scalelint")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

/// Lint files and folders with the built-in rules, as `scalelint check` does without a
/// configuration.
pub fn lint_files<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Report {
    lint_paths(paths.into_iter().map(|p| p.as_ref().to_path_buf())).expect("rules load")
}

/// Where a finding is: its file's shown path, and its 1-based line and column.
pub fn place<'r>(report: &'r Report, f: &scalelint::model::Finding) -> (&'r str, usize, usize) {
    let file = &report.files[f.file];
    let at = file.line_col(f.span.start);
    (file.path.as_str(), at.line, at.column)
}

/// Lint in-memory files `(path, text)` with the built-in rules.
pub fn lint_texts(files: &[(&str, &str)]) -> Report {
    let rules = scalelint::builtin_rules().expect("rules load");
    lint_sources(
        files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
        &rules,
    )
}

/// Real-world files copied into the repository from the shared corpus, at the same relative
/// paths, with their origin and licence in `tests/corpus/SOURCES.tsv` (see its README).
pub const CORPUS: &str = "tests/corpus";

/// `tests/corpus/REL`, which must exist: a test never passes because its input is missing.
pub fn corpus(rel: &str) -> PathBuf {
    let path = Path::new(CORPUS).join(rel);
    assert!(
        path.exists(),
        "{} is missing; see tests/corpus/README.md",
        path.display()
    );
    path
}

/// The opt-in for tests of the shared corpus: `1` means `../shared/corpus` (beside the
/// checkout, as on the project's machines and CI), any other value is the corpus folder.
/// Unset, empty or `0`: those tests print what they skip and pass.
pub const SHARED_ENV: &str = "SCALELINT_SHARED_CORPUS";

/// Where `SCALELINT_SHARED_CORPUS=1` points.
pub const SHARED_DEFAULT: &str = "../shared/corpus";

/// The shared corpus when the opt-in is set; panics when it is set and the folder is missing.
/// When it is not set, prints (to stderr, shown by `--nocapture` and with a failure) that the
/// calling test skipped `what` and why, and returns `None`.
pub fn shared_corpus(what: &str) -> Option<PathBuf> {
    let value = std::env::var(SHARED_ENV).unwrap_or_default();
    if value.is_empty() || value == "0" {
        eprintln!(
            "skipped (opt-in): {what}. It reads the shared corpus, outside the repository; set \
             {SHARED_ENV}=1 ({SHARED_DEFAULT}) or {SHARED_ENV}=DIR to run it."
        );
        return None;
    }
    let dir = PathBuf::from(if value == "1" { SHARED_DEFAULT } else { &value });
    assert!(
        dir.is_dir(),
        "{SHARED_ENV}={value}: the shared corpus {} does not exist",
        dir.display()
    );
    assert!(
        dir.join("SOURCES.tsv").is_file(),
        "{SHARED_ENV}={value}: {} is not the shared corpus (no SOURCES.tsv there)",
        dir.display()
    );
    Some(dir)
}

/// The files below `dir` (recursively, sorted) whose extension is one of `exts`.
pub fn files_with(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.extend(files_with(&p, exts));
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| exts.contains(&x))
        {
            out.push(p);
        }
    }
    out
}

/// `root/REL`, which must exist.
pub fn under(root: &Path, rel: &str) -> PathBuf {
    let path = root.join(rel);
    assert!(path.exists(), "{} is missing", path.display());
    path
}

/// One row of a corpus `SOURCES.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file's path under the corpus folder.
    pub local_file: String,
    pub repo: String,
    pub path: String,
    pub commit: String,
    pub license: String,
}

/// The rows of `dir/SOURCES.tsv` (the header checked and left out).
pub fn sources(dir: &Path) -> Vec<Source> {
    let path = dir.join("SOURCES.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("local_file\trepo\tpath\tcommit\tlicense"),
        "{}",
        path.display()
    );
    lines
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 5, "{}: {line}", path.display());
            Source {
                local_file: cols[0].into(),
                repo: cols[1].into(),
                path: cols[2].into(),
                commit: cols[3].into(),
                license: cols[4].into(),
            }
        })
        .collect()
}

/// How many copied files `tests/corpus/SOURCES.tsv` lists under `prefix` whose name passes
/// `keep`: what a sweep of the copied corpus must have seen.
pub fn copied_count(prefix: &str, keep: impl Fn(&str) -> bool) -> usize {
    sources(Path::new(CORPUS))
        .iter()
        .filter(|s| s.local_file.starts_with(prefix) && keep(&s.local_file))
        .count()
}

//! Inputs shared by the benches: files of `../shared/corpus` and one service made by
//! `../shared/tools/gen-corpus`. Both live outside the repository (beside it, as on the
//! project's machines and in CI), so a bench without them panics with a message that names
//! what is missing rather than measuring something else.

// Each bench target compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `../shared`, next to the repository.
pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// The text of `../shared/corpus/REL`.
pub fn corpus_file(rel: &str) -> String {
    let path = shared().join("corpus").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the benches read ../shared/corpus beside the repository)",
            path.display()
        )
    })
}

/// One generated service that has a Deployment and an HPA in files of their own.
pub struct Service {
    /// `services/<namespace>/<name>`, as in a generated corpus.
    pub dir: String,
    pub deployment: String,
    pub hpa: String,
}

/// The first such service (in path order) of `gen-corpus -n 10`: the generator is
/// deterministic, so every run benches the same text. Generated rather than copied into the
/// repository so the benches follow the generator that `scripts/bench` uses.
pub fn generated_service() -> Service {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let out = tmp.path().join("corpus");
    let gen_corpus = shared().join("tools/gen-corpus");
    let status = Command::new("python3")
        .arg(&gen_corpus)
        .arg(&out)
        .args(["-n", "10"])
        .stdout(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("python3 {}: {e}", gen_corpus.display()));
    assert!(
        status.success(),
        "{} failed: {status}",
        gen_corpus.display()
    );
    let mut dirs: Vec<PathBuf> = Vec::new();
    for ns in read_dir(&out.join("services")) {
        dirs.extend(read_dir(&ns));
    }
    dirs.sort();
    let dir = dirs
        .into_iter()
        .find(|d| d.join("deployment.yaml").is_file() && d.join("hpa.yaml").is_file())
        .expect("gen-corpus -n 10 makes a service with deployment.yaml and hpa.yaml");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("a generated file");
    Service {
        dir: dir
            .strip_prefix(&out)
            .expect("under the corpus")
            .to_string_lossy()
            .into_owned(),
        deployment: read("deployment.yaml"),
        hpa: read("hpa.yaml"),
    }
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect()
}

//! Inputs shared by the benches: real-world files and one service made by
//! `../shared/tools/gen-corpus`. A corpus file is read from the copies in `tests/corpus` when
//! it is there, else from `../shared/corpus` beside the repository (as on the project's
//! machines and in CI). What is missing is skipped with a message naming it, never measured
//! as something else.

// Each bench target compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `../shared`, next to the repository.
pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// The text of corpus file `REL` (a path under the corpus, as in its `SOURCES.tsv`):
/// `tests/corpus/REL`, else `../shared/corpus/REL`; `None`, after saying what `bench` skips,
/// when neither exists.
pub fn corpus_file(rel: &str, bench: &str) -> Option<String> {
    let copied = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(rel);
    let shared = shared().join("corpus").join(rel);
    for path in [&copied, &shared] {
        if path.is_file() {
            let text =
                std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            return Some(text);
        }
    }
    eprintln!(
        "skipped bench {bench}: {rel} is neither in tests/corpus nor in ../shared/corpus \
         beside the repository"
    );
    None
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
/// repository so the benches follow the generator that `scripts/bench` uses. `None`, after
/// saying what `bench` skips, without `../shared/tools/gen-corpus` or `python3`.
pub fn generated_service(bench: &str) -> Option<Service> {
    let gen_corpus = shared().join("tools/gen-corpus");
    if !gen_corpus.is_file() {
        eprintln!(
            "skipped bench {bench}: it needs {} (../shared beside the repository)",
            gen_corpus.display()
        );
        return None;
    }
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let out = tmp.path().join("corpus");
    let status = match Command::new("python3")
        .arg(&gen_corpus)
        .arg(&out)
        .args(["-n", "10"])
        .stdout(Stdio::null())
        .status()
    {
        Ok(status) => status,
        Err(e) => {
            eprintln!(
                "skipped bench {bench}: python3 {}: {e}",
                gen_corpus.display()
            );
            return None;
        }
    };
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
    Some(Service {
        dir: dir
            .strip_prefix(&out)
            .expect("under the corpus")
            .to_string_lossy()
            .into_owned(),
        deployment: read("deployment.yaml"),
        hpa: read("hpa.yaml"),
    })
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect()
}

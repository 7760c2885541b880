//! Embeds every rule metadata file under `rules/` into the binary, so `explain`, the rules
//! table and SARIF descriptors need no files at run time.
use std::fs;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    let mut code = String::from("pub static RULE_METADATA: &[(&str, &str)] = &[\n");
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo:rerun-if-changed={}", f.display());
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("];\n");
    // The first `fail.*` and `pass.*` fixture of each rule: the examples of the rules reference.
    code.push_str("pub static RULE_EXAMPLES: &[(&str, &str, &str)] = &[\n");
    let fixtures = root.join("fixtures");
    println!("cargo:rerun-if-changed=fixtures");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&fixtures)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    for dir in dirs {
        let rule = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for prefix in ["fail.", "pass."] {
            let found = files.iter().find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
                    && p.is_file()
            });
            if let Some(f) = found {
                println!("cargo:rerun-if-changed={}", f.display());
                let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                code.push_str(&format!(
                    "    ({rule:?}, {name:?}, include_str!({:?})),\n",
                    f.display().to_string()
                ));
            }
        }
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("rule_metadata.rs");
    fs::write(out, code).unwrap_or_else(|e| panic!("writing rule metadata: {e}"));
}

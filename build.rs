//! Embeds every rule metadata file under `rules/` into the binary, so `explain`, the rules
//! table and SARIF descriptors need no files at run time; each also as JSON, read at build
//! time by the same libyaml and scalar resolution as at run time, because every run of the
//! CLI builds the catalog and parsing 60 KB of YAML took a fifth of a one-file run
//! (BENCHMARKS.md). `meta`'s tests hold each JSON to the run-time reading of its YAML.
use std::fs;
use std::path::{Path, PathBuf};

/// What `sources::resolve` resolves plain scalars to (`crate::model::Resolved` there).
mod model {
    #[allow(dead_code)]
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub enum Resolved {
        Null,
        Bool(bool),
        Int(i64),
        Float(f64),
        Str,
    }
}

/// Kubernetes' scalar resolution (YAML 1.1, go-yaml v2): the run time's own file.
#[allow(dead_code)]
#[path = "src/sources/resolve.rs"]
mod resolve;

/// A metadata file as JSON, or why not (the run time then reads the YAML and reports it at
/// its place). Anchors, aliases and tags are refused: metadata has no use for them.
fn to_json(yaml: &str) -> Result<String, String> {
    use libyaml_safer::{EventData, Parser, ScalarStyle};
    let mut parser = Parser::new();
    parser.set_input(yaml.as_bytes());
    let mut out = String::new();
    let mut open: Vec<Open> = Vec::new();
    let mut documents = 0;
    loop {
        let event = parser.parse().map_err(|e| e.to_string())?;
        match event.data {
            EventData::StreamStart { .. } | EventData::DocumentEnd { .. } => {}
            EventData::StreamEnd => break,
            EventData::DocumentStart { .. } => {
                documents += 1;
                if documents > 1 {
                    return Err("more than one document".into());
                }
            }
            EventData::Alias { .. } => return Err("an alias".into()),
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                if anchor.is_some() || tag.is_some() {
                    return Err("an anchor or a tag".into());
                }
                let is_key = next_item(&mut out, open.last_mut());
                let resolved = match style {
                    ScalarStyle::Plain => resolve::resolve_plain(&value),
                    _ => model::Resolved::Str,
                };
                match resolved {
                    _ if is_key => push_string(&mut out, &value),
                    model::Resolved::Null => out.push_str("null"),
                    model::Resolved::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                    model::Resolved::Int(i) => out.push_str(&i.to_string()),
                    model::Resolved::Float(f) if f.is_finite() => out.push_str(&format!("{f:?}")),
                    model::Resolved::Float(_) => return Err("a float JSON cannot hold".into()),
                    model::Resolved::Str => push_string(&mut out, &value),
                }
                if is_key {
                    out.push(':');
                }
            }
            EventData::SequenceStart {
                ref anchor,
                ref tag,
                ..
            }
            | EventData::MappingStart {
                ref anchor,
                ref tag,
                ..
            } => {
                if anchor.is_some() || tag.is_some() {
                    return Err("an anchor or a tag".into());
                }
                if next_item(&mut out, open.last_mut()) {
                    return Err("a collection as a key".into());
                }
                let map = matches!(event.data, EventData::MappingStart { .. });
                out.push(if map { '{' } else { '[' });
                open.push(Open {
                    map,
                    any: false,
                    key_next: true,
                });
            }
            EventData::SequenceEnd | EventData::MappingEnd => {
                let map = open.pop().is_some_and(|o| o.map);
                out.push(if map { '}' } else { ']' });
            }
        }
    }
    Ok(out)
}

/// A collection being written.
struct Open {
    map: bool,
    /// An item was written: a comma is due before the next.
    any: bool,
    /// In a mapping: the next node is a key.
    key_next: bool,
}

/// Starts the next node inside `open` (a comma when one is due); whether it is a key.
fn next_item(out: &mut String, open: Option<&mut Open>) -> bool {
    let Some(o) = open else {
        return false;
    };
    if !o.map || o.key_next {
        if o.any {
            out.push(',');
        }
        o.any = true;
    }
    let is_key = o.map && o.key_next;
    if o.map {
        o.key_next = !o.key_next;
    }
    is_key
}

fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

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
    // (path, YAML, the YAML as JSON when it could be read at build time)
    let mut code = String::from("pub static RULE_METADATA: &[(&str, &str, Option<&str>)] = &[\n");
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo:rerun-if-changed={}", f.display());
        let json = fs::read_to_string(f)
            .map_err(|e| e.to_string())
            .and_then(|t| to_json(&t));
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?}), {:?}),\n",
            f.display().to_string(),
            json.ok()
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
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    fs::write(out_dir.join("rule_metadata.rs"), code)
        .unwrap_or_else(|e| panic!("writing rule metadata: {e}"));
    pack_relative_relocations(&out_dir);
}

/// Links the binaries with packed relative relocations (`DT_RELR`) where the linker can: a
/// position-independent executable of this size has ~23,000 of them, which the dynamic
/// loader otherwise applies one 24-byte entry at a time before `main` (~0.3 ms of every
/// run, a one-file run being ~5 ms; BENCHMARKS.md). GNU ld ≥ 2.38, lld and mold take the
/// flag; glibc ≥ 2.36 runs the result. Only for a native Linux (glibc) build, and only when
/// `cc` links a probe with it.
fn pack_relative_relocations(out_dir: &Path) {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux"
        || var("CARGO_CFG_TARGET_ENV") != "gnu"
        || var("HOST") != var("TARGET")
    {
        return;
    }
    const FLAG: &str = "-Wl,-z,pack-relative-relocs";
    let probe = out_dir.join("relr-probe.c");
    if fs::write(&probe, "int main(void) { return 0; }\n").is_err() {
        return;
    }
    let linked = std::process::Command::new("cc")
        .arg(&probe)
        .arg("-o")
        .arg(out_dir.join("relr-probe"))
        .arg(FLAG)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if linked {
        println!("cargo:rustc-link-arg-bins={FLAG}");
    }
}

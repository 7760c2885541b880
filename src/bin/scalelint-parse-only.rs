//! The benchmark baseline: what scalelint's YAML parsing alone costs. Walks the given
//! directories as `scalelint check` does (the same walker, the same file classification),
//! reads and decodes every YAML file, then, on one thread and timed apart from the reading:
//!
//! - `--saphyr` (the default): pulls every event out of saphyr-parser, the unchanged
//!   events-only baseline. No tree, no rules, no output.
//! - `--tree`: `sources::yaml::parse`, the front-end as scalelint runs it (fast path, libyaml
//!   as its fallback), trees built.
//! - `--reference`: `sources::yaml::parse_reference`, libyaml's events alone, trees built.
//! - `--compare`: both of the above on every file; prints each file where they differ
//!   (documents with spans, problems, text scalars) and the fast path's coverage: documents
//!   it completed, and the segments it gave up on by reason.
//!
//! Built only with `--features bench` (`scripts/bench` does), so `cargo install` leaves it out.
//!
//! Usage: scalelint-parse-only [--saphyr|--tree|--reference|--compare] DIR...

use saphyr_parser::Parser;
use scalelint::sources::classify::{self, Kind};
use scalelint::sources::yaml;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

// The same allocator as `scalelint`, so the baseline pays what scalelint's parsing pays.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut mode = "--saphyr".to_string();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg.starts_with("--") {
            mode = arg;
        } else {
            dirs.push(PathBuf::from(arg));
        }
    }
    if dirs.is_empty() {
        eprintln!("usage: scalelint-parse-only [--saphyr|--tree|--reference|--compare] DIR...");
        std::process::exit(2);
    }
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for dir in &dirs {
        let walker = ignore::WalkBuilder::new(dir).require_git(false).build();
        for entry in walker.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file())
                || classify::by_name(entry.path()) != Some(Kind::Yaml)
            {
                continue;
            }
            let Ok(raw) = std::fs::read(entry.path()) else {
                continue;
            };
            let Ok(text) = String::from_utf8(raw) else {
                continue;
            };
            files.push((entry.path().to_path_buf(), text));
        }
    }
    // SCALELINT_REPEAT=n parses the files n times (profiling the parser, not the reading).
    let repeat: usize = std::env::var("SCALELINT_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum::<usize>() * repeat;
    let limits = yaml::Limits::default();
    let start = Instant::now();
    let (mut events, mut errors, mut documents) = (0usize, 0usize, 0usize);
    match mode.as_str() {
        "--saphyr" => {
            for (_, text) in files.iter().cycle().take(files.len() * repeat) {
                let mut parser = Parser::new_from_str(text);
                loop {
                    match parser.next_event() {
                        Some(Ok(_)) => events += 1,
                        Some(Err(_)) => {
                            errors += 1;
                            break;
                        }
                        None => break,
                    }
                }
            }
        }
        "--tree" | "--reference" => {
            for (_, text) in files.iter().cycle().take(files.len() * repeat) {
                let parsed = if mode == "--tree" {
                    yaml::parse(text, limits)
                } else {
                    yaml::parse_reference(text, limits)
                };
                documents += parsed.documents.len();
                errors += usize::from(!parsed.problems.is_empty());
            }
        }
        "--compare" => {
            compare(&files, limits);
            return;
        }
        _ => {
            eprintln!("unknown mode {mode}");
            std::process::exit(2);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{mode}: {} YAML files, {bytes} bytes, {events} events, {documents} documents, {errors} with problems; {secs:.3} s, {:.1} MB/s",
        files.len(),
        bytes as f64 / secs / 1e6
    );
}

fn compare(files: &[(PathBuf, String)], limits: yaml::Limits) {
    let (mut differ, mut completed, mut segments) = (0usize, 0usize, 0usize);
    let mut documents = 0usize;
    let mut bailed: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut panicked = 0usize;
    for (path, text) in files {
        let reference = std::panic::catch_unwind(|| yaml::parse_reference(text, limits));
        let Ok(reference) = reference else {
            panicked += 1;
            println!("libyaml panicked: {}", path.display());
            continue;
        };
        let (fast, outcomes) = yaml::parse_with_outcomes(text, limits);
        documents += reference.documents.len();
        for o in &outcomes {
            segments += 1;
            completed += o.completed;
            if let Some(b) = o.bailed {
                *bailed.entry(b.name()).or_default() += 1;
            }
        }
        if let Some(part) = fast.difference(&reference) {
            differ += 1;
            println!("DIFFER ({part}): {}", path.display());
            if std::env::var_os("VERBOSE").is_some() {
                println!(
                    "fast problems: {:?}\nref problems: {:?}",
                    fast.problems, reference.problems
                );
                println!(
                    "fast ts: {:?}\nref ts: {:?}",
                    fast.text_scalars, reference.text_scalars
                );
                let (f, r) = (
                    format!("{:#?}", fast.documents),
                    format!("{:#?}", reference.documents),
                );
                for (i, (a, b)) in f.lines().zip(r.lines()).enumerate() {
                    if a != b {
                        println!("line {i}: fast {a} | ref {b}");
                        break;
                    }
                }
                println!(
                    "docs: fast {} ref {}",
                    fast.documents.len(),
                    reference.documents.len()
                );
            }
        }
    }
    println!(
        "{} files ({panicked} where libyaml panicked, left out), {documents} documents (reference), {segments} segments; fast path completed {completed} documents; {differ} files differ",
        files.len()
    );
    for (reason, n) in &bailed {
        println!("  bailed: {reason}: {n}");
    }
}

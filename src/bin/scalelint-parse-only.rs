//! The benchmark baseline: what scalelint's YAML parsing alone costs. Walks the given
//! directories as `scalelint check` does (the same walker, the same file classification),
//! reads and decodes every YAML file and pulls every event out of saphyr-parser, the parser
//! scalelint builds its trees from, on one thread. No tree, no rules, no output.
//!
//! Built only with `--features bench` (`scripts/bench` does), so `cargo install` leaves it out.
//!
//! Usage: scalelint-parse-only DIR... (prints files, bytes and events parsed)

use saphyr_parser::Parser;
use scalelint::sources::classify::{self, Kind};
use std::path::PathBuf;

// The same allocator as `scalelint`, so the baseline pays what scalelint's parsing pays.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dirs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        eprintln!("usage: scalelint-parse-only DIR...");
        std::process::exit(2);
    }
    let (mut files, mut bytes, mut events, mut errors) = (0usize, 0usize, 0usize, 0usize);
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
            files += 1;
            bytes += text.len();
            let mut parser = Parser::new_from_str(&text);
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
    println!("{files} YAML files, {bytes} bytes, {events} events, {errors} with a syntax error");
}

//! The benchmark baseline: what scalelint's YAML parsing alone costs. Walks the given
//! directories as `scalelint check` does (the same walker, the same file classification),
//! reads and decodes every YAML file and pulls every event out of saphyr-parser, the parser
//! scalelint builds its trees from, on one thread. No tree, no rules, no output.
//!
//! With `--reader`, the same walk and read go through scalelint's own YAML front-end instead
//! (`sources::yaml::parse_each`: libyaml's events, or the fast path, into span-carrying trees,
//! each dropped when complete): the front-end's throughput beside saphyr's, in the same run.
//!
//! Built only with `--features bench` (`scripts/bench` does), so `cargo install` leaves it out.
//!
//! Usage: scalelint-parse-only [--reader] DIR... (prints files, bytes and events or documents
//! parsed, and the parsing time and throughput, reading excluded)

use saphyr_parser::Parser;
use scalelint::sources::classify::{self, Kind};
use scalelint::sources::yaml;
use std::path::PathBuf;
use std::time::{Duration, Instant};

// The same allocator as `scalelint`, so the baseline pays what scalelint's parsing pays.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let reader = args.first().is_some_and(|a| a == "--reader");
    if reader {
        args.remove(0);
    }
    let dirs: Vec<PathBuf> = args.into_iter().map(PathBuf::from).collect();
    if dirs.is_empty() {
        eprintln!("usage: scalelint-parse-only [--reader] DIR...");
        std::process::exit(2);
    }
    let (mut files, mut bytes, mut events, mut errors) = (0usize, 0usize, 0usize, 0usize);
    let mut parsing = Duration::ZERO;
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
            let started = Instant::now();
            if reader {
                let parsed = yaml::parse_each(&text, yaml::Limits::default(), &mut |_, _| {
                    events += 1;
                });
                if !parsed.problems.is_empty() {
                    errors += 1;
                }
            } else {
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
            parsing += started.elapsed();
        }
    }
    let (what, unit) = if reader {
        ("scalelint's YAML reader", "documents")
    } else {
        ("saphyr events", "events")
    };
    let seconds = parsing.as_secs_f64();
    println!(
        "{files} YAML files, {bytes} bytes, {events} {unit}, {errors} with a syntax error; \
         {what}: {seconds:.3} s parsing, {:.1} MB/s",
        bytes as f64 / seconds.max(1e-9) / 1e6
    );
}

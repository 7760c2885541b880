//! Hostile and broken input through the real binary (issue 10): every case must end in a clean
//! finding or error (exit 0/1, no panic), within a time bound, with bounded memory where the
//! platform lets us measure it, and without hiding the findings of a good file in the same run.
//! Inputs are generated into a tempdir, never committed.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A file every run also lints: its finding must survive whatever else is in the run.
const GOOD: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  minReplicas: 1\n  maxReplicas: 10\n";
const GOOD_FINDING: &str = "good.yaml:6:16: error[hpa-min-replicas] minReplicas is 1";

/// Peak RSS allowed for one run (KiB). Generous: a debug build holding a 30 MB file.
const MAX_RSS_KIB: u64 = 1536 * 1024;

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
    elapsed: Duration,
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("scalelint")
}

/// Runs the binary in `dir` with `args`, killing it (and failing) after `limit`. Peak memory
/// is read with GNU time's `%M` when `/usr/bin/time` exists; otherwise it is not checked.
fn run_in(dir: &Path, args: &[&std::ffi::OsStr], limit: Duration) -> Run {
    let time = Path::new("/usr/bin/time");
    let measured = time.exists();
    let mut cmd = if measured {
        let mut c = Command::new(time);
        c.arg("-f").arg("scalelint-max-rss-kib %M").arg(bin());
        c
    } else {
        eprintln!("peak memory not checked for {args:?}: /usr/bin/time (GNU time) is missing");
        Command::new(bin())
    };
    cmd.current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawns");
    // Drain pipes on threads so a large report cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        out.read_to_end(&mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        err.read_to_end(&mut s).ok();
        s
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            panic!("scalelint {args:?} ran over {limit:?} and was killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
    let code = status.code().unwrap_or(-1);
    assert!(
        !stderr.contains("panicked"),
        "scalelint {args:?} panicked: {stderr}"
    );
    assert!(code == 0 || code == 1, "exit {code} for {args:?}: {stderr}");
    if measured {
        let rss = stderr
            .lines()
            .find_map(|l| l.strip_prefix("scalelint-max-rss-kib "))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no peak RSS from {} in: {stderr}", time.display()));
        assert!(rss < MAX_RSS_KIB, "peak RSS {rss} KiB for {args:?}");
    }
    Run {
        stdout,
        stderr,
        code,
        elapsed,
    }
}

/// Lints `names` (relative to `dir`) plus the good file, compact format.
fn check(dir: &Path, names: &[&std::ffi::OsStr], limit: Duration) -> Run {
    fs::write(dir.join("good.yaml"), GOOD).unwrap();
    let mut args: Vec<&std::ffi::OsStr> = vec!["check".as_ref(), "--format".as_ref()];
    args.push("compact".as_ref());
    args.push("good.yaml".as_ref());
    args.extend_from_slice(names);
    let r = run_in(dir, &args, limit);
    assert!(
        r.stdout.contains(GOOD_FINDING),
        "good file's finding lost with {names:?}: {}\n{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(r.code, 1);
    r
}

fn one(name: &str, content: &[u8], limit_s: u64) -> Run {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(name), content).unwrap();
    check(dir.path(), &[name.as_ref()], Duration::from_secs(limit_s))
}

fn has(r: &Run, needle: &str) {
    assert!(
        r.stdout.contains(needle),
        "expected {needle:?} in:\n{}\n{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn billion_laughs_is_a_parse_error() {
    let mut s = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        s.push_str(&format!(
            "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = n;
    }
    let r = one("laughs.yaml", s.as_bytes(), 20);
    has(&r, "laughs.yaml:");
    has(&r, "parse-error");
}

#[test]
fn deep_flow_nesting_is_a_parse_error() {
    let r = one("brackets.yaml", "[".repeat(100_000).as_bytes(), 20);
    has(&r, "brackets.yaml:");
    has(&r, "parse-error");
    let r = one("braces.yaml", "{a:".repeat(100_000).as_bytes(), 20);
    has(&r, "braces.yaml:");
    has(&r, "parse-error");
}

/// oxc has no depth limit of its own: a k6 script nested or chained this deep would overflow
/// the stack and abort the whole run.
#[test]
fn deep_k6_scripts_are_a_parse_error() {
    let head = "import http from 'k6/http';\nexport const options = ";
    for (name, body) in [
        (
            "brackets.js",
            format!("{}{}", "[".repeat(200_000), "]".repeat(200_000)),
        ),
        ("not.js", format!("{}1", "!".repeat(500_000))),
        ("ternary.ts", format!("{}1", "a ? b : ".repeat(100_000))),
    ] {
        let r = one(name, format!("{head}{body};\n").as_bytes(), 30);
        has(&r, &format!("{name}:1:1: error[parse-error] not parsed"));
    }
}

#[test]
fn deep_block_nesting_is_a_parse_error() {
    let mut s = String::new();
    for i in 0..5_000 {
        s.push_str(&" ".repeat(i));
        s.push_str("a:\n");
    }
    let r = one("block.yaml", s.as_bytes(), 30);
    has(&r, "block.yaml:");
    has(&r, "parse-error");
}

#[test]
fn a_ten_megabyte_line() {
    let mut s = b"a: \"".to_vec();
    s.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    s.extend_from_slice(b"\"\n");
    let r = one("line.yaml", &s, 30);
    assert!(r.elapsed < Duration::from_secs(30));
}

/// The issue asks for 100 MB; 20 MB keeps the debug-build CI run short while still being far
/// above any real manifest. The 64 MiB limit itself is tested with a sparse file below.
#[test]
fn a_large_file() {
    let doc = "---\napiVersion: apps/v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n";
    let s = doc.repeat(20 * 1024 * 1024 / doc.len());
    // Generous: a debug build under a loaded CI machine; a hang is what this guards against.
    one("large.yaml", s.as_bytes(), 120);
}

#[test]
fn a_file_over_the_size_limit_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = fs::File::create(dir.path().join("huge.yaml")).unwrap();
    // Sparse: no disk, no time.
    f.set_len(64 * 1024 * 1024 + 1).unwrap();
    let r = check(dir.path(), &["huge.yaml".as_ref()], Duration::from_secs(10));
    has(&r, "huge.yaml:");
    has(&r, "io-error");
}

#[test]
fn invalid_utf8() {
    let r = one("bad.yaml", b"a: \xff\xfe\x80\nb: c\n", 10);
    has(&r, "bad.yaml:");
}

#[test]
fn utf16_with_bom_is_decoded() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in GOOD.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let r = one("utf16.yaml", &bytes, 10);
    has(&r, "utf16.yaml:6:16: error[hpa-min-replicas]");
    let mut bytes = vec![0xFE, 0xFF];
    for u in GOOD.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    let r = one("utf16be.yaml", &bytes, 10);
    has(&r, "utf16be.yaml:6:16: error[hpa-min-replicas]");
    // Truncated (odd byte count) or a lone surrogate: an encoding error, not silently dropped.
    let r = one("odd.yaml", b"\xff\xfea\x00:", 10);
    has(&r, "odd.yaml:1:1: error[parse-error]");
    let r = one("surrogate.yaml", b"\xff\xfe\x00\xd8a\x00", 10);
    has(&r, "surrogate.yaml:1:1: error[parse-error]");
}

/// Deterministic pseudo-random bytes (xorshift), NULs included.
fn noise(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if i % 7 == 0 { 0 } else { x as u8 }
        })
        .collect()
}

#[test]
fn binary_files_with_config_names() {
    for name in [
        "bin.yaml",
        "redis.conf",
        "pgbouncer.ini",
        "server.properties",
        "x.conf",
        "x.ini",
    ] {
        one(name, &noise(64 * 1024), 10);
        one(name, b"a: b\0c\n\0\0\0", 10);
    }
}

#[test]
fn empty_comment_only_and_separator_only_files() {
    for (name, content) in [
        ("empty.yaml", ""),
        ("comments.yaml", "# one\n# two\n"),
        ("sep.yaml", "---\n"),
        ("seps.yaml", "---\n---\n...\n---\n"),
        ("empty.conf", ""),
        ("redis.conf", "# only a comment\n"),
        ("pgbouncer.ini", ";only\n"),
        ("server.properties", "# x\n! y\n"),
    ] {
        let r = one(name, content.as_bytes(), 10);
        // Nothing to object to in the file's syntax; an empty YAML file has no findings at all
        // (an empty redis.conf rightly lacks `maxmemory`).
        let own: Vec<&str> = r
            .stdout
            .lines()
            .filter(|l| l.starts_with(&format!("{name}:")))
            .collect();
        if name.ends_with(".yaml") {
            assert!(own.is_empty(), "{name}: {own:?}");
        }
        assert!(
            own.iter()
                .all(|l| !l.contains("parse-error") && !l.contains("io-error")),
            "{name}: {own:?}"
        );
    }
}

#[test]
fn crlf_positions_are_the_same_as_lf() {
    let crlf = GOOD.replace('\n', "\r\n");
    let r = one("crlf.yaml", crlf.as_bytes(), 10);
    has(
        &r,
        "crlf.yaml:6:16: error[hpa-min-replicas] minReplicas is 1",
    );
    // A finding on the last line, after a CR-LF on every line before it.
    let crlf = "apiVersion: autoscaling/v2\r\nkind: HorizontalPodAutoscaler\r\nmetadata:\r\n  name: web\r\nspec:\r\n  maxReplicas: 10\r\n  minReplicas: 0\r\n";
    let r = one("crlf2.yaml", crlf.as_bytes(), 10);
    has(&r, "crlf2.yaml:7:16:");
}

#[test]
fn tabs_as_indentation() {
    let r = one(
        "tabs.yaml",
        b"spec:\n\tminReplicas: 1\n\tmaxReplicas: 2\n",
        10,
    );
    has(&r, "tabs.yaml:");
    has(&r, "parse-error");
}

#[cfg(unix)]
#[test]
fn dangling_symlink_and_symlink_loop() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Named explicitly: what a file deleted between discovery and reading looks like.
    std::os::unix::fs::symlink(d.join("gone.yaml"), d.join("dangling.yaml")).unwrap();
    let r = check(d, &["dangling.yaml".as_ref()], Duration::from_secs(10));
    has(&r, "dangling.yaml:");
    // A directory loop, walked.
    fs::create_dir(d.join("tree")).unwrap();
    fs::write(d.join("tree/x.yaml"), "a: b\n").unwrap();
    std::os::unix::fs::symlink(d.join("tree"), d.join("tree/loop")).unwrap();
    std::os::unix::fs::symlink("loop2", d.join("tree/loop2")).unwrap();
    std::os::unix::fs::symlink(d.join("gone.yaml"), d.join("tree/dangling.yaml")).unwrap();
    check(d, &["tree".as_ref()], Duration::from_secs(10));
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("secret.yaml");
    fs::write(&p, GOOD).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads it anyway; either way the run is clean.
    let r = check(
        dir.path(),
        &["secret.yaml".as_ref()],
        Duration::from_secs(10),
    );
    has(&r, "secret.yaml:");
}

#[cfg(target_os = "linux")]
#[test]
fn a_fifo_named_and_walked_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("tree")).unwrap();
    let ok = Command::new("mkfifo")
        .arg(d.join("x.yaml"))
        .arg(d.join("tree/x.yaml"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("skipped: the FIFO case needs mkfifo, which is missing or failed");
        return;
    }
    let r = check(d, &["x.yaml".as_ref()], Duration::from_secs(10));
    has(&r, "x.yaml:");
    check(d, &["tree".as_ref()], Duration::from_secs(10));
}

#[cfg(target_os = "linux")]
#[test]
fn a_non_utf8_path() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.yaml");
    fs::create_dir(dir.path().join("tree")).unwrap();
    fs::write(dir.path().join("tree").join(name), GOOD).unwrap();
    fs::write(dir.path().join(name), GOOD).unwrap();
    let r = check(dir.path(), &[name], Duration::from_secs(10));
    has(&r, ".yaml:6:16: error[hpa-min-replicas]");
    for fmt in ["json", "sarif", "human", "junit", "github"] {
        let dir2 = dir.path();
        run_in(
            dir2,
            &[
                "check".as_ref(),
                "--format".as_ref(),
                fmt.as_ref(),
                "tree".as_ref(),
            ],
            Duration::from_secs(10),
        );
    }
}

/// 50,000 tiny files: the lint itself took 0.7 s in a debug build on 2 cores (creating them
/// takes longer), so the full count stays.
#[test]
fn many_tiny_files() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    fs::create_dir(&tree).unwrap();
    let n = 50_000;
    for i in 0..n {
        let sub = tree.join(format!("d{}", i % 100));
        if i < 100 {
            fs::create_dir(&sub).unwrap();
        }
        fs::write(sub.join(format!("f{i}.yaml")), "a: 1\n").unwrap();
    }
    let r = check(dir.path(), &["tree".as_ref()], Duration::from_secs(40));
    eprintln!("{n} files in {:?}", r.elapsed);
}

#[test]
fn long_properties_with_continuations() {
    let mut s = String::from("broker.id=1\n");
    for i in 0..100_000 {
        s.push_str(&format!("key{i}=a\\\n   b\\\n"));
    }
    s.push_str("end=1\n");
    one("server.properties", s.as_bytes(), 20);
    // One continuation chain 100,000 lines long.
    let s = format!("num.partitions=1\nx=\\\n{}", "a\\\n".repeat(100_000));
    one("kafka.properties", s.as_bytes(), 20);
}

#[test]
fn long_redis_and_pgbouncer_files() {
    let s = "maxmemory 1gb\n".to_string() + &"save 900 1\n".repeat(100_000);
    one("redis.conf", s.as_bytes(), 20);
    let s = "[pgbouncer]\n".to_string() + &"pool_mode = session\n".repeat(100_000);
    one("pgbouncer.ini", s.as_bytes(), 20);
    let s = "[databases]\n".to_string() + &"[x]\n".repeat(100_000);
    one("pgbouncer.ini", s.as_bytes(), 20);
}

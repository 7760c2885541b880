//! Running kustomize: the command the user has, a wrapper kustomization in a temporary folder
//! that asks for provenance (so the user's files are never written), a timeout, and no
//! plugins, exec functions, Helm or network of kustomize's own accord.

use super::Settings;
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The annotations the wrapper asks kustomize for; stripped before rules see an object.
pub const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";
pub const TRANSFORMATIONS_ANNOTATION: &str = "alpha.config.kubernetes.io/transformations";

/// Rendered output larger than this is refused (as files over the size limit are).
const MAX_OUTPUT: usize = crate::engine::MAX_FILE_SIZE as usize;

/// The command that builds a kustomization folder given as its last argument: the
/// configured one, else `kustomize build`, else `kubectl kustomize`, whichever is found first
/// on `PATH`. `None` when none is.
pub fn command(settings: &Settings) -> Option<Vec<String>> {
    if let Some(cmd) = &settings.command {
        return cmd
            .first()
            .is_some_and(|program| find_program(program).is_some())
            .then(|| cmd.clone());
    }
    for (program, sub) in [("kustomize", "build"), ("kubectl", "kustomize")] {
        if find_program(program).is_some() {
            return Some(vec![program.to_string(), sub.to_string()]);
        }
    }
    None
}

/// `program` as the shell would find it: a path if it has a `/`, else on `PATH`.
pub fn find_program(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        let p = PathBuf::from(program);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// `to` relative to `from` (both absolute): kustomize refuses absolute resource paths.
fn relative(to: &Path, from: &Path) -> PathBuf {
    let to: Vec<Component> = to.components().collect();
    let from: Vec<Component> = from.components().collect();
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in from.iter().skip(common) {
        out.push("..");
    }
    for c in to.iter().skip(common) {
        out.push(c.as_os_str());
    }
    out
}

/// A successful render: the output, and how the wrapper's paths map back.
#[derive(Debug)]
pub struct Rendered {
    pub text: String,
    /// The wrapper folder the origin annotations' paths are relative to.
    pub base: PathBuf,
}

/// Builds the kustomization folder `root` with `cmd`. The error is kustomize's message
/// with the wrapper's relative paths written as `shown` (the root as the user names it).
pub fn render(
    cmd: &[String],
    root: &Path,
    shown: &str,
    timeout: Duration,
) -> Result<Rendered, String> {
    let (program, args) = cmd.split_first().ok_or("no kustomize command")?;
    let tmp = tempfile::Builder::new()
        .prefix("scalelint-kustomize-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    // Canonical, so the relative path below goes through the same symlinks as `root`.
    let base = std::fs::canonicalize(tmp.path()).unwrap_or_else(|_| tmp.path().to_path_buf());
    let rel = relative(root, &base);
    let rel_text = rel.to_string_lossy().replace('\\', "/");
    let wrapper = format!(
        "# Written by scalelint: builds {shown:?} with provenance annotations.\n\
         apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n\
         resources:\n- {}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n",
        serde_json::Value::String(rel_text.clone())
    );
    std::fs::write(base.join("kustomization.yaml"), wrapper)
        .map_err(|e| format!("cannot write the wrapper kustomization: {e}"))?;
    let mut command = Command::new(program);
    command
        .args(args)
        .arg(&base)
        .current_dir(&base)
        // Helm and plugins stay off whatever the user's environment says.
        .env_remove("KUSTOMIZE_PLUGIN_HOME")
        .env_remove("XDG_CONFIG_HOME");
    let (status, stdout, stderr) = run(
        command,
        &cmd.join(" "),
        timeout,
        "the `kustomize: {timeout-seconds}` setting",
    )?;
    let clean = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .replace(&format!("{rel_text}/"), &format!("{shown}/"))
            .replace(&rel_text, shown)
            .replace(&format!("{}/", base.display()), "")
            .replace(&base.display().to_string(), "")
    };
    if !status.success() {
        return Err(message(&clean(&stderr)));
    }
    if stdout.len() > MAX_OUTPUT {
        return Err(format!(
            "the rendered output is over the {} MiB limit",
            MAX_OUTPUT / 1024 / 1024
        ));
    }
    let text =
        String::from_utf8(stdout).map_err(|_| "kustomize wrote invalid UTF-8".to_string())?;
    Ok(Rendered { text, base })
}

/// Runs `job(0..count)` on up to four threads (renders are processes that wait), results in
/// index order.
pub fn few_at_a_time<T: Send>(count: usize, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let jobs = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4)
        .min(count.max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<(usize, T)>> = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let result = job(i);
                    if let Ok(mut r) = results.lock() {
                        r.push((i, result));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Runs `command` in its own process group with piped output, killing the group after
/// `timeout` (`setting` names where the user changes it): (status, stdout, stderr), each
/// stream cut at the output limit.
pub fn run(
    mut command: Command,
    shown: &str,
    timeout: Duration,
    setting: &str,
) -> Result<(std::process::ExitStatus, Vec<u8>, Vec<u8>), String> {
    let program = command.get_program().to_string_lossy().to_string();
    // Its own process group, so a timeout kills what it started too (a wrapper script's
    // children would otherwise keep the output pipes open).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{program}`: {e}"))?;
    let out = child.stdout.take();
    let err = child.stderr.take();
    let reader = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(p) = pipe {
                let _ = p.take(MAX_OUTPUT as u64 + 1).read_to_end(&mut buf);
            }
            buf
        })
    };
    let out_thread = reader(out.map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
    let err_thread = reader(err.map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() >= timeout => {
                kill_group(child.id());
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!(
                    "`{shown}` did not finish within {} s ({setting})",
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => break Err(format!("cannot wait for `{program}`: {e}")),
        }
    };
    // After a timeout the readers are left to finish on their own: something the command
    // started may still hold the pipes.
    let status = status?;
    let stdout = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
    Ok((status, stdout, stderr))
}

/// Kills the process group `pid` leads (see `process_group(0)` above), without `unsafe`:
/// through `kill(1)`.
fn kill_group(pid: u32) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// kustomize's error, without the logger's prefix (`E1202 12:58:39.8 run.go:72] "command
/// failed" err=`), on one line.
fn message(stderr: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in stderr.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let line = match line.find("err=\"") {
            Some(i) => line
                .get(i + 5..)
                .unwrap_or("")
                .trim_end_matches('"')
                .replace("\\\"", "\"")
                .replace("\\'", "'"),
            None => line
                .strip_prefix("Error: ")
                .or_else(|| line.strip_prefix("error: "))
                .unwrap_or(line)
                .to_string(),
        };
        lines.push(line);
    }
    if lines.is_empty() {
        return "kustomize failed without a message".to_string();
    }
    let mut text = lines.join("; ");
    // kustomize tries each resource as a file, then as a folder, and nests both attempts'
    // errors; what went wrong is the innermost.
    if let Ok(re) = regex::Regex::new(
        r"(accumulating resources: )?accumulation err='accumulating resources from '[^']*': '[^']*' must resolve to a file': recursed accumulation of path '[^']*': ",
    ) {
        text = re.replace_all(&text, "").into_owned();
    }
    // Absolute paths below the current folder are shown as the rest of the output shows them.
    if let Ok(cwd) = std::env::current_dir() {
        text = text.replace(&format!("{}/", cwd.display()), "");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_out_of_the_temporary_folder() {
        assert_eq!(
            relative(Path::new("/work/repo/overlays/prod"), Path::new("/tmp/x")),
            PathBuf::from("../../work/repo/overlays/prod")
        );
    }

    #[test]
    fn messages_lose_the_logger_prefix() {
        let stderr = "E1202 12:58:39.814355    1810 run.go:72] \"command failed\" err=\"accumulating resources: 'x' must resolve\"\n";
        assert_eq!(message(stderr), "accumulating resources: 'x' must resolve");
        assert_eq!(message("Error: boom\n"), "boom");
    }
}

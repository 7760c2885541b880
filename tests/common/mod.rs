//! Helpers shared by the test binaries (`tests/cli`, `tests/library`, `tests/real_world`; each
//! includes this module, so not every helper is used by every binary).
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;

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

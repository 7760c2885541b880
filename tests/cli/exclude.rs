//! `exclude` in `.scalelint.yaml`: globs relative to the config file's folder, a bare glob (no
//! `/`) matching a path component below that folder only, whatever way the files are reached
//! (`..`, `./`, absolute paths, a symlink). Named files are always linted.

use crate::common::{HPA, project, run};
use std::path::Path;

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: example/web:1.0.0
";

/// The files with an `hpa-min-replicas` finding, as shown.
fn linted(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec![
        "check",
        "--format",
        "compact",
        "--select",
        "hpa-min-replicas",
    ];
    all.extend_from_slice(args);
    let (out, err, code) = run(dir, &all);
    assert!(code == 0 || code == 1, "{out}{err}");
    let mut files: Vec<String> = out
        .lines()
        .filter(|l| l.contains("[hpa-min-replicas]"))
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect();
    files.sort();
    files
}

fn sample(config: &str) -> tempfile::TempDir {
    project(&[
        (".scalelint.yaml", config),
        ("legacy/hpa.yaml", HPA),
        ("deploy/hpa.yaml", HPA),
        ("deploy/legacy/hpa.yaml", HPA),
        ("sub/hpa.yaml", HPA),
    ])
}

#[test]
fn walking_up_with_dotdot_still_excludes() {
    let p = sample("exclude: [legacy/**]\n");
    assert_eq!(
        linted(&p.path().join("sub"), &[".."]),
        [
            "../deploy/hpa.yaml",
            "../deploy/legacy/hpa.yaml",
            "../sub/hpa.yaml"
        ]
    );
    assert_eq!(
        linted(&p.path().join("sub"), &["../deploy/.."]),
        [
            "../deploy/../deploy/hpa.yaml",
            "../deploy/../deploy/legacy/hpa.yaml",
            "../deploy/../sub/hpa.yaml"
        ]
    );
}

#[test]
fn dot_slash_absolute_and_plain_paths_agree() {
    let p = sample("exclude: [legacy/**]\n");
    let want = ["deploy/hpa.yaml", "deploy/legacy/hpa.yaml", "sub/hpa.yaml"];
    assert_eq!(linted(p.path(), &[]), want);
    assert_eq!(linted(p.path(), &["."]), want);
    assert_eq!(linted(p.path(), &["./"]), want);
    let abs = p.path().canonicalize().unwrap();
    let abs_linted = linted(p.path(), &[abs.to_str().unwrap()]);
    assert_eq!(abs_linted, want);
    // A glob written with `./` means the same.
    let p = sample("exclude: [./legacy/**]\n");
    assert_eq!(linted(p.path(), &["./"]), want);
}

#[test]
fn a_bare_glob_matches_components_below_the_config_folder_at_any_depth() {
    let p = sample("exclude: [legacy]\n");
    assert_eq!(
        linted(p.path(), &["."]),
        ["deploy/hpa.yaml", "sub/hpa.yaml"]
    );
    // A glob with `/` is anchored to the config's folder, and `*` does not cross `/`.
    let p = sample("exclude: [/legacy, \"deploy/*.yaml\"]\n");
    assert_eq!(
        linted(p.path(), &["."]),
        ["deploy/legacy/hpa.yaml", "sub/hpa.yaml"]
    );
}

/// The project's own folder names (above the config's folder) never match.
#[cfg(unix)]
#[test]
fn a_symlink_named_like_a_bare_glob_does_not_exclude_everything() {
    let outer = tempfile::tempdir().unwrap();
    let p = sample("exclude: [build]\n");
    let link = outer.path().join("build");
    std::os::unix::fs::symlink(p.path(), &link).unwrap();
    // Through the link, by absolute path, from the real project.
    let through = link.join("deploy");
    assert_eq!(
        linted(p.path(), &[through.to_str().unwrap()]).len(),
        2,
        "{through:?}"
    );
    // From the folder holding the link, with the config named through it.
    assert_eq!(
        linted(
            outer.path(),
            &["--config", "build/.scalelint.yaml", "build"]
        ),
        [
            "build/deploy/hpa.yaml",
            "build/deploy/legacy/hpa.yaml",
            "build/legacy/hpa.yaml",
            "build/sub/hpa.yaml"
        ]
    );
    // A real folder `build` inside the project is excluded, through the link too.
    std::fs::create_dir(p.path().join("build")).unwrap();
    std::fs::write(p.path().join("build/hpa.yaml"), HPA).unwrap();
    let got = linted(
        outer.path(),
        &["--config", "build/.scalelint.yaml", "build"],
    );
    assert!(
        !got.contains(&"build/build/hpa.yaml".to_string()),
        "{got:?}"
    );
    assert_eq!(got.len(), 4, "{got:?}");
}

#[test]
fn files_outside_the_config_folder_are_not_excluded() {
    let outer = tempfile::tempdir().unwrap();
    let legacy = outer.path().join("legacy");
    std::fs::create_dir(&legacy).unwrap();
    std::fs::write(legacy.join("hpa.yaml"), HPA).unwrap();
    let p = sample("exclude: [legacy]\n");
    let got = linted(p.path(), &[legacy.to_str().unwrap()]);
    assert_eq!(got.len(), 1, "{got:?}");
}

#[test]
fn a_named_file_inside_an_excluded_folder_is_linted() {
    let p = sample("exclude: [legacy/**]\n");
    assert_eq!(linted(p.path(), &["legacy/hpa.yaml"]), ["legacy/hpa.yaml"]);
    assert_eq!(
        linted(&p.path().join("sub"), &["../legacy/hpa.yaml"]),
        ["../legacy/hpa.yaml"]
    );
}

/// Files read only to resolve references (project indexing) obey `exclude` too.
#[test]
fn excluded_files_are_not_indexed_for_named_files() {
    let targets = |config: &str| {
        let p = project(&[
            (".scalelint.yaml", config),
            ("deploy/hpa.yaml", HPA),
            ("old/legacy/deployment.yaml", DEPLOYMENT),
            // Another workload of the namespace, so a missing target is worth reporting.
            ("deploy/other.yaml", &DEPLOYMENT.replace("web", "other")),
        ]);
        let (out, err, _) = run(
            &p.path().join("deploy"),
            &[
                "check",
                "--format",
                "compact",
                "--select",
                "hpa-target-not-found",
                "hpa.yaml",
            ],
        );
        assert!(!err.contains("error"), "{err}");
        out.contains("[hpa-target-not-found]")
    };
    assert!(!targets("exclude: []\n"));
    assert!(targets("exclude: [legacy]\n"));
    assert!(targets("exclude: [old/**]\n"));
}

//! Kustomize overlays rendered by the real `kubectl kustomize` (or `kustomize build`): each
//! finding at the line the user edits (patch, inline patch, kustomization field, base file),
//! naming the overlay; overlays never related to each other; patch files never linted as
//! objects; pre-commit renders only the overlays a named file is in; no kustomize, a remote
//! base, a failing or hanging render are notes or errors that never stop the run.
//!
//! These tests need kustomize or kubectl on PATH (`.ci/run` fails when neither is there); the
//! first one says so clearly instead of letting the others fail obscurely.

use crate::common::{age, copy_dir, project, run};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// `check --format compact ARGS` in the repository: the finding lines, sorted as printed.
fn compact(dir: &Path, args: &[&str]) -> (Vec<String>, String, i32) {
    let mut all = vec!["check", "--format", "compact"];
    all.extend_from_slice(args);
    let (out, err, code) = run(dir, &all);
    (out.lines().map(str::to_string).collect(), err, code)
}

/// Copies the folder `tests/kustomize/<name>` into a scratch git project.
fn scratch(name: &str) -> tempfile::TempDir {
    let p = project(&[]);
    copy_dir(&repo().join("tests/kustomize").join(name), p.path());
    p
}

#[test]
fn a_kustomize_is_installed() {
    assert!(
        on_path("kubectl") || on_path("kustomize"),
        "neither kubectl nor kustomize is on PATH: the Kustomize tests need one (install kubectl)"
    );
}

#[test]
fn findings_point_at_the_line_that_sets_the_value_and_name_the_overlay() {
    let (lines, err, code) = compact(&repo(), &["tests/kustomize/scaling"]);
    assert_eq!(code, 1, "{lines:#?}{err}");
    let overlay = |o: &str| format!("(in overlay `tests/kustomize/scaling/overlays/{o}`)");
    let want = [
        // A field of the overlay's kustomization (`replicas:`).
        format!(
            "tests/kustomize/scaling/overlays/dev/kustomization.yaml:8:12: warning[workload-replicas-with-autoscaler] replicas is set to 3 while HorizontalPodAutoscaler `web` scales this Deployment; every apply resets the replica count the autoscaler chose {}",
            overlay("dev")
        ),
        // A strategic-merge patch file; the base's `minReplicas: 2` gets nothing.
        format!(
            "tests/kustomize/scaling/overlays/prod/hpa-min.yaml:6:16: error[hpa-min-replicas] minReplicas is 1; at least 2 are needed to survive losing a pod {}",
            overlay("prod")
        ),
        // An inline JSON 6902 operation, at its value inside the block scalar.
        format!(
            "tests/kustomize/scaling/overlays/staging/kustomization.yaml:14:16: info[container-limit-ratio] cpu limit of container `web` is 16× the request (250m → 4); above 4× the node is overcommitted and HPA utilisation understates the load {}",
            overlay("staging")
        ),
        // An inline strategic-merge patch.
        format!(
            "tests/kustomize/scaling/overlays/staging/kustomization.yaml:23:29: error[deployment-rolling-update] maxUnavailable is 2; a rollout takes 2 pods out of service before their replacements are ready {}",
            overlay("staging")
        ),
    ];
    assert_eq!(lines, want, "{err}");
}

#[test]
fn overlays_are_never_related_to_each_other() {
    let (lines, _, _) = compact(&repo(), &["tests/kustomize/labs"]);
    assert!(
        !lines.iter().any(|l| l.contains("autoscaler-conflict")),
        "{lines:#?}"
    );
    // The same place and rule from two overlays, with messages that differ (each lab's HPA
    // has its own name): one finding, the first lab's message, both labs named.
    let pdb: Vec<&String> = lines
        .iter()
        .filter(|l| {
            l.starts_with("tests/kustomize/labs/app/deployment.yaml:4:9: warning[pdb-missing]")
        })
        .collect();
    assert_eq!(pdb.len(), 1, "{lines:#?}");
    assert!(
        pdb[0].contains("HorizontalPodAutoscaler `web-a`")
            && pdb[0].ends_with(
                "(in overlays `tests/kustomize/labs/lab-a`, `tests/kustomize/labs/lab-b`)"
            ),
        "{pdb:#?}"
    );
    // Each lab's own message is on its rendered place.
    let (out, _, _) = run(
        &repo(),
        &["check", "--format", "json", "tests/kustomize/labs"],
    );
    assert!(
        out.contains("as rendered for `tests/kustomize/labs/lab-b`: Deployment `web` is scaled by HorizontalPodAutoscaler `web-b`"),
        "{out}"
    );
    // Files one by one relate the two labs' autoscalers: what rendering avoids.
    let (lines, _, _) = compact(&repo(), &["--kustomize", "never", "tests/kustomize/labs"]);
    assert!(
        lines.iter().any(|l| l.contains("autoscaler-conflict")),
        "{lines:#?}"
    );
}

#[test]
fn one_finding_for_one_place_lists_every_overlay() {
    let p = project(&[
        ("base/kustomization.yaml", "resources:\n- hpa.yaml\n"),
        ("base/hpa.yaml", crate::common::HPA),
        ("a/kustomization.yaml", "resources:\n- ../base\n"),
        (
            "b/kustomization.yaml",
            "namespace: b\nresources:\n- ../base\n",
        ),
    ]);
    let (lines, err, _) = compact(p.path(), &["--select", "hpa-min-replicas", "."]);
    assert_eq!(
        lines,
        [
            "base/hpa.yaml:10:16: error[hpa-min-replicas] minReplicas is 1; at least 2 are needed to survive losing a pod (in overlays `a`, `b`)"
        ],
        "{err}"
    );
}

#[test]
fn patch_files_are_never_linted_as_objects() {
    // Rendered or not, a patch that sets only `spec.minReplicas` has no `schema-violation`
    // (no scaleTargetRef) and no `$patch: delete` "unknown field".
    let p = project(&[
        (
            "base/kustomization.yaml",
            "resources:\n- hpa.yaml\n- extra.yaml\n",
        ),
        (
            "base/hpa.yaml",
            &crate::common::HPA.replace("minReplicas: 1", "minReplicas: 2"),
        ),
        (
            "base/extra.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
        ),
        (
            "prod/kustomization.yaml",
            "resources:\n- ../base\npatches:\n- path: min.yaml\n- path: delete.yaml\n",
        ),
        (
            "prod/min.yaml",
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  minReplicas: 3\n  maxReplicas: 12\n",
        ),
        (
            "prod/delete.yaml",
            "$patch: delete\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
        ),
        // Beside the kustomization but listed by none: not applied, not an object.
        (
            "prod/unused-patch.yaml",
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  minReplicas: 1\n",
        ),
    ]);
    for mode in ["auto", "never"] {
        let (lines, err, _) = compact(p.path(), &["--kustomize", mode, "."]);
        assert!(
            !lines.iter().any(|l| l.starts_with("prod/")),
            "{mode}: {lines:#?}{err}"
        );
    }
}

#[test]
fn without_a_kustomize_each_overlay_says_it_was_not_rendered() {
    let p = scratch("scaling");
    std::fs::write(
        p.path().join(".scalelint.yaml"),
        "kustomize:\n  command: [no-such-kustomize-here, build]\n",
    )
    .unwrap();
    let (lines, err, _) = compact(p.path(), &["."]);
    let notes: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("info[kustomize-not-rendered]"))
        .collect();
    assert_eq!(notes.len(), 3, "{lines:#?}{err}");
    assert!(
        notes[0].starts_with("overlays/dev/kustomization.yaml:1:1: info[kustomize-not-rendered] `overlays/dev` was not rendered: the configured command `no-such-kustomize-here` was not found"),
        "{notes:#?}"
    );
    // The patch file is still not an object; the resources are linted one by one, with the
    // overlay's namespace.
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("overlays/prod/hpa-min.yaml")),
        "{lines:#?}"
    );
    // `always` makes it an error.
    let (lines, _, code) = compact(p.path(), &["--kustomize", "always", "."]);
    assert_eq!(code, 1);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("error[kustomize-error]"))
            .count(),
        3,
        "{lines:#?}"
    );
    // `never` is silent.
    let (lines, _, _) = compact(p.path(), &["--kustomize", "never", "."]);
    assert!(!lines.iter().any(|l| l.contains("kustomize")), "{lines:#?}");
}

#[test]
fn precommit_renders_only_the_overlays_of_the_named_files_and_reports_only_in_them() {
    let p = scratch("scaling");
    // A patch file of one overlay: its finding, and nothing from the others.
    let (lines, err, code) = compact(p.path(), &["overlays/prod/hpa-min.yaml"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        lines,
        [
            "overlays/prod/hpa-min.yaml:6:16: error[hpa-min-replicas] minReplicas is 1; at least 2 are needed to survive losing a pod (in overlay `overlays/prod`)"
        ],
        "{err}"
    );
    // A base file used by every overlay: only findings located in it (none here; staging's
    // limit and dev's replicas are set in their own kustomizations).
    let (lines, err, code) = compact(p.path(), &["base/deployment.yaml"]);
    assert_eq!((lines.len(), code), (0, 0), "{lines:#?}{err}");
    // A kustomization named: its own fields' findings.
    let (lines, _, _) = compact(p.path(), &["overlays/dev/kustomization.yaml"]);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].starts_with(
        "overlays/dev/kustomization.yaml:8:12: warning[workload-replicas-with-autoscaler]"
    ));
    // A named patch that breaks its overlay: the overlay's error is said, at its
    // kustomization, though that file was not named.
    std::fs::write(
        p.path().join("overlays/prod/hpa-min.yaml"),
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: no-such-hpa\nspec:\n  minReplicas: 3\n",
    )
    .unwrap();
    let (lines, err, code) = compact(p.path(), &["overlays/prod/hpa-min.yaml"]);
    assert_eq!(code, 1, "{lines:#?}{err}");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].starts_with("overlays/prod/kustomization.yaml:1:1: error[kustomize-error] kustomize cannot build `overlays/prod`: ")
            && lines[0].contains("no-such-hpa"),
        "{lines:#?}"
    );
    // The same with pre-commit's cache in place (the kustomization, not parsed for the
    // index, is read again for the finding's place), and without it.
    age(p.path());
    let json = |args: &[&str]| {
        let all = [
            &["check", "--format", "json", "overlays/prod/hpa-min.yaml"],
            args,
        ]
        .concat();
        run(p.path(), &all).0
    };
    let no_cache = json(&["--no-cache"]);
    let end: serde_json::Value = serde_json::from_str(&no_cache).unwrap();
    // The span ends after the first key (`apiVersion:`).
    assert_eq!(end["diagnostics"][0]["end"]["column"], 11, "{no_cache}");
    for _ in 0..3 {
        assert_eq!(json(&[]), no_cache);
    }
}

#[test]
fn a_remote_base_is_not_rendered() {
    let p = project(&[
        (
            "remote/kustomization.yaml",
            "resources:\n- https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.5.0\n- hpa.yaml\n",
        ),
        ("remote/hpa.yaml", crate::common::HPA),
    ]);
    let (lines, err, _) = compact(p.path(), &["."]);
    assert!(
        lines.contains(&"remote/kustomization.yaml:2:3: info[kustomize-remote-skipped] `remote` was not rendered: it builds on the remote `https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.5.0` (in remote/kustomization.yaml); its local files were linted one by one".to_string()),
        "{lines:#?}{err}"
    );
    // Its local files are still linted.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("remote/hpa.yaml:10:16: error[hpa-min-replicas]")),
        "{lines:#?}"
    );
    // With rendering off there is nothing to say about it.
    let (lines, _, _) = compact(p.path(), &["--kustomize", "never", "."]);
    assert!(
        !lines.iter().any(|l| l.contains("kustomize-")),
        "{lines:#?}"
    );
}

#[test]
fn a_failing_or_hanging_render_is_an_error_and_the_run_goes_on() {
    let p = project(&[
        ("broken/kustomization.yaml", "resources:\n- missing.yaml\n"),
        ("ok/kustomization.yaml", "resources:\n- hpa.yaml\n"),
        ("ok/hpa.yaml", crate::common::HPA),
    ]);
    let (lines, err, code) = compact(p.path(), &["."]);
    assert_eq!(code, 1);
    let broken: Vec<&String> = lines.iter().filter(|l| l.starts_with("broken/")).collect();
    assert_eq!(broken.len(), 1, "{lines:#?}{err}");
    assert!(
        broken[0].starts_with("broken/kustomization.yaml:1:1: error[kustomize-error] kustomize cannot build `broken`: ")
            && broken[0].contains("missing.yaml"),
        "{broken:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ok/hpa.yaml:10:16: error[hpa-min-replicas]")),
        "{lines:#?}"
    );
    // A render that does not finish within the timeout is killed.
    std::fs::write(
        p.path().join(".scalelint.yaml"),
        "kustomize:\n  command: [sh, -c, 'sleep 30', sh]\n  timeout-seconds: 1\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let (lines, _, _) = compact(p.path(), &["ok"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(
        lines.iter().any(
            |l| l.contains("error[kustomize-error]") && l.contains("did not finish within 1 s")
        ),
        "{lines:#?}"
    );
}

#[test]
fn machine_formats_carry_the_rendered_location() {
    let (out, _, _) = run(
        &repo(),
        &[
            "check",
            "--format",
            "sarif",
            "tests/kustomize/scaling/overlays/prod",
        ],
    );
    let sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "hpa-min-replicas");
    let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        uri.ends_with("tests/kustomize/scaling/overlays/prod/hpa-min.yaml"),
        "{uri}"
    );
    let related = result["relatedLocations"].as_array().unwrap();
    assert!(
        related.iter().any(|r| r["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("as rendered for"))),
        "{related:#?}"
    );
    let (out, _, _) = run(
        &repo(),
        &[
            "check",
            "--format",
            "json",
            "tests/kustomize/scaling/overlays/prod",
        ],
    );
    assert!(
        out.contains("<kustomize build tests/kustomize/scaling/overlays/prod>"),
        "{out}"
    );
}

#[test]
fn plain_files_still_refer_to_the_objects_of_a_kustomize_base() {
    // An HPA kept outside any kustomization targets the base's Deployment: it is found (no
    // `hpa-target-not-found`), and the base's objects get no finding of that plain scope.
    let deployment =
        std::fs::read_to_string(repo().join("tests/kustomize/scaling/base/deployment.yaml"))
            .unwrap();
    let p = project(&[
        ("base/kustomization.yaml", "resources:\n- deployment.yaml\n"),
        ("base/deployment.yaml", &deployment),
        ("autoscaling/hpa.yaml", crate::common::HPA),
    ]);
    let (lines, err, _) = compact(p.path(), &["."]);
    assert!(
        !lines.iter().any(|l| l.contains("hpa-target-not-found")),
        "{lines:#?}{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("autoscaling/hpa.yaml:10:16: error[hpa-min-replicas]")),
        "{lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("base/deployment.yaml") && !l.contains("(in overlay")),
        "{lines:#?}"
    );
}

#[test]
fn remote_patches_and_generator_inputs_are_remote_too() {
    for (kustomization, at) in [
        (
            "resources:\n- hpa.yaml\npatches:\n- path: https://example.com/patch.yaml\n",
            "4:9",
        ),
        (
            "resources:\n- hpa.yaml\nconfigMapGenerator:\n- name: app\n  files:\n  - https://example.com/app.properties\n",
            "1:1",
        ),
    ] {
        let p = project(&[
            ("remote/kustomization.yaml", kustomization),
            ("remote/hpa.yaml", crate::common::HPA),
        ]);
        let (lines, err, _) = compact(p.path(), &["."]);
        let want = format!("remote/kustomization.yaml:{at}: info[kustomize-remote-skipped]");
        assert!(
            lines.iter().any(|l| l.starts_with(&want)),
            "{want}: {lines:#?}{err}"
        );
    }
}

#[test]
fn without_rendering_the_overlay_namespace_is_applied() {
    let p = project(&[
        (
            "base/kustomization.yaml",
            "resources:\n- deployment.yaml\n- hpa.yaml\n",
        ),
        (
            "base/deployment.yaml",
            &std::fs::read_to_string(repo().join("tests/kustomize/scaling/base/deployment.yaml"))
                .unwrap(),
        ),
        ("base/hpa.yaml", crate::common::HPA),
        (
            "shop/kustomization.yaml",
            "namespace: shop\nresources:\n- ../base\n",
        ),
    ]);
    let (lines, err, _) = compact(
        p.path(),
        &["--kustomize", "never", "--select", "pdb-missing", "."],
    );
    assert_eq!(
        lines,
        [
            "base/deployment.yaml:4:9: warning[pdb-missing] Deployment `web` is scaled by HorizontalPodAutoscaler `web` but no PodDisruptionBudget in namespace `shop` selects its pods; a node drain or cluster upgrade may evict all of them at once"
        ],
        "{err}"
    );
}

#[test]
fn rendering_never_writes_into_the_users_tree() {
    fn listing(dir: &Path) -> Vec<(PathBuf, u64)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let meta = e.metadata().unwrap();
                if meta.is_dir() {
                    stack.push(e.path());
                } else {
                    out.push((e.path(), meta.len()));
                }
            }
        }
        out.sort();
        out
    }
    let p = scratch("scaling");
    let before = listing(p.path());
    let (lines, _, _) = compact(p.path(), &["."]);
    assert!(!lines.is_empty());
    assert_eq!(listing(p.path()), before);
}

#[test]
fn every_kustomization_file_name_is_a_kustomization() {
    for name in ["kustomization.yaml", "kustomization.yml", "Kustomization"] {
        let p = project(&[
            ("base/kustomization.yaml", "resources:\n- hpa.yaml\n"),
            (
                "base/hpa.yaml",
                &crate::common::HPA.replace("minReplicas: 1", "minReplicas: 2"),
            ),
            (
                &format!("prod/{name}"),
                "resources:\n- ../base\npatches:\n- path: min.yaml\n",
            ),
            (
                "prod/min.yaml",
                "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  minReplicas: 1\n",
            ),
        ]);
        let (lines, err, _) = compact(p.path(), &["--select", "hpa-min-replicas", "."]);
        assert_eq!(
            lines,
            [
                "prod/min.yaml:6:16: error[hpa-min-replicas] minReplicas is 1; at least 2 are needed to survive losing a pod (in overlay `prod`)"
            ],
            "{name}: {err}"
        );
    }
}

#[test]
fn a_place_inside_a_value_keeps_its_column() {
    // PromQL findings point inside `expr` (a block scalar kustomize re-indents): rendered or
    // not, they are at the same line and column of the file.
    let at = |mode: &str| -> Vec<String> {
        let (lines, _, _) = compact(
            &repo(),
            &["--kustomize", mode, "tests/kustomize/monitoring"],
        );
        lines
            .iter()
            .map(|l| l.split(" (in overlay").next().unwrap_or(l).to_string())
            .collect()
    };
    let rendered = at("auto");
    assert_eq!(rendered, at("never"));
    assert_eq!(
        rendered
            .iter()
            .map(|l| l.split(": ").next().unwrap_or(""))
            .collect::<Vec<_>>(),
        [
            "tests/kustomize/monitoring/base/rules.yaml:11:13",
            "tests/kustomize/monitoring/base/rules.yaml:12:18",
            "tests/kustomize/monitoring/base/rules.yaml:19:20",
        ]
    );
}

#[test]
fn a_config_embedded_in_a_configmap_is_traced_inside_its_scalar() {
    let cm = std::fs::read_to_string(repo().join("fixtures/redis-maxmemory/fail-configmap.yaml"))
        .unwrap();
    let p = project(&[
        ("base/kustomization.yaml", "resources:\n- cm.yaml\n"),
        ("base/cm.yaml", &cm),
        (
            "prod/kustomization.yaml",
            "namespace: prod\nresources:\n- ../base\n",
        ),
    ]);
    let (lines, err, _) = compact(p.path(), &["--select", "redis-maxmemory", "."]);
    assert_eq!(
        lines,
        [
            "base/cm.yaml:10:15: error[redis-maxmemory] maxmemory is `0`, which means no limit: Redis grows until the container is OOM-killed instead of evicting keys (in overlay `prod`)"
        ],
        "{err}"
    );
}

//! Real Kustomize trees rendered by the real `kubectl kustomize`: the kustomize project's own
//! examples and microservices-demo's `kustomize/` (copied, Apache-2.0), and (opt-in) every
//! tree of the shared corpus. Findings on rendered objects point at the file and line to edit,
//! never at the rendered output; a patch file has only findings of the objects it patches.

use crate::common::{corpus, place, shared_corpus};
use scalelint::Report;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `path:line:col: rule message` of every finding.
fn lines(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| {
            let (path, line, column) = place(report, f);
            format!("{path}:{line}:{column}: {} {}", f.rule, f.message)
        })
        .collect()
}

fn lint(dir: &Path) -> Report {
    crate::common::lint_files([dir])
}

/// Every patch file the kustomizations under `root` name (`patches`, `patchesStrategicMerge`,
/// `patchesJson6902`), found by reading them with the library's own reader.
fn patch_files(root: &Path) -> BTreeSet<PathBuf> {
    use scalelint::engine::kustomize::tree::{Kustomization, PatchText, is_kustomization_file};
    let mut out = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if is_kustomization_file(&p) {
                let k = Kustomization::read(&p).unwrap();
                out.extend(k.patches.iter().filter_map(|patch| match &patch.text {
                    PatchText::File(f) => Some(f.clone()),
                    PatchText::Inline { .. } => None,
                }));
            }
        }
    }
    out
}

/// No finding in a rendered output; every finding in a patch file names its overlay (it is
/// about the rendered object the patch changed, not the fragment).
fn assert_traced(report: &Report, root: &Path) {
    let patches = patch_files(root);
    for f in &report.findings {
        let file = &report.files[f.file];
        assert!(
            !file.path.starts_with("<kustomize build"),
            "a finding left in the rendered output: {}:{} {}",
            file.path,
            f.rule,
            f.message
        );
        let on_disk = scalelint::engine::kustomize::tree::normalize(Path::new(&file.path));
        if patches.contains(&on_disk) {
            assert!(
                f.message.contains("(in overlay"),
                "a finding on the patch file as an object: {}: {} {}",
                file.path,
                f.rule,
                f.message
            );
        }
    }
}

/// Every one of `want` is among `got`.
fn assert_has(got: &[String], want: &[String]) {
    for w in want {
        assert!(got.contains(w), "missing:\n{w}\nin:\n{got:#?}");
    }
}

#[test]
fn kustomize_examples_point_at_the_line_to_edit() {
    let root = corpus("kustomize/kubernetes-sigs-kustomize/examples");
    let report = lint(&root);
    assert_traced(&report, &root);
    let got = lines(&report);
    let at = "tests/corpus/kustomize/kubernetes-sigs-kustomize/examples";
    assert_has(
        &got,
        &[
            // The production patch adds the memory limit and request: the container's resources
            // are the patch's.
            format!(
                "{at}/springboot/overlays/production/memorylimit_patch.yaml:11:11: container-resources-missing container `sbdemo` has no cpu request and no cpu limit (in overlay `{at}/springboot/overlays/production`)"
            ),
            // The patch adds the init container; the `wordpress` container it merges into is the
            // base's.
            format!(
                "{at}/wordpress/patch.yaml:9:9: container-resources-missing init container `init-command` has no cpu request, no memory request, no cpu limit and no memory limit (in overlay `{at}/wordpress`)"
            ),
            format!(
                "{at}/wordpress/wordpress/deployment.yaml:20:9: container-resources-missing container `wordpress` has no cpu request, no memory request, no cpu limit and no memory limit (in overlay `{at}/wordpress`)"
            ),
            // `replicas: 6` comes from the production patch; the missing strategy is the base's.
            format!(
                "{at}/ldap/base/deployment.yaml:7:1: deployment-rolling-update maxUnavailable is not set and defaults to 25%; 25% of 6 replicas: 1 pod out of service during a rollout, before its replacement is ready (in overlay `{at}/ldap/overlays/production`)"
            ),
            // One place, two overlays: one finding naming both.
            format!(
                "{at}/ldap/base/deployment.yaml:18:11: container-resources-missing container `ldap` has no cpu request, no memory request, no cpu limit and no memory limit (in overlays `{at}/ldap/overlays/production`, `{at}/ldap/overlays/staging`)"
            ),
        ],
    );
}

#[test]
fn microservices_demo_overlays_are_linted_as_applied() {
    let root = corpus("kustomize/microservices-demo/kustomize");
    let report = lint(&root);
    assert_traced(&report, &root);
    let got = lines(&report);
    let at = "tests/corpus/kustomize/microservices-demo/kustomize";
    // `redis-cart` is deleted (`$patch: delete`) by the memorystore component and replaced by
    // the spanner one: only the overlays that keep it report it.
    let want = format!(
        "{at}/base/cartservice.yaml:95:1: workload-min-replicas replicas is not set and defaults to 1, and no autoscaler scales this Deployment; at least 2 are needed to survive losing a pod (in overlays `{at}`, `{at}/tests/service-mesh-istio-with-all-components`)"
    );
    assert!(got.contains(&want), "missing:\n{want}\nin:\n{got:#?}");
    // A component's resource, rendered only by the overlays that use the component.
    assert!(
        got.iter().any(|l| l.starts_with(&format!(
            "{at}/components/google-cloud-operations/otel-collector.yaml:61:9: container-resources-missing"
        )) && l.contains("tests/memorystore-with-all-components")),
        "{got:#?}"
    );
}

#[test]
fn every_kustomize_tree_of_the_shared_corpus_opt_in() {
    let Some(shared) = shared_corpus("rendering every Kustomize tree of the shared corpus") else {
        return;
    };
    let mut checked = 0;
    for tree in [
        "kustomize/argocd-example-apps",
        "kustomize/cloudnative-pg",
        "kustomize/kubernetes-sigs-kustomize",
        "kustomize/microservices-demo",
        "kustomize/plantsuite-kubernetes",
        "python-api-base/deployments/knative",
    ] {
        let root = shared.join(tree);
        assert!(root.is_dir(), "{} is missing", root.display());
        let report = lint(&root);
        assert_traced(&report, &root);
        checked += report.findings.len();
    }
    assert!(checked > 0);
    // PlantSuite's demo overlays empty the containers' resources with a JSON 6902 patch: the
    // finding is at the patch's `value: {}`, naming the overlay; the base's HPA keeps its own.
    let root = shared.join("kustomize/plantsuite-kubernetes/k8s/overlays/demo/plantsuite/alarms");
    let got = lines(&lint(&root));
    let prefix = shared.join("kustomize/plantsuite-kubernetes/k8s");
    let shown = |rel: &str| scalelint::engine::shown_path(&prefix.join(rel));
    let overlay = shown("overlays/demo/plantsuite/alarms");
    assert_has(
        &got,
        &[
            format!(
                "{}:3:10: container-resources-missing container `alarms` has no cpu request, no memory request, no cpu limit and no memory limit (in overlay `{overlay}`)",
                shown("overlays/demo/plantsuite/alarms/patches/deployment-ops.yaml")
            ),
            format!(
                "{}:10:16: hpa-min-replicas minReplicas is 1; at least 2 are needed to survive losing a pod (in overlay `{overlay}`)",
                shown("base/plantsuite/alarms/hpa.yaml")
            ),
        ],
    );
    // The gateway's PDB wants 2 pods of a Deployment the overlays leave at 1.
    let root =
        shared.join("kustomize/plantsuite-kubernetes/k8s/overlays/production/plantsuite/gateway");
    let got = lines(&lint(&root));
    assert!(
        got.iter().any(|l| l.starts_with(&format!(
            "{}:6:17: pdb-blocks-eviction",
            shown("base/plantsuite/gateway/pdb.yaml")
        ))),
        "{got:#?}"
    );
}

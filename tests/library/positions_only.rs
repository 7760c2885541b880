//! `Options::positions_only` (every format but `human`, no fixes): checked files whose text
//! is ASCII are not read again for the report, their lines and columns told from the line
//! table kept (issue 22: the finish no longer holds a large repository's texts). Every
//! output but `human` must be byte for byte what the texts give: over the fixtures (with
//! non-ASCII files among them), the examples, the copied corpus (Kustomize overlays whose
//! fixes are checked against their sources' texts, Helm charts) and a file with CRLF lines.

use scalelint::render::{self, OutputFormat, RenderOptions};
use scalelint::{Options, builtin_rules, lint};
use std::path::PathBuf;

#[test]
fn positions_without_texts_render_as_with_them() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let crlf = tempfile::tempdir().unwrap();
    std::fs::write(
        crlf.path().join("hpa.yaml"),
        "apiVersion: autoscaling/v2\r\nkind: HorizontalPodAutoscaler\r\nmetadata:\r\n  name: web\r\nspec:\r\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\r\n  minReplicas: 1\r\n  maxReplicas: 4\r\n",
    )
    .unwrap();
    let rules = builtin_rules().unwrap();
    let (mut dropped, mut kept_non_ascii) = (0, 0);
    for dir in [
        root.join("fixtures"),
        root.join("examples"),
        root.join("tests/corpus"),
        root.join("tests/kustomize"),
        crlf.path().to_path_buf(),
    ] {
        let lint_with = |positions_only| {
            let opts = Options {
                paths: vec![dir.clone()],
                positions_only,
                ..Options::default()
            };
            lint(&opts, &rules)
        };
        let (texts, positions) = (lint_with(false), lint_with(true));
        assert!(!texts.findings.is_empty(), "{}", dir.display());
        for format in [
            OutputFormat::Json,
            OutputFormat::Sarif,
            OutputFormat::Compact,
            OutputFormat::Github,
            OutputFormat::Junit,
        ] {
            let show = |r| render::render(r, format, RenderOptions { color: false });
            assert!(
                show(&texts) == show(&positions),
                "{format:?} of {} differs",
                dir.display()
            );
        }
        for (with, without) in texts.files.iter().zip(&positions.files) {
            assert_eq!(with.path, without.path);
            if without.text.is_empty() && !with.text.is_empty() {
                assert!(without.has_positions() && with.text.is_ascii());
                dropped += 1;
            }
            if !with.text.is_ascii() && without.text == with.text {
                kept_non_ascii += 1;
            }
        }
    }
    // Else the comparison would be of two runs that read the same texts.
    assert!(dropped > 100, "{dropped} texts dropped");
    assert!(kept_non_ascii > 0, "no file with non-ASCII text compared");
}

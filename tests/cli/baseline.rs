//! Baselines on a real project: recorded findings stop being reported, new ones are, and
//! moving lines around does not invalidate the baseline.

use crate::common::{HPA, run};

#[test]
fn baseline_reports_only_new_findings_and_survives_line_moves() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join(".git")).unwrap();
    std::fs::write(p.join("hpa.yaml"), HPA).unwrap();
    let (before, _, code) = run(p, &["check", "--format", "compact"]);
    assert_eq!(code, 1);
    assert!(before.contains("[hpa-min-replicas]"), "{before}");

    let (_, err, code) = run(p, &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("findings to baseline.json"), "{err}");
    let text = std::fs::read_to_string(p.join("baseline.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["version"], 1);
    let first = &doc["findings"][0];
    assert_eq!(first["path"], "hpa.yaml");
    assert!(first["fingerprint"].as_str().unwrap().len() == 16);
    assert!(!text.contains("\"line\""));

    let (out, _, code) = run(
        p,
        &[
            "check",
            "--format",
            "compact",
            "--baseline",
            "baseline.json",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains('['), "{out}");

    // Lines moved by an unrelated edit: still baselined. A new problem is reported.
    let edited = format!("# a new comment\n# and another\n{HPA}")
        .replace("maxReplicas: 10", "maxReplicas: 10\n  behavior: {}");
    std::fs::write(p.join("hpa.yaml"), &edited).unwrap();
    let (out, _, _) = run(
        p,
        &[
            "check",
            "--format",
            "compact",
            "--baseline",
            "baseline.json",
        ],
    );
    assert!(!out.contains("[hpa-min-replicas]"), "{out}");
    let other = edited.replace("name: web\nspec", "name: other\nspec");
    std::fs::write(p.join("other.yaml"), other).unwrap();
    let (out, _, code) = run(
        p,
        &[
            "check",
            "--format",
            "compact",
            "--baseline",
            "baseline.json",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("other.yaml:12:16: error[hpa-min-replicas]"),
        "{out}"
    );
    assert!(!out.contains("hpa.yaml:12"), "{out}");

    // In SARIF the baselined findings are suppressed externally.
    let (sarif, _, _) = run(
        p,
        &["check", "--format", "sarif", "--baseline", "baseline.json"],
    );
    assert!(sarif.contains("\"kind\": \"external\""), "{sarif}");

    // A broken baseline is a usage error.
    std::fs::write(p.join("bad.json"), "{\"version\": 2, \"findings\": []}").unwrap();
    let (_, err, code) = run(p, &["check", "--baseline", "bad.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("unsupported baseline version 2"), "{err}");
}

//! Nothing about a project is global: two projects with different configurations and custom
//! rules are loaded and linted side by side in one process (as a language server holds one
//! per workspace), each seeing only its own rules, parameters, levels and custom rules.

use crate::common::{HPA, project};
use scalelint::model::Level;
use scalelint::{Options, Project, lint};

/// `(rule, level)` of every finding of a lint of `dir` with its own project.
fn findings(p: &Project, dir: &std::path::Path) -> Vec<(String, Level)> {
    let rules = p.rules().expect("rules");
    let opts = Options {
        paths: vec![dir.to_path_buf()],
        ..Options::default()
    };
    let report = lint(&opts, &rules);
    report
        .findings
        .iter()
        .map(|f| (f.rule.to_string(), f.level))
        .collect()
}

#[test]
fn two_projects_in_one_process_keep_their_own_rules() {
    let custom = std::fs::read_to_string("tests/custom-rules/hpa-min-two.yaml").unwrap();
    // A: a custom rule, hpa-min-replicas raised to error, max-replicas off.
    let a = project(&[
        (".scalelint/rules/hpa-min-two.yaml", &custom),
        (
            ".scalelint.yaml",
            "rules:\n  hpa-min-replicas: error\n  hpa-max-replicas: off\n",
        ),
        ("hpa.yaml", HPA),
    ]);
    // B: no custom rule, hpa-min-replicas off.
    let b = project(&[
        (".scalelint.yaml", "rules:\n  hpa-min-replicas: off\n"),
        ("hpa.yaml", HPA),
    ]);
    let pa = Project::load(a.path(), None).expect("project A loads");
    let pb = Project::load(b.path(), None).expect("project B loads");
    assert!(pa.catalog.find("hpa-min-two").is_some());
    assert!(pb.catalog.find("hpa-min-two").is_none());

    // Interleaved, twice, so neither load nor lint can leak into the other.
    for _ in 0..2 {
        let fa = findings(&pa, a.path());
        let fb = findings(&pb, b.path());
        assert!(
            fa.contains(&("hpa-min-two".to_string(), Level::Error)),
            "{fa:?}"
        );
        assert!(
            fa.contains(&("hpa-min-replicas".to_string(), Level::Error)),
            "{fa:?}"
        );
        assert!(!fa.iter().any(|(r, _)| r == "hpa-max-replicas"), "{fa:?}");
        assert!(!fb.iter().any(|(r, _)| r == "hpa-min-two"), "{fb:?}");
        assert!(!fb.iter().any(|(r, _)| r == "hpa-min-replicas"), "{fb:?}");
    }

    // A's configuration names its custom rule; checked against B's catalog it is unknown.
    let text = "rules:\n  hpa-min-two: warning\n";
    assert!(scalelint::engine::config::parse("a.yaml", text, &pa.catalog).is_ok());
    let err = scalelint::engine::config::parse("b.yaml", text, &pb.catalog).unwrap_err();
    assert!(
        err.message.starts_with("unknown rule `hpa-min-two`"),
        "{err}"
    );

    // Each report describes its own rules (SARIF's rule descriptors come from it).
    let ra = lint(
        &Options {
            paths: vec![a.path().to_path_buf()],
            ..Options::default()
        },
        &pa.rules().unwrap(),
    );
    assert!(ra.catalog.find("hpa-min-two").is_some());
    let sarif_b = scalelint::render::render(
        &lint(
            &Options {
                paths: vec![b.path().to_path_buf()],
                ..Options::default()
            },
            &pb.rules().unwrap(),
        ),
        scalelint::render::OutputFormat::Sarif,
        scalelint::render::RenderOptions { color: false },
    );
    assert!(!sarif_b.contains("hpa-min-two"));
}

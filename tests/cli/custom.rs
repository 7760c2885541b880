//! Custom rules (YAML + JSON Schema) on real files: two built-in rules re-expressed as custom
//! rules fire where the built-ins do, and custom rules obey configuration, suppressions and
//! SARIF like built-in ones.

use crate::common::{project, run};

fn read(p: &str) -> String {
    std::fs::read_to_string(p).unwrap()
}

/// `file:line:col` of every finding of `rule`.
fn places(out: &str, rule: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.contains(&format!("[{rule}]")))
        .map(|l| l.split(": ").next().unwrap().to_string())
        .collect()
}

#[test]
fn built_in_rules_expressed_as_custom_rules_fire_where_they_do() {
    let hpa_rule = read("tests/custom-rules/hpa-min-two.yaml");
    let pool_rule = read("tests/custom-rules/pgbouncer-transaction-pooling.yaml");
    let p = project(&[
        (".scalelint/rules/hpa-min-two.yaml", &hpa_rule),
        (".scalelint/rules/pool.yaml", &pool_rule),
        ("hpa.yaml", &read("fixtures/hpa-min-replicas/fail.yaml")),
        ("ok/hpa.yaml", &read("fixtures/hpa-min-replicas/pass.yaml")),
        (
            "pgbouncer.ini",
            &read("fixtures/pgbouncer-pool-mode/fail.ini"),
        ),
        (
            "ok/pgbouncer.ini",
            &read("fixtures/pgbouncer-pool-mode/pass.ini"),
        ),
    ]);
    let (out, err, _) = run(p.path(), &["check", "--format", "compact"]);
    assert_eq!(
        places(&out, "hpa-min-two"),
        places(&out, "hpa-min-replicas"),
        "{out}{err}"
    );
    assert_eq!(places(&out, "hpa-min-two").len(), 2, "{out}");
    assert!(
        out.contains("hpa.yaml:11:16: error[hpa-min-two] minReplicas must be at least 2"),
        "{out}"
    );
    assert_eq!(
        places(&out, "pgbouncer-transaction-pooling"),
        ["pgbouncer.ini:7:13"],
        "{out}"
    );
    // In SARIF they have rule descriptors like the built-in rules.
    let (sarif, _, _) = run(p.path(), &["check", "--format", "sarif"]);
    let doc: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let d = rules.iter().find(|r| r["id"] == "hpa-min-two").unwrap();
    assert_eq!(d["properties"]["tags"][0], "custom");
    let r = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "hpa-min-two")
        .unwrap();
    assert_eq!(
        rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "hpa-min-two"
    );
}

#[test]
fn custom_rules_paths_config_levels_and_suppressions() {
    let hpa = read("fixtures/hpa-min-replicas/fail.yaml").replacen(
        "  minReplicas: 1",
        "  minReplicas: 1 # scalelint-disable-line hpa-min-two -- known",
        1,
    );
    let p = project(&[
        (
            "policies/hpa-min-two.yaml",
            &read("tests/custom-rules/hpa-min-two.yaml"),
        ),
        (
            ".scalelint.yaml",
            "custom-rules: [policies]\nrules:\n  hpa-min-two: warning\n",
        ),
        ("hpa.yaml", &hpa),
    ]);
    let (out, err, _) = run(p.path(), &["check", "--format", "compact"]);
    assert_eq!(places(&out, "hpa-min-two"), ["hpa.yaml:19:1"], "{out}{err}");
    assert!(out.contains("warning[hpa-min-two]"), "{out}");
    assert!(!out.contains("[suppression-"), "{out}");
    let (out, _, _) = run(
        p.path(),
        &["check", "--format", "compact", "--ignore", "hpa-min-two"],
    );
    assert!(!out.contains("[hpa-min-two]"), "{out}");
}

#[test]
fn broken_custom_rules_are_errors() {
    let cases = [
        (
            "name: hpa-min-replicas\nlevel: error\nsummary: s\nmessage: m\nmatch: {kinds: [HorizontalPodAutoscaler]}\nschema: {}\n",
            "has the name of a built-in rule",
        ),
        (
            "name: x\nlevel: fatal\nsummary: s\nmessage: m\nmatch: {kinds: [A]}\nschema: {}\n",
            "x.yaml:2:8: `level` must be error, warning or info, not `fatal`",
        ),
        (
            "name: x\nlevel: error\nsummary: s\nmessage: m\nmatch: {kinds: [A]}\nschema: {type: 12}\n",
            "invalid JSON Schema",
        ),
    ];
    for (text, expected) in cases {
        let p = project(&[(".scalelint/rules/x.yaml", text), ("a.yaml", "a: 1\n")]);
        let (_, err, code) = run(p.path(), &["check"]);
        assert_eq!(code, 2, "{text}");
        assert!(err.contains(expected), "{err}");
    }
    let p = project(&[(".scalelint.yaml", "custom-rules: [nope]\n")]);
    let (_, err, code) = run(p.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such file or folder"), "{err}");
}

#[test]
fn readme_shows_the_tested_custom_rule() {
    let readme = read("README.md");
    let rule = read("tests/custom-rules/hpa-min-two.yaml");
    assert!(readme.contains(&format!("```yaml\n{rule}```")));
}

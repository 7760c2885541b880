//! The published schemas hold for what scalelint really reads and writes.

use assert_cmd::Command;
use scalelint::sources::yaml;
use serde_json::Value;

fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(format!("schemas/{name}")).expect("schema file");
    let v: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&v).expect("schema compiles")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn rule_metadata_matches_its_schema() {
    let validator = schema("rule-metadata.schema.json");
    let mut checked = 0;
    for entry in walk("rules") {
        let text = std::fs::read_to_string(&entry).unwrap();
        let parsed = yaml::parse(&text, yaml::Limits::default());
        assert!(
            parsed.problems.is_empty(),
            "{}: {:?}",
            entry,
            parsed.problems
        );
        let doc = parsed.documents[0].root.to_json();
        let errs = errors(&validator, &doc);
        assert!(errs.is_empty(), "{entry}: {errs:#?}");
        checked += 1;
    }
    assert!(checked >= 20);
    // The schema does reject what it should.
    let bad = serde_json::json!({"name": "Bad_Name", "level": "fatal", "summary": "", "why": "w",
        "fix": "f", "since": "1", "params": {"min": {"type": "integer", "default": "2", "description": "d"}}});
    assert!(
        errors(&validator, &bad).len() >= 5,
        "{:#?}",
        errors(&validator, &bad)
    );
}

#[test]
fn json_output_matches_its_schema() {
    let validator = schema("json-output-v1.schema.json");
    for args in [
        vec!["check", "examples/shop", "--format", "json"],
        vec!["check", "examples/compliant", "--format", "json"],
        vec!["check", "no/such/file.yaml", "--format", "json"],
    ] {
        let out = Command::cargo_bin("scalelint")
            .unwrap()
            .args(&args)
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
        let errs = errors(&validator, &doc);
        assert!(errs.is_empty(), "{args:?}: {errs:#?}");
    }
    let bad = serde_json::json!({"version": 2, "tool": {}, "diagnostics": [{"rule": "x"}], "summary": {}});
    assert!(errors(&validator, &bad).len() >= 4);
}

fn walk(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                out.push(p.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

/// The YAML of the README's complete configuration example.
fn readme_config_example() -> String {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("<!-- config-example:start -->\n```yaml\n")
        .expect("config example start marker");
    let end = readme
        .find("```\n<!-- config-example:end -->")
        .expect("config example end marker");
    readme[start..end]
        .trim_start_matches("<!-- config-example:start -->\n```yaml\n")
        .to_string()
}

fn yaml_json(text: &str) -> Value {
    let parsed = yaml::parse(text, yaml::Limits::default());
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    parsed.documents[0].root.to_json()
}

/// `schemas/config.schema.json` is generated from the rule metadata (regenerate with
/// `SCALELINT_UPDATE_README=1 cargo test --test library schemas`).
#[test]
fn config_schema_is_current() {
    let want = scalelint::engine::config::schema(&scalelint::builtin_catalog().unwrap());
    let mut text = serde_json::to_string_pretty(&want).unwrap();
    text.push('\n');
    let have = std::fs::read_to_string("schemas/config.schema.json").unwrap_or_default();
    if have != text {
        if std::env::var_os("SCALELINT_UPDATE_README").is_some() {
            std::fs::write("schemas/config.schema.json", &text).unwrap();
        } else {
            panic!(
                "schemas/config.schema.json is stale; run `SCALELINT_UPDATE_README=1 cargo test --test library schemas`"
            );
        }
    }
}

#[test]
fn readme_config_example_and_init_template_match_the_config_schema() {
    let validator = schema("config.schema.json");
    let example = readme_config_example();
    let errs = errors(&validator, &yaml_json(&example));
    assert!(errs.is_empty(), "README example: {errs:#?}");
    scalelint::engine::config::parse(
        "README.md",
        &example,
        &scalelint::builtin_catalog().unwrap(),
    )
    .expect("README example is valid");
    let template = scalelint::engine::config::template(&scalelint::builtin_catalog().unwrap());
    let errs = errors(&validator, &yaml_json(&template));
    assert!(errs.is_empty(), "init template: {errs:#?}");
    // And it rejects what the config reader rejects.
    for bad in [
        "fail_on: error\n",
        "rules:\n  hpa-min-replica: off\n",
        "rules:\n  hpa-min-replicas: {min: three}\n",
        "rules:\n  hpa-min-replicas: {mni: 3}\n",
        "rules:\n  kafka-*: {min: 3}\n",
    ] {
        assert!(
            !errors(&validator, &yaml_json(bad)).is_empty(),
            "schema accepts {bad}"
        );
        assert!(
            scalelint::engine::config::parse("x", bad, &scalelint::builtin_catalog().unwrap())
                .is_err(),
            "{bad}"
        );
    }
}

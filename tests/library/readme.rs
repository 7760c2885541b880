//! README.md's rules table and docs/rules.md are generated from the rule metadata and
//! fixtures; they cannot drift. Regenerate both with
//! `SCALELINT_UPDATE_README=1 cargo test --test library readme`.

const START: &str = "<!-- rules-table:start -->\n";
const END: &str = "<!-- rules-table:end -->";

#[test]
fn readme_rules_table_is_current() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let start = readme.find(START).expect("rules-table start marker") + START.len();
    let end = readme.find(END).expect("rules-table end marker");
    let want = scalelint::docs::rules_markdown(&scalelint::builtin_catalog().unwrap());
    if readme.get(start..end) != Some(want.as_str()) {
        if std::env::var_os("SCALELINT_UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..start], want, &readme[end..]);
            std::fs::write("README.md", updated).expect("write README.md");
        } else {
            panic!(
                "README.md's rules table is stale; run `SCALELINT_UPDATE_README=1 cargo test --test library readme`\nwant:\n{want}"
            );
        }
    }
}

#[test]
fn readme_names_the_commands_ci_runs() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let ci = std::fs::read_to_string(".ci/run").unwrap();
    assert!(
        readme.contains("cargo test"),
        "README gives the test command"
    );
    assert!(
        ci.contains("cargo test"),
        ".ci/run runs the README's test command"
    );
    assert!(readme.contains("cargo run --release -- check examples/shop"));
}

#[test]
fn docs_rules_md_is_current() {
    let want = scalelint::docs::rules_reference(&scalelint::builtin_catalog().unwrap());
    let have = std::fs::read_to_string("docs/rules.md").unwrap_or_default();
    if have != want {
        if std::env::var_os("SCALELINT_UPDATE_README").is_some() {
            std::fs::create_dir_all("docs").expect("docs/");
            std::fs::write("docs/rules.md", &want).expect("write docs/rules.md");
        } else {
            panic!(
                "docs/rules.md is stale; run `SCALELINT_UPDATE_README=1 cargo test --test library readme`"
            );
        }
    }
}

//! README.md's rules table is generated from the rule metadata; it cannot drift.
//! Regenerate with `SCALELINT_UPDATE_README=1 cargo test --test readme`.

const START: &str = "<!-- rules-table:start -->\n";
const END: &str = "<!-- rules-table:end -->";

#[test]
fn readme_rules_table_is_current() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let start = readme.find(START).expect("rules-table start marker") + START.len();
    let end = readme.find(END).expect("rules-table end marker");
    let want = scalelint::docs::rules_markdown();
    if readme.get(start..end) != Some(want.as_str()) {
        if std::env::var_os("SCALELINT_UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..start], want, &readme[end..]);
            std::fs::write("README.md", updated).expect("write README.md");
        } else {
            panic!(
                "README.md's rules table is stale; run `SCALELINT_UPDATE_README=1 cargo test --test readme`\nwant:\n{want}"
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

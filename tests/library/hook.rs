//! `.pre-commit-hooks.yaml` sends pre-commit exactly the files scalelint reads when it walks
//! a folder (by extension; the name and content then decide, as in a walk).

use scalelint::sources::classify::by_name;
use std::path::Path;

/// The extensions of the hook's `files: '\.(a|b?c)$'` pattern, `?` expanded.
fn hook_extensions() -> Vec<String> {
    let hooks = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let line = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("files: "))
        .expect("a files: pattern");
    let inner = line
        .trim_matches('\'')
        .strip_prefix(r"\.(")
        .and_then(|s| s.strip_suffix(")$"))
        .unwrap_or_else(|| panic!("files: is not an extension list: {line}"));
    let mut out = Vec::new();
    for alt in inner.split('|') {
        match alt.find('?') {
            Some(q) => {
                out.push(format!("{}{}", &alt[..q], &alt[q + 1..]));
                out.push(format!("{}{}", &alt[..q - 1], &alt[q + 1..]));
            }
            None => out.push(alt.to_string()),
        }
    }
    out.sort();
    out
}

#[test]
fn the_hook_sends_what_a_walk_reads() {
    let exts = hook_extensions();
    assert_eq!(
        exts,
        [
            "cjs",
            "conf",
            "cts",
            "ini",
            "js",
            "json",
            "mjs",
            "mts",
            "properties",
            "ts",
            "yaml",
            "yml"
        ],
        "{exts:?}"
    );
    for ext in &exts {
        assert!(by_name(Path::new(&format!("x/a.{ext}"))).is_some(), "{ext}");
    }
    // And nothing a walk reads is left out.
    for ext in ["jsx", "tsx", "cfg", "toml", "txt", "env", "xml", "sh"] {
        assert!(by_name(Path::new(&format!("x/a.{ext}"))).is_none(), "{ext}");
    }
    for name in ["a.txt", "Makefile", "a.cfg", "userlist.txt", "a.toml"] {
        assert!(by_name(Path::new(name)).is_none(), "{name}");
    }
}

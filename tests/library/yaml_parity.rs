//! Our YAML reader against libyaml itself (issue "Read YAML exactly as Kubernetes does"): a
//! document is a `parse-error` exactly when libyaml rejects it, and an accepted one has the
//! same documents, keys, values and scalar styles, with spans that start at their nodes.
//!
//! The reference is `unsafe-libyaml` (libyaml 0.2.5's C translated to Rust, independent of
//! the `libyaml-safer` port the reader runs on) with a composer in
//! `tests/common/libyaml_oracle.rs` that applies what scalelint documents it does as go-yaml
//! does (duplicate keys, merges, anchor redefinition, recursive aliases, limits).
//! `KNOWN_DEVIATIONS` lists every YAML test suite case where that matters, and checks each
//! really differs from libyaml's loader the way it says. The real C libyaml (PyYAML's
//! `CSafeLoader`, `scripts/yaml-oracle.py`) is compared opt-in (`SCALELINT_PYYAML`).

#[path = "../common/libyaml_oracle.rs"]
mod oracle;

use crate::common::{CORPUS, shared_corpus};
use oracle::{
    Deviation, GO_YAML_DEVIATION, Outcome, Tree, compare, go_yaml_may_deviate, libyaml,
    libyaml_raw, scalelint,
};
use proptest::prelude::*;
use scalelint::model::{Node, ScalarStyle, Value};
use scalelint::sources::yaml;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// The YAML test suite

/// One test case of the YAML test suite.
#[derive(Debug, Clone)]
struct Case {
    /// `ID` for a file with one case, `ID-00`, `ID-01`, … for files with several (the
    /// suite's own naming, `bin/YAMLTestSuite.pm`).
    id: String,
    /// The input, its visible-whitespace markers converted.
    yaml: String,
    /// The suite says the input is invalid YAML (1.2).
    fail: bool,
}

const SUITE: &str = "tests/corpus/yaml-test-suite/src";

/// The suite's markers (its ReadMe.md): `␣` a space, `———»`, `——»`, `—»`, `»` a tab, `↵`
/// nothing (the newline is there), `∎` at the end no final newline, `←` a carriage return,
/// `⇔` a byte order mark.
fn unescape(text: &str) -> String {
    let mut s = text.replace('␣', " ");
    for tab in ["———»", "——»", "—»", "»"] {
        s = s.replace(tab, "\t");
    }
    s = s
        .replace('←', "\r")
        .replace('⇔', "\u{feff}")
        .replace('↵', "");
    if let Some(cut) = s.strip_suffix("∎\n") {
        s = cut.to_string();
    } else if let Some(cut) = s.strip_suffix('∎') {
        s = cut.to_string();
    }
    s
}

/// Every case of the suite, read with our own reader (the files are plain YAML). A case
/// without `yaml` (or `name`, `tags`) takes the previous case's; `fail` is never inherited.
fn suite() -> &'static Vec<Case> {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let mut files: Vec<PathBuf> = std::fs::read_dir(SUITE)
            .unwrap_or_else(|e| panic!("{SUITE}: {e}; see tests/corpus/README.md"))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        assert_eq!(files.len(), 351, "the suite's src/*.yaml files");
        let mut cases = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let parsed = yaml::parse(&text, yaml::Limits::default());
            assert!(
                parsed.problems.is_empty(),
                "{}: {:?}",
                path.display(),
                parsed.problems
            );
            let [doc] = parsed.documents.as_slice() else {
                panic!("{}: one document expected", path.display())
            };
            let items = doc.root.as_seq().expect("a list of cases");
            let id = path.file_stem().unwrap().to_str().unwrap().to_string();
            let mut previous: Option<String> = None;
            for (i, item) in items.iter().enumerate() {
                let yaml = item
                    .get("yaml")
                    .and_then(Node::text)
                    .map(str::to_string)
                    .or_else(|| previous.clone())
                    .unwrap_or_else(|| panic!("{id}: case {i} has no yaml"));
                previous = Some(yaml.clone());
                let fail = item
                    .get("fail")
                    .and_then(Node::as_scalar)
                    .is_some_and(|s| &*s.text == "true");
                cases.push(Case {
                    id: if items.len() > 1 {
                        format!("{id}-{i:02}")
                    } else {
                        id.clone()
                    },
                    yaml: unescape(&yaml),
                    fail,
                });
            }
        }
        cases
    })
}

/// [`compare`], with a panic of our reader as a disagreement.
fn check(text: &str) -> Result<bool, String> {
    std::panic::catch_unwind(|| compare(text)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!("PANIC: {message}"))
    })
}

/// Whether a disagreement is one of go-yaml's documented deviations from libyaml, which
/// scalelint follows (`vendor/libyaml-safer/VENDORED.md`; go-yaml itself is the oracle for
/// those, opt-in below): the corpus sweeps and property tests count them apart.
fn go_yaml_deviation(why: &str) -> bool {
    why.starts_with(GO_YAML_DEVIATION)
}

/// The suite cases listed as go-yaml deviations in [`KNOWN_DEVIATIONS`].
fn listed_go_yaml_deviation(id: &str) -> bool {
    KNOWN_DEVIATIONS
        .iter()
        .any(|(case, deviation, _)| *case == id && *deviation == Deviation::GoYaml)
}

#[test]
fn yaml_test_suite_agrees_with_libyaml() {
    let mut disagreements = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    // Where libyaml (YAML 1.1-era) and the suite (YAML 1.2) differ: shown, not asserted.
    let mut unlike_the_suite = Vec::new();
    for case in suite() {
        if listed_go_yaml_deviation(&case.id) {
            continue;
        }
        match check(&case.yaml) {
            Ok(verdict) => {
                if verdict {
                    accepted += 1;
                } else {
                    rejected += 1;
                }
                if verdict == case.fail {
                    unlike_the_suite.push(case.id.as_str());
                }
            }
            Err(why) => disagreements.push(format!("{} {:?}: {why}", case.id, case.yaml)),
        }
    }
    eprintln!(
        "{} cases: {accepted} accepted and {rejected} rejected by both; libyaml's verdict \
         differs from the suite's on {}: {unlike_the_suite:?}",
        suite().len(),
        unlike_the_suite.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree:\n{}",
        disagreements.len(),
        suite().len(),
        disagreements.join("\n")
    );
    assert!(accepted > 250 && rejected > 100, "{accepted} {rejected}");
}

/// Where scalelint knowingly reads a suite case differently from libyaml's loader (PyYAML's
/// `CSafeLoader`), and why: only the go-yaml behaviours the issue documents.
const KNOWN_DEVIATIONS: &[(&str, Deviation, &str)] = &[
    (
        "3GZX",
        Deviation::AnchorRedefined,
        "Spec Example 7.1: `&anchor` is defined twice; YAML and go-yaml let the later \
         definition name the later node, libyaml's loader says \"found duplicate anchor\"",
    ),
    (
        "PW8X",
        Deviation::AnchorRedefined,
        "anchors on empty scalars: `&a` is defined three times (go-yaml: allowed)",
    ),
    (
        "27NA",
        Deviation::GoYaml,
        "`%YAML 1.2`: go-yaml accepts only 1.1 (\"found incompatible YAML document\")",
    ),
    (
        "6ZKB",
        Deviation::GoYaml,
        "a `%YAML 1.2` document: go-yaml accepts only 1.1",
    ),
    (
        "9DXL",
        Deviation::GoYaml,
        "a `%YAML 1.2` document: go-yaml accepts only 1.1",
    ),
    (
        "EB22",
        Deviation::GoYaml,
        "`%YAML 1.2` after a document: go-yaml accepts only 1.1",
    ),
    (
        "MUS6-01",
        Deviation::GoYaml,
        "`%YAML 1.2` twice: go-yaml accepts only 1.1",
    ),
    (
        "RHX7",
        Deviation::GoYaml,
        "`%YAML 1.2` after a document: go-yaml accepts only 1.1",
    ),
    (
        "RTP8",
        Deviation::GoYaml,
        "`%YAML 1.2`: go-yaml accepts only 1.1",
    ),
    (
        "3UYS",
        Deviation::GoYaml,
        "`\\/` in double quotes: go-yaml has no such escape (\"found unknown escape character\")",
    ),
    (
        "HRE5",
        Deviation::GoYaml,
        "`\\'` in double quotes: an escape in go-yaml, not in libyaml",
    ),
    (
        "4ABK",
        Deviation::GoYaml,
        "`omitted value:,` in a flow mapping: go-yaml has no \"found unexpected ':'\" error",
    ),
    (
        "JR7V",
        Deviation::GoYaml,
        "`[a?string]`: go-yaml ends a flow plain scalar at `?` (then refuses the key)",
    ),
    (
        "U99R",
        Deviation::GoYaml,
        "`!!str,`: go-yaml takes `,` into a tag in every context",
    ),
    (
        "WZ62",
        Deviation::GoYaml,
        "`!!str,` in a flow mapping: go-yaml takes the `,` into the tag, then misses the entry separator",
    ),
];

/// How the case reads with raw libyaml's loader, checked against what the deviation says.
fn differs_as_stated(id: &str, text: &str, deviation: Deviation) -> Result<(), String> {
    let raw = libyaml_raw(text);
    let ours = scalelint(text);
    let holds = match (deviation, &raw) {
        (Deviation::AnchorRedefined, Outcome::Rejected(why)) => {
            why.contains("found duplicate anchor") && ours.accepted()
        }
        (Deviation::DuplicateKey, Outcome::Accepted(docs)) => {
            docs.iter().any(Tree::has_repeated_key) && !ours.same(&raw)
        }
        (Deviation::Merge, Outcome::Accepted(docs)) => {
            docs.iter().any(Tree::has_merge_key) && !ours.same(&raw)
        }
        (Deviation::RecursiveAlias | Deviation::Limit, Outcome::Accepted(_)) => !ours.accepted(),
        // Where go-yaml reads it unlike libyaml: we differ from libyaml, and the input has what
        // one of go-yaml's deviations needs (that go-yaml agrees with us: the opt-in test).
        (Deviation::GoYaml, _) => !ours.same(&raw) && go_yaml_may_deviate(text),
        _ => false,
    };
    if holds {
        Ok(())
    } else {
        Err(format!(
            "{id}: listed as {deviation:?}, but libyaml's loader gives {raw:?} and scalelint {ours:?}"
        ))
    }
}

#[test]
fn suite_cases_where_we_deviate_from_libyaml_are_exactly_the_documented_ones() {
    let mut found: BTreeMap<String, BTreeSet<Deviation>> = BTreeMap::new();
    for case in suite() {
        let mut deviations = libyaml(&case.yaml).deviations;
        let ours = scalelint(&case.yaml);
        if !libyaml(&case.yaml).outcome.same(&ours) {
            deviations.insert(Deviation::GoYaml);
        }
        let raw_differs = !libyaml_raw(&case.yaml).same(&ours);
        if !deviations.is_empty() || raw_differs {
            found.insert(case.id.clone(), deviations);
        }
    }
    let mut listed: BTreeMap<String, BTreeSet<Deviation>> = BTreeMap::new();
    for (id, deviation, _) in KNOWN_DEVIATIONS {
        listed.entry(id.to_string()).or_default().insert(*deviation);
    }
    assert_eq!(
        found, listed,
        "the suite cases where scalelint's tree or verdict differs from libyaml's loader \
         (left) must be KNOWN_DEVIATIONS (right)"
    );
    let wrong: Vec<String> = KNOWN_DEVIATIONS
        .iter()
        .filter_map(|(id, deviation, _)| {
            let case = suite().iter().find(|c| c.id == *id)?;
            differs_as_stated(id, &case.yaml, *deviation).err()
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

// ---------------------------------------------------------------------------------------------
// Real files

/// Every `.yaml`/`.yml` file under `root`, sorted.
fn yaml_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every YAML file under `root` through both readers: (files, accepted by both, disagreements);
/// files showing an open bug are printed, not counted as disagreements.
fn compare_files(root: &Path) -> (usize, usize, Vec<String>) {
    let files = yaml_files(root);
    let mut accepted = 0;
    let mut disagreements = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue; // Not UTF-8: scalelint's reader never sees it (an io-error).
        };
        match check(&text) {
            Ok(true) => accepted += 1,
            Ok(false) => {}
            Err(why) if go_yaml_deviation(&why) => {
                eprintln!("go-yaml deviation: {}: {why}", path.display());
            }
            Err(why) => disagreements.push(format!("{}: {why}", path.display())),
        }
    }
    (files.len(), accepted, disagreements)
}

#[test]
fn corpus_yaml_agrees_with_libyaml() {
    let (files, accepted, disagreements) = compare_files(Path::new(CORPUS));
    eprintln!("{files} YAML files, {accepted} accepted by both");
    assert!(files > 500, "{files}");
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

#[test]
fn shared_corpus_yaml_agrees_with_libyaml_opt_in() {
    let Some(root) = shared_corpus(
        "comparing every YAML file of the shared corpus with libyaml (accept/reject and tree)",
    ) else {
        return;
    };
    let (files, accepted, disagreements) = compare_files(&root);
    eprintln!("{files} YAML files, {accepted} accepted by both");
    assert!(files > 500, "{files}");
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

// ---------------------------------------------------------------------------------------------
// Named cases: the issue's shapes, each documented deviation, each open bug

/// `text` is read as libyaml reads it and accepted; its only document.
fn accepted_alike(text: &str) -> Node {
    assert_eq!(check(text), Ok(true), "{text:?}");
    let parsed = yaml::parse(text, yaml::Limits::default());
    assert!(
        parsed
            .problems
            .iter()
            .all(|p| matches!(p, yaml::Problem::DuplicateKey { .. })),
        "{:?}",
        parsed.problems
    );
    let [doc] = parsed.documents.try_into().unwrap();
    doc.root
}

/// The first quoted scalar in `node`, depth first.
fn quoted(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Scalar(s) => matches!(
            s.style,
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
        )
        .then_some(&*s.text),
        Value::Seq(items) => items.iter().find_map(quoted),
        Value::Map(entries) => entries.iter().find_map(|e| quoted(&e.value)),
    }
}

fn strings(node: &Node) -> Vec<&str> {
    node.as_seq()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect()
}

#[test]
fn flow_sequence_closing_at_the_parent_key_indentation_is_accepted() {
    // The issue's shape: `]` at the indentation of `containers`' items; libyaml also accepts
    // it at the item's dash, deeper, and at column 0 (flow context ignores indentation).
    for close in ["  ]", "    ]", "]"] {
        let text =
            format!("spec:\n  containers:\n  - command: [\n    \"a\",\n    \"b\"\n{close}\n");
        let root = accepted_alike(&text);
        let containers = root
            .path(&["spec", "containers"])
            .unwrap()
            .as_seq()
            .unwrap();
        assert_eq!(strings(containers[0].get("command").unwrap()), ["a", "b"]);
    }
    // Compose files: `command: [` with items and `]` at shallower indentation than the key.
    for text in [
        "services:\n  web:\n    command: [\n      \"x\"\n    ]\n",
        "services:\n  web:\n    command: [\n  \"x\"\n]\n",
        "services:\n  web:\n    command: [\"sh\",\n  \"-c\", 'echo hi'\n  ]\n    image: busybox\n",
    ] {
        let root = accepted_alike(text);
        assert!(
            root.path(&["services", "web", "command"]).is_some(),
            "{text:?}"
        );
    }
}

#[test]
fn multi_line_quoted_scalar_continued_at_the_key_indentation_is_accepted() {
    for (text, want) in [
        ("a:\n  b: 'one\n  two'\n  c: 1\n", "one two"),
        ("a:\n  b: \"one\n  two\"\n  c: 1\n", "one two"),
        ("a:\n  b: 'one\ntwo'\n  c: 1\n", "one two"),
        (
            "spec:\n  template:\n    metadata:\n      annotations:\n        note: 'first line\n        second line'\n",
            "first line second line",
        ),
    ] {
        assert_eq!(quoted(&accepted_alike(text)), Some(want), "{text:?}");
    }
    // A plain scalar continues only on lines indented deeper than its key, as in libyaml: at
    // the key's indentation the next line is a key, here one without `:`.
    assert_eq!(
        accepted_alike("a:\n  b: one\n   two\n")
            .path(&["a", "b"])
            .unwrap()
            .as_str(),
        Some("one two")
    );
    let text = "a:\n  b: one\n  two\n";
    assert_eq!(check(text), Ok(false));
    assert!(!libyaml_raw(text).accepted());
}

#[test]
fn duplicate_keys_keep_the_last_value_where_libyaml_keeps_both() {
    let text = "a: 1\nb: 2\na: 3\n";
    let root = accepted_alike(text);
    let keys: Vec<_> = root
        .as_map()
        .unwrap()
        .iter()
        .map(|e| e.key.text().unwrap())
        .collect();
    assert_eq!(keys, ["a", "b"]);
    assert_eq!(root.get("a").unwrap().as_i64(), Some(3));
    assert!(libyaml(text).deviations.contains(&Deviation::DuplicateKey));
    differs_as_stated("duplicate key", text, Deviation::DuplicateKey).unwrap();
}

#[test]
fn merge_keys_are_applied_where_libyaml_keeps_a_plain_key() {
    let text = "a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nm:\n  <<: [*a, *b]\n  x: 0\n";
    let root = accepted_alike(text);
    let m = root.get("m").unwrap();
    let keys: Vec<_> = m
        .as_map()
        .unwrap()
        .iter()
        .map(|e| e.key.text().unwrap())
        .collect();
    // Its own keys first, then the merged ones it lacks; earlier sources win (`y: 2`).
    assert_eq!(keys, ["x", "y", "z"]);
    assert_eq!(m.get("x").unwrap().as_i64(), Some(0));
    assert_eq!(m.get("y").unwrap().as_i64(), Some(2));
    differs_as_stated("merge", text, Deviation::Merge).unwrap();
}

#[test]
fn anchors_may_be_redefined_where_libyaml_says_duplicate_anchor() {
    let text = "a: &x 1\nb: *x\nc: &x 2\nd: *x\n";
    let root = accepted_alike(text);
    assert_eq!(root.get("b").unwrap().as_i64(), Some(1));
    assert_eq!(root.get("d").unwrap().as_i64(), Some(2));
    differs_as_stated("anchor redefined", text, Deviation::AnchorRedefined).unwrap();
}

#[test]
fn an_alias_inside_its_own_anchor_is_rejected_where_pyyaml_composes_a_cycle() {
    for text in ["&a [*a]\n", "a: &a\n  b: *a\n"] {
        assert_eq!(check(text), Ok(false), "{text:?}");
        differs_as_stated("recursive alias", text, Deviation::RecursiveAlias).unwrap();
    }
}

#[test]
fn an_undefined_alias_is_rejected_by_both() {
    for text in ["a: *nowhere\n", "a: &x 1\n---\nb: *x\n"] {
        assert_eq!(check(text), Ok(false), "{text:?}");
        assert!(!libyaml_raw(text).accepted(), "{text:?}");
    }
}

#[test]
fn nesting_deeper_than_256_is_a_limit_libyaml_has_not() {
    let nested = |depth: usize| format!("{}{}\n", "[".repeat(depth), "]".repeat(depth));
    assert_eq!(check(&nested(oracle::MAX_DEPTH)), Ok(true));
    let deep = nested(oracle::MAX_DEPTH + 1);
    assert_eq!(check(&deep), Ok(false));
    let parsed = yaml::parse(&deep, yaml::Limits::default());
    assert!(matches!(parsed.problems[..], [yaml::Problem::Limit { .. }]));
    differs_as_stated("deep", &deep, Deviation::Limit).unwrap();
}

#[test]
fn aliases_expanding_beyond_100000_nodes_are_a_limit_libyaml_has_not() {
    // 1 + 10 + 100 + … : the sixth level expands to more than 100,000 nodes.
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..6 {
        let p = i - 1;
        let items = vec![format!("*a{p}"); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    assert_eq!(check(&text), Ok(false));
    let parsed = yaml::parse(&text, yaml::Limits::default());
    assert!(matches!(parsed.problems[..], [yaml::Problem::Limit { .. }]));
    differs_as_stated("alias bomb", &text, Deviation::Limit).unwrap();
}

#[test]
fn after_a_syntax_error_the_reader_resumes_at_the_next_document_marker() {
    // libyaml rejects the stream at the first error; kubectl splits on `---` lines and so
    // still reads the documents after it. Both count as "rejected" here.
    let text = "a: 1\n---\nb: [1\nc: 2\n---\nd: 4\n";
    assert_eq!(check(text), Ok(false));
    let parsed = yaml::parse(text, yaml::Limits::default());
    assert!(matches!(
        parsed.problems[..],
        [yaml::Problem::Syntax { .. }]
    ));
    let roots: Vec<Tree> = parsed
        .documents
        .iter()
        .map(|d| oracle::tree(&d.root))
        .collect();
    assert_eq!(roots.len(), 2);
    let Outcome::Accepted(alone) = libyaml_raw("---\nd: 4\n") else {
        panic!()
    };
    assert_eq!(
        oracle::first_difference(&roots[1], &shift(&alone[0], 20), "d"),
        None
    );
}

/// `tree` with every offset moved by `by` bytes.
fn shift(tree: &Tree, by: usize) -> Tree {
    match tree {
        Tree::Scalar { text, style, at } => Tree::Scalar {
            text: text.clone(),
            style: *style,
            at: at + by,
        },
        Tree::Seq { items, at } => Tree::Seq {
            items: items.iter().map(|t| shift(t, by)).collect(),
            at: at + by,
        },
        Tree::Map { entries, at } => Tree::Map {
            entries: entries
                .iter()
                .map(|(k, v)| (shift(k, by), shift(v, by)))
                .collect(),
            at: at + by,
        },
        Tree::Recursive { anchor, at } => Tree::Recursive {
            anchor: anchor.clone(),
            at: at + by,
        },
    }
}

#[test]
fn a_comment_only_stream_has_no_document_and_a_bare_marker_a_null_one() {
    assert_eq!(scalelint("# only a comment\n"), Outcome::Accepted(vec![]));
    assert_eq!(libyaml_raw("# only a comment\n"), Outcome::Accepted(vec![]));
    let null = Outcome::Accepted(vec![Tree::Scalar {
        text: String::new(),
        style: ScalarStyle::Plain,
        at: 4,
    }]);
    assert_eq!(scalelint("---\n"), null);
    assert_eq!(libyaml_raw("---\n"), null);
}

#[test]
fn a_block_scalar_ending_the_input_without_a_line_break_is_read() {
    for (text, want) in [
        ("a: |\n  x", "x"),
        ("a: >\n  x\n   ", "x\n "),
        ("|\n x\n  ", "x\n "),
    ] {
        assert_eq!(check(text), Ok(true), "{text:?}");
        let parsed = yaml::parse(text, yaml::Limits::default());
        let root = &parsed.documents[0].root;
        let value = root.get("a").unwrap_or(root);
        assert_eq!(value.text(), Some(want), "{text:?}");
    }
}

#[test]
fn a_verbatim_tag_followed_by_a_comma_in_a_flow_collection_is_an_empty_tagged_scalar() {
    // libyaml-safer panicked here ("TODO"); fixed in vendor/libyaml-safer. A shorthand tag
    // (`!!str,`) takes the comma in, as go-yaml does: see the go-yaml deviations below.
    for text in ["[!<tag:x>, a]", "{a: !<tag:x>, b: c}"] {
        assert_eq!(check(text), Ok(true), "{text:?}");
    }
}

#[test]
fn a_backslash_ending_the_input_in_a_double_quoted_scalar_is_a_syntax_error() {
    for text in ["\"\\", "a: \"x\\"] {
        assert_eq!(check(text), Ok(false), "{text:?}");
    }
}

#[test]
fn a_text_starting_with_a_character_encoded_from_0xef_is_utf8_without_a_mark() {
    for text in ["\u{ff4b}ey: v\n", "\u{fffd}\n", "a:\n---\n\u{ff21}: 1\n"] {
        assert_eq!(check(text), Ok(true), "{text:?}");
    }
}

#[test]
fn spans_after_two_byte_order_marks_are_where_the_text_is() {
    assert_eq!(check("\u{feff}\u{feff}a\n"), Ok(true));
}

#[test]
fn an_alias_inside_the_node_that_redefines_its_anchor_is_rejected() {
    assert_eq!(check("- &a x\n- &a [*a]\n"), Ok(false));
}

/// How libyaml's loader and scalelint read `text`: (libyaml accepts, scalelint accepts).
fn verdicts(text: &str) -> (bool, bool) {
    (libyaml_raw(text).accepted(), scalelint(text).accepted())
}

// go-yaml's deviations from libyaml, which scalelint follows (vendor/libyaml-safer/VENDORED.md;
// the opt-in test below checks them against go-yaml v3 itself): one named test each.

#[test]
fn go_yaml_accepts_only_yaml_1_1_directives() {
    assert_eq!(verdicts("%YAML 1.2\n---\na: 1\n"), (true, false));
    assert_eq!(verdicts("%YAML 1.1\n---\na: 1\n"), (true, true));
}

#[test]
fn go_yaml_escapes_a_single_quote_not_a_slash() {
    assert_eq!(verdicts("a: \"x\\/y\"\n"), (true, false));
    assert_eq!(verdicts("a: \"x\\'y\"\n"), (false, true));
    let root = accepted_alike_by_us("a: \"x\\'y\"\n");
    assert_eq!(root.get("a").and_then(Node::text), Some("x'y"));
}

#[test]
fn go_yaml_reads_colons_and_question_marks_in_flow_plain_scalars_its_own_way() {
    // libyaml: "found unexpected ':'"; go-yaml reads `a:` as a key with an empty value.
    assert_eq!(verdicts("{a:, b: c}\n"), (false, true));
    // libyaml reads `a?b` as one scalar; go-yaml ends it at `?` and refuses the key after it.
    assert_eq!(verdicts("[a?b]\n"), (true, false));
    // Outside flow collections both read `?` and `:` inside a plain scalar alike.
    assert_eq!(verdicts("a: b?c:d\n"), (true, true));
}

#[test]
fn go_yaml_takes_commas_and_brackets_into_tags() {
    assert_eq!(verdicts("- !!str, xxx\n"), (false, true));
    // libyaml: an empty scalar tagged `!!str`; go-yaml: the tag `!!str,]`, and no `]`.
    assert_eq!(verdicts("[!!str,]\n"), (true, false));
}

/// `text` as scalelint reads it, accepted; its only document.
fn accepted_alike_by_us(text: &str) -> Node {
    let parsed = yaml::parse(text, yaml::Limits::default());
    assert!(
        parsed.problems.is_empty(),
        "{text:?}: {:?}",
        parsed.problems
    );
    parsed.documents.into_iter().next().unwrap().root
}

// ---------------------------------------------------------------------------------------------
// Property tests: generated Kubernetes-like YAML, and mutated real texts

/// A generated node.
#[derive(Debug, Clone)]
enum Gen {
    /// A plain scalar: words joined by spaces, or continued on further lines (`\n`).
    Plain(String),
    Single(String),
    Double(String),
    /// `|` or `>` with a chomping indicator, its lines.
    Block(char, &'static str, Vec<String>),
    /// A flow sequence of scalars, written on one line or one item a line.
    Flow(Vec<String>, bool),
    Map(Vec<(String, Gen)>),
    /// A block sequence; `true`: indentless under a mapping key.
    Seq(Vec<Gen>, bool),
}

/// How a generated document is written.
#[derive(Debug, Clone)]
struct Style {
    /// Spaces per nesting level, by level (odd ones included).
    steps: Vec<usize>,
    /// Extra indentation of continuation lines (0: at the key's own indentation).
    continuation: usize,
    comments: bool,
    crlf: bool,
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,8}",
        Just("10".to_string()),
        Just("true".to_string()),
        Just("~".to_string()),
        Just("1.5".to_string()),
        Just("web-1:8080".to_string()),
        Just("a#b".to_string()),
        Just("-x".to_string()),
        Just("{{ .Values.x }}".to_string()),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[a-z][a-zA-Z0-9]{0,10}",
        1 => Just("<<".to_string()),
        1 => Just("\"quoted key\"".to_string()),
        1 => Just("app.kubernetes.io/name".to_string()),
    ]
}

fn scalar() -> impl Strategy<Value = Gen> {
    let quoted_text = "[a-z '\"#:\\\\-]{0,12}( [a-z]{1,5}){0,3}";
    prop_oneof![
        4 => proptest::collection::vec(word(), 1..4).prop_map(|w| Gen::Plain(w.join(" "))),
        1 => proptest::collection::vec(word(), 2..4).prop_map(|w| Gen::Plain(w.join("\n"))),
        2 => quoted_text.prop_map(Gen::Single),
        2 => quoted_text.prop_map(Gen::Double),
        2 => (
            prop_oneof![Just('|'), Just('>')],
            prop_oneof![Just(""), Just("-"), Just("+")],
            proptest::collection::vec("( ?[a-z#:]{0,8}){0,3}", 1..4),
        )
            .prop_map(|(c, chomp, lines)| Gen::Block(c, chomp, lines)),
        1 => (proptest::collection::vec(word(), 0..4), any::<bool>())
            .prop_map(|(items, multi)| Gen::Flow(items, multi)),
    ]
}

fn node() -> impl Strategy<Value = Gen> {
    scalar().prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            proptest::collection::vec((key(), inner.clone()), 1..5).prop_map(Gen::Map),
            (proptest::collection::vec(inner, 1..4), any::<bool>())
                .prop_map(|(items, indentless)| Gen::Seq(items, indentless)),
        ]
    })
}

fn style() -> impl Strategy<Value = Style> {
    (
        proptest::collection::vec(prop_oneof![4 => Just(2usize), 1 => 1..5usize], 6),
        0..3usize,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(steps, continuation, comments, crlf)| Style {
            steps,
            continuation,
            comments,
            crlf,
        })
}

/// Write `g` as the value after a key or dash at `indent` (the text so far ends with `key:`
/// or `-`), at nesting `level`.
fn write_value(g: &Gen, indent: usize, level: usize, st: &Style, out: &mut String) {
    let step = st.steps[level % st.steps.len()];
    let pad = |n: usize| " ".repeat(n);
    match g {
        Gen::Plain(text) => {
            out.push(' ');
            let cont = format!("\n{}", pad(indent + st.continuation));
            out.push_str(&text.replace('\n', &cont));
        }
        Gen::Single(text) => {
            let cont = format!("\n{}", pad(indent + st.continuation));
            out.push_str(&format!(
                " '{}'",
                text.replace('\'', "''").replace(' ', &cont)
            ));
        }
        Gen::Double(text) => {
            let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
            out.push_str(&format!(" \"{escaped}\""));
        }
        Gen::Block(c, chomp, lines) => {
            out.push_str(&format!(" {c}{chomp}"));
            for line in lines {
                out.push('\n');
                if !line.is_empty() {
                    out.push_str(&pad(indent + step));
                    out.push_str(line);
                }
            }
        }
        Gen::Flow(items, multi) => {
            if *multi {
                out.push_str(" [");
                for (i, item) in items.iter().enumerate() {
                    out.push_str(&format!("\n{}\"{item}\"", pad(indent + st.continuation)));
                    if i + 1 < items.len() {
                        out.push(',');
                    }
                }
                out.push_str(&format!("\n{}]", pad(indent)));
            } else {
                out.push_str(&format!(" [{}]", items.join(", ")));
            }
        }
        Gen::Map(entries) => {
            let inner = indent + step.max(1);
            for (k, v) in entries {
                out.push('\n');
                write_entry(k, v, inner, level + 1, st, out);
            }
        }
        Gen::Seq(items, indentless) => {
            let inner = if *indentless { indent } else { indent + step };
            for item in items {
                out.push('\n');
                write_item(item, inner, level + 1, st, out);
            }
        }
    }
    if st.comments && matches!(g, Gen::Plain(_) | Gen::Double(_) | Gen::Flow(..)) {
        out.push_str("  # note");
    }
}

fn write_entry(k: &str, v: &Gen, indent: usize, level: usize, st: &Style, out: &mut String) {
    out.push_str(&" ".repeat(indent));
    out.push_str(k);
    out.push(':');
    write_value(v, indent, level, st, out);
}

fn write_item(g: &Gen, indent: usize, level: usize, st: &Style, out: &mut String) {
    out.push_str(&" ".repeat(indent));
    out.push('-');
    match g {
        // A mapping starts on the dash's line: `- key: value`, the rest under it.
        Gen::Map(entries) => {
            for (i, (k, v)) in entries.iter().enumerate() {
                if i == 0 {
                    out.push(' ');
                    write_value_entry_inline(k, v, indent + 2, level, st, out);
                } else {
                    out.push('\n');
                    write_entry(k, v, indent + 2, level, st, out);
                }
            }
        }
        _ => write_value(g, indent, level, st, out),
    }
}

fn write_value_entry_inline(
    k: &str,
    v: &Gen,
    indent: usize,
    level: usize,
    st: &Style,
    out: &mut String,
) {
    out.push_str(k);
    out.push(':');
    write_value(v, indent, level, st, out);
}

/// Documents as a Kubernetes file: `---` between them, comments, CRLF.
fn render(docs: &[Gen], st: &Style) -> String {
    let mut out = String::new();
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 || st.comments {
            out.push_str("---\n");
        }
        if st.comments {
            out.push_str("# generated\n");
        }
        match doc {
            Gen::Map(entries) => {
                for (k, v) in entries {
                    write_entry(k, v, 0, 0, st, &mut out);
                    out.push('\n');
                }
            }
            Gen::Seq(items, _) => {
                for item in items {
                    write_item(item, 0, 0, st, &mut out);
                    out.push('\n');
                }
            }
            other => {
                out.push_str("value:");
                write_value(other, 0, 0, st, &mut out);
                out.push('\n');
            }
        }
    }
    if st.crlf {
        out.replace('\n', "\r\n")
    } else {
        out
    }
}

/// Texts to mutate: the suite's inputs and the corpus's smaller Kubernetes files.
fn mutation_seeds() -> &'static Vec<String> {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut seeds: Vec<String> = suite().iter().map(|c| c.yaml.clone()).collect();
        for path in yaml_files(&Path::new(CORPUS).join("k8s")) {
            if let Ok(text) = std::fs::read_to_string(&path)
                && text.len() < 2_000
            {
                seeds.push(text);
            }
        }
        seeds
    })
}

/// YAML's significant characters, for insertions.
const ALPHABET: &[u8] = b" :-#\n'\"[]{},|>&*!?%\t";

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Insert(usize, u8),
    Duplicate(usize),
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for m in mutations {
        let len = bytes.len();
        match *m {
            Mutation::Delete(at) if len > 0 => {
                bytes.remove(at % len);
            }
            Mutation::Insert(at, c) => {
                bytes.insert(at % (len + 1), ALPHABET[c as usize % ALPHABET.len()])
            }
            Mutation::Duplicate(at) if len > 0 => {
                let b = bytes[at % len];
                bytes.insert(at % len, b);
            }
            _ => {}
        }
    }
    // Byte edits of ASCII never split a character; of others they may: keep it text.
    String::from_utf8_lossy(&bytes).into_owned()
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), any::<u8>()).prop_map(|(a, c)| Mutation::Insert(a, c)),
        any::<usize>().prop_map(Mutation::Duplicate),
    ]
}

/// [`check`], for a property: an open bug is skipped (it is listed and tested above).
fn agrees(text: &str) -> Result<(), TestCaseError> {
    match check(text) {
        Ok(_) => Ok(()),
        Err(why) if go_yaml_deviation(&why) => Err(TestCaseError::reject("a go-yaml deviation")),
        Err(why) => Err(TestCaseError::fail(format!("{text:?}: {why}"))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_global_rejects: 4096, ..ProptestConfig::default() })]

    #[test]
    fn generated_kubernetes_like_yaml_reads_as_libyaml_reads_it(
        docs in proptest::collection::vec(node(), 1..3),
        st in style(),
    ) {
        let text = render(&docs, &st);
        agrees(&text)?;
    }

    #[test]
    fn mutated_yaml_reads_as_libyaml_reads_it(
        seed in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let seeds = mutation_seeds();
        let text = mutate(seeds[seed.index(seeds.len())].as_str(), &mutations);
        agrees(&text)?;
    }
}

// ---------------------------------------------------------------------------------------------
// The real C libyaml (PyYAML's CSafeLoader), opt-in

/// `tree` as `scripts/yaml-oracle.py` prints it (no offsets: PyYAML's graph has no alias
/// positions).
fn json(tree: &Tree) -> serde_json::Value {
    use serde_json::json;
    match tree {
        Tree::Scalar { text, style, .. } => json!({
            "scalar": text,
            "style": match style {
                ScalarStyle::Plain => "plain",
                ScalarStyle::SingleQuoted => "single",
                ScalarStyle::DoubleQuoted => "double",
                ScalarStyle::Literal => "literal",
                ScalarStyle::Folded => "folded",
            },
        }),
        Tree::Seq { items, .. } => json!({ "seq": items.iter().map(json).collect::<Vec<_>>() }),
        Tree::Map { entries, .. } => json!({
            "map": entries.iter().map(|(k, v)| json!([json(k), json(v)])).collect::<Vec<_>>(),
        }),
        Tree::Recursive { anchor, .. } => json!({ "recursive": anchor }),
    }
}

#[test]
fn pyyaml_c_libyaml_agrees_on_the_suite_and_the_corpus_opt_in() {
    let python = std::env::var("SCALELINT_PYYAML").unwrap_or_default();
    if python.is_empty() {
        eprintln!(
            "skipped (opt-in): comparing the YAML reader with the C libyaml of PyYAML's \
             CSafeLoader (scripts/yaml-oracle.py) on the YAML test suite and tests/corpus; set \
             SCALELINT_PYYAML to a python that has PyYAML with CSafeLoader to run it (.ci/run \
             does)."
        );
        return;
    }
    let suite_dir = Path::new(SUITE).parent().unwrap();
    let out = std::process::Command::new(&python)
        .arg("scripts/yaml-oracle.py")
        .arg(suite_dir)
        .arg(CORPUS)
        .output()
        .unwrap_or_else(|e| panic!("SCALELINT_PYYAML={python}: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (mut compared, mut disagreements) = (0, Vec::new());
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let line: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = line["id"].as_str().unwrap();
        let text = match suite().iter().find(|c| c.id == id) {
            Some(case) => case.yaml.clone(),
            None => std::fs::read_to_string(id).unwrap_or_else(|e| panic!("{id}: {e}")),
        };
        compared += 1;
        let ours = std::panic::catch_unwind(|| scalelint(&text)).map_err(|p| {
            p.downcast_ref::<&str>()
                .map(|s| format!("PANIC: {s}"))
                .unwrap_or_else(|| "PANIC".into())
        });
        let ours = match ours {
            Ok(outcome) => outcome,
            Err(why) => {
                disagreements.push(format!("{id}: {why}"));
                continue;
            }
        };
        let agree = match (&ours, line["accepted"].as_bool().unwrap()) {
            (Outcome::Accepted(docs), true) => {
                serde_json::Value::Array(docs.iter().map(json).collect()) == line["documents"]
            }
            (Outcome::Rejected(_), false) => true,
            _ => false,
        };
        // Where go-yaml's deviations may apply, go-yaml is the oracle (the next test).
        if !agree && !go_yaml_may_deviate(&text) {
            disagreements.push(format!("{id}: scalelint {ours:?}\n  C libyaml {line}"));
        }
    }
    eprintln!("{compared} inputs compared with C libyaml");
    assert!(compared > 900, "{compared}");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn fuzz_findings_that_were_the_span_checks_own() {
    // The fuzz target stopped on these, where the reader and libyaml agreed: the span check
    // now knows a byte order mark is a blank at a line's start (and may start a plain scalar
    // elsewhere), and that a comment after properties ends at a carriage return too.
    for text in [
        "!t\n\u{feff}\nR\n",
        " \u{feff}",
        "\u{feff}!\r\r#\r\rf\r\\n\n",
    ] {
        assert!(check(text).is_ok(), "{text:?}: {:?}", check(text));
    }
}

// ---------------------------------------------------------------------------------------------
// go-yaml v3 itself (kustomize's YAML library; kubectl's go-yaml v2 shares its scanner and
// parser), opt-in

#[test]
fn go_yaml_agrees_on_the_suite_and_the_corpus_opt_in() {
    let oracle = std::env::var("SCALELINT_GOYAML").unwrap_or_default();
    if oracle.is_empty() {
        eprintln!(
            "skipped (opt-in): comparing the YAML reader with go-yaml v3 \
             (scripts/goyaml-oracle) on the YAML test suite and tests/corpus; set \
             SCALELINT_GOYAML to the built oracle to run it (.ci/run does)."
        );
        return;
    }
    let mut inputs: Vec<(String, String)> = suite()
        .iter()
        .map(|c| (c.id.clone(), c.yaml.clone()))
        .collect();
    let mut roots = vec![PathBuf::from(CORPUS)];
    roots.extend(shared_corpus(
        "comparing the shared corpus' YAML with go-yaml v3 too",
    ));
    for root in roots {
        for path in yaml_files(&root) {
            if let Ok(text) = std::fs::read_to_string(&path) {
                inputs.push((path.display().to_string(), text));
            }
        }
    }
    let mut stdin = String::new();
    for (id, text) in &inputs {
        stdin.push_str(&serde_json::json!({ "id": id, "text": text }).to_string());
        stdin.push('\n');
    }
    let mut child = std::process::Command::new(&oracle)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("SCALELINT_GOYAML={oracle}: {e}"));
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write as _;
        pipe.write_all(stdin.as_bytes()).unwrap();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "{oracle} failed");
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), inputs.len());
    let mut disagreements = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for ((id, text), line) in inputs.iter().zip(&lines) {
        assert_eq!(line["id"].as_str(), Some(id.as_str()));
        let ours = scalelint(text);
        let agree = match (&ours, line["accepted"].as_bool().unwrap()) {
            (Outcome::Accepted(docs), true) => {
                accepted += 1;
                serde_json::Value::Array(docs.iter().map(json).collect()) == line["documents"]
            }
            (Outcome::Rejected(_), false) => {
                rejected += 1;
                true
            }
            _ => false,
        };
        if !agree {
            disagreements.push(format!("{id}: scalelint {ours:?}\n  go-yaml {line}"));
        }
    }
    eprintln!(
        "{} inputs compared with go-yaml v3: {accepted} accepted and {rejected} rejected by both",
        inputs.len()
    );
    assert!(inputs.len() > 900, "{}", inputs.len());
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

//! `tests/corpus` holds only files whose licence allows copying them, each listed in its
//! `SOURCES.tsv` with the licence text or notice that licence asks copies to carry, and (opt-in)
//! each identical to the shared corpus file it was copied from.

use crate::common::{CORPUS, Source, shared_corpus, sources};
use std::collections::BTreeSet;
use std::path::Path;

/// Licences that allow redistributing the files, with their conditions met by `LICENSES/`.
const PERMISSIVE: &[&str] = &[
    "Apache-2.0",
    "MIT",
    "ISC",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "CC-BY-4.0",
];

/// Every file under `dir`, relative to it, `/`-separated.
fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_str().unwrap();
                out.insert(rel.replace('\\', "/"));
            }
        }
    }
    out
}

/// The file in `LICENSES/` that carries `s`'s licence: the Apache License once for every
/// Apache-2.0 project (a project's NOTICE, when it has one, is `NOTICE-<owner>-<repo>`), the
/// licence with its copyright lines (or the attribution notice) per project otherwise.
fn licence_file(s: &Source) -> String {
    if s.license == "Apache-2.0" {
        "LICENSES/Apache-2.0.txt".into()
    } else {
        format!("LICENSES/{}-{}", s.license, s.repo.replace('/', "-"))
    }
}

#[test]
fn every_copied_file_is_listed_with_a_permissive_licence() {
    let root = Path::new(CORPUS);
    let rows = sources(root);
    let listed: BTreeSet<String> = rows.iter().map(|s| s.local_file.clone()).collect();
    assert_eq!(listed.len(), rows.len(), "a file is listed twice");
    let mut on_disk = files_under(root);
    on_disk.remove("README.md");
    on_disk.remove("SOURCES.tsv");
    let licences: BTreeSet<String> = on_disk
        .iter()
        .filter(|f| f.starts_with("LICENSES/"))
        .cloned()
        .collect();
    on_disk.retain(|f| !f.starts_with("LICENSES/"));
    assert_eq!(
        on_disk.difference(&listed).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "files in {CORPUS} that SOURCES.tsv does not list"
    );
    assert_eq!(
        listed.difference(&on_disk).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "SOURCES.tsv rows without their file"
    );
    let mut used = BTreeSet::new();
    for s in &rows {
        assert!(
            PERMISSIVE.contains(&s.license.as_str()),
            "{}: licence {:?} is not known to allow copying; keep it in the shared corpus \
             behind the opt-in",
            s.local_file,
            s.license
        );
        assert!(
            s.commit.len() == 40 && s.commit.bytes().all(|b| b.is_ascii_hexdigit()),
            "{}: commit {:?}",
            s.local_file,
            s.commit
        );
        assert!(
            s.repo.contains('/') && !s.path.is_empty(),
            "{}: {s:?}",
            s.local_file
        );
        let licence = licence_file(s);
        assert!(
            licences.contains(&licence),
            "{}: {licence} is missing",
            s.local_file
        );
        used.insert(licence);
        let notice = format!("LICENSES/NOTICE-{}", s.repo.replace('/', "-"));
        if licences.contains(&notice) {
            used.insert(notice);
        }
    }
    assert_eq!(
        licences.difference(&used).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "licence files no copied file needs"
    );
}

#[test]
fn copies_match_the_shared_corpus_opt_in() {
    let Some(shared) =
        shared_corpus("comparing every copied file and its SOURCES.tsv row with the original")
    else {
        return;
    };
    let originals = sources(&shared);
    for s in sources(Path::new(CORPUS)) {
        let original = originals
            .iter()
            .find(|o| o.local_file == s.local_file)
            .unwrap_or_else(|| panic!("{} is not in the shared corpus", s.local_file));
        assert_eq!(&s, original, "{}", s.local_file);
        let copy = std::fs::read(Path::new(CORPUS).join(&s.local_file)).unwrap();
        let from = std::fs::read(shared.join(&s.local_file)).unwrap();
        assert!(copy == from, "{} differs from the original", s.local_file);
    }
}

//! Which context files can matter to the named files' findings, decided from their bytes
//! before they are parsed: pre-commit names a few files of a project that may hold tens of
//! thousands, and parsing every one for the index costs seconds.
//!
//! The index resolves only the named objects' namespaces (`Index::build_around`), and a
//! reference never leaves its namespace, so a context file can matter only when it holds
//! an object of one of them. An object of namespace `ns` other than `default` has `ns`
//! written in its file (kustomize's `namespace:` is applied before: those files are not
//! filtered here), so a file without those bytes is not parsed. Objects of `default` need
//! not say so; for them the file must name what the named objects relate to: their names,
//! the workloads autoscalers and VPAs target, the label values PDB selectors require. PDBs
//! are always read there (any of them may select a named workload by a selector that names
//! nothing, `{}` or `Exists`), as are sentinel configs for a named Redis server and every
//! file beside a named one (files side by side relate across namespaces). When that is not
//! enough to decide a finding (a target found nowhere, which `hpa-target-not-found` judges
//! against every workload of the namespace, or a PDB selector without a required value),
//! [`Wanted::complete`] says to read every file after all.
//!
//! Bytes are compared, not parsed values: a name written with escapes (`"\u0061pi"`) is
//! not recognised. With pre-commit's cache on disk (`disk_cache`), a file's [`Summary`] (the
//! words of its values, in a Bloom filter) stands for its bytes, so a file that did not
//! change is not read again to be decided on. What this leaves out that the whole project would give: objects of
//! other namespaces, which only tell apart variant folders (`index::Folders`) when their
//! copies are the only ones two folders share.

use crate::kube::{self, Key, Kind};
use crate::model::pack::Head;
use crate::model::{Format, Object, folder};
use std::collections::HashSet;

/// The bytes a context file must hold to be parsed.
#[derive(Debug, Default)]
pub(super) struct Wanted {
    /// Namespaces of the named objects other than `default` (and the empty namespace of
    /// files that are not Kubernetes objects).
    namespaces: HashSet<String>,
    /// For objects of `default`: the names to look for; `None` when no named object is
    /// in `default`.
    tokens: Option<HashSet<String>>,
    /// What the named objects of `default` target: when one is found nowhere,
    /// `hpa-target-not-found` judges it against every workload of the namespace.
    targets: Vec<Key>,
    /// A named PDB of `default` selects by no required value (`{}`, `Exists`, `NotIn`): the
    /// workloads it selects name nothing it says.
    selects_unnamed: bool,
    /// A named Redis server: sentinel configs (any namespace's) may cover it.
    sentinels: bool,
    /// The folders (of shown paths) of the named files.
    dirs: HashSet<String>,
}

impl Wanted {
    /// What the named files' objects (`named`, from the files shown at `paths`) need.
    pub(super) fn of<'a>(
        named: impl IntoIterator<Item = &'a Object>,
        paths: impl IntoIterator<Item = &'a str>,
    ) -> Wanted {
        let mut w = Wanted {
            dirs: paths.into_iter().map(|p| folder(p).to_string()).collect(),
            ..Wanted::default()
        };
        for o in named {
            w.sentinels |= o.format == Format::Redis;
            if o.namespace == "default" {
                let t = w.tokens.get_or_insert_with(HashSet::new);
                t.extend(o.name.clone());
                let targets = references(o);
                t.extend(targets.iter().map(|k| k.name.clone()));
                w.targets.extend(targets);
                if let Some(p) = kube::Pdb::of(o) {
                    match p.selector().required_values() {
                        Some((_, values)) => t.extend(values.iter().cloned()),
                        None => w.selects_unnamed = true,
                    }
                }
            } else if !o.namespace.is_empty() {
                w.namespaces.insert(o.namespace.clone());
            }
        }
        w
    }

    /// Whether the context file shown as `shown`, with this text, is to be parsed.
    pub(super) fn keeps(&self, shown: &str, text: &str) -> bool {
        self.keeps_with(shown, text.contains("sentinel"), |s| text.contains(s))
    }

    /// Whether the context file shown as `shown`, of which only its [`Summary`] is known, is
    /// to be parsed. Words, not bytes, are compared: a name the file gives is a whole word
    /// of it (see [`Summary`]), so this keeps every file [`Wanted::keeps`] keeps that can
    /// matter, and a few more (the filter's false positives).
    pub(super) fn keeps_summary(&self, shown: &str, summary: SummaryRef<'_>) -> bool {
        summary.indexed && self.keeps_with(shown, summary.sentinel, |s| summary.has_word(s))
    }

    fn keeps_with(&self, shown: &str, sentinel: bool, has: impl Fn(&str) -> bool) -> bool {
        self.dirs.contains(folder(shown))
            || self.namespaces.iter().any(|ns| has(ns))
            || (self.sentinels && sentinel)
            || self.tokens.as_ref().is_some_and(|tokens| {
                // An empty token (a label value "") is in every file.
                has(Kind::PodDisruptionBudget.name()) || tokens.iter().any(|t| has(t))
            })
    }

    /// Whether the files left unparsed must be read after all, given every object parsed
    /// (`seen`): a named object of `default` depends on objects it does not name.
    pub(super) fn complete<'a>(&self, seen: impl IntoIterator<Item = Head<'a>>) -> bool {
        if self.selects_unnamed {
            return true;
        }
        if self.targets.is_empty() {
            return false;
        }
        let present: HashSet<Key> = seen
            .into_iter()
            .filter(|o| o.namespace == "default")
            .filter_map(|o| {
                Some(Key {
                    namespace: o.namespace.to_string(),
                    kind: o.kind.to_string(),
                    name: o.name?.to_string(),
                })
            })
            .collect();
        self.targets.iter().any(|t| !present.contains(t))
    }
}

/// What the prefilter needs of a file, small enough for pre-commit's cache on disk to keep
/// for every file of a project (`disk_cache`): whether it can hold an indexed object at all,
/// whether it says `sentinel`, and a Bloom filter of its words. A word is a longest run of
/// bytes that can be part of a name, a namespace or a label value (`[A-Za-z0-9_.-]`, and
/// any non-ASCII byte): in YAML or JSON such a value is always delimited by something else
/// (a quote, a space, `:`, `,`, a bracket, a line break), so the value a relation compares
/// is a whole word of the file. The filter answers "maybe" for every word the file has (no
/// false negatives) and for about 1 % of the others.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Summary {
    pub(super) indexed: bool,
    sentinel: bool,
    /// Bits, a power of two of them (at least 64); 3 per word.
    bloom: Vec<u8>,
}

/// A [`Summary`] as the cache on disk reads it, in place.
#[derive(Clone, Copy, Debug, PartialEq, bincode::Encode, bincode::BorrowDecode)]
pub(super) struct SummaryRef<'a> {
    pub(super) indexed: bool,
    sentinel: bool,
    bloom: &'a [u8],
}

/// Bits per word hashed (each occurrence: counting distinct words first costs more than the
/// filter saves); a file says most values more than once, so this is about 10 bits or more
/// per distinct word, about 1 % false positives with 3 probes.
const BITS_PER_WORD: usize = 6;
/// The largest filter, 2^21 bits (256 KiB): the three probes are 21-bit slices of one hash.
const MAX_BITS: usize = 1 << 21;

impl Summary {
    pub(super) fn of(text: &str) -> Summary {
        let sentinel = text.contains("sentinel");
        let indexed = sentinel || names_an_indexed_kind(text);
        if !indexed {
            return Summary::default();
        }
        let hashes = word_hashes(text.as_bytes());
        let bits = (hashes.len() * BITS_PER_WORD)
            .next_power_of_two()
            .clamp(64, MAX_BITS);
        let mut bloom = vec![0u8; bits / 8];
        for h in hashes {
            for bit in probes(h, bits) {
                if let Some(b) = bloom.get_mut(bit / 8) {
                    *b |= 1 << (bit % 8);
                }
            }
        }
        Summary {
            indexed,
            sentinel,
            bloom,
        }
    }

    pub(super) fn as_ref(&self) -> SummaryRef<'_> {
        SummaryRef {
            indexed: self.indexed,
            sentinel: self.sentinel,
            bloom: &self.bloom,
        }
    }
}

impl SummaryRef<'_> {
    /// Whether the file may have `word` as a whole word. A token that is not one word
    /// (empty, or with a byte no word has) may be in any file.
    fn has_word(&self, word: &str) -> bool {
        if word.is_empty() || !word.bytes().all(is_word_byte) {
            return true;
        }
        let bits = self.bloom.len() * 8;
        // Not a power of two: not a filter this build wrote.
        !bits.is_power_of_two()
            || probes(word_hash(word), bits).all(|bit| {
                self.bloom
                    .get(bit / 8)
                    .is_some_and(|b| b & (1 << (bit % 8)) != 0)
            })
    }
}

/// Whether a context file's text can hold an object the index relates (or a sentinel
/// config, checked apart): files that cannot are never parsed for context.
pub(super) fn can_matter(text: &str) -> bool {
    // A ConfigMap's sentinel.conf covers the Redis servers of its namespace.
    text.contains("sentinel") || names_an_indexed_kind(text)
}

fn names_an_indexed_kind(text: &str) -> bool {
    Kind::INDEXED.iter().any(|k| text.contains(k.name()))
}

const fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-') || !b.is_ascii()
}

/// [`is_word_byte`] of every byte: the scan over every file's bytes looks it up.
const WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = is_word_byte(b as u8);
        b += 1;
    }
    t
};

/// The hash of each word of `bytes` (see [`Summary`]) but keys: a word followed by `:`
/// (`name:`, `app:` in `{app: web}`) is a key, or part of a value no name can be
/// (`image: web:1`), and the prefilter only looks for names, namespaces, kinds and label
/// values. A project's every YAML file goes through this when the cache is made.
fn word_hashes(bytes: &[u8]) -> Vec<u64> {
    let is_word = |b: &u8| WORD_BYTE[usize::from(*b)];
    let mut out = Vec::with_capacity(bytes.len() / 16);
    let mut rest = bytes;
    while let Some(start) = rest.iter().position(is_word) {
        let word_on = rest.get(start..).unwrap_or_default();
        let len = word_on
            .iter()
            .position(|b| !is_word(b))
            .unwrap_or(word_on.len());
        let (word, after) = word_on.split_at(len);
        if after.first() != Some(&b':') {
            out.push(hash_bytes(word));
        }
        rest = after;
    }
    out
}

/// The hash of one word: the same in every run of one build (the cache is never read by
/// another). Words are short: a multiply per 8 bytes, then the bits mixed (the finaliser
/// of MurmurHash3), since the probes take three slices of all 64.
fn hash_bytes(word: &[u8]) -> u64 {
    let mut h = (word.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5ca1_e11e;
    for chunk in word.chunks(8) {
        let mut buf = [0u8; 8];
        if let Some(b) = buf.get_mut(..chunk.len()) {
            b.copy_from_slice(chunk);
        }
        h = (h ^ u64::from_le_bytes(buf)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 32;
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

fn word_hash(word: &str) -> u64 {
    hash_bytes(word.as_bytes())
}

/// The three bits of a filter of `bits` bits (a power of two, at most [`MAX_BITS`]: a
/// longer filter only uses its first `MAX_BITS`) for a hash.
fn probes(h: u64, bits: usize) -> impl Iterator<Item = usize> {
    (0..3).map(move |i| ((h >> (21 * i)) as usize) & (bits.min(MAX_BITS) - 1))
}

/// The objects `o` refers to by name: an autoscaler's or a VPA's target.
fn references(o: &Object) -> Vec<Key> {
    let mut out = Vec::new();
    if let Some(a) = kube::Autoscaler::of(o)
        && let Some(t) = a.scale_target_ref()
    {
        out.push(t.key);
    }
    if let Some(v) = kube::Vpa::of(o)
        && let Some(t) = v.target_ref()
    {
        out.push(t.key);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(text: &str) -> Vec<Object> {
        crate::sources::load(
            0,
            "named.yaml".into(),
            text.into(),
            crate::sources::classify::Kind::Yaml,
        )
        .objects
    }

    const HPA: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  scaleTargetRef:\n    kind: Deployment\n    name: web-api\n  maxReplicas: 3\n";

    #[test]
    fn a_named_namespace_keeps_the_files_that_say_it() {
        let named = objects(HPA);
        let w = Wanted::of(&named, ["deploy/hpa.yaml"]);
        assert!(w.keeps("other/d.yaml", "metadata:\n  namespace: shop\n"));
        assert!(!w.keeps("other/d.yaml", "metadata:\n  name: web-api\n"));
        // Beside a named file: kept whatever it says.
        assert!(w.keeps("deploy/d.yaml", "kind: PodDisruptionBudget\n"));
        assert!(!w.complete(std::iter::empty()));
    }

    #[test]
    fn the_default_namespace_keeps_names_targets_and_pdbs() {
        let named = objects(&HPA.replace("  namespace: shop\n", ""));
        let w = Wanted::of(&named, ["hpa.yaml"]);
        assert!(w.keeps("a/d.yaml", "metadata:\n  name: web-api\n"));
        assert!(w.keeps("a/p.yaml", "kind: PodDisruptionBudget\n"));
        assert!(!w.keeps("a/x.yaml", "kind: Deployment\nmetadata:\n  name: other\n"));
        // The target was not found: every workload of the namespace is needed.
        assert!(w.complete(named.iter().map(Head::of)));
        let target = objects("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-api\n");
        assert!(!w.complete(target.iter().map(Head::of)));
    }

    #[test]
    fn a_summary_keeps_what_the_bytes_keep_when_it_can_matter() {
        let named = objects(HPA);
        let w = Wanted::of(&named, ["deploy/hpa.yaml"]);
        let s = |text: &str| Summary::of(text);
        let shop = s("kind: Deployment\nmetadata:\n  namespace: shop\n");
        assert!(w.keeps_summary("other/d.yaml", shop.as_ref()));
        // A longer word is another name (the bytes would have kept it).
        let shopping = s("kind: Deployment\nmetadata:\n  namespace: shopping\n");
        assert!(w.keeps(
            "other/d.yaml",
            "kind: Deployment\nmetadata:\n  namespace: shopping\n"
        ));
        assert!(!w.keeps_summary("other/d.yaml", shopping.as_ref()));
        // Quoted, in flow style, in JSON: still a word.
        for text in [
            "kind: Deployment\nmetadata: {namespace: \"shop\"}\n",
            "{\"kind\":\"Deployment\",\"metadata\":{\"namespace\":'shop'}}",
        ] {
            assert!(w.keeps_summary("other/d.yaml", s(text).as_ref()), "{text}");
        }
        // Nothing indexed: never parsed.
        assert!(!w.keeps_summary("deploy/x.yaml", s("namespace: shop\n").as_ref()));
        assert!(w.keeps_summary("deploy/d.yaml", s("kind: PodDisruptionBudget\n").as_ref()));
    }

    #[test]
    fn a_summary_has_every_word_of_real_files() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
        let mut checked = 0;
        let mut absent = 0;
        let mut said = 0;
        for entry in walk(std::path::Path::new(dir)) {
            let Ok(text) = std::fs::read_to_string(&entry) else {
                continue;
            };
            let owned = Summary::of(&text);
            let summary = owned.as_ref();
            if !summary.indexed {
                continue;
            }
            // Every value of the file's objects (keys are not looked for).
            for o in crate::sources::load(
                0,
                "x.yaml".into(),
                text.clone(),
                crate::sources::classify::Kind::Yaml,
            )
            .objects
            {
                let mut values = Vec::new();
                scalars(&o.root, &mut values);
                for w in values.iter().filter(|w| w.bytes().all(is_word_byte)) {
                    assert!(summary.has_word(w), "{}: {w}", entry.display());
                    checked += 1;
                }
            }
            for i in 0..200 {
                let w = format!("absent-{i}-word");
                absent += 1;
                said += usize::from(summary.has_word(&w));
            }
        }
        assert!(checked > 1000, "{checked}");
        // About 1 % false positives; 5 % would mean the filter is too small.
        assert!(said * 20 < absent, "{said} of {absent}");
    }

    fn scalars(node: &crate::model::Node, out: &mut Vec<String>) {
        use crate::model::Value;
        match &node.value {
            Value::Scalar(s) => out.push(s.text.to_string()),
            Value::Seq(items) => items.iter().for_each(|i| scalars(i, out)),
            Value::Map(entries) => entries.iter().for_each(|e| scalars(&e.value, out)),
        }
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn a_pdb_without_a_required_value_needs_everything() {
        let pdb = |selector: &str| {
            objects(&format!(
                "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\nspec:\n  maxUnavailable: 1\n  selector: {selector}\n"
            ))
        };
        let some = pdb("{matchLabels: {app: web}}");
        let w = Wanted::of(&some, ["p.yaml"]);
        assert!(w.keeps("a/d.yaml", "labels: {app: web}"));
        assert!(!w.complete(std::iter::empty()));
        let all = pdb("{}");
        assert!(Wanted::of(&all, ["p.yaml"]).complete(std::iter::empty()));
    }
}

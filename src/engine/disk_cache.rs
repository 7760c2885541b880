//! Pre-commit's cache on disk, `<project root>/.scalelint_cache/`: what a run that names a
//! few files needs of the project's other files, kept between runs. Without it every run
//! walks the project and reads every YAML file in it (`prefilter` decides from their bytes
//! which to parse); with it, a run stats the folders and files and reads nothing that did
//! not change.
//!
//! Kept, for one project root, one build of scalelint and one `exclude`:
//! - the walk (the YAML files found, with their paths as shown from one current folder),
//!   trusted while every folder it went through has its modification time, and every
//!   ignore file it honoured (`.gitignore`, `.ignore`, git's excludes) its length and time:
//!   creating, deleting or renaming a file changes its folder's time;
//! - per context file, by path, length and modification time: its [`Summary`] (what the
//!   prefilter decides from) and, once it has been parsed, its objects' projections.
//!
//! A stamp made less than a second before the run started is not kept (a file written
//! twice within the file system's clock tick keeps its time: git's "racy" case). The file
//! carries a checksum of its index and of each projection; one that does not check, or
//! that another build or configuration wrote, is ignored and written again. Nothing here
//! is an error: a cache that cannot be read or written is a slower run.

use super::prefilter::{Summary, SummaryRef};
use crate::model::Object;
use bincode::{BorrowDecode, Encode};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// The cache's folder, at the project root.
pub const DIR: &str = ".scalelint_cache";
/// The file in it (its layout's version in its name).
const FILE: &str = "context-v1.bin";
const MAGIC: &[u8; 8] = b"SCLCTX01";
/// Time stamps this close to the run's start may hide a later write (see the module doc).
const RACY: Duration = Duration::from_secs(1);

/// A file's length and modification time (nanoseconds since the epoch).
pub(super) type Stamp = (u64, i128);

/// The index of the cache file, read in place: paths and filters are slices of the file's
/// bytes, so reading the cache of a 30,000-file project allocates a vector per list.
#[derive(Encode, BorrowDecode)]
struct Index<'a> {
    /// The current folder the shown paths were made from.
    cwd: &'a str,
    /// Every folder walked (relative to the root, `""` for it), with its modification time.
    dirs: Vec<(&'a str, i128)>,
    /// The ignore files that applied: each with its stamp, `None` when it did not exist.
    ignores: Vec<(&'a str, Option<Stamp>)>,
    /// The YAML files found, sorted by path.
    files: Vec<File<'a>>,
}

#[derive(Clone, Copy, Encode, BorrowDecode)]
struct File<'a> {
    /// Relative to the root.
    path: &'a str,
    shown: &'a str,
    known: Option<Known<'a>>,
}

/// What a run learnt of a file.
#[derive(Clone, Copy, Encode, BorrowDecode)]
struct Known<'a> {
    stamp: Stamp,
    summary: SummaryRef<'a>,
    /// Where its projections are among the file's blobs (offset, length, checksum).
    blob: Option<(u64, u64, u64)>,
}

/// What a run learnt of a file, to keep.
struct Fresh {
    stamp: Stamp,
    summary: Summary,
    objects: Option<Vec<u8>>,
}

/// A walk made by this run, to keep.
struct Walk {
    dirs: Vec<(String, i128)>,
    ignores: Vec<(String, Option<Stamp>)>,
    files: Vec<(String, String)>,
}

/// A walk to write: its folders, ignore files and files (path and path as shown).
type WalkRefs<'w> = (
    Vec<(&'w str, i128)>,
    Vec<(&'w str, Option<Stamp>)>,
    Vec<(&'w str, &'w str)>,
);

/// A cached file as a run finds it.
pub(super) struct Cached<'a> {
    pub(super) summary: SummaryRef<'a>,
    blob: Option<(u64, u64, u64)>,
}

/// The cache file's bytes, read before a run (see [`DiskCache::open`]).
pub(super) fn read(root: &Path) -> Vec<u8> {
    std::fs::read(root.join(DIR).join(FILE)).unwrap_or_default()
}

/// The cache of one run, over the bytes of the file as it was (see the module doc).
pub struct DiskCache<'a> {
    root: &'a Path,
    key: u64,
    /// Stamps from this time on are racy.
    racy_from: i128,
    cwd: String,
    /// The file read at the start: its index and its blobs, if it could be trusted.
    old: Option<(Index<'a>, &'a [u8])>,
    /// The walk of this run, when it was walked again.
    walk: Mutex<Option<Walk>>,
    fresh: Mutex<HashMap<String, Fresh, foldhash::fast::RandomState>>,
}

impl std::fmt::Debug for DiskCache<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DiskCache({})", self.root.display())
    }
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(0xcac4e).build_hasher();
    h.write(bytes);
    h.finish()
}

fn config() -> impl bincode::config::Config {
    // The limit bounds what a damaged length could make the decoder allocate.
    bincode::config::standard().with_limit::<{ 1 << 30 }>()
}

/// Nanoseconds since the epoch (negative before it).
fn nanos(t: SystemTime) -> i128 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// The stamp of a file of `len` bytes modified at `time`.
pub(super) fn stamp(len: u64, time: SystemTime) -> Stamp {
    (len, nanos(time))
}

/// The stamp of the file or folder `meta` describes, if its time can be read.
pub(super) fn stamp_of(meta: &std::fs::Metadata) -> Option<Stamp> {
    Some(stamp(meta.len(), meta.modified().ok()?))
}

/// What the cache depends on besides the root: this build of scalelint (its version and
/// its executable's length and time, so a rebuilt binary never trusts an older one's
/// projections) and the `exclude` that shaped the walk.
fn key_of(root: &Path, exclude: Option<&str>) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(0x5ca1e).build_hasher();
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    h.write(MAGIC);
    if let Some((len, time)) = std::env::current_exe()
        .ok()
        .and_then(|exe| std::fs::metadata(exe).ok())
        .and_then(|m| stamp_of(&m))
    {
        h.write_u64(len);
        h.write_i128(time);
    }
    h.write(root.as_os_str().as_encoded_bytes());
    h.write_u8(0);
    h.write(exclude.unwrap_or("").as_bytes());
    h.finish()
}

impl<'a> DiskCache<'a> {
    /// The cache of the project at `root` over `bytes`, the cache file as [`read`] (none
    /// when it cannot be trusted), for a run that started at `started` from `cwd`.
    pub(super) fn open(
        root: &'a Path,
        cwd: &Path,
        exclude: Option<&str>,
        started: SystemTime,
        bytes: &'a [u8],
    ) -> DiskCache<'a> {
        let key = key_of(root, exclude);
        DiskCache {
            root,
            key,
            racy_from: nanos(started) - RACY.as_nanos() as i128,
            cwd: cwd.to_string_lossy().into_owned(),
            old: Self::parse(bytes, key),
            walk: Mutex::new(None),
            fresh: Mutex::new(HashMap::default()),
        }
    }

    /// Header: magic, key, index length, index checksum; then the index, then the blobs.
    fn parse(bytes: &'a [u8], key: u64) -> Option<(Index<'a>, &'a [u8])> {
        let word = |i: usize| -> Option<u64> {
            let b: [u8; 8] = bytes.get(8 * i..8 * i + 8)?.try_into().ok()?;
            Some(u64::from_le_bytes(b))
        };
        if bytes.get(..8)? != MAGIC || word(1)? != key {
            return None;
        }
        let len = usize::try_from(word(2)?).ok()?;
        let end = 32usize.checked_add(len)?;
        let index = bytes.get(32..end)?;
        if checksum(index) != word(3)? {
            return None;
        }
        let (index, _): (Index<'a>, usize) =
            bincode::borrow_decode_from_slice(index, config()).ok()?;
        Some((index, bytes.get(end..)?))
    }

    fn racy(&self, stamp: Stamp) -> bool {
        stamp.1 >= self.racy_from
    }

    /// `path` (found under the root, so spelt with it) relative to the root, as the cache
    /// keeps it. Bytes, not components: this is done for every file of the project.
    fn relative<'p>(&self, path: &'p Path) -> Option<&'p str> {
        let root = self.root.to_str()?;
        let rest = path.to_str()?.strip_prefix(root)?;
        if root.ends_with('/') {
            return Some(rest);
        }
        match rest.strip_prefix('/') {
            Some(rel) => Some(rel),
            None => rest.is_empty().then_some(""),
        }
    }

    /// The project's YAML files (path and path as shown) as walked before, if nothing the
    /// walk depends on changed since.
    pub(super) fn walked(&self) -> Option<Vec<(PathBuf, String)>> {
        let (index, _) = self.old.as_ref()?;
        if index.cwd != self.cwd || index.dirs.is_empty() {
            return None;
        }
        let dirs_unchanged = index.dirs.par_iter().all(|(dir, time)| {
            std::fs::metadata(self.root.join(dir))
                .ok()
                .and_then(|m| m.modified().ok())
                .is_some_and(|t| nanos(t) == *time)
        });
        let ignores_unchanged = index
            .ignores
            .iter()
            .all(|(file, stamp)| std::fs::metadata(file).ok().and_then(|m| stamp_of(&m)) == *stamp);
        (dirs_unchanged && ignores_unchanged).then(|| {
            index
                .files
                .iter()
                .map(|f| (self.root.join(f.path), f.shown.to_string()))
                .collect()
        })
    }

    /// Keeps this run's walk: the files found, the folders walked and the ignore files that
    /// applied. Not trusted by the next run when a folder or ignore file changed in the last
    /// second (as it was walked, maybe); the files' entries are kept all the same.
    pub(super) fn walked_now(
        &self,
        files: &[(PathBuf, String)],
        dirs: Vec<PathBuf>,
        ignores: Vec<PathBuf>,
    ) {
        let dirs: Option<Vec<(String, i128)>> = dirs
            .into_par_iter()
            .map(|d| {
                let time = nanos(std::fs::metadata(&d).ok()?.modified().ok()?);
                let rel = self.relative(&d)?.to_string();
                (time < self.racy_from).then_some((rel, time))
            })
            .collect();
        let ignores = ignores
            .into_iter()
            .map(|f| {
                let stamp = std::fs::metadata(&f).ok().and_then(|m| stamp_of(&m));
                (f.to_string_lossy().into_owned(), stamp)
            })
            .collect::<Vec<_>>();
        let racy = ignores.iter().any(|(_, s)| s.is_some_and(|s| self.racy(s)));
        // No folder: a walk not to trust.
        let dirs = dirs.filter(|_| !racy).unwrap_or_default();
        let files: Option<Vec<(String, String)>> = files
            .iter()
            .map(|(p, shown)| Some((self.relative(p)?.to_string(), shown.clone())))
            .collect();
        if let (Some(files), Ok(mut kept)) = (files, self.walk.lock()) {
            *kept = Some(Walk {
                dirs,
                ignores,
                files,
            });
        }
    }

    /// The file at `path` as cached, if its stamp is still what `stamp` gives (called only
    /// when the file is in the cache: a file the cache does not know is not stat'ed twice).
    pub(super) fn get(
        &self,
        path: &Path,
        stamp: impl FnOnce() -> Option<Stamp>,
    ) -> Option<Cached<'a>> {
        let (index, _) = self.old.as_ref()?;
        let rel = self.relative(path)?;
        let at = index.files.binary_search_by(|f| f.path.cmp(rel)).ok()?;
        let known = index.files.get(at)?.known?;
        (Some(known.stamp) == stamp()).then_some(Cached {
            summary: known.summary,
            blob: known.blob,
        })
    }

    /// The projections a cached file had when parsed (`None` when it never was, or they
    /// do not check), as objects of file `id`.
    pub(super) fn objects(&self, cached: &Cached<'_>, id: usize) -> Option<Vec<Object>> {
        let (_, blobs) = self.old.as_ref()?;
        let blob = blob_at(blobs, cached.blob?)?;
        let (mut objects, _): (Vec<Object>, usize) =
            bincode::decode_from_slice(blob, config()).ok()?;
        for o in &mut objects {
            o.file = id;
        }
        Some(objects)
    }

    /// Keeps what this run learnt of the file at `path`: its summary and, when it was
    /// parsed, its projections.
    pub(super) fn put(
        &self,
        path: &Path,
        stamp: Stamp,
        summary: Summary,
        objects: Option<&[Object]>,
    ) {
        let Some(path) = self.relative(path).filter(|_| !self.racy(stamp)) else {
            return;
        };
        let objects = objects.and_then(|o| bincode::encode_to_vec(o, config()).ok());
        if let Ok(mut fresh) = self.fresh.lock() {
            fresh.insert(
                path.to_string(),
                Fresh {
                    stamp,
                    summary,
                    objects,
                },
            );
        }
    }

    /// Writes the cache when this run learnt something: the walk (new, or kept), each file
    /// of it with what this run learnt of it, else what was kept of it (files no longer
    /// found are dropped).
    pub(super) fn save(self) {
        let walk = self.walk.into_inner().unwrap_or_else(|e| e.into_inner());
        let fresh = self.fresh.into_inner().unwrap_or_else(|e| e.into_inner());
        if walk.is_none() && fresh.is_empty() {
            return;
        }
        // What was known of each file stays whatever the current folder was (paths are
        // kept from the root); the walk's shown paths only hold for its own.
        let (old, blobs) = match self.old {
            Some((index, blobs)) => (Some(index), blobs),
            None => (None, &[][..]),
        };
        // This run's walk, else the one it trusted.
        let (dirs, ignores, paths): WalkRefs<'_> =
            match (&walk, old.as_ref().filter(|o| o.cwd == self.cwd)) {
                (Some(w), _) => (
                    w.dirs.iter().map(|(d, t)| (d.as_str(), *t)).collect(),
                    w.ignores.iter().map(|(f, s)| (f.as_str(), *s)).collect(),
                    w.files
                        .iter()
                        .map(|(p, s)| (p.as_str(), s.as_str()))
                        .collect(),
                ),
                (None, Some(old)) => (
                    old.dirs.clone(),
                    old.ignores.clone(),
                    old.files.iter().map(|f| (f.path, f.shown)).collect(),
                ),
                (None, None) => return,
            };
        let old_files: HashMap<&str, &File<'_>> = old
            .iter()
            .flat_map(|i| i.files.iter())
            .map(|f| (f.path, f))
            .collect();
        let mut out_blobs: Vec<u8> = Vec::new();
        let mut add_blob = |bytes: &[u8]| {
            let at = (out_blobs.len() as u64, bytes.len() as u64, checksum(bytes));
            out_blobs.extend_from_slice(bytes);
            at
        };
        let mut files: Vec<File<'_>> = Vec::with_capacity(paths.len());
        for (path, shown) in paths {
            let known = match (fresh.get(path), old_files.get(path).and_then(|f| f.known)) {
                (Some(f), _) => Some(Known {
                    stamp: f.stamp,
                    summary: f.summary.as_ref(),
                    blob: f.objects.as_deref().map(&mut add_blob),
                }),
                (None, Some(k)) => Some(Known {
                    blob: k.blob.and_then(|b| blob_at(blobs, b)).map(&mut add_blob),
                    ..k
                }),
                (None, None) => None,
            };
            files.push(File { path, shown, known });
        }
        files.sort_unstable_by(|a, b| a.path.cmp(b.path));
        let index = Index {
            cwd: &self.cwd,
            dirs,
            ignores,
            files,
        };
        let Ok(index) = bincode::encode_to_vec(&index, config()) else {
            return;
        };
        let mut out = Vec::with_capacity(32 + index.len() + out_blobs.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.key.to_le_bytes());
        out.extend_from_slice(&(index.len() as u64).to_le_bytes());
        out.extend_from_slice(&checksum(&index).to_le_bytes());
        out.extend_from_slice(&index);
        out.extend_from_slice(&out_blobs);
        let _ = write(&self.root.join(DIR), &out);
    }
}

/// The blob at `(offset, length, checksum)` among `blobs`, if it is there and checks.
fn blob_at(blobs: &[u8], (off, len, sum): (u64, u64, u64)) -> Option<&[u8]> {
    let start = usize::try_from(off).ok()?;
    let blob = blobs.get(start..start.checked_add(usize::try_from(len).ok()?)?)?;
    (checksum(blob) == sum).then_some(blob)
}

/// Writes the cache file whole (a temporary file renamed over it: a reader sees the old
/// or the new one), creating the folder with a `.gitignore` that ignores it, as ruff does.
fn write(dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, "# Automatically created by scalelint.\n*\n")?;
        // Backup and archiving tools skip folders tagged so (https://bford.info/cachedir/).
        std::fs::write(
            dir.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by scalelint.\n",
        )?;
    }
    let tmp = dir.join(format!("{FILE}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, dir.join(FILE)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(text: &str) -> Vec<Object> {
        crate::sources::load(
            3,
            "x.yaml".into(),
            text.into(),
            crate::sources::classify::Kind::Yaml,
        )
        .objects
        .into_iter()
        .map(super::super::projection::project)
        .collect()
    }

    const TEXT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 2\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: a\n        resources: {requests: {cpu: 100m}, limits: {cpu: \"1\"}}\n---\nkind: PodDisruptionBudget\n";

    /// A cache at `root` holding `d.yaml` (stamped `old`) with its projections.
    fn saved(root: &Path, old: Stamp) {
        let started = SystemTime::now();
        let cache = DiskCache::open(root, root, None, started, &[]);
        let file = root.join("d.yaml");
        cache.walked_now(
            &[(file.clone(), "d.yaml".into())],
            vec![root.to_path_buf()],
            vec![],
        );
        cache.put(&file, old, Summary::of(TEXT), Some(&objects(TEXT)));
        // Racy: not kept.
        cache.put(
            &root.join("new.yaml"),
            (3, nanos(started)),
            Summary::default(),
            None,
        );
        cache.save();
    }

    #[test]
    fn projections_come_back_as_they_were_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let file = root.join("d.yaml");
        let old = (3, nanos(SystemTime::now()) - 10_000_000_000);
        saved(root, old);
        assert!(root.join(DIR).join(".gitignore").is_file());
        let bytes = read(root);
        let now = SystemTime::now();
        let cache = DiskCache::open(root, root, None, now, &bytes);
        // The root's time is racy (the cache folder was just made in it): walked again.
        assert!(cache.walked().is_none());
        assert!(cache.get(&file, || Some((4, old.1))).is_none());
        assert!(
            cache
                .get(&root.join("new.yaml"), || Some((3, old.1)))
                .is_none()
        );
        let cached = cache.get(&file, || Some(old)).unwrap();
        assert_eq!(cached.summary, Summary::of(TEXT).as_ref());
        let back = cache.objects(&cached, 7).unwrap();
        let kept = objects(TEXT);
        assert_eq!(back.len(), kept.len());
        for (b, k) in back.iter().zip(&kept) {
            assert_eq!(b.file, 7);
            assert_eq!(
                (&b.root, &b.kind, &b.namespace, &b.name),
                (&k.root, &k.kind, &k.namespace, &k.name)
            );
            assert_eq!(b.anchor_span(), k.anchor_span());
        }
        // Another configuration: nothing is trusted.
        let other = DiskCache::open(root, root, Some("vendor/"), now, &bytes);
        assert!(other.get(&file, || Some(old)).is_none());
        // From another folder: the walk is made again (its shown paths differ), and what
        // was known of each file is still known, and kept.
        let sub = root.join("sub");
        let elsewhere = DiskCache::open(root, &sub, None, now, &bytes);
        assert!(elsewhere.walked().is_none());
        assert!(elsewhere.get(&file, || Some(old)).is_some());
        elsewhere.walked_now(&[(file.clone(), "../d.yaml".into())], vec![], vec![]);
        elsewhere.save();
        let bytes = read(root);
        let back = DiskCache::open(root, root, None, SystemTime::now(), &bytes);
        let cached = back.get(&file, || Some(old)).unwrap();
        assert_eq!(back.objects(&cached, 0).map(|o| o.len()), Some(kept.len()));
    }

    #[test]
    fn a_walk_is_trusted_while_its_folders_and_ignore_files_keep_their_times() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join(".gitignore"), "x\n").unwrap();
        let past = SystemTime::now() - Duration::from_secs(60);
        let age = |p: &Path| {
            std::fs::File::open(p).unwrap().set_modified(past).unwrap();
        };
        let files = vec![(root.join("sub/d.yaml"), "sub/d.yaml".to_string())];
        let walk = || {
            for p in [
                root.join("sub"),
                root.join(".gitignore"),
                root.to_path_buf(),
            ] {
                age(&p);
            }
            let cache = DiskCache::open(root, root, None, SystemTime::now(), &[]);
            cache.walked_now(
                &files,
                vec![root.to_path_buf(), root.join("sub")],
                vec![root.join(".gitignore"), root.join("absent/.gitignore")],
            );
            cache.save();
            age(root);
            read(root)
        };
        let bytes = walk();
        let trusted =
            |bytes: &[u8]| DiskCache::open(root, root, None, SystemTime::now(), bytes).walked();
        assert_eq!(trusted(&bytes), Some(files.clone()));
        // From elsewhere the shown paths differ.
        let sub = DiskCache::open(root, &root.join("sub"), None, SystemTime::now(), &bytes);
        assert!(sub.walked().is_none());
        // A file created in a folder walked.
        std::fs::write(root.join("sub/e.yaml"), "").unwrap();
        assert!(trusted(&bytes).is_none());
        let bytes = walk();
        assert!(trusted(&bytes).is_some());
        // An ignore file changed, one created where none was.
        std::fs::write(root.join(".gitignore"), "xy\n").unwrap();
        assert!(trusted(&bytes).is_none());
        let bytes = walk();
        std::fs::create_dir(root.join("absent")).unwrap();
        std::fs::write(root.join("absent/.gitignore"), "").unwrap();
        assert!(trusted(&bytes).is_none());
    }

    #[test]
    fn a_damaged_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let file = root.join("d.yaml");
        let old = (3, nanos(SystemTime::now()) - 10_000_000_000);
        saved(root, old);
        let good = read(root);
        assert!(
            DiskCache::open(root, root, None, SystemTime::now(), &good)
                .get(&file, || Some(old))
                .is_some()
        );
        // Every byte flipped in turn, and every length cut: never a panic; a damaged index
        // is no cache, a damaged projection no projection.
        let mut bad = good.clone();
        for i in 0..good.len() {
            bad[i] ^= 0x5a;
            let c = DiskCache::open(root, root, None, SystemTime::now(), &bad);
            if let Some(cached) = c.get(&file, || Some(old)) {
                let _ = c.objects(&cached, 0);
            }
            bad[i] ^= 0x5a;
            let cut = DiskCache::open(root, root, None, SystemTime::now(), &good[..i]);
            assert!(
                cut.get(&file, || Some(old))
                    .and_then(|c| cut.objects(&c, 0))
                    .is_none()
            );
        }
    }
}

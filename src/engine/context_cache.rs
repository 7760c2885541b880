//! The checks of context files (the project's files read only for the index), kept between
//! the lints of one process. A language server lints the open documents on every edit with
//! the whole workspace indexed around them: parsing its thousands of other files again each
//! time is what made an edit slow in a large workspace. A context file is checked again only
//! when its length, modification time, place in the run or treatment changed; what is not
//! seen in a run (deleted, excluded, opened in the editor) is forgotten at its end.

use super::dispatch::Checked;
use super::read::Treat;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Context files' checks by path. Valid for one rule set and configuration (`exclude` shapes
/// the walk): make a new one when they change.
#[derive(Default)]
pub struct ContextCache {
    entries: Mutex<HashMap<PathBuf, Entry>>,
    /// The project's YAML files (path, as shown) under a root, found by walking it: kept
    /// until [`ContextCache::forget_files`] (a file created, deleted or renamed).
    files: Mutex<Option<(PathBuf, ProjectFiles)>>,
    /// The run being made: entries it did not touch are dropped when it ends.
    run: AtomicU64,
}

impl std::fmt::Debug for ContextCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = self.entries.lock().map_or(0, |e| e.len());
        write!(f, "ContextCache({len} files)")
    }
}

/// Paths of files, each with the path shown for it.
pub(super) type ProjectFiles = Arc<Vec<(PathBuf, String)>>;

struct Entry {
    stamp: Stamp,
    checked: Arc<Checked>,
    run: u64,
}

/// What a check depends on besides the rules.
#[derive(PartialEq)]
pub(super) struct Stamp {
    /// The file's place in the run: its findings and objects carry it.
    id: usize,
    len: u64,
    modified: Option<SystemTime>,
    treat: Treat,
}

impl Stamp {
    /// The stamp of the file at `path` now (`None` when it cannot be read: such a file is
    /// checked every time, and says why).
    pub(super) fn of(id: usize, path: &Path, treat: &Treat) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            id,
            len: meta.len(),
            modified: Some(meta.modified().ok()?),
            treat: treat.clone(),
        })
    }
}

impl ContextCache {
    pub fn new() -> ContextCache {
        ContextCache::default()
    }

    /// The project files under `root`, walked by `walk` unless kept from an earlier run.
    pub(super) fn project_files(
        &self,
        root: &Path,
        walk: impl FnOnce() -> Vec<(PathBuf, String)>,
    ) -> ProjectFiles {
        if let Ok(kept) = self.files.lock()
            && let Some((at, files)) = kept.as_ref()
            && at == root
        {
            return Arc::clone(files);
        }
        let files = Arc::new(walk());
        if let Ok(mut kept) = self.files.lock() {
            *kept = Some((root.to_path_buf(), Arc::clone(&files)));
        }
        files
    }

    /// Walks the project again at the next run: files were created, deleted or renamed.
    pub fn forget_files(&self) {
        if let Ok(mut kept) = self.files.lock() {
            *kept = None;
        }
    }

    /// Starts a run.
    pub(super) fn begin(&self) -> u64 {
        self.run.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The check kept for `path` if it was made with this stamp (and marks it used by `run`).
    pub(super) fn get(&self, path: &Path, stamp: &Stamp, run: u64) -> Option<Checked> {
        let kept = {
            let mut entries = self.entries.lock().ok()?;
            let entry = entries.get_mut(path).filter(|e| e.stamp == *stamp)?;
            entry.run = run;
            Arc::clone(&entry.checked)
        };
        // Copied outside the lock: the other threads look up their files meanwhile.
        Some(Checked::clone(&kept))
    }

    pub(super) fn put(&self, path: PathBuf, stamp: Stamp, checked: &Checked, run: u64) {
        let entry = Entry {
            stamp,
            checked: Arc::new(checked.clone()),
            run,
        };
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(path, entry);
        }
    }

    /// Ends `run`: forgets the files it did not see.
    pub(super) fn end(&self, run: u64) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, e| e.run == run);
        }
    }

    /// How many files' checks are kept.
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

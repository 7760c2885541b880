//! The checks of context files (the project's files read only for the index), kept between
//! the lints of one process. A language server lints the open documents on every edit with
//! the whole workspace indexed around them: parsing its thousands of other files again each
//! time is what made an edit slow in a large workspace. A context file is checked again only
//! when it changed: its length or modification time differs, or, when the client watches
//! the files ([`ContextCache::watched`]), the client said so. What a run does not see
//! (deleted, excluded, opened in the editor) is forgotten at its end.

use super::dispatch::Checked;
use super::read::Treat;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

/// Context files' checks, by their place in the run. Valid for one rule set and
/// configuration (`exclude` shapes the walk): make a new one when they change.
#[derive(Default)]
pub struct ContextCache {
    /// By file id: a check carries its file's id, so it is kept for that id (the ids stay
    /// while the project's files do; a file created or deleted shifts those after it).
    slots: RwLock<Vec<Option<Entry>>>,
    /// The project's YAML files (path, as shown) under a root, found by walking it: kept
    /// until [`ContextCache::forget_files`] (a file created, deleted or renamed).
    files: Mutex<Option<(PathBuf, ProjectFiles)>>,
    /// The client reports every change to the files: no need to look at them on each run.
    watched: AtomicBool,
    /// The run being made: entries it did not touch are dropped when it ends.
    run: AtomicU64,
}

impl std::fmt::Debug for ContextCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ContextCache({} files)", self.len())
    }
}

/// Paths of files, each with the path shown for it.
pub(super) type ProjectFiles = Arc<Vec<(PathBuf, String)>>;

struct Entry {
    path: PathBuf,
    stamp: Stamp,
    checked: Arc<Checked>,
    run: AtomicU64,
}

/// What a check depends on besides the rules, its path and its id.
#[derive(PartialEq)]
pub(super) struct Stamp {
    treat: Treat,
    /// Length and modification time; `None` when the client watches the files.
    disk: Option<(u64, SystemTime)>,
}

impl ContextCache {
    pub fn new() -> ContextCache {
        ContextCache::default()
    }

    /// The client watches the workspace's files and reports each change
    /// ([`ContextCache::forget`]): files are no longer looked at on each run.
    pub fn watched(&self) {
        self.watched.store(true, Ordering::Relaxed);
    }

    /// The stamp of the file at `path` now (`None` when it cannot be read: such a file is
    /// checked every time, and says why).
    pub(super) fn stamp(&self, path: &Path, treat: &Treat) -> Option<Stamp> {
        let disk = if self.watched.load(Ordering::Relaxed) {
            None
        } else {
            let meta = std::fs::metadata(path).ok()?;
            Some((meta.len(), meta.modified().ok()?))
        };
        Some(Stamp {
            treat: treat.clone(),
            disk,
        })
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

    /// Checks the file at `path` again at the next run (the client says it changed).
    pub fn forget(&self, path: &Path) {
        if let Ok(mut slots) = self.slots.write() {
            for slot in slots.iter_mut() {
                if slot.as_ref().is_some_and(|e| e.path == path) {
                    *slot = None;
                }
            }
        }
    }

    /// Starts a run.
    pub(super) fn begin(&self) -> u64 {
        self.run.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The check kept for file `id` at `path` if it was made with this stamp (and marks it
    /// used by `run`).
    pub(super) fn get(&self, id: usize, path: &Path, stamp: &Stamp, run: u64) -> Option<Checked> {
        let kept = {
            let slots = self.slots.read().ok()?;
            let entry = slots
                .get(id)?
                .as_ref()
                .filter(|e| e.stamp == *stamp && e.path == path)?;
            entry.run.store(run, Ordering::Relaxed);
            Arc::clone(&entry.checked)
        };
        // Copied outside the lock (its projections are shared, not copied).
        Some(Checked::clone(&kept))
    }

    pub(super) fn put(&self, id: usize, path: PathBuf, stamp: Stamp, checked: &Checked, run: u64) {
        let entry = Entry {
            path,
            stamp,
            checked: Arc::new(checked.clone()),
            run: AtomicU64::new(run),
        };
        if let Ok(mut slots) = self.slots.write() {
            if slots.len() <= id {
                slots.resize_with(id + 1, || None);
            }
            if let Some(slot) = slots.get_mut(id) {
                *slot = Some(entry);
            }
        }
    }

    /// Ends `run`: forgets the files it did not see.
    pub(super) fn end(&self, run: u64) {
        if let Ok(mut slots) = self.slots.write() {
            for slot in slots.iter_mut() {
                if slot
                    .as_ref()
                    .is_some_and(|e| e.run.load(Ordering::Relaxed) != run)
                {
                    *slot = None;
                }
            }
            while slots.last().is_some_and(Option::is_none) {
                slots.pop();
            }
        }
    }

    /// How many files' checks are kept.
    pub fn len(&self) -> usize {
        self.slots
            .read()
            .map_or(0, |s| s.iter().filter(|e| e.is_some()).count())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

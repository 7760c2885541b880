//! Reading: each input's bytes, decoded to text, or the finding that it could not be read.

use super::diagnostics::io_error;
use super::prefilter::Wanted;
use crate::sources::{self, LoadedFile, classify};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// One input to read.
#[derive(Debug)]
pub(super) enum Input {
    File {
        path: PathBuf,
        shown: String,
        kind: classify::Kind,
        /// Not named: only read into the index (project-root indexing).
        context: bool,
    },
    Missing {
        shown: String,
        reason: String,
    },
    /// Standard input, read during discovery (it can be read only once).
    Stdin {
        shown: String,
        bytes: Result<Vec<u8>, String>,
    },
}

impl Input {
    pub(super) fn is_context(&self) -> bool {
        matches!(self, Input::File { context: true, .. })
    }

    /// The path of a context file whose text is read from disk (not from `overlay`).
    pub(super) fn context_path(&self, overlay: Option<&Overlay>) -> Option<&Path> {
        match self {
            Input::File {
                path,
                context: true,
                ..
            } if overlay.is_none_or(|o| !o.contains_key(path)) => Some(path),
            _ => None,
        }
    }

    pub(super) fn shown(&self) -> &str {
        match self {
            Input::File { shown, .. }
            | Input::Missing { shown, .. }
            | Input::Stdin { shown, .. } => shown,
        }
    }
}

/// Files larger than this are reported as `io-error` and not read.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Where a file's text came from, to read it again for rendering: a file with no finding of
/// its own drops its text once checked, and a cross-resource finding may need it later.
#[derive(Clone, Debug)]
pub(super) struct Origin {
    pub(super) path: PathBuf,
    len: u64,
    modified: Option<std::time::SystemTime>,
    /// The text came from an [`Overlay`], not from the file: it cannot be read again.
    pub(super) overlaid: bool,
}

impl Origin {
    pub(super) fn of(path: &Path, meta: &std::fs::Metadata) -> Origin {
        Origin {
            path: path.to_path_buf(),
            len: meta.len(),
            modified: meta.modified().ok(),
            overlaid: false,
        }
    }

    fn overlaid(path: &Path) -> Origin {
        Origin {
            path: path.to_path_buf(),
            len: 0,
            modified: None,
            overlaid: true,
        }
    }

    /// The file's length and modification time when it was read.
    pub(super) fn disk(&self) -> Option<(u64, std::time::SystemTime)> {
        Some((self.len, self.modified?))
    }

    /// Whether the text can be read again from disk (else it must be kept).
    pub(super) fn rereadable(origin: Option<&Origin>) -> bool {
        origin.is_some_and(|o| !o.overlaid)
    }
}

/// Texts that stand in for files on disk, by path as discovered: the files a fix loop has
/// edited but not written (`--diff`), an editor's unsaved buffers.
pub type Overlay = std::collections::BTreeMap<PathBuf, String>;

pub(super) fn read_file(path: &Path) -> Result<(Vec<u8>, Origin), String> {
    // Opened first, then `fstat`: one path lookup per file, not two (pre-commit reads every
    // YAML file of a project).
    let file = open_nonblocking(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(format!(
            "file is {} bytes, over the {} MiB limit",
            meta.len(),
            MAX_FILE_SIZE / 1024 / 1024
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(format!(
            "file is over the {} MiB limit",
            MAX_FILE_SIZE / 1024 / 1024
        ));
    }
    Ok((bytes, Origin::of(path, &meta)))
}

/// Opened for reading without waiting on a FIFO or device (they are refused once opened;
/// a regular file reads as usual).
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options.open(path)
}

/// The text of `origin` again, if the file is as it was when first read (same length and
/// modification time, then the same decoded text).
pub(super) fn reread(id: usize, origin: &Origin) -> Option<String> {
    if origin.overlaid {
        return None;
    }
    let (bytes, now) = read_file(&origin.path).ok()?;
    if now.len != origin.len || now.modified != origin.modified {
        return None;
    }
    sources::decode(id, bytes).ok()
}

pub(super) fn read_stdin() -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(format!(
            "input is over the {} MiB limit",
            MAX_FILE_SIZE / 1024 / 1024
        ));
    }
    Ok(bytes)
}

fn unreadable(id: usize, shown: String, reason: &str) -> LoadedFile {
    LoadedFile::failed(shown, io_error::finding(id, reason))
}

/// How a file's objects are treated (see `engine::kustomize`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) enum Treat {
    /// Linted as written.
    #[default]
    Lint,
    /// A resource of an overlay that is not rendered: linted with the namespace kustomize
    /// gives it.
    Namespace(String),
    /// A patch, or a resource of an overlay that is rendered: parsed for its own problems and
    /// suppressions only; its objects are linted as rendered. A resource's objects, as
    /// written, are still `indexed` for the files outside any overlay to refer to (an HPA in a
    /// plain file that targets a Deployment of a kustomize base); a patch is a fragment.
    Traced { indexed: bool },
    /// The output of rendering root `root` from the wrapper folder `base`.
    Rendered { root: usize, base: PathBuf },
    /// A Helm chart's template: not YAML until rendered, read for its comments only.
    Template,
    /// Linted as written; Helm output in it (`# Source:` comments) is traced to the chart
    /// given with `--chart`.
    HelmInput,
    /// Helm's output for render `scope` (see `engine::helm`).
    Helm { scope: usize },
}

/// A file's text, ready to parse, or the finding that it could not be read.
pub(super) enum Read {
    Text {
        shown: String,
        kind: classify::Kind,
        text: String,
        origin: Option<Origin>,
        context: bool,
        treat: Treat,
    },
    Failed(LoadedFile),
}

impl Read {
    /// The same, read as `treat` says.
    pub(super) fn treated(mut self, how: Treat) -> Read {
        if let Read::Text { treat, .. } = &mut self {
            *treat = how;
        }
        self
    }
}

pub(super) fn read_input(id: usize, input: Input, overlay: Option<&Overlay>) -> Read {
    let (shown, kind, read) = match input {
        Input::Missing { shown, reason } => return Read::Failed(unreadable(id, shown, &reason)),
        Input::Stdin { shown, bytes } => {
            // Piped input is rendered manifests unless its name says otherwise.
            let kind = classify::by_name(Path::new(&shown)).unwrap_or(classify::Kind::Yaml);
            (shown, kind, bytes.map(|b| (b, None)))
        }
        Input::File {
            path,
            shown,
            kind,
            context,
        } if overlay.is_some_and(|o| o.contains_key(&path)) => {
            let text = overlay
                .and_then(|o| o.get(&path))
                .cloned()
                .unwrap_or_default();
            return Read::Text {
                shown,
                kind,
                text,
                origin: Some(Origin::overlaid(&path)),
                context,
                treat: Treat::Lint,
            };
        }
        Input::File {
            path,
            shown,
            kind,
            context: true,
        } => return read_context(id, &path, shown, kind),
        Input::File {
            path, shown, kind, ..
        } => (shown, kind, read_file(&path).map(|(b, o)| (b, Some(o)))),
    };
    let (bytes, origin) = match read {
        Ok(b) => b,
        Err(reason) => return Read::Failed(unreadable(id, shown, &reason)),
    };
    match sources::decode(id, bytes) {
        Ok(text) => Read::Text {
            shown,
            kind,
            text,
            origin,
            context: false,
            treat: Treat::Lint,
        },
        Err(finding) => Read::Failed(LoadedFile::failed(shown, *finding)),
    }
}

/// A file that was not named, read for the index only: its objects, no findings. A cheap
/// substring test skips the many YAML files of a project that hold none of the indexed kinds
/// (CI configs, Helm values, JSON dashboards) without parsing them: an empty text yields no
/// objects.
fn read_context(id: usize, path: &Path, shown: String, kind: classify::Kind) -> Read {
    read_context_wanted(id, path, shown, kind, None).0
}

/// [`read_context`], also skipping a file `wanted` does not keep (see `prefilter`); `true`
/// when it was skipped for that reason alone.
pub(super) fn read_context_wanted(
    id: usize,
    path: &Path,
    shown: String,
    kind: classify::Kind,
    wanted: Option<&Wanted>,
) -> (Read, bool) {
    let mut unwanted = false;
    let (text, origin) = match read_file(path) {
        Ok((bytes, origin)) => (
            sources::decode(id, bytes).ok().filter(|text| {
                let indexed = super::prefilter::can_matter(text);
                unwanted = indexed && wanted.is_some_and(|w| !w.keeps(&shown, text));
                indexed && !unwanted
            }),
            Some(origin),
        ),
        Err(_) => (None, None),
    };
    let read = Read::Text {
        shown,
        kind,
        text: text.unwrap_or_default(),
        origin,
        context: true,
        treat: Treat::Lint,
    };
    (read, unwanted)
}

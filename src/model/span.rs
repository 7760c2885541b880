//! Byte spans and the per-file line index that turns them into lines and columns.

/// A half-open byte range `[start, end)` into a file's text.
// Encode/Decode: pre-commit's cache on disk keeps context files' projections (`engine::disk_cache`).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    bincode::Encode,
    bincode::Decode,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// An empty span at `at`.
    pub const fn point(at: usize) -> Span {
        Span { start: at, end: at }
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// Whether `inner` lies within this span (an empty span holds its own point).
    pub fn contains(self, inner: Span) -> bool {
        self.start <= inner.start && inner.end <= self.end.max(self.start)
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Which unit columns are counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    /// Unicode scalar values: what people and terminals count.
    Chars,
    /// UTF-16 code units: the SARIF default, what editors (LSP) count.
    Utf16,
}

/// The folder part of a shown (`/`-separated) path; `""` for a bare file name.
pub fn folder(shown: &str) -> &str {
    shown.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// A file as read from disk (or stdin), with the start offset of every line.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path shown in output: relative to the working directory where possible,
    /// always with `/` separators so output is the same on every platform.
    pub path: String,
    pub text: String,
    line_starts: Vec<usize>,
    /// Where the file is on disk, for writing fixes to it: `None` for standard input,
    /// renders and in-memory sources, which are never written.
    pub disk: Option<std::path::PathBuf>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: String) -> SourceFile {
        // Counted first so the index is allocated once at its size (it lives as long as the
        // text); memchr finds newlines many bytes at a time.
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let mut line_starts = Vec::with_capacity(lines + 1);
        line_starts.push(0);
        // A line ends at `\n`; a `\r` before it belongs to the terminator, which `line_text` strips.
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceFile {
            path: path.into(),
            text,
            line_starts,
            disk: None,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 1-based `line` starts (clamped to the end of the text).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The 0-based line index holding byte `offset`.
    fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The text of 1-based `line`, without its line terminator.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_start(line);
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let s = self.text.get(start..end).unwrap_or("");
        let s = s.strip_suffix('\n').unwrap_or(s);
        s.strip_suffix('\r').unwrap_or(s)
    }

    /// Clamp `offset` into the text and back onto a char boundary.
    pub fn clamp(&self, offset: usize) -> usize {
        let mut o = offset.min(self.text.len());
        while o > 0 && !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// 1-based line and column of byte `offset`, the column counted in `unit`.
    pub fn line_col_in(&self, offset: usize, unit: ColumnUnit) -> LineCol {
        let offset = self.clamp(offset);
        let idx = self.line_index(offset);
        let start = self.line_starts.get(idx).copied().unwrap_or(0);
        let prefix = self.text.get(start..offset).unwrap_or("");
        let column = match unit {
            ColumnUnit::Chars => prefix.chars().count(),
            ColumnUnit::Utf16 => prefix.chars().map(char::len_utf16).sum(),
        } + 1;
        LineCol {
            line: idx + 1,
            column,
        }
    }

    /// 1-based line and column of byte `offset`, counted in characters.
    pub fn line_col(&self, offset: usize) -> LineCol {
        self.line_col_in(offset, ColumnUnit::Chars)
    }

    /// The text a span covers (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_ascii_and_multibyte() {
        let f = SourceFile::new("x", "ab\nçé: x\r\n𝄞z\n".to_string());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // "çé" is 4 bytes, 2 chars: the ':' is column 3.
        let colon = f.text.find(':').unwrap();
        assert_eq!(f.line_col(colon), LineCol { line: 2, column: 3 });
        let z = f.text.find('z').unwrap();
        assert_eq!(f.line_col(z), LineCol { line: 3, column: 2 });
        assert_eq!(
            f.line_col_in(z, ColumnUnit::Utf16),
            LineCol { line: 3, column: 3 }
        );
        assert_eq!(f.line_text(2), "çé: x");
        assert_eq!(f.line_count(), 4);
    }

    #[test]
    fn offsets_out_of_range_are_clamped() {
        let f = SourceFile::new("x", "é".to_string());
        assert_eq!(f.line_col(1), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(99), LineCol { line: 1, column: 2 });
        assert_eq!(f.line_text(7), "");
    }
}

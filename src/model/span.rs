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
    /// The text; empty once dropped (see [`SourceFile::without_text`]).
    pub text: String,
    line_starts: LineStarts,
    /// The length of the text the line starts were taken from: still known once an ASCII
    /// text is dropped, when bytes, characters and UTF-16 units count the same.
    len: usize,
    /// Where the file is on disk, for writing fixes to it: `None` for standard input,
    /// renders and in-memory sources, which are never written.
    pub disk: Option<std::path::PathBuf>,
}

/// Where each line starts. A run's report keeps the table of every checked file (millions
/// of lines in a large repository; the texts are dropped), so lines are kept in ~2.25 bytes
/// each wherever the text allows: every line's length, and where every 16th line starts.
#[derive(Clone, Debug)]
enum LineStarts {
    /// Lines under 64 KiB in a text under 4 GiB (every YAML file that is not minified).
    Short {
        /// `every[k]`: where line `16 × k` starts.
        every: Box<[u32]>,
        /// `lengths[i]`: the bytes of line `i` with its `\n` (every line but the last).
        lengths: Box<[u16]>,
    },
    /// Any other text: each start.
    Wide(Box<[usize]>),
}

/// Lines a start is kept for in [`LineStarts::Short`]: the others are counted from it.
const EVERY: usize = 16;

impl LineStarts {
    fn of(text: &str) -> LineStarts {
        // A line ends at `\n`; a `\r` before it belongs to the terminator, which
        // `line_text` strips. memchr finds newlines many bytes at a time; counted first so
        // that each table is allocated once at its size.
        let ends = || memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
        let lines = ends().count() + 1;
        if let Some(short) = LineStarts::short(text, lines, ends()) {
            return short;
        }
        let mut starts = Vec::with_capacity(lines);
        starts.push(0);
        starts.extend(ends());
        LineStarts::Wide(starts.into_boxed_slice())
    }

    /// The short table of a text of `lines` lines that end at `ends`; `None` when a line or
    /// the text is too long for it.
    fn short(text: &str, lines: usize, ends: impl Iterator<Item = usize>) -> Option<LineStarts> {
        u32::try_from(text.len()).ok()?;
        let mut every = Vec::with_capacity(lines.div_ceil(EVERY));
        let mut lengths = Vec::with_capacity(lines - 1);
        every.push(0);
        let mut start = 0;
        for end in ends {
            lengths.push(u16::try_from(end - start).ok()?);
            if lengths.len() % EVERY == 0 {
                every.push(u32::try_from(end).ok()?);
            }
            start = end;
        }
        Some(LineStarts::Short {
            every: every.into_boxed_slice(),
            lengths: lengths.into_boxed_slice(),
        })
    }

    fn len(&self) -> usize {
        match self {
            LineStarts::Short { lengths, .. } => lengths.len() + 1,
            LineStarts::Wide(v) => v.len(),
        }
    }

    /// Where 0-based line `i` starts.
    fn get(&self, i: usize) -> Option<usize> {
        match self {
            LineStarts::Short { every, lengths } => {
                if i > lengths.len() {
                    return None;
                }
                let block = i / EVERY;
                let from = *every.get(block)? as usize;
                let counted = lengths.get(block * EVERY..i)?;
                Some(from + counted.iter().map(|&l| usize::from(l)).sum::<usize>())
            }
            LineStarts::Wide(v) => v.get(i).copied(),
        }
    }

    /// The 0-based line holding byte `offset` (the last line for an offset past the end).
    fn index_of(&self, offset: usize) -> usize {
        match self {
            LineStarts::Short { every, lengths } => {
                // The last block starting at or before `offset` (the first starts at 0).
                let block = every
                    .partition_point(|&s| s as usize <= offset)
                    .saturating_sub(1);
                let mut line = block * EVERY;
                let mut start = every.get(block).map_or(0, |&s| s as usize);
                while let Some(&l) = lengths.get(line) {
                    let next = start + usize::from(l);
                    if next > offset {
                        break;
                    }
                    start = next;
                    line += 1;
                }
                line
            }
            LineStarts::Wide(v) => match v.binary_search(&offset) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            },
        }
    }
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: String) -> SourceFile {
        SourceFile {
            path: path.into(),
            line_starts: LineStarts::of(&text),
            len: text.len(),
            text,
            disk: None,
        }
    }

    /// The file without its text. An ASCII text's lines and columns can still be told (a
    /// column is a count of bytes: all every output but `human`'s snippets needs, in a
    /// tenth of the text's memory); any other text must be read again for them.
    pub fn without_text(mut self) -> SourceFile {
        if self.text.is_ascii() {
            self.text = String::new();
            self
        } else {
            SourceFile {
                disk: self.disk,
                ..SourceFile::new(self.path, String::new())
            }
        }
    }

    /// Whether lines and columns can be told: the text is here, or was ASCII (see
    /// [`SourceFile::without_text`]). False for a text that must be read again first.
    pub fn has_positions(&self) -> bool {
        !self.text.is_empty() || self.ascii_dropped()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 1-based `line` starts (clamped to the end of the text).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .unwrap_or(self.len)
    }

    /// The text of 1-based `line`, without its line terminator (empty when the text was
    /// dropped).
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_start(line);
        let end = self.line_starts.get(line).unwrap_or(self.len);
        let s = self.text.get(start..end).unwrap_or("");
        let s = s.strip_suffix('\n').unwrap_or(s);
        s.strip_suffix('\r').unwrap_or(s)
    }

    /// Whether the text was dropped and was ASCII: every offset is a character's.
    fn ascii_dropped(&self) -> bool {
        self.text.is_empty() && self.len > 0
    }

    /// Clamp `offset` into the text and back onto a char boundary.
    pub fn clamp(&self, offset: usize) -> usize {
        let mut o = offset.min(self.len);
        if self.ascii_dropped() {
            return o;
        }
        while o > 0 && !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// 1-based line and column of byte `offset`, the column counted in `unit`.
    pub fn line_col_in(&self, offset: usize, unit: ColumnUnit) -> LineCol {
        let offset = self.clamp(offset);
        let idx = self.line_starts.index_of(offset);
        let start = self.line_starts.get(idx).unwrap_or(0);
        let column = if self.ascii_dropped() {
            offset.saturating_sub(start)
        } else {
            let prefix = self.text.get(start..offset).unwrap_or("");
            match unit {
                ColumnUnit::Chars => prefix.chars().count(),
                ColumnUnit::Utf16 => prefix.chars().map(char::len_utf16).sum(),
            }
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

    /// The text a span covers (empty when the span is out of range or the text dropped).
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

    /// An ASCII text dropped keeps every position; any other text loses them.
    #[test]
    fn positions_are_told_without_an_ascii_text() {
        let text = "a: 1\r\nbb:\n  - c\n\nlast";
        let whole = SourceFile::new("x", text.to_string());
        let dropped = whole.clone().without_text();
        assert!(dropped.text.is_empty() && dropped.has_positions());
        for offset in 0..text.len() + 3 {
            for unit in [ColumnUnit::Chars, ColumnUnit::Utf16] {
                assert_eq!(
                    dropped.line_col_in(offset, unit),
                    whole.line_col_in(offset, unit),
                    "offset {offset}"
                );
            }
            assert_eq!(dropped.clamp(offset), whole.clamp(offset));
        }
        for line in 0..8 {
            assert_eq!(dropped.line_start(line), whole.line_start(line));
        }
        assert_eq!(dropped.line_count(), whole.line_count());
        assert_eq!(dropped.line_text(1), "");
        // Read again for its positions, as is a file that never had a text.
        let other = SourceFile::new("x", "é: 1\n".to_string()).without_text();
        assert!(other.text.is_empty() && !other.has_positions());
        assert_eq!(other.line_col(3), LineCol { line: 1, column: 1 });
        assert!(!SourceFile::new("x", String::new()).has_positions());
    }

    /// Lines are found the same in a short table as from every start: in texts of many
    /// blocks of lines, empty lines, no final newline, and a line too long for it.
    #[test]
    fn short_line_tables_agree_with_every_start() {
        let long = "x".repeat(70_000);
        let texts = [
            String::new(),
            "\n".to_string(),
            "a".to_string(),
            (0..100)
                .map(|i| format!("{}\n", "y".repeat(i % 7)))
                .collect(),
            (0..47).map(|i| format!("line {i}\r\n")).collect::<String>() + "end",
            format!("a\n{long}\nb\n"),
        ];
        for text in &texts {
            let table = LineStarts::of(text);
            assert_eq!(
                matches!(table, LineStarts::Wide(_)),
                text.contains(&long),
                "{} bytes",
                text.len()
            );
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
            let every = LineStarts::Wide(starts.clone().into_boxed_slice());
            assert_eq!(table.len(), starts.len());
            for i in 0..starts.len() + 2 {
                assert_eq!(table.get(i), starts.get(i).copied(), "line {i}");
            }
            for offset in (0..text.len() + 3).chain([usize::MAX]) {
                assert_eq!(table.index_of(offset), every.index_of(offset), "{offset}");
            }
        }
    }

    #[test]
    fn offsets_out_of_range_are_clamped() {
        let f = SourceFile::new("x", "é".to_string());
        assert_eq!(f.line_col(1), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(99), LineCol { line: 1, column: 2 });
        assert_eq!(f.line_text(7), "");
    }
}

//! Source text with a line index: byte offsets ↔ 1-based line/column (Unicode scalar values)
//! ↔ LSP positions (UTF-16). Every span in inboxlint is a byte range into the original text.

use std::ops::Range;
use std::sync::OnceLock;

/// A byte range into the original source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub const fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn contains_offset(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// The text of one file plus a lazily built index of line starts.
#[derive(Debug)]
pub struct SourceText {
    text: String,
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceText {
    pub fn new(text: impl Into<String>) -> Self {
        SourceText {
            text: text.into(),
            line_starts: OnceLock::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Line starts are built only when a diagnostic needs a position: clean files never pay.
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// Clamp to the text and to a char boundary at or before `offset`.
    pub fn floor_boundary(&self, offset: usize) -> usize {
        let mut o = offset.min(self.text.len());
        while o > 0 && !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_boundary(offset);
        let line = self.line_index(offset);
        let start = self.line_starts()[line];
        let column = self.text[start..offset].chars().count() + 1;
        LineCol { line: line + 1, column }
    }

    /// LSP position: 0-based line and UTF-16 code units.
    pub fn utf16_position(&self, offset: usize) -> (u32, u32) {
        let offset = self.floor_boundary(offset);
        let line = self.line_index(offset);
        let start = self.line_starts()[line];
        let units: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        (line as u32, units as u32)
    }

    /// Inverse of [`Self::utf16_position`]; positions past a line's end clamp to it.
    pub fn offset_of_utf16(&self, line: u32, character: u32) -> usize {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line as usize) else {
            return self.text.len();
        };
        let line_end = starts.get(line as usize + 1).copied().unwrap_or(self.text.len());
        let mut units = 0u32;
        for (i, c) in self.text[start..line_end].char_indices() {
            if units >= character || c == '\n' {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        line_end
    }

    /// The text of the span, or "" when the span does not fall on char boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_scalars_and_utf16() {
        let s = SourceText::new("ab\né😀x\n");
        // 'x' is at byte 3 + 2 + 4 = 9
        assert_eq!(s.line_col(9), LineCol { line: 2, column: 3 });
        assert_eq!(s.utf16_position(9), (1, 3));
        assert_eq!(s.offset_of_utf16(1, 3), 9);
        assert_eq!(s.offset_of_utf16(1, 99), 10);
        assert_eq!(s.offset_of_utf16(7, 0), s.text().len());
        // Offsets inside a multi-byte char snap back to its start.
        assert_eq!(s.line_col(6), LineCol { line: 2, column: 2 });
    }
}

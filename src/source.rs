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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Lines kept on each side of a span in an excerpt. miette's pretty output shows one line of
/// context (`GraphicalReportHandler`'s default) and [`crate::report::line_indexed`] starts its
/// scan `max(1, context)` lines before a span and reads up to `context` lines past it, so 2 leaves
/// a line to spare.
pub const EXCERPT_CONTEXT_LINES: usize = 2;

/// The text of one file plus a lazily built index of line starts, or an excerpt of it.
///
/// A full source answers everything. An excerpt ([`SourceText::excerpt`]) keeps only whole-line
/// windows around the spans a finished report points at, so that a run over many files does not
/// hold every file's text until the end just to place and show its findings. Inside a window
/// every position answer ([`Self::line_col`], [`Self::slice`], [`Self::floor_boundary`],
/// [`Self::segment_at`], ...) is exactly what the full text gives; outside, the answers degrade
/// (documented per method) and never panic. [`Self::text`], [`Self::line_starts`] and
/// [`Self::offset_of_utf16`] need the whole text: they are for the LSP, which never holds an
/// excerpt (only `inboxlint check` makes them, after linting a file).
#[derive(Debug)]
pub struct SourceText {
    repr: Repr,
    line_starts: OnceLock<Vec<usize>>,
}

#[derive(Debug)]
enum Repr {
    Full(String),
    Excerpt(Excerpt),
}

#[derive(Debug)]
struct Excerpt {
    /// Length of the original text: offsets and `len()` stay in its terms.
    len: usize,
    /// Sorted, disjoint and never touching: touching ones are merged, so an offset at the end
    /// of one window cannot also be the start of the next.
    windows: Vec<Window>,
}

#[derive(Debug)]
struct Window {
    /// Byte offset of `text` in the original; always a line start.
    offset: usize,
    /// 0-based line number of the first line of `text`.
    first_line: usize,
    /// Whole lines: from a line start to just after a `\n`, or to the end of the original.
    text: Box<str>,
    /// Line starts relative to `offset`, as [`SourceText::line_starts`] would list them: 0, then
    /// one after every `\n`, including one at `text.len()` when `text` ends with `\n`.
    line_starts: Box<[usize]>,
}

/// A stretch of whole lines of the original text: all of it for a full source, one window of an
/// excerpt. Offsets inside it are `offset + i` for `text[i..]`.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    pub offset: usize,
    /// 0-based line number of the first line of `text`.
    pub first_line: usize,
    pub text: &'a str,
    /// Line starts relative to `offset`; the first is 0.
    pub line_starts: &'a [usize],
}

impl Segment<'_> {
    /// Index into `line_starts` of the line holding `local` (an offset relative to `offset`).
    fn line_of(&self, local: usize) -> usize {
        // `line_starts[0]` is 0, so the count is at least 1.
        self.line_starts.partition_point(|&s| s <= local).saturating_sub(1)
    }

    /// The segment's text from the start of the line holding `local` up to `local`.
    fn line_prefix(&self, line: usize, local: usize) -> &str {
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        self.text.get(start..local).unwrap_or("")
    }
}

fn line_starts_of(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    starts
}

/// miette ends a line at a lone `\r` too (see `report::line_indexed`), so its line numbers for
/// such a text are not the ones an excerpt's windows carry.
fn has_lone_cr(text: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', text).any(|i| text.get(i + 1) != Some(&b'\n'))
}

impl SourceText {
    pub fn new(text: impl Into<String>) -> Self {
        SourceText {
            repr: Repr::Full(text.into()),
            line_starts: OnceLock::new(),
        }
    }

    /// Keep of `text` only the lines around `keep`: each span's lines plus
    /// [`EXCERPT_CONTEXT_LINES`] on each side, as one window. A span a renderer reads as a
    /// whole with the text between its parts (a finding's primary span and labels, which miette
    /// may join into one snippet) must be passed as one covering span.
    ///
    /// The text is kept whole when the windows would cover all of it anyway, and when a span is
    /// kept in a text with a lone `\r`: miette counts those as line breaks, the windows do not,
    /// and such files are too rare to teach the excerpt a second line numbering.
    pub fn excerpt(text: String, keep: impl IntoIterator<Item = Span>) -> Self {
        Self::excerpt_with_context(text, keep, EXCERPT_CONTEXT_LINES)
    }

    fn excerpt_with_context(text: String, keep: impl IntoIterator<Item = Span>, context: usize) -> Self {
        let len = text.len();
        let mut keep = keep.into_iter().peekable();
        if keep.peek().is_none() {
            return SourceText {
                repr: Repr::Excerpt(Excerpt {
                    len,
                    windows: Vec::new(),
                }),
                line_starts: OnceLock::new(),
            };
        }
        if has_lone_cr(text.as_bytes()) {
            return SourceText::new(text);
        }
        let starts = line_starts_of(&text);
        let last_line = starts.len() - 1;
        let line_of = |offset: usize| starts.partition_point(|&s| s <= offset.min(len)).saturating_sub(1);
        let bytes = text.as_bytes();
        let mut lines: Vec<(usize, usize)> = keep
            .map(|span| {
                let (first, last) = (span.start.min(span.end), span.start.max(span.end).min(len));
                // miette's scanner counts context lines from the line break after the byte
                // before `last` (byte 0 for an empty span at 0); when that byte is itself a
                // line break, it starts counting a line later than `last`'s line.
                let before = last.saturating_sub(1);
                let breaks = match bytes.get(before) {
                    Some(b'\n') => true,
                    Some(b'\r') => bytes.get(before + 1) == Some(&b'\n'),
                    _ => false,
                };
                let last = line_of(last).max(line_of(before) + usize::from(breaks));
                (line_of(first).saturating_sub(context), (last + context).min(last_line))
            })
            .collect();
        lines.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(lines.len());
        for (first, last) in lines {
            match merged.last_mut() {
                // Touching windows merge too: their bytes are contiguous, and miette may read
                // across the seam when it joins two findings' snippets.
                Some(prev) if first <= prev.1 + 1 => prev.1 = prev.1.max(last),
                _ => merged.push((first, last)),
            }
        }
        if merged == [(0, last_line)] {
            return SourceText::new(text);
        }
        let windows = merged
            .into_iter()
            .map(|(first, last)| {
                let offset = starts[first];
                let end = starts.get(last + 1).copied().unwrap_or(len);
                // Lines `first..=last`, plus the start one past a final `\n`, as the full index
                // lists it: an offset at the window's end is then the next line's column 1.
                let line_starts = starts[first..(last + 2).min(starts.len())]
                    .iter()
                    .map(|s| s - offset)
                    .collect();
                Window {
                    offset,
                    first_line: first,
                    text: text[offset..end].into(),
                    line_starts,
                }
            })
            .collect();
        SourceText {
            repr: Repr::Excerpt(Excerpt { len, windows }),
            line_starts: OnceLock::new(),
        }
    }

    pub fn is_excerpt(&self) -> bool {
        matches!(self.repr, Repr::Excerpt(_))
    }

    /// The whole text, or `None` for an excerpt.
    pub fn full_text(&self) -> Option<&str> {
        match &self.repr {
            Repr::Full(text) => Some(text),
            Repr::Excerpt(_) => None,
        }
    }

    /// The whole text. Only a full source has one: an excerpt gives "" (and fails a debug
    /// assertion), since a caller that needs the text needs all of it.
    pub fn text(&self) -> &str {
        debug_assert!(!self.is_excerpt(), "SourceText::text called on an excerpt");
        self.full_text().unwrap_or("")
    }

    /// Length of the original text, also for an excerpt.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Full(text) => text.len(),
            Repr::Excerpt(e) => e.len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Line starts are built only when a diagnostic needs a position: clean files never pay.
    /// Full sources only (see [`Self::text`]); renderers use [`Self::segment_at`].
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts_of(self.text()))
    }

    /// The start offset and text of the stretch holding `offset` (its end counts), without
    /// building a line index.
    fn text_at(&self, offset: usize) -> Option<(usize, &str)> {
        match &self.repr {
            Repr::Full(text) => (offset <= text.len()).then_some((0, text.as_str())),
            Repr::Excerpt(e) => e.window_at(offset).map(|w| (w.offset, &*w.text)),
        }
    }

    /// The whole lines holding `offset`: all the text for a full source, the window for an
    /// excerpt, `None` past the end or (excerpt) outside every window. An offset at a segment's
    /// end belongs to it.
    pub fn segment_at(&self, offset: usize) -> Option<Segment<'_>> {
        match &self.repr {
            Repr::Full(text) => (offset <= text.len()).then(|| Segment {
                offset: 0,
                first_line: 0,
                text,
                line_starts: self.line_starts(),
            }),
            Repr::Excerpt(e) => e.window_at(offset).map(|w| Segment {
                offset: w.offset,
                first_line: w.first_line,
                text: &w.text,
                line_starts: &w.line_starts,
            }),
        }
    }

    /// As `str::is_char_boundary` on the original text. Outside an excerpt's windows the answer
    /// is unknown and given as `true` up to the end, so that callers stepping to a boundary stop.
    pub fn is_char_boundary(&self, offset: usize) -> bool {
        match self.text_at(offset) {
            Some((start, text)) => text.is_char_boundary(offset - start),
            None => offset <= self.len(),
        }
    }

    /// Clamp to the text and to a char boundary at or before `offset`. Outside an excerpt's
    /// windows only the clamp applies.
    pub fn floor_boundary(&self, offset: usize) -> usize {
        let offset = offset.min(self.len());
        let Some((start, text)) = self.text_at(offset) else {
            return offset;
        };
        // A segment starts at a line start, which is a char boundary, so this stays inside it.
        let mut local = offset - start;
        while local > 0 && !text.is_char_boundary(local) {
            local -= 1;
        }
        start + local
    }

    /// 0-based line index of a byte offset; 0 outside an excerpt's windows.
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.len());
        self.segment_at(offset)
            .map_or(0, |seg| seg.first_line + seg.line_of(offset - seg.offset))
    }

    /// Outside an excerpt's windows there is no line to count in: line 1, column 1, where a
    /// report with its text dropped used to put everything, rather than a guess that looks real.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_boundary(offset);
        let Some(seg) = self.segment_at(offset) else {
            return LineCol { line: 1, column: 1 };
        };
        let local = offset - seg.offset;
        let line = seg.line_of(local);
        let column = seg.line_prefix(line, local).chars().count() + 1;
        LineCol {
            line: seg.first_line + line + 1,
            column,
        }
    }

    /// LSP position: 0-based line and UTF-16 code units; (0, 0) outside an excerpt's windows.
    pub fn utf16_position(&self, offset: usize) -> (u32, u32) {
        let offset = self.floor_boundary(offset);
        let Some(seg) = self.segment_at(offset) else {
            return (0, 0);
        };
        let local = offset - seg.offset;
        let line = seg.line_of(local);
        let units: usize = seg.line_prefix(line, local).chars().map(char::len_utf16).sum();
        ((seg.first_line + line) as u32, units as u32)
    }

    /// Inverse of [`Self::utf16_position`]; positions past a line's end clamp to it. Full sources
    /// only (see [`Self::text`]).
    pub fn offset_of_utf16(&self, line: u32, character: u32) -> usize {
        let text = self.text();
        let starts = self.line_starts();
        let Some(&start) = starts.get(line as usize) else {
            return text.len();
        };
        let line_end = starts.get(line as usize + 1).copied().unwrap_or(text.len());
        let mut units = 0u32;
        for (i, c) in text[start..line_end].char_indices() {
            if units >= character || c == '\n' {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        line_end
    }

    /// The text of the span, or "" when the span does not fall on char boundaries (or, in an
    /// excerpt, inside one window).
    pub fn slice(&self, span: Span) -> &str {
        let Some((start, text)) = self.text_at(span.start) else {
            return "";
        };
        let Some(end) = span.end.checked_sub(start) else {
            return "";
        };
        text.get(span.start - start..end).unwrap_or("")
    }
}

impl Excerpt {
    fn window_at(&self, offset: usize) -> Option<&Window> {
        let after = self.windows.partition_point(|w| w.offset <= offset);
        let w = self.windows.get(after.checked_sub(1)?)?;
        (offset <= w.offset + w.text.len()).then_some(w)
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

    /// Every answer the renderers use, at every offset an excerpt holds, against the full text.
    /// Returns how many offsets were compared.
    fn assert_excerpt_agrees(text: &str, keep: &[Span], context: usize) -> usize {
        let full = SourceText::new(text);
        let part = SourceText::excerpt_with_context(text.to_string(), keep.iter().copied(), context);
        let what = format!("{text:?} keeping {keep:?} with {context} lines");
        assert_eq!(part.len(), text.len(), "{what}");
        let Repr::Excerpt(e) = &part.repr else {
            // Kept whole: every answer is the full text's by construction.
            assert_eq!(part.full_text(), Some(text), "{what}");
            return 0;
        };
        // Each kept span lies, with `context` lines either side, inside one window.
        for span in keep {
            let (a, b) = (span.start.min(text.len()), span.end.max(span.start).min(text.len()));
            let seg = part
                .segment_at(a)
                .unwrap_or_else(|| panic!("{what}: {span:?} not kept"));
            assert!(b <= seg.offset + seg.text.len(), "{what}: {span:?} cut");
            let first = full.line_index(a).saturating_sub(context);
            assert!(seg.first_line <= first, "{what}: {span:?} lacks lines before");
            let last_kept = full.line_index(seg.offset + seg.text.len());
            let want = (full.line_index(b) + context).min(full.line_starts().len() - 1);
            assert!(last_kept >= want, "{what}: {span:?} lacks lines after");
        }
        let mut compared = 0;
        for w in &e.windows {
            let end = w.offset + w.text.len();
            assert_eq!(&*w.text, &text[w.offset..end], "{what}");
            assert!(
                end == text.len() || text[..end].ends_with('\n'),
                "{what}: window ends mid-line"
            );
            assert_eq!(
                full.line_starts()[w.first_line],
                w.offset,
                "{what}: window starts mid-line"
            );
            for o in w.offset..=end {
                compared += 1;
                assert_eq!(part.line_col(o), full.line_col(o), "{what} at {o}");
                assert_eq!(part.line_index(o), full.line_index(o), "{what} at {o}");
                assert_eq!(part.floor_boundary(o), full.floor_boundary(o), "{what} at {o}");
                assert_eq!(part.is_char_boundary(o), full.is_char_boundary(o), "{what} at {o}");
                assert_eq!(part.utf16_position(o), full.utf16_position(o), "{what} at {o}");
                let seg = part
                    .segment_at(o)
                    .unwrap_or_else(|| panic!("{what}: no segment at {o}"));
                assert_eq!(seg.offset, w.offset);
                for (i, &s) in seg.line_starts.iter().enumerate() {
                    assert_eq!(full.line_starts()[seg.first_line + i], seg.offset + s, "{what}");
                }
                for p in o..=end {
                    assert_eq!(
                        part.slice(Span::new(o, p)),
                        full.slice(Span::new(o, p)),
                        "{what} {o}..{p}"
                    );
                }
                assert_eq!(
                    part.slice(Span::new(o, o.saturating_sub(1))),
                    "",
                    "{what}: reversed span"
                );
            }
        }
        compared
    }

    const TEXTS: [&str; 7] = [
        "",
        "one line, no newline",
        "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n",
        "été\n😀 emoji\n\n\nüber\nnaïve café\nx😀y\n\nz\n\n\nend é",
        "crlf\r\nlines\r\n\r\nhere\r\nand\r\nmore\r\nof\r\nthem\r\nlast",
        "\n\n\n\n\n\n\n\n\n\n",
        "<p>1</p>\n<p>2</p>\n<p>3</p>\n<p>4</p>\n<p>5</p>\n<p>6</p>\n<p>7</p>\n<p>8</p>\n<p>9</p>\n<p>é</p>",
    ];

    #[test]
    fn excerpts_answer_exactly_inside_their_windows() {
        let mut compared = 0;
        for text in TEXTS {
            let len = text.len();
            let mid = text
                .char_indices()
                .map(|(i, _)| i)
                .nth(text.chars().count() / 2)
                .unwrap_or(0);
            let near_end = text.char_indices().map(|(i, _)| i).rev().nth(1).unwrap_or(0);
            let span_sets: Vec<Vec<Span>> = vec![
                vec![Span::empty(0)],
                vec![Span::empty(len)],
                vec![Span::new(near_end, len)],
                vec![Span::new(0, 2.min(len))],
                vec![Span::empty(mid)],
                vec![Span::new(mid, len)],
                vec![Span::new(0, mid)],
                // Overlapping and touching windows, and one far from them.
                vec![
                    Span::empty(mid),
                    Span::new(mid.saturating_sub(3), mid + 1),
                    Span::empty(0),
                ],
                vec![Span::empty(0), Span::empty(len)],
                // Offsets inside a multi-byte char and past the end.
                vec![Span::new(mid + 1, mid + 2), Span::new(len + 5, len + 9)],
            ];
            for keep in &span_sets {
                let keep: Vec<Span> = keep.iter().map(|s| Span::new(s.start, s.end.max(s.start))).collect();
                for context in [0, 1, 2, 3] {
                    compared += assert_excerpt_agrees(text, &keep, context);
                }
            }
        }
        assert!(
            compared > 1000,
            "only {compared} offsets compared: the texts are all kept whole"
        );
    }

    #[test]
    fn every_line_alone_and_every_pair_of_lines() {
        let text = TEXTS[3];
        let full = SourceText::new(text);
        let lines = full.line_starts().len();
        for a in 0..lines {
            for b in a..lines {
                let keep = [Span::empty(full.line_starts()[a]), Span::empty(full.line_starts()[b])];
                assert_excerpt_agrees(text, &keep, 0);
                assert_excerpt_agrees(text, &keep, 1);
            }
        }
    }

    #[test]
    fn excerpts_degrade_outside_their_windows() {
        let text = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nlast é";
        let at = text.find('f').unwrap_or(0);
        let part = SourceText::excerpt_with_context(text.to_string(), [Span::empty(at)], 1);
        assert!(part.is_excerpt());
        assert_eq!(part.full_text(), None);
        assert_eq!(part.len(), text.len());
        let kept = part.segment_at(at).map(|s| s.text);
        assert_eq!(kept, Some("e\nf\ng\n"));
        for o in (0..text.len() + 3).filter(|o| part.segment_at(*o).is_none()) {
            assert_eq!(part.line_col(o), LineCol { line: 1, column: 1 });
            assert_eq!(part.line_index(o), 0);
            assert_eq!(part.utf16_position(o), (0, 0));
            assert_eq!(part.slice(Span::new(o, o + 1)), "");
            assert_eq!(part.floor_boundary(o), o.min(text.len()));
            assert_eq!(part.is_char_boundary(o), o <= text.len());
        }
        // A span from a window into the gap after it is not in the excerpt.
        assert_eq!(part.slice(Span::new(at, at + 4)), "f\ng\n");
        assert_eq!(part.slice(Span::new(at, at + 5)), "");
        assert_eq!(part.line_col(at), LineCol { line: 6, column: 1 });
    }

    #[test]
    fn nothing_kept_keeps_only_the_length() {
        let part = SourceText::excerpt("é\nabc".to_string(), []);
        assert!(part.is_excerpt());
        assert_eq!(part.len(), 6);
        assert!(part.segment_at(0).is_none());
        assert_eq!(part.line_col(4), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn whole_or_lone_cr_texts_stay_full() {
        let short = SourceText::excerpt("a\nb\n".to_string(), [Span::new(0, 1)]);
        assert_eq!(short.full_text(), Some("a\nb\n"), "every line is in the window");
        let mut lone_cr = "x\n".repeat(20);
        lone_cr.push_str("old mac\rline\n");
        let part = SourceText::excerpt(lone_cr.clone(), [Span::empty(0)]);
        assert_eq!(part.full_text(), Some(lone_cr.as_str()));
        let crlf = "x\r\n".repeat(20);
        assert!(SourceText::excerpt(crlf, [Span::empty(0)]).is_excerpt());
        // With nothing to show, even a lone `\r` text is dropped.
        assert!(SourceText::excerpt(lone_cr, []).is_excerpt());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 64, failure_persistence: None, ..proptest::prelude::ProptestConfig::default()
        })]

        #[test]
        fn random_texts_and_spans(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["a", "bc", " ", "é", "😀", "\n", "\r\n", "\n\n", "<p>", "ü\n"]),
                0..80,
            ),
            spans in proptest::collection::vec((0usize..400, 0usize..40), 0..5),
            context in 0usize..4,
        ) {
            let text: String = pieces.concat();
            let keep: Vec<Span> = spans.iter().map(|&(at, len)| Span::new(at, at + len)).collect();
            assert_excerpt_agrees(&text, &keep, context);
        }
    }
}

//! Converts byte offsets to lines and columns and back: UTF-16 columns for LSP, 1-based
//! character columns for people.

/// A 0-based line and a 0-based column (its unit depends on the method that made it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// A character outside ASCII, with running totals that turn byte counts into UTF-16 units and
/// characters without walking the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Wide {
    offset: u32,
    len_utf8: u8,
    len_utf16: u8,
    /// Bytes minus UTF-16 units of the text before this character.
    utf16_saved_before: u32,
    /// Bytes minus characters of the text before this character.
    chars_saved_before: u32,
}

/// The offsets where each line starts (one entry per line, not per byte) and the characters
/// outside ASCII (one entry each), so that every conversion costs a binary search, whatever
/// the length of the line: a policy written on one line of a megabyte is converted as fast
/// as one written on many.
///
/// Lines end with LF, CRLF or a lone CR, as the LSP specification says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
    wide: Vec<Wide>,
    /// Bytes minus UTF-16 units, and bytes minus characters, of the whole text.
    utf16_saved: u32,
    chars_saved: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // The CR of a CRLF is not a line end of its own: the LF is.
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                continue;
            }
            line_starts.push(i as u32 + 1);
        }
        let mut wide = Vec::new();
        let (mut utf16_saved, mut chars_saved) = (0u32, 0u32);
        if !text.is_ascii() {
            for (offset, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
                let (len_utf8, len_utf16) = (c.len_utf8() as u32, c.len_utf16() as u32);
                wide.push(Wide {
                    offset: offset as u32,
                    len_utf8: len_utf8 as u8,
                    len_utf16: len_utf16 as u8,
                    utf16_saved_before: utf16_saved,
                    chars_saved_before: chars_saved,
                });
                utf16_saved += len_utf8 - len_utf16;
                chars_saved += len_utf8 - 1;
            }
        }
        LineIndex {
            line_starts,
            len: text.len() as u32,
            wide,
            utf16_saved,
            chars_saved,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The line holding `offset` (clamped to the text) and the offset where it starts.
    fn line_of(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        (line as u32, self.line_starts[line])
    }

    /// The first wide character at or after `offset`.
    fn wide_from(&self, offset: u32) -> usize {
        self.wide.partition_point(|w| w.offset < offset)
    }

    /// Bytes minus UTF-16 units, and bytes minus characters, of the text before `offset` (a
    /// character boundary).
    fn saved_before(&self, offset: u32) -> (u32, u32) {
        match self.wide.get(self.wide_from(offset)) {
            Some(w) => (w.utf16_saved_before, w.chars_saved_before),
            None => (self.utf16_saved, self.chars_saved),
        }
    }

    /// The line of `offset`, where it starts and the offset itself, clamped to a character
    /// boundary inside the text.
    fn locate(&self, text: &str, offset: u32) -> (u32, u32, u32) {
        let (line, start) = self.line_of(offset);
        let offset = floor_char_boundary(text, offset.min(self.len) as usize) as u32;
        (line, start, offset.max(start))
    }

    /// The byte offset's line and its column in UTF-16 code units (LSP's default encoding).
    /// Offsets past the end or inside a character are clamped to a valid position.
    pub fn to_utf16(&self, text: &str, offset: u32) -> LineCol {
        let (line, start, offset) = self.locate(text, offset);
        let saved = self.saved_before(offset).0 - self.saved_before(start).0;
        LineCol {
            line,
            col: offset - start - saved,
        }
    }

    /// The byte offset's 1-based line and 1-based column counted in characters, for people.
    pub fn to_human(&self, text: &str, offset: u32) -> LineCol {
        let (line, start, offset) = self.locate(text, offset);
        let saved = self.saved_before(offset).1 - self.saved_before(start).1;
        LineCol {
            line: line + 1,
            col: offset - start - saved + 1,
        }
    }

    /// The byte offset of a line and UTF-16 column. A line past the end gives the end of the
    /// text; a column past the end of its line gives the end of that line (before its line
    /// end); a column inside a surrogate pair gives the end of that character.
    pub fn from_utf16(&self, text: &str, position: LineCol) -> u32 {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return self.len;
        };
        let bytes = text.as_bytes();
        let line_end = match self.line_starts.get(position.line as usize + 1) {
            Some(&next) => {
                let crlf = next >= start + 2
                    && bytes.get(next as usize - 1) == Some(&b'\n')
                    && bytes.get(next as usize - 2) == Some(&b'\r');
                next - if crlf { 2 } else { 1 }
            }
            None => self.len,
        };
        // ASCII runs cost one unit per byte; only the wide characters between need a look.
        let (mut at, mut units) = (start, 0u32);
        for w in &self.wide[self.wide_from(start)..] {
            if w.offset >= line_end {
                break;
            }
            if units + (w.offset - at) >= position.col {
                return at + (position.col - units);
            }
            units += w.offset - at;
            units += u32::from(w.len_utf16);
            at = w.offset + u32::from(w.len_utf8);
        }
        if units >= position.col {
            return at;
        }
        (at + (position.col - units)).min(line_end)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "a\r\nb😀c\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        let c = text.find('c').unwrap() as u32;
        assert_eq!(index.to_utf16(text, c), LineCol { line: 1, col: 3 });
        assert_eq!(index.to_human(text, c), LineCol { line: 2, col: 3 });
        assert_eq!(index.from_utf16(text, LineCol { line: 1, col: 3 }), c);
        // Past the end of a CRLF line: before the `\r`.
        assert_eq!(index.from_utf16(text, LineCol { line: 0, col: 99 }), 1);
        assert_eq!(
            index.from_utf16(text, LineCol { line: 99, col: 0 }),
            text.len() as u32
        );
        // Inside a multi-byte character: clamped to its start.
        let emoji = text.find('😀').unwrap() as u32;
        assert_eq!(index.to_utf16(text, emoji + 2), LineCol { line: 1, col: 1 });
        assert_eq!(index.to_utf16(text, 1000), LineCol { line: 2, col: 1 });
    }

    #[test]
    fn a_lone_cr_ends_a_line() {
        let text = "a\rb\r\nc\nd\r";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 5);
        let d = text.find('d').unwrap() as u32;
        assert_eq!(index.to_utf16(text, d), LineCol { line: 3, col: 0 });
        assert_eq!(index.from_utf16(text, LineCol { line: 1, col: 0 }), 2);
        // Past the end of a line: before its line end, whichever it is.
        assert_eq!(index.from_utf16(text, LineCol { line: 0, col: 9 }), 1);
        assert_eq!(index.from_utf16(text, LineCol { line: 1, col: 9 }), 3);
        assert_eq!(index.from_utf16(text, LineCol { line: 3, col: 9 }), d + 1);
        assert_eq!(
            index.from_utf16(text, LineCol { line: 4, col: 0 }),
            text.len() as u32
        );
    }

    /// The columns of every offset, worked out by walking the text, as the index must give.
    #[test]
    fn conversions_agree_with_walking_the_text() {
        let text = "ab\u{e9}\u{1F600}c\r\n\u{4e2d}x\ry\u{1F600}\u{1F600}\nz\u{e9}";
        let index = LineIndex::new(text);
        let (mut line, mut col16, mut chars) = (0u32, 0u32, 0u32);
        let mut offsets: Vec<(usize, char)> = text.char_indices().collect();
        offsets.push((text.len(), '\0'));
        let mut previous = '\0';
        for (offset, c) in offsets {
            let offset = offset as u32;
            assert_eq!(
                index.to_utf16(text, offset),
                LineCol { line, col: col16 },
                "at {offset}"
            );
            assert_eq!(
                index.to_human(text, offset),
                LineCol {
                    line: line + 1,
                    col: chars + 1
                }
            );
            // The LF of a CRLF has no position of its own.
            if !(c == '\n' && previous == '\r') {
                assert_eq!(
                    index.from_utf16(text, LineCol { line, col: col16 }),
                    offset,
                    "back from {line}:{col16}"
                );
            }
            let crlf = text[offset as usize..].starts_with("\r\n");
            if c == '\n' || (c == '\r' && !crlf) {
                line += 1;
                col16 = 0;
                chars = 0;
            } else {
                col16 += c.len_utf16() as u32;
                chars += 1;
            }
            previous = c;
        }
    }
}

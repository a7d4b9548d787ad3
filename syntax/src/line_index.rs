//! Converts byte offsets to lines and columns and back: UTF-16 columns for LSP, 1-based
//! character columns for people.

/// A 0-based line and a 0-based column (its unit depends on the method that made it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The offsets where each line starts. One entry per line, not per byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
        LineIndex {
            line_starts,
            len: text.len() as u32,
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

    /// The byte offset's line and its column in UTF-16 code units (LSP's default encoding).
    /// Offsets past the end or inside a character are clamped to a valid position.
    pub fn to_utf16(&self, text: &str, offset: u32) -> LineCol {
        let (line, start) = self.line_of(offset);
        let offset = floor_char_boundary(text, offset.min(self.len) as usize);
        let col = text[start as usize..offset].encode_utf16().count() as u32;
        LineCol { line, col }
    }

    /// The byte offset's 1-based line and 1-based column counted in characters, for people.
    pub fn to_human(&self, text: &str, offset: u32) -> LineCol {
        let (line, start) = self.line_of(offset);
        let offset = floor_char_boundary(text, offset.min(self.len) as usize);
        let col = text[start as usize..offset].chars().count() as u32;
        LineCol {
            line: line + 1,
            col: col + 1,
        }
    }

    /// The byte offset of a line and UTF-16 column. A line past the end gives the end of the
    /// text; a column past the end of its line gives the end of that line (before its newline).
    pub fn from_utf16(&self, text: &str, position: LineCol) -> u32 {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return self.len;
        };
        let next_start = self.line_starts.get(position.line as usize + 1);
        let line_end = next_start.map_or(self.len, |&next| next - 1);
        let line = &text[start as usize..line_end as usize];
        // The `\r` of a CRLF ends the line; a lone `\r` at the very end is text.
        let line = match next_start {
            Some(_) => line.strip_suffix('\r').unwrap_or(line),
            None => line,
        };
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            if units >= position.col {
                return start + i as u32;
            }
            units += c.len_utf16() as u32;
        }
        start + line.len() as u32
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
}

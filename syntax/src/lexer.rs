//! A hand-written, mode-driven lexer for policy XML: the parser says which mode it is in.

use crate::SyntaxKind::{self, *};

/// What the parser expects next; each mode knows a different set of tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Between tags: character data and markup openers.
    Content,
    /// Inside `<Name ...>` or `</Name ...>`.
    Tag,
    /// Between the quotes of an attribute value.
    AttrValue(u8),
    /// After `<!--`.
    Comment,
    /// After `<![CDATA[`.
    Cdata,
    /// After `<?`: the target name, then the body.
    ProcessingInstruction,
    /// After `<!DOCTYPE`.
    Doctype,
}

/// A token found by the lexer: its kind and its end offset (it starts where the lexer stood).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lexed {
    pub kind: SyntaxKind,
    pub end: usize,
}

pub(crate) fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':' || (c as u32 >= 0xC0 && !c.is_whitespace())
}

pub(crate) fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit() || c == '-' || c == '.' || c == '\u{B7}'
}

fn is_xml_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Which bytes continue a name when they are ASCII (`is_name_char` restricted to ASCII); bytes
/// of multi-byte characters are `false` here and decoded separately. Nearly every name is
/// ASCII, and a table lookup per byte beats decoding characters.
const ASCII_NAME_CHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'-' | b'.');
        b += 1;
    }
    table
};

/// The end of the name that starts at `pos`, or `pos` when there is none.
pub(crate) fn name_end(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = pos;
    loop {
        end += bytes[end..]
            .iter()
            .position(|&b| !ASCII_NAME_CHAR[usize::from(b)])
            .unwrap_or(bytes.len() - end);
        // `end` is on a character boundary: it only ever advances by whole characters.
        match text[end..].chars().next() {
            Some(c) if !c.is_ascii() && is_name_char(c) => end += c.len_utf8(),
            _ => return end,
        }
    }
}

/// The end of the whitespace at `pos` when it is a line break (`\n` or `\r\n`), spaces and then
/// a `<`, the way text is indented between tags, and whether the line break is `\r\n`. It is
/// what `Content` mode lexes as WHITESPACE there, found a word at a time: nearly every
/// WHITESPACE token is one.
pub(crate) fn indentation(bytes: &[u8], pos: usize) -> Option<(usize, bool)> {
    let (crlf, mut end) = match bytes.get(pos..)? {
        [b'\n', ..] => (false, pos + 1),
        [b'\r', b'\n', ..] => (true, pos + 2),
        _ => return None,
    };
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    while let Some(chunk) = bytes.get(end..end + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let other = u64::from_le_bytes(word) ^ SPACES;
        if other != 0 {
            // The first byte that is not a space is the lowest nonzero one.
            end += other.trailing_zeros() as usize / 8;
            return (bytes[end] == b'<').then_some((end, crlf));
        }
        end += 8;
    }
    while bytes.get(end) == Some(&b' ') {
        end += 1;
    }
    (bytes.get(end) == Some(&b'<')).then_some((end, crlf))
}

/// Where `needle` starts at or after `pos`, or the end of the text. Delimiters are short and
/// their first byte rare in the text they end, so a vectorised search for that byte is enough.
fn find_or_end(bytes: &[u8], pos: usize, needle: &[u8]) -> usize {
    let mut from = pos;
    while let Some(i) = memchr::memchr(needle[0], &bytes[from..]) {
        let at = from + i;
        if bytes[at..].starts_with(needle) {
            return at;
        }
        from = at + 1;
    }
    bytes.len()
}

/// Lexes one token at `pos` in `mode`. Returns `None` only at the end of the input, or, in
/// `Tag` mode, at a `<` that the tag cannot own.
#[inline]
pub(crate) fn lex(text: &str, pos: usize, mode: Mode) -> Option<Lexed> {
    if pos >= text.len() {
        return None;
    }
    // One small function per mode: the parser's hot loops each use one mode, and a small
    // function inlines and keeps its state in registers.
    match mode {
        Mode::Content => Some(lex_content(text, pos)),
        Mode::Tag => lex_tag(text, pos),
        Mode::AttrValue(quote) => lex_attribute_value(text.as_bytes(), pos, quote),
        Mode::Comment => Some(lex_delimited(
            text.as_bytes(),
            pos,
            b"-->",
            COMMENT_END,
            COMMENT_TEXT,
        )),
        Mode::Cdata => Some(lex_delimited(
            text.as_bytes(),
            pos,
            b"]]>",
            CDATA_END,
            CDATA_TEXT,
        )),
        Mode::ProcessingInstruction => {
            if text.as_bytes()[pos..].starts_with(b"?>") {
                return Some(Lexed {
                    kind: PI_END,
                    end: pos + 2,
                });
            }
            let end = name_end(text, pos);
            if end > pos {
                return Some(Lexed { kind: NAME, end });
            }
            Some(lex_delimited(text.as_bytes(), pos, b"?>", PI_END, PI_TEXT))
        }
        Mode::Doctype => {
            let bytes = text.as_bytes();
            Some(if bytes[pos] == b'>' {
                Lexed {
                    kind: R_ANGLE,
                    end: pos + 1,
                }
            } else {
                Lexed {
                    kind: DOCTYPE_TEXT,
                    end: doctype_body_end(bytes, pos),
                }
            })
        }
    }
}

/// `Content` mode at `pos < text.len()`.
fn lex_content(text: &str, pos: usize) -> Lexed {
    let bytes = text.as_bytes();
    if bytes[pos] != b'<' {
        let blank_end = pos
            + bytes[pos..]
                .iter()
                .take_while(|&&b| is_xml_whitespace(b))
                .count();
        if matches!(bytes.get(blank_end), None | Some(b'<')) {
            return Lexed {
                kind: WHITESPACE,
                end: blank_end,
            };
        }
        let end = memchr::memchr(b'<', &bytes[blank_end..]).map_or(bytes.len(), |i| blank_end + i);
        return Lexed { kind: TEXT, end };
    }
    let rest = &bytes[pos..];
    let (kind, len) = match rest.get(1) {
        Some(b'/') => (L_ANGLE_SLASH, 2),
        Some(b'?') => (PI_START, 2),
        Some(b'!') => {
            if rest.starts_with(b"<!--") {
                (COMMENT_START, 4)
            } else if rest.starts_with(b"<![CDATA[") {
                (CDATA_START, 9)
            } else if rest.len() >= 9 && rest[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
                (DOCTYPE_START, 9)
            } else {
                // Unknown markup declaration: keep it as one error token up to its `>`.
                let end = memchr::memchr2(b'>', b'<', &rest[1..]).map_or(bytes.len(), |i| {
                    let at = pos + 1 + i;
                    if bytes[at] == b'>' {
                        at + 1
                    } else {
                        at
                    }
                });
                return Lexed {
                    kind: ERROR_TOKEN,
                    end,
                };
            }
        }
        _ => (L_ANGLE, 1),
    };
    Lexed {
        kind,
        end: pos + len,
    }
}

/// `Tag` mode at `pos < text.len()`.
fn lex_tag(text: &str, pos: usize) -> Option<Lexed> {
    let bytes = text.as_bytes();
    let token = |kind, len: usize| {
        Some(Lexed {
            kind,
            end: pos + len,
        })
    };
    let b = bytes[pos];
    match b {
        b'<' => None,
        b'>' => token(R_ANGLE, 1),
        b'/' if bytes.get(pos + 1) == Some(&b'>') => token(SLASH_R_ANGLE, 2),
        b'=' => token(EQ, 1),
        b'"' | b'\'' => token(QUOTE, 1),
        _ if is_xml_whitespace(b) => {
            let len = bytes[pos..]
                .iter()
                .take_while(|&&b| is_xml_whitespace(b))
                .count();
            token(WHITESPACE, len)
        }
        _ => {
            let end = name_end(text, pos);
            if end > pos {
                Some(Lexed { kind: NAME, end })
            } else {
                // One stray character (whole, even if multi-byte).
                let len = text[pos..].chars().next().map_or(1, char::len_utf8);
                token(ERROR_TOKEN, len)
            }
        }
    }
}

/// `AttrValue(quote)` mode at `pos < bytes.len()`.
fn lex_attribute_value(bytes: &[u8], pos: usize, quote: u8) -> Option<Lexed> {
    if bytes[pos] == quote {
        return Some(Lexed {
            kind: QUOTE,
            end: pos + 1,
        });
    }
    if bytes[pos] == b'<' {
        return None;
    }
    let mut len = memchr::memchr2(quote, b'<', &bytes[pos..]).unwrap_or(bytes.len() - pos);
    if bytes.get(pos + len) != Some(&quote) {
        // Unclosed value: a `>` inside it most likely ends the tag the user meant.
        if let Some(gt) = memchr::memchr(b'>', &bytes[pos..pos + len]) {
            len = gt;
        }
        if len == 0 {
            return None;
        }
    }
    Some(Lexed {
        kind: ATTR_VALUE_TEXT,
        end: pos + len,
    })
}

/// Comment, CDATA or processing-instruction body at `pos < bytes.len()`: the closer, or the
/// text up to it.
fn lex_delimited(
    bytes: &[u8],
    pos: usize,
    closer: &[u8],
    closer_kind: SyntaxKind,
    text_kind: SyntaxKind,
) -> Lexed {
    if bytes[pos..].starts_with(closer) {
        Lexed {
            kind: closer_kind,
            end: pos + closer.len(),
        }
    } else {
        Lexed {
            kind: text_kind,
            end: find_or_end(bytes, pos, closer),
        }
    }
}

/// The end of a DOCTYPE body: the `>` outside brackets, quotes and comments, or the end of
/// the input. The internal subset is skipped over, never interpreted.
fn doctype_body_end(bytes: &[u8], mut pos: usize) -> usize {
    let mut depth = 0usize;
    while pos < bytes.len() {
        match bytes[pos] {
            b'"' | b'\'' => {
                let quote = bytes[pos];
                pos += 1;
                while pos < bytes.len() && bytes[pos] != quote {
                    pos += 1;
                }
            }
            b'<' if bytes[pos..].starts_with(b"<!--") => {
                pos += 4;
                while pos < bytes.len() && !bytes[pos..].starts_with(b"-->") {
                    pos += 1;
                }
                pos += 2;
            }
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'>' if depth == 0 => return pos,
            _ => {}
        }
        pos += 1;
    }
    bytes.len()
}

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

/// The end of the name that starts at `pos`, or `pos` when there is none.
fn name_end(text: &str, pos: usize) -> usize {
    let mut end = pos;
    for c in text[pos..].chars() {
        if !is_name_char(c) {
            break;
        }
        end += c.len_utf8();
    }
    end
}

/// Where `needle` starts at or after `pos`, or the end of the text.
fn find_or_end(text: &str, pos: usize, needle: &str) -> usize {
    text[pos..].find(needle).map_or(text.len(), |i| pos + i)
}

/// Lexes one token at `pos` in `mode`. Returns `None` only at the end of the input, or, in
/// `Tag` mode, at a `<` that the tag cannot own.
pub(crate) fn lex(text: &str, pos: usize, mode: Mode) -> Option<Lexed> {
    let bytes = text.as_bytes();
    if pos >= bytes.len() {
        return None;
    }
    let rest = &text[pos..];
    let token = |kind, len: usize| {
        Some(Lexed {
            kind,
            end: pos + len,
        })
    };
    match mode {
        Mode::Content => {
            if bytes[pos] == b'<' {
                if rest.starts_with("<!--") {
                    token(COMMENT_START, 4)
                } else if rest.starts_with("<![CDATA[") {
                    token(CDATA_START, 9)
                } else if rest.len() >= 9 && rest.as_bytes()[..9].eq_ignore_ascii_case(b"<!DOCTYPE")
                {
                    token(DOCTYPE_START, 9)
                } else if rest.starts_with("<!") {
                    // Unknown markup declaration: keep it as one error token up to its `>`.
                    let end = rest[1..].find(['>', '<']).map_or(text.len(), |i| {
                        let at = pos + 1 + i;
                        if bytes[at] == b'>' {
                            at + 1
                        } else {
                            at
                        }
                    });
                    Some(Lexed {
                        kind: ERROR_TOKEN,
                        end,
                    })
                } else if rest.starts_with("<?") {
                    token(PI_START, 2)
                } else if rest.starts_with("</") {
                    token(L_ANGLE_SLASH, 2)
                } else {
                    token(L_ANGLE, 1)
                }
            } else {
                let end = find_or_end(text, pos, "<");
                let kind = if bytes[pos..end].iter().all(|&b| is_xml_whitespace(b)) {
                    WHITESPACE
                } else {
                    TEXT
                };
                Some(Lexed { kind, end })
            }
        }
        Mode::Tag => {
            let b = bytes[pos];
            match b {
                b'<' => None,
                b'>' => token(R_ANGLE, 1),
                b'/' if rest.starts_with("/>") => token(SLASH_R_ANGLE, 2),
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
                        let len = rest.chars().next().map_or(1, char::len_utf8);
                        token(ERROR_TOKEN, len)
                    }
                }
            }
        }
        Mode::AttrValue(quote) => {
            if bytes[pos] == quote {
                return token(QUOTE, 1);
            }
            if bytes[pos] == b'<' {
                return None;
            }
            let mut len = bytes[pos..]
                .iter()
                .take_while(|&&b| b != quote && b != b'<')
                .count();
            if bytes.get(pos + len) != Some(&quote) {
                // Unclosed value: a `>` inside it most likely ends the tag the user meant.
                if let Some(gt) = bytes[pos..pos + len].iter().position(|&b| b == b'>') {
                    len = gt;
                }
                if len == 0 {
                    return None;
                }
            }
            token(ATTR_VALUE_TEXT, len)
        }
        Mode::Comment => {
            if rest.starts_with("-->") {
                token(COMMENT_END, 3)
            } else {
                Some(Lexed {
                    kind: COMMENT_TEXT,
                    end: find_or_end(text, pos, "-->"),
                })
            }
        }
        Mode::Cdata => {
            if rest.starts_with("]]>") {
                token(CDATA_END, 3)
            } else {
                Some(Lexed {
                    kind: CDATA_TEXT,
                    end: find_or_end(text, pos, "]]>"),
                })
            }
        }
        Mode::ProcessingInstruction => {
            if rest.starts_with("?>") {
                return token(PI_END, 2);
            }
            let end = name_end(text, pos);
            if end > pos {
                return Some(Lexed { kind: NAME, end });
            }
            Some(Lexed {
                kind: PI_TEXT,
                end: find_or_end(text, pos, "?>"),
            })
        }
        Mode::Doctype => {
            if bytes[pos] == b'>' {
                return token(R_ANGLE, 1);
            }
            Some(Lexed {
                kind: DOCTYPE_TEXT,
                end: doctype_body_end(bytes, pos),
            })
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

//! Entity and character references: checked while parsing, resolved on demand, never expanded
//! from a DTD.

use std::borrow::Cow;

use rowan::{TextRange, TextSize};

use crate::SyntaxError;

const PREDEFINED: [&str; 5] = ["lt", "gt", "amp", "apos", "quot"];

/// Reports every malformed or unknown reference in `text[start..end]`.
pub(crate) fn check(text: &str, start: usize, end: usize, errors: &mut Vec<SyntaxError>) {
    let slice = &text[start..end];
    let mut search = 0;
    while let Some(offset) = memchr::memchr(b'&', &slice.as_bytes()[search..]) {
        let amp = search + offset;
        let after = &slice[amp + 1..];
        let semicolon = after.find(|c: char| c == ';' || c == '&' || c == '<' || c.is_whitespace());
        let at = |from: usize, to: usize| {
            TextRange::new(
                TextSize::from((start + from) as u32),
                TextSize::from((start + to) as u32),
            )
        };
        match semicolon.filter(|&i| after.as_bytes()[i] == b';') {
            None => errors.push(SyntaxError::new(
                "`&` starts a reference that has no `;` (write `&amp;` for a literal ampersand)",
                at(amp, amp + 1),
            )),
            Some(len) => {
                let name = &after[..len];
                if decode_reference(name).is_none() {
                    let message = if name.starts_with('#') {
                        format!("`&{name};` is not a valid character reference")
                    } else {
                        format!("unknown entity `&{name};`: only the five predefined entities are understood, and DTD entities are never expanded")
                    };
                    errors.push(SyntaxError::new(message, at(amp, amp + len + 2)));
                }
            }
        }
        search = amp + 1;
    }
}

/// The character a reference body (between `&` and `;`) stands for.
fn decode_reference(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    let index = PREDEFINED.iter().position(|&p| p == name)?;
    Some(['<', '>', '&', '\'', '"'][index])
}

/// The text with its predefined and numeric references resolved. Anything malformed is kept
/// as written (the parser has already reported it).
pub fn unescape(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    if let Ok(value) = quick_xml::escape::unescape(raw) {
        return value;
    }
    // Lenient fallback for text with a broken reference: resolve what can be resolved.
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match after
            .find(';')
            .and_then(|len| Some((len, decode_reference(&after[..len])?)))
        {
            Some((len, c)) => {
                out.push(c);
                rest = &after[len + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

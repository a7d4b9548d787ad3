//! Fuzz target: the parser on arbitrary bytes (read as lossy UTF-8) never panics, and the
//! tree's text is the input byte for byte.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parse = syntax::parse(&text);
    assert_eq!(parse.syntax().text().to_string(), text);
    for error in parse.errors() {
        assert!(usize::from(error.range.end()) <= text.len());
    }
    let index = syntax::LineIndex::new(&text);
    let end = index.to_utf16(&text, text.len() as u32);
    assert_eq!(index.from_utf16(&text, end) as usize, text.len());
});

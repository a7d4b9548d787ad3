//! Fuzz target: the parser on arbitrary bytes (read as lossy UTF-8) never panics, and the
//! tree's text is the input byte for byte. The work itself lives in `b2c_lsp::fuzzing`,
//! shared with the regression test.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| b2c_lsp::fuzzing::parse_target(data));

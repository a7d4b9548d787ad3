//! Fuzz target: a policy file built from arbitrary bytes goes through the whole analysis —
//! index, diagnostics, and every request kind at offsets taken from the input — without a
//! panic. The first bytes pick the offsets; the rest is the file, indexed beside a fixed
//! base policy so that chains, references and journeys have something to resolve against.
//! The work itself lives in `b2c_lsp::fuzzing`, shared with the regression test.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| b2c_lsp::fuzzing::analysis_target(data));

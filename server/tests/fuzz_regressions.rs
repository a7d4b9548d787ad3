//! Replays every input kept in `test_data/fuzz-regressions/` through what the two fuzz targets
//! (`server/fuzz`) do with it: the parser's round trip, and parse + index + diagnostics + every
//! request kind at offsets taken from the input. Each file there once crashed or hung a target
//! (or guards a bug of the same kind); none may again.

use std::path::{Path, PathBuf};

use b2c_lsp::fuzzing::{analysis_target, parse_target};

#[test]
fn every_kept_input_passes_both_targets() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/fuzz-regressions");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("test_data/fuzz-regressions")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_none_or(|e| e != "md"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    for input in inputs {
        let data = std::fs::read(&input).expect("read input");
        let replay = std::panic::catch_unwind(|| {
            parse_target(&data);
            analysis_target(&data);
        });
        assert!(replay.is_ok(), "{} fails again", input.display());
    }
}

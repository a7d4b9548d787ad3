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

/// The fuzzers' seeds (every fixture of the project), and each one cut at a few places,
/// through the parse target: the line index and the first-bytes policy test on real files.
#[test]
fn every_seed_passes_the_parse_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut stack = vec![
        root.join("syntax/test_data"),
        root.join("examples"),
        root.join("server/test_data"),
    ];
    let mut seeds = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a fixture folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let data = std::fs::read(&path).expect("read a fixture");
            for cut in [data.len(), data.len() / 2, data.len() / 7, 64] {
                let piece = &data[..cut.min(data.len())];
                let replay = std::panic::catch_unwind(|| parse_target(piece));
                assert!(replay.is_ok(), "{} cut at {cut}", path.display());
            }
            seeds += 1;
        }
    }
    assert!(seeds > 50);
}

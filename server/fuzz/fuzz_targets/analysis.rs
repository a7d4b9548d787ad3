//! Fuzz target: a policy file built from arbitrary bytes goes through the whole analysis —
//! index, diagnostics, and every request kind at offsets taken from the input — without a
//! panic. The first bytes pick the offsets; the rest is the file, indexed beside a fixed
//! base policy so that chains, references and journeys have something to resolve against.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use b2c_lsp::index::Workspace;
use b2c_lsp::{diagnostics, ide, journeys, navigation};
use libfuzzer_sys::fuzz_target;

const BASE: &str = include_str!("../../../examples/TrustFrameworkBase.xml");

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (picks, body) = data.split_at(8);
    let text = String::from_utf8_lossy(body).into_owned();
    let workspace = Workspace::new();
    let base = PathBuf::from("/fuzz/TrustFrameworkBase.xml");
    let path = PathBuf::from("/fuzz/Policy.xml");
    workspace.set_file(base.clone(), Arc::from(BASE), false);
    workspace.set_file(path.clone(), Arc::from(text.as_str()), false);

    let len = text.len() as u32;
    // Offsets in and out of bounds, mid-character included.
    let offsets: Vec<u32> = picks
        .chunks(2)
        .map(|pair| u32::from(u16::from_le_bytes([pair[0], pair[1]])))
        .map(|raw| {
            if raw & 0x8000 != 0 {
                raw & 0x7fff
            } else {
                raw % (len + 2)
            }
        })
        .collect();

    for file in [path.as_path(), base.as_path()] {
        let _ = diagnostics::file_diagnostics(&workspace, file);
        let _ = navigation::outline(&workspace, file);
        let _ = journeys::journeys_json(&workspace, file);
    }
    for &offset in &offsets {
        requests(&workspace, &path, offset);
    }
    let query: String = text.chars().take(12).collect();
    let _ = navigation::workspace_symbols(&workspace, &query, 64);

    // The same file, edited: re-indexing over an earlier version must hold up too.
    let cut = offsets[0] as usize % (text.len() + 1);
    let cut = (0..=cut)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let edited = format!("{}{}", &text[..cut], &text[cut..].replacen('<', "", 1));
    workspace.set_file(path.clone(), Arc::from(edited.as_str()), false);
    let _ = diagnostics::file_diagnostics(&workspace, &path);
    let _ = diagnostics::file_diagnostics(&workspace, &base);
    requests(&workspace, &path, offsets[1]);
    workspace.remove_file(&path);
    let _ = diagnostics::file_diagnostics(&workspace, &base);
});

fn requests(workspace: &Workspace, path: &Path, offset: u32) {
    let _ = navigation::definition(workspace, path, offset);
    let _ = navigation::references(workspace, path, offset, true);
    let _ = navigation::prepare_rename(workspace, path, offset);
    let _ = navigation::rename(workspace, path, offset, "Renamed_Id");
    let _ = ide::hover(workspace, path, offset);
    let _ = ide::completion(workspace, path, offset);
    let _ = journeys::journey_hover(workspace, path, offset);
}

//! What the fuzz targets in `server/fuzz` do with an input, shared with the regression test
//! that replays the inputs that once crashed them: the parser's round trip with the line
//! index's conversions and the first-bytes policy test, and parse + index + diagnostics +
//! every request kind at offsets taken from the input.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::index::{FileData, Workspace};
use crate::{diagnostics, files, ide, journeys, navigation};

const BASE: &str = include_str!("../../examples/TrustFrameworkBase.xml");

/// The `parse` target.
pub fn parse_target(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let parse = syntax::parse(&text);
    assert_eq!(parse.syntax().text().to_string(), text);
    for error in parse.errors() {
        assert!(usize::from(error.range.end()) <= text.len());
    }
    let index = syntax::LineIndex::new(&text);
    let end = index.to_utf16(&text, text.len() as u32);
    assert_eq!(index.from_utf16(&text, end) as usize, text.len());
    line_index_agrees_with_a_walk(&text, &index);
    // Telling a policy from its first bytes never turns a policy away.
    if let Ok(text) = std::str::from_utf8(data) {
        let is_policy = FileData::new(PathBuf::from("/fuzz/P.xml"), Arc::from(text), false)
            .summary
            .is_policy;
        let half = &data[..data.len() / 2];
        if is_policy {
            assert!(files::may_be_policy(data, true), "a policy taken for none");
            assert!(
                files::may_be_policy(half, false),
                "a policy's head taken for none"
            );
        }
    }
}

/// Every character boundary of `text` converts to the line and UTF-16 column a walk of the
/// text gives (LF, CRLF and a lone CR end a line) and back; the LF of a CRLF has no position
/// of its own.
fn line_index_agrees_with_a_walk(text: &str, index: &syntax::LineIndex) {
    let (mut line, mut col) = (0u32, 0u32);
    let mut previous = '\0';
    let boundaries = text.char_indices().chain([(text.len(), '\0')]);
    for (offset, c) in boundaries {
        let at = syntax::LineCol { line, col };
        assert_eq!(index.to_utf16(text, offset as u32), at, "offset {offset}");
        if !(c == '\n' && previous == '\r') {
            assert_eq!(index.from_utf16(text, at) as usize, offset, "{at:?}");
        }
        if c == '\n' || (c == '\r' && !text[offset..].starts_with("\r\n")) {
            line += 1;
            col = 0;
        } else {
            col += c.len_utf16() as u32;
        }
        previous = c;
    }
}

/// The `analysis` target: the first eight bytes pick offsets, the rest is a policy file
/// indexed beside a fixed base.
pub fn analysis_target(data: &[u8]) {
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
        let _ = journeys::diagram(&workspace, file, "fuzz", None);
    }
    for &offset in &offsets {
        requests(&workspace, &path, offset);
    }
    let query: String = text.chars().take(12).collect();
    let _ = navigation::workspace_symbols(&workspace, &query, 64);
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
}

fn requests(workspace: &Workspace, path: &Path, offset: u32) {
    let _ = navigation::definition(workspace, path, offset);
    let _ = navigation::references(workspace, path, offset, true);
    let _ = navigation::prepare_rename(workspace, path, offset);
    let _ = navigation::rename(workspace, path, offset, "Renamed_Id");
    let _ = ide::hover(workspace, path, offset);
    let _ = ide::completion(workspace, path, offset);
    let _ = journeys::journey_hover(workspace, path, offset);
}

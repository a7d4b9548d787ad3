//! Finding policy files on disk and reading them: recursive walks that survive symlink loops
//! and unreadable folders, and decoding of UTF-8 (with or without BOM) and UTF-16 text.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Every `*.xml` file under `root` (or `root` itself when it is a file), sorted.
/// Unreadable folders are skipped; each real folder is visited once, so symlink loops end.
///
/// A symlink whose target is inside `root` is listed under the target's own path (so that one
/// file never appears under two names: go to definition would open it twice and references
/// would split between the names). A symlink to a folder outside `root` is not followed: a
/// link to `/` must not walk the whole file system. A symlink to a single file outside `root`
/// is listed under the link's path, the only one it has in the workspace.
pub fn xml_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(metadata) = fs::metadata(root) else {
        return out;
    };
    if !metadata.is_dir() {
        if metadata.is_file() && is_xml(root) {
            out.push(root.to_path_buf());
        }
        return out;
    }
    let Ok(real_root) = fs::canonicalize(root) else {
        return out;
    };

    // (folder, its real path). A real path is worked out by a system call only for the root
    // and for symlinks; a plain subfolder's is its parent's plus its name. That keeps the
    // walk to one read_dir per folder, where a stat and a realpath per entry were most of it.
    let mut visited = HashSet::new();
    let mut stack = vec![(root.to_path_buf(), real_root.clone())];
    while let Some((folder, real)) = stack.pop() {
        if !visited.insert(real.clone()) {
            continue;
        }
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            // Dependency and VCS folders never hold the user's policies.
            let shown = name.to_string_lossy();
            if shown.starts_with('.') || shown == "node_modules" || shown == "target" {
                continue;
            }
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_symlink() {
                let Ok(target) = fs::metadata(&path) else {
                    continue;
                };
                let Ok(target_real) = fs::canonicalize(&path) else {
                    continue;
                };
                // The target's path as seen from `root`, when it is inside.
                let inside = target_real
                    .strip_prefix(&real_root)
                    .ok()
                    .map(|relative| root.join(relative));
                if target.is_dir() {
                    if let Some(inside) = inside {
                        stack.push((inside, target_real));
                    }
                } else if target.is_file() && is_xml(&path) {
                    match inside {
                        Some(inside) if is_xml(&inside) => out.push(inside),
                        _ => out.push(path),
                    }
                }
            } else if kind.is_dir() {
                stack.push((path, real.join(&name)));
            } else if kind.is_file() && is_xml(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Reads a file's bytes, refusing anything but a regular file: a named pipe would block and a
/// device would never end.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    if !fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    fs::read(path)
}

pub fn is_xml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}

/// Why a file's bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub message: String,
}

/// Decodes a file's bytes: UTF-8 (a BOM is kept, the parser knows it) or UTF-16 with a BOM.
pub fn decode(bytes: Vec<u8>) -> Result<String, DecodeError> {
    let utf16 = |little: bool| -> Result<String, DecodeError> {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|pair| {
                let (a, b) = (pair[0], *pair.get(1).unwrap_or(&0));
                if little {
                    u16::from_le_bytes([a, b])
                } else {
                    u16::from_be_bytes([a, b])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| DecodeError {
            message: "the file starts with a UTF-16 byte-order mark but is not valid UTF-16"
                .to_owned(),
        })
    };
    match bytes.as_slice() {
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        _ => String::from_utf8(bytes).map_err(|e| DecodeError {
            message: format!(
                "the file is not valid UTF-8 (first bad byte at offset {}); save it as UTF-8 to have it checked",
                e.utf8_error().valid_up_to()
            ),
        }),
    }
}

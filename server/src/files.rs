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
        let mut subfolders = Vec::new();
        let mut builds_environments = false;
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
            if shown == crate::environments::APPSETTINGS {
                builds_environments = true;
            }
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
                        subfolders.push((name.clone(), inside, target_real));
                    }
                } else if target.is_file() && is_xml(&path) {
                    match inside {
                        Some(inside) if is_xml(&inside) => out.push(inside),
                        _ => out.push(path),
                    }
                }
            } else if kind.is_dir() {
                let real = real.join(&name);
                subfolders.push((name, path, real));
            } else if kind.is_file() && is_xml(&path) {
                out.push(path);
            }
        }
        // The folder where `b2c-lsp build` (or the official build) writes each environment's
        // copy is output, not source: indexing it would claim every PolicyId twice.
        let built = builds_environments
            .then(|| environments_folder(&folder))
            .flatten();
        stack.extend(
            subfolders
                .into_iter()
                .filter(|(name, _, _)| built.as_deref() != Some(name.as_os_str()))
                .map(|(_, path, real)| (path, real)),
        );
    }
    out.sort();
    out.dedup();
    out
}

/// Which files a workspace loads, in order, and whether each is an ancestor only (from a base
/// location): every `*.xml` under `roots`, then under `bases` and the `base` locations of the
/// `b2c-lsp.toml` files that govern them, less what those files' `ignore` patterns leave out.
/// The one plan of both `check` and the server.
pub fn plan(
    roots: &[PathBuf],
    bases: &[PathBuf],
    configs: &crate::config::Store,
) -> Vec<(PathBuf, bool)> {
    let mut seen = HashSet::new();
    let mut wanted = Vec::new();
    let mut config_bases: Vec<PathBuf> = Vec::new();
    let mut take = |file: PathBuf, base_only: bool, config_bases: &mut Vec<PathBuf>| {
        if !seen.insert(file.clone()) {
            return;
        }
        let absolute = std::path::absolute(&file).unwrap_or_else(|_| file.clone());
        // A file that does not read is not applied: the front end says why.
        if let Some(Ok(config)) = configs.for_file(&absolute) {
            if config.ignores(&absolute) {
                return;
            }
            for base in &config.bases {
                if !config_bases.contains(base) {
                    config_bases.push(base.clone());
                }
            }
        }
        wanted.push((file, base_only));
    };
    for root in roots {
        for file in xml_files(root) {
            take(file, false, &mut config_bases);
        }
    }
    let mut next = 0;
    let mut all_bases: Vec<PathBuf> = bases.to_vec();
    loop {
        for base in std::mem::take(&mut config_bases) {
            if !all_bases.contains(&base) {
                all_bases.push(base);
            }
        }
        let Some(base) = all_bases.get(next).cloned() else {
            break;
        };
        next += 1;
        for file in xml_files(&base) {
            take(file, true, &mut config_bases);
        }
    }
    wanted
}

/// What reading one planned file gives.
pub enum Read {
    /// A policy, parsed and summarised.
    Policy(crate::index::FileData),
    /// Bytes that are not text: indexed as an ancestor from its text as best it reads, so that
    /// the policies based on it still find their base; with why, unless it is an ancestor only.
    Undecodable(crate::index::FileData, Option<String>),
    /// Not a policy (another kind of XML).
    NotPolicy,
    /// Could not be read.
    Unreadable(std::io::Error),
}

/// Reads, decodes and parses one file of a [`plan`] (the work that runs on all cores).
pub fn read(path: PathBuf, base_only: bool) -> Read {
    use crate::index::FileData;
    match read_if_policy(&path) {
        Err(e) => Read::Unreadable(e),
        Ok(None) => Read::NotPolicy,
        Ok(Some(bytes)) => match decode(bytes) {
            Ok(text) => Read::Policy(FileData::new(path, std::sync::Arc::from(text), base_only)),
            Err(e) => Read::Undecodable(
                FileData::new(path, std::sync::Arc::from(e.lossy), true),
                (!base_only).then_some(e.message),
            ),
        },
    }
}

/// The name of the environments output folder of the `appsettings.json` in `folder`.
fn environments_folder(folder: &Path) -> Option<std::ffi::OsString> {
    let text = fs::read_to_string(folder.join(crate::environments::APPSETTINGS)).ok()?;
    // A malformed file still names the default folder: it is output either way.
    let name = crate::environments::AppSettings::parse(&text)
        .map(|s| s.environments_folder)
        .unwrap_or_else(|_| "Environments".to_owned());
    let name = Path::new(name.trim()).components().next()?;
    Some(name.as_os_str().to_owned())
}

/// The largest file read. B2C takes policy files of a few megabytes at most; a larger `.xml`
/// file is something else, and reading it would cost its size several times over.
pub const MAX_FILE: u64 = 32 << 20;

/// How much of a file is read to tell whether it can be a policy.
const HEAD: usize = 4096;

/// Reads a regular file whole if it can be a policy, judged from its first bytes (anything but
/// a regular file is refused: a named pipe would block and a device would never end). A large
/// `.xml` file that is something else (a data export, a log) is never read whole, nor parsed.
/// `Ok(None)` means it is not a policy.
pub fn read_if_policy(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    // Looked at before opening: opening a named pipe blocks until someone writes to it.
    let metadata = fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut file = fs::File::open(path)?;
    let mut bytes = Vec::new();
    (&mut file).take(HEAD as u64).read_to_end(&mut bytes)?;
    if !may_be_policy(&bytes, bytes.len() < HEAD) {
        return Ok(None);
    }
    if metadata.len() > MAX_FILE {
        return Err(std::io::Error::other(format!(
            "{} MB, larger than any policy ({} MB at most are read)",
            metadata.len() >> 20,
            MAX_FILE >> 20
        )));
    }
    bytes.reserve(
        usize::try_from(metadata.len())
            .unwrap_or(0)
            .saturating_sub(bytes.len()),
    );
    file.read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// Whether a file starting with `head` can be a policy: false only when its first element is
/// plainly something other than `TrustFrameworkPolicy`, or when the whole file (`whole`) has
/// no element. As the parser does, declarations, comments and stray text before the first
/// element are passed over; anything rarer (a DOCTYPE, CDATA, a stray end tag) and UTF-16
/// files are not looked into, and the file is read.
pub fn may_be_policy(head: &[u8], whole: bool) -> bool {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let after = |from: usize, needle: &[u8]| {
        head.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|at| from + at + needle.len())
    };
    let mut at = 0;
    loop {
        let Some(open) = head[at..].iter().position(|&b| b == b'<').map(|i| at + i) else {
            return !whole;
        };
        let rest = &head[open..];
        // The closer is looked for after the opener, as the parser does: in `<?>` or `<!-->`
        // the opener's own characters close nothing.
        let skipped = if rest.starts_with(b"<?") {
            after(open + 2, b"?>")
        } else if rest.starts_with(b"<!--") {
            after(open + 4, b"-->")
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") {
            return true;
        } else if rest.get(1).is_some_and(|&b| b >= 0x80) {
            // Names outside ASCII: left to the parser.
            return true;
        } else if rest
            .get(1)
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_' || b == b':')
        {
            let name_char = |b: u8| b.is_ascii_alphanumeric() || b"_:-.".contains(&b);
            let name_end = rest[1..]
                .iter()
                .position(|&b| !name_char(b))
                .map_or(rest.len(), |i| i + 1);
            if (name_end == rest.len() && !whole) || rest.get(name_end).is_some_and(|&b| b >= 0x80)
            {
                // The name may run on past what was read, or outside ASCII.
                return true;
            }
            let name = &rest[1..name_end];
            let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
            return local == b"TrustFrameworkPolicy";
        } else if rest.len() == 1 && !whole {
            return true;
        } else {
            // A `<` that starts nothing: text.
            Some(open + 1)
        };
        match skipped {
            Some(next) => at = next,
            None => return !whole,
        }
    }
}

pub fn is_xml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}

/// Why a file's bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub message: String,
    /// The text as best it reads, each invalid sequence replaced: enough for its ids, so that
    /// the policies based on it still find their base.
    pub lossy: String,
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
            lossy: String::from_utf16_lossy(&units),
        })
    };
    match bytes.as_slice() {
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        _ => String::from_utf8(bytes).map_err(|e| DecodeError {
            lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            message: format!(
                "the file is not valid UTF-8 (first bad byte at offset {}); save it as UTF-8 to have it checked",
                e.utf8_error().valid_up_to()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::may_be_policy;

    #[test]
    fn the_first_element_tells_a_policy() {
        let policy = |head: &str| may_be_policy(head.as_bytes(), true);
        assert!(policy("<TrustFrameworkPolicy xmlns=\"x\">"));
        assert!(policy(
            "\u{feff}<?xml version=\"1.0\"?>\n<!-- <notes> -->\ntext < 3 <p:TrustFrameworkPolicy/>"
        ));
        // Rarer things before the first element: read the file to be sure.
        assert!(policy("<!DOCTYPE x [<!ENTITY a \"<b>\">]><notes/>"));
        assert!(policy("</stray><notes/>"));
        assert!(!policy(
            "<?xml version=\"1.0\"?><notes><TrustFrameworkPolicy/></notes>"
        ));
        assert!(!policy("<TrustFrameworkPolicyX>"));
        assert!(!policy("no element at all"));
        // Cut short by the end of what was read: cannot tell, so the file is read.
        assert!(may_be_policy(b"<!-- a long comment", false));
        assert!(may_be_policy(b"<TrustFrameworkPol", false));
        assert!(!may_be_policy(b"<!-- a long comment", true));
        // A start tag cut by the end of the file still names its element.
        assert!(may_be_policy(b"<TrustFrameworkPolicy", true));
        assert!(!may_be_policy(b"<notes", true));
        // The name ends where the parser ends it.
        assert!(policy("<TrustFrameworkPolicy\"x>"));
        assert!(policy("<\u{a9} <TrustFrameworkPolicy>"));
    }
}

//! `b2c-lsp.toml`: a policy folder's own settings, read alike by `check` and the server. It
//! governs the policy files in its folder and below (the nearest one wins):
//!
//! ```toml
//! base = ["../starterpack"]          # extra base locations, relative to this file
//! ignore = ["Environments/**", "old/*.xml"]   # files never loaded, relative to this file
//!
//! [severity]                          # per code: "error", "warning", "info", "hint" or "off"
//! insecure-rest-auth = "off"
//! case-mismatch = "error"
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use syntax::TextRange;

use crate::diagnostic::{Diagnostic, DiagnosticCode, Severity};

/// The file name looked for in a policy's folder and every folder above it.
pub const CONFIG_FILE: &str = "b2c-lsp.toml";

/// One `b2c-lsp.toml`, read.
#[derive(Debug, Clone)]
pub struct ProjectConfig {
    /// The file itself.
    pub path: PathBuf,
    /// Extra base locations, absolute (joined to the file's folder).
    pub bases: Vec<PathBuf>,
    ignore: GlobSet,
    /// Per code: the severity to report it at, or None to leave it out.
    severity: HashMap<DiagnosticCode, Option<Severity>>,
}

/// Why a `b2c-lsp.toml` cannot be used: where in it, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// Byte range in the file's text.
    pub range: TextRange,
    pub message: String,
    /// The file's text, to place the range.
    pub text: Arc<str>,
}

impl ConfigError {
    /// `path:line:col: message`, for a command-line error.
    pub fn describe(&self) -> String {
        let index = syntax::LineIndex::new(&self.text);
        let at = index.to_human(&self.text, self.range.start().into());
        format!(
            "{}:{}:{}: {}",
            self.path.display(),
            at.line,
            at.col,
            self.message
        )
    }

    /// The error as a diagnostic on the file itself (shown by the server on `b2c-lsp.toml`).
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::new(
            self.range,
            DiagnosticCode::ConfigInvalid,
            format!("{}; the file is not used until this is fixed", self.message),
        )
    }
}

/// The file as written; each list item keeps its place in the text, for messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    #[serde(default)]
    base: Vec<toml::Spanned<String>>,
    #[serde(default)]
    ignore: Vec<toml::Spanned<String>>,
    severity: Option<toml::Spanned<toml::Table>>,
}

fn severity_named(name: &str) -> Option<Option<Severity>> {
    Some(match name {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        "hint" => Some(Severity::Hint),
        "off" => None,
        _ => return None,
    })
}

impl ProjectConfig {
    /// Reads the text of the `b2c-lsp.toml` at `path`.
    pub fn parse(path: &Path, text: &str) -> Result<ProjectConfig, ConfigError> {
        let shared: Arc<str> = Arc::from(text);
        let error = |range: std::ops::Range<usize>, message: String| ConfigError {
            path: path.to_owned(),
            range: TextRange::new(
                (range.start.min(text.len()) as u32).into(),
                (range.end.min(text.len()).max(range.start.min(text.len())) as u32).into(),
            ),
            message,
            text: Arc::clone(&shared),
        };
        let raw: RawTable = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_owned();
            error(e.span().unwrap_or(0..0), message)
        })?;
        let folder = path.parent().unwrap_or(Path::new("."));
        let bases = raw
            .base
            .iter()
            .map(|b| folder.join(b.get_ref().trim()))
            .collect();
        let mut globs = GlobSetBuilder::new();
        for pattern in &raw.ignore {
            let glob = Glob::new(pattern.get_ref())
                .map_err(|e| error(pattern.span(), format!("not a glob pattern: {}", e.kind())))?;
            globs.add(glob);
        }
        let ignore = globs
            .build()
            .map_err(|e| error(0..0, format!("the ignore patterns do not build: {e}")))?;
        let mut severity = HashMap::new();
        let empty = toml::Spanned::new(0..0, toml::Table::new());
        let table = raw.severity.as_ref().unwrap_or(&empty);
        // The table's span may be its header alone: keys are looked for from its start on.
        let table_span = table.span();
        let section = text.get(table_span.start.min(text.len())..).unwrap_or("");
        for (code_name, value) in table.get_ref() {
            // The key's place: its first occurrence inside the [severity] table.
            let key_at = section
                .find(code_name.as_str())
                .map(|i| table_span.start + i)
                .map_or(table_span.clone(), |s| s..s + code_name.len());
            let Some(code) = DiagnosticCode::from_name(code_name) else {
                let hint = DiagnosticCode::nearest(code_name)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                return Err(error(
                    key_at,
                    format!("`{code_name}` is not a b2c-lsp diagnostic code{hint}"),
                ));
            };
            let level = value.as_str().and_then(severity_named).ok_or_else(|| {
                error(
                    key_at.clone(),
                    format!(
                        "the severity of `{code_name}` must be \"error\", \"warning\", \"info\", \"hint\" or \"off\", not {value}"
                    ),
                )
            })?;
            severity.insert(code, level);
        }
        Ok(ProjectConfig {
            path: path.to_owned(),
            bases,
            ignore,
            severity,
        })
    }

    /// Whether `file` is left out: it matches an `ignore` pattern, relative to this file's
    /// folder.
    pub fn ignores(&self, file: &Path) -> bool {
        let folder = self.path.parent().unwrap_or(Path::new(""));
        match file.strip_prefix(folder) {
            Ok(relative) => self.ignore.is_match(relative),
            Err(_) => false,
        }
    }

    /// The diagnostics at the severities this file asks for, those turned off left out.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.severity.is_empty() {
            return;
        }
        diagnostics.retain_mut(|d| match self.severity.get(&d.code) {
            None => true,
            Some(None) => false,
            Some(Some(level)) => {
                d.severity = *level;
                true
            }
        });
    }
}

/// What a folder's nearest `b2c-lsp.toml` says: nothing (there is none), its settings, or why
/// it cannot be used.
pub type Governing = Option<Result<Arc<ProjectConfig>, ConfigError>>;

/// The `b2c-lsp.toml` files of one workspace, each read once: the nearest one per folder is
/// remembered until [`Store::forget`] (the server calls it when such a file changes on disk).
#[derive(Debug, Default)]
pub struct Store {
    by_folder: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    by_file: Mutex<HashMap<PathBuf, Result<Arc<ProjectConfig>, ConfigError>>>,
}

impl Store {
    /// The configuration governing the policy file at `path` (an absolute path: a relative
    /// one is not looked for above the current folder).
    pub fn for_file(&self, path: &Path) -> Governing {
        self.for_folder(path.parent()?)
    }

    /// The configuration governing the files in `folder`.
    pub fn for_folder(&self, folder: &Path) -> Governing {
        let file = self.nearest(folder)?;
        Some(self.read(&file))
    }

    /// The nearest `b2c-lsp.toml` from `folder` upwards.
    fn nearest(&self, folder: &Path) -> Option<PathBuf> {
        if let Some(found) = self.by_folder.lock().ok()?.get(folder) {
            return found.clone();
        }
        let found = folder
            .ancestors()
            .map(|dir| dir.join(CONFIG_FILE))
            .find(|candidate| candidate.is_file());
        if let Ok(mut memo) = self.by_folder.lock() {
            memo.insert(folder.to_owned(), found.clone());
        }
        found
    }

    /// The configuration file at `file`, read on first use.
    pub fn read(&self, file: &Path) -> Result<Arc<ProjectConfig>, ConfigError> {
        if let Some(known) = self.by_file.lock().ok().and_then(|m| m.get(file).cloned()) {
            return known;
        }
        let read = match read_small(file) {
            Ok(text) => ProjectConfig::parse(file, &text).map(Arc::new),
            Err(message) => Err(ConfigError {
                path: file.to_owned(),
                range: TextRange::default(),
                message,
                text: Arc::from(""),
            }),
        };
        if let Ok(mut memo) = self.by_file.lock() {
            memo.insert(file.to_owned(), read.clone());
        }
        read
    }

    /// Every configuration read so far, by file.
    pub fn known(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .by_file
            .lock()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        files.sort();
        files
    }

    /// Forgets everything read: a `b2c-lsp.toml` was created, changed or deleted.
    pub fn forget(&self) {
        if let Ok(mut memo) = self.by_folder.lock() {
            memo.clear();
        }
        if let Ok(mut memo) = self.by_file.lock() {
            memo.clear();
        }
    }

    /// Whether `file` is left out by the configuration governing it.
    pub fn ignores(&self, file: &Path) -> bool {
        matches!(self.for_file(file), Some(Ok(config)) if config.ignores(file))
    }
}

/// A configuration file's text: a few lines, so anything over a megabyte is not one.
fn read_small(file: &Path) -> Result<String, String> {
    let size = std::fs::metadata(file)
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > 1 << 20 {
        return Err(format!(
            "{size} bytes is too large for a configuration file"
        ));
    }
    std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ProjectConfig, ConfigError> {
        ProjectConfig::parse(Path::new("/p/b2c-lsp.toml"), text)
    }

    #[test]
    fn reads_bases_ignores_and_severities() {
        let config = parse(
            "base = [\"../pack\"]\nignore = [\"Environments/**\"]\n[severity]\ncase-mismatch = \"off\"\ninsecure-rest-auth = \"info\"\n",
        )
        .expect("valid");
        assert_eq!(config.bases, vec![PathBuf::from("/p/../pack")]);
        assert!(config.ignores(Path::new("/p/Environments/Test/a.xml")));
        assert!(!config.ignores(Path::new("/p/a.xml")));
        assert!(!config.ignores(Path::new("/elsewhere/Environments/a.xml")));
        let mut found = vec![
            Diagnostic::new(
                TextRange::default(),
                DiagnosticCode::CaseMismatch,
                String::new(),
            ),
            Diagnostic::new(
                TextRange::default(),
                DiagnosticCode::InsecureRestAuth,
                String::new(),
            ),
        ];
        config.apply(&mut found);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Info);
    }

    #[test]
    fn a_mistake_is_placed_and_named() {
        let wrong = parse("[severity]\ncase-mismach = \"off\"\n").expect_err("unknown code");
        assert!(
            wrong.message.contains("did you mean `case-mismatch`"),
            "{}",
            wrong.message
        );
        assert_eq!(wrong.describe(), "/p/b2c-lsp.toml:2:1: `case-mismach` is not a b2c-lsp diagnostic code (did you mean `case-mismatch`?)");
        let level = parse("[severity]\ncase-mismatch = \"fatal\"\n").expect_err("bad level");
        assert!(level.message.contains("\"off\""), "{}", level.message);
        let key = parse("bases = []\n").expect_err("unknown key");
        assert!(
            key.describe().starts_with("/p/b2c-lsp.toml:1:1:"),
            "{}",
            key.describe()
        );
        let glob = parse("ignore = [\"a[\"]\n").expect_err("bad glob");
        assert!(
            glob.describe().starts_with("/p/b2c-lsp.toml:1:11:"),
            "{}",
            glob.describe()
        );
    }
}

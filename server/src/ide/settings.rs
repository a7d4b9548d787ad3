//! `{Settings:Name}` names from an `appsettings.json` beside the policies (the VS Code B2C
//! workflow replaces these placeholders before upload). The file is looked for in the policy's
//! folder and up to three folders above; what was read is kept in the workspace's cache by path
//! and modification time.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::environments::{find_appsettings, AppSettings};
use crate::index::Workspace;

/// What one `appsettings.json` gives, as read at a modification time.
#[derive(Clone)]
struct Read {
    modified: Option<SystemTime>,
    /// The environments; None when the file does not read as the build's format.
    parsed: Option<Arc<AppSettings>>,
    /// The setting names, sorted (read from any JSON, even one the build cannot use).
    names: Arc<Vec<String>>,
}

/// The `appsettings.json` files read by the analyses of one workspace, by path; a file is read
/// again when its modification time changes.
#[derive(Default)]
struct SettingsCache(Mutex<HashMap<PathBuf, Read>>);

/// The governing `appsettings.json` of the policy file at `policy`, read (or remembered).
fn read(workspace: &Workspace, policy: &Path) -> Option<(PathBuf, Read)> {
    let file = policy.parent().and_then(find_appsettings)?;
    let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
    let cache = workspace.cache::<SettingsCache>();
    if let Some(known) = cache.0.lock().ok().and_then(|c| c.get(&file).cloned()) {
        if known.modified == modified && modified.is_some() {
            return Some((file, known));
        }
    }
    let text = std::fs::read_to_string(&file).ok();
    let read = Read {
        modified,
        parsed: text
            .as_deref()
            .and_then(|text| AppSettings::parse(text).ok())
            .map(Arc::new),
        names: Arc::new(
            text.as_deref()
                .and_then(|text| {
                    serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}'))
                        .ok()
                })
                .map(|json| names_in(&json))
                .unwrap_or_default(),
        ),
    };
    if let Ok(mut cache) = cache.0.lock() {
        cache.insert(file.clone(), read.clone());
    }
    Some((file, read))
}

/// The environments of the `appsettings.json` that governs the policy file at `policy`, with
/// its path; None when there is none or it does not read as the build's format.
pub(crate) fn appsettings(
    workspace: &Workspace,
    policy: &Path,
) -> Option<(PathBuf, Arc<AppSettings>)> {
    let (file, read) = read(workspace, policy)?;
    read.parsed.map(|parsed| (file, parsed))
}

/// The setting names usable as `{Settings:Name}` from the policy file at `policy`, sorted.
pub(crate) fn setting_names(workspace: &Workspace, policy: &Path) -> Arc<Vec<String>> {
    read(workspace, policy)
        .map(|(_, read)| read.names)
        .unwrap_or_default()
}

/// Keys of every nested `PolicySettings` object (plus the environments' `Tenant`, which the
/// workflow also substitutes); without any, the top-level keys.
pub(crate) fn names_in(json: &serde_json::Value) -> Vec<String> {
    let mut names = BTreeSet::new();
    let mut found = false;
    let mut stack = vec![json];
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(settings)) = map.get("PolicySettings") {
                    found = true;
                    names.extend(settings.keys().cloned());
                    // The build gives these a value in every environment.
                    for built_in in ["Environment", "Filename", "PolicyFilename"] {
                        names.insert(built_in.to_owned());
                    }
                    if map.get("Tenant").is_some_and(|t| t.is_string()) {
                        names.insert("Tenant".to_owned());
                    }
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    if !found {
        if let serde_json::Value::Object(map) = json {
            names.extend(map.keys().cloned());
        }
    }
    names.into_iter().collect()
}

/// `{Settings:Name}` placeholders that some environment of the governing `appsettings.json`
/// has no value for: `b2c-lsp build` refuses to write those environments, and the official
/// build would upload the placeholder as literal text.
pub fn setting_diagnostics(workspace: &Workspace, policy: &Path, text: &str) -> Vec<Diagnostic> {
    if !text.contains('{') {
        return Vec::new();
    }
    let Some((_, settings)) = appsettings(workspace, policy) else {
        return Vec::new();
    };
    let file_name = policy
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = Vec::new();
    for placeholder in crate::environments::placeholders(text) {
        let lacking: Vec<&str> = settings
            .environments
            .iter()
            .filter(|e| e.value(&placeholder.name, &file_name).is_none())
            .map(|e| e.name.as_str())
            .collect();
        if lacking.is_empty() {
            continue;
        }
        let which = if lacking.len() == settings.environments.len() {
            "any environment".to_owned()
        } else {
            format!(
                "environment{} {}",
                if lacking.len() == 1 { "" } else { "s" },
                lacking
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.push(Diagnostic::new(
            placeholder.range,
            DiagnosticCode::UnresolvedSetting,
            format!(
                "{{Settings:{}}} has no value in {which} of appsettings.json; add it to PolicySettings there",
                placeholder.name,
            ),
        ));
    }
    out
}

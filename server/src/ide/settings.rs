//! `{Settings:Name}` names from an `appsettings.json` beside the policies (the VS Code B2C
//! workflow replaces these placeholders before upload). The file is looked for in the policy's
//! folder and up to three folders above; what was read is cached by path and modification time.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

type Cache = HashMap<PathBuf, (Option<SystemTime>, Vec<String>)>;

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The nearest `appsettings.json` for the policy file at `policy`.
fn find(policy: &Path) -> Option<PathBuf> {
    policy
        .ancestors()
        .skip(1)
        .take(4)
        .map(|dir| dir.join("appsettings.json"))
        .find(|candidate| candidate.is_file())
}

/// The setting names usable as `{Settings:Name}` from the policy file at `policy`, sorted.
pub(crate) fn setting_names(policy: &Path) -> Vec<String> {
    let Some(file) = find(policy) else {
        return Vec::new();
    };
    let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
    if let Ok(cache) = cache().lock() {
        if let Some((stamp, names)) = cache.get(&file) {
            if *stamp == modified && modified.is_some() {
                return names.clone();
            }
        }
    }
    let names = std::fs::read_to_string(&file)
        .ok()
        .and_then(|text| {
            serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}')).ok()
        })
        .map(|json| names_in(&json))
        .unwrap_or_default();
    if let Ok(mut cache) = cache().lock() {
        cache.insert(file, (modified, names.clone()));
    }
    names
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

//! The effective technical profile: a profile as B2C sees it after merging the same-Id
//! profiles of the chain (base first, the child's additions on top) and the profiles it
//! includes through IncludeTechnicalProfile (the included content first).

use std::path::{Path, PathBuf};

use std::sync::Arc;

use super::summary::{ClaimUse, Located, MetadataItem};
use super::workspace::FileData;
use super::{id_key, SymbolKind, Workspace};

/// One piece of the merged profile, with the file it comes from.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub path: PathBuf,
    pub value: T,
}

/// A technical profile merged across its chain and includes.
#[derive(Debug, Clone, Default)]
pub struct EffectiveProfile {
    pub id: String,
    pub protocol: Option<String>,
    pub handler: Option<String>,
    pub input_token_format: Option<String>,
    pub output_token_format: Option<String>,
    /// Metadata items, later (more derived) ones last; for a key set twice, the last wins.
    pub metadata: Vec<Sourced<MetadataItem>>,
    pub input_claims: Vec<Sourced<ClaimUse>>,
    pub output_claims: Vec<Sourced<ClaimUse>>,
    pub persisted_claims: Vec<Sourced<ClaimUse>>,
    pub display_claims: Vec<Sourced<ClaimUse>>,
    pub input_transformations: Vec<Sourced<Located>>,
    pub output_transformations: Vec<Sourced<Located>>,
    pub validation_profiles: Vec<Sourced<Located>>,
    pub cryptographic_keys: Vec<Sourced<Located>>,
    /// The ids of the included profiles, nearest first.
    pub includes: Vec<String>,
    /// Where the profile's own parts are defined, nearest file first.
    pub definitions: Vec<PathBuf>,
}

impl EffectiveProfile {
    /// The profile's type as B2C sees it, from its merged protocol, handler and token formats
    /// (the one answer to "what kind of profile is this"; None when the protocol is unknown
    /// or absent).
    pub fn technical_type(&self) -> Option<&'static crate::catalog::TechnicalProfileType> {
        crate::catalog::technical_profile_type_with_formats(
            self.protocol.as_deref()?,
            self.handler.as_deref(),
            self.output_token_format.as_deref(),
            self.input_token_format.as_deref(),
        )
    }

    /// The value of a metadata key (case-insensitive), as the most derived file sets it.
    pub fn metadata_value(&self, key: &str) -> Option<&str> {
        self.metadata
            .iter()
            .rev()
            .find(|item| item.value.key.trim().eq_ignore_ascii_case(key))
            .map(|item| item.value.value.as_str())
    }
}

/// The same-Id profiles visible from `path`, most basic (farthest ancestor) first: each as
/// its file and the index of the profile in that file's summary.
fn parts(workspace: &Workspace, path: &Path, id: &str) -> Vec<(Arc<FileData>, usize)> {
    let mut out = Vec::new();
    for file_path in &workspace.chain(path).files {
        let Some(file) = workspace.file(file_path) else {
            continue;
        };
        for definition in file.summary.lookup(SymbolKind::TechnicalProfile, id) {
            // Within one file, the id's range identifies the profile.
            if let Some(index) = file
                .summary
                .technical_profiles
                .iter()
                .position(|tp| !tp.in_relying_party && tp.id_range == definition.id_range)
            {
                out.push((Arc::clone(&file), index));
            }
        }
    }
    out.reverse();
    out
}

/// The profile `id` as seen from the file at `path`; `None` when no policy of the chain
/// defines it. Inside [`with_profiles_of`] for the same file, each id is merged once.
pub fn effective_profile(
    workspace: &Workspace,
    path: &Path,
    id: &str,
) -> Option<Arc<EffectiveProfile>> {
    let scoped = MERGED.with(|merged| {
        let merged = merged.borrow();
        let scope = merged.as_ref().filter(|s| s.path == path)?;
        scope.profiles.get(id).cloned()
    });
    if let Some(found) = scoped {
        return found;
    }
    let profile = build(workspace, path, id, &mut Vec::new()).map(Arc::new);
    MERGED.with(|merged| {
        if let Some(scope) = merged.borrow_mut().as_mut().filter(|s| s.path == path) {
            scope.profiles.insert(id.to_owned(), profile.clone());
        }
    });
    profile
}

/// The profiles merged for one file while its diagnostics are computed: the rule families
/// each ask for the same profiles, and the answers cannot change within one diagnosis.
struct Merged {
    path: PathBuf,
    profiles: rustc_hash::FxHashMap<String, Option<Arc<EffectiveProfile>>>,
}

thread_local! {
    static MERGED: std::cell::RefCell<Option<Merged>> = const { std::cell::RefCell::new(None) };
}

/// Runs `work` (one diagnosis of the file at `path`, on this thread) with every profile
/// merged at most once for that file; the merged profiles are dropped afterwards, also when
/// `work` unwinds.
pub fn with_profiles_of<T>(path: &Path, work: impl FnOnce() -> T) -> T {
    struct Restore(Option<Merged>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            MERGED.with(|merged| *merged.borrow_mut() = previous);
        }
    }
    let scope = Merged {
        path: path.to_owned(),
        profiles: Default::default(),
    };
    let previous = MERGED.with(|merged| merged.borrow_mut().replace(scope));
    let _restore = Restore(previous);
    work()
}

fn build(
    workspace: &Workspace,
    path: &Path,
    id: &str,
    visiting: &mut Vec<String>,
) -> Option<EffectiveProfile> {
    let key = id_key(id);
    if visiting.contains(&key) || visiting.len() > 32 {
        return None;
    }
    let parts = parts(workspace, path, id);
    if parts.is_empty() {
        return None;
    }
    visiting.push(key);
    let mut profile = EffectiveProfile {
        id: id.to_owned(),
        ..Default::default()
    };
    // The include, if any part sets one (the most derived part wins).
    let include = parts
        .iter()
        .rev()
        .find_map(|(file, i)| file.summary.technical_profiles[*i].include.clone());
    if let Some(include) = include {
        if let Some(included) = build(workspace, path, &include.text, visiting) {
            profile = EffectiveProfile {
                id: id.to_owned(),
                ..included.clone()
            };
            profile.includes = std::iter::once(include.text.clone())
                .chain(included.includes)
                .collect();
            profile.definitions.clear();
        } else {
            profile.includes.push(include.text.clone());
        }
    }
    for (data, index) in &parts {
        let file = &data.path;
        let tp = &data.summary.technical_profiles[*index];
        let sourced = |v: &Vec<ClaimUse>| {
            v.iter()
                .map(|c| Sourced {
                    path: file.clone(),
                    value: c.clone(),
                })
                .collect::<Vec<_>>()
        };
        let located = |v: &Vec<Located>| {
            v.iter()
                .map(|c| Sourced {
                    path: file.clone(),
                    value: c.clone(),
                })
                .collect::<Vec<_>>()
        };
        if let Some(p) = &tp.protocol {
            profile.protocol = Some(p.text.clone());
            profile.handler = tp.handler.as_ref().map(|h| h.text.clone());
        }
        if let Some(f) = &tp.input_token_format {
            profile.input_token_format = Some(f.clone());
        }
        if let Some(f) = &tp.output_token_format {
            profile.output_token_format = Some(f.clone());
        }
        profile.metadata.extend(tp.metadata.iter().map(|m| Sourced {
            path: file.clone(),
            value: m.clone(),
        }));
        profile.input_claims.extend(sourced(&tp.input_claims));
        profile.output_claims.extend(sourced(&tp.output_claims));
        profile
            .persisted_claims
            .extend(sourced(&tp.persisted_claims));
        profile.display_claims.extend(sourced(&tp.display_claims));
        profile
            .input_transformations
            .extend(located(&tp.input_transformations));
        profile
            .output_transformations
            .extend(located(&tp.output_transformations));
        profile
            .validation_profiles
            .extend(located(&tp.validation_profiles));
        profile
            .cryptographic_keys
            .extend(located(&tp.cryptographic_keys));
    }
    profile.definitions = parts.iter().rev().map(|(f, _)| f.path.clone()).collect();
    visiting.pop();
    Some(profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(id: &str, base: Option<&str>, profiles: &str) -> Arc<str> {
        let base = base.map_or(String::new(), |b| {
            format!("<BasePolicy><TenantId>t</TenantId><PolicyId>{b}</PolicyId></BasePolicy>")
        });
        Arc::from(format!(
            "<TrustFrameworkPolicy PolicyId=\"{id}\" TenantId=\"t\">{base}<ClaimsProviders><ClaimsProvider><TechnicalProfiles>{profiles}</TechnicalProfiles></ClaimsProvider></ClaimsProviders></TrustFrameworkPolicy>"
        ))
    }

    fn profile(id: &str, key_value: &str) -> String {
        format!("<TechnicalProfile Id=\"{id}\"><Metadata><Item Key=\"K\">{key_value}</Item></Metadata></TechnicalProfile>")
    }

    /// A base defining profile A (key K = 1), and a policy built on it that adds nothing.
    fn a_base_and_one_policy_on_it() -> (Workspace, PathBuf, PathBuf) {
        let workspace = Workspace::new();
        let base = PathBuf::from("/w/Base.xml");
        let one = PathBuf::from("/w/One.xml");
        workspace.set_file(
            base.clone(),
            policy("B2C_1A_Base", None, &profile("A", "1")),
            false,
        );
        workspace.set_file(
            one.clone(),
            policy("B2C_1A_One", Some("B2C_1A_Base"), ""),
            false,
        );
        (workspace, base, one)
    }

    #[test]
    fn within_one_diagnosis_a_profile_is_merged_once_for_its_file_only() {
        let (workspace, base, one) = a_base_and_one_policy_on_it();
        let (first, again, other_file) = with_profiles_of(&one, || {
            (
                effective_profile(&workspace, &one, "A").expect("A"),
                effective_profile(&workspace, &one, "A").expect("A"),
                effective_profile(&workspace, &base, "A").expect("A"),
            )
        });
        assert!(Arc::ptr_eq(&first, &again));
        assert!(!Arc::ptr_eq(&first, &other_file));
        // Outside the diagnosis nothing is kept: an edit is seen at once.
        workspace.set_file(
            base.clone(),
            policy("B2C_1A_Base", None, &profile("A", "2")),
            false,
        );
        let after = effective_profile(&workspace, &one, "A").expect("A");
        assert_eq!(after.metadata_value("K"), Some("2"));
    }

    #[test]
    fn a_profile_is_seen_through_each_chain_and_follows_base_edits() {
        let (workspace, base, one) = a_base_and_one_policy_on_it();
        let two = PathBuf::from("/w/Two.xml");
        // The second amends A: its view of A is its own.
        workspace.set_file(
            two.clone(),
            policy("B2C_1A_Two", Some("B2C_1A_Base"), &profile("A", "2")),
            false,
        );

        let from_base = effective_profile(&workspace, &base, "A").expect("A");
        let from_one = effective_profile(&workspace, &one, "A").expect("A");
        let from_two = effective_profile(&workspace, &two, "A").expect("A");
        assert_eq!(from_base.metadata_value("K"), Some("1"));
        assert_eq!(from_one.definitions, vec![base.clone()]);
        assert_eq!(from_one.metadata_value("K"), Some("1"));
        assert_eq!(from_two.metadata_value("K"), Some("2"));
        // The id as asked is part of the answer.
        assert_eq!(effective_profile(&workspace, &one, "a").expect("a").id, "a");

        workspace.set_file(
            base.clone(),
            policy("B2C_1A_Base", None, &profile("A", "3")),
            false,
        );
        assert_eq!(
            effective_profile(&workspace, &one, "A")
                .and_then(|p| p.metadata_value("K").map(str::to_owned)),
            Some("3".to_owned())
        );
        let from_two = effective_profile(&workspace, &two, "A").expect("A");
        assert_eq!(
            from_two.metadata.len(),
            2,
            "the base's new item, then the amendment"
        );
        assert_eq!(from_two.metadata[0].value.value, "3");
    }
}

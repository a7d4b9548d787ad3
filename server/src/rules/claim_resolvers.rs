//! A run-time trap: a claim resolver (`{Context:CorrelationId}`, `{OIDC:ClientId}`,
//! `{Claim:name}`...) in the DefaultValue of an input or output claim of a profile whose
//! effective metadata does not set IncludeClaimResolvingInClaimsHandling to true. B2C accepts
//! the upload, but the profile gets the braces as literal text (claim-resolver-overview.md,
//! "Using claim resolvers": setting 1 for the types below).
//!
//! Only the types the article names with that setting are judged, each for the claims it
//! names: Application Insights input claims and the relying party's output claims resolve
//! without it (the article, and hundreds of working profiles of the corpus), and the other
//! types are not documented either way.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use syntax::view::ElementRef;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::ide::profile_type;
use crate::index::profiles::effective_profile;
use crate::index::{id_key, Workspace};

use super::technical_profiles;

/// The resolver families B2C resolves in claims, by their prefix (case-insensitive).
/// `{Settings:...}` is a build-time placeholder and `{oauth2:...}` a PartnerClaimType form;
/// neither needs the setting.
const RESOLVER_PREFIXES: &[&str] = &[
    "{Culture:",
    "{Policy:",
    "{Context:",
    "{Claim:",
    "{OIDC:",
    "{OAUTH-KV:",
    "{SAML:",
];

/// For each type that needs IncludeClaimResolvingInClaimsHandling: whether its input claims
/// and whether its output claims resolve (claim-resolver-overview.md, "Using claim resolvers").
const NEEDS_SETTING: &[(&str, bool, bool)] = &[
    ("aad", true, true),
    ("oauth2", true, true),
    ("openid-connect", true, true),
    ("claims-transformation", true, true),
    ("rest", true, false),
    ("saml-idp", false, true),
    ("self-asserted", true, true),
];

/// The first claim resolver written in `value`, if any: for each `}`, the text from the last
/// `{` before it. One pass, whatever the value holds.
fn first_resolver(value: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(close) = value[from..].find('}') {
        let end = from + close;
        if let Some(open) = value[from..end].rfind('{') {
            let candidate = &value[from + open..=end];
            if RESOLVER_PREFIXES.iter().any(|p| {
                candidate.len() > p.len() + 1
                    && candidate.is_char_boundary(p.len())
                    && candidate[..p.len()].eq_ignore_ascii_case(p)
            }) {
                return Some(candidate);
            }
        }
        from = end + 1;
    }
    None
}

/// Whether the profile `id`, seen from `path`, sets IncludeClaimResolvingInClaimsHandling.
fn resolving_enabled(workspace: &Workspace, path: &Path, id: &str) -> bool {
    effective_profile(workspace, path, id).is_some_and(|p| {
        p.metadata_value("IncludeClaimResolvingInClaimsHandling")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    })
}

/// Where the profiles of a file may run: the file and the policies built on it (amending a
/// profile there sets its metadata where it runs), and, for each profile id key, the
/// profiles that include it, with a file from whose chain they are seen (a profile that
/// includes another runs the included claims with its own metadata).
struct RunPlaces {
    places: Vec<PathBuf>,
    includers: HashMap<String, Vec<(PathBuf, String)>>,
}

impl RunPlaces {
    fn new(workspace: &Workspace, path: &Path) -> RunPlaces {
        // The file itself is among its dependents; an empty list means it is not indexed yet.
        let mut places: Vec<PathBuf> = workspace.dependents(path);
        if places.is_empty() {
            places.push(path.to_path_buf());
        }
        let mut includers: HashMap<String, Vec<(PathBuf, String)>> = HashMap::new();
        let mut scanned: HashSet<PathBuf> = HashSet::new();
        for place in &places {
            for file_path in workspace.chain(place).files.iter() {
                if !scanned.insert(file_path.clone()) {
                    continue;
                }
                let Some(file) = workspace.file(file_path) else {
                    continue;
                };
                for tp in &file.summary.technical_profiles {
                    if let Some(include) = &tp.include {
                        includers
                            .entry(id_key(&include.text))
                            .or_default()
                            .push((place.clone(), tp.id.clone()));
                    }
                }
            }
        }
        RunPlaces { places, includers }
    }

    /// Whether the profile `id` of the file at `path` resolves claims where it runs, though
    /// not as this file's chain sees it.
    fn enabled_elsewhere(&self, workspace: &Workspace, path: &Path, id: &str) -> bool {
        self.places
            .iter()
            .any(|place| place.as_path() != path && resolving_enabled(workspace, place, id))
            || self.includers.get(&id_key(id)).is_some_and(|includers| {
                includers
                    .iter()
                    .take(64)
                    .any(|(place, includer)| resolving_enabled(workspace, place, includer))
            })
    }
}

pub(super) fn check(workspace: &Workspace, path: &Path, out: &mut Vec<Diagnostic>) {
    let Some(file) = workspace.file(path) else {
        return;
    };
    let Some(root) = ElementRef::root(&file.parse) else {
        return;
    };
    if !workspace.chain(path).is_complete() {
        return;
    }
    let mut run_places: Option<RunPlaces> = None;
    for tp in technical_profiles(root) {
        let Some(id) = tp.attribute_value("Id") else {
            continue;
        };
        let claims = [
            ("InputClaims", "InputClaim"),
            ("OutputClaims", "OutputClaim"),
        ];
        let written: Vec<(bool, String, syntax::TextRange)> = claims
            .iter()
            .flat_map(|(list, item)| {
                tp.children_named(list)
                    .flat_map(move |l| l.children_named(item))
                    .map(move |claim| (*item == "InputClaim", claim))
            })
            .filter_map(|(input, claim)| {
                let (value, range) = claim.attribute_value_with_range("DefaultValue")?;
                let resolver = first_resolver(&value)?.to_owned();
                Some((input, resolver, range))
            })
            .collect();
        if written.is_empty() {
            continue;
        }
        let typed = profile_type(workspace, path, &id, None);
        let Some(ty) = typed.ty else {
            continue;
        };
        let Some(&(_, inputs, outputs)) = NEEDS_SETTING.iter().find(|(t, _, _)| *t == ty.id) else {
            continue;
        };
        if resolving_enabled(workspace, path, &id)
            || run_places
                .get_or_insert_with(|| RunPlaces::new(workspace, path))
                .enabled_elsewhere(workspace, path, &id)
        {
            continue;
        }
        for (input, resolver, range) in written {
            if (input && !inputs) || (!input && !outputs) {
                continue;
            }
            out.push(Diagnostic::new(
                range,
                DiagnosticCode::ClaimResolverNotEnabled,
                format!(
                    "{resolver} is a claim resolver, but {} profile \"{}\" does not set IncludeClaimResolvingInClaimsHandling to true \
                     (nor does a policy built on this one, nor a profile that includes it); B2C accepts the upload and the claim gets the text \"{resolver}\" as it is. \
                     Add <Item Key=\"IncludeClaimResolvingInClaimsHandling\">true</Item> to its Metadata",
                    ty.name,
                    id.trim()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::first_resolver;

    #[test]
    fn finds_the_first_resolver_and_skips_placeholders() {
        assert_eq!(
            first_resolver("{Context:CorrelationId}"),
            Some("{Context:CorrelationId}")
        );
        assert_eq!(
            first_resolver("x-{oidc:clientid}-y"),
            Some("{oidc:clientid}")
        );
        assert_eq!(
            first_resolver("{Settings:Tenant} {Claim:email}"),
            Some("{Claim:email}")
        );
        assert_eq!(first_resolver("{Settings:Tenant}"), None);
        assert_eq!(first_resolver("{Claim:}"), None);
        assert_eq!(first_resolver("{Context:"), None);
        assert_eq!(first_resolver("{é{OIDC:Nonce}"), Some("{OIDC:Nonce}"));
        assert_eq!(first_resolver("}{Culture:LCID}"), Some("{Culture:LCID}"));
        assert_eq!(first_resolver(&"{".repeat(100_000)), None);
    }
}

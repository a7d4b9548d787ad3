//! What B2C requires of technical profiles and claims providers beyond the schema:
//!
//! - a new TechnicalProfile (one that neither amends a same-Id profile of an ancestor nor is
//!   completed through IncludeTechnicalProfile) needs a DisplayName and a Protocol, and every
//!   ClaimsProvider a DisplayName (`The required "DisplayName" element is missing from
//!   TechnicalProfile with id "TP"`; `The element node "ClaimsProvider" at line 30 is missing
//!   the required element "DisplayName".`);
//! - a metadata item's value may not be empty (`defines an invalid value "" for the metadata
//!   item "client_id"`, the classic unfilled sample);
//! - an Azure AD profile that reads or writes `extension_` claims needs ApplicationObjectId and
//!   ClientId (`A required Metadata item with key "ApplicationObjectId" was not found`);
//! - a relying party in production mode may not run a REST profile without authentication
//!   unless the profile allows it (`Profile 'P' uses an insecure authentication mode that is
//!   only allowed in production mode policies with metadata key 'AllowInsecureAuthInProduction'
//!   set to true.`);
//! - a ContentDefinition's DataUri names a page B2C has (`The element specified by id
//!   'urn:...' cannot be found in the element factory cache.`).

use std::collections::HashMap;
use std::path::Path;

use syntax::view::ElementRef;
use syntax::TextSize;

use crate::catalog;
use crate::diagnostic::{Diagnostic, DiagnosticCode, Severity};
use crate::ide::profile_type;
use crate::index::profiles::{effective_profile, EffectiveProfile};
use crate::index::summary::TechnicalProfileSummary;
use crate::index::{id_key, SymbolKind, Workspace};

pub(super) fn check(workspace: &Workspace, path: &Path, out: &mut Vec<Diagnostic>) {
    let Some(file) = workspace.file(path) else {
        return;
    };
    let chain_complete = workspace.chain(path).is_complete();
    let children = profile_children(ElementRef::root(&file.parse));
    for tp in &file.summary.technical_profiles {
        empty_metadata(tp, out);
        if tp.in_relying_party || !chain_complete {
            continue;
        }
        new_profile_elements(workspace, path, tp, &children, out);
    }
    if let Some(root) = ElementRef::root(&file.parse) {
        claims_provider_display_names(root, out);
        page_identifiers(root, out);
    }
    if chain_complete {
        relying_party_profiles(workspace, path, out);
    }
}

/// For each TechnicalProfile element of the file, by the start of its Id value: whether it has
/// a DisplayName and a Protocol child (an element without its attributes still counts: what it
/// lacks is reported by the schema check). One pass, so a file of many profiles costs linear
/// time.
fn profile_children(root: Option<ElementRef<'_>>) -> HashMap<TextSize, (bool, bool)> {
    let Some(root) = root else {
        return HashMap::new();
    };
    root.children_named("ClaimsProviders")
        .flat_map(|c| c.children_named("ClaimsProvider"))
        .flat_map(|c| c.children_named("TechnicalProfiles"))
        .flat_map(|t| t.children_named("TechnicalProfile"))
        .filter_map(|tp| {
            let (_, id_range) = tp.attribute_value_with_range("Id")?;
            Some((
                id_range.start(),
                (
                    tp.child("DisplayName").is_some(),
                    tp.child("Protocol").is_some(),
                ),
            ))
        })
        .collect()
}

fn new_profile_elements(
    workspace: &Workspace,
    path: &Path,
    tp: &TechnicalProfileSummary,
    children: &HashMap<TextSize, (bool, bool)>,
    out: &mut Vec<Diagnostic>,
) {
    let (display_name, protocol) = children
        .get(&tp.id_range.start())
        .copied()
        .unwrap_or((true, true));
    if display_name && protocol {
        return;
    }
    let Some(effective) = effective_profile(workspace, path, &tp.id) else {
        return;
    };
    // Amending an ancestor's profile, or completed by the profile it includes.
    if effective.definitions.len() > 1 || !effective.includes.is_empty() {
        return;
    }
    let missing: Vec<&str> = [("DisplayName", !display_name), ("Protocol", !protocol)]
        .iter()
        .filter(|(_, missing)| *missing)
        .map(|(name, _)| *name)
        .collect();
    out.push(Diagnostic::new(
        tp.id_range,
        DiagnosticCode::RequiredElementMissing,
        format!(
            "TechnicalProfile \"{}\" has no {}, and no base policy of this one defines a profile with this Id that would supply it, \
             nor does it include one; B2C rejects the upload{}. \
             Add {}, or correct the Id if this was meant to amend a profile of the base",
            tp.id,
            missing.join(" and "),
            if !display_name {
                format!(" (`The required \"DisplayName\" element is missing from TechnicalProfile with id \"{}\"`)", tp.id)
            } else {
                String::new()
            },
            missing
                .iter()
                .map(|m| match *m {
                    "DisplayName" => "<DisplayName>...</DisplayName>",
                    _ => "<Protocol Name=\"...\" />",
                })
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    ));
}

fn claims_provider_display_names(root: ElementRef<'_>, out: &mut Vec<Diagnostic>) {
    let providers = root
        .children_named("ClaimsProviders")
        .flat_map(|c| c.children_named("ClaimsProvider"));
    for provider in providers {
        if provider.child("DisplayName").is_some() {
            continue;
        }
        out.push(Diagnostic::new(
            provider.name_range(),
            DiagnosticCode::RequiredElementMissing,
            "this ClaimsProvider has no DisplayName; the schema allows that, but B2C rejects the upload \
             (`The element node \"ClaimsProvider\" ... is missing the required element \"DisplayName\"`). \
             Add <DisplayName>...</DisplayName> as its first child"
                .to_owned(),
        ));
    }
}

/// The metadata key whose empty value B2C is reported to reject at upload; other keys'
/// empty values are warnings.
const CONFIRMED_EMPTY: &[&str] = &["client_id"];

fn empty_metadata(tp: &TechnicalProfileSummary, out: &mut Vec<Diagnostic>) {
    for item in &tp.metadata {
        let key = item.key.trim();
        if key.is_empty() || !item.value.trim().is_empty() {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            item.key_range,
            DiagnosticCode::EmptyMetadataValue,
            format!(
                "metadata item \"{key}\" of TechnicalProfile \"{}\" is empty{}; write its value (for a sample, the value of your own app registration or service), or remove the item",
                tp.id,
                if CONFIRMED_EMPTY.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                    " and B2C rejects the upload (`defines an invalid value \"\" for the metadata item`)"
                } else {
                    ""
                }
            ),
        );
        if !CONFIRMED_EMPTY.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            diagnostic = diagnostic.softened(Severity::Warning);
        }
        out.push(diagnostic);
    }
}

/// The page identifiers of `DataUri`, with and without `contract:`.
fn page_identifiers(root: ElementRef<'_>, out: &mut Vec<Diagnostic>) {
    let uris = root
        .children_named("BuildingBlocks")
        .flat_map(|b| b.children_named("ContentDefinitions"))
        .flat_map(|c| c.children_named("ContentDefinition"))
        .filter_map(|c| c.child("DataUri"));
    for uri in uris {
        let (text, range) = uri.text_with_range();
        let Some(range) = range else { continue };
        let value = text.trim();
        if value.contains('{') || page_identifier_known(value) {
            continue;
        }
        out.push(Diagnostic::new(
            range,
            DiagnosticCode::UnknownPageIdentifier,
            format!(
                "\"{value}\" is not a page identifier B2C has; B2C rejects the upload (`The element specified by id '{value}' cannot be found in the element factory cache`). \
                 Write urn:com:microsoft:aad:b2c:elements:contract:<page>:<version> with a page of {}",
                known_pages().join(", ")
            ),
        ));
    }
}

/// The page names of the catalog's page contracts, without the legacy forms' prefix.
fn known_pages() -> Vec<&'static str> {
    let mut pages: Vec<&'static str> = catalog::page_contracts()
        .iter()
        .filter_map(|(urn, _)| {
            urn.strip_prefix("urn:com:microsoft:aad:b2c:elements:contract:")
                .and_then(|p| p.strip_suffix(':'))
        })
        .collect();
    pages.sort_unstable();
    pages.dedup();
    pages
}

/// Whether `value` is `urn:com:microsoft:aad:b2c:elements:[contract:]<page>:<version>` with a
/// page the catalog knows and a version of three numbers. Versions are not compared with a
/// list: B2C runs versions the articles do not list (a live demo uses unifiedssp 2.0.0).
fn page_identifier_known(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let Some((prefix, version)) = lower.rsplit_once(':') else {
        return false;
    };
    let version_ok = version.split('.').count() == 3
        && version
            .split('.')
            .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    let prefix = format!("{prefix}:");
    version_ok
        && catalog::page_contracts()
            .iter()
            .any(|(urn, _)| urn.eq_ignore_ascii_case(&prefix))
}

/// What B2C checks of the profiles a relying party's journey runs, when the relying party is
/// uploaded: REST profiles without authentication in production mode, and Azure AD profiles
/// that read or write `extension_` claims without naming the extensions app. (A live demo's
/// base writes extension claims and sets ApplicationObjectId only in its extensions file, so
/// this is judged in the chain of the relying party, not of the file that defines the profile.)
fn relying_party_profiles(workspace: &Workspace, path: &Path, out: &mut Vec<Diagnostic>) {
    let Some(file) = workspace.file(path) else {
        return;
    };
    let Some(rp) = &file.summary.relying_party else {
        return;
    };
    let Some(journey) = &rp.default_journey else {
        return;
    };
    let mode = ElementRef::root(&file.parse)
        .and_then(|r| r.attribute_value("DeploymentMode"))
        .map(|m| m.trim().to_owned());
    let production = matches!(mode.as_deref(), None | Some("Production"));
    // A base from an extra base location is a reference copy: the AAD-Common really uploaded
    // may name the extensions app where the pristine copy does not.
    let reference_copies = workspace
        .chain(path)
        .files
        .iter()
        .filter_map(|f| workspace.file(f))
        .any(|f| f.base_only);
    let mut reported: Vec<String> = Vec::new();
    for id in journey_profiles(workspace, path, &journey.text) {
        if reported.contains(&id_key(&id)) {
            continue;
        }
        let typed = profile_type(workspace, path, &id, None);
        let (Some(ty), Some(effective)) = (typed.ty, typed.effective) else {
            continue;
        };
        let finding = match ty.id {
            "rest" if production => insecure_rest(&id, mode.is_some(), journey.range, &effective),
            "aad" if !reference_copies => aad_extension(&id, journey.range, &effective),
            _ => None,
        };
        if let Some(diagnostic) = finding {
            reported.push(id_key(&id));
            out.push(diagnostic);
        }
    }
}

fn insecure_rest(
    id: &str,
    explicit: bool,
    at: syntax::TextRange,
    effective: &EffectiveProfile,
) -> Option<Diagnostic> {
    let insecure = effective
        .metadata_value("AuthenticationType")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("None"));
    let allowed = effective
        .metadata_value("AllowInsecureAuthInProduction")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if !insecure || allowed {
        return None;
    }
    let mut diagnostic = Diagnostic::new(
        at,
        DiagnosticCode::InsecureRestAuth,
        format!(
            "this relying party is in production mode ({}), and its journey runs REST profile \"{id}\" with AuthenticationType None; \
             B2C rejects the upload (`Profile '{id}' uses an insecure authentication mode that is only allowed in production mode policies \
             with metadata key 'AllowInsecureAuthInProduction' set to true`). Secure the API (Bearer, Basic, ClientCertificate or ApiKeyHeader), \
             set AllowInsecureAuthInProduction to true on the profile, or DeploymentMode=\"Development\" while testing",
            if explicit { "DeploymentMode=\"Production\"" } else { "no DeploymentMode" }
        ),
    );
    if let Some(item) = effective.metadata.iter().rev().find(|m| {
        m.value
            .key
            .trim()
            .eq_ignore_ascii_case("AuthenticationType")
    }) {
        diagnostic = diagnostic.with_related(
            &item.path,
            item.value.value_range,
            "AuthenticationType None",
        );
    }
    Some(diagnostic)
}

fn aad_extension(
    id: &str,
    at: syntax::TextRange,
    effective: &EffectiveProfile,
) -> Option<Diagnostic> {
    let is_extension = |claim: &str| {
        claim
            .trim()
            .get(..10)
            .is_some_and(|p| p.eq_ignore_ascii_case("extension_"))
    };
    let first = effective
        .input_claims
        .iter()
        .chain(&effective.output_claims)
        .chain(&effective.persisted_claims)
        .find(|c| is_extension(&c.value.claim))?;
    let missing: Vec<&str> = ["ApplicationObjectId", "ClientId"]
        .into_iter()
        .filter(|key| {
            effective
                .metadata_value(key)
                .is_none_or(|v| v.trim().is_empty())
        })
        .collect();
    let key = missing.first()?;
    Some(
        Diagnostic::new(
            at,
            DiagnosticCode::AadExtensionMetadataMissing,
            format!(
                "this relying party's journey runs Azure AD TechnicalProfile \"{id}\", which reads or writes the extension attribute \"{}\", \
                 but neither the profile, its includes nor its base policies set the metadata {}; B2C rejects the upload \
                 (`A required Metadata item with key \"{key}\" was not found`). Add <Item Key=\"ApplicationObjectId\"> and <Item Key=\"ClientId\"> \
                 with the object id and the application id of the b2c-extensions-app (usually on AAD-Common)",
                first.value.claim.trim(),
                missing.join(" and "),
            ),
        )
        .with_related(&first.path, first.value.range, "the extension claim"),
    )
}

/// The technical profiles that the journey `id` runs, seen from `path`: its steps' exchanges
/// (in every part of the chain that amends it), the sub-journeys they invoke, and the
/// validation profiles of all of these.
fn journey_profiles(workspace: &Workspace, path: &Path, id: &str) -> Vec<String> {
    let chain = workspace.chain(path);
    let mut journeys = vec![(SymbolKind::UserJourney, id_key(id))];
    let mut profiles: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    while let Some((kind, key)) = journeys.pop() {
        if seen.contains(&(kind, key.clone())) || seen.len() > 64 {
            continue;
        }
        seen.push((kind, key.clone()));
        for file_path in &chain.files {
            let Some(file) = workspace.file(file_path) else {
                continue;
            };
            for journey in file
                .summary
                .journeys
                .iter()
                .filter(|j| j.kind == kind && id_key(&j.id) == key)
            {
                for step in &journey.steps {
                    profiles.extend(
                        step.exchanges
                            .iter()
                            .filter_map(|e| e.technical_profile.as_ref())
                            .map(|t| t.text.trim().to_owned()),
                    );
                    journeys.extend(
                        step.sub_journeys
                            .iter()
                            .map(|s| (SymbolKind::SubJourney, id_key(&s.text))),
                    );
                }
            }
        }
    }
    let mut index = 0;
    while index < profiles.len() && profiles.len() < 512 {
        if let Some(effective) = effective_profile(workspace, path, &profiles[index]) {
            for validation in &effective.validation_profiles {
                let id = validation.value.text.trim().to_owned();
                if !profiles.iter().any(|p| id_key(p) == id_key(&id)) {
                    profiles.push(id);
                }
            }
        }
        index += 1;
    }
    profiles
}

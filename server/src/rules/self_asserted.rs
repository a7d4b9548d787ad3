//! A run-time trap of self-asserted pages: a Required output claim that nothing gives a value. A
//! self-asserted profile returns what the page collects (a claim with a UserInputType), what
//! it states (a DefaultValue), what its output claims transformations, validation profiles and
//! display controls output, and what it was given as an input claim
//! (self-asserted-technical-profile.md, "Output claims"). An output claim with none of these
//! is never set: B2C accepts the upload, and the journey finds the claim missing.
//!
//! Only Required output claims are judged: measured on every output claim, the rule found 8
//! that profiles list without needing them (userPrincipalName, objectId and
//! signInNames.phoneNumber of pages that only pass them on, the starter pack's passwordless
//! scenario among them), where a missing value changes nothing.
//!
//! Everything is judged merged: the profile along its chain and includes, the ClaimType along
//! the chain and in the policies built on the file (an extensions file may give it its
//! UserInputType).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::ide::profile_type;
use crate::index::profiles::{effective_profile, EffectiveProfile};
use crate::index::{id_key, SymbolKind, Workspace};

use super::{claim_types, for_each_root, technical_profiles, Judged};

/// How deep validation profiles that run validation profiles are followed.
const MAX_DEPTH: usize = 8;

/// The claims of `files` whose ClaimType has a UserInputType, by id key.
fn collected_claims(workspace: &Workspace, files: &[PathBuf]) -> HashSet<String> {
    let mut out = HashSet::new();
    for_each_root(workspace, files, |root| {
        let claims = claim_types(root)
            .filter(|c| c.child("UserInputType").is_some())
            .filter_map(|c| c.attribute_value("Id"));
        out.extend(claims.map(|id| id_key(&id)));
    });
    out
}

/// The output claims of the claims transformation `id`, seen from `path`.
fn transformation_outputs(workspace: &Workspace, path: &Path, id: &str, out: &mut HashSet<String>) {
    for resolved in workspace.resolve(path, SymbolKind::ClaimsTransformation, id) {
        if let Some(file) = workspace.file(&resolved.path) {
            if let Some(t) = file.summary.transformation(id) {
                out.extend(t.output_claims.iter().map(|c| id_key(&c.claim)));
            }
        }
    }
}

/// What the profile sets besides what the page collects: its DefaultValues, input claims,
/// output claims transformations' outputs, and, followed down, its validation profiles'.
fn produced(
    workspace: &Workspace,
    path: &Path,
    profile: &EffectiveProfile,
    depth: usize,
    out: &mut HashSet<String>,
) {
    out.extend(
        profile
            .output_claims
            .iter()
            .filter(|c| c.value.default_value.is_some())
            .map(|c| id_key(&c.value.claim)),
    );
    out.extend(profile.input_claims.iter().map(|c| id_key(&c.value.claim)));
    for transformation in &profile.output_transformations {
        transformation_outputs(workspace, path, &transformation.value.text, out);
    }
    if depth >= MAX_DEPTH {
        return;
    }
    for validation in &profile.validation_profiles {
        if let Some(inner) = effective_profile(workspace, path, &validation.value.text) {
            out.extend(inner.output_claims.iter().map(|c| id_key(&c.value.claim)));
            produced(workspace, path, &inner, depth + 1, out);
        }
    }
}

/// What display controls give the profiles of some files: for each profile id key, the claims
/// that the controls its DisplayClaims name collect or output. Built in one pass over the
/// files, so a file of many pages costs linear time.
fn display_control_claims(
    workspace: &Workspace,
    files: &[PathBuf],
) -> HashMap<String, HashSet<String>> {
    let mut profile_controls: HashMap<String, HashSet<String>> = HashMap::new();
    let mut control_claims: HashMap<String, HashSet<String>> = HashMap::new();
    for_each_root(workspace, files, |root| {
        for tp in technical_profiles(root) {
            let Some(id) = tp.attribute_value("Id") else {
                continue;
            };
            let named = tp
                .children_named("DisplayClaims")
                .flat_map(|d| d.children_named("DisplayClaim"))
                .filter_map(|d| d.attribute_value("DisplayControlReferenceId"))
                .map(|c| id_key(&c));
            profile_controls
                .entry(id_key(&id))
                .or_default()
                .extend(named);
        }
        let controls = root
            .children_named("BuildingBlocks")
            .flat_map(|b| b.children_named("DisplayControls"))
            .flat_map(|d| d.children_named("DisplayControl"));
        for control in controls {
            let Some(id) = control.attribute_value("Id") else {
                continue;
            };
            let claims = ["DisplayClaims", "OutputClaims"]
                .into_iter()
                .flat_map(|list| control.children_named(list))
                .flat_map(|l| l.child_elements())
                .filter_map(|c| c.attribute_value("ClaimTypeReferenceId"))
                .map(|c| id_key(&c));
            control_claims
                .entry(id_key(&id))
                .or_default()
                .extend(claims);
        }
    });
    profile_controls
        .into_iter()
        .map(|(profile, controls)| {
            let claims = controls
                .iter()
                .filter_map(|c| control_claims.get(c))
                .flatten()
                .cloned()
                .collect();
            (profile, claims)
        })
        .collect()
}

pub(super) fn check(judged: &Judged<'_>, out: &mut Vec<Diagnostic>) {
    let Judged {
        workspace,
        path,
        root,
        chain,
    } = *judged;
    let mut files = chain.files.clone();
    let places = workspace.dependents(path);
    files.extend(places.iter().filter(|p| p.as_path() != path).cloned());
    let mut collected: Option<HashSet<String>> = None;
    let mut controls: Option<HashMap<String, HashSet<String>>> = None;
    for tp in technical_profiles(root) {
        let Some(id) = tp.attribute_value("Id") else {
            continue;
        };
        let outputs: Vec<(String, syntax::TextRange)> = tp
            .children_named("OutputClaims")
            .flat_map(|o| o.children_named("OutputClaim"))
            .filter(|c| c.attribute("DefaultValue").is_none())
            .filter(|c| {
                c.attribute_value("Required")
                    .is_some_and(|r| r.trim().eq_ignore_ascii_case("true"))
            })
            .filter_map(|c| {
                let (claim, range) = c.attribute_value_with_range("ClaimTypeReferenceId")?;
                Some((claim.trim().to_owned(), range))
            })
            .collect();
        if outputs.is_empty() {
            continue;
        }
        let typed = profile_type(workspace, path, &id, None);
        let (Some(ty), Some(effective)) = (typed.ty, typed.effective) else {
            continue;
        };
        if ty.id != "self-asserted" {
            continue;
        }
        let collected = collected.get_or_insert_with(|| collected_claims(workspace, &files));
        // A policy built on this one may amend the profile (add the validation profile that
        // sets the claim, as the lockout sample's extensions do): each place it runs counts.
        let mut set = HashSet::new();
        produced(workspace, path, &effective, 0, &mut set);
        for place in places.iter().filter(|p| p.as_path() != path).take(64) {
            if let Some(amended) = effective_profile(workspace, place, &id) {
                produced(workspace, place, &amended, 0, &mut set);
            }
        }
        let controls = controls
            .get_or_insert_with(|| display_control_claims(workspace, &files))
            .get(&id_key(&id));
        for (claim, range) in outputs {
            let key = id_key(&claim);
            if collected.contains(&key)
                || set.contains(&key)
                || controls.is_some_and(|c| c.contains(&key))
                || workspace
                    .resolves(path, SymbolKind::ClaimType, &claim)
                    .is_none()
            {
                continue;
            }
            out.push(Diagnostic::new(
                range,
                DiagnosticCode::OutputClaimNeverSet,
                format!(
                    "\"{claim}\" is a required output claim of self-asserted profile \"{}\", but nothing sets it: its ClaimType has no UserInputType for the page to collect it, \
                     it has no DefaultValue, and no input claim, output claims transformation, validation profile or display control of the profile outputs it; \
                     give the ClaimType a UserInputType, the output claim a DefaultValue, or output it from a validation profile",
                    id.trim()
                ),
            ));
        }
    }
}

//! Rules that reproduce the rest of B2C's upload validation, and the run-time traps it lets
//! through, one family per module: the data types of claims-transformation claims and
//! parameters, tenants along a chain, the requirements of technical profiles, languages and
//! localized string ids, input types, predicates and regular expressions, display controls,
//! the relying party, claim resolvers, self-asserted output claims and content definitions.
//! Each reads the file's syntax tree and its chain; the registry in `diagnostic::codes` holds
//! each code's severity and evidence.

mod claim_resolvers;
mod claims;
mod content_definitions;
mod data_types;
mod display_controls;
mod input_types;
mod journeys;
mod localization;
mod predicates;
mod profiles;
mod regex;
mod relying_party;
mod self_asserted;
mod string_ids;
mod tenants;

use std::path::Path;

use syntax::view::ElementRef;

use crate::diagnostic::Diagnostic;
use crate::index::summary::{Located, Step};
use crate::index::{Chain, Workspace};

/// What the rules that judge a file along its chain read: the file, its tree and its chain,
/// which is complete (every ancestor is in the workspace, so what the chain lacks is really
/// missing).
pub(super) struct Judged<'a> {
    pub workspace: &'a Workspace,
    pub path: &'a Path,
    pub root: ElementRef<'a>,
    pub chain: &'a Chain,
}

/// The TechnicalProfile elements of a file's claims providers.
pub(super) fn technical_profiles<'a>(
    root: ElementRef<'a>,
) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    root.children_named("ClaimsProviders")
        .flat_map(|c| c.children_named("ClaimsProvider"))
        .flat_map(|c| c.children_named("TechnicalProfiles"))
        .flat_map(|t| t.children_named("TechnicalProfile"))
}

/// The ClaimType elements of a file's claims schema.
pub(super) fn claim_types<'a>(root: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    root.children_named("BuildingBlocks")
        .flat_map(|b| b.children_named("ClaimsSchema"))
        .flat_map(|s| s.children_named("ClaimType"))
}

/// Calls `visit` with the root element of each of `files` that the workspace holds.
pub(super) fn for_each_root(
    workspace: &Workspace,
    files: &[std::path::PathBuf],
    mut visit: impl FnMut(ElementRef<'_>),
) {
    for file in files.iter().filter_map(|f| workspace.file(f)) {
        if let Some(root) = ElementRef::root(&file.parse) {
            visit(root);
        }
    }
}

/// The issuer a SendClaims step names, if the step is one.
pub(super) fn send_claims_issuer(step: &Step) -> Option<&Located> {
    let is_send_claims = step
        .step_type
        .as_ref()
        .is_some_and(|t| t.text.trim() == "SendClaims");
    step.cpim_issuer.as_ref().filter(|_| is_send_claims)
}

/// Every finding of these rules for the file at `path`.
pub fn upload_diagnostics(workspace: &Workspace, path: &Path) -> Vec<Diagnostic> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    if !file.summary.is_policy {
        return Vec::new();
    }
    let mut out = Vec::new();
    data_types::check(workspace, path, &mut out);
    tenants::check(workspace, path, &mut out);
    profiles::check(workspace, path, &mut out);
    localization::check(workspace, path, &mut out);
    journeys::check(workspace, path, &mut out);
    claim_resolvers::check(workspace, path, &mut out);
    relying_party::check_issuer(workspace, path, &mut out);
    let chain = workspace.chain(path);
    if let Some(root) = ElementRef::root(&file.parse).filter(|_| chain.is_complete()) {
        let judged = Judged {
            workspace,
            path,
            root,
            chain: &chain,
        };
        display_controls::check(&judged, &mut out);
        input_types::check(&judged, &mut out);
        self_asserted::check(&judged, &mut out);
        content_definitions::check(&judged, &mut out);
    }
    if let Some(root) = ElementRef::root(&file.parse) {
        regex::check(root, &mut out);
        predicates::check(root, &mut out);
        relying_party::check(root, &mut out);
        string_ids::check(root, &mut out);
    }
    out
}

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

use crate::diagnostic::Diagnostic;
use crate::index::Workspace;

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
    display_controls::check(workspace, path, &mut out);
    claim_resolvers::check(workspace, path, &mut out);
    input_types::check(workspace, path, &mut out);
    relying_party::check_issuer(workspace, path, &mut out);
    self_asserted::check(workspace, path, &mut out);
    content_definitions::check(workspace, path, &mut out);
    if let Some(root) = syntax::view::ElementRef::root(&file.parse) {
        regex::check(root, &mut out);
        predicates::check(root, &mut out);
        relying_party::check(root, &mut out);
        string_ids::check(root, &mut out);
    }
    out
}

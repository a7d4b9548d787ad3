//! Catalog diagnostics: metadata keys and values per effective technical-profile type, handlers
//! and protocols, claims-transformation signatures, and the schema structure of elements.
//!
//! Severity follows one rule: an error only for what B2C rejects at upload and the real-policy
//! corpus never trips over; everything else is a warning.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::index::Workspace;

mod metadata;
mod structure;
mod transformations;

pub use metadata::missing_required_metadata;
use metadata::{metadata_diagnostics, protocol_diagnostics};
pub(crate) use structure::looks_like_placeholder;
use structure::structure_diagnostics;
use transformations::transformation_diagnostics;

/// Every catalog-driven diagnostic of the file at `path`.
pub fn catalog_diagnostics(workspace: &Workspace, path: &Path) -> Vec<Diagnostic> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    if !file.summary.is_policy {
        return Vec::new();
    }
    let mut out = structure_diagnostics(workspace, &file);
    let chain_complete = workspace.chain(path).is_complete();
    let mut included: Option<Vec<String>> = None;
    for tp in &file.summary.technical_profiles {
        protocol_diagnostics(tp, &mut out);
        metadata_diagnostics(workspace, path, tp, chain_complete, &mut included, &mut out);
    }
    for ct in &file.summary.transformations {
        transformation_diagnostics(workspace, path, ct, &mut out);
    }
    out.sort_by_key(|d| (d.range.start(), d.range.end(), d.code.as_str()));
    out
}

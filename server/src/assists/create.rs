//! Creating what a reference names but nothing defines: a ClaimType, ClaimsTransformation or
//! ContentDefinition stub, in the chain's extensions file or in the file itself, inside its
//! BuildingBlocks section (created when absent). A claim's DataType comes from how a claims
//! transformation uses it, where one does; a content definition's page from the step that
//! shows it.

use std::path::{Path, PathBuf};

use super::insert::{insert, Level, Lines};
use super::{escape_attribute, escape_text, file_label, FileEdit};
use crate::catalog;
use crate::index::summary::ClaimUse;
use crate::index::{ids_match, Reference, SymbolKind, Workspace};

/// A planned stub: a title and the edit that writes it.
pub struct Stub {
    pub title: String,
    pub edit: FileEdit,
}

/// The file new definitions for `path` go to: its chain's extensions file. That is the most
/// derived file of the chain that is neither a relying party (a file with a RelyingParty
/// element, which only its own journeys see) nor the chain's root base (the starter pack's
/// TrustFrameworkBase, which people leave untouched to take upgrades) nor a file from an extra
/// base location; in the starter pack's Base <- Localization <- Extensions <- relying party,
/// that is Extensions, whichever of them the reference is in. The file itself when no file
/// of the chain qualifies. Being in the chain, the file sees every definition written there.
pub fn extensions_file(workspace: &Workspace, path: &Path) -> PathBuf {
    let chain = workspace.chain(path);
    let root = if chain.missing_base.is_none() {
        chain.files.last()
    } else {
        None
    };
    chain
        .files
        .iter()
        .filter(|f| Some(*f) != root)
        .find(|f| {
            workspace
                .file(f)
                .is_some_and(|data| !data.base_only && data.summary.relying_party.is_none())
        })
        .cloned()
        .unwrap_or_else(|| path.to_owned())
}

/// Stubs defining the undefined `reference` of the file at `path`: one in the extensions file
/// and, when that is another file, one in the file itself.
pub fn stubs(workspace: &Workspace, path: &Path, reference: &Reference) -> Vec<Stub> {
    let Some((section, lines)) = stub_lines(workspace, path, reference) else {
        return Vec::new();
    };
    let extensions = extensions_file(workspace, path);
    let mut targets = vec![extensions.clone()];
    if extensions != path {
        targets.push(path.to_owned());
    }
    let mut out = Vec::new();
    for target in targets {
        let Some(file) = workspace.file(&target) else {
            continue;
        };
        let levels = [Level::any("BuildingBlocks"), Level::any(section)];
        let Some(insertion) = insert(&file, &levels, reference.kind.element_name(), lines.clone())
        else {
            continue;
        };
        let place = if target == path {
            "this file".to_owned()
        } else {
            file_label(&target)
        };
        out.push(Stub {
            title: format!(
                "Create {} \"{}\" in {place}",
                reference.kind.element_name(),
                reference.id.trim()
            ),
            edit: FileEdit {
                path: target,
                range: insertion.range,
                new_text: insertion.new_text,
            },
        });
    }
    out
}

/// The section and lines of the stub for a reference, for the kinds that have one.
fn stub_lines(
    workspace: &Workspace,
    path: &Path,
    reference: &Reference,
) -> Option<(&'static str, Lines)> {
    let id = escape_attribute(reference.id.trim());
    let mut lines = Lines::default();
    match reference.kind {
        SymbolKind::ClaimType => {
            let data_type = claim_data_type(workspace, path, &reference.id);
            lines.push(0, format!("<ClaimType Id=\"{id}\">"));
            lines.push(
                1,
                format!(
                    "<DisplayName>{}</DisplayName>",
                    escape_text(reference.id.trim())
                ),
            );
            lines.push(1, format!("<DataType>{data_type}</DataType>"));
            lines.push(0, "</ClaimType>");
            Some(("ClaimsSchema", lines))
        }
        SymbolKind::ClaimsTransformation => {
            // The method is the author's choice; the placeholder keeps the file valid and the
            // unknown-method warning points at what is left to fill in. Empty InputClaims or
            // OutputClaims would be schema errors: the method says which it needs.
            lines.push(
                0,
                format!("<ClaimsTransformation Id=\"{id}\" TransformationMethod=\"TODO\">"),
            );
            lines.push(0, "</ClaimsTransformation>");
            Some(("ClaimsTransformations", lines))
        }
        SymbolKind::ContentDefinition => {
            let (page, template) = page_of(workspace, path, reference);
            let version = catalog::page_layout_versions()
                .iter()
                .find(|(name, _)| *name == page)
                .and_then(|(_, versions)| versions.first())
                .copied()
                .unwrap_or("1.0.0");
            lines.push(0, format!("<ContentDefinition Id=\"{id}\">"));
            lines.push(
                1,
                format!("<LoadUri>~/tenant/templates/AzureBlue/{template}</LoadUri>"),
            );
            lines.push(
                1,
                "<RecoveryUri>~/common/default_page_error.html</RecoveryUri>",
            );
            lines.push(
                1,
                format!("<DataUri>urn:com:microsoft:aad:b2c:elements:contract:{page}:{version}</DataUri>"),
            );
            lines.push(0, "</ContentDefinition>");
            Some(("ContentDefinitions", lines))
        }
        _ => None,
    }
}

/// The DataType a claim must have where a claims transformation of the chain, or of a policy
/// built on it, uses it as a parameter of a known method; `string` otherwise.
fn claim_data_type(workspace: &Workspace, path: &Path, claim: &str) -> &'static str {
    let mut files = workspace.chain(path).files.clone();
    files.extend(workspace.dependents(path));
    for file in files.iter().filter_map(|f| workspace.file(f)) {
        for transformation in &file.summary.transformations {
            let Some(method) = transformation
                .method
                .as_ref()
                .and_then(|m| catalog::transformation_method(&m.text))
            else {
                continue;
            };
            let uses = |claims: &[ClaimUse]| -> Option<String> {
                claims
                    .iter()
                    .filter(|u| ids_match(&u.claim, claim))
                    .find_map(|u| u.transformation_claim_type.as_ref().map(|t| t.text.clone()))
            };
            let typed = uses(&transformation.input_claims)
                .and_then(|name| method.input_claim(&name))
                .or_else(|| {
                    uses(&transformation.output_claims).and_then(|name| method.output_claim(&name))
                })
                .map(|c| c.data_type)
                .filter(|t| *t != "any");
            if let Some(data_type) = typed {
                return data_type;
            }
        }
    }
    "string"
}

/// The page contract and template a content definition shows, from the step that names it:
/// a combined sign-in and sign-up page, an identity-provider selection, or a form.
fn page_of(
    workspace: &Workspace,
    path: &Path,
    reference: &Reference,
) -> (&'static str, &'static str) {
    let step_type = workspace.file(path).and_then(|file| {
        file.summary
            .journeys
            .iter()
            .flat_map(|j| &j.steps)
            .find(|s| {
                s.content_definition
                    .as_ref()
                    .is_some_and(|c| c.range == reference.range)
            })
            .and_then(|s| s.step_type.as_ref().map(|t| t.text.clone()))
    });
    match step_type.as_deref() {
        Some("CombinedSignInAndSignUp") => ("unifiedssp", "unified.cshtml"),
        Some("ClaimsProviderSelection") => ("providerselection", "idpSelector.cshtml"),
        _ => ("selfasserted", "selfAsserted.cshtml"),
    }
}

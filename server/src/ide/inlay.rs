//! Inlay hints: after a ClaimTypeReferenceId the claim's DataType, after a reference to a
//! technical profile its effective type (the catalog's short name, else its handler or
//! protocol), and on an orchestration step the claims it adds, kept short. Plain byte offsets;
//! the protocol edge converts them.

use std::collections::HashMap;
use std::path::Path;

use syntax::{TextRange, TextSize};

use crate::index::{id_key, ReferenceSite, SymbolKind, Workspace};
use crate::navigation;

use super::hover::claim_type_fields;
use super::profile_type;

/// What a hint says about the text before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintKind {
    /// The type of what the text names.
    Type,
    /// A summary of what an element does.
    Summary,
}

/// A label shown at `offset`, between two characters of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: TextSize,
    pub label: String,
    pub kind: HintKind,
}

/// How many claim names a step's hint lists before it says how many more there are.
const STEP_CLAIMS_SHOWN: usize = 3;

/// The hints of the file at `path` whose anchor lies in `range`, in text order.
pub fn inlay_hints(workspace: &Workspace, path: &Path, range: TextRange) -> Vec<InlayHint> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    // XML that is not a policy is left alone, as by every other feature.
    if !file.summary.is_policy {
        return Vec::new();
    }
    let text: &str = &file.text;
    let range = range
        .intersect(TextRange::up_to(TextSize::of(text)))
        .unwrap_or_default();
    // After the closing quote when the value has one.
    let after_value = |range: TextRange| {
        let end = usize::from(range.end());
        match text.as_bytes().get(end) {
            Some(b'"' | b'\'') => range.end() + TextSize::from(1),
            _ => range.end(),
        }
    };
    let mut claim_types: HashMap<String, Option<String>> = HashMap::new();
    let mut profile_types: HashMap<String, Option<String>> = HashMap::new();
    let mut out = Vec::new();
    for symbol in navigation::symbols_in(workspace, path, range) {
        crate::cancel::checkpoint();
        let Some(reference) = &symbol.reference else {
            continue;
        };
        let label = match reference.kind {
            SymbolKind::ClaimType if reference.site == ReferenceSite::Attribute => claim_types
                .entry(id_key(&reference.id))
                .or_insert_with(|| {
                    let found = workspace.resolve(path, SymbolKind::ClaimType, &reference.id);
                    claim_type_fields(workspace, &found, &["DataType"])
                        .pop()
                        .flatten()
                })
                .clone(),
            SymbolKind::TechnicalProfile => profile_types
                .entry(id_key(&reference.id))
                .or_insert_with(|| profile_type_name(workspace, path, &reference.id))
                .clone(),
            _ => None,
        };
        if let Some(label) = label {
            out.push(InlayHint {
                offset: after_value(reference.range),
                label: format!(": {label}"),
                kind: HintKind::Type,
            });
        }
    }
    for step in crate::journeys::step_additions(workspace, path, range) {
        crate::cancel::checkpoint();
        if step.claims.is_empty() {
            continue;
        }
        // The end of the step's start tag, looked for inside the step only.
        let tag_end = text
            .get(usize::from(step.order_range.end())..usize::from(step.step_range.end()))
            .and_then(|rest| rest.find('>'))
            .map(|i| step.order_range.end() + TextSize::from(i as u32 + 1));
        let Some(offset) = tag_end else {
            continue;
        };
        let mut label = format!(
            "adds {}",
            step.claims
                .iter()
                .take(STEP_CLAIMS_SHOWN)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        );
        if step.claims.len() > STEP_CLAIMS_SHOWN {
            label.push_str(&format!(" +{}", step.claims.len() - STEP_CLAIMS_SHOWN));
        }
        out.push(InlayHint {
            offset,
            label,
            kind: HintKind::Summary,
        });
    }
    out.sort_by_key(|h| h.offset);
    out
}

/// The short name of a technical profile's effective type: the catalog's id ("rest",
/// "self-asserted"), else the class name of its handler, else its protocol.
fn profile_type_name(workspace: &Workspace, path: &Path, id: &str) -> Option<String> {
    let found = profile_type(workspace, path, id, None);
    if let Some(ty) = found.ty {
        return Some(ty.id.to_owned());
    }
    let effective = found.effective?;
    effective
        .handler
        .as_deref()
        .and_then(|h| h.rsplit('.').next())
        .or(effective.protocol.as_deref())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

//! What symbol is at an offset of a file: the reference or definition whose id range holds it,
//! or the file's own PolicyId.

use std::path::Path;

use syntax::TextRange;

use super::{Definition, Reference, ReferenceScope, SymbolKind, Workspace};

/// The symbol under the cursor: a reference or a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolAt {
    pub kind: SymbolKind,
    pub id: String,
    pub range: TextRange,
    /// For a ClaimsExchange: its journey.
    pub journey: Option<String>,
    pub reference: Option<Reference>,
    pub definition: Option<Definition>,
}

fn contains(range: TextRange, offset: u32) -> bool {
    range.start() <= offset.into() && offset <= u32::from(range.end())
}

/// The reference or definition whose id range holds `offset`.
///
/// The one answer to "what is at this offset" for navigation, hover and the editor features.
pub fn symbol_at(workspace: &Workspace, path: &Path, offset: u32) -> Option<SymbolAt> {
    let file = workspace.file(path)?;
    let summary = &file.summary;
    if let Some(reference) = summary
        .references
        .iter()
        .find(|r| contains(r.range, offset))
    {
        let journey = match &reference.scope {
            ReferenceScope::LaterStepOf { journey, .. } => Some(journey.clone()),
            _ => None,
        };
        return Some(SymbolAt {
            kind: reference.kind,
            id: reference.id.clone(),
            range: reference.range,
            journey,
            reference: Some(reference.clone()),
            definition: None,
        });
    }
    if let Some(definition) = summary
        .definitions
        .iter()
        .find(|d| contains(d.id_range, offset))
    {
        let journey = (definition.kind == SymbolKind::ClaimsExchange)
            .then(|| definition.scope.clone())
            .flatten();
        return Some(SymbolAt {
            kind: definition.kind,
            id: definition.id.clone(),
            range: definition.id_range,
            journey,
            reference: None,
            definition: Some(definition.clone()),
        });
    }
    let policy_id = summary
        .policy_id
        .as_ref()
        .filter(|p| contains(p.range, offset))?;
    Some(SymbolAt {
        kind: SymbolKind::Policy,
        id: policy_id.text.clone(),
        range: policy_id.range,
        journey: None,
        reference: None,
        definition: None,
    })
}

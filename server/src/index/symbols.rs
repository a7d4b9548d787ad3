//! What symbol is at an offset or in a range of a file: the references and definitions whose
//! id ranges meet it, or the file's own PolicyId.

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

/// The reference or definition whose id range holds `offset`.
///
/// The one answer to "what is at this offset" for navigation, hover and the editor features.
pub fn symbol_at(workspace: &Workspace, path: &Path, offset: u32) -> Option<SymbolAt> {
    symbols_in(workspace, path, TextRange::empty(offset.into()))
        .into_iter()
        .next()
}

/// Every reference and definition whose id range meets `range` (touching counts), references
/// first, then definitions, then the file's PolicyId, each in the order the index holds them:
/// [`symbol_at`] for a range, which the semantic tokens and inlay hints ask.
pub fn symbols_in(workspace: &Workspace, path: &Path, range: TextRange) -> Vec<SymbolAt> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    let meets = |r: TextRange| r.start() <= range.end() && range.start() <= r.end();
    let summary = &file.summary;
    let mut out = Vec::new();
    for reference in summary.references.iter().filter(|r| meets(r.range)) {
        let journey = match &reference.scope {
            ReferenceScope::LaterStepOf { journey, .. } => Some(journey.clone()),
            _ => None,
        };
        out.push(SymbolAt {
            kind: reference.kind,
            id: reference.id.clone(),
            range: reference.range,
            journey,
            reference: Some(reference.clone()),
            definition: None,
        });
    }
    for definition in summary.definitions.iter().filter(|d| meets(d.id_range)) {
        out.push(symbol_of_definition(definition));
    }
    if let Some(policy_id) = summary.policy_id.as_ref().filter(|p| meets(p.range)) {
        out.push(SymbolAt {
            kind: SymbolKind::Policy,
            id: policy_id.text.clone(),
            range: policy_id.range,
            journey: None,
            reference: None,
            definition: None,
        });
    }
    out
}

/// The symbol a definition defines, as if the cursor were on its id.
pub fn symbol_of_definition(definition: &Definition) -> SymbolAt {
    let journey = (definition.kind == SymbolKind::ClaimsExchange)
        .then(|| definition.scope.clone())
        .flatten();
    SymbolAt {
        kind: definition.kind,
        id: definition.id.clone(),
        range: definition.id_range,
        journey,
        reference: None,
        definition: Some(definition.clone()),
    }
}

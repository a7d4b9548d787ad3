//! The semantic index: what each policy file defines and references, and the workspace of
//! files tied together by their BasePolicy chains. Plain data with byte ranges; no LSP here.

pub mod profiles;
pub mod summary;
mod symbols;
pub mod workspace;

use syntax::TextRange;

pub use crate::catalog::SymbolKind;
pub use summary::{summarize, Summary};
pub use symbols::{symbol_at, symbol_of_definition, symbols_in, SymbolAt};
pub use workspace::{Chain, FileData, Workspace};

/// Ids are compared case-insensitively, as B2C does.
pub fn id_key(id: &str) -> String {
    id.trim().to_lowercase()
}

/// Whether two ids are the same id for B2C (case-insensitive), without allocating.
pub fn ids_match(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// Something a file defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub kind: SymbolKind,
    pub id: String,
    /// The range of the id's value (inside the quotes or the element text).
    pub id_range: TextRange,
    /// The range of the whole defining element.
    pub full_range: TextRange,
    /// For a ClaimsExchange, the id of its journey; `None` for the other kinds.
    pub scope: Option<String>,
    /// For a ClaimsExchange, the Order of its step.
    pub step_order: Option<u32>,
}

/// How a reference is to be resolved, beyond its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceScope {
    /// In the file and its ancestors.
    Chain,
    /// In the same file only (IncludeClaimsFromTechnicalProfile).
    SameFile,
    /// A ClaimsExchange of a later step of the named journey (a selection target); with
    /// `same_step`, the selecting step's own exchanges count too (ValidationClaimsExchangeId
    /// names an exchange of its own CombinedSignInAndSignUp step).
    LaterStepOf {
        journey: String,
        order: u32,
        same_step: bool,
    },
}

/// Where a reference was written, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceSite {
    Attribute,
    /// The first Value of a ClaimsExist / ClaimEquals precondition.
    PreconditionClaim,
    /// The value of a metadata item whose value names a definition.
    MetadataValue,
    /// A localized string's ElementId.
    LocalizedElement,
    /// A BasePolicy's PolicyId.
    BasePolicy,
    /// The text of an element that holds an id (IncludeClaimsFromTechnicalProfile).
    ElementText,
}

impl ReferenceSite {
    /// Whether a reference written here is resolved when a journey runs, in the chain of the
    /// relying party that runs it, rather than at upload in the chain of the file that writes
    /// it. Metadata values are plain strings to the upload validation, and localized strings
    /// are looked up by id when a page is shown.
    pub fn resolved_at_run_time(self) -> bool {
        matches!(
            self,
            ReferenceSite::MetadataValue | ReferenceSite::LocalizedElement
        )
    }
}

/// A use of an id somewhere in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub kind: SymbolKind,
    pub id: String,
    pub range: TextRange,
    pub scope: ReferenceScope,
    pub site: ReferenceSite,
}

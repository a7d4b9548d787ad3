//! The semantic index: what each policy file defines and references, and the workspace of
//! files tied together by their BasePolicy chains. Plain data with byte ranges; no LSP here.

pub mod profiles;
pub mod summary;
pub mod workspace;

use crate::diagnostic::DiagnosticCode;
use syntax::TextRange;

pub use summary::{summarize, Summary};
pub use workspace::{Chain, FileData, Workspace};

/// The kinds of things a policy defines and refers to by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SymbolKind {
    ClaimType,
    Predicate,
    PredicateValidation,
    ClaimsTransformation,
    ContentDefinition,
    DisplayControl,
    LocalizedResources,
    ClientDefinition,
    TechnicalProfile,
    UserJourney,
    SubJourney,
    /// A ClaimsExchange of an orchestration step; scoped to its journey.
    ClaimsExchange,
    /// A whole policy, named by its PolicyId.
    Policy,
}

impl SymbolKind {
    /// The element name B2C uses for the kind, as in its own messages.
    pub fn element_name(self) -> &'static str {
        match self {
            SymbolKind::ClaimType => "ClaimType",
            SymbolKind::Predicate => "Predicate",
            SymbolKind::PredicateValidation => "PredicateValidation",
            SymbolKind::ClaimsTransformation => "ClaimsTransformation",
            SymbolKind::ContentDefinition => "ContentDefinition",
            SymbolKind::DisplayControl => "DisplayControl",
            SymbolKind::LocalizedResources => "LocalizedResources",
            SymbolKind::ClientDefinition => "ClientDefinition",
            SymbolKind::TechnicalProfile => "TechnicalProfile",
            SymbolKind::UserJourney => "UserJourney",
            SymbolKind::SubJourney => "SubJourney",
            SymbolKind::ClaimsExchange => "ClaimsExchange",
            SymbolKind::Policy => "Policy",
        }
    }

    /// The diagnostic code for a reference to this kind that resolves to nothing.
    pub fn undefined_code(self) -> DiagnosticCode {
        match self {
            SymbolKind::ClaimType => DiagnosticCode::UndefinedClaimType,
            SymbolKind::Predicate => DiagnosticCode::UndefinedPredicate,
            SymbolKind::PredicateValidation => DiagnosticCode::UndefinedPredicateValidation,
            SymbolKind::ClaimsTransformation => DiagnosticCode::UndefinedClaimsTransformation,
            SymbolKind::ContentDefinition => DiagnosticCode::UndefinedContentDefinition,
            SymbolKind::DisplayControl => DiagnosticCode::UndefinedDisplayControl,
            SymbolKind::LocalizedResources => DiagnosticCode::UndefinedLocalizedResources,
            SymbolKind::ClientDefinition => DiagnosticCode::UndefinedClientDefinition,
            SymbolKind::TechnicalProfile => DiagnosticCode::UndefinedTechnicalProfile,
            SymbolKind::UserJourney => DiagnosticCode::UndefinedUserJourney,
            SymbolKind::SubJourney => DiagnosticCode::UndefinedSubJourney,
            SymbolKind::ClaimsExchange => DiagnosticCode::UndefinedClaimsExchange,
            // A missing base is reported as such, never as an undefined reference.
            SymbolKind::Policy => DiagnosticCode::BasePolicyMissing,
        }
    }

    pub const ALL: [SymbolKind; 13] = [
        SymbolKind::ClaimType,
        SymbolKind::Predicate,
        SymbolKind::PredicateValidation,
        SymbolKind::ClaimsTransformation,
        SymbolKind::ContentDefinition,
        SymbolKind::DisplayControl,
        SymbolKind::LocalizedResources,
        SymbolKind::ClientDefinition,
        SymbolKind::TechnicalProfile,
        SymbolKind::UserJourney,
        SymbolKind::SubJourney,
        SymbolKind::ClaimsExchange,
        SymbolKind::Policy,
    ];
}

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

/// A use of an id somewhere in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub kind: SymbolKind,
    pub id: String,
    pub range: TextRange,
    pub scope: ReferenceScope,
    pub site: ReferenceSite,
}

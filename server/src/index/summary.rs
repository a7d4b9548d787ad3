//! Extracts a file's summary from its syntax tree: PolicyId, BasePolicy, every definition and
//! reference with exact ranges, and the details of technical profiles, transformations and
//! journeys that later analyses need.

use std::borrow::Cow;

use syntax::view::{ElementRef, ValueRef};
use syntax::{Parse, TextRange};

use crate::diagnostic::DiagnosticCode;

use super::{id_key, Definition, Reference, ReferenceScope, ReferenceSite, SymbolKind};

/// A value written in a file, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub text: String,
    pub range: TextRange,
}

/// One `Metadata/Item`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataItem {
    pub key: String,
    pub key_range: TextRange,
    pub value: String,
    pub value_range: TextRange,
    pub item_range: TextRange,
}

/// One claim in an InputClaims / OutputClaims / PersistedClaims / DisplayClaims list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimUse {
    pub claim: String,
    pub range: TextRange,
    pub default_value: Option<String>,
    pub required: bool,
    /// The name the claim has in the protocol (`PartnerClaimType`), when it is renamed.
    pub partner_claim_type: Option<String>,
    /// For claims of a ClaimsTransformation: the method's parameter name.
    pub transformation_claim_type: Option<Located>,
}

/// What a TechnicalProfile element says about itself (not what it inherits).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TechnicalProfileSummary {
    pub id: String,
    pub id_range: TextRange,
    pub full_range: TextRange,
    pub display_name: Option<String>,
    pub protocol: Option<Located>,
    /// The handler class, cut at the first comma.
    pub handler: Option<Located>,
    pub input_token_format: Option<String>,
    pub output_token_format: Option<String>,
    pub include: Option<Located>,
    pub metadata: Vec<MetadataItem>,
    pub metadata_range: Option<TextRange>,
    pub cryptographic_keys: Vec<Located>,
    pub input_claims: Vec<ClaimUse>,
    pub output_claims: Vec<ClaimUse>,
    pub persisted_claims: Vec<ClaimUse>,
    pub display_claims: Vec<ClaimUse>,
    pub input_transformations: Vec<Located>,
    pub output_transformations: Vec<Located>,
    pub validation_profiles: Vec<Located>,
    pub session_management: Option<Located>,
    /// Whether it sits in the RelyingParty (then it is not referenceable).
    pub in_relying_party: bool,
}

/// A ClaimsTransformation element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransformationSummary {
    pub id: String,
    pub id_range: TextRange,
    pub full_range: TextRange,
    pub method: Option<Located>,
    pub input_claims: Vec<ClaimUse>,
    pub input_parameters: Vec<InputParameter>,
    pub output_claims: Vec<ClaimUse>,
    pub input_claims_range: Option<TextRange>,
    pub input_parameters_range: Option<TextRange>,
    pub output_claims_range: Option<TextRange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputParameter {
    pub id: String,
    pub id_range: TextRange,
    pub data_type: Option<String>,
    pub value: Option<String>,
}

/// A precondition on a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precondition {
    pub kind: String,
    pub execute_actions_if: bool,
    pub values: Vec<Located>,
    pub action: Option<String>,
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsExchange {
    pub id: Located,
    pub technical_profile: Option<Located>,
}

/// An OrchestrationStep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub order: Option<u32>,
    pub order_range: TextRange,
    pub step_type: Option<Located>,
    pub full_range: TextRange,
    pub cpim_issuer: Option<Located>,
    pub content_definition: Option<Located>,
    pub preconditions: Vec<Precondition>,
    pub selections: Vec<Located>,
    pub exchanges: Vec<ClaimsExchange>,
    pub sub_journeys: Vec<Located>,
}

/// A UserJourney or SubJourney.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JourneySummary {
    pub kind: SymbolKind,
    pub id: String,
    pub id_range: TextRange,
    pub full_range: TextRange,
    /// A SubJourney's Type (Call or Transfer).
    pub sub_journey_type: Option<String>,
    pub steps: Vec<Step>,
}

/// The RelyingParty element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelyingPartySummary {
    pub range: TextRange,
    pub default_journey: Option<Located>,
    pub output_claims: Vec<ClaimUse>,
    pub protocol: Option<String>,
    /// `SubjectNamingInfo@ClaimType`: the protocol name (PartnerClaimType, else the
    /// ClaimTypeReferenceId) of one of the output claims above, not a ClaimType id.
    pub subject_naming: Option<Located>,
}

/// A diagnostic that one file shows on its own, without looking at other files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFinding {
    pub code: DiagnosticCode,
    pub range: TextRange,
    pub message: String,
    pub related: Vec<(TextRange, String)>,
}

/// Everything the index knows about one file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// False when the root element is not TrustFrameworkPolicy: the file is ignored.
    pub is_policy: bool,
    pub root_name_range: TextRange,
    pub policy_id: Option<Located>,
    pub base_policy: Option<Located>,
    pub base_policy_range: Option<TextRange>,
    pub definitions: Vec<Definition>,
    pub references: Vec<Reference>,
    pub technical_profiles: Vec<TechnicalProfileSummary>,
    pub transformations: Vec<TransformationSummary>,
    pub journeys: Vec<JourneySummary>,
    pub relying_party: Option<RelyingPartySummary>,
    /// Every Precondition in the file (journey steps, validation profiles, display controls).
    pub preconditions: Vec<Precondition>,
    pub local_findings: Vec<LocalFinding>,
    /// (kind, case-insensitive hash of the id) -> indices into `definitions`; lookups check
    /// the ids themselves, so a hash collision costs a comparison, never a wrong answer.
    by_key: rustc_hash::FxHashMap<(SymbolKind, u64), Vec<usize>>,
}

/// A hash of an id that ignores case and surrounding blanks, computed without allocating.
fn id_hash(id: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    for c in id.trim().chars() {
        if c.is_ascii() {
            hasher.write_u8(c.to_ascii_lowercase() as u8);
        } else {
            for lower in c.to_lowercase() {
                hasher.write_u32(lower as u32);
            }
        }
    }
    hasher.finish()
}

impl Summary {
    /// Definitions of `kind` whose id matches `id` case-insensitively.
    pub fn lookup<'a>(
        &'a self,
        kind: SymbolKind,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Definition> + 'a {
        self.by_key
            .get(&(kind, id_hash(id)))
            .into_iter()
            .flatten()
            .map(|&i| &self.definitions[i])
            .filter(move |d| super::ids_match(&d.id, id))
    }

    pub fn technical_profile(&self, id: &str) -> Option<&TechnicalProfileSummary> {
        self.technical_profiles
            .iter()
            .find(|tp| !tp.in_relying_party && super::ids_match(&tp.id, id))
    }

    pub fn transformation(&self, id: &str) -> Option<&TransformationSummary> {
        self.transformations
            .iter()
            .find(|ct| super::ids_match(&ct.id, id))
    }
}

/// Metadata items whose value names a definition.
pub const METADATA_REFERENCES: &[(&str, SymbolKind)] = &[
    (
        "ContentDefinitionReferenceId",
        SymbolKind::ContentDefinition,
    ),
    ("ClaimTypeOnWhichToEnable", SymbolKind::ClaimType),
];

/// Where each kind is defined: (element, parent element).
const DEFINITION_SITES: &[(&str, &str, SymbolKind)] = &[
    ("ClaimType", "ClaimsSchema", SymbolKind::ClaimType),
    ("Predicate", "Predicates", SymbolKind::Predicate),
    (
        "PredicateValidation",
        "PredicateValidations",
        SymbolKind::PredicateValidation,
    ),
    (
        "ClaimsTransformation",
        "ClaimsTransformations",
        SymbolKind::ClaimsTransformation,
    ),
    (
        "ContentDefinition",
        "ContentDefinitions",
        SymbolKind::ContentDefinition,
    ),
    (
        "DisplayControl",
        "DisplayControls",
        SymbolKind::DisplayControl,
    ),
    (
        "LocalizedResources",
        "Localization",
        SymbolKind::LocalizedResources,
    ),
    (
        "ClientDefinition",
        "ClientDefinitions",
        SymbolKind::ClientDefinition,
    ),
    (
        "TechnicalProfile",
        "TechnicalProfiles",
        SymbolKind::TechnicalProfile,
    ),
    ("UserJourney", "UserJourneys", SymbolKind::UserJourney),
    ("SubJourney", "SubJourneys", SymbolKind::SubJourney),
    (
        "ClaimsExchange",
        "ClaimsExchanges",
        SymbolKind::ClaimsExchange,
    ),
];

/// Attribute references: (element or "*" for any, attribute, kind, scope).
pub const ATTRIBUTE_REFERENCES: &[(&str, &str, SymbolKind)] = &[
    ("*", "ClaimTypeReferenceId", SymbolKind::ClaimType),
    ("*", "DisplayControlReferenceId", SymbolKind::DisplayControl),
    (
        "*",
        "TechnicalProfileReferenceId",
        SymbolKind::TechnicalProfile,
    ),
    (
        "IncludeTechnicalProfile",
        "ReferenceId",
        SymbolKind::TechnicalProfile,
    ),
    (
        "UseTechnicalProfileForSessionManagement",
        "ReferenceId",
        SymbolKind::TechnicalProfile,
    ),
    (
        "ValidationTechnicalProfile",
        "ReferenceId",
        SymbolKind::TechnicalProfile,
    ),
    (
        "AuthorizationTechnicalProfile",
        "ReferenceId",
        SymbolKind::TechnicalProfile,
    ),
    (
        "*",
        "CpimIssuerTechnicalProfileReferenceId",
        SymbolKind::TechnicalProfile,
    ),
    (
        "*",
        "DefaultCpimIssuerTechnicalProfileReferenceId",
        SymbolKind::TechnicalProfile,
    ),
    (
        "InputClaimsTransformation",
        "ReferenceId",
        SymbolKind::ClaimsTransformation,
    ),
    (
        "OutputClaimsTransformation",
        "ReferenceId",
        SymbolKind::ClaimsTransformation,
    ),
    (
        "*",
        "ContentDefinitionReferenceId",
        SymbolKind::ContentDefinition,
    ),
    (
        "*",
        "LocalizedResourcesReferenceId",
        SymbolKind::LocalizedResources,
    ),
    ("DefaultUserJourney", "ReferenceId", SymbolKind::UserJourney),
    (
        "ClientDefinition",
        "ReferenceId",
        SymbolKind::ClientDefinition,
    ),
    ("*", "UserJourneyReferenceId", SymbolKind::UserJourney),
    ("*", "SubJourneyReferenceId", SymbolKind::SubJourney),
    ("PredicateReference", "Id", SymbolKind::Predicate),
    (
        "PredicateValidationReference",
        "Id",
        SymbolKind::PredicateValidation,
    ),
];

/// LocalizedString / LocalizedCollection ElementType values that name a definition.
pub const LOCALIZED_ELEMENT_TYPES: &[(&str, SymbolKind)] = &[
    ("ClaimType", SymbolKind::ClaimType),
    ("DisplayControl", SymbolKind::DisplayControl),
    ("Predicate", SymbolKind::Predicate),
];

fn located_attribute(element: ElementRef<'_>, name: &str) -> Option<Located> {
    let (text, range) = element.attribute_value_with_range(name)?;
    Some(Located {
        text: text.into_owned(),
        range,
    })
}

fn located(value: ValueRef<'_>) -> Located {
    Located {
        text: value.unescaped().into_owned(),
        range: value.range(),
    }
}

/// The unescaped value of an attribute, owned.
fn attribute(element: ElementRef<'_>, name: &str) -> Option<String> {
    element.attribute_value(name).map(Cow::into_owned)
}

fn located_text(element: ElementRef<'_>) -> Located {
    let (text, range) = element.text_with_range();
    let range = range.unwrap_or_else(|| element.content_range());
    Located {
        text: text.trim().to_owned(),
        range,
    }
}

/// Where an element sits: its parent's name, and the journey and step around it.
#[derive(Clone, Default)]
struct Place<'a> {
    parent: &'a str,
    /// The Id of the nearest enclosing UserJourney or SubJourney.
    journey: Option<Cow<'a, str>>,
    /// The Order of the nearest enclosing OrchestrationStep inside that journey.
    order: Option<u32>,
}

impl<'a> Place<'a> {
    /// The place of the children of `element`, which sits at `self`.
    fn inside(&self, element: ElementRef<'a>, name: &'a str) -> Place<'a> {
        let mut place = Place {
            parent: name,
            journey: self.journey.clone(),
            order: self.order,
        };
        match name {
            "UserJourney" | "SubJourney" => {
                place.journey = element.attribute_value("Id");
                place.order = None;
            }
            "OrchestrationStep" => {
                if let Some(order) = element
                    .attribute_value("Order")
                    .and_then(|o| o.trim().parse().ok())
                {
                    place.order = Some(order);
                }
            }
            _ => {}
        }
        place
    }

    /// The journey id and step order that contain the element.
    fn step(&self) -> Option<(String, u32)> {
        Some((self.journey.as_deref()?.to_owned(), self.order?))
    }
}

/// Builds the summary of a parsed file.
pub fn summarize(parse: &Parse) -> Summary {
    let mut summary = Summary::default();
    let Some(root) = ElementRef::root(parse) else {
        return summary;
    };
    if !root.is("TrustFrameworkPolicy") {
        return summary;
    }
    summary.is_policy = true;
    summary.root_name_range = root.name_range();
    summary.policy_id = located_attribute(root, "PolicyId").filter(|id| !id.text.trim().is_empty());
    if let Some(base) = root.child("BasePolicy") {
        summary.base_policy_range = Some(base.range());
        summary.base_policy = base
            .child("PolicyId")
            .map(located_text)
            .filter(|id| !id.text.is_empty());
        if let Some(id) = &summary.base_policy {
            summary.references.push(Reference {
                kind: SymbolKind::Policy,
                id: id.text.clone(),
                range: id.range,
                scope: ReferenceScope::Chain,
                site: ReferenceSite::BasePolicy,
            });
        }
    }
    let mut collector = Collector {
        summary: &mut summary,
    };
    // Depth-first over elements only, in document order, over the green tree.
    let mut stack: Vec<(ElementRef<'_>, Place<'_>)> = vec![(root, Place::default())];
    let mut children = Vec::new();
    while let Some((element, place)) = stack.pop() {
        // One lookup of the name: an unnamed element is not collected but still walked into.
        let name = element.name().map(|n| n.local());
        if let Some(name) = name {
            collector.element(element, name, &place);
        }
        let name = name.unwrap_or("");
        children.extend(element.child_elements());
        if children.is_empty() {
            continue;
        }
        let inside = place.inside(element, name);
        stack.extend(
            children
                .drain(..)
                .rev()
                .map(|child| (child, inside.clone())),
        );
    }
    collector.duplicates();
    summary.by_key = Default::default();
    for (i, definition) in summary.definitions.iter().enumerate() {
        summary
            .by_key
            .entry((definition.kind, id_hash(&definition.id)))
            .or_default()
            .push(i);
    }
    summary.compact();
    summary
}

impl Summary {
    /// Gives back the spare capacity of every list: a workspace keeps thousands of summaries.
    fn compact(&mut self) {
        self.definitions.shrink_to_fit();
        self.references.shrink_to_fit();
        for profile in &mut self.technical_profiles {
            profile.metadata.shrink_to_fit();
            profile.cryptographic_keys.shrink_to_fit();
            profile.input_claims.shrink_to_fit();
            profile.output_claims.shrink_to_fit();
            profile.persisted_claims.shrink_to_fit();
            profile.display_claims.shrink_to_fit();
            profile.input_transformations.shrink_to_fit();
            profile.output_transformations.shrink_to_fit();
            profile.validation_profiles.shrink_to_fit();
        }
        self.technical_profiles.shrink_to_fit();
        for transformation in &mut self.transformations {
            transformation.input_claims.shrink_to_fit();
            transformation.output_claims.shrink_to_fit();
            transformation.input_parameters.shrink_to_fit();
        }
        self.transformations.shrink_to_fit();
        for journey in &mut self.journeys {
            for step in &mut journey.steps {
                for precondition in &mut step.preconditions {
                    precondition.values.shrink_to_fit();
                }
                step.preconditions.shrink_to_fit();
                step.selections.shrink_to_fit();
                step.exchanges.shrink_to_fit();
                step.sub_journeys.shrink_to_fit();
            }
            journey.steps.shrink_to_fit();
        }
        self.journeys.shrink_to_fit();
        if let Some(party) = &mut self.relying_party {
            party.output_claims.shrink_to_fit();
        }
        self.preconditions.shrink_to_fit();
        self.local_findings.shrink_to_fit();
        for found in self.by_key.values_mut() {
            found.shrink_to_fit();
        }
        self.by_key.shrink_to_fit();
    }
}

struct Collector<'s> {
    summary: &'s mut Summary,
}

impl Collector<'_> {
    fn reference(
        &mut self,
        kind: SymbolKind,
        value: Located,
        scope: ReferenceScope,
        site: ReferenceSite,
    ) {
        if value.text.trim().is_empty() {
            return;
        }
        self.summary.references.push(Reference {
            kind,
            id: value.text,
            range: value.range,
            scope,
            site,
        });
    }

    fn element(&mut self, element: ElementRef<'_>, name: &str, place: &Place<'_>) {
        let parent_name = place.parent;
        // Definitions.
        if let Some(&(_, _, kind)) = DEFINITION_SITES
            .iter()
            .find(|(e, p, _)| *e == name && *p == parent_name)
        {
            self.definition(kind, element, place);
        }

        // Attribute references: one pass over the attributes the element has.
        for attribute in element.attributes() {
            let Some(attribute_name) = attribute.name() else {
                continue;
            };
            let attribute_name = attribute_name.text();
            let Some(&(_, _, kind)) = ATTRIBUTE_REFERENCES
                .iter()
                .find(|(on, a, _)| *a == attribute_name && (*on == "*" || *on == name))
            else {
                continue;
            };
            let Some(value) = attribute.value() else {
                continue;
            };
            let value = Located {
                text: value.unescaped().into_owned(),
                range: value.range(),
            };
            self.reference(kind, value, ReferenceScope::Chain, ReferenceSite::Attribute);
        }

        match name {
            "ClaimsProviderSelection" => {
                if let Some((journey, order)) = place.step() {
                    for attribute in ["TargetClaimsExchangeId", "ValidationClaimsExchangeId"] {
                        if let Some(value) = located_attribute(element, attribute) {
                            let scope = ReferenceScope::LaterStepOf {
                                journey: journey.clone(),
                                order,
                                same_step: attribute == "ValidationClaimsExchangeId",
                            };
                            self.reference(
                                SymbolKind::ClaimsExchange,
                                value,
                                scope,
                                ReferenceSite::Attribute,
                            );
                        }
                    }
                }
            }
            // The schema makes it an element whose text is the id (xs:string), not an
            // attribute, and the profile must be in the same file.
            "IncludeClaimsFromTechnicalProfile" => {
                self.reference(
                    SymbolKind::TechnicalProfile,
                    located_text(element),
                    ReferenceScope::SameFile,
                    ReferenceSite::ElementText,
                );
            }
            "Precondition" => {
                self.precondition_references(element);
                self.summary.preconditions.push(precondition(element));
            }
            "Item" if parent_name == "Metadata" => {
                let key = element.attribute_value("Key").unwrap_or_default();
                if let Some(&(_, kind)) = METADATA_REFERENCES
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&key))
                {
                    let value = located_text(element);
                    // Claim resolvers and settings placeholders are not ids.
                    if !value.text.contains('{') {
                        self.reference(
                            kind,
                            value,
                            ReferenceScope::Chain,
                            ReferenceSite::MetadataValue,
                        );
                    }
                }
            }
            "LocalizedString" | "LocalizedCollection" => {
                let element_type = element.attribute_value("ElementType").unwrap_or_default();
                if let Some(&(_, kind)) = LOCALIZED_ELEMENT_TYPES
                    .iter()
                    .find(|(t, _)| *t == element_type)
                {
                    if let Some(value) = located_attribute(element, "ElementId") {
                        self.reference(
                            kind,
                            value,
                            ReferenceScope::Chain,
                            ReferenceSite::LocalizedElement,
                        );
                    }
                }
            }
            "RelyingParty" if parent_name == "TrustFrameworkPolicy" => self.relying_party(element),
            _ => {}
        }
    }

    fn definition(&mut self, kind: SymbolKind, element: ElementRef<'_>, place: &Place<'_>) {
        let Some(id) = located_attribute(element, "Id") else {
            return;
        };
        let mut scope = None;
        let mut step_order = None;
        match kind {
            SymbolKind::TechnicalProfile => {
                // A RelyingParty's TechnicalProfile sits in RelyingParty, not TechnicalProfiles.
                self.technical_profile(element, &id, false);
            }
            SymbolKind::ClaimsTransformation => self.transformation(element, &id),
            SymbolKind::UserJourney | SymbolKind::SubJourney => self.journey(kind, element, &id),
            SymbolKind::ClaimsExchange => match place.step() {
                Some((journey, order)) => {
                    scope = Some(journey);
                    step_order = Some(order);
                }
                None => return,
            },
            _ => {}
        }
        self.summary.definitions.push(Definition {
            kind,
            id: id.text,
            id_range: id.range,
            full_range: element.range(),
            scope,
            step_order,
        });
    }

    fn precondition_references(&mut self, element: ElementRef<'_>) {
        let kind = element.attribute_value("Type").unwrap_or_default();
        if kind != "ClaimsExist" && kind != "ClaimEquals" {
            return;
        }
        let mut values = element.children_named("Value");
        if let Some(first) = values.next() {
            let value = located_text(first);
            self.reference(
                SymbolKind::ClaimType,
                value,
                ReferenceScope::Chain,
                ReferenceSite::PreconditionClaim,
            );
        }
    }

    fn technical_profile(&mut self, element: ElementRef<'_>, id: &Located, in_relying_party: bool) {
        let mut tp = TechnicalProfileSummary {
            id: id.text.clone(),
            id_range: id.range,
            full_range: element.range(),
            in_relying_party,
            ..Default::default()
        };
        for child in element.child_elements() {
            let Some(name) = child.name() else { continue };
            match name.local() {
                "DisplayName" => tp.display_name = Some(child.text().trim().to_owned()),
                "Protocol" => {
                    tp.protocol = located_attribute(child, "Name");
                    tp.handler = located_attribute(child, "Handler").map(|mut handler| {
                        if let Some(comma) = handler.text.find(',') {
                            handler.text.truncate(comma);
                            handler.range =
                                TextRange::at(handler.range.start(), (comma as u32).into());
                        }
                        handler.text = handler.text.trim().to_owned();
                        handler
                    });
                }
                "InputTokenFormat" => tp.input_token_format = Some(child.text().trim().to_owned()),
                "OutputTokenFormat" => {
                    tp.output_token_format = Some(child.text().trim().to_owned())
                }
                "Metadata" => {
                    tp.metadata_range = Some(child.range());
                    tp.metadata = metadata_items(child);
                    duplicate_metadata_keys(&tp.id, &tp.metadata, &mut self.summary.local_findings);
                }
                "CryptographicKeys" => {
                    tp.cryptographic_keys = child
                        .children_named("Key")
                        .filter_map(|k| located_attribute(k, "Id"))
                        .collect();
                }
                "InputClaims" => tp.input_claims = claim_uses(child),
                "OutputClaims" => tp.output_claims = claim_uses(child),
                "PersistedClaims" => tp.persisted_claims = claim_uses(child),
                "DisplayClaims" => tp.display_claims = claim_uses(child),
                "InputClaimsTransformations" => tp.input_transformations = reference_ids(child),
                "OutputClaimsTransformations" => tp.output_transformations = reference_ids(child),
                "ValidationTechnicalProfiles" => tp.validation_profiles = reference_ids(child),
                "IncludeTechnicalProfile" => tp.include = located_attribute(child, "ReferenceId"),
                "UseTechnicalProfileForSessionManagement" => {
                    tp.session_management = located_attribute(child, "ReferenceId")
                }
                _ => {}
            }
        }
        self.summary.technical_profiles.push(tp);
    }

    fn transformation(&mut self, element: ElementRef<'_>, id: &Located) {
        let mut ct = TransformationSummary {
            id: id.text.clone(),
            id_range: id.range,
            full_range: element.range(),
            method: located_attribute(element, "TransformationMethod"),
            input_claims: Vec::new(),
            input_parameters: Vec::new(),
            output_claims: Vec::new(),
            input_claims_range: None,
            input_parameters_range: None,
            output_claims_range: None,
        };
        for child in element.child_elements() {
            match child.local_name() {
                "InputClaims" => {
                    ct.input_claims = claim_uses(child);
                    ct.input_claims_range = Some(child.name_range());
                }
                "OutputClaims" => {
                    ct.output_claims = claim_uses(child);
                    ct.output_claims_range = Some(child.name_range());
                }
                "InputParameters" => {
                    ct.input_parameters_range = Some(child.name_range());
                    ct.input_parameters = child
                        .children_named("InputParameter")
                        .filter_map(|p| {
                            let id = located_attribute(p, "Id")?;
                            Some(InputParameter {
                                id: id.text,
                                id_range: id.range,
                                data_type: attribute(p, "DataType"),
                                value: attribute(p, "Value"),
                            })
                        })
                        .collect();
                }
                _ => {}
            }
        }
        self.summary.transformations.push(ct);
    }

    fn journey(&mut self, kind: SymbolKind, element: ElementRef<'_>, id: &Located) {
        let mut journey = JourneySummary {
            kind,
            id: id.text.clone(),
            id_range: id.range,
            full_range: element.range(),
            sub_journey_type: attribute(element, "Type"),
            steps: Vec::new(),
        };
        let steps = element.child("OrchestrationSteps");
        for step in steps
            .iter()
            .flat_map(|s| s.children_named("OrchestrationStep"))
        {
            let [order, step_type, cpim_issuer, content_definition] = step.attribute_values([
                "Order",
                "Type",
                "CpimIssuerTechnicalProfileReferenceId",
                "ContentDefinitionReferenceId",
            ]);
            let order = order.map(located);
            let mut summary = Step {
                order: order.as_ref().and_then(|o| o.text.trim().parse().ok()),
                order_range: order.map_or_else(|| step.name_range(), |o| o.range),
                step_type: step_type.map(located),
                full_range: step.range(),
                cpim_issuer: cpim_issuer.map(located),
                content_definition: content_definition.map(located),
                preconditions: Vec::new(),
                selections: Vec::new(),
                exchanges: Vec::new(),
                sub_journeys: Vec::new(),
            };
            for child in step.child_elements() {
                match child.local_name() {
                    "Preconditions" => {
                        summary.preconditions = child
                            .children_named("Precondition")
                            .map(|p| precondition(p))
                            .collect()
                    }
                    "ClaimsProviderSelections" => {
                        summary.selections = child
                            .children_named("ClaimsProviderSelection")
                            .filter_map(|s| {
                                located_attribute(s, "TargetClaimsExchangeId")
                                    .or_else(|| located_attribute(s, "ValidationClaimsExchangeId"))
                            })
                            .collect()
                    }
                    "ClaimsExchanges" => {
                        summary.exchanges = child
                            .children_named("ClaimsExchange")
                            .filter_map(|x| {
                                Some(ClaimsExchange {
                                    id: located_attribute(x, "Id")?,
                                    technical_profile: located_attribute(
                                        x,
                                        "TechnicalProfileReferenceId",
                                    ),
                                })
                            })
                            .collect()
                    }
                    "JourneyList" => {
                        summary.sub_journeys = child
                            .children_named("Candidate")
                            .filter_map(|c| located_attribute(c, "SubJourneyReferenceId"))
                            .collect()
                    }
                    _ => {}
                }
            }
            journey.steps.push(summary);
        }
        self.summary.journeys.push(journey);
    }

    fn relying_party(&mut self, element: ElementRef<'_>) {
        let mut rp = RelyingPartySummary {
            range: element.range(),
            default_journey: element
                .child("DefaultUserJourney")
                .and_then(|d| located_attribute(d, "ReferenceId")),
            output_claims: Vec::new(),
            protocol: None,
            subject_naming: None,
        };
        if let Some(tp) = element.child("TechnicalProfile") {
            rp.subject_naming = tp
                .child("SubjectNamingInfo")
                .and_then(|s| located_attribute(s, "ClaimType"));
            if let Some(id) = located_attribute(tp, "Id") {
                self.technical_profile(tp, &id, true);
            }
            if let Some(last) = self.summary.technical_profiles.last() {
                if last.in_relying_party {
                    rp.output_claims = last.output_claims.clone();
                    rp.protocol = last.protocol.as_ref().map(|p| p.text.clone());
                }
            }
        }
        self.summary.relying_party = Some(rp);
    }

    /// Same kind and id twice in one section of the file.
    fn duplicates(&mut self) {
        let mut seen: rustc_hash::FxHashMap<(SymbolKind, Option<String>, String), usize> =
            Default::default();
        let mut findings = Vec::new();
        for (i, definition) in self.summary.definitions.iter().enumerate() {
            // Technical profiles of different ClaimsProviders still share one namespace.
            let section = match definition.kind {
                SymbolKind::ClaimsExchange => definition.scope.clone(),
                _ => None,
            };
            let key = (definition.kind, section, id_key(&definition.id));
            match seen.get(&key) {
                Some(&first) => {
                    let first = &self.summary.definitions[first];
                    findings.push(LocalFinding {
                        code: DiagnosticCode::DuplicateDefinition,
                        range: definition.id_range,
                        message: format!(
                            "{} \"{}\" is defined more than once in this file",
                            definition.kind.element_name(),
                            definition.id
                        ),
                        related: vec![(first.id_range, "first defined here".to_owned())],
                    });
                }
                None => {
                    seen.insert(key, i);
                }
            }
        }
        self.summary.local_findings.extend(findings);
    }
}

fn precondition(element: ElementRef<'_>) -> Precondition {
    Precondition {
        kind: attribute(element, "Type").unwrap_or_default(),
        execute_actions_if: element
            .attribute_value("ExecuteActionsIf")
            // An xs:boolean: "1" is true as much as "true" is.
            .is_none_or(|v| v.trim() == "1" || v.trim().eq_ignore_ascii_case("true")),
        values: element
            .children_named("Value")
            .map(|v| located_text(v))
            .collect(),
        action: element.child("Action").map(|a| a.text().trim().to_owned()),
        range: element.range(),
    }
}

fn metadata_items(metadata: ElementRef<'_>) -> Vec<MetadataItem> {
    metadata
        .children_named("Item")
        .filter_map(|item| {
            let key = located_attribute(item, "Key")?;
            let value = located_text(item);
            Some(MetadataItem {
                key: key.text,
                key_range: key.range,
                value: value.text,
                value_range: value.range,
                item_range: item.range(),
            })
        })
        .collect()
}

fn duplicate_metadata_keys(
    profile: &str,
    items: &[MetadataItem],
    findings: &mut Vec<LocalFinding>,
) {
    for (i, item) in items.iter().enumerate() {
        if let Some(first) = items[..i].iter().find(|earlier| earlier.key == item.key) {
            findings.push(LocalFinding {
                code: DiagnosticCode::DuplicateMetadataKey,
                range: item.key_range,
                message: format!(
                    "metadata item \"{}\" appears more than once in TechnicalProfile \"{profile}\"",
                    item.key
                ),
                related: vec![(first.key_range, "first set here".to_owned())],
            });
        }
    }
}

fn claim_uses(list: ElementRef<'_>) -> Vec<ClaimUse> {
    list.child_elements()
        .filter_map(|claim| {
            let [reference, default_value, required, partner_claim_type, transformation_claim_type] =
                claim.attribute_values([
                    "ClaimTypeReferenceId",
                    "DefaultValue",
                    "Required",
                    "PartnerClaimType",
                    "TransformationClaimType",
                ]);
            let reference = located(reference?);
            Some(ClaimUse {
                claim: reference.text,
                range: reference.range,
                default_value: default_value.map(|v| v.unescaped().into_owned()),
                required: required
                    .is_some_and(|r| r.unescaped().trim().eq_ignore_ascii_case("true")),
                partner_claim_type: partner_claim_type.map(|p| p.unescaped().trim().to_owned()),
                transformation_claim_type: transformation_claim_type.map(located),
            })
        })
        .collect()
}

fn reference_ids(list: ElementRef<'_>) -> Vec<Located> {
    list.child_elements()
        .filter_map(|e| located_attribute(e, "ReferenceId"))
        .collect()
}

#[cfg(test)]
mod reference_facts {
    use super::*;
    use crate::catalog::{self, ValueType};

    /// Which attributes name a definition is said twice: here, for indexing, and in the
    /// catalog (`ValueType::Reference`), for completion and hover. The two must agree.
    #[test]
    fn the_index_and_the_catalog_agree_on_reference_attributes() {
        let mut disagreements = Vec::new();
        for spec in catalog::elements() {
            for attribute in spec.attributes {
                let indexed = ATTRIBUTE_REFERENCES
                    .iter()
                    .find(|(element, name, _)| {
                        *name == attribute.name && (*element == "*" || *element == spec.name)
                    })
                    .map(|(_, _, kind)| *kind);
                let catalogued = match attribute.value {
                    ValueType::Reference(kind) => Some(kind),
                    _ => None,
                };
                // ClaimsExchange ids are indexed with their journey's scope, elsewhere.
                if catalogued == Some(SymbolKind::ClaimsExchange) {
                    continue;
                }
                if indexed != catalogued {
                    disagreements.push(format!(
                        "{}@{}: index {indexed:?}, catalog {catalogued:?}",
                        spec.name, attribute.name
                    ));
                }
            }
        }
        assert!(disagreements.is_empty(), "{disagreements:#?}");
    }
}

#[cfg(test)]
mod preconditions {
    use super::*;

    #[test]
    fn execute_actions_if_reads_every_xs_boolean_spelling() {
        let text = r#"<TrustFrameworkPolicy PolicyId="P"><UserJourneys><UserJourney Id="J"><OrchestrationSteps><OrchestrationStep Order="1" Type="ClaimsExchange"><Preconditions>
<Precondition Type="ClaimsExist" ExecuteActionsIf="true"><Value>a</Value><Action>SkipThisOrchestrationStep</Action></Precondition>
<Precondition Type="ClaimsExist" ExecuteActionsIf="1"><Value>b</Value><Action>SkipThisOrchestrationStep</Action></Precondition>
<Precondition Type="ClaimsExist" ExecuteActionsIf="false"><Value>c</Value><Action>SkipThisOrchestrationStep</Action></Precondition>
<Precondition Type="ClaimsExist" ExecuteActionsIf="0"><Value>d</Value><Action>SkipThisOrchestrationStep</Action></Precondition>
</Preconditions></OrchestrationStep></OrchestrationSteps></UserJourney></UserJourneys></TrustFrameworkPolicy>"#;
        let summary = summarize(&syntax::parse(text));
        let read: Vec<bool> = summary.journeys[0].steps[0]
            .preconditions
            .iter()
            .map(|p| p.execute_actions_if)
            .collect();
        assert_eq!(read, [true, true, false, false]);
    }
}

//! The policy-language catalog: static facts about Azure AD B2C custom policies (elements,
//! technical-profile types and their metadata keys, claims-transformation methods, claim
//! resolvers, data types, page contracts) that every feature reads instead of hard-coding.
//!
//! The data lives in the submodules; this module holds the types and the lookup functions.
//! Everything here is plain `std` data so the catalog compiles on its own.
//!
//! Facts come from Microsoft's reference articles, the published schema
//! (`TrustFrameworkPolicy_0.3.0.0.xsd`) and what real policies use: every handler, metadata key,
//! transformation method, `TransformationClaimType` and `InputParameter` Id seen in the corpus is
//! known here, so "unknown ..." diagnostics driven by the catalog stay quiet on working policies.
//!
//! The element model (`elements.rs`) is generated: `cargo xtask codegen` reads the schema, which
//! stays outside the project (`../shared/corpus/starterpack/`), and merges the hand-written
//! overlay `element_docs.toml` (docs, reference kinds of attributes, each with its source). The
//! same command generates the tables of technical-profile types and metadata keys
//! (`technical_profiles.rs`), transformation methods (`transformations.rs`), StringIds
//! (`string_ids.rs`) and the value vocabularies (`resolvers.rs`: claim resolvers, data types,
//! input types, page contracts) from the hand-written data files beside them (`*.toml`, each fact with its
//! source): edit the data, never the generated Rust, which stays plain static data with no
//! start-up cost.

use crate::diagnostic::DiagnosticCode;

mod elements;
mod resolvers;
mod string_ids;
mod technical_profiles;
mod transformations;

/// What kind of value an attribute, element text or metadata item holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    String,
    Boolean,
    Integer,
    Url,
    /// One of the values listed in the owner's `allowed` slice.
    Enum,
    /// The Id of another policy element.
    Reference(SymbolKind),
    /// Anything goes (free text, JSON, CDATA, ...).
    Any,
}

/// The kinds of things a policy defines and refers to by id: the one list the index, the
/// catalog's value types and the editor features share.
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

/// One `Metadata/Item@Key` a technical-profile type understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetadataKey {
    pub key: &'static str,
    pub doc: &'static str,
    pub value: ValueType,
    /// Allowed values when `value` is `Enum` (compare case-insensitively); empty otherwise.
    pub allowed: &'static [&'static str],
    pub default: Option<&'static str>,
    /// Documented as required. The profile may still get it from a same-Id profile in a base
    /// policy or through `IncludeTechnicalProfile`, so check the merged profile, not one file.
    pub required: bool,
}

/// A kind of technical profile, identified by its protocol, handler and token formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TechnicalProfileType {
    /// Stable short id, e.g. "self-asserted", "rest", "jwt-issuer".
    pub id: &'static str,
    /// Human name, e.g. "Self-asserted".
    pub name: &'static str,
    /// `Protocol@Name`: "Proprietary", "OAuth1", "OAuth2", "OpenIdConnect", "SAML2" or "None".
    pub protocol: &'static str,
    /// For `Proprietary`: the handler class, i.e. `Protocol@Handler` before the first comma.
    pub handler: Option<&'static str>,
    /// The token format that selects this type. For token issuers ("jwt-issuer", "saml-issuer",
    /// "userinfo-issuer", "oauth2-error") it is the `OutputTokenFormat`; for "id-token-hint" it is
    /// the `InputTokenFormat` ("JWT"), see [`TechnicalProfileType::token_format_is_input`].
    pub output_token_format: Option<&'static str>,
    pub doc: &'static str,
    pub metadata: &'static [MetadataKey],
    /// `CryptographicKeys/Key@Id` values it uses.
    pub cryptographic_keys: &'static [&'static str],
    /// Which of "InputClaims", "DisplayClaims", "OutputClaims", "PersistedClaims",
    /// "InputClaimsTransformations", "OutputClaimsTransformations", "ValidationTechnicalProfiles"
    /// the type makes use of.
    pub claims_collections: &'static [&'static str],
    /// Key prefixes that are accepted as a family (added field): e.g. self-asserted pages take
    /// any `language.<StringId>` and `setting.<name>` item. Matched case-insensitively.
    pub metadata_prefixes: &'static [&'static str],
    /// True when `output_token_format` is really an `InputTokenFormat` (added field).
    pub token_format_is_input: bool,
    /// True when `CryptographicKeys/Key@Id` is chosen by the author (added field): a RESTful
    /// profile with `ApiKeyHeader` names the key after the HTTP header, e.g. `x-functions-key`.
    pub open_cryptographic_keys: bool,
    /// Ids of other types whose metadata keys this type also accepts (added field), for profiles
    /// that protocol and token format cannot tell apart: real policies write OpenID Connect
    /// identity providers with `OutputTokenFormat` JWT, which reads like a JWT issuer. These keys
    /// are accepted, not offered.
    pub accepts_keys_of: &'static [&'static str],
}

impl TechnicalProfileType {
    /// The metadata key `key` of this type, or a key valid on every profile; case-insensitive.
    pub fn metadata_key(&self, key: &str) -> Option<&'static MetadataKey> {
        let key = key.trim();
        let find =
            |keys: &'static [MetadataKey]| keys.iter().find(|k| k.key.eq_ignore_ascii_case(key));
        find(self.metadata)
            .or_else(|| find(common_metadata_keys()))
            .or_else(|| {
                self.accepts_keys_of
                    .iter()
                    .filter_map(|id| technical_profile_type_by_id(id))
                    .find_map(|other| find(other.metadata))
            })
    }

    /// Whether `id` is a `CryptographicKeys/Key@Id` this type uses (case-insensitive).
    pub fn accepts_cryptographic_key(&self, id: &str) -> bool {
        self.open_cryptographic_keys
            || self
                .cryptographic_keys
                .iter()
                .any(|k| k.eq_ignore_ascii_case(id.trim()))
    }

    /// Whether `key` is a known metadata key of this type: a listed key, a common key, or a key
    /// of one of the accepted prefix families. Case-insensitive; surrounding blanks are ignored
    /// (the corpus has `"setting.showSignupLink "`).
    pub fn accepts_metadata_key(&self, key: &str) -> bool {
        let key = key.trim();
        self.metadata_key(key).is_some()
            || self.metadata_prefixes.iter().any(|p| {
                key.len() > p.len()
                    && key.is_char_boundary(p.len())
                    && key[..p.len()].eq_ignore_ascii_case(p)
            })
    }
}

/// All technical-profile types, including the relying party's own profile types
/// ("relying-party-oidc", "relying-party-saml"), which [`technical_profile_type`] never returns.
pub fn technical_profile_types() -> &'static [TechnicalProfileType] {
    technical_profiles::TYPES
}

/// The type with the given stable id ("self-asserted", "rest", ...).
pub fn technical_profile_type_by_id(id: &str) -> Option<&'static TechnicalProfileType> {
    technical_profiles::TYPES.iter().find(|t| t.id == id)
}

/// Identify the type from Protocol@Name, the handler class (already cut at the first comma, may be
/// None), and OutputTokenFormat/InputTokenFormat; case-insensitive.
///
/// `token_format` is read as the `OutputTokenFormat`. The one place where it matters which of the
/// two formats was given is `Protocol Name="None"` with "JWT": an output format means a JWT issuer,
/// an input format means an id_token_hint / JWT reader. Callers that know both should use
/// [`technical_profile_type_with_formats`].
pub fn technical_profile_type(
    protocol: &str,
    handler: Option<&str>,
    token_format: Option<&str>,
) -> Option<&'static TechnicalProfileType> {
    technical_profile_type_with_formats(protocol, handler, token_format, None)
}

/// Like [`technical_profile_type`], with the `OutputTokenFormat` and `InputTokenFormat` texts
/// given separately (either may be None).
pub fn technical_profile_type_with_formats(
    protocol: &str,
    handler: Option<&str>,
    output_token_format: Option<&str>,
    input_token_format: Option<&str>,
) -> Option<&'static TechnicalProfileType> {
    let protocol = protocol.trim();
    let is = |p: &str| protocol.eq_ignore_ascii_case(p);
    let out = output_token_format.map(str::trim).filter(|f| !f.is_empty());
    let input = input_token_format.map(str::trim).filter(|f| !f.is_empty());
    let out_is = |f: &str| out.is_some_and(|o| o.eq_ignore_ascii_case(f));
    let id = if is("Proprietary") {
        let handler = handler?.split(',').next().unwrap_or("").trim();
        return technical_profiles::TYPES.iter().find(|t| {
            t.protocol == "Proprietary"
                && t.handler.is_some_and(|h| h.eq_ignore_ascii_case(handler))
        });
    } else if out_is("OAuth2Error") {
        "oauth2-error"
    } else if out_is("SAML2") || out_is("SAML11") {
        "saml-issuer"
    } else if out_is("JSON") && is("None") {
        "userinfo-issuer"
    } else if out_is("JWT") && (is("None") || is("OpenIdConnect")) {
        "jwt-issuer"
    } else if is("None") {
        if input.is_some_and(|i| i.eq_ignore_ascii_case("JWT")) {
            "id-token-hint"
        } else {
            "none"
        }
    } else if is("OpenIdConnect") {
        "openid-connect"
    } else if is("OAuth2") {
        "oauth2"
    } else if is("OAuth1") {
        "oauth1"
    } else if is("SAML2") {
        "saml-idp"
    } else {
        return None;
    };
    technical_profile_type_by_id(id)
}

/// The type of the relying party's own `TechnicalProfile` (the `PolicyProfile`), whose metadata
/// differs from an identity provider of the same protocol: "relying-party-oidc" for
/// OpenIdConnect, "relying-party-saml" for SAML2.
pub fn relying_party_technical_profile_type(
    protocol: &str,
) -> Option<&'static TechnicalProfileType> {
    let protocol = protocol.trim();
    if protocol.eq_ignore_ascii_case("SAML2") {
        technical_profile_type_by_id("relying-party-saml")
    } else if protocol.eq_ignore_ascii_case("OpenIdConnect") {
        technical_profile_type_by_id("relying-party-oidc")
    } else {
        None
    }
}

/// Keys valid on every profile regardless of type (if any are, e.g. generic ones seen across
/// types); used to avoid false "unknown key".
pub fn common_metadata_keys() -> &'static [MetadataKey] {
    technical_profiles::COMMON_KEYS
}

/// One `TransformationClaimType` a method reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodClaim {
    /// The `TransformationClaimType` value.
    pub name: &'static str,
    /// Expected claim data type: "string", "stringCollection", "boolean", "int", "long",
    /// "dateTime", "date", "phoneNumber", "userIdentity", "userIdentityCollection",
    /// "alternativeSecurityIdCollection", or "any".
    pub data_type: &'static str,
    pub required: bool,
}

/// One `InputParameter@Id` a method takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodParameter {
    pub id: &'static str,
    /// Expected `InputParameter@DataType`.
    pub data_type: &'static str,
    pub required: bool,
    /// Allowed values (compare case-insensitively); empty when free.
    pub allowed: &'static [&'static str],
}

/// A built-in claims-transformation method (`ClaimsTransformation@TransformationMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransformationMethod {
    pub name: &'static str,
    /// "string", "boolean", "date", "integer", "json", "phone", "social", "string-collection",
    /// "general", "otp" or "user-identity".
    pub family: &'static str,
    pub doc: &'static str,
    pub input_claims: &'static [MethodClaim],
    pub input_parameters: &'static [MethodParameter],
    pub output_claims: &'static [MethodClaim],
    /// True when the method also takes input claims under names of the author's choosing
    /// (JSON paths, format arguments, ...): a name not listed is then not a mismatch.
    pub open_inputs: bool,
    /// Like `open_inputs`, for `InputParameter` Ids (lookup keys, JSON paths, ...).
    pub open_parameters: bool,
    /// Like `open_inputs`, for output claims (added field): methods whose outputs are named after
    /// JSON keys, localized string ids or regex groups.
    pub open_outputs: bool,
    /// True when no Microsoft reference article documents the method (added field); its signature
    /// was derived from how real policies use it.
    pub undocumented: bool,
    /// A policy of the real-policy corpus (path under `shared/corpus`) that B2C runs and that
    /// uses the method with this signature: the evidence that lets a mismatch be an error.
    /// Without one, the signature rests on an article alone and a mismatch is a warning. The
    /// corpus test checks that each named policy exists and uses the method.
    pub confirmed_by: Option<&'static str>,
}

impl TransformationMethod {
    /// The input claim with this `TransformationClaimType`, case-insensitive.
    pub fn input_claim(&self, name: &str) -> Option<&'static MethodClaim> {
        self.input_claims
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The output claim with this `TransformationClaimType`, case-insensitive.
    pub fn output_claim(&self, name: &str) -> Option<&'static MethodClaim> {
        self.output_claims
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The input parameter with this Id, case-insensitive.
    pub fn input_parameter(&self, id: &str) -> Option<&'static MethodParameter> {
        self.input_parameters
            .iter()
            .find(|p| p.id.eq_ignore_ascii_case(id))
    }
}

pub fn transformation_methods() -> &'static [TransformationMethod] {
    transformations::METHODS
}

/// The method with this name; case-insensitive (the corpus writes `setClaimsIfRegexMatch`).
pub fn transformation_method(name: &str) -> Option<&'static TransformationMethod> {
    let name = name.trim();
    transformations::METHODS
        .iter()
        .find(|m| m.name.eq_ignore_ascii_case(name))
}

/// A claim resolver such as `{Culture:LCID}`. Families whose second part is chosen by the author
/// are listed with a placeholder in angle brackets, e.g. `{Claim:<claim type>}`; see
/// [`ClaimResolver::prefix`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimResolver {
    pub key: &'static str,
    pub doc: &'static str,
}

impl ClaimResolver {
    /// For a family entry (`{Claim:<claim type>}`) the fixed part before the placeholder
    /// (`{Claim:`); None for a fixed resolver.
    pub fn prefix(&self) -> Option<&'static str> {
        self.key.find('<').map(|i| &self.key[..i])
    }

    /// Whether the text `{...}` is this resolver (case-insensitive; families match by prefix).
    pub fn matches(&self, text: &str) -> bool {
        match self.prefix() {
            Some(prefix) => {
                text.len() > prefix.len() + 1
                    && text.ends_with('}')
                    && text.is_char_boundary(prefix.len())
                    && text[..prefix.len()].eq_ignore_ascii_case(prefix)
            }
            None => text.eq_ignore_ascii_case(self.key),
        }
    }
}

pub fn claim_resolvers() -> &'static [ClaimResolver] {
    resolvers::CLAIM_RESOLVERS
}

/// The resolver (or resolver family) that `text` (e.g. `{OIDC:ClientId}`) names, if any.
pub fn claim_resolver(text: &str) -> Option<&'static ClaimResolver> {
    let text = text.trim();
    resolvers::CLAIM_RESOLVERS.iter().find(|r| r.matches(text))
}

/// Where the pages list the localized-string id `id` of ElementType UxElement or ErrorMessage
/// (case-insensitive); `None` when no page has it.
pub fn string_id(id: &str) -> Option<(&'static str, &'static str)> {
    let id = id.trim();
    string_ids::STRING_IDS
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(id))
        .copied()
}

/// Every UxElement and ErrorMessage StringId the pages have, with where each is listed.
pub fn string_ids() -> &'static [(&'static str, &'static str)] {
    string_ids::STRING_IDS
}

/// (DataType value, doc) — from the XSD enumeration.
pub fn data_types() -> &'static [(&'static str, &'static str)] {
    resolvers::DATA_TYPES
}

/// (UserInputType value, doc) — from the XSD.
pub fn user_input_types() -> &'static [(&'static str, &'static str)] {
    resolvers::USER_INPUT_TYPES
}

/// ContentDefinition DataUri page identifiers, as URN prefixes that end in ':' (append a version
/// from [`page_layout_versions`]), with a doc.
pub fn page_contracts() -> &'static [(&'static str, &'static str)] {
    resolvers::PAGE_CONTRACTS
}

/// (page identifier, documented page-layout versions, newest first) for the
/// `urn:com:microsoft:aad:b2c:elements:contract:<page>:<version>` DataUri form.
pub fn page_layout_versions() -> &'static [(&'static str, &'static [&'static str])] {
    resolvers::PAGE_LAYOUT_VERSIONS
}

/// An attribute of an element, from the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeSpec {
    pub name: &'static str,
    pub required: bool,
    pub value: ValueType,
    pub allowed: &'static [&'static str],
    pub doc: &'static str,
}

/// An element as the schema defines it in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementSpec {
    /// Local name.
    pub name: &'static str,
    pub doc: &'static str,
    pub attributes: &'static [AttributeSpec],
    /// Allowed child elements, in schema order.
    pub children: &'static [ChildSpec],
    /// Has text content.
    pub text: bool,
    /// What the text holds (added field); `Any` when the element has no text.
    pub text_value: ValueType,
    /// Allowed text values when `text_value` is `Enum` (added field).
    pub text_allowed: &'static [&'static str],
    /// Children must appear in the order of `children` (added field). False where the schema
    /// uses a choice or a repeated group, and on merged specs: only check order when true.
    pub ordered: bool,
    /// Any child element is allowed (added field; the schema's `xs:any`, e.g. `Extensions`).
    pub open_content: bool,
}

impl ElementSpec {
    pub fn attribute(&self, name: &str) -> Option<&'static AttributeSpec> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn child(&self, name: &str) -> Option<&'static ChildSpec> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// An allowed child element: occurrence bounds, in schema order for sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildSpec {
    pub name: &'static str,
    pub min: u32,
    /// None = unbounded.
    pub max: Option<u32>,
    /// Index of the child's own spec in [`elements`] (added field); see [`ChildSpec::spec`].
    pub spec_index: usize,
}

impl ChildSpec {
    /// The child's own spec, exact for this position in the tree.
    pub fn spec(&self) -> &'static ElementSpec {
        &elements::ELEMENTS[self.spec_index]
    }
}

/// Element specs keyed by (parent local name, element local name). Where the schema gives one
/// (parent, name) pair different content in different places (`InputClaims/InputClaim` of a
/// technical profile, a claims transformation or a display control) a lenient merged spec is
/// returned; [`element_at`] resolves such cases exactly from the full path.
///
/// `parent = None` finds the root element, or else an element whose name has a single meaning in
/// the whole schema.
pub fn element(parent: Option<&str>, name: &str) -> Option<&'static ElementSpec> {
    elements::lookup(parent, name).map(|i| &elements::ELEMENTS[i])
}

/// The spec at a path of local names from the root, e.g.
/// `["TrustFrameworkPolicy", "BuildingBlocks", "ClaimsTransformations", "ClaimsTransformation",
/// "InputClaims", "InputClaim"]`.
pub fn element_at(path: &[&str]) -> Option<&'static ElementSpec> {
    let (first, rest) = path.split_first()?;
    let root = root_element();
    if root.name != *first {
        return None;
    }
    rest.iter()
        .try_fold(root, |spec, name| spec.child(name).map(ChildSpec::spec))
}

/// All element specs (several may share a local name; see [`element`]).
pub fn elements() -> &'static [ElementSpec] {
    &elements::ELEMENTS
}

/// `TrustFrameworkPolicy`.
pub fn root_element() -> &'static ElementSpec {
    &elements::ELEMENTS[elements::ROOT]
}

#[cfg(test)]
#[path = "corpus_facts.rs"]
mod corpus_facts;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn lower_set<'a>(names: impl IntoIterator<Item = &'a str>) -> (usize, HashSet<String>) {
        let mut count = 0;
        let set = names
            .into_iter()
            .inspect(|_| count += 1)
            .map(str::to_ascii_lowercase)
            .collect();
        (count, set)
    }

    #[test]
    fn self_asserted_is_found_by_handler_and_knows_its_keys() {
        let ty = technical_profile_type(
            "Proprietary",
            Some("Web.TPEngine.Providers.SelfAssertedAttributeProvider"),
            None,
        )
        .expect("self-asserted type");
        assert_eq!(ty.id, "self-asserted");
        let key = ty
            .metadata_key("contentdefinitionreferenceid")
            .expect("key");
        assert_eq!(
            key.value,
            ValueType::Reference(SymbolKind::ContentDefinition)
        );
        assert!(key.required);
        assert!(ty
            .metadata_key("IncludeClaimResolvingInClaimsHandling")
            .is_some());
        assert!(ty.accepts_metadata_key("language.intro"));
        assert!(ty.accepts_metadata_key("setting.showSignupLink "));
        assert!(!ty.accepts_metadata_key("language."));
        assert!(!ty.accepts_metadata_key("ServiceUrl"));
        assert!(ty.accepts_cryptographic_key("issuer_secret"));
    }

    #[test]
    fn handler_may_still_carry_the_assembly_part() {
        let ty = technical_profile_type(
            "proprietary",
            Some("Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0"),
            None,
        );
        assert_eq!(ty.map(|t| t.id), Some("rest"));
        assert!(technical_profile_type("Proprietary", Some("No.Such.Provider"), None).is_none());
        assert!(technical_profile_type("Proprietary", None, None).is_none());
        assert!(technical_profile_type("WsFed", None, None).is_none());
    }

    #[test]
    fn protocols_and_token_formats_pick_the_right_type() {
        let id = |p: &str, out: Option<&str>, input: Option<&str>| {
            technical_profile_type_with_formats(p, None, out, input).map(|t| t.id)
        };
        assert_eq!(id("OpenIdConnect", None, None), Some("openid-connect"));
        assert_eq!(id("OpenIdConnect", Some("JWT"), None), Some("jwt-issuer"));
        assert_eq!(id("None", Some("jwt"), None), Some("jwt-issuer"));
        assert_eq!(id("None", None, Some("JWT")), Some("id-token-hint"));
        assert_eq!(id("None", Some("JSON"), None), Some("userinfo-issuer"));
        assert_eq!(id("None", None, None), Some("none"));
        assert_eq!(id("SAML2", Some("SAML2"), None), Some("saml-issuer"));
        assert_eq!(id("SAML2", None, None), Some("saml-idp"));
        assert_eq!(
            id("OAuth2", Some("OAuth2Error"), None),
            Some("oauth2-error")
        );
        assert_eq!(id("OAuth2", Some("JWT"), None), Some("oauth2"));
        assert_eq!(id("OAuth1", None, None), Some("oauth1"));
        assert_eq!(
            relying_party_technical_profile_type("SAML2").map(|t| t.id),
            Some("relying-party-saml")
        );
        // An OpenID Connect identity provider written with OutputTokenFormat JWT reads like a
        // JWT issuer; its provider keys must still be accepted.
        let jwt = technical_profile_type("OpenIdConnect", None, Some("JWT")).expect("jwt");
        assert!(jwt.accepts_metadata_key("METADATA"));
    }

    #[test]
    fn type_ids_and_keys_are_unique() {
        let (count, ids) = lower_set(technical_profile_types().iter().map(|t| t.id));
        assert_eq!(count, ids.len());
        for ty in technical_profile_types() {
            let (count, keys) = lower_set(ty.metadata.iter().map(|k| k.key));
            assert_eq!(count, keys.len(), "duplicate metadata key in {}", ty.id);
            for common in common_metadata_keys() {
                assert!(
                    !keys.contains(&common.key.to_ascii_lowercase()),
                    "{} repeats common key {}",
                    ty.id,
                    common.key
                );
            }
            for key in ty.metadata {
                assert!(!key.doc.is_empty(), "{}/{} has no doc", ty.id, key.key);
                assert_eq!(
                    key.value == ValueType::Enum,
                    !key.allowed.is_empty(),
                    "{}",
                    key.key
                );
            }
            for other in ty.accepts_keys_of {
                assert!(technical_profile_type_by_id(other).is_some(), "{other}");
            }
            assert_eq!(
                ty.protocol == "Proprietary",
                ty.handler.is_some(),
                "{}",
                ty.id
            );
        }
    }

    #[test]
    fn every_corpus_metadata_and_cryptographic_key_is_known() {
        for ((protocol, handler, out, input), key) in corpus_facts::METADATA_KEYS {
            let ty = technical_profile_type_with_formats(protocol, *handler, *out, *input)
                .unwrap_or_else(|| panic!("no type for {protocol} {handler:?}"));
            assert!(
                ty.accepts_metadata_key(key),
                "{} does not know {key}",
                ty.id
            );
        }
        for ((protocol, handler, out, input), key) in corpus_facts::CRYPTOGRAPHIC_KEYS {
            let ty = technical_profile_type_with_formats(protocol, *handler, *out, *input)
                .unwrap_or_else(|| panic!("no type for {protocol} {handler:?}"));
            assert!(
                ty.accepts_cryptographic_key(key),
                "{} does not use key {key}",
                ty.id
            );
        }
    }

    #[test]
    fn methods_are_found_case_insensitively() {
        let method = transformation_method("addItemToStringCollection").expect("method");
        assert_eq!(method.name, "AddItemToStringCollection");
        assert!(method.input_claim("ITEM").is_some());
        assert!(method.output_claim("collection").is_some());
        assert!(transformation_method("setClaimsIfRegexMatch").is_some());
        assert!(transformation_method("NoSuchMethod").is_none());
        let compare = transformation_method("CompareClaims").expect("CompareClaims");
        assert_eq!(
            compare.input_parameter("operator").map(|p| p.allowed),
            Some(&["EQUAL", "NOT EQUAL"][..])
        );
    }

    #[test]
    fn method_names_and_signatures_are_unique() {
        let (count, names) = lower_set(transformation_methods().iter().map(|m| m.name));
        assert_eq!(count, names.len());
        for method in transformation_methods() {
            let (n, set) = lower_set(method.input_claims.iter().map(|c| c.name));
            assert_eq!(n, set.len(), "{}", method.name);
            let (n, set) = lower_set(method.output_claims.iter().map(|c| c.name));
            assert_eq!(n, set.len(), "{}", method.name);
            let (n, set) = lower_set(method.input_parameters.iter().map(|p| p.id));
            assert_eq!(n, set.len(), "{}", method.name);
            assert!(!method.doc.is_empty(), "{}", method.name);
        }
    }

    #[test]
    fn every_corpus_transformation_signature_is_known() {
        for (name, kind, claim) in corpus_facts::TRANSFORMATIONS {
            let method =
                transformation_method(name).unwrap_or_else(|| panic!("unknown method {name}"));
            let known = match *kind {
                "method" => true,
                "input" => method.open_inputs || method.input_claim(claim).is_some(),
                "output" => method.open_outputs || method.output_claim(claim).is_some(),
                "parameter" => method.open_parameters || method.input_parameter(claim).is_some(),
                other => panic!("bad kind {other}"),
            };
            assert!(known, "{name} does not take {kind} {claim}");
        }
    }

    #[test]
    fn claim_resolvers_match_fixed_names_and_families() {
        assert_eq!(
            claim_resolver("{Culture:LCID}").map(|r| r.key),
            Some("{Culture:LCID}")
        );
        assert_eq!(
            claim_resolver("{culture:lcid}").map(|r| r.key),
            Some("{Culture:LCID}")
        );
        assert_eq!(
            claim_resolver("{OAUTH-KV:campaignId}").map(|r| r.key),
            Some("{OAUTH-KV:<parameter>}")
        );
        assert_eq!(
            claim_resolver("{Claim:displayName}").and_then(|r| r.prefix()),
            Some("{Claim:")
        );
        assert!(claim_resolver("{Claim:}").is_none());
        assert!(claim_resolver("{Nope:x}").is_none());
        let (count, keys) = lower_set(claim_resolvers().iter().map(|r| r.key));
        assert_eq!(count, keys.len());
    }

    #[test]
    fn schema_enumerations_have_docs() {
        let data_type = element(Some("ClaimType"), "DataType").expect("DataType");
        assert_eq!(data_type.text_value, ValueType::Enum);
        let documented: HashSet<_> = data_types().iter().map(|(v, _)| *v).collect();
        for value in data_type.text_allowed {
            assert!(documented.contains(value), "{value}");
        }
        let input_type = element(Some("ClaimType"), "UserInputType").expect("UserInputType");
        let documented: HashSet<_> = user_input_types().iter().map(|(v, _)| *v).collect();
        for value in input_type.text_allowed {
            assert!(documented.contains(value), "{value}");
        }
        assert!(page_contracts().iter().all(|(urn, _)| urn.ends_with(':')));
        assert!(page_layout_versions()
            .iter()
            .any(|(page, v)| *page == "selfasserted" && v.contains(&"2.1.7")));
    }

    #[test]
    fn element_specs_are_consistent() {
        let root = root_element();
        assert_eq!(root.name, "TrustFrameworkPolicy");
        assert!(root.attribute("PolicyId").is_some_and(|a| a.required));
        assert!(root.child("BasePolicy").is_some());
        assert!(root.child("ClaimsProvider").is_none());
        for spec in elements() {
            for child in spec.children {
                assert_eq!(child.spec().name, child.name, "child of {}", spec.name);
                assert!(child.max.is_none_or(|max| max >= child.min.max(1)));
            }
            let mut names = HashSet::new();
            assert!(
                spec.attributes.iter().all(|a| names.insert(a.name)),
                "{}",
                spec.name
            );
            for attr in spec.attributes {
                assert_eq!(attr.value == ValueType::Enum, !attr.allowed.is_empty());
            }
        }
    }

    #[test]
    fn elements_resolve_by_parent_and_by_path() {
        let item = element(Some("Metadata"), "Item").expect("Metadata/Item");
        assert!(item.attribute("Key").is_some_and(|a| a.required));
        assert!(item.text);
        // The same pair means different things in a technical profile and a transformation:
        // the merged spec accepts both, the path finds the exact one.
        let merged = element(Some("InputClaims"), "InputClaim").expect("merged InputClaim");
        assert!(merged.attribute("TransformationClaimType").is_some());
        assert!(merged.attribute("PartnerClaimType").is_some());
        assert!(!merged.ordered);
        let exact = element_at(&[
            "TrustFrameworkPolicy",
            "BuildingBlocks",
            "ClaimsTransformations",
            "ClaimsTransformation",
            "InputClaims",
            "InputClaim",
        ])
        .expect("transformation InputClaim");
        assert!(exact.attribute("TransformationClaimType").is_some());
        assert!(exact.attribute("PartnerClaimType").is_none());
        let profile = element(Some("TechnicalProfiles"), "TechnicalProfile").expect("profile");
        assert!(profile.ordered);
        let position = |name: &str| profile.children.iter().position(|c| c.name == name);
        assert!(position("Protocol") < position("Metadata"));
        assert!(position("Metadata") < position("CryptographicKeys"));
        let include =
            element(Some("TechnicalProfile"), "IncludeTechnicalProfile").expect("include");
        assert_eq!(
            include.attribute("ReferenceId").map(|a| a.value),
            Some(ValueType::Reference(SymbolKind::TechnicalProfile))
        );
        assert_eq!(element(None, "TrustFrameworkPolicy"), Some(root_element()));
        assert!(element(None, "OrchestrationStep").is_some());
        assert!(element(None, "InputClaim").is_none());
        assert!(element_at(&["TrustFrameworkPolicy", "Nope"]).is_none());
        let documented = elements().iter().filter(|e| !e.doc.is_empty()).count();
        assert!(documented >= 80, "{documented}");
    }
    /// The structure check counts children by their index in the spec, which is only right
    /// when no spec lists a child name twice.
    #[test]
    fn no_spec_names_a_child_twice() {
        for element in super::elements() {
            let mut names: Vec<&str> = element.children.iter().map(|c| c.name).collect();
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len(), "{} lists a child twice", element.name);
        }
    }
}

//! The registry of diagnostic codes: for each, its stable name, default severity, one-line
//! summary, the evidence that B2C behaves as the rule says, and its documentation (what it
//! means, an example, how to fix it). The README's table and `docs/diagnostics.md` are
//! generated from this table (`server/tests/generated.rs` fails when they are stale).
//!
//! Severity follows evidence: an error only where B2C rejects the upload and the fact is
//! confirmed by the published schema, a message B2C gives at upload, or a policy B2C runs; a
//! warning where only an article supports the fact or where the effect shows when a journey
//! runs; information for accepted constructs that do nothing.

use super::Severity;

/// Why a rule says what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The published schema (TrustFrameworkPolicy_0.3.0.0.xsd), which every upload is
    /// validated against.
    Schema(&'static str),
    /// A message B2C gives at upload, as users have reported it.
    UploadMessage(&'static str),
    /// A policy B2C runs (the B2C team's unit tests, a live demo) shows the fact.
    WorkingPolicy(&'static str),
    /// Only a reference article says it: a warning at most.
    Article(&'static str),
    /// The effect shows when a journey runs, not at upload: a warning at most.
    RunTime(&'static str),
    /// The file or its chain cannot be judged, so the checker says so once.
    CannotJudge,
    /// B2C accepts it and it changes nothing: information.
    Style,
    /// About b2c-lsp's own settings or comments, which B2C never sees: a warning at most.
    OwnSettings,
}

impl Evidence {
    /// Whether the evidence can carry an error.
    pub fn supports_error(self) -> bool {
        matches!(
            self,
            Evidence::Schema(_) | Evidence::UploadMessage(_) | Evidence::WorkingPolicy(_)
        )
    }

    /// The evidence in one sentence, for the docs.
    pub fn describe(self) -> String {
        match self {
            Evidence::Schema(part) => format!("The published schema: {part}."),
            Evidence::UploadMessage(message) => format!("B2C at upload: `{message}`"),
            Evidence::WorkingPolicy(policy) => format!("A policy B2C runs: {policy}."),
            Evidence::Article(article) => {
                format!("A reference article ({article}); not confirmed by an upload.")
            }
            Evidence::RunTime(effect) => format!("At run time, not at upload: {effect}."),
            Evidence::CannotJudge => {
                "None needed: the checker cannot judge what it cannot see, and says so.".to_owned()
            }
            Evidence::Style => "None needed: B2C accepts it; it changes nothing.".to_owned(),
            Evidence::OwnSettings => {
                "None needed: it is about b2c-lsp's own settings, which B2C never sees.".to_owned()
            }
        }
    }
}

/// What the registry knows of one code.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    pub code: DiagnosticCode,
    /// The stable name, e.g. `undefined-claim-type`.
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub evidence: Evidence,
    /// What it means, in a few sentences.
    pub explanation: &'static str,
    /// A policy fragment that shows it.
    pub example: &'static str,
    pub fix: &'static str,
}

macro_rules! codes {
    ($(
        $variant:ident {
            name: $name:literal,
            severity: $severity:ident,
            summary: $summary:literal,
            evidence: $evidence:expr,
            explanation: $explanation:literal,
            example: $example:literal,
            fix: $fix:literal $(,)?
        }
    )*) => {
        /// Every code the checker reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum DiagnosticCode {
            $($variant,)*
        }

        /// The registry, in the order of [`DiagnosticCode`].
        pub const CODES: &[CodeInfo] = &[
            $(CodeInfo {
                code: DiagnosticCode::$variant,
                name: $name,
                severity: Severity::$severity,
                summary: $summary,
                evidence: $evidence,
                explanation: $explanation,
                example: $example,
                fix: $fix,
            },)*
        ];
    };
}

/// The published docs of the codes: `docs/diagnostics.md` on the main branch of the
/// repository named in Cargo.toml, one section per code.
pub const DOCS_PAGE_URL: &str = concat!(
    env!("CARGO_PKG_REPOSITORY"),
    "/blob/main/docs/diagnostics.md"
);

impl DiagnosticCode {
    /// The address of the code's entry in the published docs (its section's anchor).
    pub fn docs_url(self) -> String {
        format!("{DOCS_PAGE_URL}#{}", self.as_str())
    }

    pub fn info(self) -> &'static CodeInfo {
        &CODES[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// The code with this stable name.
    pub fn from_name(name: &str) -> Option<DiagnosticCode> {
        CODES.iter().find(|c| c.name == name).map(|c| c.code)
    }

    pub fn all() -> &'static [CodeInfo] {
        CODES
    }

    /// The code whose name is nearest to `name` (a misspelling), if one is near enough.
    pub fn nearest(name: &str) -> Option<DiagnosticCode> {
        CODES
            .iter()
            .map(|c| (strsim::levenshtein(c.name, name), c.code))
            .filter(|(distance, _)| *distance <= 2.max(name.len() / 5))
            .min()
            .map(|(_, code)| code)
    }
}

impl std::fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for DiagnosticCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<DiagnosticCode> for &str {
    fn eq(&self, other: &DiagnosticCode) -> bool {
        *self == other.as_str()
    }
}

const REFERENCE_MESSAGE: &str = "Policy \"P\" of tenant \"T\" makes a reference to ClaimType with id \"X\" but neither the policy nor any of its base policies contain such an element.";

codes! {
    SyntaxError {
        name: "syntax-error",
        severity: Error,
        summary: "the XML is malformed",
        evidence: Evidence::UploadMessage("The file contains invalid XML"),
        explanation: "The file is not well-formed XML: a tag is not closed, an attribute has no quotes, an element is closed by the wrong end tag. The tree keeps every byte, so the rest of the file is still checked.",
        example: "<ClaimType Id=\"email\">\n  <DisplayName>Email</DisplayName>\n</ClaimTypes>",
        fix: "Close or match the tag the message names.",
    }
    NotUtf8 {
        name: "not-utf8",
        severity: Error,
        summary: "the file is neither UTF-8 nor UTF-16 with a byte-order mark",
        evidence: Evidence::UploadMessage("The file contains invalid XML"),
        explanation: "The checker reads UTF-8, and UTF-16 with a byte-order mark; a file in another encoding is not checked, and B2C, which reads a file without an encoding declaration as UTF-8, rejects it.",
        example: "A policy saved as Windows-1252 with an accented DisplayName",
        fix: "Save the file as UTF-8.",
    }
    MissingPolicyId {
        name: "missing-policy-id",
        severity: Error,
        summary: "the root has no PolicyId",
        evidence: Evidence::Schema("TrustFrameworkPolicy@PolicyId is use=\"required\""),
        explanation: "Every policy needs a PolicyId: B2C stores it under that name, and other policies name it as their base.",
        example: "<TrustFrameworkPolicy TenantId=\"contoso.onmicrosoft.com\" PolicySchemaVersion=\"0.3.0.0\" ...>",
        fix: "Add PolicyId=\"B2C_1A_...\" to the root element.",
    }
    BasePolicyMissing {
        name: "base-policy-missing",
        severity: Warning,
        summary: "the BasePolicy is not in the workspace; references into it are not checked",
        evidence: Evidence::CannotJudge,
        explanation: "The policy extends a base that none of the files open or under the given folders defines. References that may be defined in that base are not reported, so that a missing base never turns into a flood of false errors.",
        example: "<BasePolicy>\n  <PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>\n</BasePolicy>",
        fix: "Add the folder that holds the base as a base location (`--base DIR`, or the `basePaths` setting).",
    }
    BasePolicyAmbiguous {
        name: "base-policy-ambiguous",
        severity: Warning,
        summary: "several equally near files claim the base's PolicyId; references into the base are not checked",
        evidence: Evidence::CannotJudge,
        explanation: "The base is picked by the nearest folder. When two candidates are equally near, the checker cannot tell which one B2C will have, and does not guess.",
        example: "packA/TrustFrameworkBase.xml and packB/TrustFrameworkBase.xml both say PolicyId=\"B2C_1A_TrustFrameworkBase\", and a file beside both folders extends it.",
        fix: "Open one policy set at a time, or move the files so that one base is nearest.",
    }
    BasePolicyCycle {
        name: "base-policy-cycle",
        severity: Error,
        summary: "the BasePolicy chain comes back to itself",
        evidence: Evidence::UploadMessage("Policy with 'policyId': B cannot be found in the directory (a base must be uploaded before the policies that extend it, so a cycle can never be uploaded)"),
        explanation: "Following BasePolicy from this policy leads back to it. B2C needs every base uploaded before the policies built on it, which a cycle makes impossible.",
        example: "A extends B, and B extends A.",
        fix: "Point one BasePolicy of the cycle at the real base.",
    }
    UndefinedClaimType {
        name: "undefined-claim-type",
        severity: Error,
        summary: "a ClaimType reference that neither the policy nor its base policies define",
        evidence: Evidence::UploadMessage(REFERENCE_MESSAGE),
        explanation: "An attribute such as ClaimTypeReferenceId names a ClaimType that is defined nowhere in the policy's chain. B2C validates a policy together with its ancestors only, never with the policies built on it, so a definition in a child does not help.",
        example: "<OutputClaim ClaimTypeReferenceId=\"dispalyName\" />",
        fix: "Correct the id, or define the ClaimType in this policy or one of its bases.",
    }
    UndefinedTechnicalProfile {
        name: "undefined-technical-profile",
        severity: Error,
        summary: "a TechnicalProfile reference that neither the policy nor its base policies define",
        evidence: Evidence::UploadMessage(REFERENCE_MESSAGE),
        explanation: "A ClaimsExchange, ValidationTechnicalProfile, IncludeTechnicalProfile, session-management or issuer reference names a technical profile defined nowhere in the chain.",
        example: "<ClaimsExchange Id=\"Rest\" TechnicalProfileReferenceId=\"REST-Missing\" />",
        fix: "Correct the id, or define the profile in this policy or one of its bases.",
    }
    UndefinedClaimsTransformation {
        name: "undefined-claims-transformation",
        severity: Error,
        summary: "a ClaimsTransformation reference that neither the policy nor its base policies define",
        evidence: Evidence::UploadMessage("... makes a reference to a ClaimsTransformation with id ... but neither the policy nor any of its base policies contain such an element"),
        explanation: "An InputClaimsTransformation or OutputClaimsTransformation names a transformation defined nowhere in the chain.",
        example: "<OutputClaimsTransformation ReferenceId=\"CreateDisplayNam\" />",
        fix: "Correct the id, or define the transformation in this policy or one of its bases.",
    }
    UndefinedContentDefinition {
        name: "undefined-content-definition",
        severity: Error,
        summary: "a ContentDefinitionReferenceId attribute that the chain does not define",
        evidence: Evidence::UploadMessage(REFERENCE_MESSAGE),
        explanation: "An orchestration step's ContentDefinitionReferenceId attribute names a content definition defined nowhere in the chain. (The same id in a metadata item is resolved when the journey runs: see metadata-reference-undefined.)",
        example: "<OrchestrationStep Order=\"1\" Type=\"CombinedSignInAndSignUp\" ContentDefinitionReferenceId=\"api.signinup\">",
        fix: "Correct the id, or define the ContentDefinition in this policy or one of its bases.",
    }
    UndefinedDisplayControl {
        name: "undefined-display-control",
        severity: Error,
        summary: "a DisplayControl reference that the chain does not define",
        evidence: Evidence::UploadMessage(REFERENCE_MESSAGE),
        explanation: "A DisplayClaim's DisplayControlReferenceId names a display control defined nowhere in the chain.",
        example: "<DisplayClaim DisplayControlReferenceId=\"emailVerificationControl\" />",
        fix: "Correct the id, or define the DisplayControl.",
    }
    UndefinedPredicate {
        name: "undefined-predicate",
        severity: Error,
        summary: "a PredicateReference that the chain does not define",
        evidence: Evidence::UploadMessage(REFERENCE_MESSAGE),
        explanation: "A PredicateValidation's PredicateReference names a predicate defined nowhere in the chain.",
        example: "<PredicateReference Id=\"IsLengthBetween8And64\" />",
        fix: "Correct the id, or define the Predicate.",
    }
    UndefinedPredicateValidation {
        name: "undefined-predicate-validation",
        severity: Error,
        summary: "a PredicateValidationReference that the chain does not define",
        evidence: Evidence::UploadMessage(REFERENCE_MESSAGE),
        explanation: "A ClaimType's PredicateValidationReference names a predicate validation defined nowhere in the chain.",
        example: "<PredicateValidationReference Id=\"StrongPasword\" />",
        fix: "Correct the id, or define the PredicateValidation.",
    }
    UndefinedLocalizedResources {
        name: "undefined-localized-resources",
        severity: Error,
        summary: "a LocalizedResourcesReference that the chain does not define",
        evidence: Evidence::UploadMessage(REFERENCE_MESSAGE),
        explanation: "A content definition's LocalizedResourcesReference names localized resources defined nowhere in the chain.",
        example: "<LocalizedResourcesReference Language=\"en\" LocalizedResourcesReferenceId=\"api.selfasserted.en\" />",
        fix: "Correct the id, or define the LocalizedResources.",
    }
    UndefinedClientDefinition {
        name: "undefined-client-definition",
        severity: Error,
        summary: "a ClientDefinition reference that the chain does not define",
        evidence: Evidence::UploadMessage(REFERENCE_MESSAGE),
        explanation: "A reference names a client definition defined nowhere in the chain.",
        example: "<ClientDefinition ReferenceId=\"DefaultWeb\" />",
        fix: "Correct the id, or define the ClientDefinition.",
    }
    UndefinedUserJourney {
        name: "undefined-user-journey",
        severity: Error,
        summary: "a UserJourney reference that the chain does not define",
        evidence: Evidence::UploadMessage(REFERENCE_MESSAGE),
        explanation: "The relying party's DefaultUserJourney (or an Endpoint) names a journey defined nowhere in the chain.",
        example: "<DefaultUserJourney ReferenceId=\"PasswordReset\" />",
        fix: "Correct the id, or define the journey in the chain.",
    }
    UndefinedSubJourney {
        name: "undefined-sub-journey",
        severity: Error,
        summary: "a SubJourney reference that the chain does not define",
        evidence: Evidence::UploadMessage(REFERENCE_MESSAGE),
        explanation: "A JourneyList Candidate names a sub-journey defined nowhere in the chain.",
        example: "<Candidate SubJourneyReferenceId=\"MfaSubJourney\" />",
        fix: "Correct the id, or define the SubJourney.",
    }
    UndefinedClaimsExchange {
        name: "undefined-claims-exchange",
        severity: Warning,
        summary: "a ClaimsProviderSelection names no ClaimsExchange of a later step of its journey",
        evidence: Evidence::RunTime("the button or validation of the selection leads to no exchange"),
        explanation: "TargetClaimsExchangeId must name a ClaimsExchange of a later step of the same journey (ValidationClaimsExchangeId: of the same or a later step).",
        example: "<ClaimsProviderSelection TargetClaimsExchangeId=\"FacebokExchange\" />",
        fix: "Use the Id of the ClaimsExchange the selection should run.",
    }
    CaseMismatch {
        name: "case-mismatch",
        severity: Info,
        summary: "a reference matches its definition only when case is ignored",
        evidence: Evidence::Style,
        explanation: "B2C matches ids ignoring case (the starter pack writes `surName` for the ClaimType `surname`), so this works; one spelling reads better.",
        example: "<OutputClaim ClaimTypeReferenceId=\"surName\" /> with <ClaimType Id=\"surname\">",
        fix: "Write the id as the definition does.",
    }
    DuplicateDefinition {
        name: "duplicate-definition",
        severity: Error,
        summary: "the same kind and id twice in one file",
        evidence: Evidence::Schema("the xs:key constraints UniqueClaimTypeId, UniqueTechnicalProfileId, UniqueClaimsTransformationId, UniqueContentDefinitionId, UniqueUserJourneyId, UniqueClaimsExchangeId and the others"),
        explanation: "Two definitions of one kind share an id inside one file. (The same id in a policy built on this one is no clash: it amends the inherited element.)",
        example: "<ClaimType Id=\"email\">...</ClaimType>\n<ClaimType Id=\"email\">...</ClaimType>",
        fix: "Merge the two, or rename one.",
    }
    DuplicateMetadataKey {
        name: "duplicate-metadata-key",
        severity: Error,
        summary: "a Metadata Item key set twice in one profile",
        evidence: Evidence::Schema("the xs:key UniqueMetadataItemKey"),
        explanation: "One Metadata element sets the same key twice. B2C rejects it without saying where; the diagnostic points at both.",
        example: "<Item Key=\"ServiceUrl\">https://a</Item>\n<Item Key=\"ServiceUrl\">https://b</Item>",
        fix: "Keep one of the two items.",
    }
    IncludeCycle {
        name: "include-cycle",
        severity: Warning,
        summary: "IncludeTechnicalProfile comes back to the profile it started from",
        evidence: Evidence::Article("technicalprofiles.md: a profile includes another to take its settings"),
        explanation: "Following IncludeTechnicalProfile from this profile leads back to it, so the merged profile has no end.",
        example: "A includes B, and B includes A.",
        fix: "Remove one include of the cycle.",
    }
    IncludeClaimsOtherFile {
        name: "include-claims-other-file",
        severity: Warning,
        summary: "IncludeClaimsFromTechnicalProfile names a profile of another file",
        evidence: Evidence::Article("technicalprofiles.md: the referenced technical profile must be defined in the same policy file"),
        explanation: "IncludeClaimsFromTechnicalProfile may only name a profile of the same file.",
        example: "<IncludeClaimsFromTechnicalProfile ReferenceId=\"ProfileOfTheBase\" />",
        fix: "Copy the claims, or move the profile into this file.",
    }
    PreconditionUnknownClaim {
        name: "precondition-unknown-claim",
        severity: Warning,
        summary: "the first Value of a ClaimsExist/ClaimEquals precondition is not a known ClaimType",
        evidence: Evidence::RunTime("a claim that does not exist never has a value, so the precondition's test is fixed"),
        explanation: "The precondition tests a claim the chain does not define, so it never sees a value.",
        example: "<Precondition Type=\"ClaimsExist\" ExecuteActionsIf=\"true\">\n  <Value>objectID_typo</Value>",
        fix: "Correct the claim id.",
    }
    PreconditionLiteralClaim {
        name: "precondition-literal-claim",
        severity: Warning,
        summary: "the second Value of ClaimEquals is spelt as a ClaimType id, but is compared as literal text",
        evidence: Evidence::RunTime("ClaimEquals compares the claim with the text of its second Value"),
        explanation: "ClaimEquals compares the claim of its first Value with the literal text of its second. When that text is exactly a ClaimType id, the author probably meant the claim's value, which is not what B2C compares.",
        example: "<Precondition Type=\"ClaimEquals\" ExecuteActionsIf=\"true\">\n  <Value>msisdn</Value>\n  <Value>loginHint</Value>",
        fix: "Compare with a literal value, or compute the comparison with a claims transformation (CompareClaims) and test its result.",
    }
    LocalizedUnknownElement {
        name: "localized-unknown-element",
        severity: Info,
        summary: "a localized string for an element that neither the chain nor any policy built on it defines",
        evidence: Evidence::Style,
        explanation: "A LocalizedString or LocalizedCollection names a ClaimType, Predicate or DisplayControl that no policy of the chain or below defines, so it is never shown. Localization packs ship strings for claims a set may not use, and B2C accepts them.",
        example: "<LocalizedString ElementType=\"ClaimType\" ElementId=\"city\" StringId=\"DisplayName\">City</LocalizedString>",
        fix: "Remove the string, or correct its ElementId.",
    }
    MetadataReferenceUndefined {
        name: "metadata-reference-undefined",
        severity: Warning,
        summary: "a metadata value names a definition that neither the chain nor any policy built on it has",
        evidence: Evidence::RunTime("metadata values are plain strings at upload; B2C resolves them in the chain of the relying party that runs the profile"),
        explanation: "ContentDefinitionReferenceId and ClaimTypeOnWhichToEnable items name a definition by their text. B2C resolves them when a journey runs the profile, in the chain of the relying party, so a definition in a policy built on this one completes them (a live demo's base relies on it). Defined nowhere, the journey fails when it reaches the profile.",
        example: "<Item Key=\"ContentDefinitionReferenceId\">api.selfasserted.profile</Item>",
        fix: "Define the ContentDefinition (or ClaimType) in the chain of the relying parties that run the profile, or correct the value.",
    }
    SubjectNotOutput {
        name: "subject-not-output",
        severity: Warning,
        summary: "SubjectNamingInfo names no output claim of the relying party by its token name",
        evidence: Evidence::Article("relyingparty.md: ClaimType is a reference to an output claim's PartnerClaimType"),
        explanation: "SubjectNamingInfo@ClaimType is not a ClaimType id: it names one of the relying party's own output claims by the name the claim has in the token, its PartnerClaimType (or its ClaimTypeReferenceId when it has none).",
        example: "<OutputClaim ClaimTypeReferenceId=\"objectId\" PartnerClaimType=\"sub\" />\n<SubjectNamingInfo ClaimType=\"objectId\" />",
        fix: "Name the output claim by its PartnerClaimType (`sub` above).",
    }
    UnknownElement {
        name: "unknown-element",
        severity: Error,
        summary: "an element the policy language does not have",
        evidence: Evidence::Schema("the element model of TrustFrameworkPolicy_0.3.0.0.xsd"),
        explanation: "The element is not part of the policy schema anywhere.",
        example: "<ClaimsProvider><DisplayNme>Local</DisplayNme>",
        fix: "Correct the element name.",
    }
    UnexpectedChild {
        name: "unexpected-child",
        severity: Error,
        summary: "an element where the schema does not allow it, too often, or out of order",
        evidence: Evidence::UploadMessage("Schema validation error found at line L col C in policy \"P\": The element 'Parent' has invalid child element 'Child'. List of possible elements expected: ..."),
        explanation: "The schema fixes which children an element takes, how many of each and, for most elements, their order.",
        example: "<TechnicalProfile Id=\"X\">\n  <Metadata>...</Metadata>\n  <Protocol Name=\"None\" />",
        fix: "Move the element to where the schema expects it, or remove the extra one.",
    }
    UnknownAttribute {
        name: "unknown-attribute",
        severity: Error,
        summary: "an attribute the element does not have",
        evidence: Evidence::Schema("the attributes each element declares"),
        explanation: "The schema does not declare this attribute on this element.",
        example: "<OutputClaim ClaimTypeReferenceID=\"email\" />",
        fix: "Correct the attribute name (attribute names compare case).",
    }
    MissingRequiredAttribute {
        name: "missing-required-attribute",
        severity: Error,
        summary: "a required attribute is missing",
        evidence: Evidence::Schema("attributes declared use=\"required\""),
        explanation: "The schema requires this attribute on the element.",
        example: "<OrchestrationStep Type=\"SendClaims\" />",
        fix: "Add the attribute the message names.",
    }
    MissingRequiredChild {
        name: "missing-required-child",
        severity: Error,
        summary: "a required child element is missing",
        evidence: Evidence::Schema("child elements with minOccurs of 1 or more"),
        explanation: "The schema requires at least one such child.",
        example: "<Metadata></Metadata>",
        fix: "Add the child element the message names.",
    }
    InvalidAttributeValue {
        name: "invalid-attribute-value",
        severity: Error,
        summary: "an attribute value outside the schema's enumeration, type or pattern",
        evidence: Evidence::Schema("enumerations and xs:boolean/xs:integer types, compared as written (case included); the xs:pattern facets of the PolicyId and Culture types"),
        explanation: "The schema allows only the listed values (or a boolean or a number). Enumerations compare case: `development` is not `Development`.",
        example: "<TrustFrameworkPolicy DeploymentMode=\"Debug\" ...>",
        fix: "Use one of the values the message lists, spelt as listed.",
    }
    InvalidElementValue {
        name: "invalid-element-value",
        severity: Error,
        summary: "an element's text outside the schema's enumeration or pattern",
        evidence: Evidence::Schema("enumerations such as DataType and UserInputType, compared as written (case included); the xs:pattern facets of BasePolicy/PolicyId and SupportedLanguage"),
        explanation: "The schema allows only the listed values, spelt as listed.",
        example: "<DataType>String</DataType>",
        fix: "Use one of the values the message lists (`string` above).",
    }
    UnexpectedText {
        name: "unexpected-text",
        severity: Error,
        summary: "text in an element that takes only child elements, or white space in one that must be empty",
        evidence: Evidence::Schema("complex types without mixed content, and empty content models; .NET's validator, which B2C's upload uses, says `The element 'X' cannot contain text` and `The element 'X' cannot contain white space. Content model is empty.`"),
        explanation: "An element whose content is child elements only (ClaimType, TechnicalProfile, OutputClaims...) cannot hold text, and one whose content must be empty (InputClaim, OutputClaim, Protocol, ClaimsExchange...) cannot even hold white space: `<OutputClaim ClaimTypeReferenceId=\"email\">\n</OutputClaim>` is rejected where `<OutputClaim ClaimTypeReferenceId=\"email\" />` is accepted.",
        example: "<OutputClaims>\n  email\n  <OutputClaim ClaimTypeReferenceId=\"email\" />\n</OutputClaims>",
        fix: "Remove the text (or the white space between the tags), or move it into the child element it belongs to.",
    }
    UnreplacedPlaceholder {
        name: "unreplaced-placeholder",
        severity: Warning,
        summary: "a schema-checked value that looks like a build step's placeholder",
        evidence: Evidence::WorkingPolicy("community policies deploy templates whose DeploymentMode is a token (APPINSIGHTS_LOGGINGMODE) replaced by their release pipeline"),
        explanation: "The value is not one the schema allows, but it looks like a token that a build or release step replaces (upper case with underscores, or wrapped in `__`, `##`, `%`, `$` or `@`). The file is then a template: uploaded as it is, B2C rejects it.",
        example: "<TrustFrameworkPolicy DeploymentMode=\"APPINSIGHTS_LOGGINGMODE\" ...>",
        fix: "Make sure the pipeline replaces it, or use `{Settings:Name}` placeholders with `appsettings.json`.",
    }
    UnresolvedSetting {
        name: "unresolved-setting",
        severity: Warning,
        summary: "a {Settings:Name} placeholder that some environment of appsettings.json has no value for",
        evidence: Evidence::RunTime("`b2c-lsp build` does not write that environment, and the official build uploads the placeholder as literal text"),
        explanation: "The placeholder is replaced per environment by `b2c-lsp build` (and the official extension's build) from appsettings.json: Tenant, Environment, Filename, PolicyFilename and the keys of each environment's PolicySettings. The environments named lack a value for it.",
        example: "<Item Key=\"client_id\">{Settings:ProxyIdentityExperienceFrameworkAppId}</Item> with a Production environment whose PolicySettings lack that key",
        fix: "Add the key to the PolicySettings of the environments named, or correct the placeholder's name.",
    }
    AppsettingsInvalid {
        name: "appsettings-invalid",
        severity: Warning,
        summary: "appsettings.json does not read as the build's format, so {Settings:...} placeholders are not checked",
        evidence: Evidence::CannotJudge,
        explanation: "The file next to the policies that `b2c-lsp build` (and the official extension's build) reads the environments from is not valid JSON, or an environment has no Name. Until it reads, the placeholders cannot be checked or built.",
        example: "{ \"Environments\": [ { \"Name\": \"Test\", } ] }",
        fix: "Correct the JSON where the message points.",
    }
    ConfigInvalid {
        name: "config-invalid",
        severity: Warning,
        summary: "b2c-lsp.toml cannot be used: it is not TOML, or names an unknown setting, code or severity",
        evidence: Evidence::OwnSettings,
        explanation: "The policy folder's own settings (extra base locations, ignored files, per-code severities) are read from the nearest b2c-lsp.toml. One that does not read is not used at all, so its base locations, ignore patterns and severities do not apply until it is fixed. `check` refuses to run with it (exit code 2); the server shows this warning on the file.",
        example: "[severity]\ncase-mismach = \"off\"",
        fix: "Correct the file where the message points: the keys are `base`, `ignore` and `[severity]`; a severity is \"error\", \"warning\", \"info\", \"hint\" or \"off\".",
    }
    SuppressionUnknownCode {
        name: "suppression-unknown-code",
        severity: Warning,
        summary: "a b2c-lsp-ignore comment names a code the checker does not have",
        evidence: Evidence::OwnSettings,
        explanation: "`<!-- b2c-lsp-ignore CODE... -->` leaves out the named findings inside the element that follows the comment. A name that is no code suppresses nothing, which is most likely a misspelling.",
        example: "<!-- b2c-lsp-ignore case-mismach -->",
        fix: "Spell the code as the finding shows it, e.g. `case-mismatch` (all codes are listed in docs/diagnostics.md).",
    }
    UnknownMetadataKey {
        name: "unknown-metadata-key",
        severity: Warning,
        summary: "a metadata key the profile's effective type does not know",
        evidence: Evidence::Article("the technical-profile articles, plus every key that working policies use"),
        explanation: "The key is not documented for the profile's effective type (its own protocol, a same-Id profile of a base, or its includes) and no working policy uses it there. B2C ignores keys it does not know.",
        example: "<Item Key=\"SeviceUrl\">https://api.contoso.com</Item>",
        fix: "Correct the key.",
    }
    InvalidMetadataValue {
        name: "invalid-metadata-value",
        severity: Warning,
        summary: "a metadata value outside the key's allowed values",
        evidence: Evidence::Article("the technical-profile articles, plus every value that working policies use"),
        explanation: "The key takes a boolean, a number or one of a list of values.",
        example: "<Item Key=\"AuthenticationType\">Basics</Item>",
        fix: "Use one of the values the message lists.",
    }
    MissingMetadataKey {
        name: "missing-metadata-key",
        severity: Warning,
        summary: "a key the effective merged profile must set",
        evidence: Evidence::Article("the technical-profile articles' required keys that every working profile sets"),
        explanation: "The merged profile (itself, its same-Id ancestors and its includes) lacks a key its type needs, such as a REST profile's ServiceUrl.",
        example: "<TechnicalProfile Id=\"REST-Api\">\n  <Protocol Name=\"Proprietary\" Handler=\"Web.TPEngine.Providers.RestfulProvider, ...\" />\n  <Metadata><Item Key=\"AuthenticationType\">None</Item></Metadata>",
        fix: "Add the item the message names.",
    }
    UnknownHandler {
        name: "unknown-handler",
        severity: Warning,
        summary: "a Proprietary Handler the catalog does not know",
        evidence: Evidence::Article("the handler classes of the technical-profile articles and of working policies"),
        explanation: "The handler class is not one the catalog knows, so the profile's metadata cannot be checked.",
        example: "<Protocol Name=\"Proprietary\" Handler=\"Web.TPEngine.Providers.RestfullProvider, Web.TPEngine, ...\" />",
        fix: "Correct the class name.",
    }
    UnknownProtocol {
        name: "unknown-protocol",
        severity: Error,
        summary: "a Protocol Name outside the schema's enumeration",
        evidence: Evidence::Schema("the ProtocolName enumeration: None, OAuth1, OAuth2, SAML2, OpenIdConnect, WsFed, WsTrust, UProve11, Proprietary"),
        explanation: "Protocol@Name takes one of the names the schema lists.",
        example: "<Protocol Name=\"OIDC\" />",
        fix: "Use one of the names the message lists.",
    }
    UnknownTransformationMethod {
        name: "unknown-transformation-method",
        severity: Warning,
        summary: "a TransformationMethod the catalog does not know",
        evidence: Evidence::Article("the claims-transformation articles, plus every method working policies use"),
        explanation: "The method is neither documented nor used by any working policy the catalog was checked against.",
        example: "<ClaimsTransformation Id=\"X\" TransformationMethod=\"CompareClaim\">",
        fix: "Correct the method name.",
    }
    TransformationClaimMismatch {
        name: "transformation-claim-mismatch",
        severity: Error,
        summary: "a transformation's claims or parameters do not fit its method",
        evidence: Evidence::UploadMessage("The InputClaims mismatched in ClaimsTransformation with id \"CT\" with TransformationMethod \"M\". The following InputClaims were declared in the Policy but were not expected by the TransformMethod: [DateTime]rightOperand. The following InputClaims were expected by the TransformMethod but were not declared in the Policy: [String]rightOperand."),
        explanation: "Each method takes fixed TransformationClaimType names and InputParameter ids. One finding per list (input claims, output claims, parameters) says what the method does not take and what it lacks, as B2C does. An error where a policy B2C runs confirms the method's signature; a warning where only the article does.",
        example: "<ClaimsTransformation Id=\"Compare\" TransformationMethod=\"CompareClaims\">\n  <InputClaims>\n    <InputClaim ClaimTypeReferenceId=\"a\" TransformationClaimType=\"inputClaim1\" />\n    <InputClaim ClaimTypeReferenceId=\"b\" TransformationClaimType=\"rightOperand\" />",
        fix: "Use the names the method takes (the message lists them).",
    }
    InvalidParameterValue {
        name: "invalid-parameter-value",
        severity: Warning,
        summary: "an InputParameter value outside the method's allowed values",
        evidence: Evidence::Article("the claims-transformation articles"),
        explanation: "The parameter takes one of a few values.",
        example: "<InputParameter Id=\"operator\" DataType=\"string\" Value=\"EQUAL\" />",
        fix: "Use one of the values the message lists.",
    }
    TransformationClaimDataType {
        name: "transformation-claim-data-type",
        severity: Error,
        summary: "a transformation's claim has another DataType than its method takes there",
        evidence: Evidence::UploadMessage("The InputClaims mismatched in ClaimsTransformation with id \"AssertRefreshTokenIssuedLaterThanValidFromDate\" with TransformationMethod \"AssertDateTimeIsGreaterThan\". The following InputClaims were declared in the Policy but were not expected by the TransformMethod: [DateTime]rightOperand. The following InputClaims were expected by the TransformMethod but were not declared in the Policy: [String]rightOperand. (azure-ad-b2c/samples#515; the types each method takes are those the B2C team's unit tests use)"),
        explanation: "B2C matches a transformation's claims against its method by name and data type: under the right TransformationClaimType, a ClaimType of another DataType is still a mismatch. The ClaimType's DataType is taken from the nearest definition in the chain that states one. An error where a policy B2C runs confirms the method's signature; a warning where only the article does.",
        example: "<ClaimType Id=\"refreshTokenIssuedOnDateTime\"><DataType>dateTime</DataType></ClaimType>\n...\n<ClaimsTransformation Id=\"AssertRefreshTokenIssuedLaterThanValidFromDate\" TransformationMethod=\"AssertDateTimeIsGreaterThan\">\n  <InputClaims>\n    <InputClaim ClaimTypeReferenceId=\"refreshTokenIssuedOnDateTime\" TransformationClaimType=\"rightOperand\" />",
        fix: "Use a ClaimType of the DataType the message names (`string` above), or convert the claim first with another transformation.",
    }
    ParameterDataType {
        name: "parameter-data-type",
        severity: Warning,
        summary: "an InputParameter's DataType is not its method's, or its Value does not parse as its DataType",
        evidence: Evidence::RunTime("the upload accepts it, and the transformation fails when it runs: `Execution of ClaimsTransformationImpl of Type \"Microsoft.Cpim.Data.Transformations.EqualityTransformation\" for TransformationMethod \"CompareClaimToValue\" ...` for ignoreCase declared boolean (MicrosoftDocs/azure-docs#93116)"),
        explanation: "Each method reads its parameters as fixed data types (CompareClaimToValue's ignoreCase is a string, AssertNumber's CompareToValue an int). A parameter declared with another DataType, or a boolean or number Value that does not parse, passes the upload and makes the transformation fail when a journey runs it.",
        example: "<InputParameter Id=\"ignoreCase\" DataType=\"boolean\" Value=\"true\" />",
        fix: "Write the DataType the message names, and a Value of that type.",
    }
    TenantMismatch {
        name: "tenant-mismatch",
        severity: Error,
        summary: "a policy, its BasePolicy and its base file name different tenants",
        evidence: Evidence::UploadMessage("TenantId in the policy xml 'yourtenant.onmicrosoft.com' is not same as the one in login tenant 'contoso.onmicrosoft.com'. (MicrosoftDocs/azure-docs#30477); a base is looked up in the tenant the policy is uploaded to: `Policy with 'policyId': B cannot be found in the directory`"),
        explanation: "Every policy of a chain is uploaded to one tenant, and B2C takes a policy only where its TenantId names that tenant; the base is looked up in the same directory. So the TenantId of a policy, its BasePolicy/TenantId and the base file's TenantId must agree. Tokens a build step replaces ({Settings:Tenant}, {{ tenantId }}), GUIDs and two sample names (yourtenant, contoso) are not compared; a real tenant against a sample name is the classic half-done replacement.",
        example: "<TrustFrameworkPolicy TenantId=\"contoso.onmicrosoft.com\" ...>\n  <BasePolicy>\n    <TenantId>yourtenant.onmicrosoft.com</TenantId>",
        fix: "Write the same tenant in every file of the chain (or use one `{Settings:Tenant}` placeholder everywhere).",
    }
    RequiredElementMissing {
        name: "required-element-missing",
        severity: Error,
        summary: "a new TechnicalProfile without DisplayName or Protocol, or a ClaimsProvider without DisplayName",
        evidence: Evidence::UploadMessage("The required \"DisplayName\" element is missing from TechnicalProfile with id \"AAD-UserWriteUsingAlternativeSecurityId\" (MicrosoftDocs/azure-docs#54775); The element node \"ClaimsProvider\" at line 30 is missing the required element \"DisplayName\". (MicrosoftDocs/azure-docs#46916); a profile without Protocol is rejected the same way (MicrosoftDocs/azure-docs#83388). Every ClaimsProvider of the corpus (803) has a DisplayName"),
        explanation: "The schema makes these elements optional, because a profile in an extensions file may amend the same-Id profile of its base and take them from there. A profile that amends nothing (no ancestor defines its Id) and includes no other profile must have them itself; a ClaimsProvider always needs a DisplayName. The classic case is a profile copied from an article into an extensions file whose base does not define it (or defines it under another Id).",
        example: "<ClaimsProvider>\n  <DisplayName>Azure Active Directory</DisplayName>\n  <TechnicalProfiles>\n    <TechnicalProfile Id=\"AAD-UserWriteUsingAlternativeSecurityId\">\n      <PersistedClaims>...</PersistedClaims>",
        fix: "Add the DisplayName (and Protocol) the message names, or correct the Id so that the profile amends the base's.",
    }
    EmptyMetadataValue {
        name: "empty-metadata-value",
        severity: Error,
        summary: "a metadata item with an empty value",
        evidence: Evidence::UploadMessage("TechnicalProfile \"login-NonInteractive\" in policy \"B2C_1A_signup_signin\" of tenant \"T\" defines an invalid value \"\" for the metadata item \"client_id.\" (Azure-Samples/active-directory-b2c-custom-policy-starterpack#57)"),
        explanation: "Samples ship items such as `<Item Key=\"client_id\"></Item>` for the reader to fill in. B2C rejects an empty client_id at upload; an empty value of another key is a warning (no upload message confirms it, and the key then does nothing useful).",
        example: "<Item Key=\"client_id\"></Item>",
        fix: "Write the value (the application id of your registration), or remove the item.",
    }
    AadExtensionMetadataMissing {
        name: "aad-extension-metadata-missing",
        severity: Error,
        summary: "an Azure AD profile reads or writes extension_ claims without ApplicationObjectId and ClientId",
        evidence: Evidence::UploadMessage("A required Metadata item with key \"ApplicationObjectId\" was not found in the TechnicalProfile with id \"TP\""),
        explanation: "Custom attributes (`extension_...` claims) live on the b2c-extensions-app. An Azure AD technical profile that reads or persists one must name that application in its merged metadata (its own items, its includes such as AAD-Common, and the same-Id profiles of its base policies).",
        example: "<TechnicalProfile Id=\"AAD-UserWriteUsingLogonEmail\">\n  <PersistedClaims>\n    <PersistedClaim ClaimTypeReferenceId=\"extension_loyaltyId\" />",
        fix: "Add `<Item Key=\"ApplicationObjectId\">` and `<Item Key=\"ClientId\">` with the b2c-extensions-app's object id and application id, usually on AAD-Common.",
    }
    InsecureRestAuth {
        name: "insecure-rest-auth",
        severity: Error,
        summary: "a relying party in production mode runs a REST profile without authentication",
        evidence: Evidence::UploadMessage("Profile 'P' uses an insecure authentication mode that is only allowed in production mode policies with metadata key 'AllowInsecureAuthInProduction' set to true. (reported when the relying party is uploaded: blog.beachside.dev/entry/2021/06/02/190000; restful-technical-profile.md: production is DeploymentMode Production or not specified)"),
        explanation: "A REST profile with AuthenticationType None may run only in development mode. When a relying party whose DeploymentMode is Production, or absent (the default), runs one in its journey (as an exchange, in a sub-journey, or as a validation profile), B2C rejects the relying party's upload unless the profile sets AllowInsecureAuthInProduction to true.",
        example: "<TrustFrameworkPolicy PolicyId=\"B2C_1A_signup_signin\" ...> (no DeploymentMode), whose journey runs\n<Item Key=\"AuthenticationType\">None</Item>",
        fix: "Secure the API (Bearer, Basic, ClientCertificate or ApiKeyHeader), set AllowInsecureAuthInProduction to true on the profile, or set DeploymentMode=\"Development\" while testing.",
    }
    UnknownPageIdentifier {
        name: "unknown-page-identifier",
        severity: Error,
        summary: "a ContentDefinition DataUri that names no page B2C has",
        evidence: Evidence::UploadMessage("The element specified by id 'urn:com:microsoft:aad:b2c:elements:selfasserted:2.0.0' cannot be found in the element factory cache. Check that element definition exists in the elements folder. (MicrosoftDocs/azure-docs#47345)"),
        explanation: "DataUri is `urn:com:microsoft:aad:b2c:elements:[contract:]<page>:<version>`, with page globalexception, providerselection (idpselection), unifiedssp, unifiedssd, multifactor, selfasserted or claimsconsent and a version of three numbers. Versions themselves are not checked: B2C runs versions the articles do not list.",
        example: "<DataUri>urn:com:microsoft:aad:b2c:elements:contract:selfasserterd:2.1.7</DataUri>",
        fix: "Correct the page name (and put `contract:` before it to enable JavaScript).",
    }
    InvalidRegex {
        name: "invalid-regex",
        severity: Warning,
        summary: "a Restriction/Pattern or MatchesRegex expression that .NET cannot compile",
        evidence: Evidence::RunTime("B2C evaluates these expressions with .NET's Regex when the page validates the value; an expression that does not compile cannot validate anything. No upload message is reported for it"),
        explanation: "Only what certainly fails in .NET is said: a group or character class that is never closed, a `)` without its `(`, a quantifier that follows nothing (`*abc`, `a|+b`), a trailing lone backslash. Lookarounds, backreferences, named groups and class subtraction are .NET features and are accepted.",
        example: "<Pattern RegularExpression=\"^([0-9]{6}$\" HelpText=\"Six digits\" />",
        fix: "Close the group or class, escape the literal (`\\*`, `\\)`), or remove the stray character.",
    }
    PredicateParameters {
        name: "predicate-parameters",
        severity: Warning,
        summary: "a Predicate method B2C does not have, or a parameter its method does not take or needs",
        evidence: Evidence::Article("predicates.md: IsLengthRange and IsDateRange take Minimum and Maximum, MatchesRegex RegularExpression, IncludesCharacters CharacterSet; every predicate of the corpus agrees"),
        explanation: "Predicate@Method is a free string to the schema, but B2C has four methods, each with fixed parameters. A misspelt method or parameter Id leaves the predicate without the value it checks.",
        example: "<Predicate Id=\"Digits\" Method=\"MatchesRegex\">\n  <Parameters>\n    <Parameter Id=\"Expression\">^[0-9]+$</Parameter>",
        fix: "Use the method and parameter names the message lists (`RegularExpression` above).",
    }
    CharacterSetEscape {
        name: "character-set-escape",
        severity: Error,
        summary: "a CharacterSet parameter with a backslash escape other than \\\\ or \\-",
        evidence: Evidence::UploadMessage("the only escape patterns allowed in CharacterSet Parameters are \"\\\\\" \"\\-\""),
        explanation: "An IncludesCharacters predicate's CharacterSet lists characters and ranges (`a-z`); a backslash may only escape a backslash or a hyphen. Other escapes (`\\d`, `\\.`) are rejected at upload.",
        example: "<Parameter Id=\"CharacterSet\">\\d</Parameter>",
        fix: "Write the characters themselves (`0-9` for digits, `.` for a dot), `\\\\` for a backslash, `\\-` for a hyphen.",
    }
    UnsupportedLanguage {
        name: "unsupported-language",
        severity: Warning,
        summary: "a DefaultLanguage or LocalizedResourcesReference language that SupportedLanguages does not list",
        evidence: Evidence::Article("localization.md: the default language and the languages pages are localized into are among the supported languages; every policy of the corpus agrees"),
        explanation: "SupportedLanguages lists the languages a policy offers (its own and those of the policies it builds on or that build on it). A DefaultLanguage outside the list, or a content definition's LocalizedResourcesReference in a language outside it, is never used.",
        example: "<SupportedLanguages DefaultLanguage=\"en\">\n  <SupportedLanguage>en</SupportedLanguage>\n</SupportedLanguages>\n...\n<LocalizedResourcesReference Language=\"fr\" LocalizedResourcesReferenceId=\"api.signuporsignin.fr\" />",
        fix: "Add the language to SupportedLanguages, or correct it.",
    }
    SendClaimsIssuer {
        name: "send-claims-issuer",
        severity: Warning,
        summary: "a SendClaims step whose issuer is not a token issuer",
        evidence: Evidence::Article("userjourneys.md and jwt-issuer-technical-profile.md: the SendClaims step's CpimIssuerTechnicalProfileReferenceId names the token issuer; every journey of the corpus names a JWT, SAML, UserInfo or OAuth2-error issuer"),
        explanation: "The last step of a journey sends the claims in a token issued by the profile it names. A self-asserted, REST or other profile there issues nothing.",
        example: "<OrchestrationStep Order=\"7\" Type=\"SendClaims\" CpimIssuerTechnicalProfileReferenceId=\"AAD-UserReadUsingObjectId\" />",
        fix: "Name the token issuer profile (JwtIssuer in the starter pack, Saml2AssertionIssuer for SAML).",
    }
    SelectionTargetAndValidation {
        name: "selection-target-and-validation",
        severity: Warning,
        summary: "a ClaimsProviderSelection with both TargetClaimsExchangeId and ValidationClaimsExchangeId",
        evidence: Evidence::Article("userjourneys.md: TargetClaimsExchangeId or ValidationClaimsExchangeId must be specified, but not both"),
        explanation: "A selection button either leads to an exchange of a later step (Target) or validates the current page with an exchange of this step (Validation).",
        example: "<ClaimsProviderSelection TargetClaimsExchangeId=\"FacebookExchange\" ValidationClaimsExchangeId=\"LocalAccountSigninEmailExchange\" />",
        fix: "Keep the attribute the button means, and add another selection for the other.",
    }
    VerificationControlIncomplete {
        name: "verification-control-incomplete",
        severity: Warning,
        summary: "a VerificationControl without its required VerificationCode claim or its SendCode and VerifyCode actions",
        evidence: Evidence::Article("display-control-verification.md, \"VerificationControl required elements\"; every verification control of the corpus has them, merged along its chain"),
        explanation: "A verification control sends a code and checks it: it needs a DisplayClaim whose ControlClaimType is VerificationCode, marked Required, and the actions SendCode and VerifyCode. A control amended along the chain is judged with all its parts.",
        example: "<DisplayControl Id=\"emailVerificationControl\" UserInterfaceControlType=\"VerificationControl\">\n  <DisplayClaims>\n    <DisplayClaim ClaimTypeReferenceId=\"email\" Required=\"true\" />\n  </DisplayClaims>",
        fix: "Add the DisplayClaim and the actions the message names.",
    }
    RelyingPartyIssuerMismatch {
        name: "relying-party-issuer-mismatch",
        severity: Warning,
        summary: "a relying party whose journey sends its claims with the token issuer of the other protocol",
        evidence: Evidence::Article("jwt-issuer-technical-profile.md and saml-issuer-technical-profile.md: each issuer emits the token returned to a relying party of its protocol; every relying party of the corpus pairs OpenIdConnect with a JWT issuer and SAML2 with a SAML issuer"),
        explanation: "An OpenIdConnect relying party answers its application with a JWT, which the journey's SendClaims step issues through a JWT issuer profile; a SAML2 relying party answers with a SAML assertion from a SAML issuer profile (OutputTokenFormat SAML2). A journey shared between the two protocols sends one of them the wrong token.",
        example: "<RelyingParty>\n  <DefaultUserJourney ReferenceId=\"SignUpOrSignIn\" />  <!-- ends with JwtIssuer -->\n  <TechnicalProfile Id=\"PolicyProfile\">\n    <Protocol Name=\"SAML2\" />",
        fix: "Give the SAML2 relying party a journey whose SendClaims step names the SAML issuer (CpimIssuerTechnicalProfileReferenceId=\"Saml2AssertionIssuer\"), or the OpenIdConnect one a journey that ends with JwtIssuer.",
    }
    ValidationOutputNotReturned {
        name: "validation-output-not-returned",
        severity: Warning,
        summary: "a required input claim or a relying-party output claim that only a validation profile outputs",
        evidence: Evidence::Article("validation-technical-profile.md: the output claims of a validation technical profile are scoped to the self-asserted profile that invokes it; to use them in the next steps, add them to its output claims. Judged only where the missing value stops the journey (a required input claim, a claim the application expects): the starter pack prefills an optional input claim this way"),
        explanation: "A self-asserted profile's validation profiles can output claims (login-NonInteractive returns the user's names), but those claims stay with the self-asserted profile unless it lists them as its own OutputClaims. A later step that requires such a claim, or a relying party that puts it in the token, gets nothing.",
        example: "<TechnicalProfile Id=\"SelfAsserted-Email\">\n  <OutputClaims>\n    <OutputClaim ClaimTypeReferenceId=\"email\" />\n  </OutputClaims>\n  <ValidationTechnicalProfiles>\n    <ValidationTechnicalProfile ReferenceId=\"REST-Lookup\" />  <!-- outputs loyaltyId -->\n...\n<InputClaim ClaimTypeReferenceId=\"loyaltyId\" Required=\"true\" />  <!-- in a later step -->",
        fix: "Add the claim to the OutputClaims of the self-asserted profile that runs the validation profile.",
    }
    OutputClaimNeverSet {
        name: "output-claim-never-set",
        severity: Warning,
        summary: "a Required output claim of a self-asserted profile that nothing sets",
        evidence: Evidence::RunTime("self-asserted-technical-profile.md, \"Output claims\": a self-asserted profile returns what the page collects (claims with a UserInputType), DefaultValues, and what its output claims transformations, validation profiles and display controls output; B2C accepts the upload, and the claim stays missing"),
        explanation: "A self-asserted profile's Required output claim gets its value from the page (its ClaimType has a UserInputType), from a DefaultValue, from an input claim of the profile, or from an output claims transformation, validation profile or display control of the profile. One with none of these is never set, which shows only when a later step or the token looks for it. The profile is judged merged along its chain and includes, and the ClaimType along the chain and the policies built on it.",
        example: "<ClaimType Id=\"loyaltyNumber\">\n  <DataType>string</DataType>\n</ClaimType>  <!-- no UserInputType -->\n...\n<OutputClaim ClaimTypeReferenceId=\"loyaltyNumber\" Required=\"true\" />",
        fix: "Give the ClaimType a UserInputType, the output claim a DefaultValue, or output the claim from a validation profile or output claims transformation of the profile.",
    }
    ContentDefinitionWithoutDataUri {
        name: "content-definition-without-data-uri",
        severity: Warning,
        summary: "a ContentDefinition that no part, along its chain or below it, gives a DataUri",
        evidence: Evidence::Article("contentdefinitions.md: the DataUri is the page identifier, which picks the page a step shows; the schema leaves it optional so that a policy can amend a content definition of its base; no content definition of the corpus whose chain is complete lacks one"),
        explanation: "A content definition names the page a step shows by its DataUri. A policy built on another may amend a content definition with only its localized resources, which is why the schema does not require it; but when no part of the content definition, along the chain or in the policies built on it, has a DataUri, there is no page.",
        example: "<ContentDefinition Id=\"api.selfasserted.loyalty\">\n  <LoadUri>https://contoso.com/selfasserted.html</LoadUri>\n</ContentDefinition>",
        fix: "Add the DataUri of the page, e.g. urn:com:microsoft:aad:b2c:elements:contract:selfasserted:2.1.7.",
    }
    QrCodeControlIncomplete {
        name: "qr-code-control-incomplete",
        severity: Warning,
        summary: "a QrCodeControl without its QrCodeContent DisplayClaim",
        evidence: Evidence::Article("display-control-time-based-one-time-password.md: the QrCodeControl renders the claim of its DisplayClaim with ControlClaimType QrCodeContent; the corpus's one QrCodeControl has it"),
        explanation: "A QrCodeControl renders a URI (the TOTP enrollment link) as a QR code: the claim it renders is the DisplayClaim marked ControlClaimType=\"QrCodeContent\". Without it the control shows nothing. A control amended along the chain is judged with all its parts.",
        example: "<DisplayControl Id=\"totpQrCodeControl\" UserInterfaceControlType=\"QrCodeControl\">\n  <DisplayClaims>\n    <DisplayClaim ClaimTypeReferenceId=\"qrCodeContent\" />",
        fix: "Mark the DisplayClaim with ControlClaimType=\"QrCodeContent\" (and give the claim as an InputClaim).",
    }
    DisplayControlAction {
        name: "display-control-action",
        severity: Warning,
        summary: "a display-control Action other than a VerificationControl's SendCode and VerifyCode",
        evidence: Evidence::Article("display-control-verification.md, \"VerificationControl actions\": the actions are SendCode and VerifyCode; display-controls.md gives actions to no other type; all 64 actions of the corpus are these two"),
        explanation: "A VerificationControl runs its SendCode action when the user asks for a code and its VerifyCode action when the user submits it. An action of another name, or an action of another control type, is never run.",
        example: "<Action Id=\"SendOtp\">",
        fix: "Name the action SendCode or VerifyCode, or remove it.",
    }
    RelyingPartyIncomplete {
        name: "relying-party-incomplete",
        severity: Warning,
        summary: "a RelyingParty without DefaultUserJourney or SubjectNamingInfo, or whose profile speaks neither OpenIdConnect nor SAML2",
        evidence: Evidence::Article("relyingparty.md: DefaultUserJourney 1:1, SubjectNamingInfo 1:1, and the technical profile's Protocol Name is OpenIdConnect or SAML2; all 341 relying parties of the corpus agree"),
        explanation: "The schema leaves them open, but a relying party runs its DefaultUserJourney, answers its application in OpenID Connect or SAML 2.0, and names the token's subject with SubjectNamingInfo.",
        example: "<RelyingParty>\n  <TechnicalProfile Id=\"PolicyProfile\">\n    <Protocol Name=\"OAuth2\" />",
        fix: "Add the DefaultUserJourney or the SubjectNamingInfo, or write OpenIdConnect (or SAML2).",
    }
    ClaimResolverNotEnabled {
        name: "claim-resolver-not-enabled",
        severity: Warning,
        summary: "a claim resolver in a claim's DefaultValue of a profile that does not set IncludeClaimResolvingInClaimsHandling",
        evidence: Evidence::RunTime("claim-resolver-overview.md, \"Using claim resolvers\": Azure AD, OAuth2, OpenID Connect, claims-transformation, REST (input claims), SAML identity-provider (output claims) and self-asserted profiles resolve claim resolvers only with IncludeClaimResolvingInClaimsHandling set to true; B2C accepts the upload and the claim keeps the text"),
        explanation: "A claim resolver such as {Context:CorrelationId} or {OIDC:ClientId} in the DefaultValue of an input or output claim is replaced with its value only when the profile's metadata, merged along the chain and its includes, sets IncludeClaimResolvingInClaimsHandling to true. Otherwise the claim gets the braces as literal text, which shows only when the journey runs. Application Insights input claims and the relying party's output claims resolve without it, and are not judged; neither are types the article does not name.",
        example: "<TechnicalProfile Id=\"REST-Audit\">\n  ...RestfulProvider...\n  <InputClaims>\n    <InputClaim ClaimTypeReferenceId=\"correlationId\" DefaultValue=\"{Context:CorrelationId}\" AlwaysUseDefaultValue=\"true\" />",
        fix: "Add <Item Key=\"IncludeClaimResolvingInClaimsHandling\">true</Item> to the profile's Metadata (or to the profile of a policy built on this one that amends it).",
    }
    InvalidStringId {
        name: "invalid-string-id",
        severity: Warning,
        summary: "a UxElement or ErrorMessage localized string whose StringId no page has",
        evidence: Evidence::Article("localization-string-ids.md lists the StringIds of every page; B2C rejects an unknown one at upload (`The localized string with ElementType: UxElement and StringId: S has an invalid StringId`), but the list is the article's: 2291 UxElement and ErrorMessage strings of the corpus use only its ids and three more (intro, ver_success_screenreader_msg, ResourceOwnerFlowInvalidCredentials), which are accepted"),
        explanation: "A LocalizedString with ElementType UxElement or ErrorMessage replaces one of the texts a page shows; its StringId must be one the pages have. A misspelt id is rejected at upload with a message that names no line.",
        example: "<LocalizedString ElementType=\"UxElement\" StringId=\"button_contine\">Continue</LocalizedString>",
        fix: "Use a StringId of localization-string-ids.md (the message suggests the nearest one), or a ClaimType / DisplayControl ElementType for texts of those elements.",
    }
    InputTypeDataType {
        name: "input-type-data-type",
        severity: Warning,
        summary: "a ClaimType whose UserInputType does not collect its DataType",
        evidence: Evidence::Article("claimsschema.md's UserInputType table, widened to every pair that working policies use (CheckboxMultiSelect and DropdownSingleSelect with boolean, TextBox with long and phoneNumber, Readonly with any type)"),
        explanation: "A user input type shows a control that produces values of some types only: an EmailBox or Password a string, a DateTimeDropdown a date or dateTime, a choice a string (or a boolean). Other pairs cannot be collected on the page. The pairs the B2C team's unit tests and a live demo use are accepted although the article's table omits them.",
        example: "<ClaimType Id=\"birthDate\">\n  <DataType>string</DataType>\n  <UserInputType>DateTimeDropdown</UserInputType>",
        fix: "Change the DataType to one the control produces, or choose another UserInputType.",
    }
    ChoiceWithoutOptions {
        name: "choice-without-options",
        severity: Warning,
        summary: "a RadioSingleSelect, DropdownSingleSelect or CheckboxMultiSelect string claim with no options",
        evidence: Evidence::Article("claimsschema.md: Enumeration defines the options of a CheckboxMultiSelect, DropdownSingleSelect or RadioSingleSelect; localization.md: a LocalizedCollection may supply them instead (a unit test does)"),
        explanation: "A choice control shows the options of the claim's Restriction/Enumeration, or of a LocalizedCollection for the claim. A string claim with neither, anywhere in its chain or in the policies built on it, shows an empty control. A boolean CheckboxMultiSelect is one check box and needs none.",
        example: "<ClaimType Id=\"city\">\n  <DataType>string</DataType>\n  <UserInputType>DropdownSingleSelect</UserInputType>\n</ClaimType>",
        fix: "Add <Restriction> with <Enumeration Text=\"...\" Value=\"...\" /> items, or a LocalizedCollection with TargetCollection=\"Restriction\" for the claim.",
    }
    StepOrderDuplicate {
        name: "step-order-duplicate",
        severity: Error,
        summary: "two steps of one journey with the same Order",
        evidence: Evidence::Schema("the xs:key UniqueOrchestrationStepOrder"),
        explanation: "Each orchestration step of a journey needs its own Order.",
        example: "<OrchestrationStep Order=\"2\" ...>\n<OrchestrationStep Order=\"2\" ...>",
        fix: "Renumber the steps 1..N.",
    }
    StepOrderGap {
        name: "step-order-gap",
        severity: Warning,
        summary: "steps not numbered 1..N",
        evidence: Evidence::Article("userjourneys.md: the steps are an ordered list run in sequence"),
        explanation: "The steps of a journey should be numbered from 1 without gaps.",
        example: "<OrchestrationStep Order=\"1\" ...>\n<OrchestrationStep Order=\"3\" ...>",
        fix: "Renumber the steps 1..N.",
    }
    NoSendClaims {
        name: "no-send-claims",
        severity: Error,
        summary: "a UserJourney (or Transfer SubJourney) without a SendClaims step",
        evidence: Evidence::UploadMessage("User journey 'UJ' does not contain a send claims step."),
        explanation: "A journey must end by issuing a token: it needs a SendClaims step, itself or through a Transfer sub-journey.",
        example: "<UserJourney Id=\"SignIn\"> with only ClaimsExchange steps",
        fix: "Add a SendClaims step with the token issuer (CpimIssuerTechnicalProfileReferenceId).",
    }
    ExchangesWithoutSelection {
        name: "exchanges-without-selection",
        severity: Error,
        summary: "a step with several ClaimsExchanges that no earlier selection step names",
        evidence: Evidence::UploadMessage("User journey \"UJ\" in policy \"P\" of tenant \"T\" has step 7 with 2 claims exchanges. It must be preceded by a claims provider selection in order to determine which claims exchange can be used."),
        explanation: "When a step has more than one ClaimsExchange, an earlier ClaimsProviderSelection or CombinedSignInAndSignUp step must name them, so that B2C knows which to run.",
        example: "<OrchestrationStep Order=\"2\" Type=\"ClaimsExchange\">\n  <ClaimsExchanges>\n    <ClaimsExchange Id=\"A\" .../>\n    <ClaimsExchange Id=\"B\" .../>",
        fix: "Add a selection step before it whose ClaimsProviderSelections target these exchanges.",
    }
    ExchangeNotSelected {
        name: "exchange-not-selected",
        severity: Warning,
        summary: "an exchange of such a step that no selection points at",
        evidence: Evidence::RunTime("an exchange that no selection and no SignUpTarget names is never chosen"),
        explanation: "Some exchanges of the step are selected by an earlier step, but this one by none (no ClaimsProviderSelection, no profile's SignUpTarget), so it never runs.",
        example: "<ClaimsExchange Id=\"SignUpWithLogonEmailExchange_TextLink\" .../> where the sign-up link targets SignUpWithLogonEmailExchange",
        fix: "Target it from the selection step, or remove it.",
    }
    InvokeMissingSubJourney {
        name: "invoke-missing-sub-journey",
        severity: Warning,
        summary: "an InvokeSubJourney step that names no sub-journey",
        evidence: Evidence::Article("subjourneys.md: an InvokeSubJourney step lists the sub-journey in JourneyList/Candidate"),
        explanation: "The step invokes a sub-journey but has no JourneyList/Candidate naming one.",
        example: "<OrchestrationStep Order=\"2\" Type=\"InvokeSubJourney\" />",
        fix: "Add JourneyList/Candidate with a SubJourneyReferenceId.",
    }
    InvokeWrongSubJourneyType {
        name: "invoke-wrong-sub-journey-type",
        severity: Warning,
        summary: "a step that is not InvokeSubJourney names a sub-journey",
        evidence: Evidence::Article("subjourneys.md: only an InvokeSubJourney step runs a sub-journey"),
        explanation: "A JourneyList/Candidate on a step of another type is never run: only InvokeSubJourney steps run sub-journeys. (A SubJourney's own Type, Call or Transfer, is checked by the schema.)",
        example: "<OrchestrationStep Order=\"2\" Type=\"ClaimsExchange\">\n  <JourneyList>\n    <Candidate SubJourneyReferenceId=\"Mfa\" />",
        fix: "Make the step an InvokeSubJourney step, or remove its JourneyList.",
    }
    ClaimNotProduced {
        name: "claim-not-produced",
        severity: Error,
        summary: "a required input claim of a step's technical profile that no earlier step produces",
        evidence: Evidence::UploadMessage("Claim type \"alternativeSecurityId\" is the input claim of technical profile \"AAD-UserReadUsingAlternativeSecurityId-NoError\" in step \"3\" of user journey \"SignUpOrSignIn\" but it is not an output claim in any of the previous steps."),
        explanation: "A required input claim must be in the claims bag when the step runs: some earlier step (or a transformation of this profile) must output it, or the InputClaim needs a DefaultValue.",
        example: "<InputClaim ClaimTypeReferenceId=\"alternativeSecurityId\" Required=\"true\" /> in step 3, output by no step before",
        fix: "Output the claim in an earlier step, add a DefaultValue, or remove the step.",
    }
    ClaimNotProducedOnPath {
        name: "claim-not-produced-on-path",
        severity: Warning,
        summary: "a required input claim whose every earlier producer a precondition skips on some path on which its step runs",
        evidence: Evidence::Article("userjourneys.md, \"Preconditions\": a step whose precondition is satisfied is skipped and runs none of its profiles; B2C's upload check counts every earlier step as a producer, so the upload passes and the claim is missing only when the journey takes that path"),
        explanation: "B2C accepts a journey as soon as some earlier step outputs each required input claim, whatever the steps' preconditions say. This rule follows the claims that the preconditions test along the journey (absent, equal to a literal a ClaimEquals compares with, or another value; a DefaultValue sets its value, any other output may or may not be returned) and reports a required input claim when some path skips every earlier step that outputs it while the step that needs it runs. The message names each producer and the precondition that skips it. To stay clear of paths no user can take, it assumes that a producer that runs provides the claim, counts a path only when every producer is skipped by a precondition on one and the same claim, reads only ClaimsExist and ClaimEquals preconditions with SkipThisOrchestrationStep (any other leaves the step free to run or not, never skipping a producer or running the consumer), follows at most 12 tested claims per journey, judges a journey in the chain of each relying party that runs it (one that none runs is not judged), and judges the steps of user journeys, not those of sub-journeys.",
        example: "<OrchestrationStep Order=\"2\" Type=\"ClaimsExchange\">\n  <Preconditions>\n    <Precondition Type=\"ClaimsExist\" ExecuteActionsIf=\"true\">\n      <Value>objectId</Value>\n      <Action>SkipThisOrchestrationStep</Action>\n    </Precondition>\n  </Preconditions>\n  ... REST-GetLoyalty outputs loyaltyId ...\n</OrchestrationStep>\n<OrchestrationStep Order=\"3\" Type=\"ClaimsExchange\">\n  ... REST-Enroll requires loyaltyId, no precondition ...",
        fix: "Give the consuming step the precondition that skips the producers (so it is skipped too), or output the claim on that path (another step, or a DefaultValue).",
    }
    RpClaimNotProduced {
        name: "rp-claim-not-produced",
        severity: Error,
        summary: "a relying-party output claim that no step produces and that has no DefaultValue",
        evidence: Evidence::UploadMessage("Claim type \"C\" is the output claim of the relying party's technical profile, but it is not an output claim in any of the steps of user journey \"UJ\"."),
        explanation: "Every output claim of the relying party must be produced by some step of its journey, or carry a DefaultValue.",
        example: "<OutputClaim ClaimTypeReferenceId=\"identityProvider\" /> in a local-accounts journey",
        fix: "Output the claim in a step of the journey, give it a DefaultValue, or remove it.",
    }
}

/// The README's table of codes (generated; `server/tests/generated.rs` keeps it fresh).
pub fn readme_table() -> String {
    let mut out =
        String::from("| code | severity | what it means | evidence |\n| --- | --- | --- | --- |\n");
    for info in CODES {
        let evidence = match info.evidence {
            Evidence::Schema(_) => "schema",
            Evidence::UploadMessage(_) => "upload message",
            Evidence::WorkingPolicy(_) => "working policy",
            Evidence::Article(_) => "article",
            Evidence::RunTime(_) => "run time",
            Evidence::CannotJudge => "cannot judge",
            Evidence::Style => "style",
            Evidence::OwnSettings => "own settings",
        };
        out.push_str(&format!(
            "| [`{name}`](docs/diagnostics.md#{name}) | {} | {} | {evidence} |\n",
            info.severity.as_str(),
            info.summary,
            name = info.name,
        ));
    }
    out
}

/// `docs/diagnostics.md`: one section per code, whose heading is the code itself, so that
/// editors can link to `docs/diagnostics.md#<code>`.
pub fn docs_page() -> String {
    let mut out = String::from(
        "<!-- @generated by server/tests/generated.rs from server/src/diagnostic/codes.rs; do not edit -->\n\
         # Diagnostics\n\n\
         Every finding of `b2c-lsp` has one of these codes. Severity follows evidence: an error only \
         where B2C rejects the upload and the fact is confirmed by the published schema, a message \
         B2C gives at upload, or a policy B2C runs; a warning where only an article supports the fact \
         or where the effect shows when a journey runs; information for accepted constructs that do \
         nothing.\n",
    );
    for info in CODES {
        out.push_str(&format!(
            "\n## {}\n\n**{}**: {}.\n\n{}\n\nExample:\n\n```xml\n{}\n```\n\nFix: {}\n\nEvidence: {}\n",
            info.name,
            info.severity.as_str(),
            info.summary,
            info.explanation,
            info.example,
            info.fix,
            info.evidence.describe(),
        ));
    }
    out
}

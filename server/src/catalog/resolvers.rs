//! Value vocabularies: claim resolvers, claim data types, user input types and the page contracts
//! (ContentDefinition `DataUri`) with their documented layout versions.

use super::ClaimResolver;

pub(super) static CLAIM_RESOLVERS: &[ClaimResolver] = &[
    ClaimResolver { key: "{Culture:LanguageName}", doc: "Two-letter ISO language code of the UI, e.g. en." },
    ClaimResolver { key: "{Culture:LCID}", doc: "Windows locale id of the UI language, e.g. 1033." },
    ClaimResolver { key: "{Culture:RegionName}", doc: "Two-letter ISO region code of the UI culture, e.g. US." },
    ClaimResolver { key: "{Culture:RFC5646}", doc: "RFC 5646 language tag of the UI, e.g. en-US." },
    ClaimResolver { key: "{Policy:PolicyId}", doc: "Name of the relying-party policy being run." },
    ClaimResolver { key: "{Policy:RelyingPartyTenantId}", doc: "Tenant name of the relying-party policy." },
    ClaimResolver { key: "{Policy:TenantObjectId}", doc: "Object id (GUID) of the relying-party policy's tenant." },
    ClaimResolver { key: "{Policy:TrustFrameworkTenantId}", doc: "Tenant name of the trust framework (base) policy." },
    ClaimResolver { key: "{Context:BuildNumber}", doc: "Build number of the Identity Experience Framework." },
    ClaimResolver { key: "{Context:CorrelationId}", doc: "Correlation id of the request; quote it when asking for support." },
    ClaimResolver { key: "{Context:DateTimeInUtc}", doc: "Current date and time in UTC." },
    ClaimResolver { key: "{Context:DeploymentMode}", doc: "DeploymentMode of the policy, e.g. Production." },
    ClaimResolver { key: "{Context:HostName}", doc: "Host name the request came to, e.g. contoso.b2clogin.com." },
    ClaimResolver { key: "{Context:IPAddress}", doc: "IP address of the user." },
    ClaimResolver { key: "{Context:KMSI}", doc: "Whether the keep-me-signed-in box was ticked." },
    ClaimResolver { key: "{Claim:<claim type>}", doc: "Value of a claim type defined in the ClaimsSchema, e.g. {Claim:displayName}." },
    ClaimResolver { key: "{OIDC:AuthenticationContextReferences}", doc: "The acr_values parameter of the authorization request." },
    ClaimResolver { key: "{OIDC:ClientId}", doc: "The client_id parameter of the authorization request." },
    ClaimResolver { key: "{OIDC:DomainHint}", doc: "The domain_hint parameter of the authorization request." },
    ClaimResolver { key: "{OIDC:LoginHint}", doc: "The login_hint parameter of the authorization request." },
    ClaimResolver { key: "{OIDC:MaxAge}", doc: "The max_age parameter of the authorization request." },
    ClaimResolver { key: "{OIDC:Nonce}", doc: "The nonce parameter of the authorization request." },
    ClaimResolver { key: "{OIDC:Password}", doc: "The password sent in a resource owner password credentials request." },
    ClaimResolver { key: "{OIDC:Prompt}", doc: "The prompt parameter of the authorization request." },
    ClaimResolver { key: "{OIDC:RedirectUri}", doc: "The redirect_uri parameter of the authorization request." },
    ClaimResolver { key: "{OIDC:Resource}", doc: "The resource parameter of the authorization request." },
    ClaimResolver { key: "{OIDC:Scope}", doc: "The scope parameter of the authorization request." },
    ClaimResolver { key: "{OIDC:Username}", doc: "The user name sent in a resource owner password credentials request." },
    ClaimResolver { key: "{OAUTH-KV:<parameter>}", doc: "Any query-string parameter of the authorization request, e.g. {OAUTH-KV:campaignId}." },
    ClaimResolver { key: "{SAML:AuthnContextClassReferences}", doc: "AuthnContextClassRef value of the SAML request." },
    ClaimResolver { key: "{SAML:NameIdPolicyFormat}", doc: "Format of the NameIDPolicy in the SAML request." },
    ClaimResolver { key: "{SAML:Issuer}", doc: "Issuer of the SAML request." },
    ClaimResolver { key: "{SAML:AllowCreate}", doc: "AllowCreate of the NameIDPolicy in the SAML request." },
    ClaimResolver { key: "{SAML:ForceAuthn}", doc: "ForceAuthN of the SAML AuthnRequest." },
    ClaimResolver { key: "{SAML:ProviderName}", doc: "ProviderName of the SAML AuthnRequest." },
    ClaimResolver { key: "{SAML:RelayState}", doc: "RelayState parameter of the SAML request." },
    ClaimResolver { key: "{SAML:Subject}", doc: "Subject NameId of the SAML AuthnRequest." },
    ClaimResolver { key: "{SAML:Binding}", doc: "ProtocolBinding of the SAML AuthnRequest." },
    ClaimResolver { key: "{oauth2:access_token}", doc: "Access token returned by an OAuth2 identity provider; use as an output claim's PartnerClaimType." },
    ClaimResolver { key: "{oauth2:token_type}", doc: "Token type returned by an OAuth2 identity provider, e.g. Bearer." },
    ClaimResolver { key: "{oauth2:expires_in}", doc: "Access-token lifetime in seconds from an OAuth2 identity provider; needs an int or long claim." },
    ClaimResolver { key: "{oauth2:refresh_token}", doc: "Refresh token returned by an OAuth2 identity provider." },
    ClaimResolver { key: "{service:te}", doc: "Internal address of the policy engine, used by starter-pack engine profiles; not a user-facing resolver." },
    ClaimResolver { key: "{TechnicalProfileId}", doc: "Id of the current technical profile; usable in string claims transformation parameters." },
    ClaimResolver { key: "{RelyingPartyTenantId}", doc: "Tenant of the relying-party policy; usable in string claims transformation parameters." },
    ClaimResolver { key: "{TrustFrameworkTenantId}", doc: "Tenant of the trust framework; usable in string claims transformation parameters." },
    ClaimResolver { key: "{Settings:<name>}", doc: "Build-time placeholder of the VS Code B2C workflow, replaced from appsettings.json before upload; not resolved by B2C." },
];

pub(super) static DATA_TYPES: &[(&str, &str)] = &[
    ("boolean", "True or false."),
    ("date", "A calendar date in ISO 8601 form."),
    (
        "dateTime",
        "A date and time in ISO 8601 form; issued in tokens as UNIX epoch time.",
    ),
    (
        "duration",
        "A time span written PnYnMoDTnHnMnS, e.g. P1Y2Mo for one year and two months.",
    ),
    ("int", "A 32-bit signed integer."),
    ("long", "A 64-bit signed integer."),
    ("string", "Text."),
    ("stringCollection", "A list of strings."),
    (
        "alternativeSecurityIdCollection",
        "A list of links between a user and social identity provider accounts.",
    ),
    (
        "userIdentityCollection",
        "A list of userIdentity values (legacy form of alternativeSecurityIdCollection).",
    ),
    (
        "userIdentity",
        "A user identity: issuer and the user's id at that issuer.",
    ),
    ("phoneNumber", "A phone number in international format."),
    (
        "objectIdentityCollection",
        "A list of objectIdentity values; listed by the schema, rarely used.",
    ),
    (
        "objectIdentity",
        "An object identity; listed by the schema, rarely used.",
    ),
];

pub(super) static USER_INPUT_TYPES: &[(&str, &str)] = &[
    (
        "TextBox",
        "Single-line text field (string, int or boolean claims).",
    ),
    ("EmailBox", "Email address field (string claims)."),
    (
        "DateTimeDropdown",
        "Day, month and year drop-downs (date or dateTime claims).",
    ),
    (
        "RadioSingleSelect",
        "Radio buttons; the claim gets the chosen value (string claims).",
    ),
    (
        "DropdownSingleSelect",
        "Single-choice drop-down; the claim gets the chosen value (string claims).",
    ),
    (
        "CheckboxMultiSelect",
        "Check boxes; the claim gets the chosen values separated by commas (string claims).",
    ),
    ("Password", "Password field (string claims)."),
    ("Readonly", "Read-only text field."),
    ("Button", "A button; listed by the schema."),
    ("Paragraph", "Shows the claim's value as text only."),
];

pub(super) static PAGE_CONTRACTS: &[(&str, &str)] = &[
    ("urn:com:microsoft:aad:b2c:elements:contract:globalexception:", "Error page shown when the journey fails (page layout contract; supports JavaScript)."),
    ("urn:com:microsoft:aad:b2c:elements:contract:providerselection:", "Identity-provider selection page (page layout contract)."),
    ("urn:com:microsoft:aad:b2c:elements:contract:unifiedssp:", "Combined sign-in and sign-up page with local-account sign-in, social buttons, keep-me-signed-in and forgot-password link (page layout contract)."),
    ("urn:com:microsoft:aad:b2c:elements:contract:unifiedssd:", "Sign-in page for local accounts without the sign-up link (page layout contract)."),
    ("urn:com:microsoft:aad:b2c:elements:contract:multifactor:", "Phone verification page by SMS or call (page layout contract)."),
    ("urn:com:microsoft:aad:b2c:elements:contract:selfasserted:", "Form that collects or shows claims: sign-up, profile edit, password reset (page layout contract)."),
    ("urn:com:microsoft:aad:b2c:elements:contract:claimsconsent:", "Consent page (page layout contract)."),
    ("urn:com:microsoft:aad:b2c:elements:globalexception:", "Error page, legacy form without page layout (no JavaScript); migrate to the contract form."),
    ("urn:com:microsoft:aad:b2c:elements:idpselection:", "Identity-provider selection page, legacy form; migrate to contract:providerselection."),
    ("urn:com:microsoft:aad:b2c:elements:unifiedssp:", "Combined sign-in and sign-up page, legacy form; migrate to contract:unifiedssp."),
    ("urn:com:microsoft:aad:b2c:elements:unifiedssd:", "Local-account sign-in page, legacy form; migrate to contract:unifiedssd."),
    ("urn:com:microsoft:aad:b2c:elements:multifactor:", "Phone verification page, legacy form; migrate to contract:multifactor."),
    ("urn:com:microsoft:aad:b2c:elements:selfasserted:", "Self-asserted form, legacy form; migrate to contract:selfasserted."),
];

pub(super) static PAGE_LAYOUT_VERSIONS: &[(&str, &[&str])] = &[
    (
        "selfasserted",
        &[
            "2.1.26", "2.1.25", "2.1.24", "2.1.23", "2.1.22", "2.1.21", "2.1.20", "2.1.19",
            "2.1.18", "2.1.17", "2.1.16", "2.1.15", "2.1.14", "2.1.13", "2.1.12", "2.1.11",
            "2.1.10", "2.1.9", "2.1.8", "2.1.7", "2.1.6", "2.1.5", "2.1.4", "2.1.3", "2.1.2",
            "2.1.1", "2.1.0", "2.0.0", "1.2.0", "1.1.0", "1.0.0",
        ],
    ),
    (
        "unifiedssp",
        &[
            "2.1.14", "2.1.13", "2.1.12", "2.1.11", "2.1.10", "2.1.9", "2.1.8", "2.1.7", "2.1.6",
            "2.1.5", "2.1.4", "2.1.3", "2.1.2", "2.1.1", "2.1.0", "1.2.0", "1.1.0", "1.0.0",
        ],
    ),
    (
        "multifactor",
        &[
            "1.2.12", "1.2.11", "1.2.10", "1.2.9", "1.2.8", "1.2.7", "1.2.6", "1.2.5", "1.2.4",
            "1.2.3", "1.2.2", "1.2.1", "1.2.0", "1.1.0", "1.0.0",
        ],
    ),
    (
        "globalexception",
        &[
            "1.2.5", "1.2.4", "1.2.3", "1.2.2", "1.2.1", "1.2.0", "1.1.0", "1.0.0",
        ],
    ),
    (
        "providerselection",
        &["1.2.4", "1.2.3", "1.2.2", "1.2.1", "1.2.0", "1.0.0"],
    ),
    (
        "claimsconsent",
        &["1.2.4", "1.2.3", "1.2.2", "1.2.1", "1.2.0", "1.0.0"],
    ),
    (
        "unifiedssd",
        &[
            "2.1.4", "1.2.4", "1.2.3", "1.2.2", "1.2.1", "1.2.0", "1.0.0",
        ],
    ),
];

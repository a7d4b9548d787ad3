//! The policy-aware editor features over LSP, on the real binary: semantic tokens (whole file
//! and a range, with the advertised legend), inlay hints (a claim's DataType, a profile's
//! type, what a step adds), code lenses (reference counts, the journeys that use a profile,
//! "show journey") and document links (base policy, web addresses, settings), each advertised.

mod support;

use serde_json::{json, Value};
use support::{position_of, uri, Scratch, Session};

const BASE: &str = r#"<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="t.onmicrosoft.com" PolicyId="B2C_1A_A_Base" PublicPolicyUri="http://t/B2C_1A_A_Base">
  <BuildingBlocks>
    <ClaimsSchema>
      <ClaimType Id="email">
        <DisplayName>Email</DisplayName>
        <DataType>string</DataType>
      </ClaimType>
      <ClaimType Id="age">
        <DisplayName>Age</DisplayName>
        <DataType>int</DataType>
      </ClaimType>
    </ClaimsSchema>
    <ContentDefinitions>
      <ContentDefinition Id="api.page">
        <LoadUri>https://pages.example.com/page.html</LoadUri>
        <RecoveryUri>~/common/default_page_error.html</RecoveryUri>
        <DataUri>urn:com:microsoft:aad:b2c:elements:contract:selfasserted:2.1.7</DataUri>
      </ContentDefinition>
    </ContentDefinitions>
  </BuildingBlocks>
  <ClaimsProviders>
    <ClaimsProvider>
      <DisplayName>Api</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="REST-Age">
          <DisplayName>Age</DisplayName>
          <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
          <Metadata>
            <Item Key="ServiceUrl">https://api.example.com/age</Item>
            <Item Key="AuthenticationType">None</Item>
            <Item Key="AllowInsecureAuthInProduction">true</Item>
          </Metadata>
          <InputClaims>
            <InputClaim ClaimTypeReferenceId="email" DefaultValue="{Context:CorrelationId}" />
          </InputClaims>
          <OutputClaims>
            <OutputClaim ClaimTypeReferenceId="age" />
          </OutputClaims>
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
  </ClaimsProviders>
  <UserJourneys>
    <UserJourney Id="AgeCheck">
      <OrchestrationSteps>
        <OrchestrationStep Order="1" Type="ClaimsExchange">
          <ClaimsExchanges>
            <ClaimsExchange Id="AgeExchange" TechnicalProfileReferenceId="REST-Age" />
          </ClaimsExchanges>
        </OrchestrationStep>
      </OrchestrationSteps>
    </UserJourney>
  </UserJourneys>
</TrustFrameworkPolicy>
"#;

const EXTENSIONS: &str = r#"<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="{Settings:Tenant}" PolicyId="B2C_1A_A_Ext" PublicPolicyUri="http://t/B2C_1A_A_Ext">
  <BasePolicy>
    <TenantId>t.onmicrosoft.com</TenantId>
    <PolicyId>B2C_1A_A_Base</PolicyId>
  </BasePolicy>
  <ClaimsProviders>
    <ClaimsProvider>
      <DisplayName>Api</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="REST-Age">
          <InputClaims>
            <InputClaim ClaimTypeReferenceId="email" />
            <InputClaim ClaimTypeReferenceId="missingClaim" />
          </InputClaims>
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
  </ClaimsProviders>
</TrustFrameworkPolicy>
"#;

const SETTINGS: &str = r#"{
  "Environments": [
    {
      "Name": "Test",
      "Tenant": "test.onmicrosoft.com",
      "PolicySettings": {}
    }
  ]
}
"#;

/// A session on the policy set above, both files open.
fn started() -> (
    Scratch,
    Session,
    std::path::PathBuf,
    std::path::PathBuf,
    Value,
) {
    let scratch = Scratch::new("annotations");
    let base = scratch.write("TrustFrameworkBase.xml", BASE);
    let ext = scratch.write("TrustFrameworkExtensions.xml", EXTENSIONS);
    scratch.write("appsettings.json", SETTINGS);
    let mut session = Session::start();
    let init = session.initialize(&scratch.root, json!({}));
    session.open(&base, BASE);
    session.open(&ext, EXTENSIONS);
    (scratch, session, base, ext, init)
}

/// Decodes the protocol's relative tokens into (line, character, text, type, modifiers).
fn decode(
    text: &str,
    data: &Value,
    legend: &Value,
) -> Vec<(u64, u64, String, String, Vec<String>)> {
    let data: Vec<u64> = data
        .as_array()
        .expect("data")
        .iter()
        .map(|v| v.as_u64().expect("number"))
        .collect();
    assert_eq!(data.len() % 5, 0);
    let lines: Vec<&str> = text.split('\n').collect();
    let types = legend["tokenTypes"].as_array().expect("types");
    let modifiers = legend["tokenModifiers"].as_array().expect("modifiers");
    let (mut line, mut character) = (0, 0);
    let mut out = Vec::new();
    for chunk in data.chunks(5) {
        if chunk[0] > 0 {
            character = 0;
        }
        line += chunk[0];
        character += chunk[1];
        let source: String = lines[line as usize]
            .chars()
            .skip(character as usize)
            .take(chunk[2] as usize)
            .collect();
        let names = (0..modifiers.len())
            .filter(|bit| chunk[4] & (1 << bit) != 0)
            .map(|bit| modifiers[bit].as_str().unwrap().to_owned())
            .collect();
        out.push((
            line,
            character,
            source,
            types[chunk[3] as usize].as_str().unwrap().to_owned(),
            names,
        ));
    }
    out
}

#[test]
fn semantic_tokens_colour_ids_by_kind_and_mark_undefined_references() {
    let (scratch, mut session, base, ext, init) = started();
    let provider = &init["capabilities"]["semanticTokensProvider"];
    assert_eq!(provider["full"], json!(true), "{provider}");
    assert_eq!(provider["range"], json!(true), "{provider}");
    let legend = provider["legend"].clone();

    let full = session.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri(&base) } }),
    );
    let tokens = decode(BASE, &full["data"], &legend);
    let find = |tokens: &[(u64, u64, String, String, Vec<String>)], text: &str, ty: &str| {
        tokens
            .iter()
            .find(|t| t.2 == text && t.3 == ty)
            .cloned()
            .unwrap_or_else(|| panic!("no {ty} token {text:?} in {tokens:?}"))
    };
    let email = find(&tokens, "email", "variable");
    assert!(email.4.contains(&"definition".to_owned()), "{email:?}");
    find(&tokens, "REST-Age", "class");
    find(&tokens, "AgeCheck", "namespace");
    find(&tokens, "api.page", "type");
    find(&tokens, "AgeExchange", "event");
    find(&tokens, "{Context:CorrelationId}", "macro");
    let uses: Vec<_> = tokens
        .iter()
        .filter(|t| t.2 == "email" && t.4.is_empty())
        .collect();
    assert_eq!(uses.len(), 1, "one plain reference to email: {tokens:?}");

    let full = session.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri(&ext) } }),
    );
    let tokens = decode(EXTENSIONS, &full["data"], &legend);
    let missing = find(&tokens, "missingClaim", "variable");
    assert_eq!(missing.4, ["undefined"], "{missing:?}");
    let email = find(&tokens, "email", "variable");
    assert!(email.4.is_empty(), "{email:?}");
    find(&tokens, "{Settings:Tenant}", "parameter");
    find(&tokens, "B2C_1A_A_Base", "namespace");

    // A range answers only for what lies in it.
    let start = position_of(EXTENSIONS, "missingClaim", 0);
    let ranged = session.request(
        "textDocument/semanticTokens/range",
        json!({ "textDocument": { "uri": uri(&ext) },
                "range": { "start": start, "end": { "line": start["line"], "character": 80 } } }),
    );
    let tokens = decode(EXTENSIONS, &ranged["data"], &legend);
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    assert_eq!(tokens[0].2, "missingClaim");

    // XML that is not a policy is left alone.
    let other_text =
        "<Config><Item ClaimTypeReferenceId=\"email\" Value=\"{Settings:Tenant}\"/></Config>\n";
    let other = scratch.write("Other.xml", other_text);
    session.open(&other, other_text);
    let none = session.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri(&other) } }),
    );
    assert!(none.is_null() || none["data"] == json!([]), "{none}");
}

#[test]
fn inlay_hints_show_data_types_profile_types_and_step_additions() {
    let (_scratch, mut session, base, _ext, init) = started();
    assert_eq!(init["capabilities"]["inlayHintProvider"], json!(true));
    let whole =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 200, "character": 0 } });
    let hints = session.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri(&base) }, "range": whole }),
    );
    let hints = hints.as_array().expect("hints").clone();
    let at = |needle: &str, delta: usize| {
        let p = position_of(BASE, needle, delta);
        hints
            .iter()
            .find(|h| h["position"] == p)
            .map(|h| h["label"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(
        at("ClaimTypeReferenceId=\"email\"", 28).as_deref(),
        Some(": string"),
        "{hints:?}"
    );
    assert_eq!(
        at("ClaimTypeReferenceId=\"age\"", 26).as_deref(),
        Some(": int"),
        "{hints:?}"
    );
    assert_eq!(
        at("TechnicalProfileReferenceId=\"REST-Age\"", 38).as_deref(),
        Some(": rest"),
        "{hints:?}"
    );
    assert_eq!(
        at("Type=\"ClaimsExchange\">", 22).as_deref(),
        Some("adds age"),
        "{hints:?}"
    );

    // Only the hints of the requested range.
    let line = position_of(BASE, "ClaimTypeReferenceId=\"age\"", 0)["line"].clone();
    let hints = session.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri(&base) },
                "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 100 } } }),
    );
    assert_eq!(hints.as_array().map(Vec::len), Some(1), "{hints}");
}

#[test]
fn code_lenses_count_references_as_find_references_does() {
    let (_scratch, mut session, base, ext, init) = started();
    assert_eq!(
        init["capabilities"]["codeLensProvider"]["resolveProvider"],
        json!(false)
    );
    let lenses = session.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": uri(&base) } }),
    );
    let lenses = lenses.as_array().expect("lenses").clone();
    let on = |needle: &str| -> Vec<Value> {
        let line = position_of(BASE, needle, 0)["line"].clone();
        lenses
            .iter()
            .filter(|l| l["range"]["start"]["line"] == line)
            .map(|l| l["command"].clone())
            .collect()
    };

    // "email" is used once in the base and once in the extensions: as find references says.
    let email_at = position_of(BASE, "ClaimType Id=\"email\"", 15);
    let references = session.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri(&base) }, "position": email_at,
                "context": { "includeDeclaration": false } }),
    );
    let count = references.as_array().map_or(0, Vec::len);
    assert_eq!(count, 2, "{references}");
    let email = on("ClaimType Id=\"email\"");
    assert_eq!(email[0]["title"], "2 references", "{email:?}");
    assert_eq!(email[0]["command"], "b2cLsp.showReferences");
    let arguments = email[0]["arguments"].as_array().expect("arguments");
    assert_eq!(arguments[0], json!(uri(&base)));
    assert_eq!(arguments[2].as_array().map(Vec::len), Some(2));
    assert!(
        arguments[2]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["uri"] == json!(uri(&ext))),
        "{arguments:?}"
    );

    // The profile: referenced by the step and amended (not referenced) by the extensions.
    let profile = on("TechnicalProfile Id=\"REST-Age\"");
    let titles: Vec<&str> = profile.iter().filter_map(|c| c["title"].as_str()).collect();
    assert_eq!(
        titles,
        ["1 reference", "used in journey AgeCheck"],
        "{profile:?}"
    );

    let journey = on("UserJourney Id=\"AgeCheck\"");
    let show = journey
        .iter()
        .find(|c| c["command"] == "b2cLsp.showJourney")
        .unwrap_or_else(|| panic!("{journey:?}"));
    assert_eq!(show["arguments"], json!(["AgeCheck", uri(&base)]));
}

#[test]
fn document_links_open_the_base_web_addresses_and_settings() {
    let (scratch, mut session, base, ext, init) = started();
    assert_eq!(
        init["capabilities"]["documentLinkProvider"]["resolveProvider"],
        json!(false)
    );
    let links = session.request(
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": uri(&base) } }),
    );
    let targets: Vec<&str> = links
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|l| l["target"].as_str())
        .collect();
    assert_eq!(
        targets,
        [
            "https://pages.example.com/page.html",
            "https://api.example.com/age"
        ],
        "the urn DataUri and the relative RecoveryUri are not links: {links}"
    );

    let links = session.request(
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": uri(&ext) } }),
    );
    let links = links.as_array().expect("links").clone();
    let settings = uri(&scratch.root.join("appsettings.json"));
    let tenant = links
        .iter()
        .find(|l| l["range"]["start"] == position_of(EXTENSIONS, "{Settings:Tenant}", 0))
        .unwrap_or_else(|| panic!("{links:?}"));
    assert_eq!(tenant["target"], json!(format!("{settings}#L5")));
    let base_link = links
        .iter()
        .find(|l| l["range"]["start"] == position_of(EXTENSIONS, "B2C_1A_A_Base", 0))
        .unwrap_or_else(|| panic!("{links:?}"));
    assert_eq!(base_link["target"], json!(format!("{}#L1", uri(&base))));
}

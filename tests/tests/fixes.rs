//! Quick fixes over LSP on the real binary: request the code actions of a finding, apply the
//! edit the way an editor does, and see the finding gone and the file still well-formed.

mod support;

use serde_json::{json, Value};
use support::{extension, position_of, uri, Scratch, Session, BASE, EXTENSIONS};

/// Applies a WorkspaceEdit's changes for one document to its text.
fn apply(text: &str, document: &str, edit: &Value) -> String {
    let lines: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |p: &Value| {
        lines[p["line"].as_u64().unwrap() as usize] + p["character"].as_u64().unwrap() as usize
    };
    let mut edits: Vec<&Value> = edit["changes"][document]
        .as_array()
        .expect("edits for the document")
        .iter()
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    let mut out = text.to_owned();
    for e in edits {
        let (start, end) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
        out.replace_range(start..end, e["newText"].as_str().unwrap());
    }
    out
}

fn change(session: &mut Session, document: &str, version: i32, text: &str) {
    session.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": document, "version": version },
                "contentChanges": [{ "text": text }] }),
    );
}

#[test]
fn did_you_mean_and_case_fixes_clear_their_findings() {
    let scratch = Scratch::new("fixes");
    scratch.write("TrustFrameworkBase.xml", BASE);
    let broken = EXTENSIONS.replace(
        r#"ClaimTypeReferenceId="displayName""#,
        r#"ClaimTypeReferenceId="dispalyName""#,
    );
    let ext = scratch.write("TrustFrameworkExtensions.xml", &broken);
    let mut session = Session::start();
    let init = session.initialize(&scratch.root, json!({}));
    assert!(init["capabilities"]["codeActionProvider"].is_object());
    session.open(&ext, &broken);
    let document = uri(&ext);
    let found = session.diagnostics_for(&ext, |d| {
        d.iter().any(|d| d["code"] == "undefined-claim-type")
    });
    let finding = found
        .iter()
        .find(|d| d["code"] == "undefined-claim-type")
        .expect("finding")
        .clone();
    assert!(finding["message"]
        .as_str()
        .unwrap()
        .contains("did you mean \"displayName\"?"));

    let actions = session.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": document }, "range": finding["range"],
                "context": { "diagnostics": [finding] } }),
    );
    let fix = actions
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["title"] == "Change to \"displayName\"")
        .unwrap_or_else(|| panic!("no did-you-mean fix in {actions}"))
        .clone();
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let fixed = apply(&broken, &document, &fix["edit"]);
    assert_eq!(fixed, EXTENSIONS);
    change(&mut session, &document, 2, &fixed);
    session.diagnostics_for(&ext, |d| {
        d.iter().all(|d| d["code"] != "undefined-claim-type")
    });

    // A reference that differs only in case: the safe fix, also offered as source.fixAll.
    let cased = EXTENSIONS.replace(
        r#"ClaimTypeReferenceId="displayName""#,
        r#"ClaimTypeReferenceId="DisplayName""#,
    );
    change(&mut session, &document, 3, &cased);
    session.diagnostics_for(&ext, |d| d.iter().any(|d| d["code"] == "case-mismatch"));
    let at = position_of(&cased, "\"DisplayName\"", 1);
    let all = session.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": document }, "range": { "start": at, "end": at },
                "context": { "diagnostics": [], "only": ["source.fixAll"] } }),
    );
    let fix_all = &all[0];
    assert_eq!(fix_all["kind"], "source.fixAll");
    assert_eq!(apply(&cased, &document, &fix_all["edit"]), EXTENSIONS);
}

/// The code actions offered at `range` of `document` (any kind).
fn actions_at(
    session: &mut Session,
    document: &str,
    range: &Value,
    only: Option<&str>,
) -> Vec<Value> {
    let mut context = json!({ "diagnostics": [] });
    if let Some(only) = only {
        context["only"] = json!([only]);
    }
    session
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": document }, "range": range, "context": context }),
        )
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn titled(actions: &[Value], title: &str) -> Value {
    actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no action {title:?} in {actions:#?}"))
        .clone()
}

/// The findings published for `path` once one has `code`, and the code actions on that one.
fn actions_on_finding(
    session: &mut Session,
    path: &std::path::Path,
    code: &str,
    only: Option<&str>,
) -> (Vec<Value>, Vec<Value>) {
    let found = session.diagnostics_for(path, |d| d.iter().any(|d| d["code"] == code));
    let finding = found
        .iter()
        .find(|d| d["code"] == code)
        .expect("finding")
        .clone();
    let actions = actions_at(session, &uri(path), &finding["range"], only);
    (found, actions)
}

/// The codes of the error-severity findings.
fn errors(diagnostics: &[Value]) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics
        .iter()
        .filter(|d| d["severity"] == 1)
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    codes.sort();
    codes
}

/// A relying-party file on EXTENSIONS whose profile outputs `claim`.
fn relying_party(claim: &str) -> String {
    extension("B2C_1A_T_RP", "B2C_1A_T_Ext", claim).replace(
        "</TrustFrameworkPolicy>",
        r#"  <RelyingParty>
    <TechnicalProfile Id="PolicyProfile">
      <DisplayName>PolicyProfile</DisplayName>
      <Protocol Name="OpenIdConnect" />
    </TechnicalProfile>
  </RelyingParty>
</TrustFrameworkPolicy>"#,
    )
}

/// Opens `text` as the file at `path`, applies the quick fix `title` offered on its `code`
/// finding, and checks that the finding is gone and no other error came or went. Returns the
/// fixed text.
fn fix_finding(
    session: &mut Session,
    path: &std::path::Path,
    text: &str,
    code: &str,
    title: &str,
) -> String {
    session.open(path, text);
    let (found, actions) = actions_on_finding(session, path, code, Some("quickfix"));
    let document = uri(path);
    let fixed = apply(text, &document, &titled(&actions, title)["edit"]);
    change(session, &document, 2, &fixed);
    let after = session.diagnostics_for(path, |d| d.iter().all(|d| d["code"] != code));
    let mut expected = errors(&found);
    expected.retain(|c| c != code);
    assert_eq!(errors(&after), expected, "{after:#?}");
    fixed
}

#[test]
fn published_diagnostics_link_to_their_entry_in_the_docs() {
    let scratch = Scratch::new("fixes-href");
    scratch.write("TrustFrameworkBase.xml", BASE);
    let broken = EXTENSIONS.replace("\"displayName\"", "\"nickname\"");
    let ext = scratch.write("TrustFrameworkExtensions.xml", &broken);
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    session.open(&ext, &broken);
    let found = session.diagnostics_for(&ext, |d| !d.is_empty());
    for d in &found {
        let code = d["code"].as_str().expect("code");
        let href = d["codeDescription"]["href"].as_str().expect("href");
        assert!(
            href.starts_with("https://") && href.ends_with(&format!("/docs/diagnostics.md#{code}")),
            "{href}"
        );
    }
    // The anchor is a section of the generated docs.
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diagnostics.md"),
    )
    .expect("docs/diagnostics.md");
    assert!(docs.contains("\n## undefined-claim-type\n"));
}

#[test]
fn a_missing_claim_type_is_created_in_the_extensions_file_with_its_inferred_data_type() {
    let scratch = Scratch::new("fixes-create-claim");
    scratch.write("TrustFrameworkBase.xml", BASE);
    // The extensions file uses the claim as a CompareClaimToValue output: a boolean.
    let extensions = EXTENSIONS.replace(
        "  <ClaimsProviders>",
        r#"  <BuildingBlocks>
    <ClaimsTransformations>
      <ClaimsTransformation Id="IsGold" TransformationMethod="CompareClaimToValue">
        <InputClaims>
          <InputClaim ClaimTypeReferenceId="email" TransformationClaimType="inputClaim1" />
        </InputClaims>
        <InputParameters>
          <InputParameter Id="compareTo" DataType="string" Value="gold" />
          <InputParameter Id="operator" DataType="string" Value="EQUAL" />
        </InputParameters>
        <OutputClaims>
          <OutputClaim ClaimTypeReferenceId="isGold" TransformationClaimType="outputClaim" />
        </OutputClaims>
      </ClaimsTransformation>
    </ClaimsTransformations>
  </BuildingBlocks>
  <ClaimsProviders>"#,
    );
    let ext = scratch.write("TrustFrameworkExtensions.xml", &extensions);
    let rp_text = relying_party("isGold");
    let rp = scratch.write("RelyingParty.xml", &rp_text);
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    session.open(&ext, &extensions);
    session.open(&rp, &rp_text);
    let (_, actions) = actions_on_finding(&mut session, &rp, "undefined-claim-type", None);
    titled(&actions, "Create ClaimType \"isGold\" in this file");
    let create = titled(
        &actions,
        "Create ClaimType \"isGold\" in TrustFrameworkExtensions.xml",
    );
    assert_eq!(create["kind"], "quickfix");
    let fixed = apply(&extensions, &uri(&ext), &create["edit"]);
    assert!(
        fixed.contains(
            "      </ClaimsTransformation>\n    </ClaimsTransformations>\n  </BuildingBlocks>"
        ) && fixed.contains(
            "  <BuildingBlocks>\n    <ClaimsSchema>\n      <ClaimType Id=\"isGold\">\n        <DisplayName>isGold</DisplayName>\n        <DataType>boolean</DataType>\n      </ClaimType>\n    </ClaimsSchema>\n    <ClaimsTransformations>"
        ),
        "{fixed}"
    );
    change(&mut session, &uri(&ext), 2, &fixed);
    let after = session.diagnostics_for(&rp, |d| {
        d.iter().all(|d| d["code"] != "undefined-claim-type")
    });
    assert!(errors(&after).is_empty(), "{after:#?}");
    let ext_after = session.diagnostics_for(&ext, |_| true);
    assert!(errors(&ext_after).is_empty(), "{ext_after:#?}");
}

#[test]
fn a_missing_transformation_is_created_in_a_new_section_keeping_tabs_and_crlf() {
    let scratch = Scratch::new("fixes-create-transformation");
    scratch.write("TrustFrameworkBase.xml", BASE);
    let extensions = EXTENSIONS
        .replace(
            "<OutputClaims>",
            "<OutputClaimsTransformations>\n            <OutputClaimsTransformation ReferenceId=\"MakeDisplayName\" />\n          </OutputClaimsTransformations>\n          <OutputClaims>",
        )
        .replace("  ", "\t")
        .replace('\n', "\r\n");
    let ext = scratch.write("TrustFrameworkExtensions.xml", &extensions);
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    let fixed = fix_finding(
        &mut session,
        &ext,
        &extensions,
        "undefined-claims-transformation",
        "Create ClaimsTransformation \"MakeDisplayName\" in this file",
    );
    assert!(
        fixed.contains("\t</BasePolicy>\r\n\t<BuildingBlocks>\r\n\t\t<ClaimsTransformations>\r\n\t\t\t<ClaimsTransformation Id=\"MakeDisplayName\" TransformationMethod=\"TODO\">\r\n\t\t\t</ClaimsTransformation>\r\n\t\t</ClaimsTransformations>\r\n\t</BuildingBlocks>\r\n\t<ClaimsProviders>"),
        "{fixed:?}"
    );
    assert!(!fixed.replace("\r\n", "").contains('\n'), "{fixed:?}");
}

#[test]
fn the_required_metadata_items_are_added_with_placeholders() {
    let scratch = Scratch::new("fixes-metadata");
    scratch.write("TrustFrameworkBase.xml", BASE);
    let extensions = EXTENSIONS.replace(
        "        <TechnicalProfile Id=\"TP-Collect\">",
        r#"        <TechnicalProfile Id="REST-Api">
          <DisplayName>REST</DisplayName>
          <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
          <OutputClaims>
            <OutputClaim ClaimTypeReferenceId="email" />
          </OutputClaims>
        </TechnicalProfile>
        <TechnicalProfile Id="TP-Collect">"#,
    );
    let ext = scratch.write("TrustFrameworkExtensions.xml", &extensions);
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    session.open(&ext, &extensions);
    let (_, actions) = actions_on_finding(&mut session, &ext, "missing-metadata-key", None);
    let add = titled(
        &actions,
        "Add the required metadata items \"ServiceUrl\", \"AuthenticationType\"",
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| a["title"] == add["title"])
            .count(),
        1,
        "one action for both findings"
    );
    let fixed = apply(&extensions, &uri(&ext), &add["edit"]);
    assert!(fixed.contains("<Protocol Name=\"Proprietary\" Handler=\"Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null\" />\n          <Metadata>\n            <Item Key=\"ServiceUrl\">TODO</Item>\n            <Item Key=\"AuthenticationType\">None</Item>\n          </Metadata>\n          <OutputClaims>"), "{fixed}");
    change(&mut session, &uri(&ext), 2, &fixed);
    let after = session.diagnostics_for(&ext, |d| {
        d.iter().all(|d| d["code"] != "missing-metadata-key")
    });
    assert!(errors(&after).is_empty(), "{after:#?}");
}

#[test]
fn override_in_a_descendant_writes_the_element_in_its_wrapper_and_shows_it() {
    let scratch = Scratch::new("fixes-override");
    let base = BASE.replace(
        "      </TechnicalProfiles>",
        r#"        <TechnicalProfile Id="TP-Other">
          <DisplayName>Other</DisplayName>
          <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
        </TechnicalProfile>
      </TechnicalProfiles>"#,
    );
    let base_path = scratch.write("TrustFrameworkBase.xml", &base);
    let ext = scratch.write("TrustFrameworkExtensions.xml", EXTENSIONS);
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    session.open(&base_path, &base);
    session.open(&ext, EXTENSIONS);
    session.diagnostics_for(&ext, |_| true);

    // A profile: into the ClaimsProvider with the base's DisplayName.
    let at = position_of(&base, "TP-Other", 1);
    let range = json!({ "start": at, "end": at });
    let actions = actions_at(&mut session, &uri(&base_path), &range, Some("refactor"));
    let over = titled(&actions, "Override in TrustFrameworkExtensions.xml");
    assert_eq!(over["kind"], "refactor.rewrite");
    let fixed = apply(EXTENSIONS, &uri(&ext), &over["edit"]);
    assert!(fixed.contains("        </TechnicalProfile>\n        <TechnicalProfile Id=\"TP-Other\">\n          \n        </TechnicalProfile>\n      </TechnicalProfiles>"), "{fixed}");
    assert_eq!(fixed.matches("<ClaimsProvider>").count(), 1, "{fixed}");
    // The command puts the cursor on the blank line inside the new element.
    let command = &over["command"];
    assert_eq!(command["command"], "b2c-lsp.showPosition");
    assert_eq!(command["arguments"][0], uri(&ext).as_str());
    let line = fixed
        .lines()
        .position(|l| l.contains("<TechnicalProfile Id=\"TP-Other\">"))
        .expect("line")
        + 1;
    assert_eq!(
        command["arguments"][1],
        json!({ "line": line, "character": 10 })
    );
    session.request(
        "workspace/executeCommand",
        json!({ "command": command["command"], "arguments": command["arguments"] }),
    );
    let shown = session
        .server_requests
        .iter()
        .find(|r| r["method"] == "window/showDocument")
        .expect("showDocument");
    assert_eq!(shown["params"]["uri"], uri(&ext).as_str());
    assert_eq!(
        shown["params"]["selection"]["start"],
        command["arguments"][1]
    );
    // Well-formed and without errors, by the real binary's check.
    scratch.write("TrustFrameworkExtensions.xml", &fixed);
    let check = std::process::Command::new(support::binary())
        .arg("check")
        .arg(&scratch.root)
        .output()
        .expect("check");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    change(&mut session, &uri(&ext), 2, &fixed);

    // A claim type: BuildingBlocks/ClaimsSchema created before ClaimsProviders. A profile the
    // descendant already amends offers no override.
    let at = position_of(&base, "\"email\">", 1);
    let range = json!({ "start": at, "end": at });
    let actions = actions_at(&mut session, &uri(&base_path), &range, Some("refactor"));
    let over = titled(&actions, "Override in TrustFrameworkExtensions.xml");
    let with_claim = apply(&fixed, &uri(&ext), &over["edit"]);
    assert!(with_claim.contains("  </BasePolicy>\n  <BuildingBlocks>\n    <ClaimsSchema>\n      <ClaimType Id=\"email\">\n        \n      </ClaimType>\n    </ClaimsSchema>\n  </BuildingBlocks>\n  <ClaimsProviders>"), "{with_claim}");
    let at = position_of(&base, "TP-Collect", 1);
    let range = json!({ "start": at, "end": at });
    assert!(actions_at(&mut session, &uri(&base_path), &range, Some("refactor")).is_empty());
}

/// A journey whose first step shows `content` on a combined sign-in and sign-up page.
const JOURNEY: &str = r#"  <UserJourneys>
    <UserJourney Id="SignIn">
      <OrchestrationSteps>
        <OrchestrationStep Order="1" Type="CombinedSignInAndSignUp" ContentDefinitionReferenceId="api.signin">
          <ClaimsExchanges>
            <ClaimsExchange Id="Collect" TechnicalProfileReferenceId="TP-Collect" />
          </ClaimsExchanges>
        </OrchestrationStep>
        <OrchestrationStep Order="2" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="TP-Collect" />
      </OrchestrationSteps>
    </UserJourney>
  </UserJourneys>
</TrustFrameworkPolicy>"#;

#[test]
fn a_missing_content_definition_is_created_for_the_page_its_step_shows() {
    let scratch = Scratch::new("fixes-content-definition");
    scratch.write("TrustFrameworkBase.xml", BASE);
    let extensions = EXTENSIONS.replace("</TrustFrameworkPolicy>", JOURNEY);
    let ext = scratch.write("TrustFrameworkExtensions.xml", &extensions);
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    let fixed = fix_finding(
        &mut session,
        &ext,
        &extensions,
        "undefined-content-definition",
        "Create ContentDefinition \"api.signin\" in this file",
    );
    assert!(
        fixed.contains("  </BasePolicy>\n  <BuildingBlocks>\n    <ContentDefinitions>\n      <ContentDefinition Id=\"api.signin\">\n        <LoadUri>~/tenant/templates/AzureBlue/unified.cshtml</LoadUri>\n        <RecoveryUri>~/common/default_page_error.html</RecoveryUri>\n        <DataUri>urn:com:microsoft:aad:b2c:elements:contract:unifiedssp:"),
        "{fixed}"
    );
}

#[test]
fn a_base_journey_is_overridden_in_a_new_user_journeys_section() {
    let scratch = Scratch::new("fixes-override-journey");
    let base = BASE.replace("</TrustFrameworkPolicy>", JOURNEY);
    let base_path = scratch.write("TrustFrameworkBase.xml", &base);
    let ext = scratch.write("TrustFrameworkExtensions.xml", EXTENSIONS);
    // Another descendant of the same name: the titles tell them apart by their folder.
    scratch.write(
        "other/TrustFrameworkExtensions.xml",
        &extension("B2C_1A_T_Other", "B2C_1A_T_Base", "email"),
    );
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    session.open(&base_path, &base);
    let at = position_of(&base, "<UserJourney Id", 2);
    let range = json!({ "start": at, "end": at });
    let actions = actions_at(&mut session, &uri(&base_path), &range, None);
    titled(&actions, "Override in other/TrustFrameworkExtensions.xml");
    let over = titled(&actions, "Override in TrustFrameworkExtensions.xml");
    let fixed = apply(EXTENSIONS, &uri(&ext), &over["edit"]);
    assert!(
        fixed.ends_with("  </ClaimsProviders>\n  <UserJourneys>\n    <UserJourney Id=\"SignIn\">\n      \n    </UserJourney>\n  </UserJourneys>\n</TrustFrameworkPolicy>\n"),
        "{fixed}"
    );
    assert_eq!(
        over["command"]["arguments"][1],
        json!({ "line": 20, "character": 6 })
    );
    session.open(&ext, EXTENSIONS);
    let before = errors(&session.diagnostics_for(&ext, |_| true));
    change(&mut session, &uri(&ext), 2, &fixed);
    // The amended journey is still judged as a whole: the override adds no error.
    scratch.write("TrustFrameworkExtensions.xml", &fixed);
    let check = std::process::Command::new(support::binary())
        .args(["check", "--format", "json"])
        .arg(&ext)
        .arg(&base_path)
        .output()
        .expect("check");
    let reported: Vec<Value> = serde_json::from_slice(&check.stdout).expect("json");
    let mut after: Vec<String> = reported
        .iter()
        .filter(|d| {
            d["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("TrustFrameworkExtensions.xml"))
        })
        .filter(|d| d["severity"] == "error")
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    after.sort();
    assert_eq!(after, before, "{reported:#?}");
}

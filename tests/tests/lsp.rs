//! End-to-end tests of the language server: the real binary, spoken to in JSON-RPC over its
//! stdio, on small policy sets written into a scratch folder.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{position_of, uri, Scratch, Session, BASE, EXTENSIONS};

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn base_edit_breaks_and_fixes_the_child() {
    let scratch = Scratch::new("chain");
    let base = scratch.write("TrustFrameworkBase.xml", BASE);
    let ext = scratch.write("TrustFrameworkExtensions.xml", EXTENSIONS);
    let mut session = Session::start();
    let init = session.initialize(&scratch.root, json!({}));
    assert_eq!(init["capabilities"]["definitionProvider"], json!(true));
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], json!(2));
    session.open(&base, BASE);
    session.open(&ext, EXTENSIONS);

    // Rename the ClaimType in the base: the child's reference no longer resolves.
    let broken = BASE.replace(
        r#"<ClaimType Id="displayName">"#,
        r#"<ClaimType Id="displayNam">"#,
    );
    let start = position_of(BASE, r#"Id="displayName""#, 4);
    let end = position_of(BASE, r#"Id="displayName""#, 4 + "displayName".len());
    session.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(&base), "version": 2},
            "contentChanges": [{"range": {"start": start, "end": end}, "text": "displayNam"}],
        }),
    );
    let diagnostics = session.diagnostics_for(&ext, |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), vec!["undefined-claim-type"]);
    assert_eq!(diagnostics[0]["severity"], json!(1));
    assert_eq!(
        diagnostics[0]["range"]["start"],
        position_of(EXTENSIONS, r#""displayName""#, 1)
    );
    assert!(diagnostics[0]["message"]
        .as_str()
        .unwrap()
        .contains("\"displayName\""));
    let _ = broken;

    // Undo it with a full-text change: the child's diagnostics clear.
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&base), "version": 3}, "contentChanges": [{"text": BASE}]}),
    );
    let cleared = session.diagnostics_for(&ext, |d| d.is_empty());
    assert!(cleared.is_empty());
    assert_eq!(session.shutdown(), Some(0));
}

#[test]
fn definition_references_and_rename_across_files() {
    let scratch = Scratch::new("nav");
    let base = scratch.write("TrustFrameworkBase.xml", BASE);
    let ext = scratch.write("TrustFrameworkExtensions.xml", EXTENSIONS);
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    session.open(&ext, EXTENSIONS);

    // Definition of the claim used in the extensions file lands in the base.
    let at = position_of(EXTENSIONS, r#""displayName""#, 3);
    let definition = session.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&ext)}, "position": at}),
    );
    let id_start = position_of(BASE, r#"Id="displayName""#, 4);
    let id_end = position_of(BASE, r#"Id="displayName""#, 4 + 11);
    assert_eq!(
        definition,
        json!({"uri": uri(&base), "range": {"start": id_start, "end": id_end}})
    );

    // The TechnicalProfile defined in both files: both definitions, nearest first.
    let at = position_of(EXTENSIONS, r#"Id="TP-Collect""#, 5);
    let refs = session.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri(&ext)}, "position": at, "context": {"includeDeclaration": true}}),
    );
    let refs = refs.as_array().expect("locations");
    assert_eq!(refs.len(), 2);
    assert_eq!(refs[0]["uri"], json!(uri(&base)));
    assert_eq!(refs[1]["uri"], json!(uri(&ext)));

    // References of the claim: its definition in the base and its use in the child.
    let at = position_of(BASE, r#"Id="displayName""#, 5);
    let refs = session.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri(&base)}, "position": at, "context": {"includeDeclaration": true}}),
    );
    let found: Vec<(String, Value)> = refs
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap().to_owned(),
                l["range"]["start"].clone(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (uri(&base), position_of(BASE, r#"Id="displayName""#, 4)),
            (uri(&ext), position_of(EXTENSIONS, r#""displayName""#, 1)),
        ]
    );

    // Rename: both files edited; a clash is refused with a message.
    let at = position_of(EXTENSIONS, r#""displayName""#, 2);
    let prepared = session.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": uri(&ext)}, "position": at}),
    );
    assert_eq!(
        prepared["start"],
        position_of(EXTENSIONS, r#""displayName""#, 1)
    );
    let edit = session.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&ext)}, "position": at, "newName": "fullName"}),
    );
    let changes = edit["changes"].as_object().expect("changes");
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[&uri(&base)][0]["newText"], json!("fullName"));
    assert_eq!(
        changes[&uri(&ext)][0]["range"]["start"],
        position_of(EXTENSIONS, r#""displayName""#, 1)
    );
    let id = session.request_async(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&ext)}, "position": at, "newName": "email"}),
    );
    let clash = session.response(id);
    assert!(
        clash["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{clash}"
    );
    let id = session.request_async(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&ext)}, "position": at, "newName": "two words"}),
    );
    assert!(session.response(id)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not a valid id"));

    // Nothing at a position: null, not an error.
    let nothing = session.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&ext)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(nothing, Value::Null);

    // The outline and workspace symbols.
    let outline = session.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&ext)}}),
    );
    assert_eq!(outline[0]["name"], json!("B2C_1A_T_Ext"));
    let symbols = session.request("workspace/symbol", json!({"query": "dispnam"}));
    assert_eq!(symbols[0]["name"], json!("displayName"));

    // The policy chain of the extensions file.
    let chain = session.request(
        "b2c-lsp/policyChain",
        json!({"textDocument": {"uri": uri(&ext)}}),
    );
    assert_eq!(chain["chain"][0]["policyId"], json!("B2C_1A_T_Ext"));
    assert_eq!(chain["chain"][1]["policyId"], json!("B2C_1A_T_Base"));
    assert_eq!(session.shutdown(), Some(0));
}

#[test]
fn a_burst_of_changes_applies_in_order() {
    let scratch = Scratch::new("burst");
    let ext = scratch.write("TrustFrameworkExtensions.xml", EXTENSIONS);
    scratch.write("TrustFrameworkBase.xml", BASE);
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    session.open(&ext, EXTENSIONS);
    // Type "Zz" 200 times right after the claim id, one character per change.
    let at = position_of(EXTENSIONS, r#"displayName" />"#, "displayName".len());
    let mut expected = EXTENSIONS.to_owned();
    let insert_at = EXTENSIONS.find(r#"displayName" />"#).unwrap() + "displayName".len();
    for i in 0..200 {
        let ch = if i % 2 == 0 { "Z" } else { "z" };
        let position =
            json!({"line": at["line"], "character": at["character"].as_u64().unwrap() + i as u64});
        session.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(&ext), "version": 2 + i},
                "contentChanges": [{"range": {"start": position, "end": position}, "text": ch}],
            }),
        );
        expected.insert_str(insert_at + i as usize, ch);
    }
    let typed: String = "Zz".repeat(100);
    let diagnostics = session.diagnostics_for(&ext, |d| {
        d.iter().any(|x| {
            x["message"]
                .as_str()
                .is_some_and(|m| m.contains(&format!("displayName{typed}\"")))
        })
    });
    assert_eq!(codes(&diagnostics), vec!["undefined-claim-type"]);
    // The final version is what the server holds: the rename range covers the whole new id.
    let at = position_of(&expected, &format!("displayName{typed}"), 1);
    let prepared = session.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": uri(&ext)}, "position": at}),
    );
    let end = position_of(&expected, &format!("displayName{typed}\""), 11 + 200);
    assert_eq!(prepared["end"], end);
    assert!(session
        .wait_for(Duration::from_millis(10), |_| false)
        .is_none());
    assert_eq!(session.shutdown(), Some(0));
}

#[test]
fn hover_completion_and_journeys_over_stdio() {
    let scratch = Scratch::new("ide");
    let base = scratch.write("TrustFrameworkBase.xml", BASE);
    let ext = scratch.write("TrustFrameworkExtensions.xml", EXTENSIONS);
    let mut session = Session::start();
    let init = session.initialize(&scratch.root, json!({}));
    assert_eq!(init["capabilities"]["hoverProvider"], json!(true));
    session.open(&ext, EXTENSIONS);

    // Hover on a claim reference in the extensions file describes the base's ClaimType.
    let at = position_of(EXTENSIONS, r#""displayName""#, 3);
    let hover = session.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&ext)}, "position": at}),
    );
    let markdown = hover["contents"]["value"].as_str().expect("markdown hover");
    assert!(markdown.contains("displayName"), "{markdown}");
    assert!(markdown.contains("string"), "{markdown}");

    // Metadata-key completion inside a half-typed Item of the extensions-file profile,
    // whose protocol (self-asserted) comes from the base.
    let typed = EXTENSIONS.replace(
        "        <TechnicalProfile Id=\"TP-Collect\">\n",
        "        <TechnicalProfile Id=\"TP-Collect\">\n          <Metadata>\n            <Item Key=\"\n          </Metadata>\n",
    );
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&ext), "version": 2}, "contentChanges": [{"text": typed}]}),
    );
    let at = position_of(&typed, "<Item Key=\"", "<Item Key=\"".len());
    let completion = session.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&ext)}, "position": at}),
    );
    let labels: Vec<&str> = completion["items"]
        .as_array()
        .expect("completion items")
        .iter()
        .filter_map(|item| item["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"ContentDefinitionReferenceId"),
        "{labels:?}"
    );

    // The journeys request answers for a file without a relying party with a null view.
    let journeys = session.request(
        "b2c-lsp/journeys",
        json!({"textDocument": {"uri": uri(&base)}}),
    );
    assert_eq!(journeys["relyingParty"], Value::Null);
    assert_eq!(session.shutdown(), Some(0));
}

#[test]
fn closed_files_follow_the_disk_and_definitions_list_every_policy() {
    let scratch = Scratch::new("watch");
    let base = scratch.write("TrustFrameworkBase.xml", BASE);
    let ext = scratch.write("TrustFrameworkExtensions.xml", EXTENSIONS);
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    session.open(&ext, EXTENSIONS);

    // The TechnicalProfile is defined in both files: both definitions, nearest first.
    let reference = EXTENSIONS.replace(
        "          </OutputClaims>",
        "          </OutputClaims>\n          <ValidationTechnicalProfiles>\n            <ValidationTechnicalProfile ReferenceId=\"TP-Collect\" />\n          </ValidationTechnicalProfiles>",
    );
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&ext), "version": 2}, "contentChanges": [{"text": reference}]}),
    );
    let at = position_of(&reference, r#"ReferenceId="TP-Collect""#, 14);
    let definition = session.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&ext)}, "position": at}),
    );
    let targets: Vec<&str> = definition
        .as_array()
        .expect("two targets")
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert_eq!(targets, vec![uri(&ext).as_str(), uri(&base).as_str()]);

    // The base is closed: a change on disk, announced by the client, reaches the child.
    let broken = BASE.replace(
        r#"<ClaimType Id="displayName">"#,
        r#"<ClaimType Id="fullName">"#,
    );
    std::fs::write(&base, &broken).expect("write base");
    session.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&base), "type": 2}]}),
    );
    let diagnostics = session.diagnostics_for(&ext, |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), vec!["undefined-claim-type"]);

    // Deleted: the child's base is gone, so it gets the missing-base warning instead.
    std::fs::remove_file(&base).expect("delete base");
    session.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&base), "type": 3}]}),
    );
    let diagnostics = session.diagnostics_for(&ext, |d| codes(d) == vec!["base-policy-missing"]);
    assert_eq!(diagnostics[0]["severity"], json!(2));
    assert_eq!(session.shutdown(), Some(0));
}

#[test]
fn base_paths_setting_completes_the_chain() {
    let scratch = Scratch::new("bases");
    let base = scratch.write("starter/TrustFrameworkBase.xml", BASE);
    let ext = scratch.write("work/TrustFrameworkExtensions.xml", EXTENSIONS);
    let broken = EXTENSIONS.replace(r#""displayName""#, r#""displayNam""#);
    std::fs::write(&ext, &broken).expect("write");
    let mut session = Session::start();
    // Only `work/` is the workspace; the starter pack comes in through basePaths.
    let work = scratch.root.join("work");
    session.initialize(
        &work,
        json!({"basePaths": [scratch.root.join("starter").display().to_string()]}),
    );
    session.open(&ext, &broken);
    let diagnostics = session.diagnostics_for(&ext, |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), vec!["undefined-claim-type"]);
    // References of the profile reach into the base location.
    let at = position_of(&broken, r#"Id="TP-Collect""#, 5);
    let refs = session.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri(&ext)}, "position": at, "context": {"includeDeclaration": true}}),
    );
    let uris: Vec<&str> = refs
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&uri(&base).as_str()), "{uris:?}");

    // Without the setting, the base is missing: one warning and no undefined reference.
    session.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"b2cLsp": {"basePaths": []}}}),
    );
    let diagnostics = session.diagnostics_for(&ext, |d| codes(d) == vec!["base-policy-missing"]);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(session.shutdown(), Some(0));
}

/// The examples' files, as written in the repository.
fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

#[test]
fn journeys_request_draws_a_journey_in_mermaid_with_each_step_located() {
    let scratch = Scratch::new("journey-diagram");
    let mut texts = Vec::new();
    for name in [
        "TrustFrameworkBase.xml",
        "TrustFrameworkExtensions.xml",
        "SignUpOrSignIn.xml",
    ] {
        let text = example(name);
        texts.push((scratch.write(name, &text), text));
    }
    let (rp, rp_text) = texts[2].clone();
    let (ext, ext_text) = texts[1].clone();
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    session.open(&rp, &rp_text);

    // The relying party's own journey: drawn, its six steps and the sub-journey's two placed
    // where the extensions file writes them.
    let drawn = session.request(
        "b2c-lsp/journeys",
        json!({"textDocument": {"uri": uri(&rp)}, "format": "mermaid"}),
    );
    assert_eq!(drawn["journeyId"], "SignUpOrSignInWithConsent");
    let mermaid = drawn["mermaid"].as_str().expect("mermaid text");
    assert!(mermaid.starts_with("flowchart TD\n"), "{mermaid}");
    assert!(
        mermaid.contains(r#"p0s0["1 CombinedSignInAndSignUp"]"#),
        "{mermaid}"
    );
    let steps = drawn["steps"].as_array().expect("steps");
    let nodes: Vec<&str> = steps.iter().filter_map(|s| s["node"].as_str()).collect();
    assert_eq!(
        nodes,
        [
            "p0s0",
            "p0s1",
            "p0s2",
            "p0s3",
            "p0s4",
            "p0s4j0_s0",
            "p0s4j0_s1",
            "p0s5"
        ]
    );
    assert_eq!(steps[4]["location"]["uri"], json!(uri(&ext)));
    assert_eq!(
        steps[4]["location"]["range"]["start"],
        position_of(
            &ext_text,
            r#"Order="5" Type="InvokeSubJourney""#,
            r#"Order=""#.len()
        )
    );

    // Another journey of the chain, asked by id from the base file, which has no relying
    // party: drawn from the base, with no claims from a relying party.
    let (base, _) = &texts[0];
    let other = session.request(
        "b2c-lsp/journeys",
        json!({"textDocument": {"uri": uri(base)}, "format": "mermaid", "journey": "ProfileEdit"}),
    );
    assert_eq!(other["journeyId"], "ProfileEdit");
    assert_eq!(other["steps"].as_array().map(Vec::len), Some(5));
    assert!(!other["mermaid"]
        .as_str()
        .unwrap_or_default()
        .contains("from the relying party"));

    // A journey the chain does not define, and a file without a relying party and no journey
    // asked: nothing to draw.
    for params in [
        json!({"textDocument": {"uri": uri(base)}, "format": "mermaid", "journey": "NoSuchJourney"}),
        json!({"textDocument": {"uri": uri(base)}, "format": "mermaid"}),
    ] {
        assert_eq!(session.request("b2c-lsp/journeys", params), Value::Null);
    }
    // Without a format, the JSON view as before.
    let json_view = session.request(
        "b2c-lsp/journeys",
        json!({"textDocument": {"uri": uri(&rp)}}),
    );
    assert_eq!(
        json_view["relyingParty"]["defaultUserJourney"],
        "SignUpOrSignInWithConsent"
    );
    assert_eq!(session.shutdown(), Some(0));
}

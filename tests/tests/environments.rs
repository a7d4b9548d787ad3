//! appsettings.json in the editor, over LSP on the real binary: a `{Settings:X}` that an
//! environment lacks is a warning naming it; editing appsettings.json on disk re-judges the
//! open policies; a malformed appsettings.json gets one diagnostic of its own, cleared once
//! it is fixed.

mod support;

use serde_json::json;
use support::{uri, Scratch, Session};

const POLICY: &str = "<TrustFrameworkPolicy xmlns=\"http://schemas.microsoft.com/online/cpim/schemas/2013/06\" PolicySchemaVersion=\"0.3.0.0\" TenantId=\"{Settings:Tenant}\" PolicyId=\"B2C_1A_Env\" PublicPolicyUri=\"http://t/B2C_1A_Env\">\n  <BuildingBlocks>\n    <ClaimsSchema>\n      <ClaimType Id=\"appId\">\n        <DisplayName>{Settings:AppId}</DisplayName>\n        <DataType>string</DataType>\n      </ClaimType>\n    </ClaimsSchema>\n  </BuildingBlocks>\n</TrustFrameworkPolicy>\n";

const BOTH: &str = r#"{ "Environments": [
  { "Name": "Test", "Tenant": "t.onmicrosoft.com", "PolicySettings": { "AppId": "1" } },
  { "Name": "Production", "Tenant": "p.onmicrosoft.com", "PolicySettings": { "AppId": "2" } } ] }"#;

#[test]
fn settings_are_judged_per_environment_and_appsettings_edits_are_seen() {
    let scratch = Scratch::new("environments");
    let settings = scratch.write(
        "appsettings.json",
        &BOTH.replace(r#""AppId": "2""#, r#""Other": "2""#),
    );
    let policy = scratch.write("Policy.xml", POLICY);
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    session.open(&policy, POLICY);
    let found = session.diagnostics_for(&policy, |d| {
        d.iter().any(|d| d["code"] == "unresolved-setting")
    });
    let warning = found
        .iter()
        .find(|d| d["code"] == "unresolved-setting")
        .expect("warning");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("environment \"Production\""),
        "{warning}"
    );

    // Production gets its value: the open policy is judged again, and the warning goes.
    std::fs::write(&settings, BOTH).expect("write");
    let changed = json!({ "changes": [{ "uri": uri(&settings), "type": 2 }] });
    session.notify("workspace/didChangeWatchedFiles", changed.clone());
    session.diagnostics_for(&policy, |d| {
        d.iter().all(|d| d["code"] != "unresolved-setting")
    });

    // Broken JSON: one diagnostic on appsettings.json, at the error; fixed, it is cleared.
    std::fs::write(&settings, BOTH.replace("\"1\" }", "\"1\", }")).expect("write");
    session.notify("workspace/didChangeWatchedFiles", changed.clone());
    // The previous change may still be judged while this write is half done (an empty file
    // reads as broken at line 0): what counts is the state the server settles in.
    let broken = session.diagnostics_for(&settings, |d| {
        d.len() == 1 && d[0]["range"]["start"]["line"] == 1
    });
    assert_eq!(broken[0]["code"], "appsettings-invalid");
    std::fs::write(&settings, BOTH).expect("write");
    session.notify("workspace/didChangeWatchedFiles", changed);
    session.diagnostics_for(&settings, |d| d.is_empty());
}

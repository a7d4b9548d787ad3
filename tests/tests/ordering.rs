//! The order in which the server applies what the client sends, over the real binary's stdio:
//! edits and opens take effect in arrival order whatever their version numbers, each request
//! is answered on the text left by exactly the messages sent before it, and diagnostics are
//! cleared when a document stops being a policy (issue 14, items 1 to 5).

mod support;

use std::path::Path;

use serde_json::{json, Value};
use support::{extension, position_of, started, uri, Session, EXTENSIONS};

/// The extensions file with its output claim set to `claim` (same position, line 13).
fn with_claim(claim: &str) -> String {
    extension("B2C_1A_T_Ext", "B2C_1A_T_Base", claim)
}

/// Where the output claim's id is, in every variant of the extensions file.
fn claim_position() -> Value {
    position_of(EXTENSIONS, r#""displayName""#, 3)
}

fn replace_all(session: &mut Session, ext: &Path, version: i64, text: &str) {
    session.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(ext), "version": version},
            "contentChanges": [{"text": text}],
        }),
    );
}

fn hover_async(session: &mut Session, ext: &Path) -> i64 {
    session.request_async(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(ext)}, "position": claim_position()}),
    )
}

/// The claim a hover answer describes, as the claim id in its title.
fn hovered_claim(answer: &Value) -> String {
    let value = answer["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no hover in {answer}"));
    ["displayName", "email"]
        .into_iter()
        .find(|claim| value.contains(&format!("`{claim}`")))
        .unwrap_or_else(|| panic!("which claim is this hover about? {value}"))
        .to_owned()
}

fn held_claim(session: &mut Session, ext: &Path) -> String {
    let id = hover_async(session, ext);
    let answer = session.response(id);
    hovered_claim(&answer)
}

#[test]
fn a_request_after_a_change_that_skips_versions_sees_it() {
    let (_scratch, mut session, ext) = started("skipped-versions");
    assert_eq!(held_claim(&mut session, &ext), "displayName");
    // Neovim skips version numbers; nothing should wait for versions 2 to 4.
    replace_all(&mut session, &ext, 5, &with_claim("email"));
    assert_eq!(held_claim(&mut session, &ext), "email");
    // And the diagnostics published for it carry its version.
    replace_all(&mut session, &ext, 9, &with_claim("nowhere"));
    let wanted = uri(&ext);
    let published = session
        .wait_for(std::time::Duration::from_secs(20), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == wanted.as_str()
                && m["params"]["version"] == json!(9)
        })
        .expect("diagnostics for version 9");
    assert!(published["params"]["diagnostics"]
        .to_string()
        .contains("nowhere"));
}

#[test]
fn a_request_never_sees_an_edit_sent_after_it() {
    let (_scratch, mut session, ext) = started("request-then-edit");
    let claims = ["email", "displayName"];
    let mut pending = Vec::new();
    for round in 0..20 {
        // The request goes out first, then the edit: it must be answered on the text before.
        let before = claims[(round + 1) % 2];
        let id = hover_async(&mut session, &ext);
        replace_all(
            &mut session,
            &ext,
            2 + round as i64,
            &with_claim(claims[round % 2]),
        );
        pending.push((id, before));
    }
    for (id, before) in pending {
        let answer = session.response(id);
        assert_eq!(hovered_claim(&answer), before, "request {id}");
    }
}

#[test]
fn requests_pipelined_ahead_of_an_edit_are_answered_on_the_text_before_it() {
    let (_scratch, mut session, ext) = started("pipelined");
    let ids: Vec<i64> = (0..4).map(|_| hover_async(&mut session, &ext)).collect();
    replace_all(&mut session, &ext, 2, &with_claim("email"));
    let after = hover_async(&mut session, &ext);
    for id in ids {
        assert_eq!(hovered_claim(&session.response(id)), "displayName");
    }
    assert_eq!(hovered_claim(&session.response(after)), "email");
}

#[test]
fn a_second_open_and_a_repeated_version_replace_the_text() {
    let (_scratch, mut session, ext) = started("reopen");
    assert_eq!(held_claim(&mut session, &ext), "displayName");
    // didOpen again, same version, other text: the new text wins.
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&ext), "languageId": "xml", "version": 1, "text": with_claim("email")}}),
    );
    assert_eq!(held_claim(&mut session, &ext), "email");
    // Two edits with the same version number: both are applied, in order.
    replace_all(&mut session, &ext, 2, &with_claim("displayName"));
    replace_all(&mut session, &ext, 2, &with_claim("email"));
    assert_eq!(held_claim(&mut session, &ext), "email");
    // A version lower than the last one is still the latest edit.
    replace_all(&mut session, &ext, 1, &with_claim("displayName"));
    assert_eq!(held_claim(&mut session, &ext), "displayName");
}

#[test]
fn a_document_that_stops_being_a_policy_has_its_diagnostics_cleared() {
    let (_scratch, mut session, ext) = started("not-a-policy-anymore");
    let broken = with_claim("nowhere");
    for (version, text) in [
        (2, String::new()),
        (4, "<root><child/></root>".to_owned()),
        (6, "<TrustFrameworkPoli".to_owned()),
    ] {
        replace_all(&mut session, &ext, version, &broken);
        // Each state is awaited for its own version: a publication for an older text left in
        // the backlog (the first one after opening, say) must not stand in for it.
        let shown = session.diagnostics_since(&ext, version, |d| !d.is_empty());
        assert!(shown
            .iter()
            .any(|d| d["message"].as_str().is_some_and(|m| m.contains("nowhere"))));
        replace_all(&mut session, &ext, version + 1, &text);
        session.diagnostics_since(&ext, version + 1, |d| d.is_empty());
    }
    assert_eq!(session.shutdown(), Some(0));
}

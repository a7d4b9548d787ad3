//! Quick fixes over LSP on the real binary: request the code actions of a finding, apply the
//! edit the way an editor does, and see the finding gone and the file still well-formed.

mod support;

use serde_json::{json, Value};
use support::{position_of, uri, Scratch, Session, BASE, EXTENSIONS};

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

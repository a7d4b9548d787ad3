//! The editing features over LSP, on the real binary: formatting (whole document and a range,
//! with the client's indentation; a broken document refused with the reason), folding ranges,
//! selection ranges and linked editing of tag names, each advertised.

mod support;

use serde_json::{json, Value};
use support::{position_of, uri, Scratch, Session};

const POLICY: &str = "<TrustFrameworkPolicy xmlns=\"http://schemas.microsoft.com/online/cpim/schemas/2013/06\" PolicySchemaVersion=\"0.3.0.0\" TenantId=\"t.onmicrosoft.com\" PolicyId=\"B2C_1A_Edit\" PublicPolicyUri=\"http://t/B2C_1A_Edit\">\n<BuildingBlocks>\n<ClaimsSchema>\n<!-- #region claims -->\n<ClaimType Id=\"email\">\n<DisplayName>Email</DisplayName>\n<DataType>string</DataType>\n</ClaimType>\n<!-- #endregion -->\n</ClaimsSchema>\n</BuildingBlocks>\n</TrustFrameworkPolicy>\n";

fn apply(text: &str, edits: &Value) -> String {
    // Edits come in text order and never overlap: apply them from the end.
    let lines: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |p: &Value| {
        lines[p["line"].as_u64().unwrap() as usize] + p["character"].as_u64().unwrap() as usize
    };
    let mut out = text.to_owned();
    let mut edits: Vec<&Value> = edits.as_array().expect("edits").iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    for edit in edits {
        let (start, end) = (
            offset(&edit["range"]["start"]),
            offset(&edit["range"]["end"]),
        );
        out.replace_range(start..end, edit["newText"].as_str().unwrap());
    }
    out
}

#[test]
fn formatting_folding_selection_and_linked_tags() {
    let scratch = Scratch::new("editing");
    let path = scratch.write("Policy.xml", POLICY);
    let mut session = Session::start();
    let init = session.initialize(&scratch.root, json!({}));
    for capability in [
        "documentFormattingProvider",
        "documentRangeFormattingProvider",
        "foldingRangeProvider",
        "selectionRangeProvider",
        "linkedEditingRangeProvider",
    ] {
        assert_eq!(
            init["capabilities"][capability],
            json!(true),
            "{capability}"
        );
    }
    session.open(&path, POLICY);
    let document = json!({ "uri": uri(&path) });

    let edits = session.request(
        "textDocument/formatting",
        json!({ "textDocument": document, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    let formatted = apply(POLICY, &edits);
    assert!(formatted.contains("\n    <BuildingBlocks>\n        <ClaimsSchema>\n            <!-- #region claims -->\n            <ClaimType Id=\"email\">\n                <DisplayName>Email</DisplayName>"), "{formatted}");

    let folds = session.request(
        "textDocument/foldingRange",
        json!({ "textDocument": document }),
    );
    let folds = folds.as_array().expect("folds").clone();
    assert!(
        folds
            .iter()
            .any(|f| f["kind"] == "region" && f["startLine"] == 3 && f["endLine"] == 7),
        "{folds:?}"
    );
    assert!(
        folds
            .iter()
            .any(|f| f["startLine"] == 4 && f["endLine"] == 6),
        "{folds:?}"
    );

    let at = position_of(POLICY, "DisplayName>Email", 2);
    let selection = session.request(
        "textDocument/selectionRange",
        json!({ "textDocument": document, "positions": [at] }),
    );
    let mut depth = 0;
    let mut node = &selection[0];
    while node.is_object() {
        depth += 1;
        node = &node["parent"];
    }
    assert!(
        depth >= 5,
        "token, tag, element and its ancestors: {selection}"
    );

    let linked = session.request(
        "textDocument/linkedEditingRange",
        json!({ "textDocument": document, "position": position_of(POLICY, "ClaimType Id", 2) }),
    );
    let ranges = linked["ranges"].as_array().expect("ranges");
    assert_eq!(ranges.len(), 2);
    assert_eq!(ranges[1]["start"]["line"], 7);

    // A broken document is refused with the reason, never half-formatted.
    let broken = POLICY.replace("</ClaimType>", "");
    session.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri(&path), "version": 2 },
                "contentChanges": [{ "text": broken }] }),
    );
    let id = session.request_async(
        "textDocument/formatting",
        json!({ "textDocument": document, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let refused = session.response(id);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("syntax errors"),
        "{refused}"
    );
}

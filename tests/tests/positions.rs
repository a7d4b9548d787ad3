//! Positions over the real binary's stdio: every line end the LSP specification allows (LF,
//! CRLF and a lone CR) counts as one, in requests, in incremental edits and in what is
//! published (issue 14, item 6).

mod support;

use serde_json::{json, Value};
use support::{position_of, uri, Scratch, Session, BASE, EXTENSIONS};

fn hover_text(session: &mut Session, ext: &std::path::Path, at: &Value) -> String {
    let hover = session.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(ext)}, "position": at}),
    );
    hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_lone_cr_ends_a_line_in_requests_edits_and_diagnostics() {
    let scratch = Scratch::new("lone-cr");
    scratch.write("TrustFrameworkBase.xml", BASE);
    // Old Mac line ends, and a mix of all three.
    let lone_cr = EXTENSIONS.replace('\n', "\r");
    let mixed: String = EXTENSIONS
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, line)| match i % 3 {
            0 => line.replace('\n', "\r"),
            1 => line.replace('\n', "\r\n"),
            _ => line.to_owned(),
        })
        .collect();
    for (name, text) in [("lone", lone_cr), ("mixed", mixed)] {
        let ext = scratch.write(&format!("{name}/TrustFrameworkExtensions.xml"), &text);
        let mut session = Session::start();
        session.initialize(&scratch.root, json!({}));
        session.open(&ext, &text);
        // Line and column as in the LF version of the file.
        let at = position_of(EXTENSIONS, r#""displayName""#, 3);
        assert!(
            hover_text(&mut session, &ext, &at).contains("displayName"),
            "{name}: hover at {at}"
        );
        // An incremental edit lands on the claim: it becomes an unknown one.
        let start = position_of(EXTENSIONS, r#""displayName""#, 1);
        let end = position_of(EXTENSIONS, r#""displayName""#, 1 + "displayName".len());
        session.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(&ext), "version": 2},
                "contentChanges": [{"range": {"start": start, "end": end}, "text": "nowhere"}],
            }),
        );
        let shown = session.diagnostics_for(&ext, |d| {
            d.iter().any(|x| {
                x["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("\"nowhere\""))
            })
        });
        let finding = shown
            .iter()
            .find(|d| d["message"].as_str().is_some_and(|m| m.contains("nowhere")))
            .expect("the unknown claim is reported");
        // Reported where it is, on the claim's line.
        assert_eq!(finding["range"]["start"]["line"], start["line"], "{name}");
        assert_eq!(session.shutdown(), Some(0));
    }
}

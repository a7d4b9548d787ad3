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

/// A policy written on one line of a megabyte, and one with 20,000 unclosed tags on one line
/// after an emoji: every position is computed without walking the line (issue 14, item 7;
/// these took minutes when each position walked its line from the start).
#[test]
fn positions_on_one_very_long_line() {
    let scratch = Scratch::new("long-line");
    let claim = |i: usize| {
        format!(
            r#"<ClaimType Id="c{i}"><DisplayName>C {i}</DisplayName><DataType>string</DataType></ClaimType>"#
        )
    };
    let claims: String = (0..11_000).map(claim).collect();
    let one_line = BASE
        .replacen("<ClaimsSchema>", &format!("<ClaimsSchema>{claims}"), 1)
        .replace('\n', " ");
    assert!(one_line.len() > 1_000_000);
    let base = scratch.write("TrustFrameworkBase.xml", &one_line);
    let head = "<TrustFrameworkPolicy xmlns=\"http://schemas.microsoft.com/online/cpim/schemas/2013/06\" PolicySchemaVersion=\"0.3.0.0\" TenantId=\"t.onmicrosoft.com\" PolicyId=\"B2C_1A_Tags\" PublicPolicyUri=\"http://t/B2C_1A_Tags\"><!-- 😀 -->";
    let tags = format!("{head}{}", "<a>".repeat(20_000));
    let unclosed = scratch.write("Tags.xml", &tags);
    let mut session = Session::start();
    session.initialize(&scratch.root, json!({}));
    session.open(&base, &one_line);
    let symbols = session.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&base)}}),
    );
    let text = symbols.to_string();
    assert_eq!(text.matches(r#""name":"c"#).count(), 11_000);
    // The symbol of ClaimType c10999 is where the text has its id: line 0, its column.
    fn find<'a>(symbols: &'a Value, name: &str) -> Option<&'a Value> {
        symbols.as_array()?.iter().find_map(|s| {
            if s["name"] == name {
                Some(s)
            } else {
                find(&s["children"], name)
            }
        })
    }
    let symbol = find(&symbols, "c10999").expect("a symbol for c10999");
    let at = position_of(&one_line, r#""c10999""#, 1);
    assert_eq!(symbol["selectionRange"]["start"], at, "{symbol}");

    session.open(&unclosed, &tags);
    let shown = session.diagnostics_for(&unclosed, |d| d.len() > 1000);
    // The last tag's diagnostic sits on line 0, at its UTF-16 column (the emoji is two
    // units, four bytes).
    let last = tags.rfind("<a>").unwrap() + 1;
    let column = tags[..last].encode_utf16().count() as u64;
    assert!(
        shown
            .iter()
            .any(|d| d["range"]["start"] == json!({"line": 0, "character": column})),
        "no diagnostic at 0:{column}"
    );
    assert_eq!(session.shutdown(), Some(0));
}

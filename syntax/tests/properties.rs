//! Property tests: for any input, parsing never panics and the tree's text is the input.

use proptest::prelude::*;

fn assert_lossless(text: &str) {
    let parse = syntax::parse(text);
    assert_eq!(parse.syntax().text().to_string(), text);
    for error in parse.errors() {
        assert!(
            u32::from(error.range.end()) as usize <= text.len(),
            "error range out of bounds"
        );
        assert!(error.range.start() <= error.range.end());
    }
}

/// Pieces of XML-ish text that, glued at random, make half-typed and broken documents.
fn xmlish_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<".to_owned()),
        Just("</".to_owned()),
        Just(">".to_owned()),
        Just("/>".to_owned()),
        Just("=".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("&".to_owned()),
        Just("&amp;".to_owned()),
        Just("&#x1F600;".to_owned()),
        Just(";".to_owned()),
        Just("<!--".to_owned()),
        Just("-->".to_owned()),
        Just("<![CDATA[".to_owned()),
        Just("]]>".to_owned()),
        Just("<?".to_owned()),
        Just("?>".to_owned()),
        Just("<?xml version=\"1.0\"?>".to_owned()),
        Just("<!DOCTYPE x [".to_owned()),
        Just("]".to_owned()),
        Just("\u{FEFF}".to_owned()),
        Just("\r\n".to_owned()),
        Just(" ".to_owned()),
        Just("é😀".to_owned()),
        "[A-Za-z_:][A-Za-z0-9_.:-]{0,8}",
        "[ -~]{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_round_trip(text in any::<String>()) {
        assert_lossless(&text);
    }

    #[test]
    fn xmlish_fragments_round_trip(pieces in prop::collection::vec(xmlish_fragment(), 0..40)) {
        assert_lossless(&pieces.concat());
    }
}

#[test]
fn hundred_thousand_levels_of_nesting_parse() {
    let depth = 100_000;
    let text = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    let parse = syntax::parse(&text);
    assert_eq!(u32::from(parse.syntax().text().len()) as usize, text.len());
    assert_eq!(
        parse.errors().len(),
        1,
        "one note that deep levels are flattened"
    );
    // Unclosed, too: every missing end tag is reported, nothing overflows.
    let unclosed = "<a>".repeat(depth);
    let parse = syntax::parse(&unclosed);
    assert_eq!(parse.syntax().text().to_string(), unclosed);
    assert_eq!(parse.errors().len(), depth + 1);
}

#[test]
fn doctype_entities_are_never_expanded() {
    let mut text = String::from("<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">");
    for level in 1..10 {
        text.push_str(&format!(
            "<!ENTITY a{level} \"{}\">",
            format!("&a{};", level - 1).repeat(10)
        ));
    }
    text.push_str("]><r>&a9;</r>");
    let parse = syntax::parse(&text);
    let root = parse.document().root_element().expect("root element");
    // The reference stays as written: nothing was substituted.
    assert_eq!(root.text(), "&a9;");
    assert!(parse
        .errors()
        .iter()
        .any(|e| e.message.contains("never expanded")));
}

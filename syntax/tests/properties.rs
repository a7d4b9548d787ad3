//! Property tests: for any input, parsing never panics and the tree's text is the input, and
//! the green views answer exactly as the red tree does.

use proptest::prelude::*;
use syntax::ast::{AstNode, Element};
use syntax::{unescape, SyntaxKind, SyntaxNode};

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

/// The character data directly inside an element, read off the red tree's tokens.
fn red_text(element: &SyntaxNode) -> String {
    let mut out = String::new();
    for child in element.children_with_tokens() {
        match child {
            rowan::NodeOrToken::Token(t)
                if matches!(t.kind(), SyntaxKind::TEXT | SyntaxKind::WHITESPACE) =>
            {
                out.push_str(&unescape(t.text()));
            }
            rowan::NodeOrToken::Node(n) if n.kind() == SyntaxKind::CDATA => {
                for t in n.children_with_tokens().filter_map(|c| c.into_token()) {
                    if t.kind() == SyntaxKind::CDATA_TEXT {
                        out.push_str(t.text());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Every element's view agrees with the red tree: range, name, attributes, children, text.
fn assert_views_agree(text: &str) {
    let parse = syntax::parse(text);
    for red in parse.syntax().descendants().filter_map(Element::cast) {
        let node = red.syntax();
        red.with_view(|view| {
            assert_eq!(view.range(), node.text_range());
            let red_name = red.name().map(|n| (n.text().to_owned(), n.range()));
            assert_eq!(
                view.name().map(|n| (n.text().to_owned(), n.range())),
                red_name
            );
            let red_attributes: Vec<_> = red
                .attributes()
                .map(|a| {
                    let name = a.name().map(|n| (n.text().to_owned(), n.range()));
                    let value = a.value().map(|v| (v.raw(), v.value_range()));
                    (name, value)
                })
                .collect();
            let view_attributes: Vec<_> = view
                .attributes()
                .map(|a| {
                    let name = a.name().map(|n| (n.text().to_owned(), n.range()));
                    let value = a.value().map(|v| (v.raw().to_owned(), v.range()));
                    (name, value)
                })
                .collect();
            assert_eq!(view_attributes, red_attributes);
            let red_children: Vec<_> = node
                .children()
                .filter(|c| c.kind() == SyntaxKind::ELEMENT)
                .map(|c| c.text_range())
                .collect();
            let view_children: Vec<_> = view.child_elements().map(|c| c.range()).collect();
            assert_eq!(view_children, red_children);
            assert_eq!(view.text(), red_text(node));
            if let Some(range) = view.text_range() {
                let inside = &text[std::ops::Range::<usize>::from(range)];
                assert!(!inside.trim().is_empty() && inside.trim() == inside);
            }
        });
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

    /// Text made of line ends of every kind, ASCII and wide characters: each offset's line
    /// and UTF-16 column are those of a walk of the text, and convert back.
    #[test]
    fn line_index_conversions_agree_with_a_walk(
        pieces in prop::collection::vec(prop_oneof![
            Just("\r"), Just("\n"), Just("\r\n"), Just("a"), Just("<"), Just("é"), Just("中"), Just("😀"),
        ], 0..60)
    ) {
        let text = pieces.concat();
        let index = syntax::LineIndex::new(&text);
        let (mut line, mut col) = (0u32, 0u32);
        let mut previous = '\0';
        for (offset, c) in text.char_indices().chain([(text.len(), '\0')]) {
            let at = syntax::LineCol { line, col };
            prop_assert_eq!(index.to_utf16(&text, offset as u32), at);
            if !(c == '\n' && previous == '\r') {
                prop_assert_eq!(index.from_utf16(&text, at) as usize, offset);
            }
            if c == '\n' || (c == '\r' && !text[offset..].starts_with("\r\n")) {
                line += 1;
                col = 0;
            } else {
                col += c.len_utf16() as u32;
            }
            previous = c;
        }
    }

    #[test]
    fn arbitrary_strings_round_trip(text in any::<String>()) {
        assert_lossless(&text);
    }

    #[test]
    fn xmlish_fragments_round_trip(pieces in prop::collection::vec(xmlish_fragment(), 0..40)) {
        assert_lossless(&pieces.concat());
    }

    #[test]
    fn views_agree_with_the_red_tree(pieces in prop::collection::vec(xmlish_fragment(), 0..40)) {
        assert_views_agree(&pieces.concat());
    }
}

#[test]
fn views_agree_with_the_red_tree_on_every_fixture_and_corpus_file() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![manifest.join("test_data"), manifest.join("../examples")];
    roots.push(manifest.join("../../shared/corpus"));
    let mut stack: Vec<std::path::PathBuf> = roots.into_iter().filter(|r| r.exists()).collect();
    let mut checked = 0;
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(
                std::fs::read_dir(&path)
                    .unwrap()
                    .flatten()
                    .map(|e| e.path()),
            );
        } else if path.extension().is_some_and(|e| e == "xml") {
            if let Ok(text) = std::fs::read_to_string(&path) {
                assert_views_agree(&text);
                checked += 1;
            }
        }
    }
    assert!(checked > 10, "only {checked} files compared");
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

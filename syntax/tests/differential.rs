//! Differential test against quick-xml: for every well-formed file among the fixtures and the
//! shared corpus (when present), our tree shows exactly quick-xml's elements, attributes,
//! unescaped values and text, and no syntax error.

use std::fs;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use syntax::ast::{AstNode, Element};
use syntax::{SyntaxKind, SyntaxNode, WalkEvent};

#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Start(String, Vec<(String, String)>),
    End(String),
    Text(String),
}

fn quick_xml_events(text: &str) -> Option<Vec<Seen>> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut events = Vec::new();
    let mut depth = 0usize;
    loop {
        let start = |e: &quick_xml::events::BytesStart| -> Option<Seen> {
            let mut attributes = Vec::new();
            for attribute in e.attributes() {
                let attribute = attribute.ok()?;
                let value = attribute.unescape_value().ok()?.into_owned();
                attributes.push((
                    String::from_utf8(attribute.key.as_ref().to_vec()).ok()?,
                    value,
                ));
            }
            Some(Seen::Start(
                String::from_utf8(e.name().as_ref().to_vec()).ok()?,
                attributes,
            ))
        };
        match reader.read_event().ok()? {
            Event::Start(e) => {
                depth += 1;
                events.push(start(&e)?);
            }
            Event::Empty(e) => {
                let seen = start(&e)?;
                let Seen::Start(name, _) = &seen else {
                    unreachable!()
                };
                let name = name.clone();
                events.push(seen);
                events.push(Seen::End(name));
            }
            Event::End(e) => {
                depth = depth.checked_sub(1)?;
                events.push(Seen::End(
                    String::from_utf8(e.name().as_ref().to_vec()).ok()?,
                ));
            }
            Event::Text(e) => {
                let text = e.unescape().ok()?.into_owned();
                // Text before and after the root is whitespace in a well-formed document.
                if depth == 0 && !text.trim().is_empty() {
                    return None;
                }
                if depth > 0 {
                    events.push(Seen::Text(text));
                }
            }
            Event::CData(e) => events.push(Seen::Text(String::from_utf8(e.to_vec()).ok()?)),
            Event::Eof => break,
            _ => {}
        }
    }
    (depth == 0 && !events.is_empty()).then_some(events)
}

fn tree_events(root: &SyntaxNode) -> Vec<Seen> {
    let mut events = Vec::new();
    for event in root.preorder_with_tokens() {
        match event {
            WalkEvent::Enter(rowan::NodeOrToken::Node(node)) => match node.kind() {
                SyntaxKind::ELEMENT => {
                    let element = Element::cast(node).expect("ELEMENT node");
                    let attributes = element
                        .attributes()
                        .map(|a| {
                            let name = a.name().map(|n| n.text().to_owned()).unwrap_or_default();
                            let value = a
                                .value()
                                .map(|v| v.unescaped().into_owned())
                                .unwrap_or_default();
                            (name, value)
                        })
                        .collect();
                    events.push(Seen::Start(
                        element.name().expect("named").text().to_owned(),
                        attributes,
                    ));
                }
                SyntaxKind::CDATA => {
                    let body = node
                        .children_with_tokens()
                        .filter_map(|e| e.into_token())
                        .find(|t| t.kind() == SyntaxKind::CDATA_TEXT)
                        .map(|t| t.text().to_owned())
                        .unwrap_or_default();
                    events.push(Seen::Text(body));
                }
                _ => {}
            },
            WalkEvent::Leave(rowan::NodeOrToken::Node(node))
                if node.kind() == SyntaxKind::ELEMENT =>
            {
                let element = Element::cast(node).expect("ELEMENT node");
                events.push(Seen::End(element.name().expect("named").text().to_owned()));
            }
            WalkEvent::Enter(rowan::NodeOrToken::Token(token))
                if matches!(token.kind(), SyntaxKind::TEXT | SyntaxKind::WHITESPACE)
                    && token
                        .parent()
                        .is_some_and(|p| p.kind() == SyntaxKind::ELEMENT) =>
            {
                events.push(Seen::Text(syntax::unescape(token.text()).into_owned()));
            }
            _ => {}
        }
    }
    events
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            xml_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xml") || e == "xsd")
        {
            out.push(path);
        }
    }
}

#[test]
fn tree_agrees_with_quick_xml_on_well_formed_files() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    xml_files(&manifest.join("test_data"), &mut files);
    xml_files(&manifest.join("../examples"), &mut files);
    let corpus = manifest.join("../../shared/corpus");
    if corpus.is_dir() {
        xml_files(&corpus, &mut files);
    } else {
        eprintln!("note: ../shared/corpus is absent; checking the project's own files only");
    }
    let mut compared = 0;
    for path in &files {
        let Ok(text) = fs::read_to_string(path) else {
            continue;
        };
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
        let Some(expected) = quick_xml_events(text) else {
            continue;
        };
        let parse = syntax::parse(text);
        assert_eq!(
            parse.errors(),
            &[],
            "{}: a well-formed file gave syntax errors",
            path.display()
        );
        let actual = tree_events(&parse.syntax());
        assert_eq!(
            actual.len(),
            expected.len(),
            "{}: event counts differ",
            path.display()
        );
        for (index, (a, e)) in actual.iter().zip(&expected).enumerate() {
            assert_eq!(a, e, "{}: event {index} differs", path.display());
        }
        compared += 1;
    }
    assert!(
        compared >= 5,
        "only {compared} well-formed files were compared"
    );
    if corpus.is_dir() {
        assert!(
            compared > 200,
            "expected the whole corpus to be compared, got {compared}"
        );
    }
}

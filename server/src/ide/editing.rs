//! Editing aids that need only the tree: folding ranges (multi-line elements and comments,
//! `<!-- #region -->` ... `<!-- #endregion -->` blocks), selection ranges (token, attribute
//! value, attribute, tag, element, its ancestors) and linked editing of a start and end tag
//! name. Plain byte ranges; the protocol edge converts them.

use syntax::ast::AstNode;
use syntax::{Parse, SyntaxKind, SyntaxNode, TextRange, TextSize};

/// What a fold hides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    Element,
    Comment,
    Region,
}

/// A range that can be folded: from its first line to its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    pub range: TextRange,
    pub kind: FoldKind,
}

fn spans_lines(text: &str, range: TextRange) -> bool {
    text.get(std::ops::Range::<usize>::from(range))
        .is_some_and(|t| t.contains('\n') || t.contains('\r'))
}

/// Every fold of a file, in text order.
pub fn folding_ranges(text: &str, parse: &Parse) -> Vec<Fold> {
    let mut out = Vec::new();
    let mut regions: Vec<TextSize> = Vec::new();
    for node in parse.syntax().descendants() {
        crate::cancel::checkpoint();
        match node.kind() {
            SyntaxKind::ELEMENT if spans_lines(text, node.text_range()) => out.push(Fold {
                range: node.text_range(),
                kind: FoldKind::Element,
            }),
            SyntaxKind::COMMENT => {
                let body = node.text().to_string();
                let inner = body
                    .trim_start_matches("<!--")
                    .trim_end_matches("-->")
                    .trim();
                if inner.starts_with("#region") {
                    regions.push(node.text_range().start());
                } else if inner.starts_with("#endregion") {
                    if let Some(start) = regions.pop() {
                        out.push(Fold {
                            range: TextRange::new(start, node.text_range().end()),
                            kind: FoldKind::Region,
                        });
                    }
                } else if spans_lines(text, node.text_range()) {
                    out.push(Fold {
                        range: node.text_range(),
                        kind: FoldKind::Comment,
                    });
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|f| (f.range.start(), f.range.end()));
    out
}

/// The ranges a selection grows through from `offset`, innermost first: the token, an
/// attribute's value and the attribute, the tag, the element, then each enclosing element.
pub fn selection_ranges(parse: &Parse, offset: TextSize) -> Vec<TextRange> {
    let root = parse.syntax();
    let Some(token) = root.token_at_offset(offset).right_biased() else {
        return Vec::new();
    };
    let mut out = vec![token.text_range()];
    let mut node = token.parent();
    while let Some(current) = node {
        let range = current.text_range();
        let wanted = matches!(
            current.kind(),
            SyntaxKind::ATTR_VALUE
                | SyntaxKind::ATTRIBUTE
                | SyntaxKind::START_TAG
                | SyntaxKind::END_TAG
                | SyntaxKind::ELEMENT
                | SyntaxKind::COMMENT
                | SyntaxKind::CDATA
        );
        if wanted && out.last() != Some(&range) {
            // An attribute value's inside (without quotes) before the value with them.
            if current.kind() == SyntaxKind::ATTR_VALUE {
                let inner = current
                    .children_with_tokens()
                    .filter(|c| c.kind() == SyntaxKind::ATTR_VALUE_TEXT)
                    .map(|c| c.text_range())
                    .reduce(|a, b| a.cover(b));
                if let Some(inner) = inner.filter(|r| out.last() != Some(r)) {
                    out.push(inner);
                }
            }
            out.push(range);
        }
        node = current.parent();
    }
    out.dedup();
    out
}

/// On the name of a start or end tag whose element has both: the two names, which an editor
/// renames together.
pub fn linked_tag_names(parse: &Parse, offset: TextSize) -> Option<[TextRange; 2]> {
    let root = parse.syntax();
    let token = root
        .token_at_offset(offset)
        .find(|t| t.kind() == SyntaxKind::NAME)?;
    let tag = token.parent()?;
    if !matches!(tag.kind(), SyntaxKind::START_TAG | SyntaxKind::END_TAG) {
        return None;
    }
    let element = syntax::ast::Element::cast(tag.parent()?)?;
    let start = element.start_tag()?.name()?.range();
    let end = element.end_tag()?.name()?.range();
    Some([start, end])
}

/// The node of the element around `offset`, for tests and callers that need it.
pub fn element_at(parse: &Parse, offset: TextSize) -> Option<SyntaxNode> {
    parse
        .syntax()
        .token_at_offset(offset)
        .right_biased()?
        .parent_ancestors()
        .find(|n| n.kind() == SyntaxKind::ELEMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "<a>\n  <!-- #region claims -->\n  <b x=\"one\">\n    <c/>\n  </b>\n  <!-- #endregion -->\n  <!-- two\n  lines -->\n</a>";

    #[test]
    fn folds_elements_comments_and_regions() {
        let parse = syntax::parse(TEXT);
        let folds = folding_ranges(TEXT, &parse);
        let kinds: Vec<(FoldKind, &str)> = folds
            .iter()
            .map(|f| {
                let text = &TEXT[std::ops::Range::<usize>::from(f.range)];
                (f.kind, &text[..text.len().min(12)])
            })
            .collect();
        assert_eq!(
            kinds,
            [
                (FoldKind::Element, "<a>\n  <!-- #"),
                (FoldKind::Region, "<!-- #region"),
                (FoldKind::Element, "<b x=\"one\">\n"),
                (FoldKind::Comment, "<!-- two\n  l"),
            ]
        );
    }

    #[test]
    fn selection_grows_from_value_to_root() {
        let parse = syntax::parse(TEXT);
        let at = TEXT.find("one").unwrap() as u32 + 1;
        let texts: Vec<&str> = selection_ranges(&parse, at.into())
            .iter()
            .map(|r| &TEXT[std::ops::Range::<usize>::from(*r)])
            .collect();
        assert_eq!(texts[0], "one");
        assert_eq!(texts[1], "\"one\"");
        assert_eq!(texts[2], "x=\"one\"");
        assert_eq!(texts[3], "<b x=\"one\">");
        assert!(texts[4].starts_with("<b x=\"one\">") && texts[4].ends_with("</b>"));
        assert_eq!(*texts.last().unwrap(), TEXT);
    }

    #[test]
    fn tag_names_link_only_with_both_tags() {
        let parse = syntax::parse(TEXT);
        let at = TEXT.find("<b").unwrap() as u32 + 1;
        let [start, end] = linked_tag_names(&parse, at.into()).expect("linked");
        assert_eq!(&TEXT[std::ops::Range::<usize>::from(start)], "b");
        assert_eq!(usize::from(end.start()), TEXT.find("</b>").unwrap() + 2);
        let at_c = TEXT.find("<c/>").unwrap() as u32 + 1;
        assert!(linked_tag_names(&parse, at_c.into()).is_none());
    }
}

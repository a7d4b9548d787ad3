//! Where the cursor is in the syntax tree, in terms completion understands: typing an element
//! name, an attribute name, an attribute value, or element content. Works on half-typed tags,
//! which the parser keeps as incomplete START_TAG nodes.

use syntax::ast::{AstNode, AttrValue, Attribute, Element, StartTag};
use syntax::{SyntaxKind, SyntaxNode, SyntaxToken, TextRange, TextSize};

/// The cursor's place, with the range a completion replaces.
#[derive(Debug, Clone)]
pub(crate) enum CursorContext {
    /// Typing the name of `element` (right after `<`, or inside its name).
    ElementName {
        element: Element,
        range: TextRange,
        /// The start tag already has attributes or its closing `>`: insert the name only.
        tag_has_more: bool,
    },
    /// Typing an attribute name inside the start tag of `element`.
    AttributeName {
        element: Element,
        range: TextRange,
        /// The attribute already has `=` and a value: insert the name only.
        has_value: bool,
    },
    /// Inside the quotes of attribute `name` of `element`.
    AttributeValue {
        element: Element,
        name: String,
        /// The whole value as written (up to the cursor for an unclosed value).
        value_range: TextRange,
        /// The value text before the cursor.
        before: String,
    },
    /// In the content of `element`, between tags.
    Content {
        element: Element,
        /// The text token the cursor is in or next to, trimmed; empty at the cursor otherwise.
        text_range: TextRange,
        /// The text from the start of `text_range` to the cursor.
        before: String,
    },
}

fn token_before(root: &SyntaxNode, offset: TextSize) -> Option<SyntaxToken> {
    if offset == TextSize::from(0) {
        return None;
    }
    // The token holding the character right before the cursor.
    root.token_at_offset(offset - TextSize::from(1))
        .right_biased()
        .filter(|t| t.text_range().start() < offset)
}

fn parent_element(node: Option<SyntaxNode>) -> Option<Element> {
    node?.ancestors().find_map(Element::cast)
}

fn slice(text: &str, range: TextRange) -> &str {
    let start = usize::from(range.start()).min(text.len());
    let end = usize::from(range.end()).clamp(start, text.len());
    text.get(start..end).unwrap_or("")
}

/// The cursor context at `offset` (already clamped to a char boundary of `text`).
pub(crate) fn cursor_context(
    root: &SyntaxNode,
    text: &str,
    offset: TextSize,
) -> Option<CursorContext> {
    let token = token_before(root, offset)?;
    let parent = token.parent()?;
    match token.kind() {
        SyntaxKind::NAME => match parent.kind() {
            SyntaxKind::START_TAG => {
                let tag = StartTag::cast(parent.clone())?;
                let element = parent_element(Some(parent))?;
                Some(CursorContext::ElementName {
                    element,
                    range: TextRange::new(token.text_range().start(), token.text_range().end()),
                    tag_has_more: tag.attributes().next().is_some() || tag.is_complete(),
                })
            }
            SyntaxKind::ATTRIBUTE => {
                let attribute = Attribute::cast(parent.clone())?;
                let element = parent_element(Some(parent))?;
                Some(CursorContext::AttributeName {
                    element,
                    range: token.text_range(),
                    has_value: attribute.value().is_some(),
                })
            }
            _ => None,
        },
        SyntaxKind::L_ANGLE if parent.kind() == SyntaxKind::START_TAG => {
            let tag = StartTag::cast(parent.clone())?;
            let element = parent_element(Some(parent))?;
            // `<|Name` edits an existing name; `<|` starts a new one.
            let next_name = tag.name().filter(|n| n.range().start() == offset);
            Some(CursorContext::ElementName {
                element,
                range: next_name.map_or(TextRange::empty(offset), |n| n.range()),
                tag_has_more: tag.attributes().next().is_some() || tag.is_complete(),
            })
        }
        SyntaxKind::WHITESPACE if parent.kind() == SyntaxKind::START_TAG => {
            let tag = StartTag::cast(parent.clone())?;
            tag.name()?;
            let element = parent_element(Some(parent))?;
            Some(CursorContext::AttributeName {
                element,
                range: TextRange::empty(offset),
                has_value: false,
            })
        }
        SyntaxKind::QUOTE | SyntaxKind::ATTR_VALUE_TEXT
            if parent.kind() == SyntaxKind::ATTR_VALUE =>
        {
            let value = AttrValue::cast(parent.clone())?;
            let quotes: Vec<SyntaxToken> = parent
                .children_with_tokens()
                .filter_map(|e| e.into_token())
                .filter(|t| t.kind() == SyntaxKind::QUOTE)
                .collect();
            // After the closing quote the cursor is outside the value.
            if token.kind() == SyntaxKind::QUOTE
                && quotes.len() >= 2
                && quotes
                    .last()
                    .is_some_and(|q| q.text_range() == token.text_range())
            {
                return None;
            }
            let open_end = quotes.first()?.text_range().end();
            if offset < open_end {
                return None;
            }
            let closed = quotes.len() >= 2;
            let mut value_range = value.value_range();
            if !closed {
                // An unclosed value runs to the end of the line; only what is before the
                // cursor and the word after it belong to it.
                let rest = slice(text, TextRange::new(offset, value_range.end().max(offset)));
                let word = rest
                    .find(|c: char| c.is_whitespace() || c == '<' || c == '>')
                    .unwrap_or(rest.len());
                value_range = TextRange::new(open_end, offset + TextSize::from(word as u32));
            }
            let value_range = TextRange::new(
                value_range.start().min(offset),
                value_range.end().max(offset),
            );
            let attribute = Attribute::cast(parent.parent()?)?;
            let name = attribute.name()?.text().to_owned();
            let element = parent_element(parent.parent())?;
            let before = slice(text, TextRange::new(value_range.start(), offset)).to_owned();
            Some(CursorContext::AttributeValue {
                element,
                name,
                value_range,
                before,
            })
        }
        SyntaxKind::TEXT | SyntaxKind::WHITESPACE if parent.kind() == SyntaxKind::ELEMENT => {
            let element = Element::cast(parent)?;
            let raw = token.text();
            let start = token.text_range().start();
            let lead = raw.len() - raw.trim_start().len();
            let trail = raw.len() - raw.trim_end().len();
            let trimmed = if raw.trim().is_empty() {
                TextRange::empty(offset)
            } else {
                TextRange::new(
                    start + TextSize::from(lead as u32),
                    token.text_range().end() - TextSize::from(trail as u32),
                )
            };
            let text_range = if trimmed.start() <= offset && offset <= trimmed.end() {
                trimmed
            } else {
                TextRange::empty(offset)
            };
            let before = slice(text, TextRange::new(text_range.start(), offset)).to_owned();
            Some(CursorContext::Content {
                element,
                text_range,
                before,
            })
        }
        SyntaxKind::R_ANGLE | SyntaxKind::SLASH_R_ANGLE => {
            let element = match parent.kind() {
                // Right after `<Name ...>`: in that element's content.
                SyntaxKind::START_TAG if token.kind() == SyntaxKind::R_ANGLE => {
                    parent_element(Some(parent))?
                }
                // After `/>` or `</Name>`: in the content of the enclosing element.
                SyntaxKind::START_TAG | SyntaxKind::END_TAG => {
                    parent_element(Some(parent))?.parent_element()?
                }
                _ => return None,
            };
            Some(CursorContext::Content {
                element,
                text_range: TextRange::empty(offset),
                before: String::new(),
            })
        }
        _ => None,
    }
}

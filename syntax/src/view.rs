//! Borrowed views over the green tree: elements, names, attributes and text with absolute
//! ranges, read without creating red nodes.
//!
//! Red nodes ([`crate::ast`]) know their parent and cost an allocation each; an analysis that
//! reads every element of a file top-down needs neither. An [`ElementRef`] is a green node plus
//! its offset in the file: `Copy`, free to make, and it answers the same questions as
//! [`crate::ast::Element`] with the same ranges.

use std::borrow::Cow;

use rowan::{GreenNodeData, GreenTokenData, NodeOrToken};

use crate::{unescape, Parse, SyntaxKind, TextRange, TextSize};

type GreenChild<'a> = NodeOrToken<&'a GreenNodeData, &'a GreenTokenData>;

fn is(kind: rowan::SyntaxKind, expected: SyntaxKind) -> bool {
    kind.0 == expected as u16
}

fn len(child: GreenChild<'_>) -> TextSize {
    match child {
        NodeOrToken::Node(node) => node.text_len(),
        NodeOrToken::Token(token) => token.text_len(),
    }
}

/// The children of a green node, each with its absolute offset.
fn children_at(
    node: &GreenNodeData,
    offset: TextSize,
) -> impl Iterator<Item = (GreenChild<'_>, TextSize)> {
    node.children().scan(offset, |at, child| {
        let start = *at;
        *at += len(child);
        Some((child, start))
    })
}

/// An element of the green tree and where it starts.
#[derive(Debug, Clone, Copy)]
pub struct ElementRef<'a> {
    green: &'a GreenNodeData,
    offset: TextSize,
}

impl PartialEq for ElementRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.green, other.green) && self.offset == other.offset
    }
}

impl Eq for ElementRef<'_> {}

impl<'a> ElementRef<'a> {
    /// A view of `green`, which must be an ELEMENT node starting at `offset`.
    pub fn new(green: &'a GreenNodeData, offset: TextSize) -> Option<Self> {
        is(green.kind(), SyntaxKind::ELEMENT).then_some(ElementRef { green, offset })
    }

    /// The first element at the top level of a parsed document.
    pub fn root(parse: &'a Parse) -> Option<Self> {
        children_at(parse.green(), TextSize::from(0)).find_map(|(child, at)| match child {
            NodeOrToken::Node(node) => ElementRef::new(node, at),
            NodeOrToken::Token(_) => None,
        })
    }

    /// The whole element, start tag to end tag.
    pub fn range(self) -> TextRange {
        TextRange::at(self.offset, self.green.text_len())
    }

    fn parts(self) -> impl Iterator<Item = (GreenChild<'a>, TextSize)> {
        children_at(self.green, self.offset)
    }

    fn node_part(self, kind: SyntaxKind) -> Option<(&'a GreenNodeData, TextSize)> {
        self.parts().find_map(|(child, at)| match child {
            NodeOrToken::Node(node) if is(node.kind(), kind) => Some((node, at)),
            _ => None,
        })
    }

    /// The name in the start tag.
    pub fn name(self) -> Option<NameRef<'a>> {
        let (tag, at) = self.node_part(SyntaxKind::START_TAG)?;
        name_in(tag, at)
    }

    /// The name without a namespace prefix; "" when the element has none.
    pub fn local_name(self) -> &'a str {
        self.name().map_or("", |n| n.local())
    }

    /// Whether the element's local name is `name`.
    pub fn is(self, name: &str) -> bool {
        self.local_name() == name
    }

    /// The range to point at for the element: its name, or the whole element when unnamed.
    pub fn name_range(self) -> TextRange {
        self.name().map_or_else(|| self.range(), |n| n.range())
    }

    pub fn attributes(self) -> impl Iterator<Item = AttributeRef<'a>> {
        self.node_part(SyntaxKind::START_TAG)
            .into_iter()
            .flat_map(|(tag, at)| children_at(tag, at))
            .filter_map(|(child, at)| match child {
                NodeOrToken::Node(node) if is(node.kind(), SyntaxKind::ATTRIBUTE) => {
                    Some(AttributeRef {
                        green: node,
                        offset: at,
                    })
                }
                _ => None,
            })
    }

    /// The attribute named `name` (exact match, as XML compares names).
    pub fn attribute(self, name: &str) -> Option<AttributeRef<'a>> {
        self.attributes()
            .find(|a| a.name().is_some_and(|n| n.text() == name))
    }

    /// The values of the attributes named in `names` (exact match), found in one pass over
    /// the start tag; the first of each name wins, as in [`ElementRef::attribute`].
    pub fn attribute_values<const N: usize>(self, names: [&str; N]) -> [Option<ValueRef<'a>>; N] {
        let mut found = [None; N];
        for attribute in self.attributes() {
            let Some(name) = attribute.name() else {
                continue;
            };
            if let Some(i) = names.iter().position(|n| *n == name.text()) {
                if found[i].is_none() {
                    found[i] = attribute.value();
                }
            }
        }
        found
    }

    /// The unescaped value of the attribute named `name`.
    pub fn attribute_value(self, name: &str) -> Option<Cow<'a, str>> {
        Some(self.attribute(name)?.value()?.unescaped())
    }

    /// The unescaped value of the attribute named `name` and the range between its quotes.
    pub fn attribute_value_with_range(self, name: &str) -> Option<(Cow<'a, str>, TextRange)> {
        let value = self.attribute(name)?.value()?;
        Some((value.unescaped(), value.range()))
    }

    /// The elements directly inside this one.
    pub fn child_elements(self) -> impl Iterator<Item = ElementRef<'a>> {
        self.parts().filter_map(|(child, at)| match child {
            NodeOrToken::Node(node) => ElementRef::new(node, at),
            NodeOrToken::Token(_) => None,
        })
    }

    /// The first child element with the local name `name`.
    pub fn child(self, name: &str) -> Option<ElementRef<'a>> {
        self.child_elements().find(|e| e.is(name))
    }

    /// The child elements with the local name `name`.
    pub fn children_named(self, name: &'a str) -> impl Iterator<Item = ElementRef<'a>> + 'a {
        self.child_elements().filter(move |e| e.is(name))
    }

    /// The runs of character data directly inside the element: text, whitespace and the
    /// bodies of CDATA sections, in order.
    pub fn text_pieces(self) -> impl Iterator<Item = TextRef<'a>> {
        self.parts().filter_map(|(child, at)| match child {
            NodeOrToken::Token(token)
                if is(token.kind(), SyntaxKind::TEXT)
                    || is(token.kind(), SyntaxKind::WHITESPACE) =>
            {
                Some(TextRef {
                    raw: token.text(),
                    offset: at,
                    cdata: false,
                })
            }
            NodeOrToken::Node(node) if is(node.kind(), SyntaxKind::CDATA) => children_at(node, at)
                .find_map(|(part, at)| match part {
                    NodeOrToken::Token(token) if is(token.kind(), SyntaxKind::CDATA_TEXT) => {
                        Some(TextRef {
                            raw: token.text(),
                            offset: at,
                            cdata: true,
                        })
                    }
                    _ => None,
                }),
            _ => None,
        })
    }

    /// The character data directly inside the element, unescaped (borrowed when it is one
    /// piece without references).
    pub fn text(self) -> Cow<'a, str> {
        self.text_with_range().0
    }

    /// The character data (unescaped, untrimmed) and the range of its trimmed text, if it
    /// has any non-blank text, in one pass over the element's children.
    pub fn text_with_range(self) -> (Cow<'a, str>, Option<TextRange>) {
        let mut out: Cow<'a, str> = Cow::Borrowed("");
        let mut first: Option<TextRef<'a>> = None;
        let mut last: Option<TextRef<'a>> = None;
        for (i, piece) in self.text_pieces().enumerate() {
            if i == 0 {
                out = piece.unescaped();
            } else {
                out.to_mut().push_str(&piece.unescaped());
            }
            if !piece.raw.trim().is_empty() {
                if first.is_none() {
                    first = Some(piece);
                }
                last = Some(piece);
            }
        }
        let range = first.zip(last).map(|(first, last)| {
            let lead = first.raw.len() - first.raw.trim_start().len();
            let trail = last.raw.len() - last.raw.trim_end().len();
            let start = first.range().start() + TextSize::from(lead as u32);
            let end = last.range().end() - TextSize::from(trail as u32);
            TextRange::new(start, end.max(start))
        });
        (out, range)
    }

    /// The range of the trimmed text inside the element, if it has any non-blank text.
    pub fn text_range(self) -> Option<TextRange> {
        self.text_with_range().1
    }

    /// The range between the start and end tags (the empty range after the start tag when
    /// there is no content).
    pub fn content_range(self) -> TextRange {
        let start = self
            .node_part(SyntaxKind::START_TAG)
            .map_or(self.offset, |(tag, at)| at + tag.text_len());
        let end = self
            .node_part(SyntaxKind::END_TAG)
            .map_or(self.range().end(), |(_, at)| at);
        TextRange::new(start, end.max(start))
    }
}

fn name_in(node: &GreenNodeData, offset: TextSize) -> Option<NameRef<'_>> {
    children_at(node, offset).find_map(|(child, at)| match child {
        NodeOrToken::Token(token) if is(token.kind(), SyntaxKind::NAME) => Some(NameRef {
            text: token.text(),
            range: TextRange::at(at, token.text_len()),
        }),
        _ => None,
    })
}

/// An element or attribute name and where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameRef<'a> {
    text: &'a str,
    range: TextRange,
}

impl<'a> NameRef<'a> {
    pub fn text(self) -> &'a str {
        self.text
    }

    /// The name without its namespace prefix.
    pub fn local(self) -> &'a str {
        local_part(self.text)
    }

    pub fn range(self) -> TextRange {
        self.range
    }
}

/// One `name="value"` of a start tag.
#[derive(Debug, Clone, Copy)]
pub struct AttributeRef<'a> {
    green: &'a GreenNodeData,
    offset: TextSize,
}

impl<'a> AttributeRef<'a> {
    pub fn name(self) -> Option<NameRef<'a>> {
        name_in(self.green, self.offset)
    }

    /// The quoted value; `None` when the attribute has no value at all.
    pub fn value(self) -> Option<ValueRef<'a>> {
        let (value, at) =
            children_at(self.green, self.offset).find_map(|(child, at)| match child {
                NodeOrToken::Node(node) if is(node.kind(), SyntaxKind::ATTR_VALUE) => {
                    Some((node, at))
                }
                _ => None,
            })?;
        let text = children_at(value, at).find_map(|(child, at)| match child {
            NodeOrToken::Token(token) if is(token.kind(), SyntaxKind::ATTR_VALUE_TEXT) => {
                Some(ValueRef {
                    raw: token.text(),
                    range: TextRange::at(at, token.text_len()),
                })
            }
            _ => None,
        });
        // `""`: empty, right after the opening quote.
        Some(text.unwrap_or_else(|| {
            let start = (at + TextSize::from(1)).min(at + value.text_len());
            ValueRef {
                raw: "",
                range: TextRange::empty(start),
            }
        }))
    }
}

/// An attribute value as written, and the range between its quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueRef<'a> {
    raw: &'a str,
    range: TextRange,
}

impl<'a> ValueRef<'a> {
    /// The value as written, references unresolved.
    pub fn raw(self) -> &'a str {
        self.raw
    }

    /// The value with its entity and character references resolved.
    pub fn unescaped(self) -> Cow<'a, str> {
        unescape(self.raw)
    }

    /// The range between the quotes (empty, right after the opening quote, for `""`).
    pub fn range(self) -> TextRange {
        self.range
    }
}

/// A run of character data, or the body of a CDATA section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRef<'a> {
    raw: &'a str,
    offset: TextSize,
    cdata: bool,
}

impl<'a> TextRef<'a> {
    pub fn raw(self) -> &'a str {
        self.raw
    }

    pub fn unescaped(self) -> Cow<'a, str> {
        if self.cdata {
            Cow::Borrowed(self.raw)
        } else {
            unescape(self.raw)
        }
    }

    pub fn range(self) -> TextRange {
        TextRange::at(self.offset, TextSize::of(self.raw))
    }
}

/// A name without its namespace prefix. Names are short and asked for constantly, so a
/// plain backwards scan beats a library search.
pub(crate) fn local_part(name: &str) -> &str {
    match name.bytes().rposition(|b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{AstNode, Element};

    /// Every element of `text`, red and green side by side, in document order.
    fn pairs(parse: &Parse) -> Vec<(Element, ElementRef<'_>)> {
        let red: Vec<Element> = parse
            .syntax()
            .descendants()
            .filter_map(Element::cast)
            .collect();
        let mut green = Vec::new();
        let mut stack: Vec<ElementRef<'_>> = ElementRef::root(parse).into_iter().collect();
        // Only the root's subtree: the red list may hold more top-level elements.
        while let Some(element) = stack.pop() {
            green.push(element);
            let children: Vec<_> = element.child_elements().collect();
            stack.extend(children.into_iter().rev());
        }
        red.into_iter().zip(green).collect()
    }

    #[test]
    fn views_answer_as_the_red_tree_does() {
        let text = "<?xml version=\"1.0\"?>\n<p:Root xmlns:p=\"urn:x\" A=\"1 &amp; 2\" B=\"\">\n  <Child Id='c1'>  some &lt;text&gt; <![CDATA[raw <b>]]> tail </Child>\n  <Empty/>\n  <Broken Id=\"x\n</p:Root>";
        let parse = crate::parse(text);
        let pairs = pairs(&parse);
        assert!(pairs.len() >= 3);
        for (red, green) in &pairs {
            assert_eq!(red.syntax().text_range(), green.range());
            assert_eq!(
                red.name().map(|n| n.range()),
                green.name().map(|n| n.range())
            );
            assert_eq!(red.local_name(), green.local_name());
            assert_eq!(red.text(), green.text());
            assert_eq!(red.text_range(), green.text_range());
            assert_eq!(red.content_range(), green.content_range());
            let red_attributes: Vec<_> = red
                .attributes()
                .map(|a| {
                    (
                        a.name().map(|n| (n.text().to_owned(), n.range())),
                        a.value()
                            .map(|v| (v.unescaped().into_owned(), v.value_range())),
                    )
                })
                .collect();
            let green_attributes: Vec<_> = green
                .attributes()
                .map(|a| {
                    (
                        a.name().map(|n| (n.text().to_owned(), n.range())),
                        a.value().map(|v| (v.unescaped().into_owned(), v.range())),
                    )
                })
                .collect();
            assert_eq!(red_attributes, green_attributes);
        }
        let root = ElementRef::root(&parse).unwrap();
        assert_eq!(root.attribute_value("A").as_deref(), Some("1 & 2"));
        let [b, missing, a] = root.attribute_values(["B", "C", "A"]);
        assert_eq!(a.map(|v| v.unescaped()).as_deref(), Some("1 & 2"));
        assert_eq!(b.map(|v| v.raw()), Some(""));
        assert!(missing.is_none());
        assert_eq!(root.attribute_value("B").as_deref(), Some(""));
        let child = root.child("Child").unwrap();
        assert_eq!(child.text(), "  some <text> raw <b> tail ");
        let range = child.text_range().unwrap();
        assert_eq!(&text[range], "some &lt;text&gt; <![CDATA[raw <b>]]> tail");
    }
}

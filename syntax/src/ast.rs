//! Typed views over the untyped tree: documents, elements, attributes, names, values, text.
//! Every getter returns `Option`, because any part may be missing in a half-typed file.

use std::borrow::Cow;

use crate::{unescape, SyntaxKind, SyntaxNode, SyntaxToken, TextRange};

/// A typed view over one kind of node.
pub trait AstNode: Sized {
    fn cast(node: SyntaxNode) -> Option<Self>;
    fn syntax(&self) -> &SyntaxNode;
}

macro_rules! ast_node {
    ($name:ident, $kind:ident) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            pub(crate) syntax: SyntaxNode,
        }

        impl AstNode for $name {
            fn cast(node: SyntaxNode) -> Option<Self> {
                (node.kind() == SyntaxKind::$kind).then_some($name { syntax: node })
            }

            fn syntax(&self) -> &SyntaxNode {
                &self.syntax
            }
        }
    };
}

ast_node!(Document, DOCUMENT);
ast_node!(Element, ELEMENT);
ast_node!(StartTag, START_TAG);
ast_node!(EndTag, END_TAG);
ast_node!(Attribute, ATTRIBUTE);
ast_node!(AttrValue, ATTR_VALUE);

fn child<N: AstNode>(node: &SyntaxNode) -> Option<N> {
    node.children().find_map(N::cast)
}

fn name_token(node: &SyntaxNode) -> Option<Name> {
    node.children_with_tokens()
        .filter_map(|element| element.into_token())
        .find(|token| token.kind() == SyntaxKind::NAME)
        .map(|token| Name { token })
}

impl Document {
    /// The first element at the top level.
    pub fn root_element(&self) -> Option<Element> {
        child(&self.syntax)
    }
}

impl Element {
    pub fn start_tag(&self) -> Option<StartTag> {
        child(&self.syntax)
    }

    pub fn end_tag(&self) -> Option<EndTag> {
        child(&self.syntax)
    }

    pub fn name(&self) -> Option<Name> {
        self.start_tag()?.name()
    }

    /// The element's name without a namespace prefix; "" when it has no name.
    pub fn local_name(&self) -> String {
        self.green_name()
            .map(|name| local_part(name.text()).to_owned())
            .unwrap_or_default()
    }

    /// Whether the element's local name is `name`.
    pub fn is(&self, name: &str) -> bool {
        self.green_name()
            .is_some_and(|n| local_part(n.text()) == name)
    }

    /// The name token, found over the green tree: asking children for their names is the
    /// commonest question of every analysis, and red nodes for it cost an allocation each.
    fn green_name(&self) -> Option<rowan::GreenToken> {
        use rowan::NodeOrToken;
        let green = self.syntax.green();
        let tag = green.children().find_map(|child| match child {
            NodeOrToken::Node(node)
                if node.kind() == rowan::SyntaxKind(SyntaxKind::START_TAG as u16) =>
            {
                Some(node)
            }
            _ => None,
        })?;
        tag.children().find_map(|child| match child {
            NodeOrToken::Token(token)
                if token.kind() == rowan::SyntaxKind(SyntaxKind::NAME as u16) =>
            {
                Some(token.to_owned())
            }
            _ => None,
        })
    }

    pub fn attributes(&self) -> impl Iterator<Item = Attribute> {
        self.start_tag()
            .into_iter()
            .flat_map(|tag| tag.attributes())
    }

    /// The attribute named `name` (exact match, as XML compares names).
    pub fn attribute(&self, name: &str) -> Option<Attribute> {
        self.attributes()
            .find(|a| a.name().is_some_and(|n| n.text() == name))
    }

    /// The unescaped value of the attribute named `name`.
    pub fn attribute_value(&self, name: &str) -> Option<String> {
        self.attribute_value_with_range(name)
            .map(|(value, _)| value)
    }

    /// The unescaped value of the attribute named `name` and the range between its quotes.
    ///
    /// Walks the green tree rather than the red one: indexing asks for attributes of every
    /// element, and making red nodes for each tag child was most of its cost.
    pub fn attribute_value_with_range(&self, name: &str) -> Option<(String, TextRange)> {
        use rowan::NodeOrToken;
        let raw = |kind: SyntaxKind| rowan::SyntaxKind(kind as u16);
        let mut offset = self.syntax.text_range().start();
        let green = self.syntax.green();
        let tag = green.children().find_map(|child| match child {
            NodeOrToken::Node(node) if node.kind() == raw(SyntaxKind::START_TAG) => Some(node),
            NodeOrToken::Node(node) => {
                offset += node.text_len();
                None
            }
            NodeOrToken::Token(token) => {
                offset += token.text_len();
                None
            }
        })?;
        for child in tag.children() {
            let len = match child {
                NodeOrToken::Node(node) => node.text_len(),
                NodeOrToken::Token(token) => token.text_len(),
            };
            let NodeOrToken::Node(attribute) = child else {
                offset += len;
                continue;
            };
            let is_named = attribute.kind() == raw(SyntaxKind::ATTRIBUTE)
                && attribute.children().next().is_some_and(|first| {
                    matches!(first, NodeOrToken::Token(t) if t.kind() == raw(SyntaxKind::NAME) && t.text() == name)
                });
            if !is_named {
                offset += len;
                continue;
            }
            let mut inner = offset;
            for part in attribute.children() {
                match part {
                    NodeOrToken::Node(value) if value.kind() == raw(SyntaxKind::ATTR_VALUE) => {
                        let mut at = inner;
                        for piece in value.children() {
                            if let NodeOrToken::Token(token) = piece {
                                if token.kind() == raw(SyntaxKind::ATTR_VALUE_TEXT) {
                                    let range = TextRange::at(at, token.text_len());
                                    return Some((unescape(token.text()).into_owned(), range));
                                }
                                at += token.text_len();
                            }
                        }
                        // `""`: empty, right after the opening quote.
                        let start =
                            (inner + crate::TextSize::from(1)).min(inner + value.text_len());
                        return Some((String::new(), TextRange::empty(start)));
                    }
                    NodeOrToken::Node(node) => inner += node.text_len(),
                    NodeOrToken::Token(token) => inner += token.text_len(),
                }
            }
            return None;
        }
        None
    }

    /// The elements directly inside this one.
    pub fn child_elements(&self) -> impl Iterator<Item = Element> {
        self.syntax.children().filter_map(Element::cast)
    }

    /// The first child element with the local name `name`.
    pub fn child(&self, name: &str) -> Option<Element> {
        self.child_elements().find(|e| e.is(name))
    }

    /// The child elements with the local name `name`.
    pub fn children_named<'a>(&self, name: &'a str) -> impl Iterator<Item = Element> + 'a {
        self.child_elements().filter(move |e| e.is(name))
    }

    /// The element that contains this one.
    pub fn parent_element(&self) -> Option<Element> {
        self.syntax.parent().and_then(Element::cast)
    }

    /// The character data directly inside the element (text and CDATA), unescaped.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for piece in self.text_pieces() {
            out.push_str(&piece.unescaped());
        }
        out
    }

    /// The range of the element's content, between its start and end tags (or the empty range
    /// after the start tag when there is no content).
    pub fn content_range(&self) -> TextRange {
        let start = self
            .start_tag()
            .map_or(self.syntax.text_range().start(), |t| {
                t.syntax.text_range().end()
            });
        let end = self.end_tag().map_or(self.syntax.text_range().end(), |t| {
            t.syntax.text_range().start()
        });
        TextRange::new(start, end.max(start))
    }

    /// The range of the trimmed text inside the element, if it has any non-blank text.
    /// The character data (unescaped, untrimmed) and the range of its trimmed text, in one
    /// pass over the element's children.
    pub fn text_with_range(&self) -> (String, Option<TextRange>) {
        let mut out = String::new();
        let mut first: Option<Text> = None;
        let mut last: Option<Text> = None;
        for piece in self.text_pieces() {
            out.push_str(&piece.unescaped());
            if !piece.raw().trim().is_empty() {
                if first.is_none() {
                    first = Some(piece.clone());
                }
                last = Some(piece);
            }
        }
        let range = first.zip(last).map(|(first, last)| {
            let raw_first = first.raw();
            let lead = raw_first.len() - raw_first.trim_start().len();
            let raw_last = last.raw();
            let trail = raw_last.len() - raw_last.trim_end().len();
            let start = first.range().start() + crate::TextSize::from(lead as u32);
            let end = last.range().end() - crate::TextSize::from(trail as u32);
            TextRange::new(start, end.max(start))
        });
        (out, range)
    }

    pub fn text_range(&self) -> Option<TextRange> {
        let pieces: Vec<Text> = self
            .text_pieces()
            .filter(|t| !t.raw().trim().is_empty())
            .collect();
        let first = pieces.first()?;
        let last = pieces.last()?;
        let raw_first = first.raw();
        let lead = raw_first.len() - raw_first.trim_start().len();
        let raw_last = last.raw();
        let trail = raw_last.len() - raw_last.trim_end().len();
        let start = first.range().start() + crate::TextSize::from(lead as u32);
        let end = last.range().end() - crate::TextSize::from(trail as u32);
        Some(TextRange::new(start, end.max(start)))
    }

    fn text_pieces(&self) -> impl Iterator<Item = Text> {
        self.syntax
            .children_with_tokens()
            .filter_map(|element| match element {
                rowan::NodeOrToken::Token(token)
                    if matches!(token.kind(), SyntaxKind::TEXT | SyntaxKind::WHITESPACE) =>
                {
                    Some(Text {
                        token,
                        cdata: false,
                    })
                }
                rowan::NodeOrToken::Node(node) if node.kind() == SyntaxKind::CDATA => node
                    .children_with_tokens()
                    .filter_map(|e| e.into_token())
                    .find(|t| t.kind() == SyntaxKind::CDATA_TEXT)
                    .map(|token| Text { token, cdata: true }),
                _ => None,
            })
    }
}

impl StartTag {
    pub fn name(&self) -> Option<Name> {
        name_token(&self.syntax)
    }

    pub fn attributes(&self) -> impl Iterator<Item = Attribute> {
        self.syntax.children().filter_map(Attribute::cast)
    }

    /// Whether the tag ends in `/>`.
    pub fn is_self_closing(&self) -> bool {
        self.syntax
            .children_with_tokens()
            .any(|e| e.kind() == SyntaxKind::SLASH_R_ANGLE)
    }

    /// Whether the tag has its closing `>` or `/>`.
    pub fn is_complete(&self) -> bool {
        self.syntax
            .last_token()
            .is_some_and(|t| matches!(t.kind(), SyntaxKind::R_ANGLE | SyntaxKind::SLASH_R_ANGLE))
    }
}

impl EndTag {
    pub fn name(&self) -> Option<Name> {
        name_token(&self.syntax)
    }
}

impl Attribute {
    pub fn name(&self) -> Option<Name> {
        name_token(&self.syntax)
    }

    pub fn value(&self) -> Option<AttrValue> {
        child(&self.syntax)
    }
}

impl AttrValue {
    fn text_token(&self) -> Option<SyntaxToken> {
        self.syntax
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| t.kind() == SyntaxKind::ATTR_VALUE_TEXT)
    }

    /// The value as written, references unresolved.
    pub fn raw(&self) -> String {
        self.text_token()
            .map(|t| t.text().to_owned())
            .unwrap_or_default()
    }

    /// The value with its entity and character references resolved.
    pub fn unescaped(&self) -> Cow<'static, str> {
        match self.text_token() {
            Some(token) => Cow::Owned(unescape(token.text()).into_owned()),
            None => Cow::Borrowed(""),
        }
    }

    /// The range between the quotes (empty, right after the opening quote, for `""`).
    pub fn value_range(&self) -> TextRange {
        match self.text_token() {
            Some(token) => token.text_range(),
            None => {
                let start = self.syntax.text_range().start() + crate::TextSize::from(1);
                TextRange::new(
                    start.min(self.syntax.text_range().end()),
                    start.min(self.syntax.text_range().end()),
                )
            }
        }
    }
}

/// An element or attribute name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name {
    token: SyntaxToken,
}

impl Name {
    pub fn text(&self) -> &str {
        self.token.text()
    }

    /// The name without its namespace prefix.
    pub fn local(&self) -> &str {
        local_part(self.token.text())
    }

    pub fn range(&self) -> TextRange {
        self.token.text_range()
    }

    pub fn token(&self) -> &SyntaxToken {
        &self.token
    }
}

/// A run of character data (or the body of a CDATA section).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Text {
    token: SyntaxToken,
    cdata: bool,
}

impl Text {
    pub fn raw(&self) -> &str {
        self.token.text()
    }

    pub fn unescaped(&self) -> Cow<'_, str> {
        if self.cdata {
            Cow::Borrowed(self.token.text())
        } else {
            unescape(self.token.text())
        }
    }

    pub fn range(&self) -> TextRange {
        self.token.text_range()
    }
}

/// A name without its namespace prefix. Names are short and asked for constantly, so a
/// plain backwards scan beats a library search.
fn local_part(name: &str) -> &str {
    match name.bytes().rposition(|b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

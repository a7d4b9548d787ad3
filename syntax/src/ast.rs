//! Typed views over the untyped tree: documents, elements, attributes, names, values, text.
//! Every getter returns `Option`, because any part may be missing in a half-typed file.

use std::borrow::Cow;

use crate::view::{local_part, ElementRef};
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
        self.with_view(|view| view.local_name().to_owned())
    }

    /// Whether the element's local name is `name`.
    pub fn is(&self, name: &str) -> bool {
        self.with_view(|view| view.is(name))
    }

    /// Answers a question over the green tree: asking for names, attributes and text of
    /// elements is what every analysis does, and red nodes for it cost an allocation each.
    pub fn with_view<R>(&self, question: impl FnOnce(ElementRef<'_>) -> R) -> R {
        let green = self.syntax.green();
        let view = ElementRef::new(&green, self.syntax.text_range().start())
            .expect("an Element wraps an ELEMENT node");
        question(view)
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
    pub fn attribute_value_with_range(&self, name: &str) -> Option<(String, TextRange)> {
        self.with_view(|view| {
            view.attribute_value_with_range(name)
                .map(|(value, range)| (value.into_owned(), range))
        })
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
        self.with_view(|view| view.text().into_owned())
    }

    /// The range of the element's content, between its start and end tags (or the empty range
    /// after the start tag when there is no content).
    pub fn content_range(&self) -> TextRange {
        self.with_view(|view| view.content_range())
    }

    /// The character data (unescaped, untrimmed) and the range of its trimmed text, in one
    /// pass over the element's children.
    pub fn text_with_range(&self) -> (String, Option<TextRange>) {
        self.with_view(|view| {
            let (text, range) = view.text_with_range();
            (text.into_owned(), range)
        })
    }

    /// The range of the trimmed text inside the element, if it has any non-blank text.
    pub fn text_range(&self) -> Option<TextRange> {
        self.with_view(|view| view.text_range())
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

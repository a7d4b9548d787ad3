//! Lossless, error-recovering syntax trees for Azure AD B2C policy XML.
//!
//! [`parse`] turns any text into a rowan tree whose text is exactly the input, plus the syntax
//! errors found on the way. It never fails and never panics. Typed views over the tree live in
//! [`ast`]; [`LineIndex`] converts offsets to lines and columns. This crate knows XML and
//! rowan, nothing of B2C or LSP.

pub mod ast;
mod builder;
mod entity;
pub mod format;
mod kind;
mod lexer;
mod line_index;
mod parser;
pub mod view;

pub use entity::unescape;
pub use kind::{PolicyXml, SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken};
pub use line_index::{LineCol, LineIndex};
pub use parser::MAX_NESTING;
pub use rowan::{GreenNode, TextRange, TextSize, WalkEvent};

/// A syntax error: what is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub range: TextRange,
}

impl SyntaxError {
    pub fn new(message: impl Into<String>, range: TextRange) -> Self {
        SyntaxError {
            message: message.into(),
            range,
        }
    }
}

/// The result of parsing: a green tree (cheap to clone, `Send`) and the syntax errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parse {
    green: GreenNode,
    errors: Vec<SyntaxError>,
}

impl Parse {
    pub fn green(&self) -> &GreenNode {
        &self.green
    }

    /// A fresh red tree over the green one. Red nodes are not `Send`: build one per use.
    pub fn syntax(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    pub fn document(&self) -> ast::Document {
        ast::Document {
            syntax: self.syntax(),
        }
    }

    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }
}

/// Parses policy XML. Always produces a tree; `tree.text() == text` for every input.
pub fn parse(text: &str) -> Parse {
    let (green, errors) = parser::parse_text(text);
    Parse { green, errors }
}

/// Renders the tree one node or token per line, indented: `KIND@start..end` for nodes and
/// `KIND@start..end "text"` for tokens (text as a Rust string literal).
pub fn debug_tree(node: &SyntaxNode) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mut depth = 0usize;
    for event in node.preorder_with_tokens() {
        match event {
            WalkEvent::Enter(element) => {
                let range = element.text_range();
                let (start, end) = (u32::from(range.start()), u32::from(range.end()));
                let indent = "  ".repeat(depth);
                match element {
                    rowan::NodeOrToken::Node(node) => {
                        let _ = writeln!(out, "{indent}{:?}@{start}..{end}", node.kind());
                        depth += 1;
                    }
                    rowan::NodeOrToken::Token(token) => {
                        let _ = writeln!(
                            out,
                            "{indent}{:?}@{start}..{end} {:?}",
                            token.kind(),
                            token.text()
                        );
                    }
                }
            }
            WalkEvent::Leave(rowan::NodeOrToken::Node(_)) => depth -= 1,
            WalkEvent::Leave(rowan::NodeOrToken::Token(_)) => {}
        }
    }
    out
}

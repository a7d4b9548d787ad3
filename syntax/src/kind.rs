//! The kinds of tokens and nodes in a policy-XML syntax tree.

/// Every token and node kind. Tokens come first, nodes after `DOCUMENT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u16)]
#[allow(non_camel_case_types)]
pub enum SyntaxKind {
    // Tokens.
    /// A byte-order mark at the very start of the file.
    BOM = 0,
    /// Whitespace inside a tag, or a whitespace-only run of character data.
    WHITESPACE,
    /// Character data between tags, entity references included verbatim.
    TEXT,
    /// `<`
    L_ANGLE,
    /// `</`
    L_ANGLE_SLASH,
    /// `>`
    R_ANGLE,
    /// `/>`
    SLASH_R_ANGLE,
    /// An element, attribute or processing-instruction target name.
    NAME,
    /// `=`
    EQ,
    /// `"` or `'` around an attribute value.
    QUOTE,
    /// The text between the quotes of an attribute value, entity references verbatim.
    ATTR_VALUE_TEXT,
    /// `<!--`
    COMMENT_START,
    /// The body of a comment.
    COMMENT_TEXT,
    /// `-->`
    COMMENT_END,
    /// `<![CDATA[`
    CDATA_START,
    /// The body of a CDATA section.
    CDATA_TEXT,
    /// `]]>`
    CDATA_END,
    /// `<?`
    PI_START,
    /// The body of a processing instruction (after its target).
    PI_TEXT,
    /// `?>`
    PI_END,
    /// `<!DOCTYPE`
    DOCTYPE_START,
    /// The body of a DOCTYPE declaration, internal subset included; never expanded.
    DOCTYPE_TEXT,
    /// Bytes the lexer could not place anywhere else.
    ERROR_TOKEN,

    // Nodes.
    /// The root of every tree.
    DOCUMENT,
    /// `<?xml ...?>`
    XML_DECL,
    /// `<?target ...?>`
    PROCESSING_INSTRUCTION,
    /// `<!DOCTYPE ...>`
    DOCTYPE,
    /// `<!-- ... -->`
    COMMENT,
    /// `<![CDATA[ ... ]]>`
    CDATA,
    /// An element: its start tag, content and end tag.
    ELEMENT,
    /// `<Name attr="v">` or `<Name/>`
    START_TAG,
    /// `</Name>`
    END_TAG,
    /// `name="value"`
    ATTRIBUTE,
    /// `"value"` with its quotes.
    ATTR_VALUE,
    /// Something that is kept but does not fit the grammar, e.g. a stray end tag.
    ERROR,
}

impl SyntaxKind {
    pub fn is_token(self) -> bool {
        (self as u16) < (SyntaxKind::DOCUMENT as u16)
    }

    fn from_raw(raw: u16) -> SyntaxKind {
        assert!(raw <= SyntaxKind::ERROR as u16, "invalid SyntaxKind {raw}");
        // SAFETY: `SyntaxKind` is `repr(u16)` with contiguous discriminants from 0 to ERROR.
        unsafe { std::mem::transmute::<u16, SyntaxKind>(raw) }
    }
}

impl From<SyntaxKind> for rowan::SyntaxKind {
    fn from(kind: SyntaxKind) -> Self {
        rowan::SyntaxKind(kind as u16)
    }
}

/// The rowan language tag of policy XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyXml {}

impl rowan::Language for PolicyXml {
    type Kind = SyntaxKind;

    fn kind_from_raw(raw: rowan::SyntaxKind) -> SyntaxKind {
        SyntaxKind::from_raw(raw.0)
    }

    fn kind_to_raw(kind: SyntaxKind) -> rowan::SyntaxKind {
        kind.into()
    }
}

pub type SyntaxNode = rowan::SyntaxNode<PolicyXml>;
pub type SyntaxToken = rowan::SyntaxToken<PolicyXml>;
pub type SyntaxElement = rowan::SyntaxElement<PolicyXml>;

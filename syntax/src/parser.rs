//! The error-recovering parser: drives the lexer's modes and builds a lossless rowan tree.

use std::cell::RefCell;

use rowan::{GreenNode, TextRange, TextSize};

use crate::builder::{ElementKey, GreenCache, Reuse, TreeBuilder};
use crate::lexer::{indentation, is_name_start, lex, name_end, Lexed, Mode};
use crate::SyntaxKind::{self, *};
use crate::{entity, SyntaxError};

/// Elements nested deeper than this are kept flat in the tree (their tags and content stay,
/// the element nodes do not nest further). Real policies nest about ten levels deep; the cap
/// keeps building, walking and dropping the tree free of deep recursion.
pub const MAX_NESTING: usize = 512;

struct OpenElement {
    /// Where its name is in the text.
    name_range: TextRange,
    /// Whether an ELEMENT node was started for it (false beyond `MAX_NESTING`).
    nested: bool,
    /// Where its start tag starts.
    start: usize,
    /// How many errors were found before it: when it ends with no more, it can be shared.
    errors_before: usize,
    /// Where to keep it for reuse, if it can be kept.
    key: Option<ElementKey>,
    /// The height of its highest child element so far (0 for none).
    children_height: usize,
    /// Whether a mismatched end tag was met while it was the innermost open element: that
    /// error already says its end tag is wrong, so a missing end tag is not reported again.
    mismatched_end: bool,
}

thread_local! {
    /// Tokens, tags and small elements shared by the parses of one thread: re-parsing a file
    /// after a keystroke finds nearly every short token, tag and small element already built. Its tables have a
    /// fixed size, so unlike rowan's `NodeCache` it needs no renewal to stay bounded.
    static CACHE: RefCell<GreenCache> = RefCell::new(GreenCache::default());
}

/// Parses with this thread's cache.
pub(crate) fn parse_text(text: &str) -> (GreenNode, Vec<SyntaxError>) {
    CACHE.with(|cell| match cell.try_borrow_mut() {
        Ok(mut cache) => Parser::new(text, TreeBuilder::new(text, &mut cache)).parse(),
        // Re-entered on this thread (cannot happen today): parse with a private cache.
        Err(_) => Parser::new(text, TreeBuilder::new(text, &mut GreenCache::default())).parse(),
    })
}

pub(crate) struct Parser<'t, 'c> {
    text: &'t str,
    pos: usize,
    builder: TreeBuilder<'t, 'c>,
    errors: Vec<SyntaxError>,
    open: Vec<OpenElement>,
    /// The names of the attributes of the current start tag, kept to reuse the allocation.
    attribute_names: Vec<(usize, usize)>,
    /// The same names as a set, once a tag has so many attributes that a linear search per
    /// attribute would make the tag quadratic.
    attribute_set: std::collections::HashSet<&'t str>,
    nested_depth: usize,
    seen_root: bool,
    reported_depth: bool,
    /// Whether to take the shortcuts past the lexer for indentation and end tags: false only
    /// in tests, for trees to compare with.
    shortcuts: bool,
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32))
}

impl<'t, 'c> Parser<'t, 'c> {
    pub(crate) fn new(text: &'t str, builder: TreeBuilder<'t, 'c>) -> Self {
        Parser {
            text,
            pos: 0,
            errors: Vec::new(),
            open: Vec::new(),
            attribute_names: Vec::new(),
            attribute_set: std::collections::HashSet::new(),
            nested_depth: 0,
            seen_root: false,
            reported_depth: false,
            shortcuts: builder.shares_nodes(),
            builder,
        }
    }

    fn error(&mut self, message: impl Into<String>, start: usize, end: usize) {
        self.errors
            .push(SyntaxError::new(message, range(start, end)));
    }

    fn peek(&self, mode: Mode) -> Option<Lexed> {
        lex(self.text, self.pos, mode)
    }

    fn bump(&mut self, lexed: Lexed) {
        self.builder.token(lexed.kind, self.pos, lexed.end);
        self.pos = lexed.end;
    }

    /// Takes the next token when it has `kind`.
    fn eat(&mut self, mode: Mode, kind: SyntaxKind) -> Option<(usize, usize)> {
        let lexed = self.peek(mode).filter(|lexed| lexed.kind == kind)?;
        let start = self.pos;
        self.bump(lexed);
        Some((start, lexed.end))
    }

    pub(crate) fn parse(mut self) -> (GreenNode, Vec<SyntaxError>) {
        self.builder.start_node(DOCUMENT);
        if self.text.starts_with('\u{FEFF}') {
            self.bump(Lexed { kind: BOM, end: 3 });
        }
        loop {
            // Between tags nearly all whitespace is indentation, found without lexing.
            if let Some((end, crlf)) =
                indentation(self.text.as_bytes(), self.pos).filter(|_| self.shortcuts)
            {
                self.builder.indentation(self.pos, end, crlf);
                self.pos = end;
            }
            let Some(lexed) = self.peek(Mode::Content) else {
                break;
            };
            let start = self.pos;
            match lexed.kind {
                TEXT => {
                    if self.open.is_empty() {
                        self.error("text outside the root element", start, lexed.end);
                    }
                    entity::check(self.text, start, lexed.end, &mut self.errors);
                    self.bump(lexed);
                }
                WHITESPACE => self.bump(lexed),
                COMMENT_START => self.delimited(COMMENT, Mode::Comment, COMMENT_END, "comment"),
                CDATA_START => {
                    if self.open.is_empty() {
                        self.error("CDATA section outside the root element", start, lexed.end);
                    }
                    self.delimited(CDATA, Mode::Cdata, CDATA_END, "CDATA section")
                }
                PI_START => self.processing_instruction(),
                DOCTYPE_START => self.doctype(),
                L_ANGLE => self.start_tag(),
                L_ANGLE_SLASH => self.end_tag(),
                _ => {
                    self.error("unknown markup declaration", start, lexed.end);
                    self.builder.start_node(ERROR);
                    self.bump(lexed);
                    self.builder.finish_node();
                }
            }
        }
        while let Some(element) = self.open.pop() {
            self.missing_end_tag(&element);
            self.finish_element(element);
        }
        if !self.seen_root {
            self.error("the document has no root element", 0, 0);
        }
        self.builder.finish_node();
        (self.builder.finish(), self.errors)
    }

    fn name(&self, element: &OpenElement) -> &'t str {
        &self.text[element.name_range]
    }

    /// Finishes the element that ends at `self.pos` (popped from `open`, or never pushed);
    /// keeps it for reuse when nothing in it went wrong.
    fn finish_element(&mut self, element: OpenElement) {
        let height = element.children_height + 1;
        if element.nested {
            self.builder.finish_node();
            self.nested_depth -= 1;
            // Error-free, and every element inside it nested, so nested the same wherever it
            // is reused at a depth that leaves room for its height.
            if let Some(key) = element.key {
                if self.errors.len() == element.errors_before
                    && self.nested_depth + height <= MAX_NESTING
                {
                    self.builder
                        .keep_element(key, element.start, self.pos, height);
                }
            }
        }
        self.child_finished(height);
    }

    /// Tells the open element that a child element of `height` ended in it.
    fn child_finished(&mut self, height: usize) {
        if let Some(parent) = self.open.last_mut() {
            parent.children_height = parent.children_height.max(height);
        }
    }

    fn missing_end_tag(&mut self, element: &OpenElement) {
        if element.mismatched_end {
            return;
        }
        let message = format!("element `{}` has no end tag", self.name(element));
        self.errors
            .push(SyntaxError::new(message, element.name_range));
    }

    /// A comment or CDATA section: opener (already lexed), body, closer.
    fn delimited(&mut self, node: SyntaxKind, mode: Mode, end: SyntaxKind, what: &str) {
        let start = self.pos;
        self.builder.start_node(node);
        let opener = self.peek(Mode::Content).expect("opener was lexed");
        self.bump(opener);
        while let Some(lexed) = self.peek(mode) {
            self.bump(lexed);
            if lexed.kind == end {
                self.builder.finish_node();
                return;
            }
        }
        self.error(format!("unclosed {what}"), start, self.pos);
        self.builder.finish_node();
    }

    fn processing_instruction(&mut self) {
        let start = self.pos;
        let target_start = start + 2;
        let target_end = match lex(self.text, target_start, Mode::ProcessingInstruction) {
            Some(Lexed { kind: NAME, end }) => end,
            _ => target_start,
        };
        let is_xml_decl = self.text[target_start..target_end].eq_ignore_ascii_case("xml");
        if is_xml_decl && start != 0 && !(start == 3 && self.text.starts_with('\u{FEFF}')) {
            self.error(
                "the XML declaration must be at the very start of the file",
                start,
                target_end,
            );
        }
        if target_end == target_start {
            self.error(
                "expected a processing-instruction target",
                start,
                target_start,
            );
        }
        let kind = if is_xml_decl {
            XML_DECL
        } else {
            PROCESSING_INSTRUCTION
        };
        self.builder.start_node(kind);
        self.bump(Lexed {
            kind: PI_START,
            end: target_start,
        });
        if target_end > target_start {
            self.bump(Lexed {
                kind: NAME,
                end: target_end,
            });
        }
        while let Some(lexed) = self.peek(Mode::ProcessingInstruction) {
            let lexed = if lexed.kind == NAME {
                // Past the target everything up to `?>` is body text.
                Lexed {
                    kind: PI_TEXT,
                    end: self.text[self.pos..]
                        .find("?>")
                        .map_or(self.text.len(), |i| self.pos + i),
                }
            } else {
                lexed
            };
            self.bump(lexed);
            if lexed.kind == PI_END {
                self.builder.finish_node();
                return;
            }
        }
        self.error("unclosed processing instruction", start, self.pos);
        self.builder.finish_node();
    }

    fn doctype(&mut self) {
        let start = self.pos;
        if self.seen_root {
            self.error(
                "a DOCTYPE must come before the root element",
                start,
                start + 9,
            );
        }
        self.builder.start_node(DOCTYPE);
        self.bump(Lexed {
            kind: DOCTYPE_START,
            end: start + 9,
        });
        while let Some(lexed) = self.peek(Mode::Doctype) {
            self.bump(lexed);
            if lexed.kind == R_ANGLE {
                self.builder.finish_node();
                return;
            }
        }
        self.error("unclosed DOCTYPE declaration", start, self.pos);
        self.builder.finish_node();
    }

    fn start_tag(&mut self) {
        let start = self.pos;
        let errors_before = self.errors.len();
        let nested = self.nested_depth < MAX_NESTING;
        let second_root = self.open.is_empty() && self.seen_root;
        // Where an element gets no error from its surroundings (nested, not a second root),
        // it is a function of its text: an identical one built before is taken whole.
        let mut key = None;
        if nested && !second_root {
            match self
                .builder
                .reuse_element(start, MAX_NESTING - self.nested_depth)
            {
                Reuse::Element { end, height } => {
                    self.seen_root = true;
                    self.pos = end;
                    self.child_finished(height);
                    return;
                }
                Reuse::StartTag { end, key } => {
                    self.seen_root = true;
                    self.pos = end;
                    self.nested_depth += 1;
                    let name_start = start + 1;
                    self.open.push(OpenElement {
                        name_range: range(name_start, name_end(self.text, name_start)),
                        nested,
                        start,
                        errors_before,
                        key,
                        children_height: 0,
                        mismatched_end: false,
                    });
                    return;
                }
                Reuse::Nothing { key: missed } => key = missed,
            }
        }
        if self.open.is_empty() {
            if self.seen_root {
                self.error("a second root element", start, start + 1);
            }
            self.seen_root = true;
        }
        if nested {
            self.builder.start_node(ELEMENT);
            self.nested_depth += 1;
        } else if !self.reported_depth {
            self.reported_depth = true;
            self.error(
                format!("elements are nested more than {MAX_NESTING} levels deep; deeper levels are not analysed"),
                start,
                start + 1,
            );
        }
        // An error-free tag is a function of its text: it may be shared with earlier trees.
        self.builder.start_shared_node(START_TAG, start);
        let tag_errors_before = self.errors.len();
        self.bump(Lexed {
            kind: L_ANGLE,
            end: start + 1,
        });
        let name_range = self.tag_name(start);
        self.attribute_names.clear();
        self.attribute_set.clear();
        let mut opened = false;
        let mut closed = false;
        loop {
            let Some(lexed) = self.peek(Mode::Tag) else {
                self.error("expected `>` to end the start tag", start, self.pos);
                break;
            };
            match lexed.kind {
                WHITESPACE => self.bump(lexed),
                NAME => self.attribute(lexed),
                R_ANGLE => {
                    self.bump(lexed);
                    opened = name_range.is_some();
                    closed = true;
                    break;
                }
                SLASH_R_ANGLE => {
                    self.bump(lexed);
                    closed = true;
                    break;
                }
                QUOTE => {
                    self.error("attribute value without a name", self.pos, self.pos + 1);
                    self.builder.start_node(ERROR);
                    self.attribute_value();
                    self.builder.finish_node();
                }
                _ => {
                    let text = &self.text[self.pos..lexed.end];
                    self.error(format!("unexpected `{text}` in a tag"), self.pos, lexed.end);
                    self.bump(Lexed {
                        kind: ERROR_TOKEN,
                        end: lexed.end,
                    });
                }
            }
        }
        let reusable = closed && self.errors.len() == tag_errors_before;
        self.builder.finish_shared_node(self.pos, reusable);
        let element = OpenElement {
            name_range: name_range.unwrap_or_default(),
            nested,
            start,
            errors_before,
            key,
            children_height: 0,
            mismatched_end: false,
        };
        if opened {
            self.open.push(element);
        } else {
            self.finish_element(element);
        }
    }

    /// The element name right after `<` or `</`; reports a missing or malformed one.
    fn tag_name(&mut self, tag_start: usize) -> Option<TextRange> {
        match self.eat(Mode::Tag, NAME) {
            Some((start, end)) => {
                let name = &self.text[start..end];
                if !name.chars().next().is_some_and(is_name_start) {
                    self.error(format!("`{name}` is not a valid element name"), start, end);
                }
                Some(range(start, end))
            }
            None => {
                self.error("expected an element name", tag_start, self.pos);
                None
            }
        }
    }

    /// An attribute, from its name (already lexed) on.
    fn attribute(&mut self, name_token: Lexed) {
        self.builder.start_node(ATTRIBUTE);
        let (start, end) = (self.pos, name_token.end);
        self.bump(name_token);
        let text = self.text;
        let name = &text[start..end];
        if !name.chars().next().is_some_and(is_name_start) {
            self.error(
                format!("`{name}` is not a valid attribute name"),
                start,
                end,
            );
        }
        let duplicate = if self.attribute_names.len() < 32 {
            self.attribute_names
                .iter()
                .any(|&(s, e)| &text[s..e] == name)
        } else {
            if self.attribute_set.is_empty() {
                let names = self.attribute_names.iter().map(|&(s, e)| &text[s..e]);
                self.attribute_set.extend(names);
            }
            !self.attribute_set.insert(name)
        };
        if duplicate {
            self.error(format!("duplicate attribute `{name}`"), start, end);
        }
        self.attribute_names.push((start, end));
        // Whitespace belongs to the attribute only when an `=` follows it.
        let space = self.peek(Mode::Tag).filter(|l| l.kind == WHITESPACE);
        let after_space = space.map_or(self.pos, |l| l.end);
        let Some(eq @ Lexed { kind: EQ, .. }) = lex(self.text, after_space, Mode::Tag) else {
            self.error(format!("attribute `{name}` has no value"), start, end);
            self.builder.finish_node();
            return;
        };
        if let Some(space) = space {
            self.bump(space);
        }
        self.bump(eq);
        self.eat(Mode::Tag, WHITESPACE);
        match self.peek(Mode::Tag) {
            Some(Lexed { kind: QUOTE, .. }) => self.attribute_value(),
            Some(Lexed {
                kind: NAME | ERROR_TOKEN,
                ..
            }) => {
                let value_start = self.pos;
                let value_end = self.text[value_start..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '<' || c == '/')
                    .map_or(self.text.len(), |i| value_start + i)
                    .max(value_start + 1);
                self.error(
                    format!("the value of `{name}` must be quoted"),
                    value_start,
                    value_end,
                );
                self.bump(Lexed {
                    kind: ERROR_TOKEN,
                    end: value_end,
                });
            }
            _ => self.error(format!("attribute `{name}` has no value"), start, end),
        }
        self.builder.finish_node();
    }

    fn attribute_value(&mut self) {
        let start = self.pos;
        let quote = self.text.as_bytes()[start];
        self.builder.start_node(ATTR_VALUE);
        self.bump(Lexed {
            kind: QUOTE,
            end: start + 1,
        });
        if let Some(lexed) = self
            .peek(Mode::AttrValue(quote))
            .filter(|l| l.kind == ATTR_VALUE_TEXT)
        {
            entity::check(self.text, self.pos, lexed.end, &mut self.errors);
            self.bump(lexed);
        }
        if self.eat(Mode::AttrValue(quote), QUOTE).is_none() {
            self.error("unclosed attribute value", start, self.pos);
        }
        self.builder.finish_node();
    }

    fn end_tag(&mut self) {
        let start = self.pos;
        // Nearly every end tag is `</Name>` for the open element `Name`: no need to lex it.
        if let Some(open) = self.open.last().filter(|_| self.shortcuts) {
            let name = self.text[open.name_range].as_bytes();
            let name_end = start + 2 + name.len();
            let bytes = self.text.as_bytes();
            if bytes[start + 2..].starts_with(name) && bytes.get(name_end) == Some(&b'>') {
                self.builder.end_tag(start, name_end + 1);
                self.pos = name_end + 1;
                let element = self.open.pop().expect("an open element");
                self.finish_element(element);
                return;
            }
        }
        // Lex the whole end tag first: which element it closes decides where it goes.
        // At most `</`, name, whitespace and `>`: no allocation needed.
        let mut tokens = [Lexed {
            kind: L_ANGLE_SLASH,
            end: start + 2,
        }; 4];
        let mut count = 1;
        let mut pos = start + 2;
        let mut name = None;
        if let Some(lexed @ Lexed { kind: NAME, end }) = lex(self.text, pos, Mode::Tag) {
            name = Some((pos, end));
            tokens[count] = lexed;
            count += 1;
            pos = end;
        }
        if let Some(
            lexed @ Lexed {
                kind: WHITESPACE,
                end,
            },
        ) = lex(self.text, pos, Mode::Tag)
        {
            tokens[count] = lexed;
            count += 1;
            pos = end;
        }
        let closed = matches!(
            lex(self.text, pos, Mode::Tag),
            Some(Lexed { kind: R_ANGLE, .. })
        );
        if closed {
            tokens[count] = Lexed {
                kind: R_ANGLE,
                end: pos + 1,
            };
            count += 1;
        } else {
            self.error("expected `>` to end the end tag", start, pos);
        }
        let Some((name_start, name_end)) = name else {
            self.error("expected an element name", start, start + 2);
            self.emit_end_tag(&tokens[..count], true);
            return;
        };
        let name = &self.text[name_start..name_end];
        match self
            .open
            .iter()
            .rposition(|open| &self.text[open.name_range] == name)
        {
            Some(index) => {
                while self.open.len() > index + 1 {
                    let element = self.open.pop().expect("checked length");
                    self.missing_end_tag(&element);
                    self.finish_element(element);
                }
                let element = self.open.pop().expect("index is in bounds");
                self.emit_end_tag(&tokens[..count], false);
                self.finish_element(element);
            }
            None => {
                let message = match self.open.last() {
                    Some(open) => format!(
                        "end tag `</{name}>` does not match the open element `{}`",
                        self.name(open)
                    ),
                    None => format!("end tag `</{name}>` has no start tag"),
                };
                self.error(message, name_start, name_end);
                if let Some(open) = self.open.last_mut() {
                    open.mismatched_end = true;
                }
                self.emit_end_tag(&tokens[..count], true);
            }
        }
    }

    fn emit_end_tag(&mut self, tokens: &[Lexed], as_error: bool) {
        if as_error {
            self.builder.start_node(ERROR);
        }
        // A named, closed end tag is a function of its text: it may be shared with earlier
        // trees.
        let reusable = matches!(
            tokens,
            [_, Lexed { kind: NAME, .. }, .., Lexed { kind: R_ANGLE, .. }]
        );
        self.builder.start_shared_node(END_TAG, self.pos);
        for &token in tokens {
            self.bump(token);
        }
        self.builder.finish_shared_node(self.pos, reusable);
        if as_error {
            self.builder.finish_node();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn parse_with(text: &str, cache: &mut GreenCache) -> (GreenNode, Vec<SyntaxError>) {
        Parser::new(text, TreeBuilder::new(text, cache)).parse()
    }

    fn collect(dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<_> = entries.flatten().map(|entry| entry.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                collect(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "xml") {
                out.extend(std::fs::read_to_string(&path).ok());
            }
        }
    }

    /// Texts where a shared element could be taken where it would not be built the same.
    fn tricky_texts() -> Vec<String> {
        let deep = |depth: usize, inner: &str| {
            format!("{}{inner}{}", "<d>".repeat(depth), "</d>".repeat(depth))
        };
        let mut texts = vec![
            r#"<r><x a="1"/></r><x a="1"/>"#.to_string(),
            r#"<x a="1"/><r><x a="1"/></r>"#.to_string(),
            r#"<r><x a=">">t</x><x a=">">t</x><x a=">">u</x></r>"#.to_string(),
            "<r><x>&bad;</x><x>&bad;</x><x>&amp;</x><x>&amp;</x></r>".to_string(),
            "<r><x>1</x><x>2</x><x>1</x><x>1</xy><x>1</x ></r>".to_string(),
            "<r><x><y/></x><x><y/></x><x><y></x></r>".to_string(),
            "<r><x>1</x><x>1</x".to_string(),
            "<r><x>1</x>\n<x>1</x><r><x>1</x></r></r>".to_string(),
        ];
        for depth in [
            MAX_NESTING - 3,
            MAX_NESTING - 2,
            MAX_NESTING - 1,
            MAX_NESTING,
        ] {
            texts.push(deep(depth, "<b><c/></b><b><c/></b><c/>"));
        }
        texts.push(format!(
            "<r>{}<b><c/></b></r>",
            deep(MAX_NESTING + 1, "<b><c/></b>")
        ));
        texts
    }

    /// Sharing tags and elements between trees, and the parser's shortcuts, never change a
    /// tree or its errors: every fixture, example and corpus file parses, twice over one cache,
    /// exactly as it does without shared nodes or shortcuts.
    #[test]
    fn shared_nodes_build_the_same_trees() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = tricky_texts();
        for dir in ["test_data", "../examples", "../../shared/corpus"] {
            collect(&manifest.join(dir), &mut texts);
        }
        let expected: Vec<_> = texts
            .iter()
            .map(|text| parse_with(text, &mut GreenCache::without_shared_nodes()))
            .collect();
        let mut cache = GreenCache::default();
        for pass in 0..2 {
            for (text, expected) in texts.iter().zip(&expected) {
                let actual = parse_with(text, &mut cache);
                if actual != *expected {
                    let show = |green: &GreenNode| {
                        crate::debug_tree(&crate::SyntaxNode::new_root(green.clone()))
                    };
                    assert_eq!(
                        (show(&actual.0), &actual.1),
                        (show(&expected.0), &expected.1),
                        "pass {pass} over {text:?}"
                    );
                }
            }
        }
    }
}

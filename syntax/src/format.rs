//! A formatter over the lossless tree that changes nothing but the whitespace between markup
//! in element-only content: each child on a line that a newline already started is indented to
//! its depth, and the end tag to its element's. Everything else is kept as written: comments,
//! CDATA, entity references, attribute order, quoting and the whitespace inside tags, text
//! content (an element with any text is left alone), line endings (the file's own), and
//! children that share a line. At most one blank line is kept between children. A file with
//! syntax errors is not formatted: its tree is the parser's guess, not the author's.
//!
//! Formatting is idempotent: formatted text formats to itself.

use rowan::TextRange;

use crate::{parse, SyntaxKind, SyntaxNode};

/// How to indent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatOptions {
    /// Columns per level (ignored with tabs).
    pub tab_size: u32,
    /// Spaces, or one tab per level.
    pub insert_spaces: bool,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            tab_size: 2,
            insert_spaces: true,
        }
    }
}

/// One replacement of a whitespace run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// Why a text was not formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFormatted {
    pub reason: String,
    /// Where the first syntax error is, when that is the reason.
    pub at: Option<TextRange>,
}

/// The edits that format `text` (only those touching `range`, when given), in order.
pub fn format_edits(
    text: &str,
    options: FormatOptions,
    range: Option<TextRange>,
) -> Result<Vec<FormatEdit>, NotFormatted> {
    let parse = parse(text);
    if let Some(error) = parse.errors().first() {
        return Err(NotFormatted {
            reason: format!(
                "the file has syntax errors ({}); fix them first, the formatter does not guess",
                error.message
            ),
            at: Some(error.range),
        });
    }
    let newline = if text.contains("\r\n") {
        "\r\n"
    } else if text.contains('\n') {
        "\n"
    } else if text.contains('\r') {
        "\r"
    } else {
        "\n"
    };
    let unit = if options.insert_spaces {
        " ".repeat(options.tab_size.clamp(1, 16) as usize)
    } else {
        "\t".to_owned()
    };
    let mut edits = Vec::new();
    // Elements only, each with its depth: in a document without syntax errors an element's
    // child elements are its direct children, and nothing below its tags (attributes and
    // their values) needs a node built.
    let mut elements: Vec<(SyntaxNode, usize)> = parse
        .syntax()
        .children()
        .filter(|n| n.kind() == SyntaxKind::ELEMENT)
        .map(|n| (n, 0))
        .collect();
    while let Some((element, depth)) = elements.pop() {
        indent_content(&element, depth, newline, &unit, range, &mut edits);
        elements.extend(
            element
                .children()
                .filter(|n| n.kind() == SyntaxKind::ELEMENT)
                .map(|n| (n, depth + 1)),
        );
    }
    // Elements are visited depth first from the last: put the edits in text order.
    edits.sort_by_key(|e| e.range.start());
    Ok(edits)
}

/// `text` formatted, or why it was not.
pub fn format(text: &str, options: FormatOptions) -> Result<String, NotFormatted> {
    let edits = format_edits(text, options, None)?;
    Ok(apply(text, &edits))
}

/// Applies ordered, non-overlapping edits.
pub fn apply(text: &str, edits: &[FormatEdit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    for edit in edits {
        let start = usize::from(edit.range.start());
        out.push_str(&text[last..start]);
        out.push_str(&edit.new_text);
        last = usize::from(edit.range.end());
    }
    out.push_str(&text[last..]);
    out
}

/// The edits for the whitespace directly inside `element` (at `depth`), when its content is
/// element-only: child elements, comments and the like, with whitespace between them.
fn indent_content(
    element: &SyntaxNode,
    depth: usize,
    newline: &str,
    unit: &str,
    range: Option<TextRange>,
    edits: &mut Vec<FormatEdit>,
) {
    let mut has_child_element = false;
    let mut has_end_tag = false;
    for child in element.children_with_tokens() {
        match child.kind() {
            SyntaxKind::TEXT | SyntaxKind::CDATA | SyntaxKind::ERROR | SyntaxKind::ERROR_TOKEN => {
                return
            }
            SyntaxKind::ELEMENT => has_child_element = true,
            SyntaxKind::END_TAG => has_end_tag = true,
            _ => {}
        }
    }
    if !has_child_element || !has_end_tag {
        return;
    }
    for child in element.children_with_tokens() {
        let Some(token) = child.as_token() else {
            continue;
        };
        if token.kind() != SyntaxKind::WHITESPACE {
            continue;
        }
        let ws = token.text();
        let lines = line_breaks(ws);
        if lines == 0 {
            continue;
        }
        let before_end_tag = token
            .next_sibling_or_token()
            .is_some_and(|next| next.kind() == SyntaxKind::END_TAG);
        let level = if before_end_tag { depth } else { depth + 1 };
        let breaks = lines.min(2);
        // Most whitespace of a formatted file is already right: compare before allocating.
        if ws.len() == breaks * newline.len() + level * unit.len()
            && ws
                .as_bytes()
                .chunks(newline.len())
                .take(breaks)
                .all(|c| c == newline.as_bytes())
            && ws.as_bytes()[breaks * newline.len()..]
                .chunks(unit.len())
                .all(|c| c == unit.as_bytes())
        {
            continue;
        }
        let mut new_text = newline.repeat(breaks);
        new_text.push_str(&unit.repeat(level));
        let token_range = token.text_range();
        if range.is_some_and(|r| r.intersect(token_range).is_none()) {
            continue;
        }
        edits.push(FormatEdit {
            range: token_range,
            new_text,
        });
    }
}

/// How many line breaks a whitespace run holds (CRLF counts once, a lone CR too).
fn line_breaks(ws: &str) -> usize {
    let bytes = ws.as_bytes();
    let mut count = 0;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'\n' => count += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => count += 1,
            _ => {}
        }
    }
    count
}

/// The text without the whitespace the formatter may change (between the children of
/// element-only content, and around the root): the sequence of everything else, for proving
/// that formatting changed nothing that matters.
pub fn significant_tokens(text: &str) -> Vec<(SyntaxKind, String)> {
    let parse = parse(text);
    let root = parse.syntax();
    let mut element_only: std::collections::HashMap<TextRange, bool> = Default::default();
    let mut out = Vec::new();
    for element in root.descendants_with_tokens() {
        let Some(token) = element.as_token() else {
            continue;
        };
        if token.kind() == SyntaxKind::WHITESPACE {
            let insignificant = token.parent().is_some_and(|p| match p.kind() {
                SyntaxKind::DOCUMENT => true,
                SyntaxKind::ELEMENT => *element_only.entry(p.text_range()).or_insert_with(|| {
                    let kinds: Vec<SyntaxKind> =
                        p.children_with_tokens().map(|c| c.kind()).collect();
                    kinds.contains(&SyntaxKind::ELEMENT)
                        && !kinds.iter().any(|k| {
                            matches!(k, SyntaxKind::TEXT | SyntaxKind::CDATA | SyntaxKind::ERROR)
                        })
                }),
                _ => false,
            });
            if insignificant {
                continue;
            }
        }
        out.push((token.kind(), token.text().to_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        format(text, FormatOptions::default()).expect("formats")
    }

    #[test]
    fn reindents_element_only_content_and_keeps_the_rest() {
        let text = "<a>\n      <b x='1'   y=\"2\">keep  this</b>\n<!-- c -->\n\n\n   <d/><e/>\n        </a>";
        assert_eq!(
            fmt(text),
            "<a>\n  <b x='1'   y=\"2\">keep  this</b>\n  <!-- c -->\n\n  <d/><e/>\n</a>"
        );
    }

    #[test]
    fn idempotent_and_crlf_kept() {
        let text = "<a>\r\n<b>\r\n<c/>\r\n</b>\r\n</a>\r\n";
        let once = fmt(text);
        assert_eq!(once, "<a>\r\n  <b>\r\n    <c/>\r\n  </b>\r\n</a>\r\n");
        assert_eq!(fmt(&once), once);
    }

    #[test]
    fn tabs_ranges_and_broken_files() {
        let text = "<a>\n<b/>\n<c/>\n</a>";
        let tabs = FormatOptions {
            tab_size: 4,
            insert_spaces: false,
        };
        assert_eq!(
            format(text, tabs).expect("formats"),
            "<a>\n\t<b/>\n\t<c/>\n</a>"
        );
        // Only the whitespace before <c/> (offsets 8..9) is in range.
        let edits =
            format_edits(text, tabs, Some(TextRange::new(8.into(), 9.into()))).expect("formats");
        assert_eq!(edits.len(), 1);
        assert_eq!(apply(text, &edits), "<a>\n<b/>\n\t<c/>\n</a>");
        assert!(format("<a><b></a>", FormatOptions::default()).is_err());
    }

    #[test]
    fn text_content_and_whitespace_values_are_never_touched() {
        let text = "<a>\n<Item Key=\"k\">  </Item>\n<p>mixed <b/> text</p>\n</a>";
        let formatted = fmt(text);
        assert_eq!(
            formatted,
            "<a>\n  <Item Key=\"k\">  </Item>\n  <p>mixed <b/> text</p>\n</a>"
        );
        assert_eq!(significant_tokens(text), significant_tokens(&formatted));
    }

    #[test]
    fn nested_elements_come_out_in_text_order() {
        let text = "<a>\n<b>\n<c/>\n</b>\n<d>\n<e/>\n</d>\n</a>";
        assert_eq!(
            fmt(text),
            "<a>\n  <b>\n    <c/>\n  </b>\n  <d>\n    <e/>\n  </d>\n</a>"
        );
    }
}

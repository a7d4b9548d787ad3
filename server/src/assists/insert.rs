//! Writing a new element into a policy file the way its author writes: inside the right
//! section, creating the sections that are missing in schema order, with the file's own
//! indentation and line endings. Every insertion is one text edit on a file without syntax
//! errors, so that the file stays well-formed.

use syntax::ast::{AstNode, Element};
use syntax::{SyntaxKind, TextRange, TextSize};

use crate::catalog;
use crate::index::FileData;

/// The indentation unit and line ending a file uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub unit: String,
    pub newline: &'static str,
}

impl Layout {
    /// The file's line ending (CRLF when it has one) and its indentation unit: a tab when the
    /// elements are indented with tabs, else the smallest indentation of a line that starts
    /// with a tag (two spaces when nothing is indented).
    pub fn of(text: &str) -> Layout {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut smallest: Option<usize> = None;
        for line in text.lines() {
            let rest = line.trim_start_matches([' ', '\t']);
            if !rest.starts_with('<') || rest.len() == line.len() {
                continue;
            }
            if line.starts_with('\t') {
                return Layout {
                    unit: "\t".to_owned(),
                    newline,
                };
            }
            let width = line.len() - rest.len();
            smallest = Some(smallest.map_or(width, |s| s.min(width)));
        }
        Layout {
            unit: " ".repeat(smallest.unwrap_or(2)),
            newline,
        }
    }
}

/// Lines of XML to write, each with its depth below the element that receives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    pub lines: Vec<(usize, String)>,
    /// The line the cursor goes to afterwards (at its end), if any.
    pub cursor: Option<usize>,
}

impl Lines {
    pub fn push(&mut self, depth: usize, line: impl Into<String>) {
        self.lines.push((depth, line.into()));
    }

    /// The lines one level deeper, between an opening and a closing line.
    fn wrapped(self, open: String, preamble: &[String], close: String) -> Lines {
        let mut out = Lines::default();
        out.push(0, open);
        for line in preamble {
            out.push(1, line.clone());
        }
        let shift = out.lines.len();
        out.cursor = self.cursor.map(|c| c + shift);
        out.lines.extend(
            self.lines
                .into_iter()
                .map(|(depth, line)| (depth + 1, line)),
        );
        out.push(0, close);
        out
    }

    /// The text of the lines at `indent`, joined by `newline`, and the offset of the cursor
    /// in it. The first line gets no indentation when `indent_first` is false.
    fn render(&self, layout: &Layout, indent: &str, indent_first: bool) -> (String, Option<usize>) {
        let mut text = String::new();
        let mut cursor = None;
        for (i, (depth, line)) in self.lines.iter().enumerate() {
            if i > 0 {
                text.push_str(layout.newline);
            }
            if i > 0 || indent_first {
                text.push_str(indent);
                text.push_str(&layout.unit.repeat(*depth));
            }
            text.push_str(line);
            if self.cursor == Some(i) {
                cursor = Some(text.len());
            }
        }
        (text, cursor)
    }
}

/// One section level on the way to where the new element goes.
pub struct Level<'a> {
    pub name: &'a str,
    /// Whether an existing element of that name is the one to use (e.g. the ClaimsProvider
    /// with a given DisplayName); the first that is accepted is used.
    pub accepts: Box<dyn Fn(&Element) -> bool + 'a>,
    /// Lines written first inside the element when it has to be created.
    pub preamble: Vec<String>,
}

impl<'a> Level<'a> {
    /// A level that any element of the name satisfies.
    pub fn any(name: &'a str) -> Level<'a> {
        Level {
            name,
            accepts: Box::new(|_| true),
            preamble: Vec::new(),
        }
    }
}

/// The edit that writes `element` (lines whose first line opens an element called
/// `element_name`) below the root, inside the sections `levels`, creating the missing ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    pub range: TextRange,
    pub new_text: String,
    /// Where the cursor goes, as an offset into the text after the edit.
    pub cursor: Option<u32>,
}

/// Plans the insertion below the root; `None` when the file has syntax errors or no policy
/// root, where no edit can be promised to keep it well-formed.
pub fn insert(
    file: &FileData,
    levels: &[Level<'_>],
    element_name: &str,
    element: Lines,
) -> Option<Insertion> {
    let root = file.parse.document().root_element()?;
    insert_below(file, &root, levels, element_name, element)
}

/// Plans the insertion below `parent`, an element of the file's tree.
pub fn insert_below(
    file: &FileData,
    parent: &Element,
    levels: &[Level<'_>],
    element_name: &str,
    element: Lines,
) -> Option<Insertion> {
    if !file.parse.errors().is_empty() {
        return None;
    }
    let mut names: Vec<String> = parent
        .syntax()
        .ancestors()
        .filter_map(Element::cast)
        .map(|e| e.local_name())
        .collect();
    names.reverse();
    if names.first().map(String::as_str) != Some(catalog::root_element().name) {
        return None;
    }
    let layout = Layout::of(&file.text);
    let mut parent = parent.clone();
    for (i, level) in levels.iter().enumerate() {
        let existing = parent
            .child_elements()
            .find(|c| c.local_name() == level.name && (level.accepts)(c));
        match existing {
            Some(found) => {
                names.push(level.name.to_owned());
                parent = found;
            }
            None => {
                // Wrap the element in every missing level, innermost first.
                let mut lines = element;
                for missing in levels[i..].iter().rev() {
                    lines = lines.wrapped(
                        format!("<{}>", missing.name),
                        &missing.preamble,
                        format!("</{}>", missing.name),
                    );
                }
                return insert_child(file, &layout, &parent, &names, level.name, lines);
            }
        }
    }
    insert_child(file, &layout, &parent, &names, element_name, element)
}

/// The whitespace before `offset` on its line, when only whitespace precedes it there.
fn line_indent(text: &str, offset: usize) -> Option<&str> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    before
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then_some(before)
}

/// Writes `lines` as a child called `name` of `parent` (whose path from the root is
/// `parent_path`), in the schema's order of the parent's children.
fn insert_child(
    file: &FileData,
    layout: &Layout,
    parent: &Element,
    parent_path: &[String],
    name: &str,
    lines: Lines,
) -> Option<Insertion> {
    let text = &file.text;
    let start = |e: &Element| usize::from(e.syntax().text_range().start());
    let parent_indent = line_indent(text, start(parent))
        .map(str::to_owned)
        .unwrap_or_else(|| layout.unit.repeat(parent_path.len() - 1));
    let children: Vec<Element> = parent.child_elements().collect();
    let child_indent = children
        .first()
        .and_then(|c| line_indent(text, start(c)))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{parent_indent}{}", layout.unit));
    let path: Vec<&str> = parent_path.iter().map(String::as_str).collect();
    let order = |child: &str| {
        catalog::element_at(&path)
            .and_then(|spec| spec.children.iter().position(|c| c.name == child))
    };
    let rank = order(name);
    let after = children
        .iter()
        .rev()
        .find(|c| match (order(&c.local_name()), rank) {
            (Some(theirs), Some(ours)) => theirs <= ours,
            _ => false,
        });
    let before = children
        .iter()
        .find(|c| match (order(&c.local_name()), rank) {
            (Some(theirs), Some(ours)) => theirs > ours,
            _ => false,
        });
    let planned =
        |at: usize, end: usize, prefix: &str, body: (String, Option<usize>), suffix: &str| {
            let (body, cursor) = body;
            Insertion {
                range: TextRange::new(TextSize::from(at as u32), TextSize::from(end as u32)),
                new_text: format!("{prefix}{body}{suffix}"),
                cursor: cursor.map(|c| (at + prefix.len() + c) as u32),
            }
        };
    let nl = layout.newline;
    if let Some(sibling) = after.or(if before.is_none() {
        children.last()
    } else {
        None
    }) {
        let end = usize::from(sibling.syntax().text_range().end());
        return Some(planned(
            end,
            end,
            nl,
            lines.render(layout, &child_indent, true),
            "",
        ));
    }
    if let Some(sibling) = before {
        let at = start(sibling);
        let suffix = format!("{nl}{child_indent}");
        return Some(planned(
            at,
            at,
            "",
            lines.render(layout, &child_indent, false),
            &suffix,
        ));
    }
    // No child elements: open a self-closing parent, or fill an empty one.
    let start_tag = parent.start_tag()?;
    if start_tag.is_self_closing() {
        let close = start_tag
            .syntax()
            .children_with_tokens()
            .filter_map(|t| t.into_token())
            .find(|t| t.kind() == SyntaxKind::SLASH_R_ANGLE)?;
        let end = usize::from(close.text_range().end());
        let at = text[..usize::from(close.text_range().start())]
            .trim_end()
            .len();
        let suffix = format!("{nl}{parent_indent}</{}>", parent.local_name());
        return Some(planned(
            at,
            end,
            &format!(">{nl}"),
            lines.render(layout, &child_indent, true),
            &suffix,
        ));
    }
    parent.end_tag()?;
    let content = parent.content_range();
    let (from, to) = (usize::from(content.start()), usize::from(content.end()));
    if text[from..to].trim().is_empty() {
        let suffix = format!("{nl}{parent_indent}");
        return Some(planned(
            from,
            to,
            nl,
            lines.render(layout, &child_indent, true),
            &suffix,
        ));
    }
    // Only comments or text inside: write after them.
    let suffix = format!("{nl}{parent_indent}");
    let at = text[..to].trim_end().len();
    Some(planned(
        at,
        to,
        nl,
        lines.render(layout, &child_indent, true),
        &suffix,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn applied(text: &str, insertion: &Insertion) -> String {
        let mut out = text.to_owned();
        out.replace_range(
            usize::from(insertion.range.start())..usize::from(insertion.range.end()),
            &insertion.new_text,
        );
        out
    }

    fn claim(id: &str) -> Lines {
        let mut lines = Lines::default();
        lines.push(0, format!("<ClaimType Id=\"{id}\">"));
        lines.push(1, "<DataType>string</DataType>");
        lines.push(0, "</ClaimType>");
        lines
    }

    fn levels() -> Vec<Level<'static>> {
        vec![Level::any("BuildingBlocks"), Level::any("ClaimsSchema")]
    }

    fn run(text: &str) -> String {
        let file = FileData::new(PathBuf::from("/p.xml"), Arc::from(text), false);
        let insertion = insert(&file, &levels(), "ClaimType", claim("x")).expect("insertion");
        let out = applied(text, &insertion);
        assert!(syntax::parse(&out).errors().is_empty(), "{out}");
        out
    }

    const ROOT: &str = "<TrustFrameworkPolicy xmlns=\"http://schemas.microsoft.com/online/cpim/schemas/2013/06\" PolicyId=\"P\">";

    #[test]
    fn creates_the_sections_before_the_later_ones_with_the_files_tabs_and_crlf() {
        let text = format!(
            "{ROOT}\r\n\t<BasePolicy>\r\n\t\t<PolicyId>B</PolicyId>\r\n\t</BasePolicy>\r\n\t<ClaimsProviders />\r\n</TrustFrameworkPolicy>\r\n"
        );
        let expected = format!(
            "{ROOT}\r\n\t<BasePolicy>\r\n\t\t<PolicyId>B</PolicyId>\r\n\t</BasePolicy>\r\n\t<BuildingBlocks>\r\n\t\t<ClaimsSchema>\r\n\t\t\t<ClaimType Id=\"x\">\r\n\t\t\t\t<DataType>string</DataType>\r\n\t\t\t</ClaimType>\r\n\t\t</ClaimsSchema>\r\n\t</BuildingBlocks>\r\n\t<ClaimsProviders />\r\n</TrustFrameworkPolicy>\r\n"
        );
        assert_eq!(run(&text), expected);
    }

    #[test]
    fn appends_to_an_existing_section_and_opens_a_self_closing_one() {
        let text = format!(
            "{ROOT}\n    <BuildingBlocks>\n        <ClaimsSchema>\n            <ClaimType Id=\"a\" />\n        </ClaimsSchema>\n    </BuildingBlocks>\n</TrustFrameworkPolicy>\n"
        );
        let out = run(&text);
        assert!(out.contains("<ClaimType Id=\"a\" />\n            <ClaimType Id=\"x\">\n                <DataType>string</DataType>\n            </ClaimType>\n        </ClaimsSchema>"), "{out}");
        let text = format!("{ROOT}\n  <BuildingBlocks>\n    <ClaimsSchema/>\n  </BuildingBlocks>\n</TrustFrameworkPolicy>");
        let out = run(&text);
        assert!(out.contains("    <ClaimsSchema>\n      <ClaimType Id=\"x\">\n        <DataType>string</DataType>\n      </ClaimType>\n    </ClaimsSchema>\n  </BuildingBlocks>"), "{out}");
    }

    #[test]
    fn fills_an_empty_root_and_refuses_a_broken_file() {
        let text = format!("{ROOT}</TrustFrameworkPolicy>");
        let out = run(&text);
        assert!(
            out.contains(">\n  <BuildingBlocks>\n    <ClaimsSchema>"),
            "{out}"
        );
        let broken = format!("{ROOT}\n  <BuildingBlocks>\n</TrustFrameworkPolicy>");
        let file = FileData::new(PathBuf::from("/p.xml"), Arc::from(broken.as_str()), false);
        assert_eq!(insert(&file, &levels(), "ClaimType", claim("x")), None);
    }
}

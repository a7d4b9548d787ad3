//! Inline suppression: `<!-- b2c-lsp-ignore CODE[, CODE]... [: reason] -->` leaves out the
//! findings with those codes inside the element that follows the comment (its start tag to its end tag, children
//! included). The comment says what is accepted where it is accepted, as eslint's
//! `eslint-disable-next-line` does; a name that is no code is itself reported.

use syntax::{SyntaxKind, TextRange, TextSize};

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::index::FileData;

/// The comment's keyword.
const IGNORE: &str = "b2c-lsp-ignore";

/// One suppression comment: the codes it names and the element it covers.
#[derive(Debug)]
struct Suppression {
    codes: Vec<DiagnosticCode>,
    /// The element that follows the comment; None when nothing follows.
    covers: Option<TextRange>,
}

/// What the suppression comments of one file say, and the names in them that are no code.
#[derive(Debug, Default)]
pub(crate) struct Suppressions {
    list: Vec<Suppression>,
    unknown: Vec<(TextRange, String)>,
}

fn read(file: &FileData) -> Suppressions {
    let mut out = Suppressions::default();
    // A file without the keyword (nearly all) costs one substring search.
    if !file.text.contains(IGNORE) {
        return out;
    }
    for comment in file
        .parse
        .syntax()
        .descendants()
        .filter(|n| n.kind() == SyntaxKind::COMMENT)
    {
        let Some(body) = comment
            .children_with_tokens()
            .filter_map(|t| t.into_token())
            .find(|t| t.kind() == SyntaxKind::COMMENT_TEXT)
        else {
            continue;
        };
        let text = body.text();
        let trimmed = text.trim_start();
        let Some(rest) = trimmed.strip_prefix(IGNORE) else {
            continue;
        };
        // `b2c-lsp-ignore-file` and the like are other words, not this one.
        if rest.starts_with(|c: char| !c.is_whitespace()) {
            continue;
        }
        // The codes, then the reason after a colon (`--` cannot be written in a comment).
        let rest = rest.split(':').next().unwrap_or("");
        let rest_at = u32::from(body.text_range().start()) as usize + (text.len() - rest.len());
        let mut codes = Vec::new();
        let mut at = 0;
        for word in rest.split(|c: char| c.is_whitespace() || c == ',') {
            let start = rest_at + at;
            at += word.len() + 1;
            if word.is_empty() {
                continue;
            }
            match DiagnosticCode::from_name(word) {
                Some(code) => codes.push(code),
                None => out.unknown.push((
                    TextRange::new(
                        TextSize::from(start as u32),
                        TextSize::from((start + word.len()) as u32),
                    ),
                    word.to_owned(),
                )),
            }
        }
        let covers = std::iter::successors(comment.next_sibling(), |n| n.next_sibling())
            .find(|n| n.kind() == SyntaxKind::ELEMENT)
            .map(|n| n.text_range());
        out.list.push(Suppression { codes, covers });
    }
    out
}

/// Leaves out the suppressed findings of `file`, and adds one for each name that is no code.
pub(crate) fn apply(file: &FileData, diagnostics: &mut Vec<Diagnostic>) {
    let suppressions = file.memo("diagnostics::suppressions", read);
    if suppressions.list.is_empty() && suppressions.unknown.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        // A syntax error is never suppressed: the file does not read as the comment thinks.
        d.code == DiagnosticCode::SyntaxError
            || !suppressions.list.iter().any(|s| {
                s.covers.is_some_and(|range| range.contains_range(d.range))
                    && s.codes.contains(&d.code)
            })
    });
    for (range, name) in &suppressions.unknown {
        let hint = DiagnosticCode::nearest(name)
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        diagnostics.push(Diagnostic::new(
            *range,
            DiagnosticCode::SuppressionUnknownCode,
            format!(
                "`{name}` is not a b2c-lsp diagnostic code, so nothing is suppressed by it{hint}"
            ),
        ));
    }
}

//! Conversions between LSP's protocol types (URIs, UTF-16 positions) and the index's plain
//! data (paths, byte offsets). The only place that knows both.

use std::path::{Path, PathBuf};

use syntax::{LineCol, LineIndex, TextRange};
use tower_lsp::lsp_types::{self as lsp, Url};

use crate::diagnostics::{Diagnostic, Severity};
use crate::index::{FileData, SymbolKind};
use crate::navigation::{OutlineKind, OutlineNode};

pub fn path_of(uri: &Url) -> Option<PathBuf> {
    if uri.scheme() != "file" {
        return None;
    }
    uri.to_file_path().ok()
}

pub fn url_of(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

/// The byte offset of an LSP position; out-of-range positions are clamped.
pub fn offset(text: &str, index: &LineIndex, position: lsp::Position) -> u32 {
    index.from_utf16(
        text,
        LineCol {
            line: position.line,
            col: position.character,
        },
    )
}

pub fn position(text: &str, index: &LineIndex, offset: u32) -> lsp::Position {
    let at = index.to_utf16(text, offset);
    lsp::Position {
        line: at.line,
        character: at.col,
    }
}

pub fn range(text: &str, index: &LineIndex, range: TextRange) -> lsp::Range {
    lsp::Range {
        start: position(text, index, range.start().into()),
        end: position(text, index, range.end().into()),
    }
}

pub fn file_range(file: &FileData, r: TextRange) -> lsp::Range {
    range(&file.text, file.line_index(), r)
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// Converts a diagnostic; `locate` maps a related path and range to an LSP location.
pub fn diagnostic(
    file: &FileData,
    d: &Diagnostic,
    locate: impl Fn(&Path, TextRange) -> Option<lsp::Location>,
) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            Some(lsp::DiagnosticRelatedInformation {
                location: locate(&r.path, r.range)?,
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: file_range(file, d.range),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_owned())),
        source: Some("b2c-lsp".to_owned()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        code_description: Url::parse(&d.code.docs_url())
            .ok()
            .map(|href| lsp::CodeDescription { href }),
        data: None,
    }
}

pub fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::ClaimType => lsp::SymbolKind::FIELD,
        SymbolKind::Predicate | SymbolKind::PredicateValidation => lsp::SymbolKind::BOOLEAN,
        SymbolKind::ClaimsTransformation => lsp::SymbolKind::FUNCTION,
        SymbolKind::ContentDefinition | SymbolKind::LocalizedResources => lsp::SymbolKind::FILE,
        SymbolKind::DisplayControl | SymbolKind::ClientDefinition => lsp::SymbolKind::INTERFACE,
        SymbolKind::TechnicalProfile => lsp::SymbolKind::CLASS,
        SymbolKind::UserJourney | SymbolKind::SubJourney => lsp::SymbolKind::MODULE,
        SymbolKind::ClaimsExchange => lsp::SymbolKind::EVENT,
        SymbolKind::Policy => lsp::SymbolKind::PACKAGE,
    }
}

#[allow(deprecated)]
pub fn outline(file: &FileData, node: &OutlineNode) -> lsp::DocumentSymbol {
    let kind = match node.kind {
        OutlineKind::Policy => lsp::SymbolKind::PACKAGE,
        OutlineKind::Section => lsp::SymbolKind::NAMESPACE,
        OutlineKind::Symbol(kind) => symbol_kind(kind),
        OutlineKind::Step => lsp::SymbolKind::ENUM_MEMBER,
    };
    let range = file_range(file, node.range);
    let mut selection_range = file_range(file, node.selection_range);
    // The selection must lie inside the range, or clients reject the outline.
    if selection_range.start < range.start || selection_range.end > range.end {
        selection_range = range;
    }
    lsp::DocumentSymbol {
        name: if node.name.is_empty() {
            "(unnamed)".to_owned()
        } else {
            node.name.clone()
        },
        detail: node.detail.clone(),
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: Some(node.children.iter().map(|c| outline(file, c)).collect()),
    }
}

pub fn completion(file: &FileData, proposal: crate::ide::Completion) -> lsp::CompletionItem {
    use crate::ide::CompletionKind as Kind;
    let kind = match proposal.kind {
        Kind::Element => lsp::CompletionItemKind::CLASS,
        Kind::Attribute => lsp::CompletionItemKind::PROPERTY,
        Kind::Value => lsp::CompletionItemKind::ENUM_MEMBER,
        Kind::Reference => lsp::CompletionItemKind::REFERENCE,
        Kind::MetadataKey => lsp::CompletionItemKind::FIELD,
        Kind::Method => lsp::CompletionItemKind::FUNCTION,
        Kind::Resolver => lsp::CompletionItemKind::VARIABLE,
        Kind::Setting => lsp::CompletionItemKind::CONSTANT,
    };
    lsp::CompletionItem {
        label: proposal.label,
        kind: Some(kind),
        detail: proposal.detail,
        documentation: proposal.documentation.map(|value| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value,
            })
        }),
        insert_text_format: Some(if proposal.is_snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: file_range(file, proposal.replace_range),
            new_text: proposal.insert_text,
        })),
        ..Default::default()
    }
}

/// A fold, by lines: the last line stays visible when it closes the element or comment.
pub fn folding_range(
    file: &FileData,
    fold: &crate::ide::editing::Fold,
) -> Option<lsp::FoldingRange> {
    let range = file_range(file, fold.range);
    if range.end.line <= range.start.line {
        return None;
    }
    Some(lsp::FoldingRange {
        start_line: range.start.line,
        start_character: None,
        end_line: range.end.line - 1,
        end_character: None,
        kind: match fold.kind {
            crate::ide::editing::FoldKind::Comment => Some(lsp::FoldingRangeKind::Comment),
            crate::ide::editing::FoldKind::Region => Some(lsp::FoldingRangeKind::Region),
            crate::ide::editing::FoldKind::Element => None,
        },
        collapsed_text: None,
    })
}

/// The chain of selection ranges, innermost first, as the protocol nests them (outermost
/// last, each the parent of the one before); an empty chain selects the position itself.
pub fn selection_range(
    file: &FileData,
    ranges: &[TextRange],
    position: lsp::Position,
) -> lsp::SelectionRange {
    let mut selection: Option<lsp::SelectionRange> = None;
    for range in ranges.iter().rev() {
        selection = Some(lsp::SelectionRange {
            range: file_range(file, *range),
            parent: selection.map(Box::new),
        });
    }
    selection.unwrap_or(lsp::SelectionRange {
        range: lsp::Range {
            start: position,
            end: position,
        },
        parent: None,
    })
}

/// The position of `offset`, an offset into the text of `target` after `edits` are applied
/// (`before` is its text before them).
pub fn position_after(
    before: &str,
    edits: &[crate::assists::FileEdit],
    target: &Path,
    offset: u32,
) -> lsp::Position {
    let mut mine: Vec<&crate::assists::FileEdit> =
        edits.iter().filter(|e| e.path == target).collect();
    mine.sort_by_key(|e| std::cmp::Reverse(e.range.start()));
    let mut after = before.to_owned();
    for edit in mine {
        let range = usize::from(edit.range.start())..usize::from(edit.range.end());
        if after.get(range.clone()).is_some() {
            after.replace_range(range, &edit.new_text);
        }
    }
    let index = LineIndex::new(&after);
    position(&after, &index, offset.min(after.len() as u32))
}

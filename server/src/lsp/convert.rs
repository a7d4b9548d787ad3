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
    placed(file_range(file, d.range), d, related)
}

/// A diagnostic of a file outside the index (appsettings.json, b2c-lsp.toml), placed in its
/// text; such findings have no related locations.
pub fn diagnostic_in_text(text: &str, d: &Diagnostic) -> lsp::Diagnostic {
    let index = LineIndex::new(text);
    placed(range(text, &index, d.range), d, Vec::new())
}

/// The protocol's form of a diagnostic at `range`: the one place its fields are filled.
fn placed(
    range: lsp::Range,
    d: &Diagnostic,
    related: Vec<lsp::DiagnosticRelatedInformation>,
) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range,
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

/// The semantic token types the server sends, in legend order; standard types, so that every
/// theme colours them.
pub const TOKEN_TYPES: [lsp::SemanticTokenType; 11] = [
    lsp::SemanticTokenType::VARIABLE,
    lsp::SemanticTokenType::CLASS,
    lsp::SemanticTokenType::FUNCTION,
    lsp::SemanticTokenType::TYPE,
    lsp::SemanticTokenType::STRUCT,
    lsp::SemanticTokenType::ENUM_MEMBER,
    lsp::SemanticTokenType::ENUM,
    lsp::SemanticTokenType::NAMESPACE,
    lsp::SemanticTokenType::EVENT,
    lsp::SemanticTokenType::MACRO,
    lsp::SemanticTokenType::PARAMETER,
];

/// The modifiers, in legend order (bit 0 first): `undefined` is ours, for a reference that
/// names nothing.
pub fn token_modifiers() -> Vec<lsp::SemanticTokenModifier> {
    vec![
        lsp::SemanticTokenModifier::DECLARATION,
        lsp::SemanticTokenModifier::DEFINITION,
        lsp::SemanticTokenModifier::new("undefined"),
    ]
}

pub fn token_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TOKEN_TYPES.to_vec(),
        token_modifiers: token_modifiers(),
    }
}

/// The legend index of a token's type: a claim is a variable of the claims bag, a technical
/// profile a class, a transformation a function, a journey a namespace, a claim resolver a
/// macro (replaced when a journey runs), a `{Settings:...}` placeholder a parameter of the
/// build.
fn token_type(kind: crate::ide::semantic::TokenKind) -> u32 {
    use crate::ide::semantic::TokenKind;
    let wanted = match kind {
        TokenKind::Symbol(SymbolKind::ClaimType) => lsp::SemanticTokenType::VARIABLE,
        TokenKind::Symbol(SymbolKind::TechnicalProfile) => lsp::SemanticTokenType::CLASS,
        TokenKind::Symbol(SymbolKind::ClaimsTransformation) => lsp::SemanticTokenType::FUNCTION,
        TokenKind::Symbol(SymbolKind::ContentDefinition | SymbolKind::LocalizedResources) => {
            lsp::SemanticTokenType::TYPE
        }
        TokenKind::Symbol(SymbolKind::DisplayControl | SymbolKind::ClientDefinition) => {
            lsp::SemanticTokenType::STRUCT
        }
        TokenKind::Symbol(SymbolKind::Predicate) => lsp::SemanticTokenType::ENUM_MEMBER,
        TokenKind::Symbol(SymbolKind::PredicateValidation) => lsp::SemanticTokenType::ENUM,
        TokenKind::Symbol(
            SymbolKind::UserJourney | SymbolKind::SubJourney | SymbolKind::Policy,
        ) => lsp::SemanticTokenType::NAMESPACE,
        TokenKind::Symbol(SymbolKind::ClaimsExchange) => lsp::SemanticTokenType::EVENT,
        TokenKind::Resolver => lsp::SemanticTokenType::MACRO,
        TokenKind::Setting => lsp::SemanticTokenType::PARAMETER,
    };
    TOKEN_TYPES
        .iter()
        .position(|t| *t == wanted)
        .unwrap_or_default() as u32
}

/// Tokens in text order as the protocol encodes them: each relative to the one before, in
/// UTF-16 units.
pub fn semantic_tokens(
    file: &FileData,
    tokens: &[crate::ide::semantic::SemanticToken],
) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut character) = (0, 0);
    for token in tokens {
        let range = file_range(file, token.range);
        if range.start.line != range.end.line || range.end.character <= range.start.character {
            continue;
        }
        let delta_line = range.start.line - line;
        let delta_start = if delta_line == 0 {
            range.start.character - character
        } else {
            range.start.character
        };
        // Bits 0 and 1: declaration and definition; bit 2: undefined.
        let modifiers = (u32::from(token.definition) * 0b11) | (u32::from(token.undefined) << 2);
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: range.end.character - range.start.character,
            token_type: token_type(token.kind),
            token_modifiers_bitset: modifiers,
        });
        (line, character) = (range.start.line, range.start.character);
    }
    out
}

pub fn inlay_hint(file: &FileData, hint: crate::ide::inlay::InlayHint) -> lsp::InlayHint {
    use crate::ide::inlay::HintKind;
    lsp::InlayHint {
        position: position(&file.text, file.line_index(), hint.offset.into()),
        label: lsp::InlayHintLabel::String(hint.label),
        kind: match hint.kind {
            HintKind::Type => Some(lsp::InlayHintKind::TYPE),
            HintKind::Summary => None,
        },
        text_edits: None,
        tooltip: None,
        padding_left: Some(hint.kind == HintKind::Summary),
        padding_right: None,
        data: None,
    }
}

/// The client-side command a lens runs: `b2cLsp.showReferences` (uri, position, locations),
/// as rust-analyzer's `showReferences`, and `b2cLsp.showJourney` (journey id, uri).
pub fn code_lens(
    file: &FileData,
    lens: crate::ide::lens::Lens,
    locate: impl Fn(&Path, TextRange) -> Option<lsp::Location>,
) -> Option<lsp::CodeLens> {
    use crate::ide::lens::LensAction;
    let range = file_range(file, lens.range);
    let uri = url_of(&file.path)?;
    let (command, arguments) = match lens.action {
        LensAction::ShowReferences { locations } => {
            let locations: Vec<lsp::Location> = locations
                .iter()
                .filter_map(|l| locate(&l.path, l.range))
                .collect();
            (
                "b2cLsp.showReferences",
                vec![
                    serde_json::json!(uri),
                    serde_json::json!(range.start),
                    serde_json::json!(locations),
                ],
            )
        }
        LensAction::ShowJourney { journey } => (
            "b2cLsp.showJourney",
            vec![serde_json::json!(journey), serde_json::json!(uri)],
        ),
    };
    Some(lsp::CodeLens {
        range,
        command: Some(lsp::Command {
            title: lens.title,
            command: command.to_owned(),
            arguments: Some(arguments),
        }),
        data: None,
    })
}

pub fn document_link(file: &FileData, link: crate::ide::links::Link) -> Option<lsp::DocumentLink> {
    use crate::ide::links::LinkTarget;
    let target = match link.target {
        LinkTarget::Web(address) => Url::parse(&address).ok()?,
        LinkTarget::File { path, line } => {
            let mut url = url_of(&path)?;
            // VS Code opens `file:///...#L12` at line 12.
            if let Some(line) = line {
                url.set_fragment(Some(&format!("L{}", line + 1)));
            }
            url
        }
    };
    Some(lsp::DocumentLink {
        range: file_range(file, link.range),
        target: Some(target),
        tooltip: Some(link.tooltip),
        data: None,
    })
}

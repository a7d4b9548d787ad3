//! Fixes for findings, as an editor offers them on Ctrl+. and `source.fixAll` applies the safe
//! ones: replace an undefined reference with the nearest id of its kind (did-you-mean), create
//! the missing definition, write an id as its definition spells it, remove a repeated metadata
//! item, add the metadata items a profile's type requires, renumber a journey's steps 1..N;
//! and the edits asked for without a finding ("Override in <file>"). Plain data (paths, byte
//! ranges, texts); the protocol edge builds the edits.

mod create;
mod insert;
mod overrides;

use std::path::{Path, PathBuf};

use syntax::ast::AstNode;
use syntax::TextRange;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::diagnostics::{file_diagnostics, nearest_definition};
use crate::index::Workspace;

pub use create::extensions_file;
pub use insert::Layout;
pub use overrides::{overrides, Refactor};

/// One text replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    pub path: PathBuf,
    pub range: TextRange,
    pub new_text: String,
}

/// A fix for one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<FileEdit>,
    /// The fix that is clearly right, when there is one.
    pub preferred: bool,
    /// Safe to apply without looking (`source.fixAll`, `b2c-lsp fix`): it changes nothing B2C
    /// sees differently.
    pub safe: bool,
    /// The finding it fixes.
    pub diagnostic: Diagnostic,
}

/// The most findings of one request that get the fixes that are not always safe: a menu
/// offers a handful, and each such fix costs a look at the chain (a did-you-mean, a place for
/// a stub), so a request over a whole file of thousands of findings stays linear.
const MOST_FINDINGS_FIXED: usize = 64;

/// The fixes for the findings of the file at `path` that touch `range`.
pub fn fixes(workspace: &Workspace, path: &Path, range: TextRange) -> Vec<Fix> {
    fixes_where(workspace, path, range, false)
}

/// The fixes that are always safe, for the whole file at `path` (`source.fixAll`, `fix`).
pub fn safe_fixes(workspace: &Workspace, path: &Path) -> Vec<Fix> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    let whole = TextRange::up_to((file.text.len() as u32).into());
    fixes_where(workspace, path, whole, true)
}

fn fixes_where(workspace: &Workspace, path: &Path, range: TextRange, safe_only: bool) -> Vec<Fix> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    let references: std::collections::HashMap<TextRange, &crate::index::Reference> = file
        .summary
        .references
        .iter()
        .map(|r| (r.range, r))
        .collect();
    let mut out = Vec::new();
    let mut unsafe_budget = MOST_FINDINGS_FIXED;
    for diagnostic in file_diagnostics(workspace, path) {
        if diagnostic.range.intersect(range).is_none() {
            continue;
        }
        // Only the case fix is safe; the others are offered for a bounded number of findings.
        if diagnostic.code != DiagnosticCode::CaseMismatch {
            if safe_only || unsafe_budget == 0 {
                continue;
            }
            unsafe_budget -= 1;
        }
        let edit = |range: TextRange, new_text: String| FileEdit {
            path: path.to_owned(),
            range,
            new_text,
        };
        let reference = references.get(&diagnostic.range).copied();
        match diagnostic.code {
            DiagnosticCode::CaseMismatch => {
                let Some(reference) = reference else { continue };
                let Some(definition) = workspace
                    .resolve(path, reference.kind, &reference.id)
                    .into_iter()
                    .find(|r| !r.exact)
                else {
                    continue;
                };
                out.push(Fix {
                    title: format!(
                        "Write \"{}\" as its definition does",
                        definition.definition.id
                    ),
                    edits: vec![edit(reference.range, definition.definition.id.clone())],
                    preferred: true,
                    safe: true,
                    diagnostic,
                });
            }
            code if code.as_str().starts_with("undefined-")
                || code == DiagnosticCode::MetadataReferenceUndefined =>
            {
                let Some(reference) = reference else { continue };
                if let Some((_, definition)) =
                    nearest_definition(workspace, path, reference.kind, &reference.id)
                {
                    out.push(Fix {
                        title: format!("Change to \"{}\"", definition.id),
                        edits: vec![edit(reference.range, definition.id.clone())],
                        preferred: true,
                        safe: false,
                        diagnostic: diagnostic.clone(),
                    });
                }
                for stub in create::stubs(workspace, path, reference) {
                    out.push(Fix {
                        title: stub.title,
                        edits: vec![stub.edit],
                        preferred: false,
                        safe: false,
                        diagnostic: diagnostic.clone(),
                    });
                }
            }
            DiagnosticCode::MissingMetadataKey => {
                let Some(tp) = file
                    .summary
                    .technical_profiles
                    .iter()
                    .find(|tp| tp.id_range == diagnostic.range)
                else {
                    continue;
                };
                let missing = crate::ide::missing_required_metadata(workspace, path, tp);
                let Some(fix) = metadata_fix(&file, tp, &missing, diagnostic) else {
                    continue;
                };
                // Each missing key is its own finding on the same Id: one fix adds them all.
                if !out.iter().any(|f: &Fix| f.title == fix.title) {
                    out.push(fix);
                }
            }
            DiagnosticCode::DuplicateMetadataKey => {
                let Some(item) = file
                    .summary
                    .technical_profiles
                    .iter()
                    .flat_map(|tp| &tp.metadata)
                    .find(|item| item.key_range == diagnostic.range)
                else {
                    continue;
                };
                let title = format!("Remove this repeated \"{}\" item", item.key);
                out.push(Fix {
                    title,
                    edits: vec![edit(
                        whole_lines(&file.text, item.item_range),
                        String::new(),
                    )],
                    preferred: false,
                    safe: false,
                    diagnostic,
                });
            }
            DiagnosticCode::StepOrderGap | DiagnosticCode::StepOrderDuplicate => {
                let Some(journey) = file
                    .summary
                    .journeys
                    .iter()
                    .find(|j| j.full_range.contains_range(diagnostic.range))
                else {
                    continue;
                };
                let edits: Vec<FileEdit> = journey
                    .steps
                    .iter()
                    .enumerate()
                    .filter(|(i, step)| step.order != Some(*i as u32 + 1))
                    // A step without an Order attribute has none to rewrite.
                    .filter(|(_, step)| {
                        file.text
                            .get(std::ops::Range::<usize>::from(step.order_range))
                            .is_some_and(|t| t != "OrchestrationStep")
                    })
                    .map(|(i, step)| edit(step.order_range, (i + 1).to_string()))
                    .collect();
                if edits.is_empty() {
                    continue;
                }
                out.push(Fix {
                    title: format!(
                        "Renumber the steps of {} \"{}\" 1..N",
                        journey.kind.element_name(),
                        journey.id
                    ),
                    edits,
                    preferred: true,
                    safe: false,
                    diagnostic,
                });
            }
            _ => {}
        }
    }
    out
}

/// `range` widened to whole lines when nothing else shares them, so that removing it leaves
/// no blank line behind.
fn whole_lines(text: &str, range: TextRange) -> TextRange {
    let start = usize::from(range.start());
    let end = usize::from(range.end());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let before = &text[line_start..start];
    let after = &text[end..line_end];
    if before.trim().is_empty() && after.trim().is_empty() {
        TextRange::new((line_start as u32).into(), (line_end as u32).into())
    } else {
        range
    }
}

/// The fix that adds `missing` metadata items to a profile, with placeholder values: an
/// enumerated key's default or first allowed value, `TODO` for the others (a value, because
/// an empty one is an upload error).
fn metadata_fix(
    file: &crate::index::FileData,
    tp: &crate::index::summary::TechnicalProfileSummary,
    missing: &[&'static crate::catalog::MetadataKey],
    diagnostic: Diagnostic,
) -> Option<Fix> {
    if missing.is_empty() {
        return None;
    }
    let mut lines = insert::Lines::default();
    for key in missing {
        let value = match key.value {
            crate::catalog::ValueType::Enum => key
                .default
                .or(key.allowed.first().copied())
                .unwrap_or("TODO"),
            _ => key.default.unwrap_or("TODO"),
        };
        lines.push(
            0,
            format!(
                "<Item Key=\"{}\">{}</Item>",
                escape_attribute(key.key),
                escape_text(value)
            ),
        );
    }
    let profile = file
        .parse
        .syntax()
        .descendants()
        .filter_map(syntax::ast::Element::cast)
        .find(|e| e.syntax().text_range() == tp.full_range)?;
    let insertion = insert::insert_below(
        file,
        &profile,
        &[insert::Level::any("Metadata")],
        "Item",
        lines,
    )?;
    let keys: Vec<String> = missing.iter().map(|k| format!("\"{}\"", k.key)).collect();
    Some(Fix {
        title: format!(
            "Add the required metadata item{} {}",
            if keys.len() > 1 { "s" } else { "" },
            keys.join(", ")
        ),
        edits: vec![FileEdit {
            path: file.path.clone(),
            range: insertion.range,
            new_text: insertion.new_text,
        }],
        preferred: true,
        safe: false,
        diagnostic,
    })
}

/// An attribute value as XML writes it inside double quotes.
pub(crate) fn escape_attribute(value: &str) -> String {
    escape_text(value).replace('"', "&quot;")
}

/// Character data as XML writes it.
pub(crate) fn escape_text(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// How an action names a file: its file name.
pub(crate) fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

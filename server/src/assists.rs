//! Fixes for findings, as an editor offers them on Ctrl+. and `source.fixAll` applies the safe
//! ones: replace an undefined reference with the nearest id of its kind (did-you-mean), write
//! an id as its definition spells it, remove a repeated metadata item, renumber a journey's
//! steps 1..N. Plain data (paths, byte ranges, texts); the protocol edge builds the edits.

use std::path::{Path, PathBuf};

use syntax::TextRange;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::diagnostics::{file_diagnostics, nearest_definition};
use crate::index::Workspace;

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

/// The fixes for the findings of the file at `path` that touch `range`.
pub fn fixes(workspace: &Workspace, path: &Path, range: TextRange) -> Vec<Fix> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for diagnostic in file_diagnostics(workspace, path) {
        if diagnostic.range.intersect(range).is_none() {
            continue;
        }
        let edit = |range: TextRange, new_text: String| FileEdit {
            path: path.to_owned(),
            range,
            new_text,
        };
        let reference = file
            .summary
            .references
            .iter()
            .find(|r| r.range == diagnostic.range);
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
            code if code.as_str().starts_with("undefined-") => {
                let Some(reference) = reference else { continue };
                let Some((_, definition)) =
                    nearest_definition(workspace, path, reference.kind, &reference.id)
                else {
                    continue;
                };
                out.push(Fix {
                    title: format!("Change to \"{}\"", definition.id),
                    edits: vec![edit(reference.range, definition.id.clone())],
                    preferred: true,
                    safe: false,
                    diagnostic,
                });
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

//! Languages: a DefaultLanguage that SupportedLanguages does not list, and a content
//! definition's LocalizedResourcesReference in a language that no SupportedLanguages of the
//! policy's chain (or of the policies built on it, which may add languages) lists.
//! localization.md says the default must be one of the supported languages and that pages are
//! localized only into supported ones; no upload message is reported, so these are warnings.

use std::path::Path;

use syntax::view::ElementRef;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::index::Workspace;

/// The SupportedLanguage values of a file, lower-cased.
fn supported(root: ElementRef<'_>) -> Vec<String> {
    root.children_named("BuildingBlocks")
        .flat_map(|b| b.children_named("Localization"))
        .flat_map(|l| l.children_named("SupportedLanguages"))
        .flat_map(|s| s.children_named("SupportedLanguage"))
        .map(|l| l.text().trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty())
        .collect()
}

pub(super) fn check(workspace: &Workspace, path: &Path, out: &mut Vec<Diagnostic>) {
    let Some(file) = workspace.file(path) else {
        return;
    };
    let Some(root) = ElementRef::root(&file.parse) else {
        return;
    };
    let blocks: Vec<ElementRef<'_>> = root.children_named("BuildingBlocks").collect();
    let has_languages = blocks.iter().any(|b| {
        b.children_named("Localization")
            .any(|l| l.child("SupportedLanguages").is_some())
            || b.children_named("ContentDefinitions")
                .flat_map(|c| c.children_named("ContentDefinition"))
                .any(|c| c.child("LocalizedResourcesReferences").is_some())
    });
    if !has_languages {
        return;
    }
    let chain = workspace.chain(path);
    // A base from an extra base location is a reference copy: the base really uploaded may
    // support languages the pristine copy does not (the B2C team's unit tests reference `es`
    // and `hi` over a starter pack that lists only `en`).
    if !chain.is_complete()
        || chain
            .files
            .iter()
            .filter_map(|f| workspace.file(f))
            .any(|f| f.base_only)
    {
        return;
    }
    let mut languages: Vec<String> = Vec::new();
    for other in chain.files.iter().chain(workspace.dependents(path).iter()) {
        if let Some(f) = workspace.file(other) {
            if let Some(r) = ElementRef::root(&f.parse) {
                languages.extend(supported(r));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    languages.retain(|l| seen.insert(l.clone()));
    if languages.is_empty() {
        return;
    }
    let known = |l: &str| {
        let l = l.trim();
        l.contains('{') || languages.iter().any(|s| s.eq_ignore_ascii_case(l))
    };
    for set in blocks
        .iter()
        .flat_map(|b| b.children_named("Localization"))
        .flat_map(|l| l.children_named("SupportedLanguages"))
    {
        if let Some((default, range)) = set.attribute_value_with_range("DefaultLanguage") {
            if !default.trim().is_empty() && !known(&default) {
                out.push(Diagnostic::new(
                    range,
                    DiagnosticCode::UnsupportedLanguage,
                    format!(
                        "DefaultLanguage \"{}\" is not one of the SupportedLanguages ({}); add <SupportedLanguage>{}</SupportedLanguage> or choose a listed language",
                        default.trim(),
                        languages.join(", "),
                        default.trim()
                    ),
                ));
            }
        }
    }
    let references = blocks
        .iter()
        .flat_map(|b| b.children_named("ContentDefinitions"))
        .flat_map(|c| c.children_named("ContentDefinition"))
        .flat_map(|c| c.children_named("LocalizedResourcesReferences"))
        .flat_map(|r| r.children_named("LocalizedResourcesReference"));
    for reference in references {
        if let Some((language, range)) = reference.attribute_value_with_range("Language") {
            if !language.trim().is_empty() && !known(&language) {
                out.push(Diagnostic::new(
                    range,
                    DiagnosticCode::UnsupportedLanguage,
                    format!(
                        "language \"{}\" is not among the SupportedLanguages of this policy's chain ({}), so the page is never shown in it; add it to SupportedLanguages or correct the language",
                        language.trim(),
                        languages.join(", ")
                    ),
                ));
            }
        }
    }
}

//! "Override in <file>": from a TechnicalProfile, ClaimType, ContentDefinition or UserJourney of
//! a base, write the element with the same Id in a policy built on it, where B2C merges it into
//! the inherited one: inside the right wrapper (a TechnicalProfile in the ClaimsProvider with
//! the base's DisplayName, created when the file has none), with the cursor inside it.

use std::path::{Path, PathBuf};

use syntax::ast::{AstNode, Element};
use syntax::{TextRange, TextSize};

use super::insert::{insert, Level, Lines};
use super::{escape_attribute, escape_text, file_label, FileEdit};

use crate::index::{FileData, SymbolKind, Workspace};

/// An edit the user asks for, not the fix of a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refactor {
    pub title: String,
    pub edits: Vec<FileEdit>,
    /// Where the cursor goes once the edit is applied: a file and an offset into its text
    /// after the edit.
    pub cursor: Option<(PathBuf, u32)>,
}

const OVERRIDABLE: [SymbolKind; 4] = [
    SymbolKind::TechnicalProfile,
    SymbolKind::ClaimType,
    SymbolKind::ContentDefinition,
    SymbolKind::UserJourney,
];

/// The overrides offered at `offset` of the file at `path`: when the offset is on the start of a
/// definition (its tag up to its Id), one per descendant policy that does not already amend it.
pub fn overrides(workspace: &Workspace, path: &Path, offset: TextSize) -> Vec<Refactor> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    let Some(definition) = file.summary.definitions.iter().find(|d| {
        OVERRIDABLE.contains(&d.kind)
            && d.full_range.start() <= offset
            && offset <= d.id_range.end() + TextSize::from(1)
    }) else {
        return Vec::new();
    };
    let Some(element) = element_with_range(&file, definition.full_range) else {
        return Vec::new();
    };
    // The RelyingParty's own TechnicalProfile is not inherited by Id.
    if element
        .parent_element()
        .and_then(|p| p.parent_element())
        .is_some_and(|p| p.is("RelyingParty"))
    {
        return Vec::new();
    }
    let provider_name = (definition.kind == SymbolKind::TechnicalProfile)
        .then(|| {
            element
                .parent_element()
                .and_then(|profiles| profiles.parent_element())
                .and_then(|provider| provider.child("DisplayName"))
                .map(|name| name.text().trim().to_owned())
        })
        .flatten()
        .filter(|name| !name.is_empty());
    let descendants: Vec<PathBuf> = workspace
        .dependents(path)
        .into_iter()
        .filter(|d| d != path)
        .collect();
    let mut out = Vec::new();
    for descendant in descendants.iter().cloned() {
        let Some(target) = workspace.file(&descendant) else {
            continue;
        };
        if target.base_only
            || target
                .summary
                .lookup(definition.kind, &definition.id)
                .next()
                .is_some()
        {
            continue;
        }
        let id = definition.id.trim();
        let mut lines = Lines::default();
        let name = definition.kind.element_name();
        lines.push(0, format!("<{name} Id=\"{}\">", escape_attribute(id)));
        lines.push(1, "");
        lines.cursor = Some(1);
        lines.push(0, format!("</{name}>"));
        let provider = provider_name.clone().unwrap_or_else(|| id.to_owned());
        let levels: Vec<Level<'_>> = match definition.kind {
            SymbolKind::TechnicalProfile => vec![
                Level::any("ClaimsProviders"),
                Level {
                    name: "ClaimsProvider",
                    accepts: Box::new(|e: &Element| {
                        e.child("DisplayName")
                            .is_some_and(|n| n.text().trim() == provider)
                    }),
                    preamble: vec![format!(
                        "<DisplayName>{}</DisplayName>",
                        escape_text(&provider)
                    )],
                },
                Level::any("TechnicalProfiles"),
            ],
            SymbolKind::ClaimType => vec![Level::any("BuildingBlocks"), Level::any("ClaimsSchema")],
            SymbolKind::ContentDefinition => {
                vec![
                    Level::any("BuildingBlocks"),
                    Level::any("ContentDefinitions"),
                ]
            }
            _ => vec![Level::any("UserJourneys")],
        };
        let Some(insertion) = insert(&target, &levels, name, lines) else {
            continue;
        };
        out.push(Refactor {
            title: format!("Override in {}", label(path, &descendant, &descendants)),
            cursor: insertion.cursor.map(|c| (descendant.clone(), c)),
            edits: vec![FileEdit {
                path: descendant,
                range: insertion.range,
                new_text: insertion.new_text,
            }],
        });
    }
    out
}

/// The element whose whole range is `range`.
fn element_with_range(file: &FileData, range: TextRange) -> Option<Element> {
    let root = file.parse.syntax();
    let covering = root.covering_element(range);
    let node = match covering.clone().into_node() {
        Some(node) => node,
        None => covering.into_token()?.parent()?,
    };
    node.ancestors()
        .filter_map(Element::cast)
        .find(|e| e.syntax().text_range() == range)
}

/// How an override names its file: the file name, or where another descendant has the same
/// name (each folder's TrustFrameworkExtensions.xml), the path from the base's folder.
fn label(origin: &Path, target: &Path, all: &[PathBuf]) -> String {
    let name = target.file_name();
    if all.iter().filter(|p| p.file_name() == name).count() < 2 {
        return file_label(target);
    }
    origin
        .parent()
        .and_then(|folder| target.strip_prefix(folder).ok())
        .unwrap_or(target)
        .display()
        .to_string()
}

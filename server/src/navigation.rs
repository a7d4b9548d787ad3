//! Navigation over the index, editor-neutral: what symbol is at an offset, where it is
//! defined, every use of it, rename edits, outlines and workspace symbol search.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syntax::ast::{AstNode, Element};
use syntax::TextRange;

use crate::index::{id_key, Definition, Reference, ReferenceScope, SymbolKind, Workspace};
pub use crate::index::{symbol_at, symbol_of_definition, symbols_in, SymbolAt};

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub range: TextRange,
}

/// Whether a reference of the file at `path` names nothing: no definition in reach (for a
/// metadata value or localized string, none in a policy built on the file either), or, for a
/// BasePolicy, no policy with that PolicyId. `false` when the chain is broken above the file,
/// where the answer is unknown (the diagnostics stay silent there too).
pub fn is_undefined(workspace: &Workspace, path: &Path, reference: &Reference) -> bool {
    if reference.kind == SymbolKind::Policy {
        return targets(workspace, path, reference).is_empty();
    }
    if !workspace.chain(path).is_complete() {
        return false;
    }
    let found = match reference.scope {
        ReferenceScope::Chain => workspace
            .resolves(path, reference.kind, &reference.id)
            .is_some(),
        _ => !targets(workspace, path, reference).is_empty(),
    };
    let completed_below = || {
        reference.site.resolved_at_run_time()
            && workspace.defined_below(path, reference.kind, &reference.id)
    };
    !found && !completed_below()
}

fn same_journey(definition: &Definition, journey: Option<&str>) -> bool {
    match journey {
        Some(j) => definition.scope.as_deref().map(id_key) == Some(id_key(j)),
        None => true,
    }
}

/// Where the symbol at `offset` is defined: every definition visible from the file, nearest
/// policy first. A BasePolicy's PolicyId goes to the root of that base policy.
pub fn definition(workspace: &Workspace, path: &Path, offset: u32) -> Vec<Location> {
    let settings = setting_definition(workspace, path, offset);
    if !settings.is_empty() {
        return settings;
    }
    let Some(symbol) = symbol_at(workspace, path, offset) else {
        return Vec::new();
    };
    symbol
        .reference
        .as_ref()
        .map_or_else(Vec::new, |reference| targets(workspace, path, reference))
}

/// On a `{Settings:Key}` placeholder: the key in each environment of the governing
/// `appsettings.json` that sets it.
fn setting_definition(workspace: &Workspace, path: &Path, offset: u32) -> Vec<Location> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    let at = (offset as usize).min(file.text.len());
    let Some(line_start) = file
        .text
        .get(..at)
        .map(|t| t.rfind('\n').map_or(0, |i| i + 1))
    else {
        return Vec::new();
    };
    let line_end = file.text[at..]
        .find('\n')
        .map_or(file.text.len(), |i| at + i);
    let Some(placeholder) = crate::environments::placeholders(&file.text[line_start..line_end])
        .into_iter()
        .find(|p| {
            let start = line_start + usize::from(p.range.start());
            let end = line_start + usize::from(p.range.end());
            start <= at && at <= end
        })
    else {
        return Vec::new();
    };
    let Some((settings, json)) = crate::environments::appsettings_of(path) else {
        return Vec::new();
    };
    crate::environments::key_ranges(&json, &placeholder.name)
        .into_iter()
        .map(|range| Location {
            path: settings.clone(),
            range,
        })
        .collect()
}

/// The definitions a reference in `path` resolves to, nearest first.
pub fn targets(workspace: &Workspace, path: &Path, reference: &Reference) -> Vec<Location> {
    match (&reference.scope, reference.kind) {
        (_, SymbolKind::Policy) => {
            let chain = workspace.chain(path);
            chain
                .files
                .get(1)
                .and_then(|base| workspace.file(base))
                .map(|base| {
                    let range = base
                        .summary
                        .policy_id
                        .as_ref()
                        .map_or(base.summary.root_name_range, |p| p.range);
                    vec![Location {
                        path: base.path.clone(),
                        range,
                    }]
                })
                .unwrap_or_default()
        }
        (ReferenceScope::LaterStepOf { journey, .. }, kind) => workspace
            .resolve(path, kind, &reference.id)
            .into_iter()
            .filter(|r| same_journey(&r.definition, Some(journey)))
            .map(|r| Location {
                path: r.path,
                range: r.definition.id_range,
            })
            .collect(),
        (ReferenceScope::SameFile, kind) => workspace
            .file(path)
            .map(|file| {
                file.summary
                    .lookup(kind, &reference.id)
                    .map(|d| Location {
                        path: path.to_owned(),
                        range: d.id_range,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        (ReferenceScope::Chain, kind) => workspace
            .resolve(path, kind, &reference.id)
            .into_iter()
            .map(|r| Location {
                path: r.path,
                range: r.definition.id_range,
            })
            .collect(),
    }
}

/// The files that can share a symbol with `path`: its chain and every file whose chain holds
/// one of the files that define it.
fn family(workspace: &Workspace, path: &Path, symbol: &SymbolAt) -> BTreeSet<PathBuf> {
    let mut anchors: Vec<PathBuf> = match &symbol.reference {
        Some(reference) => targets(workspace, path, reference)
            .into_iter()
            .map(|l| l.path)
            .collect(),
        None => vec![path.to_owned()],
    };
    if anchors.is_empty() {
        anchors.push(path.to_owned());
    }
    let mut out = BTreeSet::new();
    for anchor in anchors {
        out.extend(workspace.chain(&anchor).files.iter().cloned());
        out.extend(workspace.dependents(&anchor));
    }
    out
}

/// The symbol at the offset and every place that names it (definitions first when asked).
pub fn references(
    workspace: &Workspace,
    path: &Path,
    offset: u32,
    include_declaration: bool,
) -> Vec<Location> {
    let Some(symbol) = symbol_at(workspace, path, offset) else {
        return Vec::new();
    };
    occurrences(workspace, path, &symbol, include_declaration)
}

/// A use of an id, with the journey key of a ClaimsExchange selection.
type Use = (Location, Option<String>);

/// The uses of ids in a set of files, grouped by what they name: one pass over the files'
/// references, behind find references and the reference counts of code lenses alike.
pub struct Uses {
    /// (kind, id key) -> each use.
    by_symbol: rustc_hash::FxHashMap<(SymbolKind, String), Vec<Use>>,
}

impl Uses {
    /// The references of `kind` (of every kind when `None`) in `files`.
    fn collect(workspace: &Workspace, files: &BTreeSet<PathBuf>, kind: Option<SymbolKind>) -> Uses {
        let mut by_symbol: rustc_hash::FxHashMap<_, Vec<_>> = Default::default();
        for file_path in files {
            crate::cancel::checkpoint();
            let Some(file) = workspace.file(file_path) else {
                continue;
            };
            for r in &file.summary.references {
                if kind.is_some_and(|k| k != r.kind) {
                    continue;
                }
                let journey = match &r.scope {
                    ReferenceScope::LaterStepOf { journey, .. } => Some(id_key(journey)),
                    _ => None,
                };
                by_symbol.entry((r.kind, id_key(&r.id))).or_default().push((
                    Location {
                        path: file_path.clone(),
                        range: r.range,
                    },
                    journey,
                ));
            }
        }
        Uses { by_symbol }
    }

    /// Where `symbol` is used, in path and text order; a ClaimsExchange only within its
    /// journey.
    pub fn of(&self, symbol: &SymbolAt) -> Vec<Location> {
        let Some(uses) = self.by_symbol.get(&(symbol.kind, id_key(&symbol.id))) else {
            return Vec::new();
        };
        let journey = symbol.journey.as_deref().map(id_key);
        let mut out: Vec<Location> = uses
            .iter()
            .filter(|(_, used_in)| match (&journey, used_in) {
                (Some(wanted), Some(used_in)) => wanted == used_in,
                _ => true,
            })
            .map(|(location, _)| location.clone())
            .collect();
        out.sort_by(|a, b| (&a.path, a.range.start()).cmp(&(&b.path, b.range.start())));
        out.dedup();
        out
    }

    /// Where what `definition` defines is used.
    pub fn of_definition(&self, definition: &Definition) -> Vec<Location> {
        self.of(&symbol_of_definition(definition))
    }
}

/// The uses of everything the file at `path` defines, found in one pass: its definitions
/// share one family of files (its chain and the files built on it).
pub fn uses_of_definitions(workspace: &Workspace, path: &Path) -> Uses {
    let mut files: BTreeSet<PathBuf> = workspace.chain(path).files.iter().cloned().collect();
    files.extend(workspace.dependents(path));
    Uses::collect(workspace, &files, None)
}

fn occurrences(
    workspace: &Workspace,
    path: &Path,
    symbol: &SymbolAt,
    include_declaration: bool,
) -> Vec<Location> {
    let key = id_key(&symbol.id);
    let journey = symbol.journey.as_deref();
    let files = family(workspace, path, symbol);
    let mut out = Vec::new();
    if include_declaration {
        for file_path in &files {
            crate::cancel::checkpoint();
            let Some(file) = workspace.file(file_path) else {
                continue;
            };
            if symbol.kind == SymbolKind::Policy {
                if let Some(p) = file
                    .summary
                    .policy_id
                    .as_ref()
                    .filter(|p| id_key(&p.text) == key)
                {
                    out.push(Location {
                        path: file_path.clone(),
                        range: p.range,
                    });
                }
            }
            for d in file.summary.lookup(symbol.kind, &symbol.id) {
                if same_journey(d, journey) {
                    out.push(Location {
                        path: file_path.clone(),
                        range: d.id_range,
                    });
                }
            }
        }
    }
    out.extend(Uses::collect(workspace, &files, Some(symbol.kind)).of(symbol));
    out.sort_by_key(|l| (l.path.clone(), l.range.start(), l.range.end()));
    out.dedup();
    out
}

/// Why a rename cannot be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameError(pub String);

/// The range to rename at `offset`, if a renamable symbol is there.
pub fn prepare_rename(
    workspace: &Workspace,
    path: &Path,
    offset: u32,
) -> Result<Option<TextRange>, RenameError> {
    let Some(symbol) = symbol_at(workspace, path, offset) else {
        return Ok(None);
    };
    if symbol.kind == SymbolKind::Policy {
        return Err(RenameError(
            "renaming a PolicyId is not supported: it is also the policy's name in the tenant"
                .to_owned(),
        ));
    }
    Ok(Some(symbol.range))
}

/// Whether `name` can be an id: not empty, no whitespace, nothing XML would need to escape.
pub fn valid_id(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 256
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>&\"'{}".contains(c))
}

/// The edits that rename the symbol at `offset` to `new_name` in every file.
pub fn rename(
    workspace: &Workspace,
    path: &Path,
    offset: u32,
    new_name: &str,
) -> Result<Vec<(Location, String)>, RenameError> {
    let Some(range) = prepare_rename(workspace, path, offset)? else {
        return Err(RenameError("there is no id to rename here".to_owned()));
    };
    let symbol = symbol_at(workspace, path, range.start().into())
        .ok_or_else(|| RenameError("there is no id to rename here".to_owned()))?;
    if !valid_id(new_name) {
        return Err(RenameError(format!(
            "\"{new_name}\" is not a valid id: use letters, digits and punctuation other than < > & \" ' {{ }}, without spaces"
        )));
    }
    if id_key(new_name) != id_key(&symbol.id) {
        for file_path in family(workspace, path, &symbol) {
            let Some(file) = workspace.file(&file_path) else {
                continue;
            };
            let clash = file
                .summary
                .lookup(symbol.kind, new_name)
                .find(|d| same_journey(d, symbol.journey.as_deref()))
                .cloned();
            if let Some(clash) = clash {
                return Err(RenameError(format!(
                    "a {} with id \"{}\" already exists in {}",
                    symbol.kind.element_name(),
                    clash.id,
                    file_path
                        .file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                )));
            }
        }
    }
    Ok(occurrences(workspace, path, &symbol, true)
        .into_iter()
        .map(|location| (location, new_name.to_owned()))
        .collect())
}

/// A node of the document outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineNode {
    pub name: String,
    pub detail: Option<String>,
    pub kind: OutlineKind,
    pub range: TextRange,
    pub selection_range: TextRange,
    pub children: Vec<OutlineNode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutlineKind {
    Policy,
    Section,
    Symbol(SymbolKind),
    Step,
}

const SECTIONS: &[&str] = &[
    "BasePolicy",
    "BuildingBlocks",
    "ClaimsSchema",
    "Predicates",
    "PredicateValidations",
    "ClaimsTransformations",
    "ContentDefinitions",
    "Localization",
    "DisplayControls",
    "ClientDefinitions",
    "ClaimsProviders",
    "ClaimsProvider",
    "TechnicalProfiles",
    "UserJourneys",
    "SubJourneys",
    "OrchestrationSteps",
    "ClaimsExchanges",
    "RelyingParty",
];

const SYMBOLS: &[(&str, SymbolKind)] = &[
    ("ClaimType", SymbolKind::ClaimType),
    ("Predicate", SymbolKind::Predicate),
    ("PredicateValidation", SymbolKind::PredicateValidation),
    ("ClaimsTransformation", SymbolKind::ClaimsTransformation),
    ("ContentDefinition", SymbolKind::ContentDefinition),
    ("DisplayControl", SymbolKind::DisplayControl),
    ("LocalizedResources", SymbolKind::LocalizedResources),
    ("ClientDefinition", SymbolKind::ClientDefinition),
    ("TechnicalProfile", SymbolKind::TechnicalProfile),
    ("UserJourney", SymbolKind::UserJourney),
    ("SubJourney", SymbolKind::SubJourney),
    ("ClaimsExchange", SymbolKind::ClaimsExchange),
];

/// The hierarchical outline of a file: sections, definitions and journey steps.
pub fn outline(workspace: &Workspace, path: &Path) -> Vec<OutlineNode> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    let Some(root) = file.parse.document().root_element() else {
        return Vec::new();
    };
    if !file.summary.is_policy {
        return Vec::new();
    }
    let name_range = root
        .name()
        .map_or(root.syntax().text_range(), |n| n.range());
    vec![OutlineNode {
        name: root
            .attribute_value("PolicyId")
            .unwrap_or_else(|| "TrustFrameworkPolicy".to_owned()),
        detail: Some("policy".to_owned()),
        kind: OutlineKind::Policy,
        range: root.syntax().text_range(),
        selection_range: name_range,
        children: outline_children(&root, 0),
    }]
}

fn outline_children(element: &Element, depth: usize) -> Vec<OutlineNode> {
    if depth > 16 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for child in element.child_elements() {
        crate::cancel::checkpoint();
        let Some(name) = child.name() else { continue };
        let local = name.local().to_owned();
        let range = child.syntax().text_range();
        let selection = name.range();
        if let Some(&(_, kind)) = SYMBOLS.iter().find(|(n, _)| *n == local) {
            if let Some(id) = child.attribute("Id").and_then(|a| a.value()) {
                let children = if matches!(
                    kind,
                    SymbolKind::UserJourney | SymbolKind::SubJourney | SymbolKind::TechnicalProfile
                ) {
                    outline_children(&child, depth + 1)
                } else {
                    Vec::new()
                };
                out.push(OutlineNode {
                    name: id.unescaped().into_owned(),
                    detail: Some(kind.element_name().to_owned()),
                    kind: OutlineKind::Symbol(kind),
                    range,
                    selection_range: id.value_range(),
                    children,
                });
                continue;
            }
        }
        if local == "OrchestrationStep" {
            let order = child.attribute_value("Order").unwrap_or_default();
            let step_type = child.attribute_value("Type").unwrap_or_default();
            out.push(OutlineNode {
                name: format!("Step {order}"),
                detail: Some(step_type),
                kind: OutlineKind::Step,
                range,
                selection_range: selection,
                children: outline_children(&child, depth + 1),
            });
        } else if SECTIONS.contains(&local.as_str()) {
            let name = if local == "ClaimsProvider" {
                child
                    .child("DisplayName")
                    .map(|d| d.text().trim().to_owned())
                    .filter(|d| !d.is_empty())
                    .unwrap_or(local)
            } else {
                local
            };
            out.push(OutlineNode {
                name,
                detail: None,
                kind: OutlineKind::Section,
                range,
                selection_range: selection,
                children: outline_children(&child, depth + 1),
            });
        } else if local == "TechnicalProfile" {
            // The RelyingParty's own profile.
            out.push(OutlineNode {
                name: child.attribute_value("Id").unwrap_or_else(|| local.clone()),
                detail: Some("relying-party TechnicalProfile".to_owned()),
                kind: OutlineKind::Symbol(SymbolKind::TechnicalProfile),
                range,
                selection_range: selection,
                children: Vec::new(),
            });
        }
    }
    out
}

/// A definition found by workspace symbol search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundSymbol {
    pub name: String,
    pub kind: SymbolKind,
    pub container: Option<String>,
    pub location: Location,
}

/// How well `query` matches `candidate` as a fuzzy subsequence (case-insensitive); higher
/// is better, `None` when it does not match.
pub fn fuzzy_score(query: &str, candidate: &str) -> Option<i64> {
    if query.is_empty() {
        return Some(0);
    }
    let candidate_lower = candidate.to_lowercase();
    let query_lower = query.to_lowercase();
    if let Some(at) = candidate_lower.find(&query_lower) {
        return Some(1000 - at as i64 * 10 - (candidate.len() as i64 - query.len() as i64));
    }
    let mut score = 0i64;
    let mut chars = candidate_lower.chars().enumerate();
    let mut last = None;
    for q in query_lower.chars() {
        let (i, _) = chars.by_ref().find(|&(_, c)| c == q)?;
        score += if last == Some(i.wrapping_sub(1)) {
            5
        } else {
            1
        };
        last = Some(i);
    }
    Some(score - candidate.len() as i64 / 4)
}

/// Definitions across the workspace matching `query`, best first, at most `limit`.
pub fn workspace_symbols(workspace: &Workspace, query: &str, limit: usize) -> Vec<FoundSymbol> {
    let mut found: Vec<(i64, FoundSymbol)> = Vec::new();
    for path in workspace.all_paths() {
        crate::cancel::checkpoint();
        let Some(file) = workspace.file(&path) else {
            continue;
        };
        for definition in &file.summary.definitions {
            if let Some(score) = fuzzy_score(query, &definition.id) {
                found.push((
                    score,
                    FoundSymbol {
                        name: definition.id.clone(),
                        kind: definition.kind,
                        container: file.summary.policy_id.as_ref().map(|p| p.text.clone()),
                        location: Location {
                            path: path.clone(),
                            range: definition.id_range,
                        },
                    },
                ));
            }
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    found.into_iter().take(limit).map(|(_, s)| s).collect()
}

//! Editor features driven by the policy-language catalog and the index: catalog diagnostics
//! (metadata keys, transformation signatures, schema structure), hover docs, schema-aware
//! completion, editing aids, semantic tokens, inlay hints, code lenses and document links.
//!
//! Everything here speaks byte offsets and [`TextRange`]s; the LSP edge converts positions and
//! builds protocol types. Offsets from a client may be out of bounds or fall inside a multi-byte
//! character: every entry point clamps them first.

mod checks;
mod completion;
mod context;
pub mod editing;
mod hover;
pub mod inlay;
pub mod lens;
pub mod links;
pub mod semantic;
mod settings;

pub use settings::setting_diagnostics;

use std::path::Path;

use syntax::ast::{AstNode, Element};
use syntax::{TextRange, TextSize};

use crate::catalog::{self, ElementSpec, TechnicalProfileType};
use crate::index::profiles::{effective_profile, EffectiveProfile};
use crate::index::Workspace;

pub(crate) use checks::looks_like_placeholder;
pub use checks::{catalog_diagnostics, missing_required_metadata};
pub use completion::completion;
pub use hover::hover;

/// What to show when the pointer rests on something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// The part of the text the hover is about.
    pub range: TextRange,
    pub markdown: String,
}

/// What a completion item stands for; the LSP edge maps it to an icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Element,
    Attribute,
    Value,
    Reference,
    MetadataKey,
    Method,
    Resolver,
    Setting,
}

/// One completion proposal: `insert_text` replaces `replace_range`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    pub insert_text: String,
    /// Whether `insert_text` holds snippet placeholders (`$1`, `$0`).
    pub is_snippet: bool,
    pub replace_range: TextRange,
}

/// Clamps a client offset to the text and moves it back to a character boundary.
pub(crate) fn clamp_offset(text: &str, offset: u32) -> TextSize {
    let mut offset = (offset as usize).min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    TextSize::from(offset as u32)
}

/// The local names of `element` and its ancestors, root first.
pub(crate) fn element_path(element: &Element) -> Vec<String> {
    let mut names: Vec<String> =
        std::iter::successors(Some(element.clone()), |e| e.parent_element())
            .map(|e| e.local_name())
            .collect();
    names.reverse();
    names
}

/// The schema spec of `element` at its place in the tree; for an element outside the known
/// structure, the spec its (parent, name) pair has anywhere in the schema.
pub(crate) fn spec_of(element: &Element) -> Option<&'static ElementSpec> {
    let path = element_path(element);
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    if let Some(spec) = catalog::element_at(&names) {
        return Some(spec);
    }
    let name = names.last()?;
    let parent = names.len().checked_sub(2).and_then(|i| names.get(i));
    catalog::element(parent.copied(), name).or_else(|| catalog::element(None, name))
}

/// The nearest enclosing element (itself included) with local name `name`.
pub(crate) fn enclosing(element: &Element, name: &str) -> Option<Element> {
    std::iter::successors(Some(element.clone()), |e| e.parent_element()).find(|e| e.is(name))
}

/// A technical profile's type as B2C sees it, with the merged profile it was read from.
pub(crate) struct ProfileType {
    pub ty: Option<&'static TechnicalProfileType>,
    pub effective: Option<std::sync::Arc<EffectiveProfile>>,
}

/// The effective type of the TechnicalProfile `id` seen from `path`: its protocol and handler
/// come from itself, else from the same-Id profile of an ancestor, else from what it includes.
/// The relying party's own profile is typed from its own protocol.
pub(crate) fn profile_type(
    workspace: &Workspace,
    path: &Path,
    id: &str,
    relying_party_protocol: Option<Option<&str>>,
) -> ProfileType {
    if let Some(protocol) = relying_party_protocol {
        return ProfileType {
            ty: protocol.and_then(catalog::relying_party_technical_profile_type),
            effective: None,
        };
    }
    let effective = effective_profile(workspace, path, id);
    let ty = effective
        .as_deref()
        .and_then(EffectiveProfile::technical_type);
    ProfileType { ty, effective }
}

/// The effective type of the TechnicalProfile element `tp` of the file at `path`.
pub(crate) fn profile_type_of_element(
    workspace: &Workspace,
    path: &Path,
    tp: &Element,
) -> ProfileType {
    let in_relying_party = tp.parent_element().is_some_and(|p| p.is("RelyingParty"));
    let id = tp.attribute_value("Id").unwrap_or_default();
    if in_relying_party {
        let protocol = tp.child("Protocol").and_then(|p| p.attribute_value("Name"));
        return profile_type(workspace, path, &id, Some(protocol.as_deref()));
    }
    profile_type(workspace, path, &id, None)
}

/// The full assembly-qualified form B2C expects in `Protocol@Handler`.
pub(crate) fn qualified_handler(class: &str) -> String {
    format!("{class}, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null")
}

/// The element whose start tag holds `node`, or that `node` is.
pub(crate) fn element_of(node: &syntax::SyntaxNode) -> Option<Element> {
    node.ancestors().find_map(Element::cast)
}

/// Renders a method's signature as short markdown lines.
pub(crate) fn method_signature(method: &catalog::TransformationMethod) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let claim = |c: &catalog::MethodClaim| {
        format!(
            "`{}` ({}{})",
            c.name,
            c.data_type,
            if c.required { "" } else { ", optional" }
        )
    };
    let section = |out: &mut String, title: &str, items: Vec<String>, open: bool| {
        if items.is_empty() && !open {
            return;
        }
        let mut line = items.join(", ");
        if open {
            if !line.is_empty() {
                line.push_str(", ");
            }
            line.push_str("any names you choose");
        }
        let _ = writeln!(out, "- {title}: {line}");
    };
    section(
        &mut out,
        "input claims",
        method.input_claims.iter().map(claim).collect(),
        method.open_inputs,
    );
    section(
        &mut out,
        "input parameters",
        method
            .input_parameters
            .iter()
            .map(|p| {
                let mut s = format!(
                    "`{}` ({}{})",
                    p.id,
                    p.data_type,
                    if p.required { "" } else { ", optional" }
                );
                if !p.allowed.is_empty() {
                    let _ = write!(s, " one of {}", p.allowed.join(" / "));
                }
                s
            })
            .collect(),
        method.open_parameters,
    );
    section(
        &mut out,
        "output claims",
        method.output_claims.iter().map(claim).collect(),
        method.open_outputs,
    );
    out
}

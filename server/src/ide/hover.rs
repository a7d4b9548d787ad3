//! Hover: catalog docs for element and attribute names, metadata keys of the effective profile
//! type, transformation methods and claim resolvers, and a short summary of what a reference
//! names (resolved through the file's BasePolicy chain).

use std::fmt::Write;
use std::path::Path;

use syntax::ast::{AstNode, Attribute, Element};
use syntax::{SyntaxKind, SyntaxToken, TextRange, TextSize};

use crate::catalog;
use crate::index::profiles::effective_profile;
use crate::index::workspace::{FileData, Resolved};
use crate::index::{id_key, Reference, ReferenceScope, SymbolKind, Workspace};

use super::{
    clamp_offset, element_of, enclosing, method_signature, profile_type_of_element, spec_of, Hover,
};

fn contains(range: TextRange, offset: TextSize) -> bool {
    range.start() <= offset && offset <= range.end()
}

/// The hover at `offset` in the file at `path`, if there is anything to say.
pub fn hover(workspace: &Workspace, path: &Path, offset: u32) -> Option<Hover> {
    let file = workspace.file(path)?;
    let offset = clamp_offset(&file.text, offset);
    if let Some(hover) = setting_hover(workspace, path, &file.text, offset) {
        return Some(hover);
    }
    if let Some(reference) =
        crate::index::symbol_at(workspace, path, offset.into()).and_then(|s| s.reference)
    {
        if let Some(markdown) = reference_hover(workspace, path, &reference) {
            return Some(Hover {
                range: reference.range,
                markdown,
            });
        }
    }
    let root = file.parse.syntax();
    let token = pick_token(&root, offset)?;
    let parent = token.parent()?;
    match token.kind() {
        SyntaxKind::NAME => match parent.kind() {
            SyntaxKind::START_TAG | SyntaxKind::END_TAG => {
                let element = element_of(&parent)?;
                let spec = spec_of(&element)?;
                let mut markdown = format!("**{}**", spec.name);
                if !spec.doc.is_empty() {
                    let _ = write!(markdown, "\n\n{}", spec.doc);
                }
                let required: Vec<&str> = spec
                    .attributes
                    .iter()
                    .filter(|a| a.required)
                    .map(|a| a.name)
                    .collect();
                if !required.is_empty() {
                    let _ = write!(markdown, "\n\nRequired attributes: {}", required.join(", "));
                }
                Some(Hover {
                    range: token.text_range(),
                    markdown,
                })
            }
            SyntaxKind::ATTRIBUTE => {
                let element = element_of(&parent)?;
                let spec = spec_of(&element)?;
                let attribute = spec.attribute(token.text())?;
                let mut markdown = format!("**{}** (attribute of {})", attribute.name, spec.name);
                if attribute.required {
                    markdown.push_str(", required");
                }
                if !attribute.doc.is_empty() {
                    let _ = write!(markdown, "\n\n{}", attribute.doc);
                }
                if !attribute.allowed.is_empty() {
                    let _ = write!(markdown, "\n\nValues: {}", attribute.allowed.join(", "));
                }
                Some(Hover {
                    range: token.text_range(),
                    markdown,
                })
            }
            _ => None,
        },
        SyntaxKind::ATTR_VALUE_TEXT => {
            let attribute = Attribute::cast(parent.parent()?)?;
            let element = element_of(attribute.syntax())?;
            let name = attribute.name()?.text().to_owned();
            value_hover(workspace, path, &element, &name, &token, offset)
        }
        SyntaxKind::TEXT | SyntaxKind::CDATA_TEXT => {
            let element = element_of(&parent)?;
            if let Some(hover) = resolver_hover(&token, offset) {
                return Some(hover);
            }
            let value = token.text().trim();
            let docs = match element.local_name().as_str() {
                "DataType" => catalog::data_types(),
                "UserInputType" => catalog::user_input_types(),
                _ => return None,
            };
            let (name, doc) = docs.iter().find(|(v, _)| v.eq_ignore_ascii_case(value))?;
            Some(Hover {
                range: token.text_range(),
                markdown: format!("**{name}**\n\n{doc}"),
            })
        }
        _ => None,
    }
}

/// The token under the cursor, preferring one that carries text over a delimiter.
fn pick_token(root: &syntax::SyntaxNode, offset: TextSize) -> Option<SyntaxToken> {
    let meaningful = |t: &SyntaxToken| {
        matches!(
            t.kind(),
            SyntaxKind::NAME
                | SyntaxKind::ATTR_VALUE_TEXT
                | SyntaxKind::TEXT
                | SyntaxKind::CDATA_TEXT
        )
    };
    let at = root.token_at_offset(offset);
    let mut candidates: Vec<SyntaxToken> = at.collect();
    candidates.reverse();
    candidates.into_iter().find(meaningful)
}

fn value_hover(
    workspace: &Workspace,
    path: &Path,
    element: &Element,
    attribute: &str,
    token: &SyntaxToken,
    offset: TextSize,
) -> Option<Hover> {
    let value = syntax::unescape(token.text()).trim().to_owned();
    let range = token.text_range();
    let element_name = element.local_name();
    match (element_name.as_str(), attribute) {
        ("Item", "Key") if element.parent_element().is_some_and(|p| p.is("Metadata")) => {
            let tp = enclosing(element, "TechnicalProfile")?;
            let typed = profile_type_of_element(workspace, path, &tp);
            let ty = typed.ty?;
            let key = ty.metadata_key(&value)?;
            let mut markdown = format!("**{}** ({} metadata)\n\n{}", key.key, ty.name, key.doc);
            if !key.allowed.is_empty() {
                let _ = write!(markdown, "\n\nValues: {}", key.allowed.join(", "));
            } else if key.value == catalog::ValueType::Boolean {
                markdown.push_str("\n\nValues: true, false");
            }
            if let Some(default) = key.default {
                let _ = write!(markdown, "\n\nDefault: `{default}`");
            }
            if key.required {
                markdown.push_str("\n\nRequired.");
            }
            Some(Hover { range, markdown })
        }
        ("ClaimsTransformation", "TransformationMethod") => {
            let method = catalog::transformation_method(&value)?;
            Some(Hover {
                range,
                markdown: method_markdown(method),
            })
        }
        (_, "TransformationClaimType") | ("InputParameter", "Id") => {
            let ct = enclosing(element, "ClaimsTransformation")?;
            let method =
                catalog::transformation_method(&ct.attribute_value("TransformationMethod")?)?;
            let list = element.parent_element()?.local_name();
            let markdown = match list.as_str() {
                "InputClaims" => method.input_claim(&value).map(|c| {
                    format!(
                        "**{}**: input claim of {} ({}{})",
                        c.name,
                        method.name,
                        c.data_type,
                        if c.required { ", required" } else { "" }
                    )
                }),
                "OutputClaims" => method.output_claim(&value).map(|c| {
                    format!(
                        "**{}**: output claim of {} ({})",
                        c.name, method.name, c.data_type
                    )
                }),
                "InputParameters" => method.input_parameter(&value).map(|p| {
                    let mut s = format!(
                        "**{}**: input parameter of {} ({}{})",
                        p.id,
                        method.name,
                        p.data_type,
                        if p.required { ", required" } else { "" }
                    );
                    if !p.allowed.is_empty() {
                        let _ = write!(s, "\n\nValues: {}", p.allowed.join(", "));
                    }
                    s
                }),
                _ => None,
            }?;
            Some(Hover { range, markdown })
        }
        ("Protocol", "Handler") => {
            let class = value.split(',').next().unwrap_or("").trim();
            let ty = catalog::technical_profile_type("Proprietary", Some(class), None)?;
            Some(Hover {
                range,
                markdown: format!("**{}** technical profile\n\n{}", ty.name, ty.doc),
            })
        }
        _ => resolver_hover(token, offset),
    }
}

fn method_markdown(method: &catalog::TransformationMethod) -> String {
    let mut markdown = format!(
        "**{}** ({} claims transformation)\n\n{}\n\n{}",
        method.name,
        method.family,
        method.doc,
        method_signature(method)
    );
    if method.undocumented {
        markdown.push_str("\nNot in Microsoft's reference; signature taken from real policies.");
    }
    markdown.trim_end().to_owned()
}

/// The claim resolver `{...}` around `offset` in a text or value token.
/// On a `{Settings:Name}` placeholder: its value in each environment of `appsettings.json`.
fn setting_hover(
    workspace: &Workspace,
    path: &Path,
    text: &str,
    offset: TextSize,
) -> Option<Hover> {
    // Only the line around the cursor is searched: hover stays cheap on long files.
    let at = usize::from(offset).min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[line_start..line_end];
    let placeholder = crate::environments::placeholders(line)
        .into_iter()
        .find(|p| contains(p.range, offset - TextSize::from(line_start as u32)))?;
    let (_, settings) = super::settings::appsettings(workspace, path)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut markdown = format!(
        "**{{Settings:{}}}** (replaced by `b2c-lsp build` from appsettings.json)\n\n| environment | value |\n| --- | --- |",
        placeholder.name
    );
    for environment in &settings.environments {
        let value = environment
            .value(&placeholder.name, &file_name)
            .map_or_else(
                || "*(no value)*".to_owned(),
                |v| format!("`{}`", v.replace('|', "\\|")),
            );
        let _ = write!(markdown, "\n| {} | {value} |", environment.name);
    }
    Some(Hover {
        range: placeholder.range + TextSize::from(line_start as u32),
        markdown,
    })
}

fn resolver_hover(token: &SyntaxToken, offset: TextSize) -> Option<Hover> {
    let text = token.text();
    let start = token.text_range().start();
    let at = usize::from(offset.checked_sub(start)?).min(text.len());
    let open = text.get(..at.min(text.len()))?.rfind('{').or_else(|| {
        // The cursor may sit on the `{` itself.
        text.get(at..)?.starts_with('{').then_some(at)
    })?;
    let close = open + text.get(open..)?.find('}')?;
    if close + 1 < at || text.get(open + 1..close)?.contains('{') {
        return None;
    }
    let name = text.get(open..=close)?;
    let resolver = catalog::claim_resolver(name)?;
    let range = TextRange::new(
        start + TextSize::from(open as u32),
        start + TextSize::from(close as u32 + 1),
    );
    Some(Hover {
        range,
        markdown: format!("**{name}** (claim resolver)\n\n{}", resolver.doc),
    })
}

fn location(workspace: &Workspace, resolved: &Resolved) -> String {
    let name = resolved.path.file_name().map_or_else(
        || resolved.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    match workspace.file(&resolved.path) {
        Some(file) => {
            let line = file
                .line_index()
                .to_human(&file.text, resolved.definition.id_range.start().into())
                .line;
            format!("{name}, line {line}")
        }
        None => name,
    }
}

/// The element whose whole range is `range` in `file`.
fn element_with_range(file: &FileData, range: TextRange) -> Option<Element> {
    let root = file.parse.syntax();
    if range.end() > root.text_range().end() {
        return None;
    }
    let covering = root.covering_element(range);
    let node = match covering.as_node() {
        Some(node) => node.clone(),
        None => covering.as_token()?.parent()?,
    };
    node.ancestors()
        .filter_map(Element::cast)
        .find(|e| e.syntax().text_range() == range)
}

/// The text of the children `names` of a ClaimType, each from the nearest of its same-Id
/// definitions (`found`, nearest first) that writes it.
pub(crate) fn claim_type_fields(
    workspace: &Workspace,
    found: &[Resolved],
    names: &[&str],
) -> Vec<Option<String>> {
    let mut values: Vec<Option<String>> = vec![None; names.len()];
    for resolved in found {
        if values.iter().all(Option::is_some) {
            break;
        }
        let Some(file) = workspace.file(&resolved.path) else {
            continue;
        };
        let Some(element) = element_with_range(&file, resolved.definition.full_range) else {
            continue;
        };
        for (name, value) in names.iter().zip(values.iter_mut()) {
            if value.is_none() {
                *value = element
                    .child(name)
                    .map(|c| c.text().trim().to_owned())
                    .filter(|t| !t.is_empty());
            }
        }
    }
    values
}

fn reference_hover(workspace: &Workspace, path: &Path, reference: &Reference) -> Option<String> {
    if reference.kind == SymbolKind::Policy {
        let chain = workspace.chain(path);
        let base = chain.files.get(1)?;
        let name = base.file_name()?.to_string_lossy().into_owned();
        return Some(format!(
            "**Policy** `{}`\n\nBase policy, in {name}",
            reference.id
        ));
    }
    let mut found = workspace.resolve(path, reference.kind, &reference.id);
    if let ReferenceScope::LaterStepOf { journey, .. } = &reference.scope {
        let journey = id_key(journey);
        found.retain(|r| r.definition.scope.as_deref().map(id_key).as_deref() == Some(&journey));
    }
    let first = found.first()?;
    let mut markdown = format!(
        "**{}** `{}`",
        reference.kind.element_name(),
        first.definition.id
    );
    match reference.kind {
        SymbolKind::ClaimType => {
            let names = ["DataType", "DisplayName", "UserInputType"];
            let values = claim_type_fields(workspace, &found, &names);
            for (name, value) in names.into_iter().zip(values) {
                if let Some(value) = value {
                    let _ = write!(markdown, "\n- {name}: {value}");
                }
            }
        }
        SymbolKind::TechnicalProfile => {
            if let Some(profile) = effective_profile(workspace, path, &reference.id) {
                let ty = profile.technical_type();
                match (ty, &profile.protocol) {
                    (Some(ty), _) => {
                        let _ = write!(markdown, "\n- type: {}", ty.name);
                    }
                    (None, Some(protocol)) => {
                        let _ = write!(markdown, "\n- protocol: {protocol}");
                    }
                    (None, None) => markdown.push_str("\n- protocol: not set in the chain"),
                }
                if !profile.includes.is_empty() {
                    let _ = write!(markdown, "\n- includes: {}", profile.includes.join(" -> "));
                }
                // The effective value of each key, in first-set order, at most a few.
                let mut keys: Vec<&str> = Vec::new();
                for item in &profile.metadata {
                    let key = item.value.key.trim();
                    if !keys.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                        keys.push(key);
                    }
                }
                if !keys.is_empty() {
                    let shown: Vec<String> = keys
                        .iter()
                        .take(6)
                        .map(|k| {
                            let value = profile.metadata_value(k).unwrap_or("");
                            let value = if value.chars().count() > 40 {
                                format!("{}…", value.chars().take(40).collect::<String>())
                            } else {
                                value.to_owned()
                            };
                            format!("{k}={value}")
                        })
                        .collect();
                    let more = keys.len().saturating_sub(6);
                    let _ = write!(markdown, "\n- metadata: {}", shown.join(", "));
                    if more > 0 {
                        let _ = write!(markdown, " (+{more} more)");
                    }
                }
            }
        }
        SymbolKind::ClaimsTransformation => {
            let method = found.iter().find_map(|r| {
                let file = workspace.file(&r.path)?;
                let ct = file.summary.transformation(&r.definition.id)?;
                ct.method.as_ref().map(|m| m.text.clone())
            });
            if let Some(method) = method {
                match catalog::transformation_method(&method) {
                    Some(m) => {
                        let _ = write!(
                            markdown,
                            "\n\nMethod **{}**\n\n{}",
                            m.name,
                            method_signature(m)
                        );
                    }
                    None => {
                        let _ = write!(markdown, "\n\nMethod {method}");
                    }
                }
            }
        }
        _ => {}
    }
    let _ = write!(markdown, "\n\nDefined in {}", location(workspace, first));
    if found.len() > 1 {
        let others: Vec<String> = found[1..].iter().map(|r| location(workspace, r)).collect();
        let _ = write!(markdown, "; also in {}", others.join("; "));
    }
    Some(markdown.trim_end().to_owned())
}

//! Schema-aware completion: child elements valid at the cursor, missing attributes, enum values,
//! ids by kind from the file's chain, metadata keys and values of the effective profile type,
//! transformation methods and their parameter names, handlers, claim resolvers and
//! `{Settings:Name}` names.

use std::collections::HashSet;
use std::path::Path;

use syntax::ast::Element;
use syntax::{TextRange, TextSize};

use crate::catalog::{self, ElementSpec, MetadataKey, TechnicalProfileType, ValueType};
use crate::index::summary::{ATTRIBUTE_REFERENCES, LOCALIZED_ELEMENT_TYPES, METADATA_REFERENCES};
use crate::index::{id_key, SymbolKind, Workspace};

use super::context::{cursor_context, CursorContext};
use super::{
    clamp_offset, enclosing, method_signature, profile_type_of_element, qualified_handler,
    settings, spec_of, Completion, CompletionKind,
};

/// Completions at `offset` in the file at `path`.
pub fn completion(workspace: &Workspace, path: &Path, offset: u32) -> Vec<Completion> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    let offset = clamp_offset(&file.text, offset);
    let root = file.parse.syntax();
    let Some(context) = cursor_context(&root, &file.text, offset) else {
        return Vec::new();
    };
    let request = Request {
        workspace,
        path,
        offset,
    };
    match context {
        CursorContext::ElementName {
            element,
            range,
            tag_has_more,
        } => request.element_names(&element, range, tag_has_more),
        CursorContext::AttributeName {
            element,
            range,
            has_value,
        } => request.attribute_names(&element, range, has_value),
        CursorContext::AttributeValue {
            element,
            name,
            value_range,
            before,
        } => request.attribute_values(&element, &name, value_range, &before),
        CursorContext::Content {
            element,
            text_range,
            before,
        } => request.content(&element, text_range, &before),
    }
}

struct Request<'a> {
    workspace: &'a Workspace,
    path: &'a Path,
    offset: TextSize,
}

fn item(
    label: impl Into<String>,
    kind: CompletionKind,
    insert_text: impl Into<String>,
    is_snippet: bool,
    replace_range: TextRange,
) -> Completion {
    Completion {
        label: label.into(),
        kind,
        detail: None,
        documentation: None,
        insert_text: insert_text.into(),
        is_snippet,
        replace_range,
    }
}

fn with(mut completion: Completion, detail: Option<String>, doc: &str) -> Completion {
    completion.detail = detail;
    completion.documentation = (!doc.is_empty()).then(|| doc.to_owned());
    completion
}

/// Escapes text for a snippet body.
fn snippet_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('$', "\\$")
        .replace('}', "\\}")
}

/// `Name Attr="$1"...>$0</Name>` (or self-closing when the element holds nothing).
fn element_snippet(spec: &ElementSpec, with_angle: bool) -> String {
    let mut out = String::new();
    if with_angle {
        out.push('<');
    }
    out.push_str(spec.name);
    let mut n = 0;
    for attribute in spec.attributes.iter().filter(|a| a.required) {
        n += 1;
        out.push_str(&format!(" {}=\"${n}\"", attribute.name));
    }
    if spec.children.is_empty() && !spec.text && !spec.open_content {
        out.push_str(" />");
    } else {
        out.push_str(&format!(">$0</{}>", spec.name));
    }
    out
}

/// The position of an unclosed `{` in `before`, if the cursor is inside one.
fn open_brace(before: &str) -> Option<usize> {
    let open = before.rfind('{')?;
    (!before[open..].contains('}')).then_some(open)
}

impl Request<'_> {
    // -----------------------------------------------------------------------------------------
    // Element names.

    /// The children of `parent` that may go at the cursor: not at their maximum count yet and,
    /// where the schema fixes the order, between the neighbours.
    fn valid_children(
        &self,
        parent: &Element,
        spec: &'static ElementSpec,
        exclude: Option<&Element>,
    ) -> Vec<&'static ElementSpec> {
        if spec.open_content {
            return Vec::new();
        }
        let index_of = |name: &str| spec.children.iter().position(|c| c.name == name);
        let mut counts = std::collections::HashMap::new();
        let mut low = 0usize;
        let mut high = spec.children.len().saturating_sub(1);
        for child in parent.child_elements() {
            if exclude.is_some_and(|e| e == &child) {
                continue;
            }
            let name = child.local_name();
            let Some(index) = index_of(&name) else {
                continue;
            };
            *counts.entry(index).or_insert(0u32) += 1;
            let range = syntax::ast::AstNode::syntax(&child).text_range();
            if range.end() <= self.offset {
                low = low.max(index);
            } else if range.start() >= self.offset {
                high = high.min(index);
            }
        }
        spec.children
            .iter()
            .enumerate()
            .filter(|(i, c)| {
                let count = counts.get(i).copied().unwrap_or(0);
                c.max.is_none_or(|max| count < max)
                    && (!spec.ordered || (low <= *i && *i <= high.max(low)))
            })
            .map(|(_, c)| c.spec())
            .collect()
    }

    fn element_names(
        &self,
        element: &Element,
        range: TextRange,
        tag_has_more: bool,
    ) -> Vec<Completion> {
        let Some(parent) = element.parent_element() else {
            let root = catalog::root_element();
            let insert = if tag_has_more {
                root.name.to_owned()
            } else {
                element_snippet(root, false)
            };
            return vec![with(
                item(
                    root.name,
                    CompletionKind::Element,
                    insert,
                    !tag_has_more,
                    range,
                ),
                None,
                root.doc,
            )];
        };
        let Some(spec) = spec_of(&parent) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if !tag_has_more && parent.is("Metadata") {
            out.extend(self.metadata_item_elements(&parent, range, false));
        }
        for child in self.valid_children(&parent, spec, Some(element)) {
            let (insert, snippet) = if tag_has_more {
                (child.name.to_owned(), false)
            } else {
                (element_snippet(child, false), true)
            };
            out.push(with(
                item(child.name, CompletionKind::Element, insert, snippet, range),
                None,
                child.doc,
            ));
        }
        out
    }

    /// `Item Key="..."` proposals for the metadata keys the profile does not set yet.
    fn metadata_item_elements(
        &self,
        metadata: &Element,
        range: TextRange,
        with_angle: bool,
    ) -> Vec<Completion> {
        let Some((ty, keys)) = self.missing_metadata_keys(metadata, None) else {
            return Vec::new();
        };
        keys.into_iter()
            .map(|key| {
                let insert = format!(
                    "{}Item Key=\"{}\">$0</Item>",
                    if with_angle { "<" } else { "" },
                    snippet_escape(key.key)
                );
                with(
                    item(
                        format!("Item Key=\"{}\"", key.key),
                        CompletionKind::MetadataKey,
                        insert,
                        true,
                        range,
                    ),
                    Some(key_detail(ty, key)),
                    &key_doc(key),
                )
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Attribute names.

    fn attribute_names(
        &self,
        element: &Element,
        range: TextRange,
        has_value: bool,
    ) -> Vec<Completion> {
        let Some(spec) = spec_of(element) else {
            return Vec::new();
        };
        let present: HashSet<String> = element
            .attributes()
            .filter_map(|a| a.name())
            .filter(|n| n.range() != range)
            .map(|n| n.text().to_owned())
            .collect();
        spec.attributes
            .iter()
            .filter(|a| !present.contains(a.name))
            .map(|a| {
                let (insert, snippet) = if has_value {
                    (a.name.to_owned(), false)
                } else {
                    (format!("{}=\"$1\"", a.name), true)
                };
                with(
                    item(a.name, CompletionKind::Attribute, insert, snippet, range),
                    a.required.then(|| "required".to_owned()),
                    a.doc,
                )
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Attribute values.

    fn attribute_values(
        &self,
        element: &Element,
        attribute: &str,
        value_range: TextRange,
        before: &str,
    ) -> Vec<Completion> {
        let element_name = element.local_name();
        if let Some(open) = open_brace(before) {
            let resolvers = matches!(attribute, "DefaultValue" | "Value" | "PartnerClaimType");
            return self.braces(value_range, open, resolvers);
        }
        match (element_name.as_str(), attribute) {
            ("Item", "Key") => {
                let Some(metadata) = element.parent_element().filter(|p| p.is("Metadata")) else {
                    return Vec::new();
                };
                let Some((ty, keys)) = self.missing_metadata_keys(&metadata, Some(element)) else {
                    return Vec::new();
                };
                keys.into_iter()
                    .map(|key| {
                        with(
                            item(
                                key.key,
                                CompletionKind::MetadataKey,
                                key.key,
                                false,
                                value_range,
                            ),
                            Some(key_detail(ty, key)),
                            &key_doc(key),
                        )
                    })
                    .collect()
            }
            ("ClaimsTransformation", "TransformationMethod") => catalog::transformation_methods()
                .iter()
                .map(|m| {
                    with(
                        item(m.name, CompletionKind::Method, m.name, false, value_range),
                        Some(format!("{} transformation", m.family)),
                        &format!("{}\n\n{}", m.doc, method_signature(m)),
                    )
                })
                .collect(),
            (_, "TransformationClaimType") | ("InputParameter", "Id") => {
                self.method_names(element, value_range)
            }
            ("Protocol", "Handler") => {
                let mut seen = HashSet::new();
                catalog::technical_profile_types()
                    .iter()
                    .filter_map(|t| Some((t, t.handler?)))
                    .filter(|(_, h)| seen.insert(*h))
                    .map(|(t, h)| {
                        let full = qualified_handler(h);
                        with(
                            item(h, CompletionKind::Value, full, false, value_range),
                            Some(t.name.to_owned()),
                            t.doc,
                        )
                    })
                    .collect()
            }
            ("Protocol", "Name") => [
                "Proprietary",
                "OpenIdConnect",
                "OAuth2",
                "OAuth1",
                "SAML2",
                "None",
            ]
            .iter()
            .map(|p| item(*p, CompletionKind::Value, *p, false, value_range))
            .collect(),
            _ => {
                if let Some(kind) = reference_kind(element, &element_name, attribute) {
                    return self.references(element, kind, value_range);
                }
                let Some(spec) = spec_of(element).and_then(|s| s.attribute(attribute)) else {
                    return Vec::new();
                };
                match spec.value {
                    ValueType::Enum => spec
                        .allowed
                        .iter()
                        .map(|v| item(*v, CompletionKind::Value, *v, false, value_range))
                        .collect(),
                    ValueType::Boolean => ["true", "false"]
                        .iter()
                        .map(|v| item(*v, CompletionKind::Value, *v, false, value_range))
                        .collect(),
                    _ => Vec::new(),
                }
            }
        }
    }

    /// TransformationClaimType / InputParameter Ids of the enclosing transformation's method.
    fn method_names(&self, element: &Element, range: TextRange) -> Vec<Completion> {
        let Some(ct) = enclosing(element, "ClaimsTransformation") else {
            return Vec::new();
        };
        let Some(method) = ct
            .attribute_value("TransformationMethod")
            .and_then(|m| catalog::transformation_method(&m))
        else {
            return Vec::new();
        };
        let Some(list) = element.parent_element() else {
            return Vec::new();
        };
        let attribute = if element.is("InputParameter") {
            "Id"
        } else {
            "TransformationClaimType"
        };
        let used: HashSet<String> = list
            .child_elements()
            .filter(|e| e != element)
            .filter_map(|e| e.attribute_value(attribute))
            .map(|v| v.trim().to_ascii_lowercase())
            .collect();
        let claims = |claims: &[catalog::MethodClaim]| -> Vec<Completion> {
            claims
                .iter()
                .filter(|c| !used.contains(&c.name.to_ascii_lowercase()))
                .map(|c| {
                    with(
                        item(c.name, CompletionKind::Value, c.name, false, range),
                        Some(format!(
                            "{}{}",
                            c.data_type,
                            if c.required { ", required" } else { "" }
                        )),
                        "",
                    )
                })
                .collect()
        };
        match list.local_name().as_str() {
            "InputClaims" => claims(method.input_claims),
            "OutputClaims" => claims(method.output_claims),
            "InputParameters" => method
                .input_parameters
                .iter()
                .filter(|p| !used.contains(&p.id.to_ascii_lowercase()))
                .map(|p| {
                    let doc = if p.allowed.is_empty() {
                        String::new()
                    } else {
                        format!("Values: {}", p.allowed.join(", "))
                    };
                    with(
                        item(p.id, CompletionKind::Value, p.id, false, range),
                        Some(format!(
                            "{}{}",
                            p.data_type,
                            if p.required { ", required" } else { "" }
                        )),
                        &doc,
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Ids of `kind` visible from the file, nearest definition first.
    fn references(&self, element: &Element, kind: SymbolKind, range: TextRange) -> Vec<Completion> {
        let same_file = element.is("IncludeClaimsFromTechnicalProfile");
        let journey = (kind == SymbolKind::ClaimsExchange)
            .then(|| {
                enclosing(element, "UserJourney")
                    .or_else(|| enclosing(element, "SubJourney"))
                    .and_then(|j| j.attribute_value("Id"))
            })
            .flatten()
            .map(|j| id_key(&j));
        let keep = |definition: &crate::index::Definition| match &journey {
            Some(journey) => definition.scope.as_deref().map(id_key).as_ref() == Some(journey),
            None => true,
        };
        self.visible(kind, same_file, keep)
            .into_iter()
            .map(|(id, file_name)| {
                with(
                    item(id.clone(), CompletionKind::Reference, id, false, range),
                    Some(format!("{} in {file_name}", kind.element_name())),
                    "",
                )
            })
            .collect()
    }

    /// The definitions of `kind` that `keep` accepts, in the file (only, with `same_file`) and
    /// its ancestors, nearest first, one per id: (id, file name).
    fn visible(
        &self,
        kind: SymbolKind,
        same_file: bool,
        keep: impl Fn(&crate::index::Definition) -> bool,
    ) -> Vec<(String, String)> {
        let chain = self.workspace.chain(self.path);
        let mut files: Vec<std::path::PathBuf> = chain
            .files
            .iter()
            .take(if same_file { 1 } else { usize::MAX })
            .cloned()
            .collect();
        if files.is_empty() {
            files.push(self.path.to_owned());
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for file_path in &files {
            let Some(file) = self.workspace.file(file_path) else {
                continue;
            };
            let file_name = file_path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            for definition in file.summary.definitions.iter().filter(|d| d.kind == kind) {
                if keep(definition) && seen.insert(id_key(&definition.id)) {
                    out.push((definition.id.clone(), file_name.clone()));
                }
            }
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // Metadata keys and values.

    /// The effective type of the profile that owns `metadata`, and its keys not set yet in the
    /// merged profile (the item being edited does not count).
    fn missing_metadata_keys(
        &self,
        metadata: &Element,
        editing: Option<&Element>,
    ) -> Option<(
        Option<&'static TechnicalProfileType>,
        Vec<&'static MetadataKey>,
    )> {
        let tp = metadata
            .parent_element()
            .filter(|p| p.is("TechnicalProfile"))?;
        let typed = profile_type_of_element(self.workspace, self.path, &tp);
        let editing_key = editing
            .and_then(|e| e.attribute_value("Key"))
            .map(|k| k.trim().to_ascii_lowercase());
        let mut present: HashSet<String> = metadata
            .children_named("Item")
            .filter(|i| editing.is_none_or(|e| e != i))
            .filter_map(|i| i.attribute_value("Key"))
            .map(|k| k.trim().to_ascii_lowercase())
            .collect();
        if let Some(effective) = &typed.effective {
            present.extend(
                effective
                    .metadata
                    .iter()
                    .map(|m| m.value.key.trim().to_ascii_lowercase()),
            );
        }
        // The key under edit is written in this file; do not hide it from its own completion.
        if let Some(key) = editing_key {
            let still_elsewhere = metadata
                .children_named("Item")
                .filter(|i| editing.is_none_or(|e| e != i))
                .any(|i| {
                    i.attribute_value("Key")
                        .is_some_and(|k| k.trim().eq_ignore_ascii_case(&key))
                });
            let inherited = typed.effective.as_ref().is_some_and(|e| {
                e.metadata.iter().any(|m| {
                    m.path.as_path() != self.path && m.value.key.trim().eq_ignore_ascii_case(&key)
                })
            });
            if !still_elsewhere && !inherited {
                present.remove(&key);
            }
        }
        let keys: Vec<&'static MetadataKey> = match typed.ty {
            Some(ty) => ty
                .metadata
                .iter()
                .chain(catalog::common_metadata_keys())
                .filter(|k| !present.contains(&k.key.to_ascii_lowercase()))
                .collect(),
            None => catalog::common_metadata_keys()
                .iter()
                .filter(|k| !present.contains(&k.key.to_ascii_lowercase()))
                .collect(),
        };
        Some((typed.ty, keys))
    }

    /// Values for the text of a metadata `Item`.
    fn metadata_values(&self, item_element: &Element, range: TextRange) -> Vec<Completion> {
        let Some(tp) = item_element
            .parent_element()
            .filter(|m| m.is("Metadata"))
            .and_then(|m| m.parent_element())
            .filter(|p| p.is("TechnicalProfile"))
        else {
            return Vec::new();
        };
        let Some(key) = item_element.attribute_value("Key") else {
            return Vec::new();
        };
        if let Some(&(_, kind)) = METADATA_REFERENCES
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key.trim()))
        {
            return self.references(item_element, kind, range);
        }
        let typed = profile_type_of_element(self.workspace, self.path, &tp);
        let Some(spec) = typed.ty.and_then(|t| t.metadata_key(&key)) else {
            return Vec::new();
        };
        let values: Vec<&str> = match spec.value {
            ValueType::Enum => spec.allowed.to_vec(),
            ValueType::Boolean => vec!["true", "false"],
            _ => Vec::new(),
        };
        values
            .into_iter()
            .map(|v| {
                let default = spec.default.is_some_and(|d| d.eq_ignore_ascii_case(v));
                with(
                    item(v, CompletionKind::Value, v, false, range),
                    default.then(|| "default".to_owned()),
                    "",
                )
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Content between tags.

    fn content(&self, element: &Element, text_range: TextRange, before: &str) -> Vec<Completion> {
        let name = element.local_name();
        let spec = spec_of(element);
        if let Some(open) = open_brace(before) {
            let resolvers = name == "Item" || spec.is_some_and(|s| s.text);
            return self.braces(text_range, open, resolvers);
        }
        if name == "Item" && element.parent_element().is_some_and(|p| p.is("Metadata")) {
            return self.metadata_values(element, text_range);
        }
        if name == "Value" {
            if let Some(precondition) = element.parent_element().filter(|p| p.is("Precondition")) {
                let first = precondition.children_named("Value").next();
                let kind = precondition.attribute_value("Type").unwrap_or_default();
                if first.as_ref() == Some(element)
                    && (kind == "ClaimsExist" || kind == "ClaimEquals")
                {
                    return self.references(element, SymbolKind::ClaimType, text_range);
                }
                return Vec::new();
            }
        }
        let Some(spec) = spec else {
            return Vec::new();
        };
        if spec.text_value == ValueType::Enum {
            let docs: &[(&str, &str)] = match spec.name {
                "DataType" => catalog::data_types(),
                "UserInputType" => catalog::user_input_types(),
                _ => &[],
            };
            return spec
                .text_allowed
                .iter()
                .map(|v| {
                    let doc = docs.iter().find(|(d, _)| d == v).map_or("", |(_, d)| *d);
                    with(
                        item(*v, CompletionKind::Value, *v, false, text_range),
                        None,
                        doc,
                    )
                })
                .collect();
        }
        if spec.text && !before.trim().is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if name == "Metadata" {
            out.extend(self.metadata_item_elements(element, text_range, true));
        }
        for child in self.valid_children(element, spec, None) {
            out.push(with(
                item(
                    child.name,
                    CompletionKind::Element,
                    element_snippet(child, true),
                    true,
                    text_range,
                ),
                None,
                child.doc,
            ));
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // Claim resolvers and settings.

    /// Completions inside an unclosed `{` at byte `open` of `range`: settings names always,
    /// claim resolvers where they apply.
    fn braces(&self, range: TextRange, open: usize, resolvers: bool) -> Vec<Completion> {
        let start = range.start() + TextSize::from(open as u32);
        // Replace through a closing brace right after the cursor's word, if there is one.
        let end = self.brace_end(range);
        let replace = TextRange::new(start.min(self.offset), end.max(self.offset));
        let mut out = Vec::new();
        for name in settings::setting_names(self.workspace, self.path).iter() {
            let text = format!("{{Settings:{name}}}");
            out.push(with(
                item(text.clone(), CompletionKind::Setting, text, false, replace),
                Some("appsettings.json".to_owned()),
                "",
            ));
        }
        if resolvers {
            for resolver in catalog::claim_resolvers() {
                if resolver.key.starts_with("{Settings:") {
                    continue;
                }
                let (insert, snippet) = match resolver.prefix() {
                    Some(prefix) => {
                        let placeholder = resolver
                            .key
                            .get(prefix.len()..)
                            .unwrap_or("")
                            .trim_start_matches('<')
                            .trim_end_matches('}')
                            .trim_end_matches('>');
                        (
                            format!("{}${{1:{}}}}}", snippet_escape(prefix), placeholder),
                            true,
                        )
                    }
                    None => (resolver.key.to_owned(), false),
                };
                out.push(with(
                    item(
                        resolver.key,
                        CompletionKind::Resolver,
                        insert,
                        snippet,
                        replace,
                    ),
                    Some("claim resolver".to_owned()),
                    resolver.doc,
                ));
            }
            // Once `{Claim:` is typed, the claim types the policy can name.
            let typed = self
                .workspace
                .file(self.path)
                .and_then(|f| {
                    f.text
                        .get(usize::from(start)..usize::from(self.offset))
                        .map(str::to_owned)
                })
                .unwrap_or_default();
            if typed
                .get(..7)
                .is_some_and(|p| p.eq_ignore_ascii_case("{Claim:"))
            {
                for (id, file_name) in self.visible(SymbolKind::ClaimType, false, |_| true) {
                    let text = format!("{{Claim:{id}}}");
                    out.push(with(
                        item(text.clone(), CompletionKind::Resolver, text, false, replace),
                        Some(format!("claim resolver: ClaimType in {file_name}")),
                        "",
                    ));
                }
            }
        }
        out
    }

    /// The end of the brace expression under the cursor: past a `}` that closes it, or the
    /// cursor itself.
    fn brace_end(&self, range: TextRange) -> TextSize {
        let Some(file) = self.workspace.file(self.path) else {
            return self.offset;
        };
        let start = usize::from(self.offset).min(file.text.len());
        let limit = usize::from(range.end().max(self.offset)).min(file.text.len());
        let rest = file.text.get(start..limit).unwrap_or("");
        let word: usize = rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, ':' | '-' | '_' | '.' | '}')))
            .map_or(rest.len(), |(i, _)| i);
        let stretch = &rest[..word];
        match stretch.find('}') {
            Some(close) => self.offset + TextSize::from(close as u32 + 1),
            None => self.offset + TextSize::from(word as u32),
        }
    }
}

fn key_detail(ty: Option<&TechnicalProfileType>, key: &MetadataKey) -> String {
    let mut detail = ty.map_or_else(|| "any technical profile".to_owned(), |t| t.name.to_owned());
    if key.required {
        detail.push_str(", required");
    }
    detail
}

fn key_doc(key: &MetadataKey) -> String {
    let mut doc = key.doc.to_owned();
    if !key.allowed.is_empty() {
        doc.push_str(&format!("\n\nValues: {}", key.allowed.join(", ")));
    }
    if let Some(default) = key.default {
        doc.push_str(&format!("\n\nDefault: {default}"));
    }
    doc
}

/// The kind of id an attribute holds, from the index's reference table, the localized-string
/// element types and the catalog's attribute specs.
fn reference_kind(element: &Element, element_name: &str, attribute: &str) -> Option<SymbolKind> {
    if let Some(&(_, _, kind)) = ATTRIBUTE_REFERENCES
        .iter()
        .find(|(on, name, _)| (*on == "*" || *on == element_name) && *name == attribute)
    {
        return Some(kind);
    }
    if matches!(element_name, "LocalizedString" | "LocalizedCollection") && attribute == "ElementId"
    {
        let element_type = element.attribute_value("ElementType").unwrap_or_default();
        return LOCALIZED_ELEMENT_TYPES
            .iter()
            .find(|(t, _)| *t == element_type)
            .map(|(_, k)| *k);
    }
    if element_name == "ClaimsProviderSelection"
        && matches!(
            attribute,
            "TargetClaimsExchangeId" | "ValidationClaimsExchangeId"
        )
    {
        return Some(SymbolKind::ClaimsExchange);
    }
    match spec_of(element)?.attribute(attribute)?.value {
        ValueType::Reference(kind) => Some(kind),
        _ => None,
    }
}

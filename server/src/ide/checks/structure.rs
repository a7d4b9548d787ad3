//! The schema structure of elements: children, attributes, text and the schema's patterns,
//! cached per element text in the workspace's store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use syntax::view::ElementRef;
use syntax::{TextRange, TextSize};

use crate::catalog::{self, ChildSpec, ElementSpec, ValueType};
use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::index::Workspace;

/// The namespace of policy files; elements in another declared namespace are not checked.
const POLICY_NAMESPACE: &str = "http://schemas.microsoft.com/online/cpim/schemas/2013/06";

/// The structure findings of one file. They depend on its text alone, so they are kept with
/// that version of the file: when an ancestor changes, the file's other diagnostics are
/// recomputed, not these.
pub(super) fn structure_diagnostics(
    workspace: &Workspace,
    file: &crate::index::FileData,
) -> Vec<Diagnostic> {
    let units = workspace.cache::<UnitCache>();
    let found = file.memo("ide::structure", move |file| {
        let mut out = Vec::new();
        if let Some(root) = ElementRef::root(&file.parse) {
            check_tree(&file.text, root, &units, &mut out);
            // One mistake, one diagnostic: where the parser had to recover, the elements
            // around the syntax error are misplaced by the recovery, not by the author, so
            // the syntax error is all that is said there.
            let broken = recovered_regions(root, file.parse.errors());
            if !broken.is_empty() {
                out.retain(|d| !in_region(&broken, d.range));
            }
        }
        out
    });
    found.as_ref().clone()
}

/// The innermost element around each syntax error (below the root, else from the error to
/// the end): the regions whose structure the parser's recovery decided, sorted and merged.
/// One walk over the tree, whatever the number of errors (hostile files have thousands).
fn recovered_regions(root: ElementRef<'_>, errors: &[syntax::SyntaxError]) -> Vec<TextRange> {
    let mut offsets: Vec<TextSize> = errors.iter().map(|e| e.range.start()).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let mut regions = Vec::new();
    // (element, the slice of `offsets` inside it): each element hands its offsets on to the
    // children that contain them; those no child contains make the element a region.
    let mut stack: Vec<(ElementRef<'_>, &[TextSize])> = vec![(root, &offsets)];
    while let Some((element, inside)) = stack.pop() {
        if inside.is_empty() {
            continue;
        }
        let mut rest = inside;
        let mut claimed_all = true;
        for child in element.child_elements() {
            let range = child.range();
            let before = rest.partition_point(|o| *o < range.start());
            if before > 0 {
                claimed_all = false;
            }
            rest = &rest[before..];
            let within = rest.partition_point(|o| *o <= range.end());
            if within > 0 {
                stack.push((child, &rest[..within]));
            }
            rest = &rest[within..];
            if rest.is_empty() {
                break;
            }
        }
        if !rest.is_empty() || !claimed_all {
            if element == root {
                // A broken top level (a root never closed while typing) leaves what comes
                // before the error as the author wrote it.
                let first = inside[0];
                regions.push(TextRange::new(first, root.range().end().max(first)));
            } else {
                regions.push(element.range());
            }
        }
    }
    regions.sort_by_key(|r| (r.start(), std::cmp::Reverse(r.end())));
    let mut merged: Vec<TextRange> = Vec::with_capacity(regions.len());
    for region in regions {
        match merged.last_mut() {
            Some(last) if region.start() <= last.end() => {
                *last = TextRange::new(last.start(), last.end().max(region.end()));
            }
            _ => merged.push(region),
        }
    }
    merged
}

/// Whether `range` lies inside one of the sorted, disjoint `regions`.
fn in_region(regions: &[TextRange], range: TextRange) -> bool {
    let i = regions.partition_point(|r| r.start() <= range.start());
    i > 0 && regions[i - 1].contains_range(range)
}

fn is_foreign(element: ElementRef<'_>) -> bool {
    element.name().is_some_and(|n| n.text().contains(':'))
        || element
            .attribute_value("xmlns")
            .is_some_and(|ns| ns.trim() != POLICY_NAMESPACE)
}

fn known_anywhere(name: &str) -> bool {
    catalog::elements().iter().any(|e| e.name == name)
}

fn check_tree(text: &str, root: ElementRef<'_>, units: &UnitCache, out: &mut Vec<Diagnostic>) {
    let root_spec = catalog::root_element();
    if root.local_name() != root_spec.name {
        return;
    }
    check_subtree(text, root, root_spec, units, out);
}

/// Elements whose structure findings are cached by content: the units a keystroke touches.
/// Their findings depend on their own text and spec only, so an edit elsewhere in the file
/// reuses them (moved to where the element now starts).
const CACHED_UNITS: &[&str] = &[
    "ClaimsProvider",
    "ClaimType",
    "ClaimsTransformation",
    "ContentDefinition",
    "DisplayControl",
    "LocalizedResources",
    "UserJourney",
    "SubJourney",
    "Predicate",
    "PredicateValidation",
];

/// Findings of cached units, relative to the unit's start, keyed by the unit's spec and a
/// hash of its text; one per workspace. Bounded: cleared when it grows past a few thousand
/// units.
#[derive(Default)]
struct UnitCache(Mutex<HashMap<UnitKey, Arc<Vec<Diagnostic>>>>);

/// A unit's spec (by address) and the hash of its text.
type UnitKey = (usize, u64);

fn shift(range: TextRange, from: TextSize, to: TextSize) -> TextRange {
    TextRange::new(range.start() - from + to, range.end() - from + to)
}

/// A hash of a unit's text: an element's findings follow from its text alone, and hashing
/// the bytes is several times faster than walking the subtree.
fn text_hash(text: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(text.as_bytes());
    hasher.finish()
}

fn check_unit(
    text: &str,
    element: ElementRef<'_>,
    spec: &'static ElementSpec,
    units: &UnitCache,
    out: &mut Vec<Diagnostic>,
) {
    let start = element.range().start();
    let unit = text
        .get(std::ops::Range::<usize>::from(element.range()))
        .unwrap_or("");
    let key = (spec as *const ElementSpec as usize, text_hash(unit));
    let cached = units
        .0
        .lock()
        .ok()
        .and_then(|cache| cache.get(&key).cloned());
    let relative = match cached {
        Some(found) => found,
        None => {
            let mut found = Vec::new();
            check_subtree(text, element, spec, units, &mut found);
            for d in &mut found {
                d.range = shift(d.range, start, TextSize::from(0));
            }
            let found = Arc::new(found);
            if let Ok(mut cache) = units.0.lock() {
                if cache.len() > 8192 {
                    cache.clear();
                }
                cache.insert(key, Arc::clone(&found));
            }
            found
        }
    };
    out.extend(relative.iter().map(|d| {
        let mut d = d.clone();
        d.range = shift(d.range, TextSize::from(0), start);
        d
    }));
}

fn check_subtree(
    text: &str,
    top: ElementRef<'_>,
    top_spec: &'static ElementSpec,
    units: &UnitCache,
    out: &mut Vec<Diagnostic>,
) {
    let mut stack: Vec<(ElementRef<'_>, &'static ElementSpec)> = vec![(top, top_spec)];
    // How often each allowed child occurs, by its index in the spec; reused per element.
    let mut counts: Vec<u32> = Vec::new();
    while let Some((element, spec)) = stack.pop() {
        if element != top && CACHED_UNITS.contains(&spec.name) {
            check_unit(text, element, spec, units, out);
            continue;
        }
        check_attributes(element, spec, out);
        check_text(element, spec, out);
        check_content(element, spec, out);
        if spec.open_content {
            continue;
        }
        counts.clear();
        counts.resize(spec.children.len(), 0);
        let mut last_index = 0usize;
        let mut last_name = "";
        for child in element.child_elements() {
            let Some(name) = child.name() else { continue };
            if is_foreign(child) {
                continue;
            }
            let local = name.local();
            let Some((index, child_spec)) = spec
                .children
                .iter()
                .enumerate()
                .find(|(_, c)| c.name == local)
            else {
                let (code, message) = if known_anywhere(local) {
                    (
                        DiagnosticCode::UnexpectedChild,
                        format!(
                            "{} cannot contain {local}; it takes {}",
                            spec.name,
                            allowed_children(spec)
                        ),
                    )
                } else {
                    (
                        DiagnosticCode::UnknownElement,
                        format!(
                            "{local} is not an element of the policy language; {} takes {}",
                            spec.name,
                            allowed_children(spec)
                        ),
                    )
                };
                out.push(Diagnostic::new(name.range(), code, message));
                continue;
            };
            let count = &mut counts[index];
            *count += 1;
            if child_spec.max.is_some_and(|max| *count > max) {
                out.push(Diagnostic::new(
                    name.range(),
                    DiagnosticCode::UnexpectedChild,
                    format!(
                        "{} takes at most {} {local}",
                        spec.name,
                        child_spec.max.unwrap_or(0)
                    ),
                ));
            } else if spec.ordered && index < last_index {
                out.push(Diagnostic::new(name.range(), DiagnosticCode::UnexpectedChild,
                    format!(
                        "in {}, {local} must come before {last_name}: the schema fixes the order of its children",
                        spec.name
                    ),
                ));
            }
            if index >= last_index {
                last_index = index;
                last_name = child_spec.name;
            }
            stack.push((child, child_spec.spec()));
        }
        let is_missing = |(c, count): &(&ChildSpec, &u32)| c.min > 0 && **count == 0;
        if spec
            .children
            .iter()
            .zip(&counts)
            .any(|pair| is_missing(&pair))
        {
            let missing: Vec<&str> = spec
                .children
                .iter()
                .zip(&counts)
                .filter(is_missing)
                .map(|(c, _)| c.name)
                .collect();
            out.push(Diagnostic::new(
                element.name_range(),
                DiagnosticCode::MissingRequiredChild,
                format!("{} needs {}", spec.name, missing.join(" and ")),
            ));
        }
    }
}

fn allowed_children(spec: &ElementSpec) -> String {
    if spec.children.is_empty() {
        return "no child elements".to_owned();
    }
    spec.children
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_attributes(element: ElementRef<'_>, spec: &ElementSpec, out: &mut Vec<Diagnostic>) {
    // Unknown attribute names that are a misspelling of a required one: that one mistake is
    // reported as the unknown attribute, not also as the missing one.
    let mut misspelt: Vec<&'static str> = Vec::new();
    for attribute in element.attributes() {
        let Some(name) = attribute.name() else {
            continue;
        };
        let text = name.text();
        if text.contains(':') || text == "xmlns" {
            continue;
        }
        let Some(attr_spec) = spec.attribute(text) else {
            misspelt.extend(
                spec.attributes
                    .iter()
                    .filter(|a| {
                        a.required
                            && strsim::levenshtein(
                                &a.name.to_ascii_lowercase(),
                                &text.to_ascii_lowercase(),
                            ) <= 2
                    })
                    .map(|a| a.name),
            );
            out.push(Diagnostic::new(
                name.range(),
                DiagnosticCode::UnknownAttribute,
                format!(
                    "{} has no attribute {text}{}",
                    spec.name,
                    if spec.attributes.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; it takes {}",
                            spec.attributes
                                .iter()
                                .map(|a| a.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                ),
            ));
            continue;
        };
        let Some(value) = attribute.value() else {
            continue;
        };
        let raw = value.unescaped();
        let v = raw.trim();
        if v.contains('{') || (spec.name == "Protocol" && text == "Name") {
            continue;
        }
        let (ok, loose, expected) = match attr_spec.value {
            ValueType::Enum => (
                attr_spec.allowed.contains(&v),
                attr_spec.allowed.iter().any(|a| a.eq_ignore_ascii_case(v)),
                format!("one of {}", attr_spec.allowed.join(", ")),
            ),
            ValueType::Boolean => (
                ["true", "false", "0", "1"].contains(&v),
                ["true", "false"].iter().any(|b| b.eq_ignore_ascii_case(v)),
                "true or false".to_owned(),
            ),
            ValueType::Integer => (v.parse::<i64>().is_ok(), false, "a whole number".to_owned()),
            _ => match schema_pattern(spec.name, Some(text)) {
                Some((matches, described)) => (matches(v), false, described.to_owned()),
                None => (true, true, String::new()),
            },
        };
        if !ok && looks_like_placeholder(v) {
            out.push(placeholder(value.range(), v, text, spec.name));
        } else if !ok {
            // Enumerations compare as written: a value that differs only in case is as
            // wrong to the schema as any other, and the message says what is meant.
            out.push(Diagnostic::new(
                value.range(),
                DiagnosticCode::InvalidAttributeValue,
                format!(
                    "\"{v}\" is not a valid {} for {}: expected {expected}{}",
                    text,
                    spec.name,
                    if loose {
                        " (the schema compares case)"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    for attr_spec in spec.attributes.iter().filter(|a| a.required) {
        // A root without PolicyId is `missing-policy-id`, which says what is at stake.
        if spec.name == "TrustFrameworkPolicy" && attr_spec.name == "PolicyId" {
            continue;
        }
        if misspelt.contains(&attr_spec.name) {
            continue;
        }
        if element.attribute(attr_spec.name).is_none() {
            out.push(Diagnostic::new(
                element.name_range(),
                DiagnosticCode::MissingRequiredAttribute,
                format!("{} needs the attribute {}", spec.name, attr_spec.name),
            ));
        }
    }
}

/// Character data where the schema allows none. The upload's schema validation rejects text
/// in an element whose content is elements only (`The element 'X' cannot contain text`), and
/// even white space in an element whose content must be empty (`The element 'X' cannot contain
/// white space. Content model is empty.`): `<InputClaim ...>\n</InputClaim>` is not
/// `<InputClaim ... />`.
fn check_content(element: ElementRef<'_>, spec: &ElementSpec, out: &mut Vec<Diagnostic>) {
    if spec.text || spec.open_content {
        return;
    }
    let is_xml_space = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let mut blank = None;
    for piece in element.text_pieces() {
        let raw = piece.raw();
        let trimmed = raw.trim_matches(is_xml_space);
        if trimmed.is_empty() {
            blank.get_or_insert(piece.range());
            continue;
        }
        let lead = raw.len() - raw.trim_start_matches(is_xml_space).len();
        let range = TextRange::at(
            piece.range().start() + TextSize::from(lead as u32),
            TextSize::of(trimmed),
        );
        out.push(Diagnostic::new(
            range,
            DiagnosticCode::UnexpectedText,
            format!(
                "{} cannot contain text: it takes {}, and B2C's schema validation rejects text here; remove it, or put it in the child element it belongs to",
                spec.name,
                allowed_children(spec)
            ),
        ));
        return;
    }
    if let (Some(range), true) = (blank, spec.children.is_empty()) {
        out.push(Diagnostic::new(
            range,
            DiagnosticCode::UnexpectedText,
            format!(
                "{0} cannot contain even white space: its content must be empty (B2C: `cannot contain white space. Content model is empty.`); write <{0} ... /> or nothing between its tags",
                spec.name
            ),
        ));
    }
}

/// A test of a value against a pattern, and what the pattern accepts in words.
type SchemaPattern = (fn(&str) -> bool, &'static str);

/// A value the schema constrains with an `xs:pattern` (TrustFrameworkPolicy_0.3.0.0.xsd's
/// PolicyId and Culture types; XSD patterns match the whole value), as a test and a description
/// of what it accepts. `attribute` is `None` for the element's text.
fn schema_pattern(element: &str, attribute: Option<&str>) -> Option<SchemaPattern> {
    const POLICY_ID: &str = "a PolicyId of letters, digits, `_`, `-` and `.`, not ending with `.` (the schema's pattern)";
    const CULTURE: &str = "a culture name such as `en`, `es-419` or `zh-Hant` (the schema's pattern: a lower-case language of 1 to 3 letters, then up to two `-` parts of 2 to 4 letters or digits)";
    match (element, attribute) {
        ("TrustFrameworkPolicy", Some("PolicyId")) | ("PolicyId", None) => {
            Some((policy_id_matches, POLICY_ID))
        }
        ("SupportedLanguage", None)
        | ("SupportedLanguages", Some("DefaultLanguage"))
        | ("SupportedLanguages", Some("PolicyLanguage"))
        | ("LocalizedResources", Some("Culture"))
        | ("LocalizedResourcesReference", Some("Language")) => Some((culture_matches, CULTURE)),
        _ => None,
    }
}

/// `[A-Za-z0-9_\-\.]*[A-Za-z0-9_\-]+`
fn policy_id_matches(value: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    value.chars().all(|c| allowed(c) || c == '.') && value.chars().last().is_some_and(allowed)
}

/// `[a-z]{1,3}(-[a-zA-Z0-9]{2,4}){0,2}`
fn culture_matches(value: &str) -> bool {
    let mut parts = value.split('-');
    let language = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    (1..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_lowercase())
        && rest.len() <= 2
        && rest
            .iter()
            .all(|p| (2..=4).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn check_text(element: ElementRef<'_>, spec: &ElementSpec, out: &mut Vec<Diagnostic>) {
    if let Some((matches, described)) = schema_pattern(spec.name, None) {
        let (text, range) = element.text_with_range();
        let value = text.trim();
        if let Some(range) = range {
            if !value.contains('{') && !matches(value) {
                if looks_like_placeholder(value) {
                    out.push(placeholder(range, value, "value", spec.name));
                } else {
                    out.push(Diagnostic::new(
                        range,
                        DiagnosticCode::InvalidElementValue,
                        format!(
                            "\"{value}\" is not a valid {}: expected {described}",
                            spec.name
                        ),
                    ));
                }
            }
        }
        return;
    }
    if spec.text_value != ValueType::Enum || spec.text_allowed.is_empty() {
        return;
    }
    let text = element.text();
    let value = text.trim();
    if value.is_empty() || value.contains('{') || spec.text_allowed.contains(&value) {
        return;
    }
    if looks_like_placeholder(value) {
        let range = element.text_range().unwrap_or_else(|| element.name_range());
        out.push(placeholder(range, value, "value", spec.name));
        return;
    }
    let loose = spec
        .text_allowed
        .iter()
        .any(|a| a.eq_ignore_ascii_case(value));
    out.push(Diagnostic::new(
        element.text_range().unwrap_or_else(|| element.name_range()),
        DiagnosticCode::InvalidElementValue,
        format!(
            "\"{value}\" is not a valid {}: expected one of {}{}",
            spec.name,
            spec.text_allowed.join(", "),
            if loose {
                " (the schema compares case)"
            } else {
                ""
            }
        ),
    ));
}

/// Whether a value is a token that a build or release step replaces before upload, in one of
/// the common conventions besides `{Settings:X}` (which holds a brace and is never judged):
/// an upper-case name with underscores (`APPINSIGHTS_LOGGINGMODE`), or a name wrapped in
/// `__`, `##`, `%`, `$` or `@` (`__DeploymentMode__`, `##Mode##`).
pub(crate) fn looks_like_placeholder(value: &str) -> bool {
    let word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
    };
    let upper_snake = value.contains('_')
        && value.starts_with(|c: char| c.is_ascii_uppercase())
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let wrapped = ["__", "##", "%", "$", "@"].iter().any(|w| {
        value.len() > 2 * w.len()
            && value.starts_with(w)
            && value.ends_with(w)
            && word(&value[w.len()..value.len() - w.len()])
    });
    upper_snake || wrapped
}

/// A value the schema rejects that looks like a placeholder of a build step: said once, as a
/// warning, since the file is a template rather than what gets uploaded.
fn placeholder(range: TextRange, value: &str, what: &str, element: &str) -> Diagnostic {
    Diagnostic::new(range, DiagnosticCode::UnreplacedPlaceholder,
        format!(
            "\"{value}\" looks like a placeholder that a build step replaces: {element} {what} must be a value the schema allows once it is replaced, and B2C rejects the file if it is uploaded as it is"
        ),
    )
}

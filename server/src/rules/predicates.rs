//! Predicates: the four methods B2C has and the parameters each takes (predicates.md:
//! IsLengthRange and IsDateRange take Minimum and Maximum, MatchesRegex RegularExpression,
//! IncludesCharacters CharacterSet), and the escapes a CharacterSet may hold, which B2C checks
//! at upload (`the only escape patterns allowed in CharacterSet Parameters are "\\" "\-"`).

use syntax::view::ElementRef;
use syntax::{TextRange, TextSize};

use crate::diagnostic::{Diagnostic, DiagnosticCode};

/// Each method with the parameter Ids it takes (all required).
const METHODS: &[(&str, &[&str])] = &[
    ("IsLengthRange", &["Minimum", "Maximum"]),
    ("MatchesRegex", &["RegularExpression"]),
    ("IncludesCharacters", &["CharacterSet"]),
    ("IsDateRange", &["Minimum", "Maximum"]),
];

pub(super) fn check(root: ElementRef<'_>, out: &mut Vec<Diagnostic>) {
    let predicates = root
        .children_named("BuildingBlocks")
        .flat_map(|b| b.children_named("Predicates"))
        .flat_map(|p| p.children_named("Predicate"));
    for predicate in predicates {
        let Some((method, method_range)) = predicate.attribute_value_with_range("Method") else {
            continue;
        };
        let method = method.trim();
        if method.contains('{') {
            continue;
        }
        let Some((name, expected)) = METHODS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(method))
        else {
            out.push(Diagnostic::new(
                method_range,
                DiagnosticCode::PredicateParameters,
                format!(
                    "\"{method}\" is not a predicate method B2C has; use one of {}",
                    METHODS
                        .iter()
                        .map(|(m, _)| *m)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            continue;
        };
        let parameters: Vec<ElementRef<'_>> = predicate
            .children_named("Parameters")
            .flat_map(|p| p.children_named("Parameter"))
            .collect();
        let mut seen = Vec::new();
        let mut unknown: Vec<(String, TextRange)> = Vec::new();
        for parameter in &parameters {
            let Some((id, id_range)) = parameter.attribute_value_with_range("Id") else {
                continue;
            };
            let id = id.trim().to_owned();
            if id.eq_ignore_ascii_case("CharacterSet") {
                character_set(*parameter, out);
            }
            match expected.iter().find(|e| e.eq_ignore_ascii_case(&id)) {
                Some(known) => seen.push(*known),
                None => unknown.push((id, id_range)),
            }
        }
        let missing: Vec<&str> = expected
            .iter()
            .filter(|e| !seen.contains(*e))
            .copied()
            .collect();
        // One mistake, one diagnostic: a misspelt Id is an unknown parameter and a missing
        // one, said once where it is written.
        let lacks = if missing.is_empty() {
            String::new()
        } else {
            format!(", and lacks {}", missing.join(" and "))
        };
        if let Some((id, range)) = unknown.first() {
            out.push(Diagnostic::new(
                *range,
                DiagnosticCode::PredicateParameters,
                format!(
                    "predicate method {name} has no parameter \"{id}\"{lacks}; it takes {}",
                    expected.join(" and ")
                ),
            ));
        } else if !missing.is_empty() {
            out.push(Diagnostic::new(
                predicate.name_range(),
                DiagnosticCode::PredicateParameters,
                format!(
                    "predicate method {name} needs the parameter{} {}",
                    if missing.len() > 1 { "s" } else { "" },
                    missing.join(" and ")
                ),
            ));
        }
    }
}

/// A backslash in a CharacterSet may only escape a backslash or a hyphen.
fn character_set(parameter: ElementRef<'_>, out: &mut Vec<Diagnostic>) {
    for piece in parameter.text_pieces() {
        let raw = piece.raw();
        let mut chars = raw.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c != '\\' {
                continue;
            }
            match chars.next() {
                Some((_, '\\' | '-')) => {}
                other => {
                    let len = 1 + other.map_or(0, |(_, c)| c.len_utf8());
                    let start = piece.range().start() + TextSize::from(at as u32);
                    out.push(Diagnostic::new(
                        TextRange::at(start, TextSize::from(len as u32)),
                        DiagnosticCode::CharacterSetEscape,
                        format!(
                            "\"{}\" is not an escape a CharacterSet may hold; B2C rejects the upload (`the only escape patterns allowed in CharacterSet Parameters are \"\\\\\" \"\\-\"`). \
                             Write the character itself, `\\\\` for a backslash or `\\-` for a hyphen",
                            &raw[at..at + len.min(raw.len() - at)]
                        ),
                    ));
                    return;
                }
            }
        }
    }
}

//! What a claim's UserInputType asks of the claim (claimsschema.md, "UserInputType"):
//!
//! - the control produces values of some DataTypes only (`input-type-data-type`). The
//!   article's table is narrower than what B2C runs: the B2C team's unit tests and a live demo
//!   use CheckboxMultiSelect and DropdownSingleSelect with boolean, TextBox with long and
//!   phoneNumber, Readonly with collections, so the pairs below are the article's widened by
//!   every pair of the corpus;
//! - a string choice (RadioSingleSelect, DropdownSingleSelect, CheckboxMultiSelect) needs its
//!   options: a Restriction/Enumeration, or a LocalizedCollection for the claim (a unit test
//!   gives a dropdown's options only that way), anywhere in the chain or in the policies built
//!   on it (`choice-without-options`).
//!
//! claimsschema.md also says a Paragraph output claim of a self-asserted profile must not be
//! Required; the B2C team's unit tests mark one Required on purpose, to show a page that cannot
//! be submitted (a "sign-up is disabled" notice), so that is not checked.
//!
//! A ClaimType amended along the chain is judged with the nearest DataType and UserInputType.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::index::{id_key, Workspace};

use super::{claim_types, for_each_root, Judged};

/// For each UserInputType, the DataTypes it collects; `None` accepts every type (Readonly
/// shows any value: the unit tests show collections and phone numbers with it).
const COLLECTS: &[(&str, Option<&[&str]>)] = &[
    ("CheckboxMultiSelect", Some(&["string", "boolean"])),
    ("DateTimeDropdown", Some(&["date", "dateTime"])),
    ("DropdownSingleSelect", Some(&["string", "boolean"])),
    ("EmailBox", Some(&["string"])),
    (
        "Paragraph",
        Some(&[
            "boolean", "date", "dateTime", "duration", "int", "long", "string",
        ]),
    ),
    ("Password", Some(&["string"])),
    ("RadioSingleSelect", Some(&["string", "boolean"])),
    ("Readonly", None),
    (
        "TextBox",
        Some(&["boolean", "int", "long", "phoneNumber", "string"]),
    ),
];

const CHOICES: &[&str] = &[
    "RadioSingleSelect",
    "DropdownSingleSelect",
    "CheckboxMultiSelect",
];

/// What the same-Id ClaimTypes of some files say, merged.
#[derive(Default)]
struct ClaimFacts {
    /// The nearest DataType (the first file that states it).
    data_type: Option<String>,
    options: bool,
}

/// The ClaimTypes of `files` (nearest first), merged by id key; a LocalizedCollection for a
/// claim in any of them counts as its options. One pass over the files, whatever their size.
fn merged_claims(workspace: &Workspace, files: &[PathBuf]) -> HashMap<String, ClaimFacts> {
    let mut merged: HashMap<String, ClaimFacts> = HashMap::new();
    for_each_root(workspace, files, |root| {
        for claim in claim_types(root) {
            let Some(id) = claim.attribute_value("Id") else {
                continue;
            };
            let facts = merged.entry(id_key(&id)).or_default();
            if facts.data_type.is_none() {
                facts.data_type = claim.child("DataType").map(|d| d.text().trim().to_owned());
            }
            facts.options |= claim
                .children_named("Restriction")
                .any(|r| r.child("Enumeration").is_some());
        }
        let collections = root
            .children_named("BuildingBlocks")
            .flat_map(|b| b.children_named("Localization"))
            .flat_map(|l| l.children_named("LocalizedResources"))
            .flat_map(|r| r.children_named("LocalizedCollections"))
            .flat_map(|c| c.children_named("LocalizedCollection"))
            .filter(|c| {
                c.attribute_value("ElementType")
                    .is_some_and(|t| t.trim() == "ClaimType")
            })
            .filter_map(|c| c.attribute_value("ElementId"));
        for id in collections {
            merged.entry(id_key(&id)).or_default().options = true;
        }
    });
    merged
}

pub(super) fn check(judged: &Judged<'_>, out: &mut Vec<Diagnostic>) {
    let Judged {
        workspace,
        path,
        root,
        chain,
    } = *judged;
    let merged = merged_claims(workspace, &chain.files);
    let mut below: Option<HashMap<String, ClaimFacts>> = None;
    for claim in claim_types(root) {
        let Some(input) = claim.child("UserInputType") else {
            continue;
        };
        let (input_type, range) = input.text_with_range();
        let (Some(range), Some(id)) = (range, claim.attribute_value("Id")) else {
            continue;
        };
        let input_type = input_type.trim();
        let key = id_key(&id);
        let Some(facts) = merged.get(&key) else {
            continue;
        };
        data_type_pair(
            id.trim(),
            input_type,
            facts.data_type.as_deref(),
            range,
            out,
        );
        let is_string = facts.data_type.as_deref() == Some("string");
        if !CHOICES.contains(&input_type) || !is_string || facts.options {
            continue;
        }
        let below = below.get_or_insert_with(|| {
            let files: Vec<PathBuf> = workspace
                .dependents(path)
                .into_iter()
                .filter(|d| d.as_path() != path)
                .collect();
            merged_claims(workspace, &files)
        });
        if below.get(&key).is_some_and(|f| f.options) {
            continue;
        }
        out.push(Diagnostic::new(
            range,
            DiagnosticCode::ChoiceWithoutOptions,
            format!(
                "ClaimType \"{}\" is a {input_type}, but neither it (in this policy, its base policies or the policies built on it) has a Restriction with Enumeration items, \
                 nor does a LocalizedCollection give its options, so the control shows no choice. Add <Restriction><Enumeration Text=\"...\" Value=\"...\" /></Restriction>",
                id.trim()
            ),
        ));
    }
}

fn data_type_pair(
    id: &str,
    input_type: &str,
    data_type: Option<&str>,
    range: syntax::TextRange,
    out: &mut Vec<Diagnostic>,
) {
    let Some(data_type) = data_type.filter(|d| !d.is_empty() && !d.contains('{')) else {
        return;
    };
    // An input type outside the schema's enumeration is the schema check's finding.
    let Some((_, Some(collects))) = COLLECTS.iter().find(|(t, _)| *t == input_type) else {
        return;
    };
    if collects.contains(&data_type) {
        return;
    }
    out.push(Diagnostic::new(
        range,
        DiagnosticCode::InputTypeDataType,
        format!(
            "ClaimType \"{id}\" has DataType {data_type}, which a {input_type} cannot collect (it collects {}); change the DataType or the UserInputType",
            collects.join(", ")
        ),
    ));
}

//! Localized strings of ElementType UxElement and ErrorMessage name one of the texts the pages
//! and technical profiles have, by its StringId. B2C rejects an unknown id at upload (`The
//! localized string with ElementType: UxElement and StringId: S has an invalid StringId`, the
//! localization error users report most), in a message that names no line. The ids known are
//! the catalog's (`catalog::string_ids`): the article's, widened by those working policies use,
//! so an id missing from it may still be one B2C has: a warning.

use syntax::view::ElementRef;

use crate::catalog;
use crate::diagnostic::{Diagnostic, DiagnosticCode};

/// The ElementTypes whose StringId names a page text.
const PAGE_TEXT_TYPES: &[&str] = &["UxElement", "ErrorMessage"];

/// The known id nearest to `id`, when it is near enough to be a misspelling.
fn nearest(id: &str) -> Option<&'static str> {
    // Ids are short; a long value is no misspelling of one, and comparing it would cost.
    if id.len() > 80 {
        return None;
    }
    let wanted = id.to_lowercase();
    let limit = (wanted.chars().count() / 4).clamp(1, 3);
    catalog::string_ids()
        .iter()
        .map(|(known, _)| (strsim::osa_distance(&known.to_lowercase(), &wanted), *known))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known)
}

/// How many unknown ids of one file get a did-you-mean: each costs a comparison with every
/// known id, and a file of a million misspelt strings should not cost a million of them.
const SUGGESTIONS: usize = 200;

pub(super) fn check(root: ElementRef<'_>, out: &mut Vec<Diagnostic>) {
    let mut suggested = 0;
    let strings = root
        .children_named("BuildingBlocks")
        .flat_map(|b| b.children_named("Localization"))
        .flat_map(|l| l.children_named("LocalizedResources"))
        .flat_map(|r| r.children_named("LocalizedStrings"))
        .flat_map(|s| s.children_named("LocalizedString"));
    for string in strings {
        let Some(element_type) = string.attribute_value("ElementType") else {
            continue;
        };
        let element_type = element_type.trim();
        if !PAGE_TEXT_TYPES.contains(&element_type) {
            continue;
        }
        let Some((id, range)) = string.attribute_value_with_range("StringId") else {
            continue;
        };
        let id = id.trim();
        if id.is_empty() || id.contains('{') || catalog::string_id(id).is_some() {
            continue;
        }
        suggested += 1;
        let suggestion = match (suggested <= SUGGESTIONS).then(|| nearest(id)).flatten() {
            Some(known) => format!("did you mean \"{known}\"? "),
            None => String::new(),
        };
        out.push(Diagnostic::new(
            range,
            DiagnosticCode::InvalidStringId,
            format!(
                "no page has the {element_type} StringId \"{id}\"; B2C rejects such a string at upload (`The localized string with ElementType: {element_type} and StringId: {id} has an invalid StringId`). \
                 {suggestion}The ids are listed per page in localization-string-ids.md; a claim's or a display control's texts take ElementType ClaimType or DisplayControl"
            ),
        ));
    }
}

//! Code lenses over definitions: "N references" on ClaimTypes, TechnicalProfiles,
//! ClaimsTransformations and journeys, counted by the search behind find references
//! (`navigation::Uses`); "used in journeys A, B" on technical profiles, from the same uses;
//! "show journey" on a UserJourney. Plain data; the protocol edge names the client commands.

use std::path::Path;

use syntax::TextRange;

use crate::index::{SymbolKind, Workspace};
use crate::navigation::{self, Location};

/// What a lens does when clicked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LensAction {
    /// Lists these places (the editor shows them from the lens's definition).
    ShowReferences { locations: Vec<Location> },
    /// Shows the effective journey with this id, as seen from the lens's file.
    ShowJourney { journey: String },
}

/// One lens, shown above the line of `range`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    pub range: TextRange,
    pub title: String,
    pub action: LensAction,
}

/// The kinds whose definitions get a reference count.
const COUNTED: [SymbolKind; 5] = [
    SymbolKind::ClaimType,
    SymbolKind::TechnicalProfile,
    SymbolKind::ClaimsTransformation,
    SymbolKind::UserJourney,
    SymbolKind::SubJourney,
];

/// How many journey ids a "used in journeys" lens names before it says how many more.
const JOURNEYS_SHOWN: usize = 3;

/// The lenses of the file at `path`, in text order.
pub fn code_lenses(workspace: &Workspace, path: &Path) -> Vec<Lens> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    // XML that is not a policy is left alone, as by every other feature.
    if !file.summary.is_policy {
        return Vec::new();
    }
    let mut out = Vec::new();
    let all_uses = navigation::uses_of_definitions(workspace, path);
    for definition in &file.summary.definitions {
        crate::cancel::checkpoint();
        if !COUNTED.contains(&definition.kind) {
            continue;
        }
        let uses = all_uses.of_definition(definition);
        out.push(Lens {
            range: definition.id_range,
            title: match uses.len() {
                1 => "1 reference".to_owned(),
                n => format!("{n} references"),
            },
            action: LensAction::ShowReferences {
                locations: uses.clone(),
            },
        });
        match definition.kind {
            SymbolKind::TechnicalProfile => {
                if let Some(lens) = journeys_lens(workspace, definition.id_range, &uses) {
                    out.push(lens);
                }
            }
            SymbolKind::UserJourney => out.push(Lens {
                range: definition.id_range,
                title: "show journey".to_owned(),
                action: LensAction::ShowJourney {
                    journey: definition.id.clone(),
                },
            }),
            _ => {}
        }
    }
    out
}

/// "used in journeys A, B": the journeys (and sub-journeys) whose steps name the profile,
/// found among its uses; `None` when no step does.
fn journeys_lens(workspace: &Workspace, range: TextRange, uses: &[Location]) -> Option<Lens> {
    let mut journeys: Vec<String> = Vec::new();
    let mut locations = Vec::new();
    for location in uses {
        let Some(file) = workspace.file(&location.path) else {
            continue;
        };
        let Some(journey) = file
            .summary
            .journeys
            .iter()
            .find(|j| j.full_range.contains_range(location.range))
        else {
            continue;
        };
        locations.push(location.clone());
        if !journeys
            .iter()
            .any(|j| crate::index::ids_match(j, &journey.id))
        {
            journeys.push(journey.id.clone());
        }
    }
    if journeys.is_empty() {
        return None;
    }
    let mut title = format!(
        "used in {} {}",
        if journeys.len() == 1 {
            "journey"
        } else {
            "journeys"
        },
        journeys
            .iter()
            .take(JOURNEYS_SHOWN)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    );
    if journeys.len() > JOURNEYS_SHOWN {
        title.push_str(&format!(" +{}", journeys.len() - JOURNEYS_SHOWN));
    }
    Some(Lens {
        range,
        title,
        action: LensAction::ShowReferences { locations },
    })
}

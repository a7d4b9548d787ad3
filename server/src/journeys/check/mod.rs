//! Journey diagnostics: the shape of the steps (Order, SendClaims, selections, sub-journey
//! invocations) and the flow of claims (required input claims and the relying party's output
//! claims that no step produces, and required claims whose producers preconditions skip on
//! some path). Each finding is reported in the file that writes the
//! offending element, so a journey of the base is reported on the base only.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::index::{SymbolKind, Workspace};

use super::model::Context;

mod claims;
mod paths;
mod steps;

use claims::{claim_flow, relying_party};
use steps::{duplicate_orders, structure};

/// Every journey finding of the file at `path`, computed afresh (see `super::cache` for the
/// cached entry point).
pub(super) fn compute(workspace: &Workspace, path: &Path) -> Vec<Diagnostic> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    let defines_journeys = !file.summary.journeys.is_empty();
    let defines_profiles = file
        .summary
        .technical_profiles
        .iter()
        .any(|tp| !tp.in_relying_party);
    let has_relying_party = file.summary.relying_party.is_some();
    if !defines_journeys && !defines_profiles && !has_relying_party {
        return Vec::new();
    }
    let ctx = Context::new(workspace, path);
    let mut out = Vec::new();
    for journey in &file.summary.journeys {
        duplicate_orders(journey.kind, &journey.id, &journey.steps, &mut out);
    }
    // With a base missing, a journey may be amended by (or amend) one we cannot see.
    if !ctx.chain().is_complete() {
        return out;
    }
    for kind in [SymbolKind::UserJourney, SymbolKind::SubJourney] {
        for id in ctx.journey_ids(kind).iter() {
            let Some(journey) = ctx.journey(kind, id) else {
                continue;
            };
            if journey.part_in(path).is_some() {
                structure(&ctx, &journey, &mut out);
            }
        }
    }
    // A claim-flow finding is about a required input claim without a default value, reported
    // on the InputClaim or on the step that runs the profile: a file that writes neither has
    // none, and the analysis is skipped for it (a relying party file of a starter pack, or an
    // extension file that only amends profiles, typically).
    let writes_required_inputs = file.summary.technical_profiles.iter().any(|tp| {
        !tp.in_relying_party
            && tp
                .input_claims
                .iter()
                .any(|claim| claim.required && claim.default_value.is_none())
    });
    if defines_journeys || writes_required_inputs {
        claim_flow(&ctx, &mut out);
    }
    relying_party(&ctx, &mut out);
    out
}

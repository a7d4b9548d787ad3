//! What each orchestration step written in a file adds to the claims bag, for the inlay hints
//! on steps: the same flow the step hover shows, from the relying party's bag when the chain
//! runs the journey, else from an empty bag.

use std::path::Path;

use syntax::TextRange;

use crate::index::{ids_match, Workspace};

use super::flow::{analyze, journey_flow, Bag, JourneyFlow};
use super::model::Context;

/// One step of the file: where its Order is written and the claims it adds, in flow order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepAdditions {
    pub order_range: TextRange,
    /// The whole OrchestrationStep element.
    pub step_range: TextRange,
    pub claims: Vec<String>,
}

/// The steps of the journeys written in the file at `path` whose Order lies in `range`.
pub fn step_additions(workspace: &Workspace, path: &Path, range: TextRange) -> Vec<StepAdditions> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    let journeys: Vec<_> = file
        .summary
        .journeys
        .iter()
        .filter(|j| j.full_range.intersect(range).is_some())
        .filter(|j| j.steps.iter().any(|s| range.contains_range(s.order_range)))
        .collect();
    if journeys.is_empty() {
        return Vec::new();
    }
    let ctx = Context::new(workspace, path);
    let analysis = analyze(&ctx);
    let mut out = Vec::new();
    for journey in journeys {
        let flow: Option<JourneyFlow> = analysis
            .flows
            .iter()
            .find(|f| f.journey.kind == journey.kind && ids_match(&f.journey.id, &journey.id))
            .cloned()
            .or_else(|| {
                ctx.journey(journey.kind, &journey.id)
                    .map(|effective| journey_flow(&ctx, effective, Bag::default()))
            });
        let Some(flow) = flow else {
            continue;
        };
        for step_flow in &flow.steps {
            let Some(step) = flow.journey.steps.get(step_flow.index) else {
                continue;
            };
            if step.path != ctx.path || !range.contains_range(step.step.order_range) {
                continue;
            }
            out.push(StepAdditions {
                order_range: step.step.order_range,
                step_range: step.step.full_range,
                claims: step_flow
                    .adds
                    .view()
                    .names(&ctx)
                    .iter()
                    .map(|n| n.to_string())
                    .collect(),
            });
        }
    }
    out.sort_by_key(|s| s.order_range.start());
    out.dedup();
    out
}

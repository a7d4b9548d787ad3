//! Hovers of the journey analysis: on an orchestration step (the claims in the bag before it
//! and what it adds) and on a claim inside a journey's profile, a precondition or the relying
//! party (which earlier steps produce it).

use std::fmt::Write as _;
use std::path::Path;

use syntax::ast::{AstNode, Element};
use syntax::{TextRange, TextSize};

use crate::index::{id_key, ids_match, SymbolKind, Workspace};

use super::flow::{analyze, journey_flow, relying_party_bag, Analysis, Bag, BagRef, JourneyFlow};
use super::model::Context;
use super::render::describe_precondition;

/// Markdown for the journey element at `offset` of the file at `path`, with the range it
/// covers; `None` when the offset is on nothing the journey analysis explains.
pub fn journey_hover(
    workspace: &Workspace,
    path: &Path,
    offset: u32,
) -> Option<(TextRange, String)> {
    let file = workspace.file(path)?;
    let at = TextSize::from(offset);
    let inside = |range: TextRange| range.contains_inclusive(at);
    let summary = &file.summary;

    // A claim in a precondition of a step.
    for journey in &summary.journeys {
        for step in &journey.steps {
            if !inside(step.full_range) {
                continue;
            }
            for precondition in &step.preconditions {
                if let Some(value) = precondition.values.first().filter(|v| inside(v.range)) {
                    let ctx = Context::new(workspace, path);
                    let analysis = analyze(&ctx);
                    let bag =
                        step_bag(&ctx, &analysis, journey.kind, &journey.id, step.order_range);
                    let mut text = format!(
                        "**Claim `{}`** tested by a precondition of step {} of {} `{}`\n\n",
                        value.text,
                        order(step.order),
                        journey.kind.element_name(),
                        journey.id
                    );
                    producers_markdown(&ctx, &mut text, bag.as_ref().map(Bag::view), &value.text);
                    return Some((value.range, text));
                }
            }
        }
    }

    // A claim of a technical profile that a journey step runs.
    for tp in &summary.technical_profiles {
        if !inside(tp.full_range) {
            continue;
        }
        let claim = tp
            .input_claims
            .iter()
            .map(|c| (c, true))
            .chain(tp.output_claims.iter().map(|c| (c, false)))
            .find(|(c, _)| inside(c.range));
        let Some((claim, is_input)) = claim else {
            continue;
        };
        let ctx = Context::new(workspace, path);
        if tp.in_relying_party {
            return relying_party_claim(&ctx, &claim.claim, is_input).map(|t| (claim.range, t));
        }
        let analysis = analyze(&ctx);
        let mut text = format!(
            "**Claim `{}`**, {} claim of technical profile `{}`\n\n",
            claim.claim,
            if is_input { "an input" } else { "an output" },
            tp.id
        );
        let mut uses = 0;
        // `sub_key`: the lower-cased id of a sub-journey, whose steps see the bags of every
        // invocation (the flow's own bags when no journey invokes it).
        let mut visit = |flow: &JourneyFlow, sub_key: Option<&str>| {
            for step_flow in &flow.steps {
                if !step_flow
                    .exchanges
                    .iter()
                    .any(|x| ids_match(&x.profile.id, &tp.id))
                {
                    continue;
                }
                uses += 1;
                let Some(step) = flow.journey.steps.get(step_flow.index) else {
                    continue;
                };
                let _ = writeln!(
                    text,
                    "In step {} of {} `{}`:",
                    order(step.order()),
                    flow.journey.kind_name(),
                    flow.journey.id
                );
                let bag = sub_key
                    .and_then(|key| analysis.sub_before(key, step_flow.index))
                    .unwrap_or_else(|| flow.before(step_flow));
                producers_markdown(&ctx, &mut text, Some(bag), &claim.claim);
                text.push('\n');
            }
        };
        for flow in &analysis.flows {
            visit(flow, None);
        }
        for id in ctx.journey_ids(SymbolKind::SubJourney).iter() {
            if let Some(journey) = ctx.journey(SymbolKind::SubJourney, id) {
                let flow = journey_flow(&ctx, journey, Bag::default());
                let key = id_key(id);
                visit(&flow, Some(&key));
            }
        }
        if uses == 0 {
            text.push_str("No journey step of this policy's chain runs this profile directly.\n");
        }
        return Some((claim.range, text));
    }

    // An orchestration step's start tag.
    let root = file.parse.document().root_element()?;
    for journey in &summary.journeys {
        for step in &journey.steps {
            if !inside(step.full_range) {
                continue;
            }
            let element = root
                .syntax()
                .descendants()
                .filter_map(Element::cast)
                .find(|e| e.syntax().text_range() == step.full_range)?;
            let start = element.start_tag()?.syntax().text_range();
            if !inside(start) {
                return None;
            }
            let ctx = Context::new(workspace, path);
            let analysis = analyze(&ctx);
            return Some((
                start,
                step_markdown(&ctx, &analysis, journey.kind, &journey.id, step.order_range),
            ));
        }
    }
    None
}

fn order(order: Option<u32>) -> String {
    order.map_or_else(|| "?".to_owned(), |o| o.to_string())
}

/// The bag before the step whose Order is written at `order_range` in the context's file.
fn step_bag(
    ctx: &Context,
    analysis: &Analysis,
    kind: SymbolKind,
    journey: &str,
    order_range: TextRange,
) -> Option<Bag> {
    let (flow, index) = find_step(ctx, analysis, kind, journey, order_range)?;
    if kind == SymbolKind::SubJourney {
        return analysis
            .sub_before(&id_key(journey), index)
            .map(BagRef::to_bag);
    }
    flow.steps.get(index).map(|s| flow.before(s).to_bag())
}

fn find_step(
    ctx: &Context,
    analysis: &Analysis,
    kind: SymbolKind,
    journey: &str,
    order_range: TextRange,
) -> Option<(JourneyFlow, usize)> {
    let flow = match kind {
        SymbolKind::SubJourney => journey_flow(
            ctx,
            ctx.journey(SymbolKind::SubJourney, journey)?,
            Bag::default(),
        ),
        _ => analysis
            .flows
            .iter()
            .find(|f| ids_match(&f.journey.id, journey))?
            .clone(),
    };
    let index = flow
        .journey
        .steps
        .iter()
        .position(|s| s.path == ctx.path && s.step.order_range == order_range)?;
    Some((flow, index))
}

fn producers_markdown(ctx: &Context, text: &mut String, bag: Option<BagRef>, claim: &str) {
    let Some(bag) = bag else {
        text.push_str("- the journey is not run from this policy's chain\n");
        return;
    };
    let mut producers = bag.producers(ctx.claim_key(claim)).peekable();
    if producers.peek().is_none() {
        text.push_str("- no earlier step outputs it\n");
    }
    for producer in producers {
        let _ = writeln!(text, "- produced by {}", producer.describe(ctx));
    }
}

fn claim_list(names: &[std::rc::Rc<str>]) -> String {
    if names.is_empty() {
        return "(none)".to_owned();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn step_markdown(
    ctx: &Context,
    analysis: &Analysis,
    kind: SymbolKind,
    journey_id: &str,
    order_range: TextRange,
) -> String {
    let mut text = String::new();
    let Some((flow, index)) = find_step(ctx, analysis, kind, journey_id, order_range) else {
        return format!(
            "Orchestration step of {} `{journey_id}`",
            kind.element_name()
        );
    };
    let (Some(step), Some(step_flow)) = (flow.journey.steps.get(index), flow.steps.get(index))
    else {
        return String::new();
    };
    let _ = writeln!(
        text,
        "**Step {}** of {} `{}` ({})\n",
        order(step.order()),
        flow.journey.kind_name(),
        flow.journey.id,
        if step.step_type().is_empty() {
            "no Type"
        } else {
            step.step_type()
        }
    );
    for precondition in &step.step.preconditions {
        let _ = writeln!(text, "- {}", describe_precondition(precondition));
    }
    if !step.step.preconditions.is_empty() {
        text.push('\n');
    }
    for exchange in &step_flow.exchanges {
        match exchange.exchange(step) {
            Some(id) => {
                let _ = writeln!(text, "Runs `{}` (exchange `{id}`)", exchange.profile.id);
            }
            None => {
                let _ = writeln!(text, "Issuer `{}`", exchange.profile.id);
            }
        }
    }
    let before = if kind == SymbolKind::SubJourney {
        analysis.sub_before(&id_key(journey_id), index)
    } else {
        Some(flow.before(step_flow))
    };
    match before {
        Some(bag) => {
            let names = bag.names(ctx);
            let _ = writeln!(
                text,
                "\n**Claims available before it** ({}): {}",
                names.len(),
                claim_list(&names)
            );
        }
        None => text.push_str("\n**Claims available before it**: unknown (no journey of this chain invokes this sub-journey)\n"),
    }
    let adds = step_flow.adds.view().names(ctx);
    let _ = writeln!(text, "\n**Adds** ({}): {}", adds.len(), claim_list(&adds));
    text
}

fn relying_party_claim(ctx: &Context, claim: &str, is_input: bool) -> Option<String> {
    let rp = ctx.relying_party()?;
    let journey_id = rp.default_journey.as_ref()?.text.clone();
    let mut text = format!(
        "**Claim `{claim}`**, {} claim of the relying party\n\n",
        if is_input { "an input" } else { "an output" }
    );
    if is_input {
        text.push_str("It is in the claims bag before the first step of the journey.\n");
        return Some(text);
    }
    let Some(journey) = ctx.journey(SymbolKind::UserJourney, &journey_id) else {
        text.push_str("The DefaultUserJourney is not defined in this policy's chain.\n");
        return Some(text);
    };
    let flow = journey_flow(ctx, journey, relying_party_bag(ctx, &rp));
    let _ = writeln!(text, "In UserJourney `{}`:", flow.journey.id);
    producers_markdown(ctx, &mut text, Some(flow.end()), claim);
    Some(text)
}

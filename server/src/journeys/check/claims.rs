//! The flow of claims: required input claims and the relying party's output claims that no
//! step produces, and outputs only a validation profile returns.

use std::collections::HashSet;
use std::path::Path;

use syntax::TextRange;

use crate::diagnostic::{Diagnostic, DiagnosticCode, Related};
use crate::index::summary::Precondition;
use crate::index::{id_key, ids_match, SymbolKind};

use crate::journeys::flow::{
    analyze, journey_flow, relying_party_bag, Bag, BagRef, ExchangeFlow, JourneyFlow,
};
use crate::journeys::model::{ClaimKey, ClaimTaken, Context, EffectiveStep, Via};

use super::paths::claims_skipped_on_paths;

/// Whether the step only runs when `claim` has a value (a precondition skips it otherwise).
fn runs_only_with(preconditions: &[Precondition], claim: &str) -> bool {
    preconditions.iter().any(|p| {
        !p.execute_actions_if
            && (p.kind == "ClaimsExist" || p.kind == "ClaimEquals")
            && p.action
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case("SkipThisOrchestrationStep"))
            && p.values.first().is_some_and(|v| ids_match(&v.text, claim))
    })
}

pub(super) fn claim_flow(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let analysis = analyze(ctx);
    let mut seen: HashSet<(TextRange, ClaimKey)> = HashSet::new();
    for flow in &analysis.flows {
        if flow.complete {
            check_steps(
                ctx,
                flow,
                |index| flow.steps.get(index).map(|s| flow.before(s)),
                &mut seen,
                out,
            );
        }
    }
    // What an upload check already reported on an input claim is not said twice.
    let reported: HashSet<TextRange> = seen.iter().map(|(range, _)| *range).collect();
    claims_skipped_on_paths(ctx, &reported, out);
    // Sub-journeys: a claim is missing only if no invocation supplies it.
    for id in ctx.journey_ids(SymbolKind::SubJourney).iter() {
        let key = id_key(id);
        if !analysis.sub_complete(&key) {
            continue;
        }
        let Some(journey) = ctx.journey(SymbolKind::SubJourney, id) else {
            continue;
        };
        let flow = journey_flow(ctx, journey, Bag::default());
        check_steps(
            ctx,
            &flow,
            |index| analysis.sub_before(&key, index),
            &mut seen,
            out,
        );
    }
}

fn check_steps<'a>(
    ctx: &Context,
    flow: &JourneyFlow,
    before: impl Fn(usize) -> Option<BagRef<'a>>,
    seen: &mut HashSet<(TextRange, ClaimKey)>,
    out: &mut Vec<Diagnostic>,
) {
    let journey = &flow.journey;
    for step_flow in &flow.steps {
        let Some(step) = journey.steps.get(step_flow.index) else {
            continue;
        };
        let Some(bag) = before(step_flow.index) else {
            continue;
        };
        for exchange in &step_flow.exchanges {
            let profile = &exchange.profile;
            for taken in &profile.takes {
                // Only where the missing value stops the journey: an optional input claim (the
                // starter pack prefills ProfileEdit's userPrincipalName from login-NonInteractive
                // this way) cannot be shown to misbehave.
                if taken.required
                    && taken.default_value.is_none()
                    && taken.path.as_ref() == ctx.path
                    && !profile.adds.iter().any(|a| a.claim.key == taken.key)
                {
                    if let Some(d) = validation_output_only(
                        ctx,
                        &bag,
                        &taken.claim,
                        taken.key,
                        taken.range,
                        "this step",
                    ) {
                        if seen.insert((taken.range, taken.key)) {
                            out.push(d);
                        }
                    }
                }
                if !taken.required || taken.default_value.is_some() {
                    continue;
                }
                let claim = &taken.claim;
                let produced = bag.contains_key(taken.key)
                    || profile.supplies_own_input(taken.key)
                    || runs_only_with(&step.step.preconditions, claim);
                // An undefined claim is reported as undefined, once, not also as not produced.
                if produced || !ctx.defines_claim(claim) {
                    continue;
                }
                let Some((range, related)) = placement(&ctx.path, taken, exchange, step) else {
                    continue;
                };
                if !seen.insert((range, taken.key)) {
                    continue;
                }
                let mut d = Diagnostic::new(range, DiagnosticCode::ClaimNotProduced,
                    format!(
                        "claim \"{claim}\" is a required input claim of technical profile \"{}\" in {} of {} \"{}\", but no earlier step outputs it",
                        profile.id,
                        step.label(),
                        journey.kind_name(),
                        journey.id
                    ),
                );
                d.related.extend(related);
                out.push(d);
            }
        }
    }
}

/// Where a finding about an input claim of a step's profile goes in `file`: the InputClaim if
/// the file writes it, else the step's reference to the profile if this file writes that (a
/// journey's default issuer: the step's Order); with the other place as related when it is in
/// another file. `None` when this file writes neither.
pub(super) fn placement(
    file: &Path,
    taken: &ClaimTaken,
    exchange: &ExchangeFlow,
    step: &EffectiveStep,
) -> Option<(TextRange, Option<Related>)> {
    let here = |path: &Path| path == file;
    let range = if here(&taken.path) {
        taken.range
    } else {
        match exchange.reference(step) {
            Some((path, range)) if here(path) => range,
            None if here(&step.path) => step.step.order_range,
            _ => return None,
        }
    };
    let related = if !here(&taken.path) || !here(&step.path) {
        let (path, range, message) = if here(&taken.path) {
            (
                step.path.clone(),
                step.step.order_range,
                "the step that runs the profile",
            )
        } else {
            (taken.path.to_path_buf(), taken.range, "the input claim")
        };
        Some(Related {
            path,
            range,
            message: message.to_owned(),
        })
    } else {
        None
    };
    Some((range, related))
}

/// A claim that only validation profiles of earlier self-asserted steps put in the bag: their
/// output claims stay with the self-asserted profile that runs them unless it lists them as its
/// own output claims (validation-technical-profile.md), so whoever reads it later reads nothing.
fn validation_output_only(
    ctx: &Context,
    bag: &BagRef<'_>,
    claim: &str,
    key: ClaimKey,
    range: TextRange,
    reader: &str,
) -> Option<Diagnostic> {
    let mut producers = bag.producers(key).peekable();
    let first = producers.peek().copied()?;
    if !producers.all(|p| matches!(p.via, Via::ValidationProfile(_))) {
        return None;
    }
    let Via::ValidationProfile(validation) = first.via else {
        return None;
    };
    Some(Diagnostic::new(
        range,
        DiagnosticCode::ValidationOutputNotReturned,
        format!(
            "\"{claim}\" reaches {reader} only as an output claim of validation profile \"{}\" ({}); a validation profile's output claims stay with the self-asserted profile that runs it, \
             so {reader} gets nothing. Add <OutputClaim ClaimTypeReferenceId=\"{claim}\" /> to the OutputClaims of \"{}\"",
            ctx.text(validation),
            first.describe(ctx),
            ctx.text(first.profile)
        ),
    ))
}

pub(super) fn relying_party(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(rp) = ctx.relying_party() else {
        return;
    };
    let Some(journey_ref) = &rp.default_journey else {
        return;
    };
    let Some(journey) = ctx.journey(SymbolKind::UserJourney, &journey_ref.text) else {
        return;
    };
    let flow = journey_flow(ctx, journey, relying_party_bag(ctx, &rp));
    if !flow.complete {
        return;
    }
    let Some(profile) = rp.profile() else { return };
    for claim in &profile.output_claims {
        if claim.default_value.is_some() || !ctx.defines_claim(&claim.claim) {
            continue;
        }
        let end = flow.end();
        let key = ctx.claim_key(&claim.claim);
        if end.contains_key(key) {
            out.extend(validation_output_only(
                ctx,
                &end,
                &claim.claim,
                key,
                claim.range,
                "the application",
            ));
            continue;
        }
        let mut d = Diagnostic::new(claim.range, DiagnosticCode::RpClaimNotProduced,
            format!(
                "claim \"{}\" is an output claim of the relying party, but no step of UserJourney \"{}\" outputs it and it has no DefaultValue",
                claim.claim, flow.journey.id
            ),
        );
        if let Some(part) = flow.journey.parts.last() {
            d.related.push(Related {
                path: part.path.clone(),
                range: part.id_range,
                message: "the journey".to_owned(),
            });
        }
        out.push(d);
    }
}

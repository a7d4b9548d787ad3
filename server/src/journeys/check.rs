//! Journey diagnostics: the shape of the steps (Order, SendClaims, selections, sub-journey
//! invocations) and the flow of claims (required input claims and the relying party's output
//! claims that no step produces). Each finding is reported in the file that writes the
//! offending element, so a journey of the base is reported on the base only.

use std::collections::HashSet;
use std::path::Path;

use syntax::TextRange;

use crate::diagnostic::{Diagnostic, DiagnosticCode, Related};
use crate::index::summary::{Precondition, Step};
use crate::index::{id_key, ids_match, SymbolKind, Workspace};

use super::flow::{analyze, journey_flow, relying_party_bag, Bag, BagRef, JourneyFlow};
use super::model::{step_profiles, ClaimKey, Context, EffectiveJourney, EffectiveStep, Via};

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
    // A claim-flow finding is reported on the InputClaim or on the step that runs the
    // profile, so a file without journeys and technical profiles of its own has none: the
    // analysis is skipped for it (a relying party file of a starter pack, typically).
    if defines_journeys || defines_profiles {
        claim_flow(&ctx, &mut out);
    }
    relying_party(&ctx, &mut out);
    out
}

/// Two steps of one journey element with the same Order.
fn duplicate_orders(kind: SymbolKind, journey: &str, steps: &[Step], out: &mut Vec<Diagnostic>) {
    for (i, step) in steps.iter().enumerate() {
        let Some(order) = step.order else { continue };
        if steps[..i].iter().any(|s| s.order == Some(order)) {
            out.push(Diagnostic::new(step.order_range, DiagnosticCode::StepOrderDuplicate,
                format!(
                    "{} \"{journey}\" has more than one step with Order {order}; each step needs its own Order",
                    kind.element_name()
                ),
            ));
        }
    }
}

fn structure(ctx: &Context, journey: &EffectiveJourney, out: &mut Vec<Diagnostic>) {
    let here = |step: &EffectiveStep| step.path == ctx.path;
    let kind = journey.kind_name();
    let id = &journey.id;

    // Orders 1..N without gaps.
    let mut expected = 1u32;
    for step in &journey.steps {
        let Some(order) = step.order() else { continue };
        if order > expected && here(step) {
            let message = if expected == 1 {
                format!("the first step of {kind} \"{id}\" has Order {order}; steps are numbered from 1")
            } else {
                format!(
                    "{kind} \"{id}\" has no step {}; after step {} comes step {order}, but steps should be numbered 1..N without gaps",
                    if order - expected == 1 {
                        expected.to_string()
                    } else {
                        format!("{expected}..{}", order - 1)
                    },
                    expected - 1
                )
            };
            out.push(Diagnostic::new(
                step.step.order_range,
                DiagnosticCode::StepOrderGap,
                message,
            ));
        }
        expected = expected.max(order.saturating_add(1));
    }

    // SendClaims.
    let needs_send_claims = journey.kind == SymbolKind::UserJourney || journey.is_transfer();
    if needs_send_claims && !journey.steps.is_empty() {
        let sends = journey.steps.iter().any(|s| s.is("SendClaims"));
        let transfers = journey.steps.iter().any(|s| invokes_send_claims(ctx, s));
        if !sends && !transfers {
            if let Some(part) = journey.part_in(&ctx.path) {
                out.push(Diagnostic::new(part.id_range, DiagnosticCode::NoSendClaims,
                    format!(
                        "{kind} \"{id}\" has no SendClaims step, so it never issues a token; B2C rejects such a journey"
                    ),
                ));
            }
        }
        // Steps after SendClaims are accepted at upload, and working policies put telemetry
        // steps there (Application Insights after the token is sent): nothing is said of them.
    }

    // Selections and exchanges.
    for (i, step) in journey.steps.iter().enumerate() {
        let exchanges = &step.step.exchanges;
        if exchanges.len() >= 2 && step.runs_exchanges() {
            let earlier = &journey.steps[..i];
            let (named, complete) = selected_ids(ctx, journey, earlier);
            let selected: Vec<bool> = exchanges
                .iter()
                .map(|x| named.contains(id_key(&x.id.text).as_str()))
                .collect();
            if !selected.iter().any(|s| *s) {
                if here(step) {
                    out.push(Diagnostic::new(step.step.order_range, DiagnosticCode::ExchangesWithoutSelection,
                        format!(
                            "{kind} \"{id}\" has {} with {} claims exchanges, but no earlier ClaimsProviderSelection or CombinedSignInAndSignUp step names them; B2C needs a selection step to know which exchange to run",
                            step.label(),
                            exchanges.len()
                        ),
                    ));
                }
            } else if complete {
                for ((exchange, selected), path) in
                    exchanges.iter().zip(selected).zip(&step.exchange_paths)
                {
                    if !selected && *path == ctx.path {
                        out.push(Diagnostic::new(exchange.id.range, DiagnosticCode::ExchangeNotSelected,
                            format!(
                                "no earlier step of {kind} \"{id}\" selects ClaimsExchange \"{}\" of {} (by a ClaimsProviderSelection or a profile's SignUpTarget), so it never runs",
                                exchange.id.text,
                                step.label()
                            ),
                        ));
                    }
                }
            }
        }

        // Sub-journey invocations.
        if step.is("InvokeSubJourney") && step.step.sub_journeys.is_empty() && here(step) {
            out.push(Diagnostic::new(step.step.order_range, DiagnosticCode::InvokeMissingSubJourney,
                format!(
                    "{} of {kind} \"{id}\" invokes a sub-journey but names none: add JourneyList/Candidate with a SubJourneyReferenceId",
                    step.label()
                ),
            ));
        }
        for (candidate, path) in step.step.sub_journeys.iter().zip(&step.sub_journey_paths) {
            if *path != ctx.path {
                continue;
            }
            let Some(sub) = ctx.journey(SymbolKind::SubJourney, &candidate.text) else {
                continue;
            };
            // A SubJourney's Type is required and enumerated by the schema, so a missing or
            // wrong one is a schema error on the SubJourney: said there, once.
            if !step.is("InvokeSubJourney") && !step.step_type().is_empty() {
                out.push(Diagnostic::new(candidate.range, DiagnosticCode::InvokeWrongSubJourneyType,
                    format!(
                        "{} of {kind} \"{id}\" names SubJourney \"{}\" but its Type is {}; only an InvokeSubJourney step runs sub-journeys",
                        step.label(),
                        sub.id,
                        step.step_type()
                    ),
                ));
            }
        }
    }
}

/// Whether the step invokes a sub-journey that sends the claims itself.
fn invokes_send_claims(ctx: &Context, step: &EffectiveStep) -> bool {
    step.invoked_sub_journeys().iter().any(|candidate| {
        ctx.journey(SymbolKind::SubJourney, &candidate.text)
            .is_some_and(|sub| sub.steps.iter().any(|s| s.is("SendClaims")))
    })
}

/// The exchange ids that earlier steps can select: their ClaimsProviderSelections, and
/// metadata values of their profiles that name an exchange (SignUpTarget and the like).
/// A sub-journey may be selected into from its caller, so there any selection counts.
/// The flag is false when some earlier profile is not defined (its metadata is unknown).
fn selected_ids(
    ctx: &Context,
    journey: &EffectiveJourney,
    earlier: &[EffectiveStep],
) -> (HashSet<String>, bool) {
    let mut named = HashSet::new();
    let mut complete = true;
    let mut add_step = |step: &EffectiveStep, journey: &EffectiveJourney| {
        for selection in &step.step.selections {
            named.insert(id_key(&selection.text));
        }
        for step_profile in step_profiles(journey, step) {
            match ctx.selects(step_profile.profile) {
                Some(values) => named.extend(values.iter().cloned()),
                None => complete = false,
            }
        }
    };
    for step in earlier {
        add_step(step, journey);
    }
    if journey.kind == SymbolKind::SubJourney {
        for kind in [SymbolKind::UserJourney, SymbolKind::SubJourney] {
            for id in ctx.journey_ids(kind).iter() {
                if let Some(other) = ctx.journey(kind, id) {
                    for step in &other.steps {
                        add_step(step, &other);
                    }
                }
            }
        }
    }
    (named, complete)
}

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

fn claim_flow(ctx: &Context, out: &mut Vec<Diagnostic>) {
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
                    || profile.adds.iter().any(|a| {
                        a.claim.key == taken.key
                            && (profile.collects_from_user()
                                || matches!(a.via, Via::InputTransformation(_)))
                    })
                    || runs_only_with(&step.step.preconditions, claim);
                // An undefined claim is reported as undefined, once, not also as not produced.
                if produced || !ctx.defines_claim(claim) {
                    continue;
                }
                // Where to report: the InputClaim if this file writes it, else the step.
                let here = |path: &Path| path == ctx.path;
                let range = if here(&taken.path) {
                    taken.range
                } else {
                    match exchange.reference(step) {
                        Some((path, range)) if here(path) => range,
                        None if here(&step.path) => step.step.order_range,
                        _ => continue,
                    }
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
                if !here(&taken.path) || !here(&step.path) {
                    let (path, range, message) = if here(&taken.path) {
                        (
                            step.path.clone(),
                            step.step.order_range,
                            "the step that runs the profile",
                        )
                    } else {
                        (taken.path.to_path_buf(), taken.range, "the input claim")
                    };
                    d.related.push(Related {
                        path,
                        range,
                        message: message.to_owned(),
                    });
                }
                out.push(d);
            }
        }
    }
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

fn relying_party(ctx: &Context, out: &mut Vec<Diagnostic>) {
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

//! The shape of a journey's steps: Order, SendClaims, claims-provider selections and
//! sub-journey invocations.

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::index::summary::Step;
use crate::index::{id_key, SymbolKind};

use crate::journeys::model::{step_profiles, Context, EffectiveJourney, EffectiveStep};

/// Two steps of one journey element with the same Order.
pub(super) fn duplicate_orders(
    kind: SymbolKind,
    journey: &str,
    steps: &[Step],
    out: &mut Vec<Diagnostic>,
) {
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

pub(super) fn structure(ctx: &Context, journey: &EffectiveJourney, out: &mut Vec<Diagnostic>) {
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

//! Required input claims along the paths through the preconditions
//! (`claim-not-produced-on-path`). B2C's upload check counts every earlier step as a producer of
//! a claim, but a step that a precondition skips produces nothing: this rule looks for a path
//! from the start of a user journey on which every earlier step that outputs a required input
//! claim is skipped while the step that needs it runs, and reports it only with such a path in
//! hand, naming the producers and the precondition that skips each.
//!
//! A journey runs as the chain of the relying party that runs it amends it, so it is judged in
//! the chain of each relying party of the file or built on it (a journey no relying party in
//! the workspace runs is not judged), and reported where the file writes the input claim.
//!
//! The model. The claims that the journey's preconditions test (at most [`MAX_TRACKED`]), and
//! the required claim, each hold an abstract value: absent, one of the literals a ClaimEquals
//! compares it with, or some other value. A step that runs runs one of its ClaimsExchanges (a
//! CombinedSignInAndSignUp step may run none: the user picked another button); each claim the
//! profile outputs is then set to its DefaultValue if it has one, else to any value or left as
//! it was (a provider need not return every claim it lists). The required claim is taken
//! optimistically: any step that outputs it and runs provides it, so the rule speaks only of
//! skipped producers, never of providers that return less than they list. A precondition the
//! model cannot read leaves its step free to run or be skipped, but never skips a producer of
//! the required claim and never lets the consuming step count as running. A running SendClaims
//! step, or an InvokeSubJourney step into Transfer sub-journeys, ends the path.
//!
//! The model takes the outputs of one step as independent, which they are not (a sign-in page
//! sets the phone number or the e-mail, never neither), so a path counts only when every
//! producer is skipped by a precondition on one and the same claim: one fact about the bag
//! ("objectId exists") and not a conjunction of several. Measured on the corpus: without this,
//! the starter pack's passwordless scenario is reported (its steps skipped when the e-mail is
//! missing and when the phone number is missing), a path its sign-in page rules out.
//!
//! The reachable values are explored step by step, each step's set capped at [`MAX_STATES`]
//! and the whole file's exploration at [`WORK_PER_FILE`] state updates; past either cap the
//! rule says nothing. Sub-journeys' own steps are not judged here.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use syntax::TextRange;

use crate::diagnostic::{Diagnostic, DiagnosticCode, Related};
use crate::index::summary::Precondition;
use crate::index::{id_key, SymbolKind};
use crate::journeys::flow::{
    journey_flow, relying_parties_of, relying_party_bag, ExchangeFlow, JourneyFlow,
};
use crate::journeys::model::{ClaimKey, ClaimTaken, Context, EffectiveStep, Via};

use super::claims::placement;

/// The most claims a journey's preconditions may test before the rule gives up on it.
const MAX_TRACKED: usize = 12;
/// The most literals one claim may be compared with (a value takes four bits).
const MAX_LITERALS: usize = 14;
/// The most distinct states before one step.
const MAX_STATES: usize = 4096;
/// The state updates one file's analysis may spend on this rule.
const WORK_PER_FILE: usize = 1 << 19;

/// The value of every tracked claim, four bits each: 0 absent, 1..=n the claim's literals,
/// n+1 any other value.
type State = u64;

fn value(state: State, slot: usize) -> u8 {
    ((state >> (slot * 4)) & 0xF) as u8
}

fn with_value(state: State, slot: usize, value: u8) -> State {
    let shift = slot * 4;
    (state & !(0xF << shift)) | (u64::from(value) << shift)
}

/// A claim whose value the model follows.
struct Slot {
    key: ClaimKey,
    /// The values ClaimEquals preconditions compare it with, as written.
    literals: Vec<String>,
}

impl Slot {
    /// The code of "any value but the literals".
    fn other(&self) -> u8 {
        self.literals.len() as u8 + 1
    }

    /// What a DefaultValue sets the claim to. A claim resolver or a literal that differs only in
    /// case (B2C compares ordinally, and a boolean's text is B2C's own) gives a value the model
    /// cannot pin down.
    fn default_effect(&self, default: &str) -> Effect {
        if default.is_empty() {
            return Effect::Maybe;
        }
        if default.contains('{') {
            return Effect::Present;
        }
        if let Some(i) = self.literals.iter().position(|l| l == default) {
            return Effect::Set(i as u8 + 1);
        }
        if self
            .literals
            .iter()
            .any(|l| l.eq_ignore_ascii_case(default))
        {
            return Effect::Present;
        }
        Effect::Set(self.other())
    }
}

/// One precondition the model reads.
#[derive(Debug, Clone, Copy)]
struct Condition {
    slot: usize,
    /// ClaimEquals: the literal's code; ClaimsExist: `None`.
    equals: Option<u8>,
    /// ExecuteActionsIf.
    when: bool,
    /// Its index among the step's preconditions.
    index: usize,
}

impl Condition {
    /// Whether the precondition is satisfied (and so skips the step). A ClaimEquals on an
    /// absent claim is ignored either way (userjourneys.md).
    fn satisfied(&self, state: State) -> bool {
        let v = value(state, self.slot);
        match (self.equals, self.when) {
            (None, true) => v != 0,
            (None, false) => v == 0,
            (Some(c), true) => v == c,
            (Some(c), false) => v != 0 && v != c,
        }
    }
}

/// A step's preconditions as the model reads them.
enum Guard {
    /// Every precondition is a SkipThisOrchestrationStep on ClaimsExist or ClaimEquals.
    Known(Vec<Condition>),
    /// Some precondition the model cannot read: the step may run or be skipped.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Runs,
    /// Skipped by the precondition at this index.
    Skipped(usize),
    Either,
}

impl Guard {
    fn verdict(&self, state: State) -> Verdict {
        self.verdict_on(state, None)
    }

    /// The verdict when only the preconditions on the claim in slot `only` (all, for `None`)
    /// may skip the step: the others are taken as not satisfied.
    fn verdict_on(&self, state: State, only: Option<usize>) -> Verdict {
        match self {
            Guard::Unknown => Verdict::Either,
            Guard::Known(conditions) => conditions
                .iter()
                .filter(|c| only.is_none_or(|slot| c.slot == slot))
                .find(|c| c.satisfied(state))
                .map_or(Verdict::Runs, |c| Verdict::Skipped(c.index)),
        }
    }

    /// The claims (slots) its preconditions test.
    fn slots(&self) -> impl Iterator<Item = usize> + '_ {
        let conditions: &[Condition] = match self {
            Guard::Known(conditions) => conditions,
            Guard::Unknown => &[],
        };
        conditions.iter().map(|c| c.slot)
    }
}

/// What a running step does to one tracked claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// A DefaultValue: exactly this value.
    Set(u8),
    /// Some value, which one unknown.
    Present,
    /// Some value, or left as it was.
    Maybe,
}

/// One step as the model sees it.
struct StepModel {
    guard: Guard,
    /// What running it may do: one of these, each a list of (slot, effect).
    alternatives: Vec<Vec<(usize, Effect)>>,
    /// Whether the journey ends when it runs.
    ends: bool,
}

/// A user journey as the model sees it.
struct JourneyModel {
    slots: Vec<Slot>,
    steps: Vec<StepModel>,
    /// The initial states (claims of the relying party's input claims may be there or not).
    initial: Vec<State>,
}

/// Reads a step's preconditions, adding the claims they test to `slots`; `None` when the
/// journey tests more claims or literals than the model follows.
fn read_guard(
    ctx: &Context,
    preconditions: &[Precondition],
    slots: &mut Vec<Slot>,
) -> Option<Guard> {
    let mut conditions = Vec::with_capacity(preconditions.len());
    for (index, p) in preconditions.iter().enumerate() {
        let skips = p
            .action
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("SkipThisOrchestrationStep"));
        let arity = match p.kind.as_str() {
            "ClaimsExist" => 1,
            "ClaimEquals" => 2,
            _ => 0,
        };
        let Some(claim) = p.values.first().filter(|v| !v.text.is_empty()) else {
            return Some(Guard::Unknown);
        };
        if !skips || arity == 0 || p.values.len() != arity {
            return Some(Guard::Unknown);
        }
        let key = ctx.claim_key(&claim.text);
        let slot = match slots.iter().position(|s| s.key == key) {
            Some(slot) => slot,
            None => {
                if slots.len() == MAX_TRACKED {
                    return None;
                }
                slots.push(Slot {
                    key,
                    literals: Vec::new(),
                });
                slots.len() - 1
            }
        };
        let equals = match p.values.get(1) {
            Some(literal) => {
                let literals = &mut slots[slot].literals;
                let at = match literals.iter().position(|l| *l == literal.text) {
                    Some(at) => at,
                    None => {
                        if literals.len() == MAX_LITERALS {
                            return None;
                        }
                        literals.push(literal.text.clone());
                        literals.len() - 1
                    }
                };
                Some(at as u8 + 1)
            }
            None => None,
        };
        conditions.push(Condition {
            slot,
            equals,
            when: p.execute_actions_if,
            index,
        });
    }
    Some(Guard::Known(conditions))
}

/// What one profile does to each tracked claim it outputs.
fn profile_effects(ctx: &Context, slots: &[Slot], exchange: &ExchangeFlow) -> Vec<(usize, Effect)> {
    let mut effects = Vec::new();
    for (slot_index, slot) in slots.iter().enumerate() {
        let mut effect: Option<Effect> = None;
        let mut definite: Option<Effect> = None;
        for added in exchange
            .profile
            .adds
            .iter()
            .filter(|a| a.claim.key == slot.key)
        {
            effect = Some(Effect::Maybe);
            if let Some(default) = added.default_value {
                let this = slot.default_effect(&ctx.text(default));
                definite = Some(match definite {
                    Some(before) if before != this => Effect::Present,
                    _ => this,
                });
            }
        }
        if let Some(effect) = definite.or(effect) {
            effects.push((slot_index, effect));
        }
    }
    effects
}

fn journey_model(ctx: &Context, flow: &JourneyFlow) -> Option<JourneyModel> {
    let journey = &flow.journey;
    let mut slots = Vec::new();
    let mut guards = Vec::with_capacity(flow.steps.len());
    for step_flow in &flow.steps {
        let step = journey.steps.get(step_flow.index)?;
        guards.push(read_guard(ctx, &step.step.preconditions, &mut slots)?);
    }
    let mut steps = Vec::with_capacity(guards.len());
    for (step_flow, guard) in flow.steps.iter().zip(guards) {
        let step = journey.steps.get(step_flow.index)?;
        let mut alternatives = Vec::new();
        let ends = if step_flow.sub_flows.is_empty() {
            alternatives.extend(
                step_flow
                    .exchanges
                    .iter()
                    .map(|x| profile_effects(ctx, &slots, x)),
            );
            if step.is("CombinedSignInAndSignUp") || alternatives.is_empty() {
                alternatives.push(Vec::new());
            }
            step.is("SendClaims")
        } else {
            let adds = step_flow.adds.view();
            alternatives.push(
                slots
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| adds.contains_key(s.key))
                    .map(|(i, _)| (i, Effect::Maybe))
                    .collect(),
            );
            step_flow.sub_flows.iter().all(|s| s.journey.is_transfer())
        };
        steps.push(StepModel {
            guard,
            alternatives,
            ends,
        });
    }
    // The relying party's input claims may or may not be sent.
    let mut initial = vec![0];
    if let Some(first) = flow.steps.first() {
        let bag = flow.before(first);
        let mut work = MAX_STATES * MAX_TRACKED;
        for (i, slot) in slots.iter().enumerate() {
            if bag.contains_key(slot.key) {
                initial = apply(&initial, &[(i, Effect::Maybe)], &slots, &mut work)?;
            }
        }
    }
    Some(JourneyModel {
        slots,
        steps,
        initial,
    })
}

/// The states `effects` may lead to from `states`; `None` past the caps.
fn apply(
    states: &[State],
    effects: &[(usize, Effect)],
    slots: &[Slot],
    work: &mut usize,
) -> Option<Vec<State>> {
    let mut current = states.to_vec();
    for &(slot, effect) in effects {
        let other = slots[slot].other();
        let mut next = Vec::with_capacity(current.len());
        for &state in &current {
            match effect {
                Effect::Set(v) => next.push(with_value(state, slot, v)),
                Effect::Present => next.extend((1..=other).map(|v| with_value(state, slot, v))),
                Effect::Maybe => {
                    let now = value(state, slot);
                    next.push(state);
                    next.extend(
                        (1..=other)
                            .filter(|&v| v != now)
                            .map(|v| with_value(state, slot, v)),
                    );
                }
            }
        }
        next.sort_unstable();
        next.dedup();
        *work = work.checked_sub(next.len())?;
        if next.len() > MAX_STATES {
            return None;
        }
        current = next;
    }
    Some(current)
}

/// A path on which the required claim is missing while the consuming step runs: each earlier
/// producer (by position in the flow) with the index of the precondition that skips it.
type Witness = Vec<(usize, usize)>;

/// Explores the journey for the required claim `key` and answers, for each position in
/// `targets` (ascending), a path on which it is absent there and the step runs, every producer
/// skipped by a precondition on the claim in slot `focus`. `None` when the caps are reached.
fn explore(
    model: &JourneyModel,
    key: ClaimKey,
    producers: &[bool],
    targets: &[usize],
    focus: usize,
    work: &mut usize,
) -> Option<Vec<Option<Witness>>> {
    let mut slots: Vec<Slot> = Vec::with_capacity(model.slots.len() + 1);
    slots.extend(model.slots.iter().map(|s| Slot {
        key: s.key,
        literals: s.literals.clone(),
    }));
    let target = match slots.iter().position(|s| s.key == key) {
        Some(slot) => slot,
        None => {
            slots.push(Slot {
                key,
                literals: Vec::new(),
            });
            slots.len() - 1
        }
    };
    let last = *targets.last()?;
    // layers[k]: the states before step k, each with the state before step k - 1 it comes
    // from and the precondition that skipped step k - 1, if one did.
    let mut layers: Vec<FxHashMap<State, (State, Option<usize>)>> = Vec::with_capacity(last + 1);
    layers.push(model.initial.iter().map(|&s| (s, (s, None))).collect());
    for (k, step) in model.steps.iter().enumerate().take(last) {
        let mut next: FxHashMap<State, (State, Option<usize>)> = FxHashMap::default();
        let mut states: Vec<State> = layers[k].keys().copied().collect();
        states.sort_unstable();
        for state in states {
            *work = work.checked_sub(1)?;
            let verdict = match &step.guard {
                Guard::Unknown if producers[k] => Verdict::Runs,
                guard if producers[k] => guard.verdict_on(state, Some(focus)),
                guard => guard.verdict(state),
            };
            if let Verdict::Skipped(index) = verdict {
                next.entry(state).or_insert((state, Some(index)));
                continue;
            }
            if verdict == Verdict::Either {
                next.entry(state).or_insert((state, None));
            }
            if step.ends {
                continue;
            }
            for alternative in &step.alternatives {
                let mut effects = alternative.clone();
                if producers[k] {
                    match effects.iter_mut().find(|(slot, _)| *slot == target) {
                        Some((_, Effect::Set(_))) => {}
                        Some((_, effect)) => *effect = Effect::Present,
                        None => effects.push((target, Effect::Present)),
                    }
                }
                for successor in apply(&[state], &effects, &slots, work)? {
                    next.entry(successor).or_insert((state, None));
                }
            }
        }
        if next.len() > MAX_STATES {
            return None;
        }
        layers.push(next);
    }
    let answers = targets
        .iter()
        .map(|&at| witness(model, &layers, target, producers, at))
        .collect();
    Some(answers)
}

/// A path to position `at` on which the claim in `target` is absent and the step runs.
fn witness(
    model: &JourneyModel,
    layers: &[FxHashMap<State, (State, Option<usize>)>],
    target: usize,
    producers: &[bool],
    at: usize,
) -> Option<Witness> {
    let guard = &model.steps.get(at)?.guard;
    let mut state = layers
        .get(at)?
        .keys()
        .copied()
        .filter(|&s| value(s, target) == 0 && guard.verdict(s) == Verdict::Runs)
        .min()?;
    let mut skipped = Vec::new();
    for k in (0..at).rev() {
        let &(before, skipped_by) = layers[k + 1].get(&state)?;
        if producers[k] {
            // A producer that ran would have provided the claim.
            skipped.push((k, skipped_by?));
        }
        state = before;
    }
    skipped.reverse();
    Some(skipped)
}

/// A precondition's test in words, as the case in which it skips its step.
fn skipped_when(p: &Precondition) -> String {
    let claim = p.values.first().map_or("", |v| v.text.as_str());
    let literal = p.values.get(1).map_or("", |v| v.text.as_str());
    match (p.kind.as_str(), p.execute_actions_if) {
        ("ClaimsExist", true) => format!("\"{claim}\" exists"),
        ("ClaimsExist", false) => format!("\"{claim}\" does not exist"),
        (_, true) => format!("\"{claim}\" is \"{literal}\""),
        (_, false) => format!("\"{claim}\" has a value other than \"{literal}\""),
    }
}

/// A required input claim of a step's profile, to be judged along the paths.
struct Need<'f> {
    position: usize,
    exchange: &'f ExchangeFlow,
    taken: &'f ClaimTaken,
}

/// The findings of the rule in the file of `ctx`. A journey runs as the chain of the relying
/// party that runs it amends it (an extension adds the validation profile that sets a claim,
/// say), so the paths are judged in the chain of each relying party of the file or built on
/// it, and reported where the file writes the input claim or the step's reference to its
/// profile. A journey that no relying party in the workspace runs is not judged.
pub(super) fn claims_skipped_on_paths(
    ctx: &Context,
    reported: &HashSet<TextRange>,
    out: &mut Vec<Diagnostic>,
) {
    let mut work = WORK_PER_FILE;
    let mut seen: HashSet<(TextRange, String)> = HashSet::new();
    let chain = ctx.chain();
    let mut relying_parties = relying_parties_of(ctx.workspace, &ctx.path);
    relying_parties.sort_by(|a, b| a.path.cmp(&b.path));
    for rp in relying_parties {
        let Some(journey_ref) = &rp.default_journey else {
            continue;
        };
        let run = Context::new(ctx.workspace, &rp.path);
        if !run.chain().is_complete() {
            continue;
        }
        let Some(journey) = run.journey(SymbolKind::UserJourney, &journey_ref.text) else {
            continue;
        };
        let flow = journey_flow(&run, journey, relying_party_bag(&run, &rp));
        if !flow.complete {
            continue;
        }
        let runner = ctx
            .workspace
            .file(&rp.path)
            .filter(|_| rp.path != ctx.path)
            .and_then(|f| f.summary.policy_id.as_ref().map(|p| p.text.clone()));
        let file = Judged {
            path: &ctx.path,
            chain: &chain.files,
            runner: runner.as_deref(),
            reported,
        };
        judge(&run, &file, &flow, &mut work, &mut seen, out);
        if work == 0 {
            return;
        }
    }
}

/// The file findings go to, and how it is reached.
struct Judged<'a> {
    path: &'a Path,
    /// Its chain: related locations stay in it (its journey findings are cached with it).
    chain: &'a [PathBuf],
    /// The PolicyId of the relying party whose chain is judged, when it is another file.
    runner: Option<&'a str>,
    /// Input claims already reported by the upload checks.
    reported: &'a HashSet<TextRange>,
}

/// The findings of the rule on one complete user journey's flow, in the chain of `ctx`.
fn judge(
    ctx: &Context,
    file: &Judged,
    flow: &JourneyFlow,
    work: &mut usize,
    seen: &mut HashSet<(TextRange, String)>,
    out: &mut Vec<Diagnostic>,
) {
    let journey = &flow.journey;
    let step_at = |position: usize| -> Option<&EffectiveStep> {
        journey.steps.get(flow.steps.get(position)?.index)
    };
    let mut needs: Vec<Need> = Vec::new();
    for (position, step_flow) in flow.steps.iter().enumerate() {
        let bag = flow.before(step_flow);
        for exchange in &step_flow.exchanges {
            for taken in &exchange.profile.takes {
                if !taken.required
                    || taken.default_value.is_some()
                    || exchange.profile.supplies_own_input(taken.key)
                    || !bag.contains_key(taken.key)
                {
                    continue;
                }
                // Claims the relying party passes in are there from the start; claims only a
                // validation profile returns are validation-output-not-returned's.
                let mut producers = bag.producers(taken.key).peekable();
                if producers.peek().is_none()
                    || bag
                        .producers(taken.key)
                        .any(|p| matches!(p.via, Via::RelyingParty))
                    || producers.all(|p| matches!(p.via, Via::ValidationProfile(_)))
                {
                    continue;
                }
                // A producer without preconditions always runs.
                let always = flow.steps[..position].iter().any(|earlier| {
                    earlier.adds.view().contains_key(taken.key)
                        && journey
                            .steps
                            .get(earlier.index)
                            .is_some_and(|s| s.step.preconditions.is_empty())
                });
                if always || !ctx.defines_claim(&taken.claim) {
                    continue;
                }
                needs.push(Need {
                    position,
                    exchange,
                    taken,
                });
            }
        }
    }
    if needs.is_empty() || *work == 0 {
        return;
    }
    let Some(model) = journey_model(ctx, flow) else {
        return;
    };
    needs.sort_by_key(|n| (n.taken.key, n.position));
    for group in needs.chunk_by(|a, b| a.taken.key == b.taken.key) {
        let key = group[0].taken.key;
        let producers: Vec<bool> = flow
            .steps
            .iter()
            .map(|s| s.adds.view().contains_key(key))
            .collect();
        let mut targets: Vec<usize> = group.iter().map(|n| n.position).collect();
        targets.dedup();
        // Every producer skipped by a precondition on one and the same claim: a path that needs
        // several claims to be missing together (a sign-in page that sets either the phone
        // number or the e-mail, and steps skipped on each) leans on outputs of one step that the
        // model takes as independent, and real policies (the starter pack's passwordless
        // scenario) show such paths do not happen.
        let last = targets.last().copied().unwrap_or(0);
        let mut focuses: Vec<usize> = model.steps[..last.min(model.steps.len())]
            .iter()
            .zip(&producers)
            .filter(|(_, &produces)| produces)
            .flat_map(|(step, _)| step.guard.slots())
            .collect();
        focuses.sort_unstable();
        focuses.dedup();
        let mut answers: Vec<Option<Witness>> = vec![None; targets.len()];
        for focus in focuses {
            let Some(found) = explore(&model, key, &producers, &targets, focus, work) else {
                // Past a cap: say nothing more for this file.
                *work = 0;
                return;
            };
            for (answer, witness) in answers.iter_mut().zip(found) {
                if answer.is_none() {
                    *answer = witness;
                }
            }
        }
        for need in group {
            let Some(Some(path)) = targets
                .iter()
                .position(|&t| t == need.position)
                .and_then(|i| answers.get(i))
            else {
                continue;
            };
            let Some(step) = step_at(need.position) else {
                continue;
            };
            let Some((range, related)) = placement(file.path, need.taken, need.exchange, step)
            else {
                continue;
            };
            if file.reported.contains(&range) || !seen.insert((range, id_key(&need.taken.claim))) {
                continue;
            }
            let mut d = finding(flow, need, step, path, range, related, file.runner);
            d.related.retain(|r| file.chain.contains(&r.path));
            out.push(d);
        }
    }
}

fn finding(
    flow: &JourneyFlow,
    need: &Need,
    step: &EffectiveStep,
    path: &Witness,
    range: TextRange,
    related: Option<Related>,
    runner: Option<&str>,
) -> Diagnostic {
    let journey = &flow.journey;
    let claim = &need.taken.claim;
    let mut reasons = Vec::new();
    let mut places = Vec::new();
    for &(position, index) in path {
        let Some(step_flow) = flow.steps.get(position) else {
            continue;
        };
        let Some(producer) = journey.steps.get(step_flow.index) else {
            continue;
        };
        let mut names: Vec<String> = step_flow
            .exchanges
            .iter()
            .filter(|x| x.profile.adds_claim(need.taken.key))
            .map(|x| x.profile.id.to_string())
            .collect();
        names.extend(step_flow.sub_flows.iter().map(|s| s.journey.id.clone()));
        names.dedup();
        let when = producer
            .step
            .preconditions
            .get(index)
            .map(skipped_when)
            .unwrap_or_default();
        reasons.push(format!(
            "{} ({}) is skipped when {when}",
            producer.label(),
            names.join(", ")
        ));
        places.push(Related {
            path: producer.path.clone(),
            range: producer.step.order_range,
            message: format!("outputs \"{claim}\", but is skipped when {when}"),
        });
    }
    let label = step.label();
    let run_by = runner.map_or_else(String::new, |r| format!(" (as relying party {r} runs it)"));
    let mut d = Diagnostic::new(
        range,
        DiagnosticCode::ClaimNotProducedOnPath,
        format!(
            "claim \"{claim}\" is a required input claim of technical profile \"{}\" in {label} of {} \"{}\"{run_by}, but every earlier step that outputs it can be skipped while {label} runs: {}. \
             Skip {label} in that case too (give it the same precondition), or output \"{claim}\" on that path",
            need.exchange.profile.id,
            journey.kind_name(),
            journey.id,
            reasons.join("; "),
        ),
    );
    d.related.extend(related);
    d.related.extend(places);
    d
}

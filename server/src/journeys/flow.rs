//! The claims bag through a journey: which claims are available before each step and which
//! steps put them there. B2C checks this statically, so every earlier step counts, whatever
//! its preconditions say; a sub-journey's steps see the bag of every step that invokes it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use std::rc::Rc;
use syntax::TextRange;

use crate::index::{id_key, SymbolKind, Workspace};

use super::model::{step_profiles, Context, EffectiveJourney, ProfileClaims, RelyingParty, Via};

/// Who put a claim into the bag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Producer {
    /// The journey (or sub-journey) of the step; empty for the relying party.
    pub journey: String,
    pub order: Option<u32>,
    /// The technical profile; empty for the relying party.
    pub profile: String,
    pub via: Via,
}

impl Producer {
    pub fn describe(&self) -> String {
        if self.journey.is_empty() {
            return "the relying party's input claims".to_owned();
        }
        let step = self
            .order
            .map_or_else(|| "a step".to_owned(), |o| format!("step {o}"));
        match &self.via {
            Via::OutputClaim => format!("{step} of {} ({})", self.journey, self.profile),
            via => format!(
                "{step} of {} ({}, {})",
                self.journey,
                self.profile,
                via.describe()
            ),
        }
    }
}

/// A claim in the bag: its name as first written and every producer so far.
#[derive(Debug, Clone)]
pub struct BagEntry {
    pub name: String,
    pub producers: Vec<Producer>,
}

/// The claims bag, keyed by lower-cased claim id.
#[derive(Debug, Clone, Default)]
pub struct Bag(pub BTreeMap<String, BagEntry>);

impl Bag {
    pub fn contains(&self, claim: &str) -> bool {
        self.0.contains_key(&id_key(claim))
    }

    pub fn get(&self, claim: &str) -> Option<&BagEntry> {
        self.0.get(&id_key(claim))
    }

    pub fn add(&mut self, claim: &str, producer: Producer) {
        if claim.trim().is_empty() {
            return;
        }
        let entry = self.0.entry(id_key(claim)).or_insert_with(|| BagEntry {
            name: claim.trim().to_owned(),
            producers: Vec::new(),
        });
        if !entry.producers.contains(&producer) {
            entry.producers.push(producer);
        }
    }

    pub fn merge(&mut self, other: &Bag) {
        for entry in other.0.values() {
            for producer in &entry.producers {
                self.add(&entry.name, producer.clone());
            }
        }
    }

    pub fn names(&self) -> Vec<&str> {
        self.0.values().map(|e| e.name.as_str()).collect()
    }
}

/// One profile a step runs.
#[derive(Debug, Clone)]
pub struct ExchangeFlow {
    /// The ClaimsExchange Id; `None` for a step's CpimIssuer.
    pub exchange: Option<String>,
    /// Where the step names the profile (none for a journey's default issuer).
    pub reference: Option<(PathBuf, TextRange)>,
    pub profile: Rc<ProfileClaims>,
}

/// One step with the bag before it.
#[derive(Debug, Clone)]
pub struct StepFlow {
    /// Index into the journey's steps.
    pub index: usize,
    pub before: Bag,
    pub exchanges: Vec<ExchangeFlow>,
    /// What the step adds (for InvokeSubJourney: what the sub-journeys add).
    pub adds: Bag,
    pub sub_flows: Vec<JourneyFlow>,
}

/// A journey with the bag through its steps.
#[derive(Debug, Clone)]
pub struct JourneyFlow {
    pub journey: Rc<EffectiveJourney>,
    pub steps: Vec<StepFlow>,
    /// The bag after the last step.
    pub end: Bag,
    /// Whether every step's profile and sub-journey resolved (else claim checks are unsafe).
    pub complete: bool,
}

const MAX_SUB_DEPTH: usize = 4;

/// The flow of `journey` starting from `initial`.
pub fn journey_flow(ctx: &Context, journey: Rc<EffectiveJourney>, initial: Bag) -> JourneyFlow {
    flow(ctx, journey, initial, 0)
}

fn flow(ctx: &Context, journey: Rc<EffectiveJourney>, initial: Bag, depth: usize) -> JourneyFlow {
    let mut bag = initial;
    let mut steps = Vec::new();
    let mut complete = true;
    for (index, step) in journey.steps.iter().enumerate() {
        let before = bag.clone();
        let mut adds = Bag::default();
        let mut exchanges = Vec::new();
        for step_profile in step_profiles(&journey, step) {
            let profile = ctx.profile(&step_profile.profile);
            complete &= profile.found;
            for added in &profile.adds {
                adds.add(
                    &added.claim,
                    Producer {
                        journey: journey.id.clone(),
                        order: step.order(),
                        profile: profile.id.clone(),
                        via: added.via.clone(),
                    },
                );
            }
            exchanges.push(ExchangeFlow {
                exchange: step_profile.exchange,
                reference: step_profile.reference,
                profile,
            });
        }
        let mut sub_flows = Vec::new();
        for candidate in step.invoked_sub_journeys() {
            match ctx.journey(SymbolKind::SubJourney, &candidate.text) {
                Some(sub) if depth < MAX_SUB_DEPTH => {
                    let sub_flow = flow(ctx, sub, before.clone(), depth + 1);
                    complete &= sub_flow.complete;
                    for entry in sub_flow.end.0.values() {
                        for producer in &entry.producers {
                            if !before
                                .get(&entry.name)
                                .is_some_and(|e| e.producers.contains(producer))
                            {
                                adds.add(&entry.name, producer.clone());
                            }
                        }
                    }
                    sub_flows.push(sub_flow);
                }
                _ => complete = false,
            }
        }
        bag.merge(&adds);
        steps.push(StepFlow {
            index,
            before,
            exchanges,
            adds,
            sub_flows,
        });
    }
    JourneyFlow {
        journey,
        steps,
        end: bag,
        complete,
    }
}

/// The claims a relying party's own profile supplies before the first step.
pub fn relying_party_bag(rp: &RelyingParty) -> Bag {
    let mut bag = Bag::default();
    for claim in rp.input_claims() {
        bag.add(
            &claim,
            Producer {
                journey: String::new(),
                order: None,
                profile: String::new(),
                via: Via::RelyingParty,
            },
        );
    }
    bag
}

/// The relying parties of the workspace that may run `journey` on top of the file at `path`:
/// the file itself and its descendants whose DefaultUserJourney names it.
pub fn relying_parties_using(
    workspace: &Workspace,
    path: &Path,
    journey: &str,
) -> Vec<RelyingParty> {
    let key = id_key(journey);
    let mut out = Vec::new();
    for other in workspace.dependents(path) {
        let ctx = Context::new(workspace, &other);
        if let Some(rp) = ctx.relying_party() {
            if rp
                .default_journey
                .as_ref()
                .is_some_and(|j| id_key(&j.text) == key)
            {
                out.push(rp);
            }
        }
    }
    out
}

/// Every user journey of a file's context with its flow, and what each sub-journey step sees
/// across all invocations.
pub struct Analysis {
    pub flows: Vec<JourneyFlow>,
    /// (lower-cased sub-journey id, step index) -> the union of the bags before that step.
    pub sub_before: HashMap<(String, usize), Bag>,
    /// Sub-journeys whose every invocation resolved completely.
    pub sub_complete: HashMap<String, bool>,
}

pub fn analyze(ctx: &Context) -> Analysis {
    let mut analysis = Analysis {
        flows: Vec::new(),
        sub_before: HashMap::new(),
        sub_complete: HashMap::new(),
    };
    for id in ctx.journey_ids(SymbolKind::UserJourney) {
        let Some(journey) = ctx.journey(SymbolKind::UserJourney, &id) else {
            continue;
        };
        let mut initial = Bag::default();
        for rp in relying_parties_using(ctx.workspace, &ctx.path, &id) {
            initial.merge(&relying_party_bag(&rp));
        }
        let flow = journey_flow(ctx, journey, initial);
        collect_sub(&flow, &mut analysis);
        analysis.flows.push(flow);
    }
    analysis
}

fn collect_sub(flow: &JourneyFlow, analysis: &mut Analysis) {
    for step in &flow.steps {
        for sub in &step.sub_flows {
            let key = id_key(&sub.journey.id);
            let complete = analysis.sub_complete.entry(key.clone()).or_insert(true);
            *complete &= sub.complete && flow.complete;
            for sub_step in &sub.steps {
                analysis
                    .sub_before
                    .entry((key.clone(), sub_step.index))
                    .or_default()
                    .merge(&sub_step.before);
            }
            collect_sub(sub, analysis);
        }
    }
}

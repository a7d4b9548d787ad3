//! The claims bag through a journey: which claims are available before each step and which
//! steps put them there. B2C checks this statically, so every earlier step counts, whatever
//! its preconditions say; a sub-journey's steps see the bag of every step that invokes it.
//!
//! A bag only ever grows along a journey, so a flow keeps one log of what enters the bag (in
//! order, each claim and producer once) and the bag before a step is a prefix of that log:
//! nothing is copied per step. Claims and producers are interned numbers of the context,
//! turned into text only when a view or a hover shows them.

use std::path::Path;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::index::{ids_match, SymbolKind, Workspace};

use super::model::{
    relying_party_of, step_profiles, ClaimKey, Context, EffectiveJourney, EffectiveStep,
    ProfileClaims, ProfileSource, RelyingParty, Sym, Via,
};

/// Who put a claim into the bag (ids interned in the context).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Producer {
    /// The journey (or sub-journey) of the step; empty for the relying party.
    pub journey: Sym,
    pub order: Option<u32>,
    /// The technical profile; empty for the relying party.
    pub profile: Sym,
    pub via: Via,
}

impl Producer {
    pub fn describe(&self, ctx: &Context) -> String {
        let journey = ctx.text(self.journey);
        if journey.is_empty() {
            return "the relying party's input claims".to_owned();
        }
        let step = self
            .order
            .map_or_else(|| "a step".to_owned(), |o| format!("step {o}"));
        let profile = ctx.text(self.profile);
        match &self.via {
            Via::OutputClaim => format!("{step} of {journey} ({profile})"),
            via => format!("{step} of {journey} ({profile}, {})", via.describe(ctx)),
        }
    }
}

/// One entry of a bag's log: a claim, the name it is written with when this entry is the
/// claim's first, and who produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub key: ClaimKey,
    pub name: Sym,
    pub producer: Producer,
}

/// A view of a claims bag: its log. A claim is in the bag when some entry has its key; its
/// name is that of its first entry and its producers are those of its entries, in order.
#[derive(Debug, Clone, Copy, Default)]
pub struct BagRef<'a> {
    items: &'a [Item],
}

impl<'a> BagRef<'a> {
    pub fn contains_key(&self, key: ClaimKey) -> bool {
        self.items.iter().any(|i| i.key == key)
    }

    pub fn contains(&self, ctx: &Context, claim: &str) -> bool {
        self.contains_key(ctx.claim_key(claim))
    }

    /// Who produced the claim, in the order they did; empty when it is not in the bag.
    pub fn producers(&self, key: ClaimKey) -> impl Iterator<Item = &'a Producer> + 'a {
        self.items
            .iter()
            .filter(move |i| i.key == key)
            .map(|i| &i.producer)
    }

    /// The name of the claim in the bag (as first written).
    fn name_of(&self, key: ClaimKey) -> Option<Sym> {
        self.items.iter().find(|i| i.key == key).map(|i| i.name)
    }

    /// The claims in the bag, ordered by their lower-cased id.
    pub fn names(&self, ctx: &Context) -> Vec<Rc<str>> {
        let mut firsts: Vec<(Rc<str>, Sym)> = Vec::new();
        for (n, item) in self.items.iter().enumerate() {
            if !self.items[..n].iter().any(|i| i.key == item.key) {
                firsts.push((ctx.key_text(item.key), item.name));
            }
        }
        firsts.sort_by(|a, b| a.0.cmp(&b.0));
        firsts.into_iter().map(|(_, name)| ctx.text(name)).collect()
    }

    pub fn to_bag(self) -> Bag {
        Bag {
            items: self.items.to_vec(),
        }
    }
}

/// A claims bag that owns its log.
#[derive(Debug, Clone, Default)]
pub struct Bag {
    items: Vec<Item>,
}

impl Bag {
    pub fn view(&self) -> BagRef<'_> {
        BagRef { items: &self.items }
    }

    /// Adds a producer of a claim, unless it is already known for the claim. A blank claim id
    /// never enters the bag.
    pub fn add(&mut self, item: Item) {
        if item.key == ClaimKey::BLANK {
            return;
        }
        if !self
            .items
            .iter()
            .any(|i| i.key == item.key && i.producer == item.producer)
        {
            self.items.push(item);
        }
    }

    /// Adds every producer of `other`. An entry that becomes the first of its claim here is
    /// the first of its claim in `other` too, so the claim keeps the name `other` gives it.
    pub fn merge(&mut self, other: BagRef) {
        if self.items.is_empty() {
            self.items.extend_from_slice(other.items);
            return;
        }
        for &item in other.items {
            self.add(item);
        }
    }
}

/// One profile a step runs.
#[derive(Debug, Clone)]
pub struct ExchangeFlow {
    /// Which reference of the step names the profile.
    pub source: ProfileSource,
    pub profile: Rc<ProfileClaims>,
}

impl ExchangeFlow {
    /// The ClaimsExchange Id; `None` for a step's CpimIssuer.
    pub fn exchange<'a>(&self, step: &'a EffectiveStep) -> Option<&'a str> {
        self.source.exchange(step)
    }

    /// Where the step names the profile (none for a journey's default issuer).
    pub fn reference<'a>(&self, step: &'a EffectiveStep) -> Option<(&'a Path, syntax::TextRange)> {
        self.source.reference(step)
    }
}

/// One step with the bag before it.
#[derive(Debug, Clone)]
pub struct StepFlow {
    /// Index into the journey's steps.
    pub index: usize,
    /// The bag before the step: this many entries of the flow's log.
    before: usize,
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
    /// Everything that entered the bag, from the initial bag to the last step.
    log: Vec<Item>,
    /// Whether every step's profile and sub-journey resolved (else claim checks are unsafe).
    pub complete: bool,
}

impl JourneyFlow {
    /// The bag before a step of this flow.
    pub fn before(&self, step: &StepFlow) -> BagRef<'_> {
        BagRef {
            items: &self.log[..step.before],
        }
    }

    /// The bag after the last step.
    pub fn end(&self) -> BagRef<'_> {
        BagRef { items: &self.log }
    }
}

const MAX_SUB_DEPTH: usize = 4;

/// The flow of `journey` starting from `initial`.
pub fn journey_flow(ctx: &Context, journey: Rc<EffectiveJourney>, initial: Bag) -> JourneyFlow {
    flow(ctx, journey, initial.items, 0)
}

fn flow(
    ctx: &Context,
    journey: Rc<EffectiveJourney>,
    mut log: Vec<Item>,
    depth: usize,
) -> JourneyFlow {
    let mut steps = Vec::with_capacity(journey.steps.len());
    let mut complete = true;
    for (index, step) in journey.steps.iter().enumerate() {
        let before = log.len();
        let mut adds = Bag::default();
        let mut exchanges = Vec::new();
        for step_profile in step_profiles(&journey, step) {
            let profile = ctx.profile(step_profile.profile);
            complete &= profile.found;
            for added in &profile.adds {
                adds.add(Item {
                    key: added.claim.key,
                    name: added.claim.name,
                    producer: Producer {
                        journey: journey.sym,
                        order: step.order(),
                        profile: profile.sym,
                        via: added.via,
                    },
                });
            }
            exchanges.push(ExchangeFlow {
                source: step_profile.source,
                profile,
            });
        }
        let mut sub_flows = Vec::new();
        for candidate in step.invoked_sub_journeys() {
            match ctx.journey(SymbolKind::SubJourney, &candidate.text) {
                Some(sub) if depth < MAX_SUB_DEPTH => {
                    let sub_flow = flow(ctx, sub, log[..before].to_vec(), depth + 1);
                    complete &= sub_flow.complete;
                    // What the sub-journey's steps added is its log past the bag it started
                    // from; each claim keeps the name the sub-journey's bag gives it.
                    let end = sub_flow.end();
                    for item in &sub_flow.log[before..] {
                        adds.add(Item {
                            name: end.name_of(item.key).unwrap_or(item.name),
                            ..*item
                        });
                    }
                    sub_flows.push(sub_flow);
                }
                _ => complete = false,
            }
        }
        let mut bag = Bag { items: log };
        bag.merge(adds.view());
        log = bag.items;
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
        log,
        complete,
    }
}

/// The claims a relying party's own profile supplies before the first step.
pub fn relying_party_bag(ctx: &Context, rp: &RelyingParty) -> Bag {
    let mut bag = Bag::default();
    let empty = ctx.sym("");
    for claim in rp.input_claims() {
        let claim = ctx.claim(claim);
        bag.add(Item {
            key: claim.key,
            name: claim.name,
            producer: Producer {
                journey: empty,
                order: None,
                profile: empty,
                via: Via::RelyingParty,
            },
        });
    }
    bag
}

/// The relying parties of the file at `path` and its descendants, each with the journey it
/// runs: those that may run a journey of the file.
pub fn relying_parties_of(workspace: &Workspace, path: &Path) -> Vec<RelyingParty> {
    workspace
        .dependents(path)
        .iter()
        .filter_map(|other| relying_party_of(workspace, other))
        .filter(|rp| rp.default_journey.is_some())
        .collect()
}

/// Every user journey of a file's context with its flow, and what each sub-journey step sees
/// across all invocations.
pub struct Analysis {
    pub flows: Vec<JourneyFlow>,
    /// Lower-cased sub-journey id -> step index -> the union of the bags before that step.
    sub_before: FxHashMap<Rc<str>, FxHashMap<usize, Bag>>,
    /// Sub-journeys whose every invocation resolved completely.
    sub_complete: FxHashMap<Rc<str>, bool>,
}

impl Analysis {
    /// The union of the bags before a step of a sub-journey (by its lower-cased id).
    pub fn sub_before(&self, key: &str, index: usize) -> Option<BagRef<'_>> {
        self.sub_before.get(key)?.get(&index).map(Bag::view)
    }

    /// Whether every invocation of the sub-journey (by its lower-cased id) resolved.
    pub fn sub_complete(&self, key: &str) -> bool {
        self.sub_complete.get(key).copied().unwrap_or(false)
    }
}

pub fn analyze(ctx: &Context) -> Analysis {
    let mut analysis = Analysis {
        flows: Vec::new(),
        sub_before: FxHashMap::default(),
        sub_complete: FxHashMap::default(),
    };
    let relying_parties = relying_parties_of(ctx.workspace, &ctx.path);
    for id in ctx.journey_ids(SymbolKind::UserJourney).iter() {
        let Some(journey) = ctx.journey(SymbolKind::UserJourney, id) else {
            continue;
        };
        let mut initial = Bag::default();
        for rp in &relying_parties {
            if rp
                .default_journey
                .as_ref()
                .is_some_and(|j| ids_match(&j.text, id))
            {
                initial.merge(relying_party_bag(ctx, rp).view());
            }
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
            let key = &sub.journey.key;
            let complete = analysis.sub_complete.entry(Rc::clone(key)).or_insert(true);
            *complete &= sub.complete && flow.complete;
            let bags = analysis.sub_before.entry(Rc::clone(key)).or_default();
            for sub_step in &sub.steps {
                bags.entry(sub_step.index)
                    .or_default()
                    .merge(sub.before(sub_step));
            }
            collect_sub(sub, analysis);
        }
    }
}

//! User-journey analysis: the effective journeys of a policy (same-Id journeys of the chain
//! merged by step Order), the claims bag through their steps, the diagnostics B2C would raise
//! at upload about steps and claim flow, hovers on steps and claims, and views of a relying
//! party's journey as text, JSON, Mermaid or Graphviz.
//!
//! Editor-neutral: paths and byte ranges in, markdown and plain data out.

mod additions;
mod cache;
mod check;
mod flow;
mod hover;
mod model;
mod render;

pub use additions::{step_additions, StepAdditions};
pub use cache::journey_diagnostics;
pub use flow::{Bag, BagRef, ExchangeFlow, Item, JourneyFlow, Producer, StepFlow};
pub use hover::journey_hover;
pub use model::{
    Claim, ClaimAdded, ClaimKey, ClaimTaken, Context, EffectiveJourney, EffectiveStep, JourneyPart,
    ProfileClaims, ProfileSource, RelyingParty, Sym, Via,
};
pub use render::{diagram, journeys_json, render, DiagramStep, Format, JourneyDiagram};

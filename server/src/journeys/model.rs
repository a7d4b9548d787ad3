//! The journey model: a user journey or sub-journey as B2C sees it from one policy file (the
//! same-Id journeys of the chain merged step by step), and what each step's technical profile
//! takes from and adds to the claims bag.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use syntax::ast::{AstNode, Element};
use syntax::TextRange;

use crate::catalog;
use crate::index::profiles::{effective_profile, EffectiveProfile};
use crate::index::summary::{Located, Step, TechnicalProfileSummary};
use crate::index::{id_key, FileData, SymbolKind, Workspace};

/// Where one same-Id journey element of the chain is written.
#[derive(Debug, Clone)]
pub struct JourneyPart {
    pub path: PathBuf,
    pub id_range: TextRange,
    pub full_range: TextRange,
}

/// A step of an effective journey. A more derived file's step with the same Order amends the
/// inherited one (the corpus adds preconditions to an inherited InvokeSubJourney step this
/// way), so the parts of one step may come from several files.
#[derive(Debug, Clone)]
pub struct EffectiveStep {
    /// The most derived file that writes the step (its Order and Type ranges are there).
    pub path: PathBuf,
    pub step: Step,
    /// The file of each of `step.exchanges`.
    pub exchange_paths: Vec<PathBuf>,
    /// The file of each of `step.sub_journeys`.
    pub sub_journey_paths: Vec<PathBuf>,
    /// The file of `step.cpim_issuer`.
    pub cpim_issuer_path: PathBuf,
}

impl EffectiveStep {
    pub fn order(&self) -> Option<u32> {
        self.step.order
    }

    /// The step's Type as written ("" when missing).
    pub fn step_type(&self) -> &str {
        self.step.step_type.as_ref().map_or("", |t| t.text.trim())
    }

    pub fn is(&self, step_type: &str) -> bool {
        self.step_type().eq_ignore_ascii_case(step_type)
    }

    /// Whether the step runs its ClaimsExchanges. A step that amends an inherited one can
    /// change its Type and keep the inherited exchanges, which its new Type then ignores.
    pub fn runs_exchanges(&self) -> bool {
        ![
            "SendClaims",
            "ClaimsProviderSelection",
            "InvokeSubJourney",
            "GetClaims",
        ]
        .iter()
        .any(|t| self.is(t))
    }

    /// Whether the step runs its CpimIssuerTechnicalProfileReferenceId.
    pub fn runs_issuer(&self) -> bool {
        ![
            "ClaimsExchange",
            "ClaimsProviderSelection",
            "InvokeSubJourney",
            "CombinedSignInAndSignUp",
        ]
        .iter()
        .any(|t| self.is(t))
    }

    /// The sub-journeys the step invokes (only an InvokeSubJourney step does).
    pub fn invoked_sub_journeys(&self) -> &[Located] {
        if self.is("InvokeSubJourney") {
            &self.step.sub_journeys
        } else {
            &[]
        }
    }

    /// A label for messages: `step 3` (or `a step without Order`).
    pub fn label(&self) -> String {
        match self.order() {
            Some(order) => format!("step {order}"),
            None => "a step without a valid Order".to_owned(),
        }
    }
}

/// A UserJourney or SubJourney merged across the chain.
#[derive(Debug, Clone)]
pub struct EffectiveJourney {
    pub kind: SymbolKind,
    pub id: String,
    /// A SubJourney's Type (Call or Transfer), as the most derived part says.
    pub sub_journey_type: Option<String>,
    /// UserJourney@DefaultCpimIssuerTechnicalProfileReferenceId, the most derived one.
    pub default_cpim_issuer: Option<String>,
    /// The same-Id journey elements, the farthest ancestor first.
    pub parts: Vec<JourneyPart>,
    /// The steps by Order (steps without a valid Order last, in document order).
    pub steps: Vec<EffectiveStep>,
}

impl EffectiveJourney {
    pub fn kind_name(&self) -> &'static str {
        self.kind.element_name()
    }

    /// The part written in `path`, if any.
    pub fn part_in(&self, path: &Path) -> Option<&JourneyPart> {
        self.parts.iter().find(|p| p.path == path)
    }

    pub fn is_transfer(&self) -> bool {
        self.sub_journey_type
            .as_deref()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("Transfer"))
    }
}

/// Facts about one file that the index summary does not keep.
#[derive(Debug, Default)]
pub struct FileExtras {
    /// Lower-cased journey id -> DefaultCpimIssuerTechnicalProfileReferenceId.
    pub default_issuers: HashMap<String, Located>,
    /// Lower-cased DisplayControl id -> (claims it collects or outputs, profiles its actions call).
    pub display_controls: HashMap<String, (Vec<String>, Vec<String>)>,
    /// Lower-cased TechnicalProfile id -> the display controls its DisplayClaims name.
    pub profile_display_controls: HashMap<String, Vec<String>>,
}

fn extras_of(file: &FileData) -> FileExtras {
    let mut extras = FileExtras::default();
    let Some(root) = file.parse.document().root_element() else {
        return extras;
    };
    for node in root.syntax().descendants() {
        let Some(element) = Element::cast(node) else {
            continue;
        };
        let parent = element
            .parent_element()
            .map(|p| p.local_name())
            .unwrap_or_default();
        match (element.local_name().as_str(), parent.as_str()) {
            ("UserJourney", "UserJourneys") => {
                let (Some(id), Some(value)) = (
                    element.attribute_value("Id"),
                    element
                        .attribute("DefaultCpimIssuerTechnicalProfileReferenceId")
                        .and_then(|a| a.value()),
                ) else {
                    continue;
                };
                extras.default_issuers.insert(
                    id_key(&id),
                    Located {
                        text: value.unescaped().trim().to_owned(),
                        range: value.value_range(),
                    },
                );
            }
            ("DisplayControl", "DisplayControls") => {
                let Some(id) = element.attribute_value("Id") else {
                    continue;
                };
                let mut claims = Vec::new();
                let mut profiles = Vec::new();
                for inner in element.syntax().descendants().filter_map(Element::cast) {
                    if let Some(claim) = inner.attribute_value("ClaimTypeReferenceId") {
                        claims.push(claim.trim().to_owned());
                    }
                    if let Some(tp) = inner.attribute_value("TechnicalProfileReferenceId") {
                        profiles.push(tp.trim().to_owned());
                    }
                }
                extras
                    .display_controls
                    .insert(id_key(&id), (claims, profiles));
            }
            ("TechnicalProfile", "TechnicalProfiles") => {
                let Some(id) = element.attribute_value("Id") else {
                    continue;
                };
                let controls: Vec<String> = element
                    .children_named("DisplayClaims")
                    .flat_map(|list| list.child_elements().collect::<Vec<_>>())
                    .filter_map(|c| c.attribute_value("DisplayControlReferenceId"))
                    .map(|c| c.trim().to_owned())
                    .collect();
                if !controls.is_empty() {
                    extras
                        .profile_display_controls
                        .entry(id_key(&id))
                        .or_default()
                        .extend(controls);
                }
            }
            _ => {}
        }
    }
    extras
}

/// An input claim of a step's profile.
#[derive(Debug, Clone)]
pub struct ClaimTaken {
    pub claim: String,
    pub required: bool,
    pub default_value: Option<String>,
    /// Where the InputClaim is written.
    pub path: PathBuf,
    pub range: TextRange,
}

/// How a profile puts a claim into the bag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    OutputClaim,
    InputTransformation(String),
    OutputTransformation(String),
    ValidationProfile(String),
    DisplayControl(String),
    /// An input claim of the relying party's own technical profile (e.g. from id_token_hint
    /// or a claim resolver).
    RelyingParty,
}

impl Via {
    pub fn describe(&self) -> String {
        match self {
            Via::OutputClaim => "output claim".to_owned(),
            Via::InputTransformation(id) => format!("input claims transformation {id}"),
            Via::OutputTransformation(id) => format!("output claims transformation {id}"),
            Via::ValidationProfile(id) => format!("validation profile {id}"),
            Via::DisplayControl(id) => format!("display control {id}"),
            Via::RelyingParty => "relying party input claim".to_owned(),
        }
    }
}

/// A claim a profile adds to the bag.
#[derive(Debug, Clone)]
pub struct ClaimAdded {
    pub claim: String,
    pub via: Via,
}

/// What one technical profile (merged across chain and includes) takes and adds.
#[derive(Debug, Clone, Default)]
pub struct ProfileClaims {
    pub id: String,
    /// False when the chain defines no such profile.
    pub found: bool,
    /// The catalog's type id ("self-asserted", "rest", ...), when known.
    pub type_id: Option<&'static str>,
    pub takes: Vec<ClaimTaken>,
    /// The input claims of its input claims transformations (read from the bag too).
    pub transformation_inputs: Vec<String>,
    pub adds: Vec<ClaimAdded>,
}

impl ProfileClaims {
    /// Whether the profile asks the user (its output claims are then collected by the step
    /// itself and may also be prefilled from its own input claims).
    pub fn collects_from_user(&self) -> bool {
        matches!(self.type_id, Some("self-asserted" | "phone-factor"))
    }

    /// Whether the profile adds `claim` (case-insensitive).
    pub fn adds_claim(&self, claim: &str) -> bool {
        self.adds
            .iter()
            .any(|a| crate::index::ids_match(&a.claim, claim))
    }
}

/// The analysis context of one policy file: the workspace seen from it, with caches.
pub struct Context<'w> {
    pub workspace: &'w Workspace,
    pub path: PathBuf,
    extras: RefCell<HashMap<PathBuf, Arc<FileExtras>>>,
    profiles: RefCell<HashMap<String, Rc<ProfileClaims>>>,
    journeys: RefCell<JourneyCache>,
}

/// Effective journeys by (kind, lower-cased id); `None` when the chain defines none.
type JourneyCache = HashMap<(SymbolKind, String), Option<Rc<EffectiveJourney>>>;

const MAX_DEPTH: usize = 16;

impl<'w> Context<'w> {
    pub fn new(workspace: &'w Workspace, path: &Path) -> Context<'w> {
        Context {
            workspace,
            path: path.to_owned(),
            extras: RefCell::default(),
            profiles: RefCell::default(),
            journeys: RefCell::default(),
        }
    }

    /// The chain of the file, its farthest ancestor first.
    pub fn chain_base_first(&self) -> Vec<PathBuf> {
        let mut files = self.workspace.chain(&self.path).files.clone();
        files.reverse();
        files
    }

    pub fn extras(&self, path: &Path) -> Arc<FileExtras> {
        if let Some(extras) = self.extras.borrow().get(path) {
            return Arc::clone(extras);
        }
        let extras = match self.workspace.file(path) {
            Some(file) => file.memo("journeys::FileExtras", extras_of),
            None => Arc::new(FileExtras::default()),
        };
        self.extras
            .borrow_mut()
            .insert(path.to_owned(), Arc::clone(&extras));
        extras
    }

    /// The journeys of `kind` visible from the file (ids as first written), base first.
    pub fn journey_ids(&self, kind: SymbolKind) -> Vec<String> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for path in self.chain_base_first() {
            let Some(file) = self.workspace.file(&path) else {
                continue;
            };
            for journey in file.summary.journeys.iter().filter(|j| j.kind == kind) {
                let key = id_key(&journey.id);
                if !seen.contains(&key) {
                    seen.push(key);
                    out.push(journey.id.clone());
                }
            }
        }
        out
    }

    /// The journey `id` of `kind` merged across the chain.
    pub fn journey(&self, kind: SymbolKind, id: &str) -> Option<Rc<EffectiveJourney>> {
        let key = (kind, id_key(id));
        if let Some(cached) = self.journeys.borrow().get(&key) {
            return cached.clone();
        }
        let journey = self.build_journey(kind, id).map(Rc::new);
        self.journeys.borrow_mut().insert(key, journey.clone());
        journey
    }

    fn build_journey(&self, kind: SymbolKind, id: &str) -> Option<EffectiveJourney> {
        let key = id_key(id);
        let mut journey: Option<EffectiveJourney> = None;
        for path in self.chain_base_first() {
            let Some(file) = self.workspace.file(&path) else {
                continue;
            };
            for part in file
                .summary
                .journeys
                .iter()
                .filter(|j| j.kind == kind && id_key(&j.id) == key)
            {
                let merged = journey.get_or_insert_with(|| EffectiveJourney {
                    kind,
                    id: part.id.clone(),
                    sub_journey_type: None,
                    default_cpim_issuer: None,
                    parts: Vec::new(),
                    steps: Vec::new(),
                });
                merged.parts.push(JourneyPart {
                    path: path.clone(),
                    id_range: part.id_range,
                    full_range: part.full_range,
                });
                if part.sub_journey_type.is_some() {
                    merged.sub_journey_type = part.sub_journey_type.clone();
                }
                if let Some(issuer) = self.extras(&path).default_issuers.get(&key) {
                    merged.default_cpim_issuer = Some(issuer.text.clone());
                }
                // A step of a more derived file amends the inherited step of the same
                // Order; steps of one file never amend each other (that is a duplicate).
                let inherited = merged.steps.len();
                for step in &part.steps {
                    let amended = step.order.and_then(|order| {
                        merged.steps[..inherited]
                            .iter()
                            .position(|s| s.path != path && s.order() == Some(order))
                    });
                    match amended {
                        Some(i) => amend(&mut merged.steps[i], &path, step),
                        None => merged.steps.push(EffectiveStep {
                            path: path.clone(),
                            step: step.clone(),
                            exchange_paths: vec![path.clone(); step.exchanges.len()],
                            sub_journey_paths: vec![path.clone(); step.sub_journeys.len()],
                            cpim_issuer_path: path.clone(),
                        }),
                    }
                }
            }
        }
        let mut journey = journey?;
        journey.steps.sort_by_key(|s| s.order().unwrap_or(u32::MAX));
        Some(journey)
    }

    /// What the technical profile `id` takes and adds, as seen from the file.
    pub fn profile(&self, id: &str) -> Rc<ProfileClaims> {
        let key = id_key(id);
        if let Some(cached) = self.profiles.borrow().get(&key) {
            return Rc::clone(cached);
        }
        let mut visiting = Vec::new();
        let claims = Rc::new(self.build_profile(id, &mut visiting));
        self.profiles.borrow_mut().insert(key, Rc::clone(&claims));
        claims
    }

    fn build_profile(&self, id: &str, visiting: &mut Vec<String>) -> ProfileClaims {
        let mut claims = ProfileClaims {
            id: id.to_owned(),
            ..ProfileClaims::default()
        };
        let key = id_key(id);
        if visiting.contains(&key) || visiting.len() > MAX_DEPTH {
            return claims;
        }
        let Some(profile) = effective_profile(self.workspace, &self.path, id) else {
            return claims;
        };
        visiting.push(key);
        claims.found = true;
        claims.type_id = profile.protocol.as_deref().and_then(|protocol| {
            catalog::technical_profile_type_with_formats(
                protocol,
                profile.handler.as_deref(),
                profile.output_token_format.as_deref(),
                profile.input_token_format.as_deref(),
            )
            .map(|t| t.id)
        });
        for input in &profile.input_claims {
            claims.takes.push(ClaimTaken {
                claim: input.value.claim.clone(),
                required: input.value.required,
                default_value: input.value.default_value.clone(),
                path: input.path.clone(),
                range: input.value.range,
            });
        }
        for transformation in &profile.input_transformations {
            let id = &transformation.value.text;
            let (inputs, outputs) = self.transformation_claims(id);
            claims.transformation_inputs.extend(inputs);
            claims
                .adds
                .extend(outputs.into_iter().map(|claim| ClaimAdded {
                    claim,
                    via: Via::InputTransformation(id.clone()),
                }));
        }
        for output in &profile.output_claims {
            claims.adds.push(ClaimAdded {
                claim: output.value.claim.clone(),
                via: Via::OutputClaim,
            });
        }
        for transformation in &profile.output_transformations {
            let id = &transformation.value.text;
            let (inputs, outputs) = self.transformation_claims(id);
            claims.transformation_inputs.extend(inputs);
            claims
                .adds
                .extend(outputs.into_iter().map(|claim| ClaimAdded {
                    claim,
                    via: Via::OutputTransformation(id.clone()),
                }));
        }
        // What validation profiles and display controls output is scoped to the profile in
        // B2C's documentation, but real policies lean on it; counting it keeps the checks
        // from raising false alarms.
        for validation in &profile.validation_profiles {
            let id = &validation.value.text;
            let inner = self.build_profile(id, visiting);
            claims
                .adds
                .extend(inner.adds.into_iter().map(|a| ClaimAdded {
                    claim: a.claim,
                    via: Via::ValidationProfile(id.clone()),
                }));
        }
        for control in self.display_controls(&profile) {
            let Some((control_claims, control_profiles)) = self.display_control(&control) else {
                continue;
            };
            for claim in control_claims {
                claims.adds.push(ClaimAdded {
                    claim,
                    via: Via::DisplayControl(control.clone()),
                });
            }
            for id in control_profiles {
                let inner = self.build_profile(&id, visiting);
                claims
                    .adds
                    .extend(inner.adds.into_iter().map(|a| ClaimAdded {
                        claim: a.claim,
                        via: Via::DisplayControl(control.clone()),
                    }));
            }
        }
        visiting.pop();
        claims
    }

    /// The display controls the profile's DisplayClaims name, across its parts and includes.
    fn display_controls(&self, profile: &EffectiveProfile) -> Vec<String> {
        let mut ids: Vec<String> = vec![profile.id.clone()];
        ids.extend(profile.includes.iter().cloned());
        let mut out = Vec::new();
        for path in self.chain_base_first() {
            let extras = self.extras(&path);
            for id in &ids {
                if let Some(controls) = extras.profile_display_controls.get(&id_key(id)) {
                    out.extend(controls.iter().cloned());
                }
            }
        }
        out
    }

    fn display_control(&self, id: &str) -> Option<(Vec<String>, Vec<String>)> {
        let key = id_key(id);
        self.workspace
            .chain(&self.path)
            .files
            .iter()
            .find_map(|path| self.extras(path).display_controls.get(&key).cloned())
    }

    /// The input and output claims of a claims transformation, as seen from the file.
    pub fn transformation_claims(&self, id: &str) -> (Vec<String>, Vec<String>) {
        for resolved in self
            .workspace
            .resolve(&self.path, SymbolKind::ClaimsTransformation, id)
        {
            let Some(file) = self.workspace.file(&resolved.path) else {
                continue;
            };
            if let Some(ct) = file.summary.transformation(id) {
                return (
                    ct.input_claims.iter().map(|c| c.claim.clone()).collect(),
                    ct.output_claims.iter().map(|c| c.claim.clone()).collect(),
                );
            }
        }
        (Vec::new(), Vec::new())
    }

    /// The relying party of the file itself, with its own technical profile.
    pub fn relying_party(&self) -> Option<RelyingParty> {
        let file = self.workspace.file(&self.path)?;
        let rp = file.summary.relying_party.as_ref()?;
        let profile = file
            .summary
            .technical_profiles
            .iter()
            .find(|tp| tp.in_relying_party)
            .cloned();
        Some(RelyingParty {
            path: self.path.clone(),
            default_journey: rp.default_journey.clone(),
            profile,
        })
    }
}

/// A RelyingParty element.
#[derive(Debug, Clone)]
pub struct RelyingParty {
    pub path: PathBuf,
    pub default_journey: Option<Located>,
    /// Its own TechnicalProfile (InputClaims, OutputClaims).
    pub profile: Option<TechnicalProfileSummary>,
}

impl RelyingParty {
    /// The claims the relying party's own profile puts into the bag before the first step.
    pub fn input_claims(&self) -> Vec<String> {
        self.profile
            .iter()
            .flat_map(|p| p.input_claims.iter().map(|c| c.claim.clone()))
            .collect()
    }
}

/// A technical profile a step runs.
#[derive(Debug, Clone)]
pub struct StepProfile {
    /// The ClaimsExchange Id; `None` for the step's CpimIssuer.
    pub exchange: Option<String>,
    pub profile: String,
    /// Where the step names the profile (not for a journey's default issuer).
    pub reference: Option<(PathBuf, TextRange)>,
}

/// The profiles a step runs: its ClaimsExchanges, or its CpimIssuer for GetClaims/SendClaims
/// (SendClaims falls back to the journey's default issuer).
pub fn step_profiles(journey: &EffectiveJourney, step: &EffectiveStep) -> Vec<StepProfile> {
    let mut out: Vec<StepProfile> = step
        .runs_exchanges()
        .then_some(&step.step.exchanges)
        .into_iter()
        .flatten()
        .zip(&step.exchange_paths)
        .filter_map(|(x, path)| {
            let tp = x.technical_profile.as_ref()?;
            Some(StepProfile {
                exchange: Some(x.id.text.clone()),
                profile: tp.text.clone(),
                reference: Some((path.clone(), tp.range)),
            })
        })
        .collect();
    if let Some(issuer) = step
        .step
        .cpim_issuer
        .as_ref()
        .filter(|_| step.runs_issuer())
    {
        out.push(StepProfile {
            exchange: None,
            profile: issuer.text.clone(),
            reference: Some((step.cpim_issuer_path.clone(), issuer.range)),
        });
    } else if step.is("SendClaims") {
        if let Some(issuer) = &journey.default_cpim_issuer {
            out.push(StepProfile {
                exchange: None,
                profile: issuer.clone(),
                reference: None,
            });
        }
    }
    out
}

/// Lays a more derived file's step over the inherited step of the same Order: each part the
/// new step writes (Type, issuer, preconditions, selections, exchanges, journey list) wins,
/// what it leaves out is kept.
fn amend(inherited: &mut EffectiveStep, path: &Path, step: &Step) {
    let target = &mut inherited.step;
    target.order_range = step.order_range;
    target.full_range = step.full_range;
    if step.step_type.is_some() {
        target.step_type = step.step_type.clone();
    }
    if step.cpim_issuer.is_some() {
        target.cpim_issuer = step.cpim_issuer.clone();
        inherited.cpim_issuer_path = path.to_owned();
    }
    if step.content_definition.is_some() {
        target.content_definition = step.content_definition.clone();
    }
    if !step.preconditions.is_empty() {
        target.preconditions = step.preconditions.clone();
    }
    if !step.selections.is_empty() {
        target.selections = step.selections.clone();
    }
    // A list the new step writes replaces the inherited list as a whole: the corpus
    // redefines whole journeys this way, one exchange per step in place of another.
    if !step.exchanges.is_empty() {
        target.exchanges = step.exchanges.clone();
        inherited.exchange_paths = vec![path.to_owned(); step.exchanges.len()];
    }
    if !step.sub_journeys.is_empty() {
        target.sub_journeys = step.sub_journeys.clone();
        inherited.sub_journey_paths = vec![path.to_owned(); step.sub_journeys.len()];
    }
    inherited.path = path.to_owned();
}

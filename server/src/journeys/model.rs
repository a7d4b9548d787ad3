//! The journey model: a user journey or sub-journey as B2C sees it from one policy file (the
//! same-Id journeys of the chain merged step by step), and what each step's technical profile
//! takes from and adds to the claims bag.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use syntax::view::ElementRef;
use syntax::TextRange;

use crate::index::profiles::{effective_profile, EffectiveProfile};
use crate::index::summary::{Located, Step, TechnicalProfileSummary};
use crate::index::{id_key, ids_match, Chain, FileData, SymbolKind, Workspace};

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
    /// The id as compared (lower-cased), for maps keyed by journey.
    pub key: Rc<str>,
    /// The id interned in the context that built the journey (for producers).
    pub sym: Sym,
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

/// Facts about one file that the index summary does not keep. Ordered maps, so that the
/// journey fingerprint of a file can hash them in a stable order.
#[derive(Debug, Default)]
pub struct FileExtras {
    /// Lower-cased journey id -> DefaultCpimIssuerTechnicalProfileReferenceId.
    pub default_issuers: BTreeMap<String, Located>,
    /// Lower-cased DisplayControl id -> (claims it collects or outputs, profiles its actions call).
    pub display_controls: BTreeMap<String, (Vec<String>, Vec<String>)>,
    /// Lower-cased TechnicalProfile id -> the display controls its DisplayClaims name.
    pub profile_display_controls: BTreeMap<String, Vec<String>>,
}

/// The extras of a file, computed once per version of it.
pub fn file_extras(file: &FileData) -> Arc<FileExtras> {
    file.memo("journeys::FileExtras", extras_of)
}

/// Reads the extras of a file in one walk over its elements: a UserJourney in UserJourneys, a
/// DisplayControl in DisplayControls, a TechnicalProfile in TechnicalProfiles. The walk is
/// over green views, which allocate nothing: this runs over each version of each file.
fn extras_of(file: &FileData) -> FileExtras {
    let mut extras = FileExtras::default();
    let Some(root) = ElementRef::root(&file.parse) else {
        return extras;
    };
    // (element, the local name of its parent element)
    let mut stack = vec![(root, "")];
    let mut children = Vec::new();
    while let Some((element, parent)) = stack.pop() {
        let name = element.local_name();
        // Children first, so that an element skipped below is still walked into.
        children.extend(element.child_elements());
        stack.extend(children.drain(..).rev().map(|child| (child, name)));
        match (name, parent) {
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
                        range: value.range(),
                    },
                );
            }
            ("DisplayControl", "DisplayControls") => {
                let Some(id) = element.attribute_value("Id") else {
                    continue;
                };
                let mut claims = Vec::new();
                let mut profiles = Vec::new();
                // The control itself and everything inside it, in document order.
                let mut inside = vec![element];
                while let Some(inner) = inside.pop() {
                    if let Some(claim) = inner.attribute_value("ClaimTypeReferenceId") {
                        claims.push(claim.trim().to_owned());
                    }
                    if let Some(tp) = inner.attribute_value("TechnicalProfileReferenceId") {
                        profiles.push(tp.trim().to_owned());
                    }
                    let start = inside.len();
                    inside.extend(inner.child_elements());
                    inside[start..].reverse();
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
                    .flat_map(|list| list.child_elements())
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

/// A string interned in one analysis context: journey, profile and transformation ids and
/// claim names are copied and compared as a number, and turned into text only for messages
/// and views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(u32);

/// A claim id as B2C compares it (trimmed and lower-cased), interned in one context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClaimKey(u32);

impl ClaimKey {
    /// The key of a blank claim id, which never enters the bag.
    pub const BLANK: ClaimKey = ClaimKey(0);
}

/// A claim id as written somewhere, interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// The text as written (untrimmed), as views show it.
    pub text: Sym,
    /// The trimmed text: the claim's name in the bag.
    pub name: Sym,
    pub key: ClaimKey,
}

/// The interner of a context.
struct Names {
    texts: Vec<Rc<str>>,
    syms: FxHashMap<Rc<str>, Sym>,
    /// The claim key of each string, once asked for: lower-casing allocates, so each
    /// spelling is lower-cased once per context.
    sym_keys: Vec<Option<ClaimKey>>,
    keys: Vec<Rc<str>>,
    key_ids: FxHashMap<Rc<str>, ClaimKey>,
}

impl Names {
    fn new() -> Names {
        let mut names = Names {
            texts: Vec::new(),
            syms: FxHashMap::default(),
            sym_keys: Vec::new(),
            keys: Vec::new(),
            key_ids: FxHashMap::default(),
        };
        // Sym(0) and ClaimKey::BLANK are the empty string.
        let empty = names.sym("");
        let blank = names.key(empty);
        debug_assert_eq!(blank, ClaimKey::BLANK);
        names
    }

    fn sym(&mut self, text: &str) -> Sym {
        if let Some(&sym) = self.syms.get(text) {
            return sym;
        }
        let sym = Sym(self.texts.len() as u32);
        let text: Rc<str> = Rc::from(text);
        self.texts.push(Rc::clone(&text));
        self.sym_keys.push(None);
        self.syms.insert(text, sym);
        sym
    }

    fn key(&mut self, sym: Sym) -> ClaimKey {
        if let Some(key) = self.sym_keys[sym.0 as usize] {
            return key;
        }
        let lower = id_key(&self.texts[sym.0 as usize]);
        let key = match self.key_ids.get(lower.as_str()) {
            Some(&key) => key,
            None => {
                let key = ClaimKey(self.keys.len() as u32);
                let lower: Rc<str> = Rc::from(lower);
                self.keys.push(Rc::clone(&lower));
                self.key_ids.insert(lower, key);
                key
            }
        };
        self.sym_keys[sym.0 as usize] = Some(key);
        key
    }

    fn claim(&mut self, text: &str) -> Claim {
        let text_sym = self.sym(text);
        let trimmed = text.trim();
        let name = if trimmed.len() == text.len() {
            text_sym
        } else {
            self.sym(trimmed)
        };
        Claim {
            text: text_sym,
            name,
            key: self.key(text_sym),
        }
    }
}

/// An input claim of a step's profile.
#[derive(Debug, Clone)]
pub struct ClaimTaken {
    /// The claim id as written.
    pub claim: Rc<str>,
    pub key: ClaimKey,
    pub required: bool,
    pub default_value: Option<Rc<str>>,
    /// Where the InputClaim is written.
    pub path: Rc<Path>,
    pub range: TextRange,
}

/// How a profile puts a claim into the bag (ids interned in the context).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    OutputClaim,
    InputTransformation(Sym),
    OutputTransformation(Sym),
    ValidationProfile(Sym),
    DisplayControl(Sym),
    /// An input claim of the relying party's own technical profile (e.g. from id_token_hint
    /// or a claim resolver).
    RelyingParty,
}

impl Via {
    pub fn describe(&self, ctx: &Context) -> String {
        match *self {
            Via::OutputClaim => "output claim".to_owned(),
            Via::InputTransformation(id) => {
                format!("input claims transformation {}", ctx.text(id))
            }
            Via::OutputTransformation(id) => {
                format!("output claims transformation {}", ctx.text(id))
            }
            Via::ValidationProfile(id) => format!("validation profile {}", ctx.text(id)),
            Via::DisplayControl(id) => format!("display control {}", ctx.text(id)),
            Via::RelyingParty => "relying party input claim".to_owned(),
        }
    }
}

/// A claim a profile adds to the bag.
#[derive(Debug, Clone, Copy)]
pub struct ClaimAdded {
    pub claim: Claim,
    pub via: Via,
    /// The OutputClaim's DefaultValue (trimmed), which the claim gets whatever the provider
    /// returns; `None` for a transformation's output.
    pub default_value: Option<Sym>,
}

/// What one technical profile (merged across chain and includes) takes and adds.
#[derive(Debug, Clone)]
pub struct ProfileClaims {
    /// The id as first asked for in the context.
    pub id: Rc<str>,
    pub sym: Sym,
    /// False when the chain defines no such profile.
    pub found: bool,
    /// The catalog's type id ("self-asserted", "rest", ...), when known.
    pub type_id: Option<&'static str>,
    pub takes: Vec<ClaimTaken>,
    pub adds: Vec<ClaimAdded>,
}

impl ProfileClaims {
    /// Whether the profile asks the user (its output claims are then collected by the step
    /// itself and may also be prefilled from its own input claims).
    pub fn collects_from_user(&self) -> bool {
        matches!(self.type_id, Some("self-asserted" | "phone-factor"))
    }

    /// Whether the profile fills its own input claim before it reads it: the page of a
    /// self-asserted profile collects it, or an input claims transformation outputs it.
    pub fn supplies_own_input(&self, key: ClaimKey) -> bool {
        self.adds.iter().any(|a| {
            a.claim.key == key
                && (self.collects_from_user() || matches!(a.via, Via::InputTransformation(_)))
        })
    }

    /// Whether the profile adds the claim.
    pub fn adds_claim(&self, key: ClaimKey) -> bool {
        self.adds.iter().any(|a| a.claim.key == key)
    }
}

/// A cache by id whose entries are shared by every spelling of the id (B2C ids ignore case):
/// looked up by the exact text first, so that only a spelling not seen before is lower-cased.
struct IdCache<T> {
    by_text: FxHashMap<String, T>,
    by_key: FxHashMap<String, T>,
}

impl<T> Default for IdCache<T> {
    fn default() -> Self {
        IdCache {
            by_text: FxHashMap::default(),
            by_key: FxHashMap::default(),
        }
    }
}

impl<T: Clone> IdCache<T> {
    fn get(&mut self, id: &str) -> Result<T, String> {
        if let Some(found) = self.by_text.get(id) {
            return Ok(found.clone());
        }
        let key = id_key(id);
        match self.by_key.get(&key) {
            Some(found) => {
                let found = found.clone();
                self.by_text.insert(id.to_owned(), found.clone());
                Ok(found)
            }
            None => Err(key),
        }
    }

    fn insert(&mut self, id: &str, key: String, value: T) {
        self.by_text.insert(id.to_owned(), value.clone());
        self.by_key.insert(key, value);
    }
}

/// One file of the chain, with what the analysis reads of it.
struct ChainFile {
    path: Rc<Path>,
    file: Option<Arc<FileData>>,
    extras: Option<Arc<FileExtras>>,
}

/// The analysis context of one policy file: the workspace seen from it, with caches.
pub struct Context<'w> {
    pub workspace: &'w Workspace,
    pub path: PathBuf,
    chain: Arc<Chain>,
    /// The files of the chain, the farthest ancestor first.
    files: Vec<ChainFile>,
    names: RefCell<Names>,
    /// Effective profiles by id (their content does not depend on the id's spelling).
    effective: RefCell<IdCache<Option<Arc<EffectiveProfile>>>>,
    /// Lower-cased metadata values of each profile (what it may select), `None` when the
    /// chain does not define it.
    selects: RefCell<IdCache<Option<Rc<[String]>>>>,
    /// Profile claims by id; the first spelling asked for names the profile in messages.
    profiles: RefCell<IdCache<Rc<ProfileClaims>>>,
    /// The output claims of each claims transformation.
    transformations: RefCell<IdCache<Rc<[Claim]>>>,
    journeys: RefCell<JourneyCache>,
    journey_ids: RefCell<FxHashMap<SymbolKind, Rc<[String]>>>,
}

/// Effective journeys by (kind, lower-cased id); `None` when the chain defines none.
type JourneyCache = FxHashMap<(SymbolKind, String), Option<Rc<EffectiveJourney>>>;

const MAX_DEPTH: usize = 16;

impl<'w> Context<'w> {
    pub fn new(workspace: &'w Workspace, path: &Path) -> Context<'w> {
        let chain = workspace.chain(path);
        let files = chain
            .files
            .iter()
            .rev()
            .map(|p| {
                let file = workspace.file(p);
                ChainFile {
                    path: Rc::from(p.as_path()),
                    extras: file.as_deref().map(file_extras),
                    file,
                }
            })
            .collect();
        Context {
            workspace,
            path: path.to_owned(),
            chain,
            files,
            names: RefCell::new(Names::new()),
            effective: RefCell::default(),
            selects: RefCell::default(),
            profiles: RefCell::default(),
            transformations: RefCell::default(),
            journeys: RefCell::default(),
            journey_ids: RefCell::default(),
        }
    }

    /// Whether the chain defines ClaimType `id` (ignoring case). A claim it does not define
    /// is reported as an undefined reference, and nothing else is said about it.
    pub fn defines_claim(&self, id: &str) -> bool {
        self.workspace
            .resolves(&self.path, SymbolKind::ClaimType, id)
            .is_some()
    }

    /// The chain of the file.
    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    /// Interns a string.
    pub fn sym(&self, text: &str) -> Sym {
        self.names.borrow_mut().sym(text)
    }

    /// The text of an interned string.
    pub fn text(&self, sym: Sym) -> Rc<str> {
        Rc::clone(&self.names.borrow().texts[sym.0 as usize])
    }

    /// The lower-cased text of a claim key.
    pub fn key_text(&self, key: ClaimKey) -> Rc<str> {
        Rc::clone(&self.names.borrow().keys[key.0 as usize])
    }

    /// Interns a claim id as written.
    pub fn claim(&self, text: &str) -> Claim {
        self.names.borrow_mut().claim(text)
    }

    /// The comparison key of a claim id.
    pub fn claim_key(&self, text: &str) -> ClaimKey {
        self.claim(text).key
    }

    /// The shared path of a file of the chain (other paths are allocated).
    fn shared_path(&self, path: &Path) -> Rc<Path> {
        self.files
            .iter()
            .find(|f| f.path.as_os_str() == path.as_os_str())
            .map_or_else(|| Rc::from(path), |f| Rc::clone(&f.path))
    }

    /// The journeys of `kind` visible from the file (ids as first written), base first.
    pub fn journey_ids(&self, kind: SymbolKind) -> Rc<[String]> {
        if let Some(ids) = self.journey_ids.borrow().get(&kind) {
            return Rc::clone(ids);
        }
        let mut out: Vec<String> = Vec::new();
        for file in self.files.iter().filter_map(|f| f.file.as_deref()) {
            for journey in file.summary.journeys.iter().filter(|j| j.kind == kind) {
                if !out.iter().any(|seen| ids_match(seen, &journey.id)) {
                    out.push(journey.id.clone());
                }
            }
        }
        let ids: Rc<[String]> = out.into();
        self.journey_ids.borrow_mut().insert(kind, Rc::clone(&ids));
        ids
    }

    /// The journey `id` of `kind` merged across the chain.
    pub fn journey(&self, kind: SymbolKind, id: &str) -> Option<Rc<EffectiveJourney>> {
        let key = (kind, id_key(id));
        if let Some(cached) = self.journeys.borrow().get(&key) {
            return cached.clone();
        }
        let journey = self.build_journey(kind, id, &key.1).map(Rc::new);
        self.journeys.borrow_mut().insert(key, journey.clone());
        journey
    }

    fn build_journey(&self, kind: SymbolKind, id: &str, key: &str) -> Option<EffectiveJourney> {
        let mut journey: Option<EffectiveJourney> = None;
        for chain_file in &self.files {
            let Some(file) = chain_file.file.as_deref() else {
                continue;
            };
            let path = &file.path;
            for part in file
                .summary
                .journeys
                .iter()
                .filter(|j| j.kind == kind && ids_match(&j.id, id))
            {
                let merged = journey.get_or_insert_with(|| EffectiveJourney {
                    kind,
                    id: part.id.clone(),
                    key: Rc::from(key),
                    sym: self.sym(&part.id),
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
                if let Some(issuer) = chain_file
                    .extras
                    .as_ref()
                    .and_then(|extras| extras.default_issuers.get(key))
                {
                    merged.default_cpim_issuer = Some(issuer.text.clone());
                }
                // A step of a more derived file amends the inherited step of the same
                // Order; steps of one file never amend each other (that is a duplicate).
                let inherited = merged.steps.len();
                for step in &part.steps {
                    let amended = step.order.and_then(|order| {
                        merged.steps[..inherited]
                            .iter()
                            .position(|s| s.path != *path && s.order() == Some(order))
                    });
                    match amended {
                        Some(i) => amend(&mut merged.steps[i], path, step),
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

    /// The technical profile `id` merged across the chain and its includes.
    pub fn effective(&self, id: &str) -> Option<Arc<EffectiveProfile>> {
        let key = match self.effective.borrow_mut().get(id) {
            Ok(found) => return found,
            Err(key) => key,
        };
        let profile = effective_profile(self.workspace, &self.path, id);
        self.effective.borrow_mut().insert(id, key, profile.clone());
        profile
    }

    /// The lower-cased metadata values of the profile `id` (the exchanges it may select, e.g.
    /// by SignUpTarget); `None` when the chain does not define it.
    pub fn selects(&self, id: &str) -> Option<Rc<[String]>> {
        let key = match self.selects.borrow_mut().get(id) {
            Ok(found) => return found,
            Err(key) => key,
        };
        let values: Option<Rc<[String]>> = self.effective(id).map(|profile| {
            profile
                .metadata
                .iter()
                .map(|item| id_key(&item.value.value))
                .collect()
        });
        self.selects.borrow_mut().insert(id, key, values.clone());
        values
    }

    /// What the technical profile `id` takes and adds, as seen from the file.
    pub fn profile(&self, id: &str) -> Rc<ProfileClaims> {
        let key = match self.profiles.borrow_mut().get(id) {
            Ok(found) => return found,
            Err(key) => key,
        };
        let mut visiting = Vec::new();
        let claims = Rc::new(self.build_profile(id, &mut visiting));
        self.profiles
            .borrow_mut()
            .insert(id, key, Rc::clone(&claims));
        claims
    }

    fn build_profile(&self, id: &str, visiting: &mut Vec<String>) -> ProfileClaims {
        let sym = self.sym(id);
        let mut claims = ProfileClaims {
            id: self.text(sym),
            sym,
            found: false,
            type_id: None,
            takes: Vec::new(),
            adds: Vec::new(),
        };
        let key = id_key(id);
        if visiting.contains(&key) || visiting.len() > MAX_DEPTH {
            return claims;
        }
        let Some(profile) = self.effective(id) else {
            return claims;
        };
        visiting.push(key);
        claims.found = true;
        claims.type_id = profile.technical_type().map(|t| t.id);
        for input in &profile.input_claims {
            let claim = self.claim(&input.value.claim);
            claims.takes.push(ClaimTaken {
                claim: self.text(claim.text),
                key: claim.key,
                required: input.value.required,
                default_value: input.value.default_value.as_deref().map(Rc::from),
                path: self.shared_path(&input.path),
                range: input.value.range,
            });
        }
        for transformation in &profile.input_transformations {
            let id = &transformation.value.text;
            let via = Via::InputTransformation(self.sym(id));
            for &claim in self.transformation_outputs(id).iter() {
                claims.adds.push(ClaimAdded {
                    claim,
                    via,
                    default_value: None,
                });
            }
        }
        for output in &profile.output_claims {
            claims.adds.push(ClaimAdded {
                claim: self.claim(&output.value.claim),
                via: Via::OutputClaim,
                default_value: output
                    .value
                    .default_value
                    .as_deref()
                    .map(|d| self.sym(d.trim())),
            });
        }
        for transformation in &profile.output_transformations {
            let id = &transformation.value.text;
            let via = Via::OutputTransformation(self.sym(id));
            for &claim in self.transformation_outputs(id).iter() {
                claims.adds.push(ClaimAdded {
                    claim,
                    via,
                    default_value: None,
                });
            }
        }
        // What validation profiles and display controls output is scoped to the profile in
        // B2C's documentation, but real policies lean on it; counting it keeps the checks
        // from raising false alarms.
        for validation in &profile.validation_profiles {
            let id = &validation.value.text;
            let inner = self.build_profile(id, visiting);
            let via = Via::ValidationProfile(self.sym(id));
            claims
                .adds
                .extend(inner.adds.iter().map(|a| ClaimAdded { via, ..*a }));
        }
        for control in self.display_controls(&profile) {
            let Some((control_claims, control_profiles)) = self.display_control(&control) else {
                continue;
            };
            let via = Via::DisplayControl(self.sym(&control));
            for claim in &control_claims {
                claims.adds.push(ClaimAdded {
                    claim: self.claim(claim),
                    via,
                    default_value: None,
                });
            }
            for id in &control_profiles {
                let inner = self.build_profile(id, visiting);
                claims
                    .adds
                    .extend(inner.adds.iter().map(|a| ClaimAdded { via, ..*a }));
            }
        }
        visiting.pop();
        claims
    }

    /// The display controls the profile's DisplayClaims name, across its parts and includes.
    fn display_controls(&self, profile: &EffectiveProfile) -> Vec<String> {
        let keys: Vec<String> = std::iter::once(&profile.id)
            .chain(&profile.includes)
            .map(|id| id_key(id))
            .collect();
        let mut out = Vec::new();
        for extras in self.files.iter().filter_map(|f| f.extras.as_deref()) {
            for key in &keys {
                if let Some(controls) = extras.profile_display_controls.get(key) {
                    out.extend(controls.iter().cloned());
                }
            }
        }
        out
    }

    /// The display control `id` of the nearest file of the chain that defines it.
    fn display_control(&self, id: &str) -> Option<(Vec<String>, Vec<String>)> {
        let key = id_key(id);
        self.files
            .iter()
            .rev()
            .filter_map(|f| f.extras.as_deref())
            .find_map(|extras| extras.display_controls.get(&key).cloned())
    }

    /// The output claims of a claims transformation, as seen from the file.
    fn transformation_outputs(&self, id: &str) -> Rc<[Claim]> {
        let key = match self.transformations.borrow_mut().get(id) {
            Ok(found) => return found,
            Err(key) => key,
        };
        let mut outputs: Rc<[Claim]> = Rc::new([]);
        for resolved in self
            .workspace
            .resolve(&self.path, SymbolKind::ClaimsTransformation, id)
        {
            let Some(file) = self.workspace.file(&resolved.path) else {
                continue;
            };
            if let Some(ct) = file.summary.transformation(id) {
                outputs = ct
                    .output_claims
                    .iter()
                    .map(|c| self.claim(&c.claim))
                    .collect();
                break;
            }
        }
        self.transformations
            .borrow_mut()
            .insert(id, key, Rc::clone(&outputs));
        outputs
    }

    /// The relying party of the file itself, with its own technical profile.
    pub fn relying_party(&self) -> Option<RelyingParty> {
        relying_party_of(self.workspace, &self.path)
    }
}

/// The relying party of the file at `path`, with its own technical profile.
pub fn relying_party_of(workspace: &Workspace, path: &Path) -> Option<RelyingParty> {
    let file = workspace.file(path)?;
    let rp = file.summary.relying_party.as_ref()?;
    let default_journey = rp.default_journey.clone();
    let profile_index = file
        .summary
        .technical_profiles
        .iter()
        .position(|tp| tp.in_relying_party);
    Some(RelyingParty {
        path: path.to_owned(),
        default_journey,
        file,
        profile_index,
    })
}

/// A RelyingParty element.
#[derive(Debug, Clone)]
pub struct RelyingParty {
    pub path: PathBuf,
    pub default_journey: Option<Located>,
    file: Arc<FileData>,
    profile_index: Option<usize>,
}

impl RelyingParty {
    /// Its own TechnicalProfile (InputClaims, OutputClaims).
    pub fn profile(&self) -> Option<&TechnicalProfileSummary> {
        self.profile_index
            .map(|i| &self.file.summary.technical_profiles[i])
    }

    /// The claims the relying party's own profile puts into the bag before the first step.
    pub fn input_claims(&self) -> impl Iterator<Item = &str> {
        self.profile()
            .into_iter()
            .flat_map(|p| p.input_claims.iter().map(|c| c.claim.as_str()))
    }
}

/// Which reference of a step names a profile it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileSource {
    /// The ClaimsExchange at this index of the step's exchanges.
    Exchange(usize),
    /// The step's CpimIssuerTechnicalProfileReferenceId.
    Issuer,
    /// The journey's DefaultCpimIssuerTechnicalProfileReferenceId (for SendClaims).
    DefaultIssuer,
}

impl ProfileSource {
    /// The ClaimsExchange Id; `None` for an issuer.
    pub fn exchange<'a>(&self, step: &'a EffectiveStep) -> Option<&'a str> {
        match *self {
            ProfileSource::Exchange(i) => step.step.exchanges.get(i).map(|x| x.id.text.as_str()),
            _ => None,
        }
    }

    /// Where the step names the profile (not for a journey's default issuer).
    pub fn reference<'a>(&self, step: &'a EffectiveStep) -> Option<(&'a Path, TextRange)> {
        match *self {
            ProfileSource::Exchange(i) => {
                let tp = step.step.exchanges.get(i)?.technical_profile.as_ref()?;
                Some((step.exchange_paths.get(i)?.as_path(), tp.range))
            }
            ProfileSource::Issuer => {
                let issuer = step.step.cpim_issuer.as_ref()?;
                Some((step.cpim_issuer_path.as_path(), issuer.range))
            }
            ProfileSource::DefaultIssuer => None,
        }
    }
}

/// A technical profile a step runs.
#[derive(Debug, Clone, Copy)]
pub struct StepProfile<'a> {
    pub source: ProfileSource,
    pub profile: &'a str,
}

/// The profiles a step runs: its ClaimsExchanges, or its CpimIssuer for GetClaims/SendClaims
/// (SendClaims falls back to the journey's default issuer).
pub fn step_profiles<'a>(
    journey: &'a EffectiveJourney,
    step: &'a EffectiveStep,
) -> Vec<StepProfile<'a>> {
    let mut out: Vec<StepProfile> = Vec::new();
    if step.runs_exchanges() {
        for (i, x) in step.step.exchanges.iter().enumerate() {
            if i < step.exchange_paths.len() {
                if let Some(tp) = &x.technical_profile {
                    out.push(StepProfile {
                        source: ProfileSource::Exchange(i),
                        profile: &tp.text,
                    });
                }
            }
        }
    }
    if let Some(issuer) = step
        .step
        .cpim_issuer
        .as_ref()
        .filter(|_| step.runs_issuer())
    {
        out.push(StepProfile {
            source: ProfileSource::Issuer,
            profile: &issuer.text,
        });
    } else if step.is("SendClaims") {
        if let Some(issuer) = &journey.default_cpim_issuer {
            out.push(StepProfile {
                source: ProfileSource::DefaultIssuer,
                profile: issuer,
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

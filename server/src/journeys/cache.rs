//! Reuse of a file's journey diagnostics while the files they depend on do not change in a
//! way that matters to journeys. The language server re-diagnoses the edited file and every
//! file whose chain includes it on each keystroke; an edit in a base policy that leaves its
//! journeys, profiles and transformations as they were (a DisplayName, a localized string,
//! a comment) then recomputes the base's own findings only.
//!
//! A file's findings depend on: the file itself (the cache lives on its version of the
//! file, so any edit of it recomputes), its chain, what its ancestors define (their journey
//! fingerprint) and its descendants: their relying parties' DefaultUserJourney and input
//! claims seed the bags of the journeys they run, and the run-time path rule judges a journey
//! as each relying party's chain amends it (their journey fingerprint).
//!
//! The fingerprint leaves out text ranges, so that an edit that only shifts offsets keeps
//! it. A finding's own range is in the file itself, but its related locations may point into
//! an ancestor; those are moved to the same element of the new version of the ancestor: the
//! fingerprint walks the same elements in the same order whenever it is equal, so the n-th
//! anchor range of the old version and the n-th of the new one are the same element.

use std::hash::{Hash, Hasher};

/// Fingerprints hash a lot of short strings per file version: FxHash does that several times
/// faster than SipHash, and 64 bits keep accidental collisions out of reach.
type DefaultHasher = rustc_hash::FxHasher;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use syntax::TextRange;

use crate::diagnostic::Diagnostic;
use crate::index::summary::{ClaimUse, Located};
use crate::index::{Chain, FileData, Workspace};

use super::model::file_extras;

/// What journeys depend on in one file, without ranges.
#[derive(Debug)]
pub struct Fingerprint {
    /// Definitions, technical profiles, transformations, journeys, relying party and the
    /// extras (default issuers, display controls).
    journeys: u64,
    /// The PolicyId, the relying party's DefaultUserJourney and its profile's input claims:
    /// what a file contributes to the journeys of its ancestors.
    relying_party: u64,
    /// The ranges related locations of findings can point at (journey ids, step Orders,
    /// input claims of technical profiles), in a fixed walk order.
    anchors: Vec<TextRange>,
}

/// The fingerprint of a file, computed once per version of it.
pub fn fingerprint(file: &FileData) -> Arc<Fingerprint> {
    file.memo("journeys::Fingerprint", compute_fingerprint)
}

fn located(value: &Option<Located>, h: &mut DefaultHasher) {
    value.as_ref().map(|v| v.text.as_str()).hash(h);
}

fn texts(values: &[Located], h: &mut DefaultHasher) {
    values.len().hash(h);
    for value in values {
        value.text.hash(h);
    }
}

fn claims(values: &[ClaimUse], h: &mut DefaultHasher) {
    values.len().hash(h);
    for claim in values {
        claim.claim.hash(h);
        claim.default_value.hash(h);
        claim.required.hash(h);
        located(&claim.transformation_claim_type, h);
    }
}

fn compute_fingerprint(file: &FileData) -> Fingerprint {
    let summary = &file.summary;
    let mut anchors = Vec::new();
    let h = &mut DefaultHasher::default();

    summary.definitions.len().hash(h);
    for d in &summary.definitions {
        d.kind.hash(h);
        d.id.hash(h);
        d.scope.hash(h);
        d.step_order.hash(h);
    }

    summary.technical_profiles.len().hash(h);
    for tp in &summary.technical_profiles {
        tp.id.hash(h);
        tp.in_relying_party.hash(h);
        located(&tp.protocol, h);
        located(&tp.handler, h);
        tp.input_token_format.hash(h);
        tp.output_token_format.hash(h);
        located(&tp.include, h);
        tp.metadata.len().hash(h);
        for item in &tp.metadata {
            item.key.hash(h);
            item.value.hash(h);
        }
        claims(&tp.input_claims, h);
        claims(&tp.output_claims, h);
        claims(&tp.persisted_claims, h);
        claims(&tp.display_claims, h);
        texts(&tp.input_transformations, h);
        texts(&tp.output_transformations, h);
        texts(&tp.validation_profiles, h);
        anchors.extend(tp.input_claims.iter().map(|c| c.range));
    }

    summary.transformations.len().hash(h);
    for ct in &summary.transformations {
        ct.id.hash(h);
        claims(&ct.input_claims, h);
        claims(&ct.output_claims, h);
    }

    summary.journeys.len().hash(h);
    for journey in &summary.journeys {
        journey.kind.hash(h);
        journey.id.hash(h);
        journey.sub_journey_type.hash(h);
        anchors.push(journey.id_range);
        journey.steps.len().hash(h);
        for step in &journey.steps {
            step.order.hash(h);
            located(&step.step_type, h);
            located(&step.cpim_issuer, h);
            located(&step.content_definition, h);
            step.preconditions.len().hash(h);
            for p in &step.preconditions {
                p.kind.hash(h);
                p.execute_actions_if.hash(h);
                texts(&p.values, h);
                p.action.hash(h);
            }
            texts(&step.selections, h);
            step.exchanges.len().hash(h);
            for x in &step.exchanges {
                x.id.text.hash(h);
                located(&x.technical_profile, h);
            }
            texts(&step.sub_journeys, h);
            anchors.push(step.order_range);
        }
    }

    match &summary.relying_party {
        Some(rp) => {
            true.hash(h);
            located(&rp.default_journey, h);
            claims(&rp.output_claims, h);
        }
        None => false.hash(h),
    }

    let extras = file_extras(file);
    extras.default_issuers.len().hash(h);
    for (key, issuer) in &extras.default_issuers {
        key.hash(h);
        issuer.text.hash(h);
    }
    extras.display_controls.hash(h);
    extras.profile_display_controls.hash(h);

    let journeys = h.finish();

    let h = &mut DefaultHasher::default();
    // The path rule names the relying party whose chain it judged by its PolicyId.
    located(&summary.policy_id, h);
    summary
        .relying_party
        .as_ref()
        .map(|rp| rp.default_journey.as_ref().map(|j| j.text.as_str()))
        .hash(h);
    for tp in summary
        .technical_profiles
        .iter()
        .filter(|tp| tp.in_relying_party)
    {
        claims(&tp.input_claims, h);
    }
    Fingerprint {
        journeys,
        relying_party: h.finish(),
        anchors,
    }
}

/// The journey findings of one version of a file and what they were computed from.
struct Entry {
    chain: Arc<Chain>,
    /// The fingerprints of the ancestors, nearest first (`None` for a file not loaded).
    ancestors: Vec<Option<Arc<Fingerprint>>>,
    /// The other files whose chain includes this one, with the hash of their relying party and
    /// journey fingerprints.
    dependents: Vec<(PathBuf, u64)>,
    diagnostics: Vec<Diagnostic>,
}

type Slot = Mutex<Option<Entry>>;

/// Every journey finding of the file at `path`.
pub fn journey_diagnostics(workspace: &Workspace, path: &Path) -> Vec<Diagnostic> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    let summary = &file.summary;
    if summary.journeys.is_empty()
        && summary.technical_profiles.is_empty()
        && summary.relying_party.is_none()
    {
        // Nothing to find (and nothing worth remembering).
        return Vec::new();
    }
    let slot: Arc<Slot> = file.memo("journeys::diagnostics", |_| Mutex::new(None));
    let chain = workspace.chain(path);
    let ancestors: Vec<Option<Arc<Fingerprint>>> = chain
        .files
        .iter()
        .skip(1)
        .map(|p| workspace.file(p).map(|f| fingerprint(&f)))
        .collect();
    let dependents: Vec<(PathBuf, u64)> = workspace
        .dependents(path)
        .into_iter()
        .filter(|p| p.as_path() != path)
        .map(|p| {
            let hash = workspace.file(&p).map_or(0, |f| {
                let fingerprint = fingerprint(&f);
                let h = &mut DefaultHasher::default();
                (fingerprint.relying_party, fingerprint.journeys).hash(h);
                h.finish()
            });
            (p, hash)
        })
        .collect();

    if let Ok(mut slot) = slot.lock() {
        if let Some(entry) = slot.as_mut() {
            if let Some(diagnostics) = reuse(entry, &chain, &ancestors, &dependents) {
                entry.ancestors = ancestors;
                entry.diagnostics = diagnostics.clone();
                return diagnostics;
            }
        }
    }

    let diagnostics = super::check::compute(workspace, path);
    if let Ok(mut slot) = slot.lock() {
        *slot = Some(Entry {
            chain,
            ancestors,
            dependents,
            diagnostics: diagnostics.clone(),
        });
    }
    diagnostics
}

/// The entry's findings if they still hold, with related locations in ancestors that
/// changed moved to the new versions; `None` when they must be recomputed.
fn reuse(
    entry: &Entry,
    chain: &Arc<Chain>,
    ancestors: &[Option<Arc<Fingerprint>>],
    dependents: &[(PathBuf, u64)],
) -> Option<Vec<Diagnostic>> {
    if *entry.chain != **chain
        || entry.dependents != dependents
        || entry.ancestors.len() != ancestors.len()
    {
        return None;
    }
    // The ancestors whose version changed: (path, old fingerprint, new fingerprint).
    let mut moved: Vec<(&Path, &Fingerprint, &Fingerprint)> = Vec::new();
    for ((old, new), path) in entry.ancestors.iter().zip(ancestors).zip(&chain.files[1..]) {
        match (old, new) {
            (None, None) => {}
            (Some(old), Some(new)) if Arc::ptr_eq(old, new) => {}
            (Some(old), Some(new))
                if old.journeys == new.journeys && old.anchors.len() == new.anchors.len() =>
            {
                moved.push((path, old, new));
            }
            _ => return None,
        }
    }
    let mut diagnostics = entry.diagnostics.clone();
    if moved.is_empty() {
        return Some(diagnostics);
    }
    for related in diagnostics.iter_mut().flat_map(|d| d.related.iter_mut()) {
        let Some((_, old, new)) = moved.iter().find(|(p, _, _)| *p == related.path) else {
            continue;
        };
        // An anchor the old version holds more than once cannot be told apart: recompute.
        let mut at = old
            .anchors
            .iter()
            .enumerate()
            .filter(|(_, r)| **r == related.range)
            .map(|(i, _)| i);
        let (Some(i), None) = (at.next(), at.next()) else {
            return None;
        };
        related.range = *new.anchors.get(i)?;
        #[cfg(test)]
        tests::MOVED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    Some(diagnostics)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// How many related locations were moved to a new version of an ancestor.
    pub(super) static MOVED: AtomicUsize = AtomicUsize::new(0);

    /// Edits each file of a policy set at many offsets (inserting a character that may shift
    /// offsets only, change an id, or break the XML) and checks that every affected file's
    /// cached findings equal freshly computed ones.
    fn check_edits(roots: &[PathBuf], bases: &[PathBuf], edits_per_file: usize) -> usize {
        let (workspace, _, _) = crate::cli::load(roots, bases).expect("loads");
        let paths = workspace.all_paths();
        let mut compared = 0;
        for path in &paths {
            let Some(file) = workspace.file(path) else {
                continue;
            };
            let original: Arc<str> = Arc::clone(&file.text);
            let base_only = file.base_only;
            let step = (original.len() / edits_per_file).max(1);
            for (n, at) in (0..original.len()).step_by(step).enumerate() {
                if !original.is_char_boundary(at) {
                    continue;
                }
                // Fill every cache before the edit.
                for p in &paths {
                    super::journey_diagnostics(&workspace, p);
                }
                let mut text = original.to_string();
                text.insert(at, if n % 3 == 0 { 'x' } else { ' ' });
                workspace.set_file(path.clone(), Arc::from(text), base_only);
                for p in &paths {
                    let cached = super::journey_diagnostics(&workspace, p);
                    let fresh = crate::journeys::check::compute(&workspace, p);
                    assert_eq!(
                        cached,
                        fresh,
                        "{} after an edit of {} at {at}",
                        p.display(),
                        path.display()
                    );
                    compared += 1;
                }
                workspace.set_file(path.clone(), Arc::clone(&original), base_only);
            }
        }
        compared
    }

    #[test]
    fn cached_findings_equal_fresh_ones_after_edits() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/journeys");
        for fixture in ["claim-flow", "steps", "sub-journeys", "relying-party-input"] {
            assert!(check_edits(&[data.join(fixture)], &[], 60) > 0);
        }
        // Paths are judged in the chains of the relying parties built on the base: an edit of
        // the extensions file (which sets a DefaultValue the paths depend on) or of a relying
        // party must reach the base's findings.
        let paths = data.join("../rules/claim-not-produced-on-path");
        for set in ["invalid", "valid"] {
            assert!(check_edits(&[paths.join(set)], &[], 40) > 0);
        }
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
        let mfa = corpus.join("starterpack/SocialAndLocalAccountsWithMfa");
        let samples = corpus.join("samples");
        if mfa.is_dir() && samples.is_dir() {
            assert!(check_edits(std::slice::from_ref(&mfa), &[], 12) > 0);
            // Its claim-not-produced finding points at a step of the MFA base.
            let sms = samples.join("custom-sms-displaycontrol");
            assert!(check_edits(&[sms], std::slice::from_ref(&mfa), 12) > 0);
        }
        // Some edits only shifted the elements that findings point at in an ancestor.
        assert!(MOVED.load(Ordering::Relaxed) > 0);
    }
}

//! References by id: undefined (with a did-you-mean), differing only in case, an
//! IncludeClaimsFromTechnicalProfile into another file, a ClaimsExchange of no later step.

use std::path::Path;

use syntax::TextRange;

use crate::index::summary::Summary;
use crate::index::{id_key, ReferenceScope, ReferenceSite, SymbolKind, Workspace};

use super::{Diagnostic, DiagnosticCode};

pub(super) fn check(
    workspace: &Workspace,
    path: &Path,
    summary: &Summary,
    out: &mut Vec<Diagnostic>,
) {
    let chain = workspace.chain(path);
    let policy = summary
        .policy_id
        .as_ref()
        .map_or("this policy", |p| p.text.as_str());
    // A did-you-mean looks through every definition of the kind in the chain; a file of
    // thousands of undefined references gets one for its first few only, so that the whole
    // stays linear.
    let mut suggestions_left = MAX_SUGGESTIONS;
    for reference in &summary.references {
        match &reference.scope {
            ReferenceScope::Chain if reference.kind == SymbolKind::Policy => {}
            ReferenceScope::Chain => {
                let status = workspace.resolves(path, reference.kind, &reference.id);
                let found = match status {
                    Some(true) => continue,
                    Some(false) => workspace.resolve(path, reference.kind, &reference.id),
                    None => Vec::new(),
                };
                if let Some(near) = found.first() {
                    let diagnostic = Diagnostic::new(reference.range, DiagnosticCode::CaseMismatch,
                        format!(
                            "\"{}\" differs in case from the {} \"{}\"; B2C matches ids ignoring case, but one spelling reads better",
                            reference.id,
                            reference.kind.element_name(),
                            near.definition.id
                        ),
                    );
                    out.push(diagnostic.with_related(
                        &near.path,
                        near.definition.id_range,
                        "defined here",
                    ));
                } else if chain.is_complete()
                    && !(reference.site.resolved_at_run_time()
                        && workspace.defined_below(path, reference.kind, &reference.id))
                {
                    out.push(undefined_with_suggestion(
                        workspace,
                        path,
                        policy,
                        reference,
                        &mut suggestions_left,
                    ));
                }
            }
            ReferenceScope::SameFile => {
                if summary
                    .lookup(reference.kind, &reference.id)
                    .next()
                    .is_none()
                {
                    let elsewhere = workspace.resolve(path, reference.kind, &reference.id);
                    if let Some(other) = elsewhere.iter().find(|r| r.path != path) {
                        let diagnostic = Diagnostic::new(reference.range, DiagnosticCode::IncludeClaimsOtherFile,
                            format!(
                                "IncludeClaimsFromTechnicalProfile must name a TechnicalProfile of this same file; \"{}\" is defined in another policy",
                                reference.id
                            ),
                        );
                        out.push(diagnostic.with_related(
                            &other.path,
                            other.definition.id_range,
                            "defined here",
                        ));
                    } else if chain.is_complete() {
                        out.push(undefined_with_suggestion(
                            workspace,
                            path,
                            policy,
                            reference,
                            &mut suggestions_left,
                        ));
                    }
                }
            }
            ReferenceScope::LaterStepOf {
                journey,
                order,
                same_step,
            } => {
                let journey_key = id_key(journey);
                let targets = workspace.resolve(path, SymbolKind::ClaimsExchange, &reference.id);
                let later = targets.iter().any(|t| {
                    t.definition.scope.as_deref().map(id_key).as_deref()
                        == Some(journey_key.as_str())
                        && t.definition
                            .step_order
                            .is_some_and(|o| o > *order || (*same_step && o == *order))
                });
                if !later && chain.is_complete() {
                    out.push(Diagnostic::new(reference.range, DiagnosticCode::UndefinedClaimsExchange,
                        format!(
                            "the claims provider selection in step {order} of journey \"{journey}\" names ClaimsExchange \"{}\", \
                             but no {} step of that journey has a ClaimsExchange with this id",
                            reference.id,
                            if *same_step { "later or same" } else { "later" }
                        ),
                    ));
                }
            }
        }
    }
}

fn undefined(
    policy: &str,
    kind: SymbolKind,
    id: &str,
    range: TextRange,
    site: ReferenceSite,
) -> Diagnostic {
    if site == ReferenceSite::LocalizedElement {
        // B2C accepts strings for elements no policy defines, and localization packs ship
        // strings for claims a set may not use (one working sample has 98): dead text, said
        // as information.
        return Diagnostic::new(range, DiagnosticCode::LocalizedUnknownElement,
            format!(
                "this localized string is for {} \"{id}\", which neither policy \"{policy}\", its base policies nor any policy built on it defines; it is never shown",
                kind.element_name()
            ),
        );
    }
    if site == ReferenceSite::MetadataValue {
        // Uploads accept any text here; a relying party whose chain lacks the definition
        // fails only when a journey runs the profile.
        return Diagnostic::new(range, DiagnosticCode::MetadataReferenceUndefined,
            format!(
                "this metadata item names {} \"{id}\", which neither policy \"{policy}\", its base policies nor any policy built on it defines; a journey that runs the profile fails",
                kind.element_name()
            ),
        );
    }
    if site == ReferenceSite::PreconditionClaim {
        return Diagnostic::new(range, DiagnosticCode::PreconditionUnknownClaim,
            format!(
                "the precondition tests ClaimType \"{id}\", but neither policy \"{policy}\" nor its base policies define it, so the test never sees a value"
            ),
        );
    }
    Diagnostic::new(
        range,
        kind.undefined_code(),
        format!(
            "{} \"{id}\" is not defined: neither policy \"{policy}\" nor its base policies define it",
            kind.element_name()
        ),
    )
}

/// The definition of `kind` in the chain of `path` whose id is nearest to `id` (ignoring
/// case), when it is near enough to be a misspelling: a did-you-mean.
pub fn nearest_definition(
    workspace: &Workspace,
    path: &Path,
    kind: SymbolKind,
    id: &str,
) -> Option<(std::path::PathBuf, crate::index::Definition)> {
    let wanted = id.trim().to_lowercase();
    let length = wanted.chars().count();
    // Short ids tolerate one edit (a swap of two neighbours is one), longer ones up to a
    // quarter of their length (at most 3).
    let limit = (length / 4).clamp(1, 3);
    let chain = workspace.chain(path);
    let mut best: Option<(usize, std::path::PathBuf, crate::index::Definition)> = None;
    for file_path in &chain.files {
        let Some(file) = workspace.file(file_path) else {
            continue;
        };
        for definition in file.summary.definitions.iter().filter(|d| d.kind == kind) {
            // Ids whose lengths differ by more than the limit are that many edits apart.
            if definition.id.len().abs_diff(wanted.len()) > limit * 4
                || definition.id.chars().count().abs_diff(length) > limit
            {
                continue;
            }
            let distance = strsim::osa_distance(&definition.id.to_lowercase(), &wanted);
            if distance == 0 || distance > limit {
                continue;
            }
            if best.as_ref().is_none_or(|(d, _, _)| distance < *d) {
                best = Some((distance, file_path.clone(), definition.clone()));
            }
        }
    }
    best.map(|(_, path, definition)| (path, definition))
}

/// An undefined reference, with a did-you-mean when a definition of the chain is spelt nearly
/// the same: in the message and as a related location.
/// How many undefined references of one file get a did-you-mean.
const MAX_SUGGESTIONS: usize = 50;

fn undefined_with_suggestion(
    workspace: &Workspace,
    path: &Path,
    policy: &str,
    reference: &crate::index::Reference,
    suggestions_left: &mut usize,
) -> Diagnostic {
    let diagnostic = undefined(
        policy,
        reference.kind,
        &reference.id,
        reference.range,
        reference.site,
    );
    if *suggestions_left == 0 {
        return diagnostic;
    }
    *suggestions_left -= 1;
    match nearest_definition(workspace, path, reference.kind, &reference.id) {
        Some((found_in, definition)) => {
            let mut diagnostic = diagnostic;
            diagnostic.message = format!(
                "{}; did you mean \"{}\"?",
                diagnostic.message, definition.id
            );
            diagnostic.with_related(&found_in, definition.id_range, "the nearest definition")
        }
        None => diagnostic,
    }
}

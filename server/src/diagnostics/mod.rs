//! Diagnostics of one policy file in the context of its chain: syntax errors, undefined and
//! case-mismatched references, duplicates, BasePolicy and include problems.

mod suppression;

use std::path::Path;

use syntax::TextRange;

use crate::index::summary::Precondition;
use crate::index::{id_key, ReferenceScope, ReferenceSite, SymbolKind, Workspace};

pub use crate::diagnostic::{Diagnostic, DiagnosticCode, Related, Severity};

/// Every diagnostic of the file at `path`, sorted by position.
pub fn file_diagnostics(workspace: &Workspace, path: &Path) -> Vec<Diagnostic> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    let summary = &file.summary;
    let mut out: Vec<Diagnostic> = file
        .parse
        .errors()
        .iter()
        .map(|e| Diagnostic::new(e.range, DiagnosticCode::SyntaxError, e.message.clone()))
        .collect();
    if summary.policy_id.is_none() {
        out.push(Diagnostic::new(summary.root_name_range, DiagnosticCode::MissingPolicyId,
            "the policy has no PolicyId: B2C cannot store it, and no other policy can name it as its base".to_owned(),
        ));
    }
    let chain = workspace.chain(path);
    if let (Some(base), Some(missing)) = (&summary.base_policy, &chain.missing_base) {
        let message = if chain.files.len() == 1 {
            format!(
                "base policy \"{missing}\" is not in the workspace, so references into it are not checked; \
                 add the folder that holds it as a base location (`--base DIR`, or the `basePaths` setting)"
            )
        } else {
            format!(
                "an ancestor of this policy names base policy \"{missing}\", which is not in the workspace, \
                 so references into it are not checked; add its folder as a base location"
            )
        };
        out.push(Diagnostic::new(
            base.range,
            DiagnosticCode::BasePolicyMissing,
            message,
        ));
    }
    if let (Some(base), Some(candidates)) = (&summary.base_policy, chain.ambiguous.as_ref()) {
        let mut diagnostic = Diagnostic::new(base.range, DiagnosticCode::BasePolicyAmbiguous,
            format!(
                "{} files equally near this one claim PolicyId \"{}\"; references into the base are not checked. \
                 Open the intended policy set on its own, or move the files so that one base is nearest",
                candidates.len(),
                base.text
            ),
        );
        for candidate in candidates {
            if let Some(f) = workspace.file(candidate) {
                if let Some(id) = &f.summary.policy_id {
                    diagnostic.related.push(Related {
                        path: candidate.clone(),
                        range: id.range,
                        message: "a candidate".to_owned(),
                    });
                }
            }
        }
        out.push(diagnostic);
    }
    if chain.cycle {
        if let Some(base) = &summary.base_policy {
            let mut diagnostic = Diagnostic::new(
                base.range,
                DiagnosticCode::BasePolicyCycle,
                format!(
                    "the BasePolicy chain starting here comes back to itself through \"{}\"",
                    base.text
                ),
            );
            for ancestor in chain.files.iter().skip(1) {
                if let Some(f) = workspace.file(ancestor) {
                    if let Some(b) = &f.summary.base_policy {
                        diagnostic.related.push(Related {
                            path: ancestor.clone(),
                            range: b.range,
                            message: format!("which extends \"{}\"", b.text),
                        });
                    }
                }
            }
            out.push(diagnostic);
        }
    }
    for finding in &summary.local_findings {
        out.push(Diagnostic {
            range: finding.range,
            severity: finding.code.severity(),
            code: finding.code,
            message: finding.message.clone(),
            related: finding
                .related
                .iter()
                .map(|(range, message)| Related {
                    path: path.to_owned(),
                    range: *range,
                    message: message.clone(),
                })
                .collect(),
        });
    }
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
    subject_naming(summary, &mut out);
    for precondition in &summary.preconditions {
        literal_that_names_a_claim(workspace, path, precondition, &mut out);
    }
    include_cycles(workspace, path, &mut out);
    out.extend(crate::ide::setting_diagnostics(workspace, path, &file.text));
    out.extend(crate::journeys::journey_diagnostics(workspace, path));
    out.extend(crate::ide::catalog_diagnostics(workspace, path));
    out.extend(crate::rules::upload_diagnostics(workspace, path));
    suppression::apply(&file, &mut out);
    if let Some(Ok(config)) = workspace.configs.for_file(path) {
        config.apply(&mut out);
    }
    out.sort_by_key(|d| (d.range.start(), d.range.end(), d.code.as_str()));
    out
}

/// `SubjectNamingInfo@ClaimType` names one of the relying party's own output claims by the name
/// it has in the token: its PartnerClaimType, or its ClaimTypeReferenceId when it has none.
fn subject_naming(summary: &crate::index::summary::Summary, out: &mut Vec<Diagnostic>) {
    let Some(rp) = &summary.relying_party else {
        return;
    };
    let Some(subject) = &rp.subject_naming else {
        return;
    };
    let name = subject.text.trim();
    if name.is_empty() || name.contains('{') {
        return;
    }
    let token_name = |claim: &crate::index::summary::ClaimUse| {
        claim
            .partner_claim_type
            .clone()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| claim.claim.trim().to_owned())
    };
    if rp
        .output_claims
        .iter()
        .any(|c| token_name(c).eq_ignore_ascii_case(name))
    {
        return;
    }
    out.push(Diagnostic::new(subject.range, DiagnosticCode::SubjectNotOutput,
        format!(
            "SubjectNamingInfo names \"{name}\", but no output claim of the relying party has that name in the token (its PartnerClaimType, or its ClaimTypeReferenceId when it has none); the token gets no subject"
        ),
    ));
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

fn literal_that_names_a_claim(
    workspace: &Workspace,
    path: &Path,
    precondition: &Precondition,
    out: &mut Vec<Diagnostic>,
) {
    if precondition.kind != "ClaimEquals" {
        return;
    }
    let Some(second) = precondition.values.get(1) else {
        return;
    };
    if second.text.is_empty() {
        return;
    }
    // Only a literal spelt exactly as a ClaimType id: working policies compare claims with
    // words such as "Email" while a ClaimType "email" exists, and mean the word.
    if let Some(claim) = workspace
        .resolve(path, SymbolKind::ClaimType, &second.text)
        .iter()
        .find(|r| r.exact)
    {
        let mut diagnostic = Diagnostic::new(second.range, DiagnosticCode::PreconditionLiteralClaim,
            format!(
                "the second Value of a ClaimEquals precondition is compared as literal text; \"{}\" is also the id of a ClaimType, whose value is not used here",
                second.text
            ),
        );
        diagnostic.related.push(Related {
            path: claim.path.clone(),
            range: claim.definition.id_range,
            message: "the ClaimType with that id".to_owned(),
        });
        out.push(diagnostic);
    }
}

/// IncludeTechnicalProfile chains that come back to where they started.
fn include_cycles(workspace: &Workspace, path: &Path, out: &mut Vec<Diagnostic>) {
    let Some(file) = workspace.file(path) else {
        return;
    };
    for tp in &file.summary.technical_profiles {
        let Some(include) = &tp.include else { continue };
        let start = id_key(&tp.id);
        let mut seen = vec![start.clone()];
        let mut names = vec![tp.id.clone()];
        let mut next = include.text.clone();
        let mut steps = 0;
        while steps < 64 {
            steps += 1;
            let key = id_key(&next);
            if key == start {
                out.push(Diagnostic::new(
                    include.range,
                    DiagnosticCode::IncludeCycle,
                    format!(
                        "TechnicalProfile \"{}\" includes itself through the chain {} -> {}",
                        tp.id,
                        names.join(" -> "),
                        next
                    ),
                ));
                break;
            }
            if seen.contains(&key) {
                break;
            }
            seen.push(key);
            names.push(next.clone());
            // The include of a profile can be set in any policy of the chain.
            let mut following = None;
            for resolved in workspace.resolve(path, SymbolKind::TechnicalProfile, &next) {
                if let Some(f) = workspace.file(&resolved.path) {
                    if let Some(inc) = f
                        .summary
                        .technical_profile(&next)
                        .and_then(|t| t.include.as_ref())
                    {
                        following = Some(inc.text.clone());
                        break;
                    }
                }
            }
            match following {
                Some(id) => next = id,
                None => break,
            }
        }
    }
}

//! Claim names written where B2C reads another kind of name: SubjectNamingInfo names a token
//! claim (a PartnerClaimType), and a precondition's literal that is spelt like a claim.

use std::path::Path;

use crate::index::summary::{Precondition, Summary};
use crate::index::{SymbolKind, Workspace};

use super::{Diagnostic, DiagnosticCode, Related};

pub(super) fn check(
    workspace: &Workspace,
    path: &Path,
    summary: &Summary,
    out: &mut Vec<Diagnostic>,
) {
    subject_naming(summary, out);
    for precondition in &summary.preconditions {
        literal_that_names_a_claim(workspace, path, precondition, out);
    }
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

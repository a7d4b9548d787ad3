//! Journey structure that the journey checks leave out: a SendClaims step whose issuer is not
//! a token issuer, and a ClaimsProviderSelection that names both a target and a validation
//! exchange (userjourneys.md: "this attribute or the other must be specified, but not both").

use std::path::Path;

use syntax::view::ElementRef;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::ide::profile_type;
use crate::index::Workspace;

use super::send_claims_issuer;

/// The technical-profile types that issue what a SendClaims step sends: tokens, the UserInfo
/// response and the OAuth2 error response.
const ISSUERS: &[&str] = &[
    "jwt-issuer",
    "saml-issuer",
    "userinfo-issuer",
    "oauth2-error",
];

pub(super) fn check(workspace: &Workspace, path: &Path, out: &mut Vec<Diagnostic>) {
    let Some(file) = workspace.file(path) else {
        return;
    };
    if workspace.chain(path).is_complete() {
        for journey in &file.summary.journeys {
            for step in &journey.steps {
                let Some(issuer) = send_claims_issuer(step) else {
                    continue;
                };
                let id = issuer.text.trim();
                if id.is_empty() || id.contains('{') {
                    continue;
                }
                let Some(ty) = profile_type(workspace, path, id, None).ty else {
                    continue;
                };
                if ISSUERS.contains(&ty.id) {
                    continue;
                }
                out.push(Diagnostic::new(
                    issuer.range,
                    DiagnosticCode::SendClaimsIssuer,
                    format!(
                        "the SendClaims step of {} \"{}\" names \"{id}\", a {} technical profile, as its issuer; a SendClaims step issues the token with a JWT or SAML token issuer (Protocol None with OutputTokenFormat JWT, or SAML2 with OutputTokenFormat SAML2). Name the issuer profile, usually JwtIssuer",
                        journey.kind.element_name(),
                        journey.id,
                        ty.name
                    ),
                ));
            }
        }
    }
    let Some(root) = ElementRef::root(&file.parse) else {
        return;
    };
    let selections = root
        .children_named("UserJourneys")
        .flat_map(|j| j.children_named("UserJourney"))
        .chain(
            root.children_named("SubJourneys")
                .flat_map(|j| j.children_named("SubJourney")),
        )
        .flat_map(|j| j.children_named("OrchestrationSteps"))
        .flat_map(|s| s.children_named("OrchestrationStep"))
        .flat_map(|s| s.children_named("ClaimsProviderSelections"))
        .flat_map(|s| s.children_named("ClaimsProviderSelection"));
    for selection in selections {
        if selection.attribute("TargetClaimsExchangeId").is_some() {
            if let Some(validation) = selection.attribute("ValidationClaimsExchangeId") {
                let range = validation
                    .name()
                    .map_or(selection.name_range(), |n| n.range());
                out.push(Diagnostic::new(
                    range,
                    DiagnosticCode::SelectionTargetAndValidation,
                    "a ClaimsProviderSelection names either the exchange of a later step (TargetClaimsExchangeId) or the one that validates this step (ValidationClaimsExchangeId), not both; keep the one this button means".to_owned(),
                ));
            }
        }
    }
}

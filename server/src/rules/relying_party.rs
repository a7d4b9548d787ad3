//! The relying party: it names its DefaultUserJourney, its technical profile speaks
//! OpenIdConnect or SAML2 and names the token's subject (relyingparty.md: DefaultUserJourney
//! 1:1; "Possible values: OpenIdConnect or SAML2"; SubjectNamingInfo 1:1), and its journey
//! answers with the token of its protocol. The schema allows all of it to differ; every
//! relying party of the corpus follows the articles.

use std::collections::HashSet;
use std::path::Path;

use syntax::view::ElementRef;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::ide::profile_type;
use crate::index::{id_key, SymbolKind, Workspace};

use super::send_claims_issuer;

pub(super) fn check(root: ElementRef<'_>, out: &mut Vec<Diagnostic>) {
    for rp in root.children_named("RelyingParty") {
        if rp.child("DefaultUserJourney").is_none() {
            out.push(Diagnostic::new(
                rp.name_range(),
                DiagnosticCode::RelyingPartyIncomplete,
                "this RelyingParty names no DefaultUserJourney, so no journey runs for it; add <DefaultUserJourney ReferenceId=\"...\" /> as its first child".to_owned(),
            ));
        }
        let protocol = rp
            .child("TechnicalProfile")
            .and_then(|tp| tp.child("Protocol"))
            .and_then(|p| p.attribute_value_with_range("Name"));
        if let Some(tp) = rp.child("TechnicalProfile") {
            if tp.child("SubjectNamingInfo").is_none() {
                out.push(Diagnostic::new(
                    tp.name_range(),
                    DiagnosticCode::RelyingPartyIncomplete,
                    "the relying party's technical profile has no SubjectNamingInfo, so the token names no subject (`sub` in OpenID Connect, the NameID in SAML); add <SubjectNamingInfo ClaimType=\"sub\" /> after its OutputClaims".to_owned(),
                ));
            }
        }
        if let Some((name, range)) = protocol {
            let name = name.trim();
            if !name.contains('{') && name != "OpenIdConnect" && name != "SAML2" {
                out.push(Diagnostic::new(
                    range,
                    DiagnosticCode::RelyingPartyIncomplete,
                    format!(
                        "the relying party's technical profile speaks \"{name}\", but a relying party answers its application in OpenIdConnect or SAML2; write one of them"
                    ),
                ));
            }
        }
    }
}

/// The issuer types each relying-party protocol answers with.
const ISSUER_OF: &[(&str, &str)] = &[("OpenIdConnect", "jwt-issuer"), ("SAML2", "saml-issuer")];

/// A relying party answers in its protocol's token: an OpenIdConnect relying party's journey
/// ends with a JWT issuer, a SAML2 relying party's with a SAML issuer
/// (jwt-issuer-technical-profile.md, saml-issuer-technical-profile.md: each emits the token
/// "returned back to the relying party application" of its protocol). The journey is merged
/// along the chain, each step Order taken from the nearest policy that defines it.
pub(super) fn check_issuer(workspace: &Workspace, path: &Path, out: &mut Vec<Diagnostic>) {
    let Some(file) = workspace.file(path) else {
        return;
    };
    let Some(rp) = &file.summary.relying_party else {
        return;
    };
    let (Some(protocol), Some(journey)) = (rp.protocol.as_deref(), rp.default_journey.as_ref())
    else {
        return;
    };
    let protocol = protocol.trim();
    let Some(&(_, wanted)) = ISSUER_OF.iter().find(|(p, _)| *p == protocol) else {
        return;
    };
    let chain = workspace.chain(path);
    if !chain.is_complete() {
        return;
    }
    let key = id_key(&journey.text);
    let mut orders_seen: HashSet<u32> = HashSet::new();
    for file_path in &chain.files {
        let Some(part) = workspace.file(file_path) else {
            continue;
        };
        let journeys = part
            .summary
            .journeys
            .iter()
            .filter(|j| j.kind == SymbolKind::UserJourney && id_key(&j.id) == key);
        let mut orders_here = Vec::new();
        for step in journeys.flat_map(|j| j.steps.iter()) {
            let Some(order) = step.order else { continue };
            if orders_seen.contains(&order) {
                continue;
            }
            orders_here.push(order);
            let Some(issuer) = send_claims_issuer(step) else {
                continue;
            };
            let Some(ty) = profile_type(workspace, path, issuer.text.trim(), None).ty else {
                continue;
            };
            let other = ISSUER_OF
                .iter()
                .find(|(p, t)| *t == ty.id && *p != protocol);
            let Some((other_protocol, _)) = other else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    journey.range,
                    DiagnosticCode::RelyingPartyIssuerMismatch,
                    format!(
                        "this relying party speaks {protocol}, but step {order} of journey \"{}\" sends the claims with \"{}\", a {} that answers {other_protocol} relying parties; \
                         the application gets a token it does not read. Use a journey whose SendClaims step names a {} ({})",
                        journey.text.trim(),
                        issuer.text.trim(),
                        ty.name,
                        if wanted == "saml-issuer" { "SAML token issuer" } else { "JWT token issuer" },
                        if wanted == "saml-issuer" { "Saml2AssertionIssuer in the SAML samples" } else { "JwtIssuer in the starter pack" }
                    ),
                )
                .with_related(file_path, issuer.range, "the SendClaims step's issuer"),
            );
        }
        orders_seen.extend(orders_here);
    }
}

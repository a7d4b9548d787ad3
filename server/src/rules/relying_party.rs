//! The relying party: it names its DefaultUserJourney, and its technical profile speaks
//! OpenIdConnect or SAML2 (relyingparty.md: DefaultUserJourney 1:1; "Possible values:
//! OpenIdConnect or SAML2"). The schema allows both to differ; every relying party of the
//! corpus follows the article.

use syntax::view::ElementRef;

use crate::diagnostic::{Diagnostic, DiagnosticCode};

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

//! Display controls: a VerificationControl needs a DisplayClaim with ControlClaimType
//! VerificationCode, marked Required, and the actions SendCode and VerifyCode
//! (display-control-verification.md, "VerificationControl required elements"); a
//! QrCodeControl needs the DisplayClaim with ControlClaimType QrCodeContent that it renders
//! (display-control-time-based-one-time-password.md); actions are SendCode and VerifyCode of a
//! VerificationControl, and no other type has any. A control amended along the chain is judged
//! merged: its parts may sit in the base and in this file.

use std::collections::HashMap;

use syntax::view::ElementRef;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::index::id_key;

use super::{for_each_root, Judged};

fn display_controls<'a>(root: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    root.children_named("BuildingBlocks")
        .flat_map(|b| b.children_named("DisplayControls"))
        .flat_map(|d| d.children_named("DisplayControl"))
}

/// What the parts of one control say, merged.
#[derive(Default)]
struct Parts {
    /// Whether any part has DisplayClaims or Actions: a part with neither only amends a
    /// control that a base defines (possibly a base this workspace does not hold).
    body: bool,
    verification_claim: bool,
    verification_claim_required: bool,
    send_code: bool,
    verify_code: bool,
    qr_code_content: bool,
}

fn merge(control: ElementRef<'_>, parts: &mut Parts) {
    parts.body |= control.child("DisplayClaims").is_some() || control.child("Actions").is_some();
    for claim in control
        .children_named("DisplayClaims")
        .flat_map(|d| d.children_named("DisplayClaim"))
    {
        if claim
            .attribute_value("ControlClaimType")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("QrCodeContent"))
        {
            parts.qr_code_content = true;
        }
        if claim
            .attribute_value("ControlClaimType")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("VerificationCode"))
        {
            parts.verification_claim = true;
            if claim
                .attribute_value("Required")
                .is_some_and(|r| r.trim().eq_ignore_ascii_case("true"))
            {
                parts.verification_claim_required = true;
            }
        }
    }
    for action in control
        .children_named("Actions")
        .flat_map(|a| a.children_named("Action"))
    {
        match action.attribute_value("Id").as_deref().map(str::trim) {
            Some(id) if id.eq_ignore_ascii_case("SendCode") => parts.send_code = true,
            Some(id) if id.eq_ignore_ascii_case("VerifyCode") => parts.verify_code = true,
            _ => {}
        }
    }
}

pub(super) fn check(judged: &Judged<'_>, out: &mut Vec<Diagnostic>) {
    let Judged {
        workspace,
        root,
        chain,
        ..
    } = *judged;
    // The parts of every control of the chain, merged by id in one pass.
    let mut merged: HashMap<String, Parts> = HashMap::new();
    for_each_root(workspace, &chain.files, |r| {
        for control in display_controls(r) {
            if let Some(id) = control.attribute_value("Id") {
                merge(control, merged.entry(id_key(&id)).or_default());
            }
        }
    });
    for control in display_controls(root) {
        let control_type = control
            .attribute_value("UserInterfaceControlType")
            .map(|t| t.trim().to_owned())
            .unwrap_or_default();
        actions(control, &control_type, out);
        let Some((id, id_range)) = control.attribute_value_with_range("Id") else {
            continue;
        };
        if control_type != "VerificationControl" && control_type != "QrCodeControl" {
            continue;
        }
        let Some(parts) = merged.get(&id_key(&id)) else {
            continue;
        };
        if !parts.body {
            continue;
        }
        if control_type == "QrCodeControl" {
            if !parts.qr_code_content {
                out.push(Diagnostic::new(
                    id_range,
                    DiagnosticCode::QrCodeControlIncomplete,
                    format!(
                        "QrCodeControl \"{}\" has no DisplayClaim with ControlClaimType=\"QrCodeContent\", in this policy or its base policies, so it has no URI to render as a QR code; \
                         add <DisplayClaim ClaimTypeReferenceId=\"qrCodeContent\" ControlClaimType=\"QrCodeContent\" /> (and the claim as an InputClaim)",
                        id.trim()
                    ),
                ));
            }
            continue;
        }
        let mut missing = Vec::new();
        if !parts.verification_claim {
            missing.push(
                "a DisplayClaim with ControlClaimType=\"VerificationCode\" (and Required=\"true\")",
            );
        } else if !parts.verification_claim_required {
            missing.push("Required=\"true\" on its VerificationCode DisplayClaim");
        }
        if !parts.send_code {
            missing.push("an Action with Id \"SendCode\"");
        }
        if !parts.verify_code {
            missing.push("an Action with Id \"VerifyCode\"");
        }
        if missing.is_empty() {
            continue;
        }
        out.push(Diagnostic::new(
            id_range,
            DiagnosticCode::VerificationControlIncomplete,
            format!(
                "VerificationControl \"{}\" lacks {}, in this policy and in its base policies; without them the page cannot send or check the code",
                id.trim(),
                missing.join(", ")
            ),
        ));
    }
}

/// The actions of one control: a VerificationControl has SendCode and VerifyCode, and no other
/// type has any.
fn actions(control: ElementRef<'_>, control_type: &str, out: &mut Vec<Diagnostic>) {
    let actions = control
        .children_named("Actions")
        .flat_map(|a| a.children_named("Action"));
    for action in actions {
        let Some((id, range)) = action.attribute_value_with_range("Id") else {
            continue;
        };
        let id = id.trim();
        let message = if control_type != "VerificationControl" {
            if control_type.is_empty() || control_type.contains('{') {
                continue;
            }
            format!(
                "a {control_type} has no actions (only a VerificationControl runs SendCode and VerifyCode), so action \"{id}\" never runs; remove it"
            )
        } else if id == "SendCode" || id == "VerifyCode" {
            continue;
        } else if let Some(known) = ["SendCode", "VerifyCode"]
            .into_iter()
            .find(|k| k.eq_ignore_ascii_case(id))
        {
            format!("a VerificationControl's action is spelt \"{known}\"; write it so")
        } else {
            format!(
                "a VerificationControl runs only the actions SendCode and VerifyCode, so action \"{id}\" never runs; rename it to the one it means"
            )
        };
        out.push(Diagnostic::new(
            range,
            DiagnosticCode::DisplayControlAction,
            message,
        ));
    }
}

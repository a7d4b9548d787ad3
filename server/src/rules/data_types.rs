//! Claims transformations whose claims or parameters have the wrong data type. B2C matches a
//! transformation against its method by typed names: a claim of another DataType under the
//! right TransformationClaimType is, to B2C, an unexpected name plus a missing one
//! (`... declared in the Policy but were not expected by the TransformMethod: [DateTime]rightOperand.
//! ... expected by the TransformMethod but were not declared in the Policy: [String]rightOperand.`).
//! An InputParameter's DataType is not checked at upload, but a wrong one fails when the
//! transformation runs, and so does a value that does not parse as its DataType.

use std::path::Path;

use crate::catalog::{self, MethodClaim, TransformationMethod};
use crate::diagnostic::{Diagnostic, DiagnosticCode, Severity};
use crate::index::summary::{ClaimUse, TransformationSummary};
use crate::index::Workspace;

use super::claims;

pub(super) fn check(workspace: &Workspace, path: &Path, out: &mut Vec<Diagnostic>) {
    let Some(file) = workspace.file(path) else {
        return;
    };
    for ct in &file.summary.transformations {
        let Some(method) = ct
            .method
            .as_ref()
            .and_then(|m| catalog::transformation_method(&m.text))
        else {
            continue;
        };
        for claim in &ct.input_claims {
            let slot = slot(claim, method.input_claims);
            claim_type(workspace, path, ct, method, "input", claim, slot, out);
        }
        for claim in &ct.output_claims {
            let slot = slot(claim, method.output_claims);
            claim_type(workspace, path, ct, method, "output", claim, slot, out);
        }
        parameters(ct, method, out);
    }
}

fn slot<'m>(claim: &ClaimUse, slots: &'m [MethodClaim]) -> Option<&'m MethodClaim> {
    let name = claim.transformation_claim_type.as_ref()?.text.trim();
    slots.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// B2C names data types in its messages with a capital first letter: `[DateTime]`, `[String]`.
fn b2c_type_name(data_type: &str) -> String {
    let mut chars = data_type.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[allow(clippy::too_many_arguments)]
fn claim_type(
    workspace: &Workspace,
    path: &Path,
    ct: &TransformationSummary,
    method: &TransformationMethod,
    direction: &str,
    claim: &ClaimUse,
    slot: Option<&MethodClaim>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(slot) = slot else { return };
    if slot.data_type == "any" {
        return;
    }
    let Some(stated) = claims::data_type(workspace, path, &claim.claim) else {
        return;
    };
    let actual = stated.value.text.as_str();
    // A DataType spelt in another case is a schema error, reported as such; a placeholder
    // is judged once it is replaced.
    if actual.is_empty() || actual.contains('{') || actual.eq_ignore_ascii_case(slot.data_type) {
        return;
    }
    let mut diagnostic = Diagnostic::new(
        claim.range,
        DiagnosticCode::TransformationClaimDataType,
        format!(
            "ClaimsTransformation \"{}\" passes ClaimType \"{}\" (DataType {actual}) as {direction} claim \"{}\", \
             but method {} takes a {} there; B2C rejects the upload (declared [{}]{}, expected [{}]{}). \
             Use a ClaimType of DataType {} here, or convert the claim first",
            ct.id,
            claim.claim.trim(),
            slot.name,
            method.name,
            slot.data_type,
            b2c_type_name(actual),
            slot.name,
            b2c_type_name(slot.data_type),
            slot.name,
            slot.data_type,
        ),
    )
    .with_related(&stated.path, stated.value.range, "the ClaimType's DataType");
    if method.confirmed_by.is_none() {
        // The signature rests on an article alone, and articles are out of date in places.
        diagnostic = diagnostic.softened(Severity::Warning);
    }
    out.push(diagnostic);
}

/// Whether `value` parses as a value of `data_type`, for the types whose syntax is certain
/// (.NET's parsers: booleans ignore case, numbers allow a sign and surrounding blanks).
fn parses_as(data_type: &str, value: &str) -> bool {
    let value = value.trim();
    match data_type {
        "boolean" => value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false"),
        "int" => value.parse::<i32>().is_ok(),
        "long" => value.parse::<i64>().is_ok(),
        _ => true,
    }
}

fn parameters(
    ct: &TransformationSummary,
    method: &TransformationMethod,
    out: &mut Vec<Diagnostic>,
) {
    for parameter in &ct.input_parameters {
        let declared = parameter.data_type.as_deref().map(str::trim);
        let expected = method.input_parameter(&parameter.id).map(|p| p.data_type);
        if let (Some(declared), Some(expected)) = (declared, expected) {
            if expected != "any"
                && !declared.is_empty()
                && !declared.contains('{')
                && !declared.eq_ignore_ascii_case(expected)
            {
                out.push(Diagnostic::new(
                    parameter.id_range,
                    DiagnosticCode::ParameterDataType,
                    format!(
                        "input parameter \"{}\" of method {} is a {expected}, but ClaimsTransformation \"{}\" declares DataType=\"{declared}\"; \
                         B2C accepts the upload, but the transformation fails when it runs. Write DataType=\"{expected}\"",
                        parameter.id.trim(),
                        method.name,
                        ct.id,
                    ),
                ));
                continue;
            }
        }
        let (Some(declared), Some(value)) = (declared, parameter.value.as_deref()) else {
            continue;
        };
        if value.contains('{') || parses_as(declared, value) {
            continue;
        }
        out.push(Diagnostic::new(
            parameter.id_range,
            DiagnosticCode::ParameterDataType,
            format!(
                "the value \"{}\" of input parameter \"{}\" is not {} {declared}; the transformation fails when it runs. Write {}",
                value.trim(),
                parameter.id.trim(),
                if declared == "int" { "an" } else { "a" },
                match declared {
                    "boolean" => "true or false",
                    "int" => "a whole number (32-bit)",
                    _ => "a whole number",
                }
            ),
        ));
    }
}

//! Claims transformations against their method's signature.

use std::path::Path;

use syntax::TextRange;

use crate::catalog::{self};
use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::index::summary::{ClaimUse, Located, TransformationSummary};
use crate::index::{SymbolKind, Workspace};

pub(super) fn transformation_diagnostics(
    workspace: &Workspace,
    path: &Path,
    ct: &TransformationSummary,
    out: &mut Vec<Diagnostic>,
) {
    let Some(method_name) = &ct.method else {
        return;
    };
    if method_name.text.contains('{') || method_name.text.trim().is_empty() {
        return;
    }
    let Some(method) = catalog::transformation_method(&method_name.text) else {
        out.push(Diagnostic::new(
            method_name.range,
            DiagnosticCode::UnknownTransformationMethod,
            format!(
                "\"{}\" is not a claims-transformation method B2C knows",
                method_name.text.trim()
            ),
        ));
        return;
    };
    // A transformation amended elsewhere in the chain may get its missing parts there.
    let amended = workspace
        .resolve(path, SymbolKind::ClaimsTransformation, &ct.id)
        .len()
        > 1;
    let claim_names = |claims: &[ClaimUse]| -> Vec<Located> {
        claims
            .iter()
            .filter_map(|c| c.transformation_claim_type.clone())
            .collect()
    };
    let parameter_names: Vec<Located> = ct
        .input_parameters
        .iter()
        .map(|p| Located {
            text: p.id.clone(),
            range: p.id_range,
        })
        .collect();
    let sections = [
        SignatureSection {
            name: "InputClaims",
            written: claim_names(&ct.input_claims),
            range: ct.input_claims_range,
            open: method.open_inputs,
            expected: method
                .input_claims
                .iter()
                .map(|c| (c.name, c.data_type, c.required))
                .collect(),
        },
        SignatureSection {
            name: "OutputClaims",
            written: claim_names(&ct.output_claims),
            range: ct.output_claims_range,
            open: method.open_outputs,
            expected: method
                .output_claims
                .iter()
                .map(|c| (c.name, c.data_type, c.required))
                .collect(),
        },
        SignatureSection {
            name: "InputParameters",
            written: parameter_names,
            range: ct.input_parameters_range,
            open: method.open_parameters,
            expected: method
                .input_parameters
                .iter()
                .map(|p| (p.id, p.data_type, p.required))
                .collect(),
        },
    ];
    for section in &sections {
        signature_mismatch(path, ct, method, section, amended, out);
    }
    for parameter in &ct.input_parameters {
        let Some(spec) = method.input_parameter(&parameter.id) else {
            continue;
        };
        let Some(value) = parameter.value.as_deref().map(str::trim) else {
            continue;
        };
        if spec.allowed.is_empty() || value.contains('{') {
            continue;
        }
        if !spec.allowed.iter().any(|a| a.eq_ignore_ascii_case(value)) {
            out.push(Diagnostic::new(
                parameter.id_range,
                DiagnosticCode::InvalidParameterValue,
                format!(
                    "input parameter \"{}\" of method {} takes one of {}, not \"{value}\"",
                    spec.id,
                    method.name,
                    spec.allowed.join(", ")
                ),
            ));
        }
    }
}

/// One list of a ClaimsTransformation (InputClaims, OutputClaims or InputParameters) beside
/// what its method declares for it: (name, data type, required).
struct SignatureSection {
    name: &'static str,
    written: Vec<Located>,
    range: Option<TextRange>,
    open: bool,
    expected: Vec<(&'static str, &'static str, bool)>,
}

/// What B2C says in one message per list ("were declared in the Policy but were not expected
/// by the TransformMethod ... were expected by the TransformMethod but were not declared"),
/// said once per list: a misspelt TransformationClaimType is one finding, not an unexpected
/// name plus a missing one. It sits on the first unexpected name, else on the list.
fn signature_mismatch(
    path: &Path,
    ct: &TransformationSummary,
    method: &catalog::TransformationMethod,
    section: &SignatureSection,
    amended: bool,
    out: &mut Vec<Diagnostic>,
) {
    let unexpected: Vec<&Located> = if section.open {
        Vec::new()
    } else {
        section
            .written
            .iter()
            .filter(|w| {
                let name = w.text.trim();
                !name.is_empty()
                    && !section
                        .expected
                        .iter()
                        .any(|(e, _, _)| e.eq_ignore_ascii_case(name))
            })
            .collect()
    };
    let missing: Vec<String> = if amended {
        Vec::new()
    } else {
        section
            .expected
            .iter()
            .filter(|(name, _, required)| {
                *required
                    && !section
                        .written
                        .iter()
                        .any(|w| w.text.trim().eq_ignore_ascii_case(name))
            })
            .map(|(name, data_type, _)| format!("{name} ({data_type})"))
            .collect()
    };
    if unexpected.is_empty() && missing.is_empty() {
        return;
    }
    let list = |names: Vec<String>| names.join(", ");
    let mut parts = Vec::new();
    if !unexpected.is_empty() {
        parts.push(format!(
            "it declares {} that the method does not take",
            list(
                unexpected
                    .iter()
                    .map(|u| format!("\"{}\"", u.text.trim()))
                    .collect()
            )
        ));
    }
    if !missing.is_empty() {
        parts.push(format!(
            "it lacks {} that the method expects",
            list(missing)
        ));
    }
    let takes = if section.expected.is_empty() {
        "the method takes none".to_owned()
    } else {
        format!(
            "the method takes {}",
            list(
                section
                    .expected
                    .iter()
                    .map(|(name, data_type, _)| format!("{name} ({data_type})"))
                    .collect()
            )
        )
    };
    let range = unexpected
        .first()
        .map(|u| u.range)
        .or(section.range)
        .unwrap_or(ct.id_range);
    let mut diagnostic = Diagnostic::new(
        range,
        DiagnosticCode::TransformationClaimMismatch,
        format!(
            "the {} of ClaimsTransformation \"{}\" do not fit method {}: {}; {takes}",
            section.name,
            ct.id,
            method.name,
            parts.join(", and ")
        ),
    );
    if method.confirmed_by.is_none() {
        // The signature rests on an article alone, and articles are out of date in places.
        diagnostic = diagnostic.softened(crate::diagnostic::Severity::Warning);
    }
    for other in unexpected.iter().skip(1) {
        diagnostic.related.push(crate::diagnostic::Related {
            path: path.to_owned(),
            range: other.range,
            message: "also not taken by the method".to_owned(),
        });
    }
    out.push(diagnostic);
}

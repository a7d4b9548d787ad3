//! Protocols, handlers and metadata of technical profiles, judged by the profile's effective
//! type.

use std::path::{Path, PathBuf};

use crate::catalog::{self, MetadataKey, ValueType};
use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::ide::profile_type;
use crate::index::summary::TechnicalProfileSummary;
use crate::index::{id_key, Workspace};

/// `Protocol@Name`: the schema's ProtocolName enumeration (TrustFrameworkPolicy_0.3.0.0.xsd).
const PROTOCOLS: &[&str] = &[
    "None",
    "OAuth1",
    "OAuth2",
    "SAML2",
    "OpenIdConnect",
    "WsFed",
    "WsTrust",
    "UProve11",
    "Proprietary",
];

pub(super) fn protocol_diagnostics(tp: &TechnicalProfileSummary, out: &mut Vec<Diagnostic>) {
    let Some(protocol) = &tp.protocol else { return };
    let name = protocol.text.trim();
    if name.contains('{') {
        return;
    }
    if !PROTOCOLS.iter().any(|p| p.eq_ignore_ascii_case(name)) {
        // The schema enumerates the names, so the upload's schema validation rejects others.
        out.push(Diagnostic::new(
            protocol.range,
            DiagnosticCode::UnknownProtocol,
            format!(
                "\"{name}\" is not a protocol name of the policy schema; expected one of {}",
                PROTOCOLS.join(", ")
            ),
        ));
        return;
    }
    if !name.eq_ignore_ascii_case("Proprietary") {
        return;
    }
    match &tp.handler {
        Some(handler)
            if !handler.text.contains('{')
                && catalog::technical_profile_type("Proprietary", Some(&handler.text), None)
                    .is_none() =>
        {
            out.push(Diagnostic::new(handler.range, DiagnosticCode::UnknownHandler,
                format!(
                    "\"{}\" is not a known technical-profile handler, so its metadata cannot be checked",
                    handler.text
                ),
            ));
        }
        Some(_) => {}
        None if !tp.in_relying_party => out.push(Diagnostic::new(
            protocol.range,
            DiagnosticCode::UnknownHandler,
            "a Proprietary protocol needs a Handler naming the technical-profile class".to_owned(),
        )),
        None => {}
    }
}

/// Whether `value` fits what `key` accepts. Placeholders (`{Settings:..}`), claim resolvers and
/// empty values are never judged; booleans also take 0 and 1; enums ignore case.
pub(crate) fn metadata_value_ok(key: &MetadataKey, value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() || value.contains('{') {
        return true;
    }
    match key.value {
        ValueType::Enum => key.allowed.iter().any(|a| a.eq_ignore_ascii_case(value)),
        ValueType::Boolean => ["true", "false", "0", "1"]
            .iter()
            .any(|b| b.eq_ignore_ascii_case(value)),
        ValueType::Integer => value.parse::<i64>().is_ok(),
        _ => true,
    }
}

fn expected_values(key: &MetadataKey) -> String {
    match key.value {
        ValueType::Enum => format!("one of {}", key.allowed.join(", ")),
        ValueType::Boolean => "true or false".to_owned(),
        ValueType::Integer => "a whole number".to_owned(),
        _ => "another value".to_owned(),
    }
}

/// Keys a type documents as required that real policies reliably set on every profile that is
/// run: the corpus shows no working profile without them. Other "required" keys come from
/// elsewhere in practice: a self-asserted page's ContentDefinitionReferenceId from its
/// orchestration step, an OpenID Connect profile's client_id from an input claim (the
/// resource-owner flow) and its METADATA from explicit endpoints.
const RELIABLY_REQUIRED: &[(&str, &str)] = &[
    ("rest", "ServiceUrl"),
    ("rest", "AuthenticationType"),
    ("aad", "Operation"),
    ("otp", "Operation"),
    ("mfa", "Operation"),
    ("sspr", "Operation"),
    ("captcha", "Operation"),
    ("saml-idp", "PartnerEntity"),
];

pub(super) fn metadata_diagnostics(
    workspace: &Workspace,
    path: &Path,
    tp: &TechnicalProfileSummary,
    chain_complete: bool,
    included: &mut Option<Vec<String>>,
    out: &mut Vec<Diagnostic>,
) {
    let relying_party = tp
        .in_relying_party
        .then(|| tp.protocol.as_ref().map(|p| p.text.as_str()));
    let typed = profile_type(workspace, path, &tp.id, relying_party);
    let Some(ty) = typed.ty else { return };
    for item in &tp.metadata {
        let key = item.key.trim();
        if key.contains('{') {
            continue;
        }
        if !ty.accepts_metadata_key(key) {
            out.push(Diagnostic::new(
                item.key_range,
                DiagnosticCode::UnknownMetadataKey,
                format!(
                    "\"{key}\" is not a metadata key of {} technical profiles; B2C ignores it",
                    ty.name
                ),
            ));
            continue;
        }
        if let Some(spec) = ty.metadata_key(key) {
            if !metadata_value_ok(spec, &item.value) {
                out.push(Diagnostic::new(
                    item.value_range,
                    DiagnosticCode::InvalidMetadataValue,
                    format!(
                        "\"{}\" is not a valid value for metadata item \"{}\": expected {}",
                        item.value.trim(),
                        spec.key,
                        expected_values(spec)
                    ),
                ));
            }
        }
    }
    // Missing keys: only on the merged profile of a complete chain, only where this file is the
    // most derived definition, and only for profiles that no other profile includes (those are
    // templates completed by whoever includes them).
    if !chain_complete || tp.in_relying_party {
        return;
    }
    let required = missing_required_metadata(workspace, path, tp);
    if required.is_empty() {
        return;
    }
    let key = id_key(&tp.id);
    let included = included.get_or_insert_with(|| included_ids(workspace, path));
    if included.contains(&key) || amended_below(workspace, path, &key) {
        return;
    }
    for missing in required.iter().map(|k| k.key) {
        out.push(Diagnostic::new(tp.id_range, DiagnosticCode::MissingMetadataKey,
            format!(
                "{} technical profile \"{}\" has no metadata item \"{missing}\", in this policy or in what it inherits",
                ty.name, tp.id
            ),
        ));
    }
}

/// The metadata keys that real policies always set on a profile of this one's effective type
/// and that its merged profile (this file, its bases, its includes) does not set. The rule
/// `missing-metadata-key` reports them and the quick fix adds them: one list for both.
pub fn missing_required_metadata(
    workspace: &Workspace,
    path: &Path,
    tp: &TechnicalProfileSummary,
) -> Vec<&'static MetadataKey> {
    let relying_party = tp
        .in_relying_party
        .then(|| tp.protocol.as_ref().map(|p| p.text.as_str()));
    let typed = profile_type(workspace, path, &tp.id, relying_party);
    let (Some(ty), Some(effective)) = (typed.ty, &typed.effective) else {
        return Vec::new();
    };
    RELIABLY_REQUIRED
        .iter()
        .filter(|(id, _)| *id == ty.id)
        .filter(|(_, key)| effective.metadata_value(key).is_none())
        .filter_map(|(_, key)| ty.metadata_key(key))
        .collect()
}

/// The ids (lower-cased) of profiles that some IncludeTechnicalProfile names, in the files that
/// see the file at `path` or that it sees.
fn included_ids(workspace: &Workspace, path: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = workspace.dependents(path);
    files.extend(workspace.chain(path).files.iter().cloned());
    files.sort();
    files.dedup();
    let mut ids: Vec<String> = files
        .iter()
        .filter_map(|f| workspace.file(f))
        .flat_map(|f| {
            f.summary
                .technical_profiles
                .iter()
                .filter_map(|tp| tp.include.as_ref().map(|i| id_key(&i.text)))
                .collect::<Vec<_>>()
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Whether a policy that extends the file at `path` amends the profile `key` again.
fn amended_below(workspace: &Workspace, path: &Path, key: &str) -> bool {
    workspace
        .dependents(path)
        .iter()
        .filter(|d| d.as_path() != path)
        .filter_map(|d| workspace.file(d))
        .any(|f| f.summary.technical_profile(key).is_some())
}

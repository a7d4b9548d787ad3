//! The tenant of a policy: its TenantId, its BasePolicy's TenantId and the base file's own
//! TenantId must name one tenant. B2C takes a policy only in the tenant its TenantId names
//! (`TenantId in the policy xml 'yourtenant.onmicrosoft.com' is not same as the one in login
//! tenant 'contoso.onmicrosoft.com'.`) and looks its base up in that same directory, so a chain
//! whose files name different tenants cannot be uploaded as it is: the classic case is a
//! starter pack where `yourtenant` was replaced in some files and not in others.
//!
//! Values that a build step replaces (`{Settings:Tenant}`, `{{ tenantId }}`, `##Tenant##`)
//! are never compared, and neither are two sample names (`yourtenant` against `contoso`):
//! a user replaces both. A real tenant against a sample name is the mistake, except in a base
//! from an extra base location, which is a reference copy of what was really uploaded.

use std::path::Path;

use syntax::view::ElementRef;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::ide::looks_like_placeholder;
use crate::index::summary::Located;
use crate::index::Workspace;

/// The tenant names that samples and starter packs write for the reader to replace.
const SAMPLE_TENANTS: &[&str] = &[
    "yourtenant",
    "your-tenant",
    "your_tenant",
    "yourtenantname",
    "tenant",
    "tenant-name",
    "tenantname",
    "mytenant",
    "contoso",
    "contosob2c",
    "fabrikam",
    "fabrikamb2c",
];

/// The TenantId attribute of a file's root and the text of its BasePolicy/TenantId.
struct Tenants {
    own: Option<Located>,
    base: Option<Located>,
}

fn tenants(root: ElementRef<'_>) -> Tenants {
    let own = root
        .attribute("TenantId")
        .and_then(|a| a.value())
        .map(|v| Located {
            text: v.unescaped().trim().to_owned(),
            range: v.range(),
        });
    let base = root
        .child("BasePolicy")
        .and_then(|b| b.child("TenantId"))
        .and_then(|t| {
            let (text, range) = t.text_with_range();
            range.map(|range| Located {
                text: text.trim().to_owned(),
                range,
            })
        });
    Tenants { own, base }
}

/// How a TenantId value can be compared.
#[derive(PartialEq, Eq)]
enum TenantName {
    /// A build step's token, or a GUID (which may name the same tenant as a domain).
    Unknown,
    /// A name written for the reader to replace.
    Sample,
    Real(String),
}

fn classify(value: &str) -> TenantName {
    let value = value.trim();
    if value.is_empty()
        || value.contains(['{', '}', '$', '#', '%', '@'])
        || looks_like_placeholder(value)
        || value.contains("__")
        || is_guid(value)
    {
        return TenantName::Unknown;
    }
    let lower = value.to_ascii_lowercase();
    let name = lower
        .strip_suffix(".onmicrosoft.com")
        .unwrap_or(lower.as_str());
    if SAMPLE_TENANTS.contains(&name) {
        return TenantName::Sample;
    }
    TenantName::Real(lower)
}

fn is_guid(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Whether two TenantIds certainly name different tenants.
fn differ(a: &str, b: &str) -> bool {
    match (classify(a), classify(b)) {
        (TenantName::Unknown, _) | (_, TenantName::Unknown) => false,
        (TenantName::Sample, TenantName::Sample) => false,
        (TenantName::Real(a), TenantName::Real(b)) => a != b,
        _ => true,
    }
}

pub(super) fn check(workspace: &Workspace, path: &Path, out: &mut Vec<Diagnostic>) {
    let Some(file) = workspace.file(path) else {
        return;
    };
    let Some(root) = ElementRef::root(&file.parse) else {
        return;
    };
    let here = tenants(root);
    let (Some(own), Some(base)) = (&here.own, &here.base) else {
        return;
    };
    if differ(&own.text, &base.text) {
        out.push(Diagnostic::new(
            base.range,
            DiagnosticCode::TenantMismatch,
            format!(
                "BasePolicy names tenant \"{}\", but this policy's TenantId is \"{}\"; a policy and its base live in one tenant, \
                 and B2C rejects a policy whose TenantId is not the tenant it is uploaded to. Write the same tenant in both",
                base.text, own.text
            ),
        ).with_related(path, own.range, "this policy's TenantId"));
        return;
    }
    let chain = workspace.chain(path);
    let Some(base_path) = chain.files.get(1) else {
        return;
    };
    let Some(base_file) = workspace.file(base_path) else {
        return;
    };
    let Some(base_own) = ElementRef::root(&base_file.parse).and_then(|r| tenants(r).own) else {
        return;
    };
    // A base from an extra base location is a reference copy: a pristine starter pack says
    // `yourtenant` while the base really uploaded names the user's tenant (five sets of the
    // corpus pair their own tenant with the starter pack this way).
    if base_file.base_only && classify(&base_own.text) == TenantName::Sample {
        return;
    }
    if differ(&base.text, &base_own.text) {
        out.push(Diagnostic::new(
            base.range,
            DiagnosticCode::TenantMismatch,
            format!(
                "BasePolicy names tenant \"{}\", but the base policy's own TenantId is \"{}\"; both are uploaded to one tenant, \
                 and B2C rejects a policy whose TenantId is not that tenant. Write the same tenant in both files",
                base.text, base_own.text
            ),
        ).with_related(base_path, base_own.range, "the base policy's TenantId"));
    }
}

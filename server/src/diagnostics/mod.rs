//! Diagnostics of one policy file in the context of its chain: the entry point that gathers
//! every family's findings (syntax errors and the index's own, then one module per family here
//! and in `journeys`, `ide` and `rules`), applies inline suppressions and the b2c-lsp.toml
//! severities, and sorts them.

mod chain;
mod claim_names;
mod references;
mod suppression;

use std::path::Path;

use crate::index::Workspace;

pub use crate::diagnostic::{Diagnostic, DiagnosticCode, Related, Severity};
pub use references::nearest_definition;

/// Every diagnostic of the file at `path`, sorted by position.
pub fn file_diagnostics(workspace: &Workspace, path: &Path) -> Vec<Diagnostic> {
    crate::index::profiles::with_profiles_of(path, || diagnose(workspace, path))
}

fn diagnose(workspace: &Workspace, path: &Path) -> Vec<Diagnostic> {
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
    chain::check(workspace, path, summary, &mut out);
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
    references::check(workspace, path, summary, &mut out);
    claim_names::check(workspace, path, summary, &mut out);
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

//! The policy's identity and its chain: a missing PolicyId, a BasePolicy that is missing,
//! ambiguous or comes back to itself, and IncludeTechnicalProfile cycles.

use std::path::Path;

use crate::index::summary::Summary;
use crate::index::{id_key, SymbolKind, Workspace};

use super::{Diagnostic, DiagnosticCode, Related};

pub(super) fn check(
    workspace: &Workspace,
    path: &Path,
    summary: &Summary,
    out: &mut Vec<Diagnostic>,
) {
    if summary.policy_id.is_none() {
        out.push(Diagnostic::new(summary.root_name_range, DiagnosticCode::MissingPolicyId,
            "the policy has no PolicyId: B2C cannot store it, and no other policy can name it as its base".to_owned(),
        ));
    }
    let chain = workspace.chain(path);
    if let (Some(base), Some(missing)) = (&summary.base_policy, &chain.missing_base) {
        let message = if chain.files.len() == 1 {
            format!(
                "base policy \"{missing}\" is not in the workspace, so references into it are not checked; \
                 add the folder that holds it as a base location (`--base DIR`, or the `basePaths` setting)"
            )
        } else {
            format!(
                "an ancestor of this policy names base policy \"{missing}\", which is not in the workspace, \
                 so references into it are not checked; add its folder as a base location"
            )
        };
        out.push(Diagnostic::new(
            base.range,
            DiagnosticCode::BasePolicyMissing,
            message,
        ));
    }
    if let (Some(base), Some(candidates)) = (&summary.base_policy, chain.ambiguous.as_ref()) {
        let mut diagnostic = Diagnostic::new(base.range, DiagnosticCode::BasePolicyAmbiguous,
            format!(
                "{} files equally near this one claim PolicyId \"{}\"; references into the base are not checked. \
                 Open the intended policy set on its own, or move the files so that one base is nearest",
                candidates.len(),
                base.text
            ),
        );
        for candidate in candidates {
            if let Some(f) = workspace.file(candidate) {
                if let Some(id) = &f.summary.policy_id {
                    diagnostic.related.push(Related {
                        path: candidate.clone(),
                        range: id.range,
                        message: "a candidate".to_owned(),
                    });
                }
            }
        }
        out.push(diagnostic);
    }
    if chain.cycle {
        if let Some(base) = &summary.base_policy {
            let mut diagnostic = Diagnostic::new(
                base.range,
                DiagnosticCode::BasePolicyCycle,
                format!(
                    "the BasePolicy chain starting here comes back to itself through \"{}\"",
                    base.text
                ),
            );
            for ancestor in chain.files.iter().skip(1) {
                if let Some(f) = workspace.file(ancestor) {
                    if let Some(b) = &f.summary.base_policy {
                        diagnostic.related.push(Related {
                            path: ancestor.clone(),
                            range: b.range,
                            message: format!("which extends \"{}\"", b.text),
                        });
                    }
                }
            }
            out.push(diagnostic);
        }
    }
    include_cycles(workspace, path, out);
}

/// IncludeTechnicalProfile chains that come back to where they started.
fn include_cycles(workspace: &Workspace, path: &Path, out: &mut Vec<Diagnostic>) {
    let Some(file) = workspace.file(path) else {
        return;
    };
    for tp in &file.summary.technical_profiles {
        let Some(include) = &tp.include else { continue };
        let start = id_key(&tp.id);
        let mut seen = vec![start.clone()];
        let mut names = vec![tp.id.clone()];
        let mut next = include.text.clone();
        let mut steps = 0;
        while steps < 64 {
            steps += 1;
            let key = id_key(&next);
            if key == start {
                out.push(Diagnostic::new(
                    include.range,
                    DiagnosticCode::IncludeCycle,
                    format!(
                        "TechnicalProfile \"{}\" includes itself through the chain {} -> {}",
                        tp.id,
                        names.join(" -> "),
                        next
                    ),
                ));
                break;
            }
            if seen.contains(&key) {
                break;
            }
            seen.push(key);
            names.push(next.clone());
            // The include of a profile can be set in any policy of the chain.
            let mut following = None;
            for resolved in workspace.resolve(path, SymbolKind::TechnicalProfile, &next) {
                if let Some(f) = workspace.file(&resolved.path) {
                    if let Some(inc) = f
                        .summary
                        .technical_profile(&next)
                        .and_then(|t| t.include.as_ref())
                    {
                        following = Some(inc.text.clone());
                        break;
                    }
                }
            }
            match following {
                Some(id) => next = id,
                None => break,
            }
        }
    }
}

//! Helpers shared by the data-driven rule tests: a policy set's findings of some codes, in the
//! form their `expected.txt` snapshots hold.

use std::path::{Path, PathBuf};

use b2c_lsp::diagnostics::file_diagnostics;
use b2c_lsp::index::Workspace;

/// The findings of `codes` in every reported file of `workspace`, one line each with the text
/// they cover and their related locations, paths relative to `dir`.
pub fn dump(dir: &Path, workspace: &Workspace, codes: &[&str]) -> String {
    let mut out = String::new();
    for path in workspace.reported_paths() {
        let file = workspace.file(&path).expect("indexed");
        let name = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        for d in file_diagnostics(workspace, &path) {
            if !codes.contains(&d.code.as_str()) {
                continue;
            }
            let at = file
                .line_index()
                .to_human(&file.text, d.range.start().into());
            let text = &file.text[usize::from(d.range.start())..usize::from(d.range.end())];
            out.push_str(&format!(
                "{name}:{}:{}: {}[{}] {text:?}: {}\n",
                at.line,
                at.col,
                d.severity.as_str(),
                d.code.as_str(),
                d.message
            ));
            for related in &d.related {
                let rel = related
                    .path
                    .strip_prefix(dir)
                    .unwrap_or(&related.path)
                    .display()
                    .to_string();
                out.push_str(&format!("  related {rel}: {}\n", related.message));
            }
        }
    }
    if out.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}

/// The fixture sets of `test_data/<folder>`: its subfolders, sorted.
pub fn fixture_cases(folder: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(folder);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

//! Data-driven tests of the rules that reproduce the rest of B2C's upload validation
//! (`src/rules/`): each folder of `test_data/upload/` is a small policy set with the mistakes
//! of one family and, beside them, the variants B2C accepts, which must stay silent. Its
//! findings are compared with `expected.txt` next to it. Refresh with
//! `UPDATE_EXPECT=1 cargo test -p b2c-lsp --test upload`.

use std::path::{Path, PathBuf};

use b2c_lsp::diagnostics::file_diagnostics;
use b2c_lsp::index::Workspace;
use expect_test::expect_file;

/// The codes of these families; other findings stay out of the snapshots.
const CODES: &[&str] = &[
    "transformation-claim-data-type",
    "transformation-claim-mismatch",
    "parameter-data-type",
    "tenant-mismatch",
    "required-element-missing",
    "empty-metadata-value",
    "aad-extension-metadata-missing",
    "insecure-rest-auth",
    "unknown-page-identifier",
    "unexpected-text",
    "invalid-attribute-value",
    "invalid-element-value",
];

fn dump(dir: &Path, workspace: &Workspace) -> String {
    let mut out = String::new();
    for path in workspace.reported_paths() {
        let file = workspace.file(&path).expect("indexed");
        let name = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        for d in file_diagnostics(workspace, &path) {
            if !CODES.contains(&d.code.as_str()) {
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

#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/upload");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "expected the fixture cases");
    for case in cases {
        let (workspace, _, undecodable) =
            b2c_lsp::cli::load(std::slice::from_ref(&case), &[]).expect("fixture loads");
        assert!(undecodable.is_empty());
        let actual = dump(&case, &workspace);
        assert_ne!(
            actual,
            "(no findings)\n",
            "{} must give findings",
            case.display()
        );
        expect_file![case.join("expected.txt")].assert_eq(&actual);
    }
}

//! Fixes on the rules' own invalid fixtures: each fix, applied, clears the finding it is for
//! and leaves a file without syntax errors.

use std::path::Path;
use std::sync::Arc;

use b2c_lsp::assists::{fixes, FileEdit};
use b2c_lsp::diagnostics::file_diagnostics;
use syntax::TextRange;

fn apply(text: &str, edits: &[FileEdit]) -> String {
    let mut edits: Vec<&FileEdit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start()));
    let mut out = text.to_owned();
    for edit in edits {
        out.replace_range(std::ops::Range::<usize>::from(edit.range), &edit.new_text);
    }
    out
}

/// Applies the first fix offered for `code` in the fixture set and checks the result.
fn fix_clears(code: &str, file: &str, title_starts: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data/rules")
        .join(code)
        .join("invalid");
    let (workspace, _, _) = b2c_lsp::cli::load(std::slice::from_ref(&dir), &[]).expect("loads");
    let path = std::path::absolute(dir.join(file)).expect("absolute");
    let text = workspace.file(&path).expect("indexed").text.clone();
    let whole = TextRange::up_to((text.len() as u32).into());
    let offered = fixes(&workspace, &path, whole);
    let fix = offered
        .iter()
        .find(|f| f.diagnostic.code == code)
        .unwrap_or_else(|| panic!("no fix for {code}: {offered:#?}"));
    assert!(fix.title.starts_with(title_starts), "{}", fix.title);
    let fixed = apply(&text, &fix.edits);
    workspace.set_file(path.clone(), Arc::from(fixed.as_str()), false);
    let after = file_diagnostics(&workspace, &path);
    assert!(
        after
            .iter()
            .all(|d| d.code != code && d.code != "syntax-error"),
        "{code} after the fix: {after:#?}\n{fixed}"
    );
}

#[test]
fn each_fix_clears_its_finding() {
    fix_clears("undefined-claim-type", "Policy.xml", "Change to \"email\"");
    fix_clears("case-mismatch", "Policy.xml", "Write \"email\"");
    fix_clears(
        "duplicate-metadata-key",
        "Policy.xml",
        "Remove this repeated \"ServiceUrl\"",
    );
    fix_clears(
        "step-order-gap",
        "Base.xml",
        "Renumber the steps of UserJourney \"J\"",
    );
    fix_clears("step-order-duplicate", "Base.xml", "Renumber the steps");
}

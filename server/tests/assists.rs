//! Fixes on the rules' own invalid fixtures: each fix, applied, clears the finding it is for
//! and leaves a file without syntax errors. And on the real corpus's starter packs: every fix
//! and override offered there leaves every file it edits well-formed, in its line endings.

use std::path::Path;
use std::sync::Arc;

use b2c_lsp::assists::{fixes, overrides, FileEdit};
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
    fix_clears(
        "missing-metadata-key",
        "Policy.xml",
        "Add the required metadata item \"ServiceUrl\"",
    );
    fix_clears(
        "metadata-reference-undefined",
        "Base.xml",
        "Create ContentDefinition \"api.page\" in this file",
    );
}

/// Applies `edits` to each file they touch and checks that a file without syntax errors
/// keeps none, and that a CRLF file gets no bare line feed.
fn check_edits(workspace: &b2c_lsp::index::Workspace, what: &str, edits: &[FileEdit]) {
    let mut targets: Vec<&Path> = edits.iter().map(|e| e.path.as_path()).collect();
    targets.sort();
    targets.dedup();
    for target in targets {
        let file = workspace.file(target).expect("edited file is indexed");
        let mine: Vec<FileEdit> = edits.iter().filter(|e| e.path == target).cloned().collect();
        let fixed = apply(&file.text, &mine);
        if file.parse.errors().is_empty() {
            let errors = syntax::parse(&fixed).errors().to_vec();
            assert!(
                errors.is_empty(),
                "{what} in {}: {errors:?}",
                target.display()
            );
        }
        if file.text.contains("\r\n") {
            for edit in &mine {
                assert!(
                    !edit.new_text.replace("\r\n", "").contains('\n'),
                    "{what} in {}: a bare line feed in a CRLF file",
                    target.display()
                );
            }
        }
    }
}

#[test]
fn every_edit_offered_on_the_starter_packs_keeps_the_files_well_formed() {
    let starter = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/starterpack");
    if !starter.is_dir() {
        eprintln!("note: {} is absent; skipped", starter.display());
        return;
    }
    let (workspace, _, _) = b2c_lsp::cli::load(std::slice::from_ref(&starter), &[]).expect("loads");
    let (mut fixes_seen, mut overrides_seen) = (0, 0);
    for path in workspace.reported_paths() {
        let file = workspace.file(&path).expect("indexed");
        let whole = TextRange::up_to((file.text.len() as u32).into());
        for fix in fixes(&workspace, &path, whole) {
            fixes_seen += 1;
            check_edits(&workspace, &fix.title, &fix.edits);
        }
        // The first definitions of each file: enough to reach every kind and wrapper.
        for definition in file.summary.definitions.iter().take(40) {
            for refactor in overrides(&workspace, &path, definition.id_range.start()) {
                overrides_seen += 1;
                check_edits(&workspace, &refactor.title, &refactor.edits);
            }
        }
    }
    assert!(
        fixes_seen > 0 && overrides_seen > 100,
        "{fixes_seen} fixes, {overrides_seen} overrides"
    );
}

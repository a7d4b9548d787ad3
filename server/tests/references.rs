//! Data-driven tests of the index's reference diagnostics: each folder of
//! `test_data/references/` is a small policy set written for one rule (and a clean one); its
//! diagnostics are compared with `expected.txt` next to it. Refresh with
//! `UPDATE_EXPECT=1 cargo test -p b2c-lsp --test references`.

use std::path::Path;

use b2c_lsp::diagnostics::file_diagnostics;
use expect_test::expect_file;

mod support;

/// The codes of the reference rules; other analyses' findings stay out of these snapshots.
const CODES: &[&str] = &[
    "syntax-error",
    "missing-policy-id",
    "base-policy-missing",
    "base-policy-ambiguous",
    "base-policy-cycle",
    "undefined-claim-type",
    "undefined-technical-profile",
    "undefined-claims-transformation",
    "undefined-content-definition",
    "undefined-display-control",
    "undefined-predicate",
    "undefined-predicate-validation",
    "undefined-localized-resources",
    "undefined-user-journey",
    "undefined-sub-journey",
    "undefined-claims-exchange",
    "case-mismatch",
    "duplicate-definition",
    "duplicate-metadata-key",
    "include-cycle",
    "include-claims-other-file",
    "precondition-unknown-claim",
    "precondition-literal-claim",
    "localized-unknown-element",
    "metadata-reference-undefined",
    "subject-not-output",
];

#[test]
fn fixtures() {
    let cases = support::fixture_cases("references");
    assert!(cases.len() >= 10, "expected the fixture cases");
    for case in cases {
        let (workspace, _, undecodable) =
            b2c_lsp::cli::load(std::slice::from_ref(&case), &[]).expect("fixture loads");
        assert!(undecodable.is_empty());
        let actual = support::dump(&case, &workspace, CODES);
        if case.ends_with("clean") {
            assert_eq!(
                actual, "(no findings)\n",
                "the clean set must give no finding"
            );
        } else {
            assert_ne!(
                actual,
                "(no findings)\n",
                "{} must give findings",
                case.display()
            );
        }
        expect_file![case.join("expected.txt")].assert_eq(&actual);
    }
}

/// An edit re-indexes one file and names exactly the files whose chain includes it; a
/// changed PolicyId or BasePolicy can re-route chains, so then every file is named.
#[test]
fn incremental_edits_name_exactly_the_affected_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/references/nearest-candidate");
    let (workspace, _, _) =
        b2c_lsp::cli::load(std::slice::from_ref(&dir), &[]).expect("fixture loads");
    let base_a = std::path::absolute(dir.join("set-a/Base.xml")).expect("absolute");
    let ext_a = std::path::absolute(dir.join("set-a/Ext.xml")).expect("absolute");
    let text = |p: &Path| std::sync::Arc::<str>::from(std::fs::read_to_string(p).expect("fixture"));

    // A content edit in set A's base: set A's two files, never set B's.
    let edited = text(&base_a).replace(
        "<DisplayName>onlyInA</DisplayName>",
        "<DisplayName>Only in A</DisplayName>",
    );
    let mut affected = workspace.set_file(base_a.clone(), edited.into(), false);
    affected.sort();
    assert_eq!(affected, vec![base_a.clone(), ext_a.clone()]);

    // A content edit in a leaf: only itself.
    let edited = text(&ext_a).replace("TP-A", "TP-A2");
    assert_eq!(
        workspace.set_file(ext_a.clone(), edited.into(), false),
        vec![ext_a.clone()]
    );
    assert_eq!(workspace.dependents(&ext_a), vec![ext_a.clone()]);

    // A changed PolicyId re-routes chains: every file is named.
    let edited = text(&base_a).replace("B2C_1A_F_Same_Base", "B2C_1A_F_Renamed");
    assert_eq!(
        workspace
            .set_file(base_a.clone(), edited.into(), false)
            .len(),
        4
    );
    // Set A's extensions file now resolves to set B's base, the only candidate left.
    let chain = workspace.chain(&ext_a);
    assert!(chain.files[1].ends_with("set-b/Base.xml"), "{chain:?}");
}

/// A file of an extra base location completes its chain inside its own pack: the workspace's
/// base that reuses the pack base's PolicyId does not cut into it (a workspace file still
/// prefers workspace candidates).
#[test]
fn a_base_pack_completes_its_own_chain() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/base-location");
    let (workspace, _, _) =
        b2c_lsp::cli::load(&[root.join("workspace")], &[root.join("pack")]).expect("loads");
    let rp = std::path::absolute(root.join("workspace/RelyingParty.xml")).expect("absolute");
    let chain = workspace.chain(&rp);
    let names: Vec<String> = chain
        .files
        .iter()
        .map(|p| p.strip_prefix(&root).unwrap_or(p).display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "workspace/RelyingParty.xml",
            "pack/TrustFrameworkExtensions.xml",
            "pack/TrustFrameworkBase.xml"
        ]
    );
    let codes: Vec<&str> = file_diagnostics(&workspace, &rp)
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert!(!codes.contains(&"undefined-user-journey"), "{codes:?}");
}

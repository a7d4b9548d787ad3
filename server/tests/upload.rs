//! Data-driven tests of the rules that reproduce the rest of B2C's upload validation
//! (`src/rules/`): each folder of `test_data/upload/` is a small policy set with the mistakes
//! of one family and, beside them, the variants B2C accepts, which must stay silent. Its
//! findings are compared with `expected.txt` next to it. Refresh with
//! `UPDATE_EXPECT=1 cargo test -p b2c-lsp --test upload`.

use expect_test::expect_file;

mod support;

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

#[test]
fn fixtures() {
    let cases = support::fixture_cases("upload");
    assert!(!cases.is_empty(), "expected the fixture cases");
    for case in cases {
        let (workspace, _, undecodable) =
            b2c_lsp::cli::load(std::slice::from_ref(&case), &[]).expect("fixture loads");
        assert!(undecodable.is_empty());
        let actual = support::dump(&case, &workspace, CODES);
        assert_ne!(
            actual,
            "(no findings)\n",
            "{} must give findings",
            case.display()
        );
        expect_file![case.join("expected.txt")].assert_eq(&actual);
    }
}

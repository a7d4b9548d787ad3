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

/// The messages B2C gives at upload (as `../shared/docs/b2c-semantics.md` and issue 19 quote
/// them) that the checker reproduces: each with the code that reports it, its severity, and
/// the fixture set (under `test_data/`) that shows it. Two are warnings: a base policy may be
/// in the tenant rather than the workspace, and the StringIds known are the articles' and the
/// working policies', so an id outside them may still be one B2C has. Not reproduced:
/// `de-BE is an invalid culture identifier` (no list of the cultures B2C takes is at hand;
/// the culture's form is checked by the schema pattern).
const UPLOAD_MESSAGES: &[(&str, &str, &str, &str)] = &[
    (
        "Policy \"P\" of tenant \"T\" makes a reference to ClaimType with id \"X\" but neither the policy nor any of its base policies contain such an element.",
        "undefined-claim-type",
        "error",
        "rules/undefined-claim-type/invalid",
    ),
    (
        "Claim type \"C\" is the input claim of technical profile \"TP\" in step \"N\" of user journey \"UJ\" but it is not an output claim in any of the previous steps.",
        "claim-not-produced",
        "error",
        "rules/claim-not-produced/invalid",
    ),
    (
        "Claim type \"C\" is the output claim of the relying party's technical profile, but it is not an output claim in any of the steps of user journey \"UJ\".",
        "rp-claim-not-produced",
        "error",
        "rules/rp-claim-not-produced/invalid",
    ),
    (
        "User journey \"UJ\" ... has step N with M claims exchanges. It must be preceded by a claims provider selection in order to determine which claims exchange can be used.",
        "exchanges-without-selection",
        "error",
        "rules/exchanges-without-selection/invalid",
    ),
    (
        "User journey 'UJ' does not contain a send claims step.",
        "no-send-claims",
        "error",
        "rules/no-send-claims/invalid",
    ),
    (
        "TechnicalProfile \"TP\" ... defines an invalid value \"\" for the metadata item \"client_id\".",
        "empty-metadata-value",
        "error",
        "rules/empty-metadata-value/invalid",
    ),
    (
        "The required \"DisplayName\" element is missing from TechnicalProfile with id \"TP\"",
        "required-element-missing",
        "error",
        "rules/required-element-missing/invalid",
    ),
    (
        "The InputClaims mismatched in ClaimsTransformation with id \"CT\" with TransformationMethod \"M\". ... were declared in the Policy but were not expected by the TransformMethod: [DateTime]rightOperand ...",
        "transformation-claim-data-type",
        "error",
        "rules/transformation-claim-data-type/invalid",
    ),
    (
        "The InputClaims mismatched in ClaimsTransformation ... expected by the TransformMethod but were not declared in the Policy: [String]collection",
        "transformation-claim-mismatch",
        "error",
        "rules/transformation-claim-mismatch/invalid",
    ),
    (
        "Policy with 'policyId': B cannot be found in the directory ...",
        "base-policy-missing",
        "warning",
        "rules/base-policy-missing/invalid",
    ),
    (
        "Schema validation error found at line L col C in policy \"P\": The element 'Parent' ... has invalid child element 'Child' ...",
        "unexpected-child",
        "error",
        "rules/unexpected-child/invalid",
    ),
    (
        "The localized string with ElementType: UxElement and StringId: S has an invalid StringId",
        "invalid-string-id",
        "warning",
        "rules/invalid-string-id/invalid",
    ),
    (
        "(a Metadata Item key given twice; B2C does not say where)",
        "duplicate-metadata-key",
        "error",
        "rules/duplicate-metadata-key/invalid",
    ),
    (
        "A required Metadata item with key \"ApplicationObjectId\" was not found in the TechnicalProfile with id \"TP\"",
        "aad-extension-metadata-missing",
        "error",
        "rules/aad-extension-metadata-missing/invalid",
    ),
    (
        "Profile 'P' uses an insecure authentication mode that is only allowed in production mode policies with metadata key 'AllowInsecureAuthInProduction' set to true.",
        "insecure-rest-auth",
        "error",
        "rules/insecure-rest-auth/invalid",
    ),
    (
        "The element specified by id 'urn:...:selfasserted:2.0.0' cannot be found in the element factory cache.",
        "unknown-page-identifier",
        "error",
        "rules/unknown-page-identifier/invalid",
    ),
    (
        "the only escape patterns allowed in CharacterSet Parameters are \"\\\\\" \"\\-\"",
        "character-set-escape",
        "error",
        "rules/character-set-escape/invalid",
    ),
    (
        "TenantId ... is not same as ...",
        "tenant-mismatch",
        "error",
        "rules/tenant-mismatch/invalid",
    ),
    (
        "The element 'E' cannot contain text. / cannot contain white space. Content model is empty.",
        "unexpected-text",
        "error",
        "rules/unexpected-text/invalid",
    ),
    (
        "The element node \"ClaimsProvider\" at line L is missing the required element \"DisplayName\".",
        "required-element-missing",
        "error",
        "upload/profiles",
    ),
];

/// Each upload message above is reproduced: its fixture set gives its code at its severity.
#[test]
fn upload_messages_are_reproduced() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data");
    for (message, code, severity, fixture) in UPLOAD_MESSAGES {
        let case = root.join(fixture);
        let (workspace, _, _) =
            b2c_lsp::cli::load(std::slice::from_ref(&case), &[]).expect("fixture loads");
        let reproduced = workspace.reported_paths().iter().any(|path| {
            b2c_lsp::diagnostics::file_diagnostics(&workspace, path)
                .iter()
                .any(|d| d.code.as_str() == *code && d.severity.as_str() == *severity)
        });
        assert!(
            reproduced,
            "{fixture} should reproduce `{message}` as {severity}[{code}]"
        );
    }
}

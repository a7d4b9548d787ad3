//! b2c-lsp.toml and inline suppression over the real binary, on the command line and in the
//! server: base locations, ignored files and per-code severities apply alike; a file that does
//! not read stops `check` (exit 2, with its place) and is a warning on itself in the editor;
//! editing it re-judges the open policies. Also the command line's polish: `--max-warnings`,
//! `--stdio` at the top level and `completions`.

mod support;

use serde_json::json;
use support::{extension, run, uri, Scratch, Session, BASE};

/// A base in `pack/` (outside the policy folder), and in `policies/` an extensions file with
/// a case mismatch (`Email`, info) and a built copy under Environments/ with an undefined
/// claim (an error, if it were loaded).
fn project(name: &str) -> Scratch {
    let scratch = Scratch::new(name);
    scratch.write("pack/TrustFrameworkBase.xml", BASE);
    scratch.write(
        "policies/TrustFrameworkExtensions.xml",
        &extension("B2C_1A_T_Ext", "B2C_1A_T_Base", "Email"),
    );
    scratch.write(
        "policies/Environments/Test/TrustFrameworkExtensions.xml",
        &extension("B2C_1A_T_Ext2", "B2C_1A_T_Base", "nowhere"),
    );
    scratch
}

#[test]
fn check_reads_bases_ignores_and_severities_from_b2c_lsp_toml() {
    let scratch = project("config-check");
    let policies = scratch.root.join("policies");
    // Without the file: the base is missing and the built copy is checked.
    let before = run(&policies, &["check", "--format", "short", "."]);
    assert!(
        before.stdout.contains("base-policy-missing"),
        "{}",
        before.stdout
    );
    // With it: the base is found, the copy left out, and the mismatch raised to a warning.
    scratch.write(
        "policies/b2c-lsp.toml",
        "base = [\"../pack\"]\nignore = [\"Environments/**\"]\n\n[severity]\ncase-mismatch = \"warning\"\n",
    );
    let after = run(&policies, &["check", "--format", "short", "."]);
    assert_eq!(after.code, Some(0), "{}{}", after.stdout, after.stderr);
    assert!(
        after
            .stdout
            .contains("TrustFrameworkExtensions.xml:13:48: warning[case-mismatch]"),
        "{}",
        after.stdout
    );
    assert!(!after.stdout.contains("Environments"), "{}", after.stdout);
    assert!(
        !after.stdout.contains("base-policy-missing"),
        "{}",
        after.stdout
    );
    assert!(
        after
            .stdout
            .ends_with("0 errors, 1 warning, 0 other in 1 policy file\n"),
        "{}",
        after.stdout
    );
    // --max-warnings: one warning is more than none.
    let strict = run(&policies, &["check", "--max-warnings", "0", "."]);
    assert_eq!(strict.code, Some(1), "{}", strict.stdout);
    assert!(
        strict.stdout.contains("more than --max-warnings 0 allows"),
        "{}",
        strict.stdout
    );
    assert_eq!(
        run(&policies, &["check", "--max-warnings", "1", "."]).code,
        Some(0)
    );
    // "off" leaves the finding out altogether.
    scratch.write(
        "policies/b2c-lsp.toml",
        "base = [\"../pack\"]\nignore = [\"Environments/**\"]\n[severity]\ncase-mismatch = \"off\"\n",
    );
    let off = run(&policies, &["check", "--format", "short", "."]);
    assert!(
        off.stdout
            .ends_with("0 errors, 0 warnings, 0 other in 1 policy file\n"),
        "{}",
        off.stdout
    );
}

#[test]
fn a_b2c_lsp_toml_that_does_not_read_stops_check_with_its_place() {
    let scratch = project("config-broken");
    let policies = scratch.root.join("policies");
    scratch.write(
        "policies/b2c-lsp.toml",
        "[severity]\ncase-mismach = \"off\"\n",
    );
    let broken = run(&policies, &["check", "."]);
    assert_eq!(broken.code, Some(2));
    assert!(
        broken.stderr.contains("b2c-lsp.toml:2:1: `case-mismach` is not a b2c-lsp diagnostic code (did you mean `case-mismatch`?)"),
        "{}",
        broken.stderr
    );
}

#[test]
fn an_ignore_comment_suppresses_the_named_code_in_the_next_element_only() {
    let scratch = Scratch::new("suppression");
    scratch.write("TrustFrameworkBase.xml", BASE);
    let suppressed = extension("B2C_1A_T_Ext", "B2C_1A_T_Base", "Email").replace(
        "          <OutputClaims>",
        "          <!-- b2c-lsp-ignore case-mismatch: the partner's spelling -->\n          <OutputClaims>",
    );
    scratch.write("TrustFrameworkExtensions.xml", &suppressed);
    let quiet = run(&scratch.root, &["check", "--format", "short", "."]);
    assert!(!quiet.stdout.contains("case-mismatch"), "{}", quiet.stdout);
    // Another code named: the mismatch shows again.
    scratch.write(
        "TrustFrameworkExtensions.xml",
        &suppressed.replace("ignore case-mismatch", "ignore undefined-claim-type"),
    );
    let shown = run(&scratch.root, &["check", "--format", "short", "."]);
    assert!(shown.stdout.contains("case-mismatch"), "{}", shown.stdout);
}

#[test]
fn the_server_applies_b2c_lsp_toml_and_reports_one_that_does_not_read() {
    let scratch = project("config-server");
    let ext = scratch.root.join("policies/TrustFrameworkExtensions.xml");
    let config = scratch.write(
        "policies/b2c-lsp.toml",
        "base = [\"../pack\"]\n[severity]\ncase-mismatch = \"warning\"\n",
    );
    let text = std::fs::read_to_string(&ext).expect("read");
    let mut session = Session::start();
    session.initialize(&scratch.root.join("policies"), json!({}));
    session.open(&ext, &text);
    // The base comes from the file's `base`, and the mismatch is a warning (2).
    let found = session.diagnostics_for(&ext, |d| {
        d.iter()
            .any(|d| d["code"] == "case-mismatch" && d["severity"] == 2)
    });
    assert!(
        found.iter().all(|d| d["code"] != "base-policy-missing"),
        "{found:?}"
    );
    // Broken: a warning on the file itself, and the policies judged without it.
    std::fs::write(
        &config,
        "base = [\"../pack\"]\n[severity]\ncase-mismatch = \"loud\"\n",
    )
    .expect("write");
    let changed = json!({ "changes": [{ "uri": uri(&config), "type": 2 }] });
    session.notify("workspace/didChangeWatchedFiles", changed.clone());
    let own = session.diagnostics_for(&config, |d| !d.is_empty());
    assert_eq!(own[0]["code"], "config-invalid");
    // Linked to its docs like every other diagnostic.
    assert!(
        own[0]["codeDescription"]["href"]
            .as_str()
            .is_some_and(|href| href.ends_with("docs/diagnostics.md#config-invalid")),
        "{}",
        own[0]
    );
    assert_eq!(own[0]["range"]["start"]["line"], 2);
    // Without its base location, the base is missing again.
    session.diagnostics_for(&ext, |d| {
        d.iter().any(|d| d["code"] == "base-policy-missing")
    });
    // Fixed, with the mismatch turned off: the warning on the file goes, and so does the
    // finding.
    std::fs::write(
        &config,
        "base = [\"../pack\"]\n[severity]\ncase-mismatch = \"off\"\n",
    )
    .expect("write");
    session.notify("workspace/didChangeWatchedFiles", changed);
    session.diagnostics_for(&config, |d| d.is_empty());
    session.diagnostics_for(&ext, |d| d.iter().all(|d| d["code"] != "case-mismatch"));
}

#[test]
fn editors_may_start_the_server_with_a_top_level_stdio_flag() {
    let mut session = Session::start_with(&["--stdio"]);
    let scratch = Scratch::new("stdio-flag");
    let result = session.initialize(&scratch.root, json!({}));
    assert!(result["capabilities"].is_object(), "{result}");
}

#[test]
fn completions_are_printed_for_each_shell() {
    let scratch = Scratch::new("completions");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let printed = run(&scratch.root, &["completions", shell]);
        assert_eq!(printed.code, Some(0), "{shell}: {}", printed.stderr);
        assert!(
            printed.stdout.contains("max-warnings"),
            "{shell}: {}",
            printed.stdout
        );
    }
    let help = run(&scratch.root, &["check", "--help"]);
    assert!(
        help.stdout.contains("Exit code: 0 when there is no error"),
        "{}",
        help.stdout
    );
}

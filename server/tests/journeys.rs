//! Data-driven tests of the journey analysis: each folder of `test_data/journeys/` is a small
//! policy set; its journey diagnostics are compared with `expected.txt` next to it, and the
//! Mermaid / DOT / text views of one relying party with snapshots. Refresh with
//! `UPDATE_EXPECT=1 cargo test --test journeys`.

use std::path::{Path, PathBuf};

use b2c_lsp::diagnostics::file_diagnostics;
use b2c_lsp::index::Workspace;
use b2c_lsp::journeys::{journey_hover, journeys_json, render, Format};
use expect_test::expect_file;

/// The codes this analysis reports; other analyses' findings are left out of the snapshots.
const CODES: &[&str] = &[
    "step-order-gap",
    "step-order-duplicate",
    "no-send-claims",
    "exchanges-without-selection",
    "exchange-not-selected",
    "invoke-missing-sub-journey",
    "invoke-wrong-sub-journey-type",
    "claim-not-produced",
    "rp-claim-not-produced",
];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/journeys")
}

fn load(dir: &Path) -> Workspace {
    let (workspace, _, undecodable) =
        b2c_lsp::cli::load(&[dir.to_owned()], &[]).expect("fixture folder loads");
    assert!(undecodable.is_empty());
    workspace
}

fn position(workspace: &Workspace, path: &Path, offset: u32) -> String {
    let Some(file) = workspace.file(path) else {
        return "?".to_owned();
    };
    let at = file.line_index().to_human(&file.text, offset);
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    format!("{name}:{}:{}", at.line, at.col)
}

fn dump(workspace: &Workspace) -> String {
    let mut out = String::new();
    for path in workspace.reported_paths() {
        for d in file_diagnostics(workspace, &path) {
            if !CODES.contains(&d.code.as_str()) {
                continue;
            }
            out.push_str(&format!(
                "{}: {}[{}]: {}\n",
                position(workspace, &path, d.range.start().into()),
                d.severity.as_str(),
                d.code.as_str(),
                d.message
            ));
            for related in &d.related {
                out.push_str(&format!(
                    "    related {}: {}\n",
                    position(workspace, &related.path, related.range.start().into()),
                    related.message
                ));
            }
        }
    }
    if out.is_empty() {
        out.push_str("(no journey findings)\n");
    }
    out
}

#[test]
fn fixtures() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("test_data/journeys exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && !p.ends_with("views"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 6, "fixture folders are missing");
    for case in cases {
        let workspace = load(&case);
        expect_file![case.join("expected.txt")].assert_eq(&dump(&workspace));
    }
}

#[test]
fn ok_fixture_has_no_findings() {
    let workspace = load(&data_dir().join("ok"));
    assert_eq!(dump(&workspace), "(no journey findings)\n");
}

#[test]
fn views_of_a_journey() {
    let dir = data_dir().join("ok");
    let workspace = load(&dir);
    let rp = workspace
        .reported_paths()
        .into_iter()
        .find(|p| p.ends_with("SignIn.xml"))
        .expect("the relying party");
    for (format, name) in [
        (Format::Mermaid, "view.mermaid"),
        (Format::Dot, "view.dot"),
        (Format::Text, "view.txt"),
    ] {
        let text = render(&workspace, &rp, "SignIn.xml", format).expect("a relying party");
        expect_file![data_dir().join("views").join(name)].assert_eq(&text);
    }
    let json = journeys_json(&workspace, &rp);
    assert_eq!(json["journey"]["id"], "SignIn");
    assert_eq!(json["journey"]["steps"].as_array().map(Vec::len), Some(5));
    assert_eq!(json["relyingParty"]["outputClaims"][0]["produced"], true);
    // A file without a relying party has no view.
    let base = dir.join("Base.xml");
    let base = std::path::absolute(&base).unwrap_or(base);
    assert!(render(&workspace, &base, "Base.xml", Format::Text).is_none());
    assert!(journeys_json(&workspace, &base)["relyingParty"].is_null());
}

#[test]
fn hovers() {
    let dir = data_dir().join("ok");
    let workspace = load(&dir);
    let base = workspace
        .reported_paths()
        .into_iter()
        .find(|p| p.ends_with("Base.xml"))
        .expect("the base");
    let text = workspace.file(&base).expect("loaded").text.clone();
    let offset = |needle: &str| text.find(needle).expect("needle in fixture") as u32;

    // On a step's start tag: what is in the bag before it and what it adds.
    let at = offset("<OrchestrationStep Order=\"4\"") + 5;
    let (range, markdown) = journey_hover(&workspace, &base, at).expect("a step hover");
    assert!(range.contains(at.into()));
    assert!(
        markdown.contains("**Step 4** of UserJourney `SignIn`"),
        "{markdown}"
    );
    assert!(markdown.contains("`greeting`"), "{markdown}");
    assert!(markdown.contains("`consent`"), "{markdown}");

    // On a required input claim of a profile that a step runs: who produced it.
    let at = offset("ClaimTypeReferenceId=\"greeting\" Required") + 22;
    let (_, markdown) = journey_hover(&workspace, &base, at).expect("a claim hover");
    assert!(
        markdown.contains("In step 4 of UserJourney `SignIn`"),
        "{markdown}"
    );
    assert!(
        markdown
            .contains("step 2 of SignIn (AAD-Read, output claims transformation CreateGreeting)"),
        "{markdown}"
    );

    // Elsewhere: nothing.
    assert!(journey_hover(&workspace, &base, 0).is_none());
    // Any offset, even past the end, is safe.
    for at in (0..text.len() as u32 + 8).step_by(97) {
        let _ = journey_hover(&workspace, &base, at);
    }
}

/// The corpus of real policies, when present next to the repository: the journey findings
/// stay the ones reviewed by hand (see the module notes of `journeys::check`).
#[test]
fn corpus_findings() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if !corpus.join("samples").is_dir() || !corpus.join("starterpack").is_dir() {
        eprintln!("corpus not present; skipped");
        return;
    }
    let mut findings = Vec::new();
    let starterpack = corpus.join("starterpack");
    let mfa = starterpack.join("SocialAndLocalAccountsWithMfa");
    let mut runs: Vec<(PathBuf, Vec<PathBuf>)> = vec![(starterpack.clone(), Vec::new())];
    let mut samples: Vec<PathBuf> = std::fs::read_dir(corpus.join("samples"))
        .expect("samples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    samples.sort();
    runs.extend(samples.into_iter().map(|s| (s, vec![mfa.clone()])));
    for (dir, bases) in runs {
        let Ok((workspace, _, _)) = b2c_lsp::cli::load(std::slice::from_ref(&dir), &bases) else {
            continue;
        };
        for path in workspace.reported_paths() {
            for d in b2c_lsp::journeys::journey_diagnostics(&workspace, &path) {
                let name = path
                    .strip_prefix(std::path::absolute(&corpus).unwrap_or(corpus.clone()))
                    .map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
                findings.push(format!("{name}: {}", d.code));
            }
        }
    }
    findings.sort();
    assert_eq!(
        findings,
        [
            "samples/custom-sms-displaycontrol/policy/TrustFrameworkExtensionsCustomSMS.xml: claim-not-produced",
            "samples/groups/policy/SignUpOrSignin_Groups.xml: rp-claim-not-produced",
            "samples/totp/policy/PasswordReset_TOTP.xml: rp-claim-not-produced",
            "samples/totp/policy/PasswordReset_TOTP.xml: rp-claim-not-produced",
            // displayName comes only from a validation profile (read: README, "The rest of
            // B2C's upload validation").
            "samples/totp/policy/PasswordReset_TOTP.xml: validation-output-not-returned",
        ]
    );
}

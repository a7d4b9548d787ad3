//! `b2c-lsp build` against expected files written by hand from the rules: a policy folder
//! (`test_data/build/input`: subfolders, three environments, a value that needs escaping in
//! text and in an attribute, non-ASCII, CRLF in one file and a byte-order mark, an old
//! environments folder that must not be read) is built into a scratch copy and compared byte
//! for byte with `test_data/build/expected/<environment>/`.

use std::path::{Path, PathBuf};

use b2c_lsp::build::{build, BuildRequest};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/build")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("scratch folder");
    for entry in std::fs::read_dir(from).expect("readable").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copied");
        }
    }
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable").flatten() {
            if entry.path().is_dir() {
                stack.push(entry.path());
            } else {
                out.push(entry.path().strip_prefix(dir).expect("inside").to_owned());
            }
        }
    }
    out.sort();
    out
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("b2c-build-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_tree(&data().join("input"), &dir);
    dir
}

fn request(folder: &Path) -> BuildRequest {
    BuildRequest {
        folder: folder.to_owned(),
        environments: Vec::new(),
        out: None,
        renumber: false,
        json: false,
    }
}

#[test]
fn every_environment_is_built_byte_for_byte_and_one_without_values_is_not_written() {
    let folder = scratch("all");
    let mut out = Vec::new();
    let code = build(&request(&folder), &mut out).expect("build runs");
    let report = String::from_utf8(out).expect("utf-8");
    assert_eq!(code, 1, "one environment lacks values: {report}");

    for environment in ["Test", "Production"] {
        let expected = data().join("expected").join(environment);
        let built = folder.join("Environments").join(environment);
        assert_eq!(files(&built), files(&expected), "{environment}");
        for file in files(&expected) {
            assert_eq!(
                std::fs::read(built.join(&file)).expect("built"),
                std::fs::read(expected.join(&file)).expect("expected"),
                "{environment}/{}",
                file.display()
            );
        }
    }
    // The environment without values is not written, and each missing value is named with
    // its place and the environment.
    assert!(!folder.join("Environments/Broken").exists());
    assert!(
        report.contains(&format!(
            "{}:10:35: error: {{Settings:IdentityExperienceFrameworkAppId}} has no value in environment \"Broken\"",
            folder.join("TrustFrameworkBase.xml").display()
        )),
        "{report}"
    );
    assert!(report.contains("ApiUrl} has no value in environment \"Broken\""));
    // Each environment's upload order puts the base first.
    assert!(
        report.contains(
            "upload order:\n  1. TrustFrameworkBase.xml (B2C_1A_TrustFrameworkBase)\n  2. sub/B2C_1A_SignUpOrSignin.xml (B2C_1A_signup_signin)"
        ),
        "{report}"
    );
    // The folder of an earlier build is no input: its placeholder would have no value.
    assert!(!report.contains("Stale"), "{report}");
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn one_environment_to_another_folder_renumbered_as_json() {
    let folder = scratch("one");
    let target = folder.join("out");
    let mut out = Vec::new();
    let code = build(
        &BuildRequest {
            environments: vec!["production".to_owned()],
            out: Some(target.clone()),
            renumber: true,
            json: true,
            ..request(&folder)
        },
        &mut out,
    )
    .expect("build runs");
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(report[0]["environment"], "Production");
    assert_eq!(report[0]["written"], true);
    assert_eq!(
        report[0]["uploadOrder"][0]["policyId"],
        "B2C_1A_TrustFrameworkBase"
    );
    assert!(!folder.join("Environments/Production").exists());
    let rp = std::fs::read_to_string(target.join("Production/sub/B2C_1A_SignUpOrSignin.xml"))
        .expect("built");
    // Steps 1 and 3 become 1 and 2; nothing else moves.
    let expected =
        std::fs::read_to_string(data().join("expected/Production/sub/B2C_1A_SignUpOrSignin.xml"))
            .expect("expected")
            .replace(
                "<OrchestrationStep Order=\"3\" Type=\"SendClaims\"",
                "<OrchestrationStep Order=\"2\" Type=\"SendClaims\"",
            );
    assert_eq!(rp, expected);
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn unusable_input_is_a_clear_error() {
    let folder = scratch("bad");
    let unknown = build(
        &BuildRequest {
            environments: vec!["Staging".to_owned()],
            ..request(&folder)
        },
        &mut Vec::new(),
    )
    .expect_err("no such environment");
    assert!(
        unknown.0.contains("no environment \"Staging\""),
        "{}",
        unknown.0
    );
    assert!(unknown.0.contains("Test, Production, Broken"));

    std::fs::write(folder.join("appsettings.json"), "{ \"Environments\": [ ").expect("write");
    let malformed = build(&request(&folder), &mut Vec::new()).expect_err("malformed");
    assert!(
        malformed.0.contains("appsettings.json is not valid"),
        "{}",
        malformed.0
    );

    std::fs::remove_file(folder.join("appsettings.json")).expect("remove");
    let absent = build(&request(&folder), &mut Vec::new()).expect_err("absent");
    assert!(absent.0.contains("cannot read it"), "{}", absent.0);
    let _ = std::fs::remove_dir_all(&folder);
}

/// `check --env NAME` judges the policies as that environment will have them, and reports at
/// the placeholder's place in the source file; the built environments are never input.
#[test]
fn check_for_an_environment_reports_in_the_source() {
    let folder = scratch("check");
    let policy = r#"<?xml version="1.0" encoding="utf-8"?>
<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="{Settings:Tenant}" PolicyId="B2C_1A_Typed" PublicPolicyUri="http://x/B2C_1A_Typed">
  <BuildingBlocks>
    <ClaimsSchema>
      <ClaimType Id="greeting">
        <DisplayName>greeting</DisplayName>
        <DataType>{Settings:Greeting}</DataType>
      </ClaimType>
    </ClaimsSchema>
  </BuildingBlocks>
</TrustFrameworkPolicy>
"#;
    std::fs::write(folder.join("Typed.xml"), policy).expect("write");
    let run = |environment: Option<&str>| {
        let mut out = Vec::new();
        let code = b2c_lsp::cli::check_environment(
            std::slice::from_ref(&folder),
            &[],
            environment,
            b2c_lsp::cli::Format::Text,
            None,
            &mut out,
        )
        .expect("check runs");
        (code, String::from_utf8(out).expect("utf-8"))
    };
    // As written, the placeholder is not judged.
    let (_, plain) = run(None);
    assert!(!plain.contains("Typed.xml:7"), "{plain}");
    // In Test, the DataType is "Grüße & ..." (an error at the placeholder's line and column);
    // in Production it is "Welcome": as wrong, reported at the same place.
    let (code, test) = run(Some("Test"));
    assert_eq!(code, 1, "{test}");
    assert!(
        test.contains("Typed.xml:7:19: error[invalid-element-value]"),
        "{test}"
    );
    // Building first changes nothing: the environments folder is output, not input.
    build(&request(&folder), &mut Vec::new()).expect("build runs");
    let (_, again) = run(Some("Test"));
    assert_eq!(again, test);
    let missing = b2c_lsp::cli::check_environment(
        std::slice::from_ref(&folder),
        &[],
        Some("Staging"),
        b2c_lsp::cli::Format::Text,
        None,
        &mut Vec::new(),
    )
    .expect_err("no such environment");
    assert!(missing.0.contains("no environment \"Staging\""));
    let _ = std::fs::remove_dir_all(&folder);
}

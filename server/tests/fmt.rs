//! `b2c-lsp fmt` over files on disk: formats in place keeping the encoding, byte-order mark
//! and line endings; `--check` only lists; a file with syntax errors is left as it is, with
//! where and why.

use b2c_lsp::cli::fmt;
use syntax::format::FormatOptions;

#[test]
fn formats_in_place_checks_and_refuses_broken_files() {
    let dir = std::env::temp_dir().join(format!("b2c-fmt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    let policy = "\u{feff}<TrustFrameworkPolicy PolicyId=\"B2C_1A_X\">\r\n<BuildingBlocks>\r\n<ClaimsSchema>\r\n<ClaimType Id=\"a\"><DisplayName>A  b</DisplayName></ClaimType>\r\n</ClaimsSchema>\r\n</BuildingBlocks>\r\n</TrustFrameworkPolicy>\r\n";
    let broken =
        "<TrustFrameworkPolicy PolicyId=\"B2C_1A_Y\">\n<BuildingBlocks>\n</TrustFrameworkPolicy>\n";
    std::fs::write(dir.join("Policy.xml"), policy).expect("write");
    std::fs::write(dir.join("Broken.xml"), broken).expect("write");
    let options = FormatOptions::default();
    let run = |check: bool| {
        let mut out = Vec::new();
        let code = fmt(std::slice::from_ref(&dir), check, options, &mut out).expect("runs");
        (code, String::from_utf8(out).expect("utf-8"))
    };

    let (code, out) = run(true);
    assert_eq!(code, 1);
    assert!(out.contains("Policy.xml: would be reformatted"), "{out}");
    assert!(
        out.contains("Broken.xml:2:2: not formatted: the file has syntax errors"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("Policy.xml")).expect("read"),
        policy
    );

    let (_, out) = run(false);
    assert!(out.contains("Policy.xml: formatted"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.join("Policy.xml")).expect("read"),
        "\u{feff}<TrustFrameworkPolicy PolicyId=\"B2C_1A_X\">\r\n  <BuildingBlocks>\r\n    <ClaimsSchema>\r\n      <ClaimType Id=\"a\"><DisplayName>A  b</DisplayName></ClaimType>\r\n    </ClaimsSchema>\r\n  </BuildingBlocks>\r\n</TrustFrameworkPolicy>\r\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("Broken.xml")).expect("read"),
        broken
    );

    // Formatted files pass the check; only the broken one is left.
    std::fs::remove_file(dir.join("Broken.xml")).expect("remove");
    assert_eq!(run(true).0, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

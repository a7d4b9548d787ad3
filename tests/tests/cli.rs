//! End-to-end tests of the command line: `check` exit codes and its text, json, sarif and
//! github outputs, undecodable and non-policy files, bad usage, and `parse`.

mod support;

use serde_json::{json, Value};
use support::{extension, run, Scratch};

const BASE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="t.onmicrosoft.com" PolicyId="B2C_1A_C_Base" PublicPolicyUri="http://t/B2C_1A_C_Base">
  <BuildingBlocks>
    <ClaimsSchema>
      <ClaimType Id="email">
        <DisplayName>Email</DisplayName>
        <DataType>string</DataType>
      </ClaimType>
    </ClaimsSchema>
  </BuildingBlocks>
  <ClaimsProviders>
    <ClaimsProvider>
      <DisplayName>Local</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="TP-Collect">
          <DisplayName>Collect</DisplayName>
          <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
  </ClaimsProviders>
</TrustFrameworkPolicy>
"#;

/// A folder `set/` with a base, an extension with a case mismatch (info), one with an
/// undefined claim (error) and one whose base is missing (warning).
fn mixed(name: &str) -> Scratch {
    let scratch = Scratch::new(name);
    scratch.write("set/Base.xml", BASE);
    scratch.write(
        "set/Ext.xml",
        &extension("B2C_1A_C_Ext", "B2C_1A_C_Base", "Email"),
    );
    scratch.write(
        "set/Bad.xml",
        &extension("B2C_1A_C_Bad", "B2C_1A_C_Base", "nope"),
    );
    scratch.write(
        "set/Orphan.xml",
        &extension("B2C_1A_C_Orphan", "B2C_1A_C_Missing", "email"),
    );
    scratch
}

const UNDEFINED: &str = r#"ClaimType "nope" is not defined: neither policy "B2C_1A_C_Bad" nor its base policies define it"#;
const CASE: &str = r#""Email" differs in case from the ClaimType "email"; B2C matches ids ignoring case, but one spelling reads better"#;
const MISSING: &str = r#"base policy "B2C_1A_C_Missing" is not in the workspace, so references into it are not checked; add the folder that holds it as a base location (`--base DIR`, or the `basePaths` setting)"#;

#[test]
fn exit_codes_and_text_output() {
    let scratch = Scratch::new("cli-exit");
    scratch.write("good/Base.xml", BASE);
    scratch.write(
        "good/Ext.xml",
        &extension("B2C_1A_C_Ext", "B2C_1A_C_Base", "email"),
    );
    scratch.write(
        "warn/Orphan.xml",
        &extension("B2C_1A_C_Orphan", "B2C_1A_C_Missing", "email"),
    );
    scratch.write("bad/Base.xml", BASE);
    scratch.write(
        "bad/Bad.xml",
        &extension("B2C_1A_C_Bad", "B2C_1A_C_Base", "nope"),
    );
    let root = &scratch.root;

    let clean = run(root, &["check", "good"]);
    assert_eq!(clean.code, Some(0), "{}", clean.stderr);
    assert_eq!(
        clean.stdout,
        "0 errors, 0 warnings, 0 other in 2 policy files\n"
    );
    assert_eq!(clean.stderr, "");

    // Warnings alone do not fail the check.
    let warned = run(root, &["check", "warn"]);
    assert_eq!(warned.code, Some(0));
    assert_eq!(
        warned.stdout,
        format!(
            "warn/Orphan.xml:5:15: warning[base-policy-missing]: {MISSING}\n\
             0 errors, 1 warning, 0 other in 1 policy file\n"
        )
    );

    let failed = run(root, &["check", "bad"]);
    assert_eq!(failed.code, Some(1));
    assert_eq!(
        failed.stdout,
        format!(
            "bad/Bad.xml:13:48: error[undefined-claim-type]: {UNDEFINED}\n\
             1 error, 0 warnings, 0 other in 2 policy files\n"
        )
    );
    assert_eq!(failed.stderr, "");

    // The base folder completes the chain without being reported on.
    let based = run(root, &["check", "--base", "good", "warn/Orphan.xml"]);
    assert_eq!(based.code, Some(0));
    assert!(based.stdout.contains("warning[base-policy-missing]"));
    let based = run(root, &["check", "--base", "bad", "bad/Bad.xml"]);
    assert_eq!(based.code, Some(1));
    assert!(based
        .stdout
        .ends_with("1 error, 0 warnings, 0 other in 1 policy file\n"));

    // Bad usage: exit 2 and a message on stderr, nothing on stdout.
    let missing = run(root, &["check", "good", "no/such/folder"]);
    assert_eq!(missing.code, Some(2));
    assert_eq!(missing.stdout, "");
    assert_eq!(
        missing.stderr,
        "b2c-lsp: no/such/folder: no such file or folder\n"
    );
    let missing_base = run(root, &["check", "--base", "nowhere", "good"]);
    assert_eq!(missing_base.code, Some(2));
    assert_eq!(
        missing_base.stderr,
        "b2c-lsp: nowhere: no such file or folder\n"
    );
    let no_paths = run(root, &["check"]);
    assert_eq!(no_paths.code, Some(2));
    assert_eq!(no_paths.stdout, "");
    assert!(no_paths.stderr.contains("<PATHS>"), "{}", no_paths.stderr);
    let bad_format = run(root, &["check", "--format", "yaml", "good"]);
    assert_eq!(bad_format.code, Some(2));
    assert!(
        bad_format
            .stderr
            .contains("[possible values: text, short, pretty, json, sarif, github]"),
        "{}",
        bad_format.stderr
    );
}

#[test]
fn json_output() {
    let scratch = mixed("cli-json");
    let out = run(&scratch.root, &["check", "--format", "json", "set"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stderr, "");
    let range = |line: u32, start: u32, end: u32| json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end}});
    let value: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(
        value,
        json!([
            {"file": "set/Bad.xml", "range": range(12, 47, 51), "severity": "error",
             "code": "undefined-claim-type", "message": UNDEFINED},
            {"file": "set/Ext.xml", "range": range(12, 47, 52), "severity": "info",
             "code": "case-mismatch", "message": CASE},
            {"file": "set/Orphan.xml", "range": range(4, 14, 30), "severity": "warning",
             "code": "base-policy-missing", "message": MISSING},
        ])
    );

    let clean = Scratch::new("cli-json-clean");
    clean.write("Base.xml", BASE);
    let out = run(&clean.root, &["check", "--format", "json", "."]);
    assert_eq!(out.code, Some(0));
    assert_eq!(out.stdout, "[]\n");
}

#[test]
fn sarif_output() {
    let scratch = mixed("cli-sarif");
    // An absolute path under the current folder still gives a relative artifact URI.
    let set = scratch.root.join("set");
    let out = run(
        &scratch.root,
        &["check", "--format", "sarif", set.to_str().unwrap()],
    );
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stderr, "");
    let log: Value = serde_json::from_str(&out.stdout).expect("sarif is json");
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "b2c-lsp");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rule_ids: Vec<&str> = driver["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("rule id"))
        .collect();
    assert_eq!(
        rule_ids,
        [
            "base-policy-missing",
            "case-mismatch",
            "undefined-claim-type"
        ]
    );
    // Each rule links to its section of the published docs.
    for rule in driver["rules"].as_array().expect("rules") {
        let id = rule["id"].as_str().expect("rule id");
        assert_eq!(
            rule["helpUri"],
            format!(
                "{}/blob/main/docs/diagnostics.md#{id}",
                env!("CARGO_PKG_REPOSITORY")
            )
        );
    }
    let location = |uri: &str, line: u32, start: u32, end: u32| {
        json!([{"physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": {"startLine": line, "startColumn": start, "endLine": line, "endColumn": end},
        }}])
    };
    assert_eq!(
        runs[0]["results"],
        json!([
            {"ruleId": "undefined-claim-type", "ruleIndex": 2, "level": "error",
             "message": {"text": UNDEFINED}, "locations": location("set/Bad.xml", 13, 48, 52)},
            {"ruleId": "case-mismatch", "ruleIndex": 1, "level": "note",
             "message": {"text": CASE}, "locations": location("set/Ext.xml", 13, 48, 53)},
            {"ruleId": "base-policy-missing", "ruleIndex": 0, "level": "warning",
             "message": {"text": MISSING}, "locations": location("set/Orphan.xml", 5, 15, 31)},
        ])
    );

    // No findings: still a valid log with one run, no rules and no results.
    let clean = Scratch::new("cli-sarif-clean");
    clean.write("Base.xml", BASE);
    let out = run(&clean.root, &["check", "--format", "sarif", "Base.xml"]);
    assert_eq!(out.code, Some(0));
    let log: Value = serde_json::from_str(&out.stdout).expect("sarif is json");
    assert_eq!(log["runs"][0]["tool"]["driver"]["rules"], json!([]));
    assert_eq!(log["runs"][0]["results"], json!([]));
}

#[test]
fn github_output() {
    let scratch = mixed("cli-github");
    let out = run(&scratch.root, &["check", "--format", "github", "set"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stderr, "");
    assert_eq!(
        out.stdout,
        format!(
            "::error file=set/Bad.xml,line=13,col=48,endLine=13,endColumn=52,title=undefined-claim-type::{UNDEFINED}\n\
             ::notice file=set/Ext.xml,line=13,col=48,endLine=13,endColumn=53,title=case-mismatch::{CASE}\n\
             ::warning file=set/Orphan.xml,line=5,col=15,endLine=5,endColumn=31,title=base-policy-missing::{MISSING}\n\
             1 error, 1 warning, 1 other in 4 policy files\n"
        )
    );

    // `%`, CR and LF are escaped in the message; `,` and `:` too in property values.
    let odd = Scratch::new("cli-github-odd");
    odd.write("odd,dir:x/Base.xml", BASE);
    odd.write(
        "odd,dir:x/Ext.xml",
        &extension("B2C_1A_C_Ext", "B2C_1A_C_Base", "a%b,c:d\r\ne"),
    );
    let out = run(&odd.root, &["check", "--format", "github", "odd,dir:x"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stdout,
        "::error file=odd%2Cdir%3Ax/Ext.xml,line=13,col=48,endLine=14,endColumn=2,\
         title=undefined-claim-type::ClaimType \"a%25b,c:d%0D%0Ae\" is not defined: neither \
         policy \"B2C_1A_C_Ext\" nor its base policies define it\n\
         1 error, 0 warnings, 0 other in 2 policy files\n"
    );
}

#[test]
fn undecodable_file_gives_one_not_utf8_diagnostic() {
    let scratch = Scratch::new("cli-not-utf8");
    scratch.write("Base.xml", BASE);
    let mut bytes = b"<?xml version=\"1.0\"?>\n<TrustFrameworkPolicy PolicyId=\"".to_vec();
    bytes.extend([0xff, 0xfe, 0x80]);
    bytes.extend(b"\" />\n");
    std::fs::write(scratch.root.join("Latin1.xml"), bytes).expect("write");

    let out = run(&scratch.root, &["check", "--format", "json", "."]);
    assert_eq!(out.code, Some(1));
    let value: Value = serde_json::from_str(&out.stdout).expect("json");
    let findings = value.as_array().expect("array");
    assert_eq!(findings.len(), 1, "{value:#}");
    assert_eq!(findings[0]["code"], "not-utf8");
    assert_eq!(findings[0]["severity"], "error");
    assert_eq!(findings[0]["file"], "./Latin1.xml");
    assert_eq!(
        findings[0]["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}})
    );

    let out = run(&scratch.root, &["check", "Latin1.xml"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stdout,
        "Latin1.xml:1:1: error[not-utf8]: the file is not valid UTF-8 (first bad byte at offset 54); \
         save it as UTF-8 to have it checked\n\
         1 error, 0 warnings, 0 other in 0 policy files\n"
    );
}

#[test]
fn non_policy_xml_is_skipped_quietly() {
    let scratch = Scratch::new("cli-non-policy");
    scratch.write("Base.xml", BASE);
    scratch.write(
        "notes.xml",
        "<?xml version=\"1.0\"?>\n<notes><note>hi</note></notes>\n",
    );
    scratch.write("broken-notes.xml", "<html><body><p>not closed\n");
    scratch.write("readme.txt", "<TrustFrameworkPolicy>");
    let out = run(&scratch.root, &["check", "."]);
    assert_eq!(out.code, Some(0));
    assert_eq!(
        out.stdout,
        "0 errors, 0 warnings, 0 other in 1 policy file\n"
    );
    assert_eq!(out.stderr, "");

    // Paths holding no policy at all: a wrong path in CI, not a clean check (issue 14,
    // item 10).
    for args in [
        &["check", "notes.xml", "broken-notes.xml"][..],
        &["check", "readme.txt"][..],
    ] {
        let out = run(&scratch.root, args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stdout);
        assert!(out.stderr.contains("no policy files in"), "{}", out.stderr);
        assert_eq!(out.stdout, "");
    }
    std::fs::create_dir(scratch.root.join("empty")).unwrap();
    let out = run(&scratch.root, &["check", "empty"]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("no policy files in empty"),
        "{}",
        out.stderr
    );
}

/// A base that is not UTF-8 is reported once, and the policies based on it still find it:
/// no misleading missing base (issue 14, item 10).
#[test]
fn the_children_of_an_undecodable_base_still_find_it() {
    let scratch = Scratch::new("cli-not-utf8-base");
    let mut bytes = BASE
        .replace("<DisplayName>Email", "<DisplayName>E-mail \u{e9}")
        .into_bytes();
    let at = bytes.windows(2).position(|w| w == [0xC3, 0xA9]).unwrap();
    bytes.splice(at..at + 2, [0xE9]);
    std::fs::write(scratch.root.join("Base.xml"), bytes).expect("write");
    scratch.write(
        "Ext.xml",
        &extension("B2C_1A_C_Ext", "B2C_1A_C_Base", "email"),
    );
    let out = run(&scratch.root, &["check", "--format", "json", "."]);
    let value: Value = serde_json::from_str(&out.stdout).expect("json");
    let codes: Vec<&str> = value
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert_eq!(codes, ["not-utf8"], "{value:#}");
}

/// A policy that cannot be read is not silently left out (issue 14, item 10).
#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_policy_in_a_folder_fails_the_check() {
    let scratch = Scratch::new("cli-unreadable");
    scratch.write("Base.xml", BASE);
    // A regular file no one can read from its start, even root (file permissions do not
    // stop root): the process's own memory.
    std::os::unix::fs::symlink("/proc/self/mem", scratch.root.join("Locked.xml")).unwrap();
    let out = run(&scratch.root, &["check", "."]);
    assert_eq!(out.code, Some(2), "{}", out.stdout);
    assert!(
        out.stderr.contains("Locked.xml: cannot read"),
        "{}",
        out.stderr
    );
}

/// Undoes the escapes of Rust's `{:?}` for strings.
fn unescape(quoted: &str) -> String {
    let inner = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_else(|| panic!("not a quoted token text: {quoted}"));
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next().expect("escape") {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'u' => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(&hex, 16).expect("hex escape");
                out.push(char::from_u32(code).expect("char"));
            }
            other => panic!("unknown escape \\{other}"),
        }
    }
    out
}

/// The concatenated texts of the tokens in a `parse` dump (lines `KIND@a..b "text"`).
fn tokens_text(dump: &str) -> String {
    dump.lines()
        .filter_map(|line| line.find(" \"").map(|i| unescape(&line[i + 1..])))
        .collect()
}

#[test]
fn parse_dump_is_lossless() {
    let scratch = Scratch::new("cli-parse");
    let good = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- a \"comment\" -->\n\
                <Root a='1 &amp; 2' b=\"é\\x\">\tText with 😀 and &lt;\n  <Child/>\r\n  \
                <![CDATA[ <raw> ]]>\n</Root>\n";
    scratch.write("good.xml", good);
    let out = run(&scratch.root, &["parse", "good.xml"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stderr, "");
    assert!(out.stdout.starts_with("DOCUMENT@0.."), "{}", out.stdout);
    assert_eq!(tokens_text(&out.stdout), good);

    // Malformed input keeps every byte too; its errors go to stderr and the exit code is 1.
    let bad = "<Root>\n  <A x=\"1\" y>\n  </B>\n  text & more\n";
    scratch.write("bad.xml", bad);
    let out = run(&scratch.root, &["parse", "bad.xml"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(tokens_text(&out.stdout), bad);
    assert!(
        out.stderr.starts_with("bad.xml:") && out.stderr.contains("error[syntax-error]"),
        "{}",
        out.stderr
    );

    let missing = run(&scratch.root, &["parse", "nope.xml"]);
    assert_eq!(missing.code, Some(2));
    assert_eq!(missing.stdout, "");
    assert!(
        missing
            .stderr
            .starts_with("b2c-lsp: nope.xml: cannot read: "),
        "{}",
        missing.stderr
    );
}

/// `--format pretty` reports rustc-style: the message with its code, the place, the source
/// line with the span underlined and the fix; without colour when not on a terminal.
#[test]
fn pretty_reports_show_the_line_and_the_fix() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = run(&root, &["check", "--format", "pretty", "examples"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stdout
            .contains("error[undefined-claim-type]: ClaimType \"loyaltyPoints\" is not defined"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("  --> examples/broken/SignUpOrSignIn.xml:31:44"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("^^^^^^^^^^^^^"), "{}", out.stdout);
    assert!(
        out.stdout.contains("= help: Correct the id"),
        "{}",
        out.stdout
    );
    // The note links the code's entry in the published docs, as codeDescription does.
    assert!(
        out.stdout.contains(&format!(
            "= note: see {}/blob/main/docs/diagnostics.md#undefined-claim-type",
            env!("CARGO_PKG_REPOSITORY")
        )),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains('\u{1b}'),
        "no colour in a pipe: {}",
        out.stdout
    );
}

#[test]
fn fix_applies_the_safe_fixes_and_dry_run_only_shows_them() {
    let scratch = Scratch::new("cli-fix");
    scratch.write("set/Base.xml", BASE);
    // CRLF line endings, kept by the fix.
    let cased = extension("B2C_1A_C_Ext", "B2C_1A_C_Base", "Email").replace('\n', "\r\n");
    let ext = scratch.write("set/Ext.xml", &cased);
    let bad = scratch.write(
        "set/Bad.xml",
        &extension("B2C_1A_C_Bad", "B2C_1A_C_Base", "nope"),
    );
    let bad_before = std::fs::read_to_string(&bad).expect("read");

    let dry = run(&scratch.root, &["fix", "--dry-run", "set"]);
    assert_eq!(dry.code, Some(1), "{}{}", dry.stdout, dry.stderr);
    assert!(
        dry.stdout
            .contains("--- a/set/Ext.xml\n+++ b/set/Ext.xml\n"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("-            <OutputClaim ClaimTypeReferenceId=\"Email\" />\r\n+            <OutputClaim ClaimTypeReferenceId=\"email\" />\r\n"),
        "{:?}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .ends_with("1 safe fix to apply in 1 of 3 policy files\n"),
        "{}",
        dry.stdout
    );
    assert_eq!(std::fs::read_to_string(&ext).expect("read"), cased);

    let fixed = run(&scratch.root, &["fix", "set"]);
    assert_eq!(fixed.code, Some(0), "{}{}", fixed.stdout, fixed.stderr);
    assert!(
        fixed.stdout.contains("set/Ext.xml: 1 fix applied\n"),
        "{}",
        fixed.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&ext).expect("read"),
        cased.replace("\"Email\"", "\"email\"")
    );
    // An undefined reference has no safe fix: that file is left alone.
    assert_eq!(std::fs::read_to_string(&bad).expect("read"), bad_before);

    let again = run(&scratch.root, &["fix", "--dry-run", "set"]);
    assert_eq!(again.code, Some(0), "{}", again.stdout);
    assert_eq!(
        again.stdout,
        "0 safe fixes to apply in 0 of 3 policy files\n"
    );
    let check = run(&scratch.root, &["check", "set/Ext.xml", "set/Base.xml"]);
    assert_eq!(check.code, Some(0), "{}", check.stdout);

    let nothing = run(&scratch.root, &["fix", "no-such-folder"]);
    assert_eq!(nothing.code, Some(2));
}

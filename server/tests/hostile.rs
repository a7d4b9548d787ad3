//! Hostile and odd input through the parser, the index, the analyses and the checker, in
//! process: binary garbage, invalid UTF-8, UTF-16 with a byte-order mark, a 10 MB policy,
//! 100,000-deep nesting, 1,000,000 attributes, DOCTYPEs with external entities (never fetched)
//! and a billion-laughs subset (never expanded), offsets out of bounds, and workspace folders
//! with symlink loops, dangling links, pipes and unreadable folders.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use b2c_lsp::diagnostics::{file_diagnostics, Diagnostic};
use b2c_lsp::files::{decode, xml_files};
use b2c_lsp::index::Workspace;
use b2c_lsp::{assists, cli, ide, journeys, navigation};

/// A deterministic byte stream (xorshift), so that a failure can be replayed.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

fn path() -> PathBuf {
    PathBuf::from("/hostile/Policy.xml")
}

/// Indexes `text` and runs the diagnostics and every request kind at `offsets`, and the
/// whole-file ones (semantic tokens, inlay hints, code lenses, links, folding) once.
fn analyse(text: &str, offsets: &[u32]) -> (Workspace, Vec<Diagnostic>) {
    let workspace = Workspace::new();
    workspace.set_file(path(), Arc::from(text), false);
    let diagnostics = file_diagnostics(&workspace, &path());
    for &offset in offsets {
        let _ = navigation::definition(&workspace, &path(), offset);
        let _ = navigation::references(&workspace, &path(), offset, true);
        let _ = navigation::prepare_rename(&workspace, &path(), offset);
        let _ = navigation::rename(&workspace, &path(), offset, "NewId");
        let _ = ide::hover(&workspace, &path(), offset);
        let _ = ide::completion(&workspace, &path(), offset);
        let _ = journeys::journey_hover(&workspace, &path(), offset);
        let at = syntax::TextRange::empty(offset.into());
        let _ = assists::fixes(&workspace, &path(), at);
        let _ = assists::overrides(&workspace, &path(), offset.into());
        if let Some(file) = workspace.file(&path()) {
            let _ =
                ide::editing::selection_ranges(&file.parse, offset.min(text.len() as u32).into());
        }
    }
    let whole = syntax::TextRange::up_to(syntax::TextSize::of(text));
    let _ = ide::semantic::semantic_tokens(&workspace, &path(), None);
    let _ = ide::inlay::inlay_hints(&workspace, &path(), whole);
    let _ = ide::lens::code_lenses(&workspace, &path());
    let _ = ide::links::document_links(&workspace, &path());
    if let Some(file) = workspace.file(&path()) {
        let _ = ide::editing::folding_ranges(&file.text, &file.parse);
    }
    let _ = assists::safe_fixes(&workspace, &path());
    let _ = navigation::outline(&workspace, &path());
    let _ = navigation::workspace_symbols(&workspace, "a", 100);
    let _ = journeys::journeys_json(&workspace, &path());
    (workspace, diagnostics)
}

fn every_offset_kind(text: &str) -> Vec<u32> {
    let len = text.len() as u32;
    vec![
        0,
        1,
        len / 3,
        len / 2,
        len.saturating_sub(1),
        len,
        len + 1,
        u32::MAX,
    ]
}

fn policy(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="t.onmicrosoft.com" PolicyId="B2C_1A_Hostile" PublicPolicyUri="http://t/B2C_1A_Hostile">
{body}
</TrustFrameworkPolicy>
"#
    )
}

#[test]
fn binary_garbage_never_panics_and_round_trips() {
    for seed in 1..=20u64 {
        let bytes = noise(20_000, seed);
        assert!(decode(bytes.clone()).is_err(), "noise is not UTF-8");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let parse = syntax::parse(&text);
        assert_eq!(parse.syntax().text().to_string(), text);
        analyse(&text, &every_offset_kind(&text));
        // Markup-heavy garbage: the same noise mapped onto XML's own characters.
        let alphabet = b"<>/=\"'!?[]-&;# \nabAB:x";
        let markup: String = bytes
            .iter()
            .map(|b| alphabet[*b as usize % alphabet.len()] as char)
            .collect();
        assert_eq!(syntax::parse(&markup).syntax().text().to_string(), markup);
        analyse(&markup, &every_offset_kind(&markup));
    }
}

#[test]
fn invalid_utf8_is_reported_not_guessed() {
    let mut bytes = policy("").into_bytes();
    bytes.insert(60, 0xC3);
    bytes.insert(61, 0x28);
    let error = decode(bytes).expect_err("not UTF-8");
    assert!(error.message.contains("offset 60"), "{}", error.message);
    // A UTF-16 byte-order mark over an odd byte count or unpaired surrogates.
    assert!(decode(vec![0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]).is_err());
    assert!(decode(vec![0xFF, 0xFE, 0x41]).is_ok());
    assert!(decode(vec![0xFE, 0xFF]).is_ok_and(|t| t.is_empty()));
    assert!(decode(Vec::new()).is_ok_and(|t| t.is_empty()));
}

#[test]
fn utf16_files_with_a_bom_read_like_utf8() {
    let text = policy("  <BuildingBlocks>\n    <ClaimsSchema>\n      <ClaimType Id=\"é\">\n        <DataType>strin</DataType>\n      </ClaimType>\n    </ClaimsSchema>\n  </BuildingBlocks>");
    let mut little = vec![0xFF, 0xFE];
    let mut big = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        little.extend(unit.to_le_bytes());
        big.extend(unit.to_be_bytes());
    }
    let expected = analyse(&text, &[]).1;
    assert!(!expected.is_empty(), "the invalid DataType is reported");
    for bytes in [little, big] {
        let decoded = decode(bytes).expect("UTF-16 with a BOM");
        assert_eq!(decoded, text);
        assert_eq!(analyse(&decoded, &[]).1, expected);
    }
}

/// A valid policy of about `bytes` bytes: many ClaimTypes, each referenced once.
fn big_policy(bytes: usize) -> String {
    let mut claims = String::from("  <BuildingBlocks>\n    <ClaimsSchema>\n");
    let mut outputs = String::new();
    let mut i = 0;
    while claims.len() + outputs.len() < bytes {
        claims.push_str(&format!(
            "      <ClaimType Id=\"claim{i}\">\n        <DisplayName>Claim {i}</DisplayName>\n        <DataType>string</DataType>\n      </ClaimType>\n"
        ));
        outputs.push_str(&format!(
            "            <OutputClaim ClaimTypeReferenceId=\"claim{i}\" />\n"
        ));
        i += 1;
    }
    claims.push_str("    </ClaimsSchema>\n  </BuildingBlocks>\n");
    policy(&format!(
        "{claims}  <ClaimsProviders>\n    <ClaimsProvider>\n      <DisplayName>P</DisplayName>\n      <TechnicalProfiles>\n        <TechnicalProfile Id=\"TP\">\n          <DisplayName>TP</DisplayName>\n          <Protocol Name=\"Proprietary\" Handler=\"Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null\" />\n          <OutputClaims>\n{outputs}          </OutputClaims>\n        </TechnicalProfile>\n      </TechnicalProfiles>\n    </ClaimsProvider>\n  </ClaimsProviders>"
    ))
}

/// The fastest of three runs of `work`.
fn fastest(mut work: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Time that grows with the input about linearly: ten times the input may take at most
/// thirty times as long (a quadratic step would take a hundred times).
fn assert_proportional(small: Duration, large: Duration, what: &str) {
    assert!(
        large < small * 30 + Duration::from_millis(50),
        "{what}: 10x the input took {large:?} vs {small:?}"
    );
}

#[test]
fn a_10_mb_policy_is_checked_in_time_proportional_to_its_size() {
    let small = big_policy(1 << 20);
    let large = big_policy(10 << 20);
    let run = |text: &str| {
        let (workspace, diagnostics) = analyse(text, &[text.len() as u32 / 2]);
        assert!(diagnostics.is_empty(), "{:?}", &diagnostics[..1]);
        assert!(workspace.file(&path()).is_some());
    };
    let small_time = {
        let started = Instant::now();
        run(&small);
        started.elapsed()
    };
    let large_time = {
        let started = Instant::now();
        run(&large);
        started.elapsed()
    };
    assert_proportional(small_time, large_time, "10 MB policy");
}

/// A policy whose one profile outputs `count` claims: half of them differ from the one
/// definition only in case, the others are defined nowhere (and near no definition).
fn undefined_claims(count: usize) -> String {
    let mut outputs = String::new();
    for i in 0..count {
        let id = if i % 2 == 0 {
            "Defined".to_owned()
        } else {
            format!("missing{i}")
        };
        outputs.push_str(&format!(
            "            <OutputClaim ClaimTypeReferenceId=\"{id}\" />\n"
        ));
    }
    policy(&format!(
        "  <BuildingBlocks>\n    <ClaimsSchema>\n      <ClaimType Id=\"defined\"><DataType>string</DataType></ClaimType>\n    </ClaimsSchema>\n  </BuildingBlocks>\n  <ClaimsProviders>\n    <ClaimsProvider>\n      <DisplayName>P</DisplayName>\n      <TechnicalProfiles>\n        <TechnicalProfile Id=\"TP\">\n          <OutputClaims>\n{outputs}          </OutputClaims>\n        </TechnicalProfile>\n      </TechnicalProfiles>\n    </ClaimsProvider>\n  </ClaimsProviders>"
    ))
}

/// A policy with `count` ClaimTypes and `count` references to ids defined nowhere, each one
/// edit away from a definition: every reference is a candidate for a did-you-mean.
fn near_misses(count: usize) -> String {
    let mut claims = String::new();
    let mut outputs = String::new();
    for i in 0..count {
        claims.push_str(&format!(
            "      <ClaimType Id=\"claim{i:06}\"><DataType>string</DataType></ClaimType>\n"
        ));
        outputs.push_str(&format!(
            "            <OutputClaim ClaimTypeReferenceId=\"clain{i:06}\" />\n"
        ));
    }
    policy(&format!(
        "  <BuildingBlocks>\n    <ClaimsSchema>\n{claims}    </ClaimsSchema>\n  </BuildingBlocks>\n  <ClaimsProviders>\n    <ClaimsProvider>\n      <DisplayName>P</DisplayName>\n      <TechnicalProfiles>\n        <TechnicalProfile Id=\"TP\">\n          <OutputClaims>\n{outputs}          </OutputClaims>\n        </TechnicalProfile>\n      </TechnicalProfiles>\n    </ClaimsProvider>\n  </ClaimsProviders>"
    ))
}

#[test]
fn did_you_mean_over_thousands_of_definitions_and_misses_stays_linear() {
    let diagnose = |text: &str| {
        let workspace = Workspace::new();
        workspace.set_file(path(), Arc::from(text), false);
        let found = file_diagnostics(&workspace, &path());
        let undefined = found
            .iter()
            .filter(|d| d.code == b2c_lsp::diagnostic::DiagnosticCode::UndefinedClaimType)
            .count();
        assert!(undefined >= text.matches("clain").count());
        // The first ones still get their suggestion.
        assert!(found
            .iter()
            .any(|d| d.message.contains("did you mean \"claim000000\"")));
    };
    let small = near_misses(500);
    let large = near_misses(5_000);
    let small_time = fastest(|| diagnose(&small));
    let large_time = fastest(|| diagnose(&large));
    assert_proportional(
        small_time,
        large_time,
        "did-you-mean over 5,000 near misses",
    );
}

#[test]
fn fixes_over_thousands_of_findings_take_time_proportional_to_them() {
    let fix_everything = |text: &str| {
        let workspace = Workspace::new();
        workspace.set_file(path(), Arc::from(text), false);
        let whole = syntax::TextRange::up_to((text.len() as u32).into());
        let offered = assists::fixes(&workspace, &path(), whole);
        let safe = assists::safe_fixes(&workspace, &path());
        assert!(!offered.is_empty() && !safe.is_empty());
        assert!(safe.iter().all(|f| f.safe));
    };
    let small = undefined_claims(1_000);
    let large = undefined_claims(10_000);
    let small_time = fastest(|| fix_everything(&small));
    let large_time = fastest(|| fix_everything(&large));
    assert_proportional(small_time, large_time, "fixes over 10,000 findings");
}

#[test]
fn nesting_100000_deep_neither_overflows_nor_slows_down() {
    let deep = |depth: usize| {
        let mut text = policy(&"<ClaimsProviders>".repeat(depth));
        text.push_str(&"</ClaimsProviders>".repeat(depth));
        text
    };
    let text = deep(100_000);
    let parse = syntax::parse(&text);
    assert_eq!(parse.syntax().text().to_string(), text);
    assert!(parse.errors().iter().any(|e| e.message.contains("nested")));
    let (_, diagnostics) = analyse(&text, &every_offset_kind(&text));
    assert!(!diagnostics.is_empty());
    // Unclosed, too, and with the cursor at the deepest point.
    let open = policy(&"<a>".repeat(100_000));
    let deepest = open.find("</TrustFrameworkPolicy>").unwrap_or(0) as u32;
    analyse(&open, &[deepest]);
    let small = deep(10_000);
    let small_time = fastest(|| {
        analyse(&small, &[]);
    });
    let large_time = fastest(|| {
        analyse(&text, &[]);
    });
    assert_proportional(small_time, large_time, "deep nesting");
}

#[test]
fn a_million_attributes_on_one_element() {
    let attributes = |count: usize, same_name: bool| {
        let mut element = String::from("  <BuildingBlocks");
        for i in 0..count {
            if same_name {
                element.push_str(" Id=\"x\"");
            } else {
                element.push_str(&format!(" a{i}=\"{i}\""));
            }
        }
        element.push_str(" />");
        policy(&element)
    };
    let timed = |text: &str| {
        let started = Instant::now();
        let workspace = Workspace::new();
        workspace.set_file(path(), Arc::from(text), false);
        let diagnostics = file_diagnostics(&workspace, &path());
        let _ = ide::hover(&workspace, &path(), text.len() as u32 / 2);
        (started.elapsed(), diagnostics.len())
    };
    // A million distinct attributes: each is unknown to the schema and said so once.
    let (small_time, _) = timed(&attributes(100_000, false));
    let (large_time, count) = timed(&attributes(1_000_000, false));
    assert!((1_000_000..=1_000_010).contains(&count), "{count}");
    assert_proportional(small_time, large_time, "1,000,000 attributes");
    // The same name over and over: the parser's duplicate check must not compare each
    // attribute with every earlier one.
    let parse_time = |text: &str| {
        let started = Instant::now();
        let parse = syntax::parse(text);
        (started.elapsed(), parse.errors().len())
    };
    let (small_time, _) = parse_time(&attributes(20_000, true));
    let (large_time, errors) = parse_time(&attributes(200_000, true));
    assert_eq!(errors, 200_000 - 1);
    assert_proportional(small_time, large_time, "200,000 duplicate attributes");
}

/// A server on localhost that records whether anyone connected.
fn listener() -> (std::net::TcpListener, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let url = format!(
        "http://{}/evil.dtd",
        listener.local_addr().expect("address")
    );
    (listener, url)
}

#[test]
fn external_entities_are_never_fetched_or_read() {
    let (listener, url) = listener();
    let secret_dir =
        std::env::temp_dir().join(format!("b2c-hostile-secret-{}", std::process::id()));
    std::fs::create_dir_all(&secret_dir).unwrap();
    let secret = secret_dir.join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-MARKER").unwrap();
    let text = format!(
        r#"<?xml version="1.0"?>
<!DOCTYPE TrustFrameworkPolicy SYSTEM "{url}" [
  <!ENTITY remote SYSTEM "{url}">
  <!ENTITY local SYSTEM "file://{}">
  <!ENTITY % param SYSTEM "{url}">
  %param;
]>
<TrustFrameworkPolicy PolicyId="B2C_1A_X" TenantId="t" PolicySchemaVersion="0.3.0.0" PublicPolicyUri="http://t/x">
  <BuildingBlocks><ClaimsSchema><ClaimType Id="&local;"><DisplayName>&remote;</DisplayName></ClaimType></ClaimsSchema></BuildingBlocks>
</TrustFrameworkPolicy>
"#,
        secret.display()
    );
    let (workspace, diagnostics) = analyse(&text, &every_offset_kind(&text));
    let mut seen = format!("{diagnostics:?}");
    let offsets: Vec<u32> = (0..text.len() as u32).step_by(7).collect();
    for offset in offsets {
        if let Some(hover) = ide::hover(&workspace, &path(), offset) {
            seen.push_str(&hover.markdown);
        }
    }
    seen.push_str(&journeys::journeys_json(&workspace, &path()).to_string());
    assert!(!seen.contains("TOP-SECRET-MARKER"));
    assert!(seen.contains("unknown entity"), "{seen}");
    assert_eq!(syntax::unescape("&local;").as_ref(), "&local;");
    // Nobody knocked on the listener's door.
    assert!(listener
        .accept()
        .is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock));
    let _ = std::fs::remove_dir_all(&secret_dir);
}

/// A billion-laughs document with `levels` levels of tenfold entities.
fn laughs(levels: usize) -> String {
    let mut subset = String::from("  <!ENTITY lol0 \"lol\">\n");
    for i in 1..=levels {
        let refs = format!("&lol{};", i - 1).repeat(10);
        subset.push_str(&format!("  <!ENTITY lol{i} \"{refs}\">\n"));
    }
    format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE TrustFrameworkPolicy [\n{subset}]>\n<TrustFrameworkPolicy PolicyId=\"B2C_1A_L\"><BuildingBlocks><ClaimsSchema><ClaimType Id=\"&lol{levels};\"><DisplayName>&lol{levels};</DisplayName></ClaimType></ClaimsSchema></BuildingBlocks></TrustFrameworkPolicy>\n"
    )
}

#[test]
fn a_billion_laughs_is_never_expanded() {
    // Ten levels would expand to 10^10 laughs, a hundred to 10^100: both are as cheap as
    // their text, and everything the analyses say stays about as long as the file.
    for levels in [10, 100] {
        let text = laughs(levels);
        let (workspace, diagnostics) = analyse(&text, &every_offset_kind(&text));
        let mut said: usize = diagnostics.iter().map(|d| d.message.len()).sum();
        for offset in (0..text.len() as u32).step_by(3) {
            said += ide::hover(&workspace, &path(), offset).map_or(0, |h| h.markdown.len());
        }
        said += journeys::journeys_json(&workspace, &path())
            .to_string()
            .len();
        assert!(
            said < text.len() * 50,
            "{said} bytes said about {} bytes",
            text.len()
        );
        let entity = format!("&lol{levels};");
        assert_eq!(syntax::unescape(&entity).as_ref(), entity);
    }
}

#[test]
fn offsets_and_positions_out_of_bounds() {
    let text = policy("  <BuildingBlocks>\n    <ClaimsSchema>\n      <ClaimType Id=\"a😀b\" />\n    </ClaimsSchema>\n  </BuildingBlocks>");
    let emoji = text.find('😀').unwrap() as u32;
    let mut offsets = every_offset_kind(&text);
    offsets.extend([emoji + 1, emoji + 2, emoji + 3, u32::MAX - 1]);
    let (workspace, _) = analyse(&text, &offsets);
    let missing = PathBuf::from("/hostile/Missing.xml");
    assert!(navigation::definition(&workspace, &missing, 5).is_empty());
    assert!(ide::hover(&workspace, &missing, u32::MAX).is_none());
    assert!(file_diagnostics(&workspace, &missing).is_empty());
    let index = syntax::LineIndex::new(&text);
    for (line, col) in [(0, u32::MAX), (u32::MAX, 0), (u32::MAX, u32::MAX), (4, 17)] {
        let offset = index.from_utf16(&text, syntax::LineCol { line, col });
        assert!(offset as usize <= text.len());
        assert!(text.is_char_boundary(offset as usize));
    }
    for offset in offsets {
        let at = index.to_utf16(&text, offset);
        assert!(at.line as usize <= text.lines().count());
    }
}

fn scratch(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("b2c-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    root
}

#[cfg(unix)]
#[test]
fn workspace_scan_survives_loops_links_pipes_and_locked_folders() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let root = scratch("scan");
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::write(root.join("a/b/Policy.xml"), policy("")).unwrap();
    std::fs::write(root.join("Garbage.xml"), noise(4096, 7)).unwrap();
    let mut latin1 = policy("<!-- caf\u{e9} -->").into_bytes();
    let at = latin1.windows(2).position(|w| w == [0xC3, 0xA9]).unwrap();
    latin1.splice(at..at + 2, [0xE9]);
    std::fs::write(root.join("a/Latin1.xml"), latin1).unwrap();
    symlink(&root, root.join("a/b/root-loop")).unwrap();
    symlink("../..", root.join("a/b/up")).unwrap();
    symlink(root.join("self"), root.join("self")).unwrap();
    symlink("missing.xml", root.join("Dangling.xml")).unwrap();
    let _ = std::process::Command::new("mkfifo")
        .arg(root.join("Pipe.xml"))
        .status();
    let locked = root.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("Inner.xml"), policy("")).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();

    let files = xml_files(&root);
    let names: Vec<&Path> = files
        .iter()
        .map(|f| f.strip_prefix(&root).unwrap())
        .collect();
    // Each real file once; the pipe and the dangling link are no files. (Root reads the
    // locked folder anyway; anyone else skips it.)
    assert!(names.contains(&Path::new("a/b/Policy.xml")));
    assert!(names.contains(&Path::new("Garbage.xml")));
    assert!(!names
        .iter()
        .any(|n| n.ends_with("Pipe.xml") || n.ends_with("Dangling.xml")));
    assert!(names.len() <= 4, "{names:?}");

    // The checker reports the undecodable policy and carries on with the rest (the garbage is
    // reported too when its first bytes cannot rule out a policy).
    let mut out = Vec::new();
    let code = cli::check(
        std::slice::from_ref(&root),
        &[],
        cli::Format::Text,
        &mut out,
    )
    .expect("check runs");
    let out = String::from_utf8(out).unwrap();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Latin1.xml:1:1: error[not-utf8]"), "{out}");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let _ = std::fs::remove_dir_all(&root);
}

/// The text output of `check` on one file.
fn check_output(file: &Path) -> String {
    let mut out = Vec::new();
    let _ = cli::check(&[file.to_path_buf()], &[], cli::Format::Text, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

#[test]
fn unclosed_tags_on_one_long_line_cost_time_proportional_to_their_number() {
    let dir = scratch("long-line");
    let file = dir.join("Tags.xml");
    // An emoji first, so that columns are not byte offsets.
    let tags = |n: usize| policy(&format!("<!-- 😀 -->{}", "<a>".repeat(n))).replace('\n', " ");
    let time = |n: usize| {
        std::fs::write(&file, tags(n)).unwrap();
        let mut output = String::new();
        let took = fastest(|| output = check_output(&file));
        (took, output)
    };
    let (small, _) = time(4_000);
    let (large, output) = time(40_000);
    // Every tag is reported, at its own column of line 1.
    let text = tags(40_000);
    let last = text.rfind("<a>").unwrap() + 1;
    let column = text[..last].chars().count() + 1;
    assert!(
        output.contains(&format!("Tags.xml:1:{column}: error")),
        "no finding at 1:{column}"
    );
    assert_proportional(small, large, "unclosed tags on one line");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_lone_cr_ends_a_line_in_what_check_reports() {
    let dir = scratch("lone-cr");
    let file = dir.join("Cr.xml");
    // The unclosed tag is on line 4 whichever line end is used.
    for line_end in ["\r", "\r\n", "\n"] {
        let text = policy("<!-- one -->\n<Unclosed>").replace('\n', line_end);
        std::fs::write(&file, &text).unwrap();
        let output = check_output(&file);
        assert!(
            output.contains("Cr.xml:4:2: error"),
            "{line_end:?}: {output}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A journey of `steps` steps in which each step needs the claim the one before outputs, and
/// each is skipped on one of `tested` claims that the steps set in turn: every required claim
/// is a candidate for the path rule, and the preconditions' values multiply.
fn tangled_journey(steps: usize, tested: usize) -> String {
    let mut claims = String::new();
    for i in 0..tested {
        claims.push_str(&format!(
            "      <ClaimType Id=\"c{i}\"><DataType>string</DataType></ClaimType>\n"
        ));
    }
    let mut profiles = String::new();
    let mut journey = String::new();
    for i in 0..steps {
        claims.push_str(&format!(
            "      <ClaimType Id=\"r{i}\"><DataType>string</DataType></ClaimType>\n"
        ));
        let input = if i == 0 {
            String::new()
        } else {
            format!(
                "<InputClaims><InputClaim ClaimTypeReferenceId=\"r{}\" Required=\"true\" /></InputClaims>",
                i - 1
            )
        };
        profiles.push_str(&format!(
            "        <TechnicalProfile Id=\"P{i}\"><DisplayName>P</DisplayName><Protocol Name=\"Proprietary\" Handler=\"Web.TPEngine.Providers.ClaimsTransformationProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null\" />{input}<OutputClaims><OutputClaim ClaimTypeReferenceId=\"r{i}\" /><OutputClaim ClaimTypeReferenceId=\"c{}\" /><OutputClaim ClaimTypeReferenceId=\"c{}\" DefaultValue=\"v{}\" /></OutputClaims></TechnicalProfile>\n",
            (i + 1) % tested,
            (i + 5) % tested,
            i % 7
        ));
        journey.push_str(&format!(
            "        <OrchestrationStep Order=\"{}\" Type=\"ClaimsExchange\"><Preconditions><Precondition Type=\"ClaimsExist\" ExecuteActionsIf=\"true\"><Value>c{}</Value><Action>SkipThisOrchestrationStep</Action></Precondition><Precondition Type=\"ClaimEquals\" ExecuteActionsIf=\"false\"><Value>c{}</Value><Value>v{}</Value><Action>SkipThisOrchestrationStep</Action></Precondition></Preconditions><ClaimsExchanges><ClaimsExchange Id=\"X{i}\" TechnicalProfileReferenceId=\"P{i}\" /></ClaimsExchanges></OrchestrationStep>\n",
            i + 1,
            i % tested,
            (i + 7) % tested,
            i % 7
        ));
    }
    policy(&format!(
        "  <BuildingBlocks>\n    <ClaimsSchema>\n{claims}    </ClaimsSchema>\n  </BuildingBlocks>\n  <ClaimsProviders>\n    <ClaimsProvider>\n      <DisplayName>P</DisplayName>\n      <TechnicalProfiles>\n{profiles}        <TechnicalProfile Id=\"JwtIssuer\"><DisplayName>J</DisplayName><Protocol Name=\"None\" /><OutputTokenFormat>JWT</OutputTokenFormat></TechnicalProfile>\n      </TechnicalProfiles>\n    </ClaimsProvider>\n  </ClaimsProviders>\n  <UserJourneys>\n    <UserJourney Id=\"J\">\n      <OrchestrationSteps>\n{journey}        <OrchestrationStep Order=\"{}\" Type=\"SendClaims\" CpimIssuerTechnicalProfileReferenceId=\"JwtIssuer\" />\n      </OrchestrationSteps>\n    </UserJourney>\n  </UserJourneys>\n  <RelyingParty>\n    <DefaultUserJourney ReferenceId=\"J\" />\n    <TechnicalProfile Id=\"PolicyProfile\"><DisplayName>R</DisplayName><Protocol Name=\"OpenIdConnect\" /><OutputClaims><OutputClaim ClaimTypeReferenceId=\"r0\" PartnerClaimType=\"sub\" /></OutputClaims><SubjectNamingInfo ClaimType=\"sub\" /></TechnicalProfile>\n  </RelyingParty>",
        steps + 1
    ))
}

#[test]
fn paths_through_hundreds_of_preconditions_stay_bounded() {
    use b2c_lsp::diagnostic::DiagnosticCode;
    let on_path = |text: &str| {
        let workspace = Workspace::new();
        workspace.set_file(path(), Arc::from(text), false);
        file_diagnostics(&workspace, &path())
            .iter()
            .filter(|d| d.code == DiagnosticCode::ClaimNotProducedOnPath)
            .count()
    };
    let small = tangled_journey(40, 12);
    let large = tangled_journey(400, 12);
    // The rule still speaks on the tangle, within its caps.
    assert!(on_path(&small) > 0);
    let small_time = fastest(|| {
        on_path(&small);
    });
    let large_time = fastest(|| {
        on_path(&large);
    });
    assert_proportional(
        small_time,
        large_time,
        "paths through 400 conditional steps",
    );
    // More claims tested than the model follows: nothing said, quickly.
    assert_eq!(on_path(&tangled_journey(400, 400)), 0);
}

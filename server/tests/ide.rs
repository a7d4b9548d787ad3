//! Tests of the catalog-driven editor features: catalog diagnostics, hover and completion, on
//! the two-file policy set in `test_data/ide/` (a base and an extensions file whose profiles
//! take their protocol from the base or through IncludeTechnicalProfile), with edits applied
//! inline where a test needs a half-typed tag. `$0` marks the cursor.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use b2c_lsp::diagnostics::{Diagnostic, Severity};
use b2c_lsp::ide::{catalog_diagnostics, completion, hover, Completion, CompletionKind};
use b2c_lsp::index::Workspace;
use syntax::TextRange;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/ide")
}

fn base_path() -> PathBuf {
    data_dir().join("TrustFrameworkBase.xml")
}

fn extensions_path() -> PathBuf {
    data_dir().join("TrustFrameworkExtensions.xml")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("fixture")
}

/// The fixture workspace; `edit` replaces the extensions file's text. Returns the workspace and
/// the cursor offset (where `$0` was).
fn workspace_with(extensions: Option<String>) -> (Workspace, u32) {
    let workspace = Workspace::new();
    workspace.set_file(base_path(), Arc::from(read(&base_path())), false);
    let mut text = extensions.unwrap_or_else(|| read(&extensions_path()));
    let cursor = text.find("$0").unwrap_or(0);
    text = text.replacen("$0", "", 1);
    workspace.set_file(extensions_path(), Arc::from(text), false);
    (workspace, cursor as u32)
}

/// The extensions file with `insert` placed right after the first occurrence of `anchor`.
fn extensions_with(anchor: &str, insert: &str) -> String {
    let text = read(&extensions_path());
    let at = text.find(anchor).expect("anchor") + anchor.len();
    format!("{}{}{}", &text[..at], insert, &text[at..])
}

fn text_of(workspace: &Workspace, path: &Path, range: TextRange) -> String {
    let file = workspace.file(path).expect("file");
    file.text[range].to_owned()
}

fn labels(items: &[Completion]) -> Vec<&str> {
    items.iter().map(|c| c.label.as_str()).collect()
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<(&'static str, Severity)> {
    diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.severity))
        .collect()
}

#[test]
fn hover_on_a_metadata_key_uses_the_protocol_from_the_base() {
    let (workspace, _) = workspace_with(None);
    let path = extensions_path();
    let text = read(&path);
    let offset = text.find("SendClaimsIn").expect("key") as u32 + 3;
    let hover = hover(&workspace, &path, offset).expect("hover");
    assert_eq!(text_of(&workspace, &path, hover.range), "SendClaimsIn");
    assert_eq!(
        hover.markdown,
        "**SendClaimsIn** (RESTful metadata)\n\n\
         Where input claims go: Body (JSON, POST), Form (POST), Header, Url or QueryString (GET).\n\n\
         Values: Body, Form, Header, Url, QueryString\n\n\
         Default: `Body`"
    );
}

#[test]
fn hover_on_a_reference_summarises_the_claim_type() {
    let (workspace, _) = workspace_with(None);
    let path = base_path();
    let text = read(&path);
    let offset = text
        .find("ClaimTypeReferenceId=\"otherEmail\"")
        .expect("ref") as u32
        + 23;
    let hover = hover(&workspace, &path, offset).expect("hover");
    assert_eq!(text_of(&workspace, &path, hover.range), "otherEmail");
    assert_eq!(
        hover.markdown,
        "**ClaimType** `otherEmail`\n- DataType: string\n- DisplayName: Other email\n\n\
         Defined in TrustFrameworkBase.xml, line 10"
    );
}

#[test]
fn hover_on_a_technical_profile_reference_shows_the_merged_profile() {
    let (workspace, _) = workspace_with(None);
    let path = extensions_path();
    let text = read(&path);
    let offset = text.find("ReferenceId=\"AAD-Common\"").expect("ref") as u32 + 14;
    let hover = hover(&workspace, &path, offset).expect("hover");
    assert_eq!(
        hover.markdown,
        "**TechnicalProfile** `AAD-Common`\n- type: Microsoft Entra ID (directory)\n\
         - metadata: ApplicationObjectId=00000000-0000-0000-0000-000000000000\n\n\
         Defined in TrustFrameworkBase.xml, line 57"
    );
}

#[test]
fn hover_on_method_element_and_resolver() {
    let (workspace, _) = workspace_with(None);
    let base = base_path();
    let text = read(&base);
    let offset = text.find("\"CompareClaims\"").expect("method") as u32 + 2;
    let method = hover(&workspace, &base, offset).expect("method hover");
    assert!(method
        .markdown
        .starts_with("**CompareClaims** (string claims transformation)"));
    assert!(method
        .markdown
        .contains("- input parameters: `operator` (string) one of EQUAL / NOT EQUAL"));

    let offset = text.find("<ContentDefinitions>").expect("element") as u32 + 3;
    let element = hover(&workspace, &base, offset).expect("element hover");
    assert!(element.markdown.starts_with("**ContentDefinitions**"));

    let edited = extensions_with(
        "<Item Key=\"SendClaimsIn\">Body</Item>",
        "\n            <Item Key=\"DebugMode\">{Culture:LCID}</Item>",
    );
    let at = edited.find("{Culture:LCID}").expect("resolver") + 4;
    let (workspace, _) = workspace_with(Some(format!("{}$0{}", &edited[..at], &edited[at..])));
    let resolver = hover(&workspace, &extensions_path(), at as u32).expect("resolver hover");
    assert_eq!(
        text_of(&workspace, &extensions_path(), resolver.range),
        "{Culture:LCID}"
    );
    assert!(resolver
        .markdown
        .starts_with("**{Culture:LCID}** (claim resolver)"));
}

#[test]
fn metadata_keys_complete_after_an_include_in_a_half_typed_tag() {
    let edited = extensions_with(
        "<Item Key=\"Operation\">Read</Item>",
        "\n            <Item Key=\"$0\n",
    );
    let (workspace, cursor) = workspace_with(Some(edited));
    let items = completion(&workspace, &extensions_path(), cursor);
    let names = labels(&items);
    // The type comes from AAD-Common through IncludeTechnicalProfile.
    assert!(
        names.contains(&"RaiseErrorIfClaimsPrincipalDoesNotExist"),
        "{names:?}"
    );
    assert!(names.contains(&"IncludeClaimResolvingInClaimsHandling"));
    // Set here or inherited through the include: not offered again.
    assert!(!names.contains(&"Operation"));
    assert!(!names.contains(&"ApplicationObjectId"));
    // Keys of other types are not offered.
    assert!(!names.contains(&"ServiceUrl"));
    let first = items.first().expect("an item");
    assert_eq!(first.kind, CompletionKind::MetadataKey);
    assert_eq!(first.replace_range, TextRange::empty(cursor.into()));
    assert!(!first.is_snippet);
}

#[test]
fn metadata_key_completion_replaces_the_typed_prefix() {
    let edited = extensions_with(
        "<Item Key=\"SendClaimsIn\">Body</Item>",
        "\n            <Item Key=\"Deb$0\">true</Item>",
    );
    let (workspace, cursor) = workspace_with(Some(edited));
    let items = completion(&workspace, &extensions_path(), cursor);
    let debug = items
        .iter()
        .find(|c| c.label == "DebugMode")
        .expect("DebugMode offered");
    assert_eq!(
        text_of(&workspace, &extensions_path(), debug.replace_range),
        "Deb"
    );
    assert_eq!(debug.detail.as_deref(), Some("RESTful"));
    let names = labels(&items);
    assert!(!names.contains(&"ServiceUrl"), "inherited from the base");
    assert!(!names.contains(&"SendClaimsIn"), "set in this file");
}

#[test]
fn metadata_values_resolvers_and_settings_complete_in_item_text() {
    let edited = extensions_with(
        "<Item Key=\"SendClaimsIn\">Body</Item>",
        "\n            <Item Key=\"AuthenticationType\">$0</Item>",
    );
    let (workspace, cursor) = workspace_with(Some(edited));
    let items = completion(&workspace, &extensions_path(), cursor);
    assert_eq!(
        labels(&items),
        [
            "None",
            "Basic",
            "Bearer",
            "ClientCertificate",
            "ApiKeyHeader"
        ]
    );

    let edited = extensions_with(
        "<Item Key=\"SendClaimsIn\">Body</Item>",
        "\n            <Item Key=\"ServiceUrl\">{Se$0</Item>",
    );
    let (workspace, cursor) = workspace_with(Some(edited));
    let items = completion(&workspace, &extensions_path(), cursor);
    let settings: Vec<&str> = items
        .iter()
        .filter(|c| c.kind == CompletionKind::Setting)
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(
        settings,
        [
            "{Settings:AllowInsecure}",
            "{Settings:Environment}",
            "{Settings:Filename}",
            "{Settings:PolicyFilename}",
            "{Settings:RestUrl}",
            "{Settings:Tenant}"
        ]
    );
    let lcid = items
        .iter()
        .find(|c| c.label == "{Culture:LCID}")
        .expect("resolver offered");
    assert_eq!(lcid.kind, CompletionKind::Resolver);
    assert_eq!(
        text_of(&workspace, &extensions_path(), lcid.replace_range),
        "{Se"
    );
    let claim = items
        .iter()
        .find(|c| c.label == "{Claim:<claim type>}")
        .expect("family offered");
    assert!(claim.is_snippet);
    assert_eq!(claim.insert_text, "{Claim:${1:claim type}}");
}

#[test]
fn claim_resolver_completes_with_the_claim_types_of_the_chain() {
    let edited = extensions_with(
        "<Item Key=\"SendClaimsIn\">Body</Item>",
        "\n            <Item Key=\"ServiceUrl\">https://x/{claim:oth$0</Item>",
    );
    let (workspace, cursor) = workspace_with(Some(edited));
    let items = completion(&workspace, &extensions_path(), cursor);
    let other = items
        .iter()
        .find(|c| c.label == "{Claim:otherEmail}")
        .expect("a claim type of the base offered");
    assert_eq!(other.insert_text, "{Claim:otherEmail}");
    assert_eq!(
        text_of(&workspace, &extensions_path(), other.replace_range),
        "{claim:oth"
    );
    assert!(other
        .detail
        .as_deref()
        .is_some_and(|d| d.contains("TrustFrameworkBase.xml")));
    // Before `{Claim:` is typed, only the family is offered, not every claim type.
    let edited = extensions_with(
        "<Item Key=\"SendClaimsIn\">Body</Item>",
        "\n            <Item Key=\"ServiceUrl\">{Cl$0</Item>",
    );
    let (workspace, cursor) = workspace_with(Some(edited));
    let items = completion(&workspace, &extensions_path(), cursor);
    assert!(items.iter().any(|c| c.label == "{Claim:<claim type>}"));
    assert!(!items.iter().any(|c| c.label == "{Claim:otherEmail}"));
}

#[test]
fn elements_attributes_and_references_complete_from_the_schema_and_chain() {
    // Children of a TechnicalProfile after its Metadata: the schema order rules out Protocol.
    let edited = extensions_with(
        "<IncludeTechnicalProfile ReferenceId=\"AAD-Common\" />",
        "\n          <$0",
    );
    let (workspace, cursor) = workspace_with(Some(edited));
    let items = completion(&workspace, &extensions_path(), cursor);
    let names = labels(&items);
    assert!(
        names.contains(&"UseTechnicalProfileForSessionManagement"),
        "{names:?}"
    );
    assert!(!names.contains(&"Protocol"));
    assert!(!names.contains(&"IncludeTechnicalProfile"), "at most one");
    let session = items
        .iter()
        .find(|c| c.label == "UseTechnicalProfileForSessionManagement")
        .expect("session");
    assert_eq!(
        session.insert_text,
        "UseTechnicalProfileForSessionManagement ReferenceId=\"$1\" />"
    );
    assert!(session.is_snippet);

    // Attributes not yet present.
    let edited = extensions_with("<Item Key=\"Operation\"", " $0");
    let (workspace, cursor) = workspace_with(Some(edited));
    let items = completion(&workspace, &extensions_path(), cursor);
    assert!(items.iter().all(|c| c.label != "Key"));

    // Ids by kind from the chain.
    let edited = extensions_with(
        "<IncludeTechnicalProfile ReferenceId=\"AAD-Common\" />",
        "\n          <UseTechnicalProfileForSessionManagement ReferenceId=\"$0\" />",
    );
    let (workspace, cursor) = workspace_with(Some(edited));
    let items = completion(&workspace, &extensions_path(), cursor);
    assert_eq!(
        labels(&items),
        ["REST-Lookup", "AAD-UserRead", "AAD-Common"],
        "this file first, then the base"
    );
    assert_eq!(items[0].kind, CompletionKind::Reference);
    assert_eq!(
        items[2].detail.as_deref(),
        Some("TechnicalProfile in TrustFrameworkBase.xml")
    );
}

#[test]
fn transformation_names_complete_from_the_method() {
    let workspace = Workspace::new();
    let text = read(&base_path()).replacen(
        "TransformationClaimType=\"rightOperand\"",
        "TransformationClaimType=\"\"",
        1,
    );
    let cursor = text.find("TransformationClaimType=\"\"").expect("attr") + 25;
    workspace.set_file(base_path(), Arc::from(text), false);
    let items = completion(&workspace, &base_path(), cursor as u32);
    assert_eq!(labels(&items), ["inputClaim2"]);

    let text = read(&base_path());
    let cursor = text.find("\"CompareClaims\"").expect("method") + 1;
    workspace.set_file(base_path(), Arc::from(text), false);
    let items = completion(&workspace, &base_path(), cursor as u32);
    assert!(items.iter().any(|c| c.label == "AddItemToStringCollection"));
    assert!(items.iter().all(|c| c.kind == CompletionKind::Method));
}

#[test]
fn transformation_mismatch_is_an_error_with_the_method_signature() {
    let (workspace, _) = workspace_with(None);
    let path = base_path();
    let diagnostics = catalog_diagnostics(&workspace, &path);
    // A misspelt TransformationClaimType is one mistake: one finding on the misspelt name,
    // saying both what the method does not take and what it misses, as B2C's message does.
    assert_eq!(
        codes(&diagnostics),
        [("transformation-claim-mismatch", Severity::Error)]
    );
    let mismatch = &diagnostics[0];
    assert_eq!(text_of(&workspace, &path, mismatch.range), "rightOperand");
    assert_eq!(
        mismatch.message,
        "the InputClaims of ClaimsTransformation \"CompareEmails\" do not fit method CompareClaims: \
         it declares \"rightOperand\" that the method does not take, and it lacks inputClaim2 (string) \
         that the method expects; the method takes inputClaim1 (string), inputClaim2 (string)"
    );
}

/// A schema-enumerated value that is a build step's placeholder (upper case with
/// underscores) is one warning that says so, not a schema error.
#[test]
fn placeholder_values_are_a_warning() {
    let edited = std::fs::read_to_string(extensions_path())
        .expect("fixture")
        .replacen(
            "PolicyId=",
            "DeploymentMode=\"APPINSIGHTS_LOGGINGMODE\" PolicyId=",
            1,
        );
    let (workspace, _) = workspace_with(Some(edited.clone()));
    let path = extensions_path();
    let found: Vec<(&str, Severity)> = catalog_diagnostics(&workspace, &path)
        .iter()
        .filter(|d| d.code != "unknown-metadata-key")
        .map(|d| (d.code.as_str(), d.severity))
        .collect();
    assert_eq!(found, [("unreplaced-placeholder", Severity::Warning)]);
    // A value that is no placeholder stays a schema error.
    let (workspace, _) = workspace_with(Some(
        edited.replace("APPINSIGHTS_LOGGINGMODE", "Developing"),
    ));
    let found: Vec<(&str, Severity)> = catalog_diagnostics(&workspace, &path)
        .iter()
        .filter(|d| d.code != "unknown-metadata-key")
        .map(|d| (d.code.as_str(), d.severity))
        .collect();
    assert_eq!(found, [("invalid-attribute-value", Severity::Error)]);
}

#[test]
fn unknown_metadata_key_is_a_warning_for_the_effective_type() {
    let (workspace, _) = workspace_with(None);
    let path = extensions_path();
    let diagnostics = catalog_diagnostics(&workspace, &path);
    assert_eq!(
        codes(&diagnostics),
        [("unknown-metadata-key", Severity::Warning)]
    );
    assert_eq!(
        text_of(&workspace, &path, diagnostics[0].range),
        "NoSuchKey"
    );
    assert_eq!(
        diagnostics[0].message,
        "\"NoSuchKey\" is not a metadata key of RESTful technical profiles; B2C ignores it"
    );
}

#[test]
fn metadata_values_structure_and_missing_keys_are_checked() {
    let edited = extensions_with(
        "<Item Key=\"SendClaimsIn\">Body</Item>",
        "\n            <Item Key=\"DebugMode\">maybe</Item>\n            <Item Key=\"AuthenticationType\">none</Item>",
    )
    .replace("<Item Key=\"Operation\">Read</Item>", "")
    .replace("<DisplayName>REST APIs</DisplayName>", "<DisplayName>REST APIs</DisplayName><Bogus/>");
    let (workspace, _) = workspace_with(Some(edited));
    let path = extensions_path();
    let diagnostics = catalog_diagnostics(&workspace, &path);
    let found: Vec<(&str, String)> = diagnostics
        .iter()
        .map(|d| (d.code.as_str(), text_of(&workspace, &path, d.range)))
        .collect();
    assert_eq!(
        found,
        [
            ("unknown-element", "Bogus".to_owned()),
            ("invalid-metadata-value", "maybe".to_owned()),
            ("unknown-metadata-key", "NoSuchKey".to_owned()),
            ("missing-metadata-key", "AAD-UserRead".to_owned()),
            ("missing-required-child", "Metadata".to_owned()),
        ],
        "a value differing only in case (none) is fine"
    );
    assert_eq!(diagnostics[0].severity, Severity::Error);
    assert_eq!(diagnostics[3].severity, Severity::Warning);
    assert_eq!(
        diagnostics[1].message,
        "\"maybe\" is not a valid value for metadata item \"DebugMode\": expected true or false"
    );
}

#[test]
fn no_panic_at_any_offset() {
    let (workspace, _) = workspace_with(Some(extensions_with(
        "<Item Key=\"Operation\">Read</Item>",
        "\n<Item Key=\"é{Cul\n<\n<Item \n</Metadata ",
    )));
    for path in [base_path(), extensions_path()] {
        let len = workspace.file(&path).expect("file").text.len() as u32;
        for offset in (0..len + 3).step_by(3).chain([u32::MAX]) {
            let _ = hover(&workspace, &path, offset);
            let _ = completion(&workspace, &path, offset);
        }
    }
    let missing = Path::new("/no/such/file.xml");
    assert!(hover(&workspace, missing, 0).is_none());
    assert!(completion(&workspace, missing, 0).is_empty());
    assert!(catalog_diagnostics(&workspace, missing).is_empty());
}

/// The official starter pack and the samples must show no catalog error except the two real
/// mistakes (a ClaimsProvider directly under TrustFrameworkPolicy in the Authy sample, a stray
/// `-->` in the encrypted-profile sample).
#[test]
fn corpus_has_no_catalog_errors() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let starterpack = corpus.join("starterpack");
    if !starterpack.is_dir() {
        eprintln!("corpus not present; skipped");
        return;
    }
    let errors = |paths: &[PathBuf], bases: &[PathBuf]| -> Vec<String> {
        let (workspace, _, _) = b2c_lsp::cli::load(paths, bases).expect("load");
        workspace
            .reported_paths()
            .iter()
            .flat_map(|path| {
                catalog_diagnostics(&workspace, path)
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error)
                    .map(|d| format!("{}: {} {}", path.display(), d.code, d.message))
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    assert_eq!(
        errors(std::slice::from_ref(&starterpack), &[]),
        Vec::<String>::new()
    );
    let samples = corpus.join("samples");
    let Ok(entries) = std::fs::read_dir(&samples) else {
        return;
    };
    let base = starterpack.join("SocialAndLocalAccountsWithMfa");
    let mut found = Vec::new();
    for entry in entries.flatten() {
        if entry.path().is_dir() {
            found.extend(errors(&[entry.path()], std::slice::from_ref(&base)));
        }
    }
    found.sort();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].contains("custom-mfa-authy-app"));
    assert!(found[0].contains("TrustFrameworkPolicy cannot contain ClaimsProvider"));
    // A stray `-->` left of a removed comment: text where only elements may be.
    assert!(found[1].contains("encrypted-profile"));
    assert!(found[1].contains("UserJourneyBehaviors cannot contain text"));
}

/// Structure findings of unchanged units are reused after an edit elsewhere in the file; they
/// must still point at the right text, wherever the unit moved.
#[test]
fn cached_structure_findings_follow_their_element() {
    let policy = |padding: &str| {
        format!(
            r#"<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="t.onmicrosoft.com" PolicyId="B2C_1A_Units" PublicPolicyUri="http://t/B2C_1A_Units">
  <BuildingBlocks>
    <ClaimsSchema>
      <ClaimType Id="email{padding}">
        <DisplayName>Email</DisplayName>
        <DataType>string</DataType>
      </ClaimType>
    </ClaimsSchema>
  </BuildingBlocks>
  <ClaimsProviders>
    <ClaimsProvider>
      <DisplayName>Units</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="TP-Units">
          <DisplayName>Units</DisplayName>
          <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.ClaimsTransformationProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
          <Bogus />
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
  </ClaimsProviders>
</TrustFrameworkPolicy>
"#
        )
    };
    let workspace = b2c_lsp::index::Workspace::new();
    let path = std::path::PathBuf::from("/units/Policy.xml");
    for padding in ["", "Address", "", "LongerPaddingThatMovesEverything"] {
        let text = policy(padding);
        workspace.set_file(path.clone(), std::sync::Arc::from(text.as_str()), false);
        let findings: Vec<_> = b2c_lsp::ide::catalog_diagnostics(&workspace, &path)
            .into_iter()
            .filter(|d| d.code == "unknown-element")
            .collect();
        assert_eq!(findings.len(), 1, "{findings:?}");
        let range = findings[0].range;
        assert_eq!(
            &text[usize::from(range.start())..usize::from(range.end())],
            "Bogus"
        );
    }
}

/// One mistake, one diagnostic: a start tag left open makes the parser recover, and the
/// elements it misplaces while recovering are not reported as schema errors.
#[test]
fn a_syntax_error_is_not_followed_by_schema_errors_of_its_recovery() {
    let broken = read(&extensions_path()).replacen("<Metadata>", "<Metadata", 1);
    let (workspace, _) = workspace_with(Some(broken));
    let path = extensions_path();
    let all = b2c_lsp::diagnostics::file_diagnostics(&workspace, &path);
    let errors: Vec<&str> = all
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code.as_str())
        .collect();
    assert!(errors.contains(&"syntax-error"), "{all:#?}");
    assert!(
        errors.iter().all(|c| *c == "syntax-error"),
        "only the syntax error(s): {all:#?}"
    );
}

/// On a `{Settings:Name}` placeholder, hover shows its value in each environment of the
/// governing appsettings.json, and completion offers the built-in names.
#[test]
fn settings_placeholders_hover_with_each_environment_and_complete_built_ins() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/rules/unresolved-setting/invalid");
    let (workspace, _, _) = b2c_lsp::cli::load(std::slice::from_ref(&dir), &[]).expect("loads");
    let path = std::path::absolute(dir.join("Policy.xml")).expect("absolute");
    let text = workspace.file(&path).expect("indexed").text.clone();
    let at = text.find("{Settings:AppId}").expect("placeholder") as u32 + 3;
    let shown = hover(&workspace, &path, at).expect("a hover");
    assert!(
        shown.markdown.contains("| Test | `1111` |"),
        "{}",
        shown.markdown
    );
    assert!(
        shown.markdown.contains("| Production | *(no value)* |"),
        "{}",
        shown.markdown
    );
    assert_eq!(&text[shown.range], "{Settings:AppId}");
    // Go to definition lands on the key in appsettings.json (Test sets it, Production not).
    let targets = b2c_lsp::navigation::definition(&workspace, &path, at);
    assert_eq!(targets.len(), 1, "{targets:?}");
    assert!(targets[0].path.ends_with("appsettings.json"));
    let json = std::fs::read_to_string(&targets[0].path).expect("appsettings");
    assert_eq!(&json[targets[0].range], "AppId");

    let edited = text.replacen("{Settings:AppId}", "{Settings:", 1);
    let open = edited.find("{Settings:").expect("typed") as u32 + "{Settings:".len() as u32;
    workspace.set_file(path.clone(), Arc::from(edited), false);
    let items = completion(&workspace, &path, open);
    for name in [
        "{Settings:AppId}",
        "{Settings:Environment}",
        "{Settings:PolicyFilename}",
        "{Settings:Tenant}",
    ] {
        assert!(
            labels(&items).contains(&name),
            "{name} in {:?}",
            labels(&items)
        );
    }
}

//! Checks of the editor configurations that have no runtime of their own here: the Helix
//! `languages.toml` names the server with the right command, and the server starts with the
//! arguments and options it gives.

mod support;

use std::path::PathBuf;

use serde_json::{json, Value};
use support::{Scratch, Session};

fn helix_languages() -> toml::Table {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../editors/helix/languages.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", path.display()))
}

#[test]
fn helix_config_names_the_server_for_xml() {
    let config = helix_languages();

    let servers = config["language-server"]
        .as_table()
        .expect("[language-server] table");
    assert_eq!(
        servers.keys().collect::<Vec<_>>(),
        ["b2c-lsp"],
        "one language server, b2c-lsp"
    );
    let server = servers["b2c-lsp"].as_table().expect("b2c-lsp table");
    assert_eq!(server["command"].as_str(), Some("b2c-lsp"));
    assert_eq!(
        server["args"],
        toml::Value::Array(vec![toml::Value::String("serve".to_owned())])
    );

    let languages = config["language"].as_array().expect("[[language]] array");
    let xml: Vec<&toml::Table> = languages
        .iter()
        .filter_map(toml::Value::as_table)
        .filter(|l| l.get("name").and_then(toml::Value::as_str) == Some("xml"))
        .collect();
    assert_eq!(xml.len(), 1, "one [[language]] entry for xml");
    let names: Vec<&str> = xml[0]["language-servers"]
        .as_array()
        .expect("language-servers list")
        .iter()
        .map(|s| s.as_str().expect("a server name"))
        .collect();
    assert!(names.contains(&"b2c-lsp"), "xml servers: {names:?}");
}

/// Starts the real binary the way Helix would (the configured args, `config` as
/// initializationOptions and as settings) and sees diagnostics come back.
#[test]
fn helix_config_starts_the_server() {
    let config = helix_languages();
    let server = config["language-server"]["b2c-lsp"]
        .as_table()
        .expect("b2c-lsp table");
    let args: Vec<&str> = server["args"]
        .as_array()
        .expect("args")
        .iter()
        .map(|a| a.as_str().expect("string arg"))
        .collect();
    let options: Value = serde_json::to_value(&server["config"]).expect("config as JSON");
    assert_eq!(options["trace"], "off");
    assert_eq!(options["basePaths"], json!([]));
    assert_eq!(options["b2cLsp"]["basePaths"], json!([]));

    let scratch = Scratch::new("helix");
    scratch.write("Base.xml", support::BASE);
    let text = support::EXTENSIONS.replace(
        "ClaimTypeReferenceId=\"displayName\"",
        "ClaimTypeReferenceId=\"nope\"",
    );
    let ext = scratch.write("Ext.xml", &text);

    let mut session = Session::start_with(&args);
    let result = session.initialize(&scratch.root, options.clone());
    assert!(
        result["capabilities"]["definitionProvider"].as_bool() == Some(true)
            || result["capabilities"]["definitionProvider"].is_object(),
        "{result:#}"
    );
    session.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": options }),
    );
    session.open(&ext, &text);
    // Once the workspace is indexed the chain resolves and the undefined claim shows.
    let diagnostics = session.diagnostics_for(&ext, |d| {
        d.iter().any(|d| d["code"] == "undefined-claim-type")
    });
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(session.shutdown(), Some(0));
}

/// vscode-languageclient's stdio transport (and other clients) append `--stdio`.
#[test]
fn serve_accepts_the_stdio_flag() {
    let scratch = Scratch::new("stdio-flag");
    scratch.write("Base.xml", support::BASE);
    let mut session = Session::start_with(&["serve", "--stdio"]);
    let result = session.initialize(&scratch.root, json!({}));
    assert!(result["capabilities"].is_object(), "{result:#}");
    assert_eq!(session.shutdown(), Some(0));
}

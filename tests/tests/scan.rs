//! Workspace scans over the real binary's stdio: files reached through symlinks have one
//! name, symlinks never lead the scan out of the workspace, and base-path settings take
//! effect in the order they were sent (issue 14, item 8).

mod support;

use serde_json::{json, Value};
use support::{extension, uri, Scratch, Session, BASE, EXTENSIONS};

fn symbol_uris(session: &mut Session, query: &str) -> Vec<String> {
    let found = session.request("workspace/symbol", json!({"query": query}));
    let mut uris: Vec<String> = found
        .as_array()
        .map(|symbols| {
            symbols
                .iter()
                .filter(|s| s["name"] == query)
                .map(|s| s["location"]["uri"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    uris.sort();
    uris
}

#[cfg(unix)]
#[test]
fn symlinks_give_real_paths_and_never_lead_out_of_the_workspace() {
    use std::os::unix::fs::symlink;
    let scratch = Scratch::new("scan-links");
    let outside = Scratch::new("scan-links-outside");
    outside.write(
        "Outside.xml",
        &BASE
            .replace("B2C_1A_T_Base", "B2C_1A_Outside")
            .replace("TP-Collect", "TP-Outside"),
    );
    let root = scratch.root.join("workspace");
    // The base lives in a hidden folder, reached only through a link.
    let base = scratch.write("workspace/.shared/TrustFrameworkBase.xml", BASE);
    let ext = scratch.write("workspace/TrustFrameworkExtensions.xml", EXTENSIONS);
    symlink(root.join(".shared"), root.join("bases")).unwrap();
    symlink(&outside.root, root.join("elsewhere")).unwrap();
    symlink("/", root.join("everything")).unwrap();
    let mut session = Session::start();
    session.initialize(&root, json!({}));
    session.open(&ext, EXTENSIONS);
    // One name per file: the base under its real path, never the link's.
    assert_eq!(
        symbol_uris(&mut session, "TP-Collect"),
        vec![uri(&base), uri(&ext)]
    );
    let at = support::position_of(EXTENSIONS, r#""TP-Collect""#, 3);
    let definition = session.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&ext)}, "position": at}),
    );
    let targets: Vec<&Value> = match definition.as_array() {
        Some(all) => all.iter().collect(),
        None => vec![&definition],
    };
    assert!(
        targets
            .iter()
            .all(|t| t["uri"] != json!(uri(&root.join("bases/TrustFrameworkBase.xml")))),
        "{definition}"
    );
    // Nothing outside the workspace was read through a link.
    assert_eq!(
        symbol_uris(&mut session, "TP-Outside"),
        Vec::<String>::new()
    );
    assert_eq!(session.shutdown(), Some(0));
}

#[test]
fn base_path_settings_take_effect_in_the_order_sent() {
    let scratch = Scratch::new("scan-settings");
    let rp = scratch.write(
        "policies/SignIn.xml",
        &extension("B2C_1A_T_Ext", "B2C_1A_T_Base", "email"),
    );
    let first = scratch.write("first/TrustFrameworkBase.xml", BASE);
    let second = scratch.write(
        "second/TrustFrameworkBase.xml",
        &BASE.replace("TP-Collect", "TP-Second"),
    );
    let mut session = Session::start();
    session.initialize(&scratch.root.join("policies"), json!({}));
    session.open(&rp, &extension("B2C_1A_T_Ext", "B2C_1A_T_Base", "email"));
    for round in 0..5 {
        // Two changes back to back: only the last one's bases stay loaded.
        for folder in ["first", "second"] {
            let base_paths = json!([scratch.root.join(folder)]);
            session.notify(
                "workspace/didChangeConfiguration",
                json!({"settings": {"b2cLsp": {"basePaths": base_paths}}}),
            );
        }
        assert_eq!(
            symbol_uris(&mut session, "TP-Collect"),
            vec![uri(&rp)],
            "round {round}"
        );
        assert_eq!(symbol_uris(&mut session, "TP-Second"), vec![uri(&second)]);
        session.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"b2cLsp": {"basePaths": [scratch.root.join("first")]}}}),
        );
        let mut expected = vec![uri(&first), uri(&rp)];
        expected.sort();
        assert_eq!(symbol_uris(&mut session, "TP-Collect"), expected);
    }
    assert_eq!(session.shutdown(), Some(0));
}

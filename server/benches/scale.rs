//! Scale and long-input figures over stdio, against the real release binary (issue 14). Run
//! with `cargo bench -p b2c-lsp --bench scale`; it writes its workspaces, built from
//! `examples/`, into a temporary folder.
//!
//! - 1,000 independent five-file sets (5,000 files): `initialized` -> first and last
//!   publishDiagnostics, and resident memory once settled (targets: first <= 1 s, <= 150 MB).
//! - One base with 4,999 dependents: an edit to the base that breaks a claim every dependent
//!   uses, until the last republish, with hover round trips on a dependent meanwhile, back
//!   to back or one every `B2C_SCALE_HOVER_EVERY_MS` (targets: <= 1 s, hover < 5 ms).
//! - Unloading 5,000 base files by a `basePaths` change.
//! - Four requests pipelined ahead of a didChange, and the request after it.
//! - Long lines: documentSymbol on a 1 MB policy written on one line, with a hover on another
//!   file meanwhile, and 100,000 unclosed tags on one line until their diagnostics.

#[path = "../../tests/tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{uri, Session};

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3;
    println!(
        "{what:<44} n={:<4} p50 {:>8.2} ms  p99 {:>8.2} ms  max {:>8.2} ms",
        times.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?.to_owned();
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn examples() -> Vec<(&'static str, String)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let read = |name: &str| std::fs::read_to_string(folder.join(name)).expect("an example");
    let rp = read("SignUpOrSignIn.xml");
    vec![
        ("TrustFrameworkBase.xml", read("TrustFrameworkBase.xml")),
        (
            "TrustFrameworkExtensions.xml",
            read("TrustFrameworkExtensions.xml"),
        ),
        ("SignUpOrSignIn.xml", rp.clone()),
        ("ProfileEdit.xml", read("ProfileEdit.xml")),
        (
            "PasswordReset.xml",
            rp.replace(
                "B2C_1A_Example_SignUpOrSignIn",
                "B2C_1A_Example_PasswordReset",
            ),
        ),
    ]
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("folder");
    }
    std::fs::write(path, text).expect("write");
}

/// The messages received until none came for `quiet`: the publishDiagnostics count and when
/// the last one came.
fn settle(session: &mut Session, quiet: Duration) -> (usize, Option<Instant>, Option<Instant>) {
    let (mut count, mut first, mut last) = (0, None, None);
    while let Some(message) = session.wait_for(quiet, |_| true) {
        if message["method"] == "textDocument/publishDiagnostics" {
            count += 1;
            first.get_or_insert_with(Instant::now);
            last = Some(Instant::now());
        }
    }
    (count, first, last)
}

fn start(root: &Path, options: Value) -> (Session, Instant) {
    let mut session = Session::start();
    session.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(root),
            "workspaceFolders": [{"uri": uri(root), "name": "bench"}],
            "initializationOptions": options,
            "capabilities": {},
        }),
    );
    let started = Instant::now();
    session.notify("initialized", json!({}));
    (session, started)
}

fn secs(from: Instant, to: Option<Instant>) -> String {
    to.map_or("never".to_owned(), |t| {
        format!("{:.2} s", (t - from).as_secs_f64())
    })
}

fn independent_sets(scratch: &Path) {
    let root = scratch.join("sets");
    for i in 0..1000 {
        for (name, text) in examples() {
            let text = text.replace("B2C_1A_Example_", &format!("B2C_1A_S{i}_"));
            write(&root.join(format!("set{i:04}/{name}")), &text);
        }
    }
    let (mut session, started) = start(&root, json!({}));
    let (count, first, last) = settle(&mut session, Duration::from_secs(3));
    println!(
        "1,000 five-file sets: first publish {}, last {} ({count} publishes), RSS {:.0} MB (targets: first <= 1 s, <= 150 MB)",
        secs(started, first),
        secs(started, last),
        rss_mb(session.pid())
    );
    let _ = session.shutdown();
}

fn one_base_many_dependents(scratch: &Path) -> PathBuf {
    let root = scratch.join("fan");
    let sets = examples();
    let base_text = sets[0].1.clone();
    let base = root.join("TrustFrameworkBase.xml");
    write(&base, &base_text);
    for i in 0..4999 {
        let text = sets[1]
            .1
            .replace("B2C_1A_Example_Extensions", &format!("B2C_1A_Ext{i}"));
        write(&root.join(format!("Ext{i:04}.xml")), &text);
    }
    let (mut session, _) = start(&root, json!({}));
    settle(&mut session, Duration::from_secs(3));
    session.open(&base, &base_text);
    settle(&mut session, Duration::from_secs(1));
    let dependent = root.join("Ext0000.xml");
    let dependent_text = std::fs::read_to_string(&dependent).expect("a dependent");
    let at = support::position_of(&dependent_text, r#"ClaimTypeReferenceId="email""#, 23);
    let mut hovers = Vec::new();
    let pace = Duration::from_millis(
        std::env::var("B2C_SCALE_HOVER_EVERY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    );
    for (version, text) in [
        (
            2,
            base_text.replace(r#"<ClaimType Id="email">"#, r#"<ClaimType Id="emailX">"#),
        ),
        (3, base_text.clone()),
    ] {
        let started = Instant::now();
        session.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&base), "version": version}, "contentChanges": [{"text": text}]}),
        );
        let (mut count, mut last) = (0, None);
        let mut quiet_since = Instant::now();
        while quiet_since.elapsed() < Duration::from_secs(1) {
            let asked = Instant::now();
            session.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri(&dependent)}, "position": at}),
            );
            hovers.push(asked.elapsed());
            // B2C_SCALE_HOVER_EVERY_MS=5 paces the hovers as a pointer would (sent back to
            // back by default, the bench's own loop takes a core from what it measures).
            std::thread::sleep(pace.saturating_sub(asked.elapsed()));
            let published = session
                .backlog
                .iter()
                .filter(|m| m["method"] == "textDocument/publishDiagnostics")
                .count();
            session.backlog.clear();
            if published > 0 {
                count += published;
                last = Some(Instant::now());
                quiet_since = Instant::now();
            }
        }
        println!(
            "base edit (v{version}) -> its 4,999 dependents republished: last at {} ({count} publishes) (target <= 1 s)",
            secs(started, last)
        );
    }
    report("hover on a dependent meanwhile (target < 5 ms)", hovers);
    let _ = session.shutdown();
    root
}

fn unloading_bases(scratch: &Path, bases: &Path) {
    let root = scratch.join("sets/set0000");
    let (mut session, _) = start(&root, json!({"basePaths": [bases]}));
    settle(&mut session, Duration::from_secs(2));
    let asked = Instant::now();
    session.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"b2cLsp": {"basePaths": []}}}),
    );
    // Answered once the change, and the unloading it causes, is done.
    session.request("workspace/symbol", json!({"query": "Ext0001"}));
    println!(
        "basePaths change unloading 5,000 base files, until the next request is answered: {:.0} ms",
        asked.elapsed().as_secs_f64() * 1e3
    );
    let _ = session.shutdown();
}

fn pipelined(scratch: &Path) {
    let root = scratch.join("sets/set0001");
    let ext = root.join("TrustFrameworkExtensions.xml");
    let text = std::fs::read_to_string(&ext).expect("extensions");
    let (mut session, _) = start(&root, json!({}));
    settle(&mut session, Duration::from_secs(1));
    session.open(&ext, &text);
    let at = support::position_of(&text, r#"ClaimTypeReferenceId="email""#, 23);
    let hover = json!({"textDocument": {"uri": uri(&ext)}, "position": at});
    let mut times = Vec::new();
    for version in 2..102 {
        let asked = Instant::now();
        let ids: Vec<i64> = (0..4)
            .map(|_| session.request_async("textDocument/hover", hover.clone()))
            .collect();
        session.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&ext), "version": version}, "contentChanges": [{"text": text}]}),
        );
        let after = session.request_async("textDocument/hover", hover.clone());
        for id in ids.into_iter().chain([after]) {
            session.response(id);
        }
        times.push(asked.elapsed());
        session.backlog.clear();
    }
    report("4 hovers, a didChange, a hover: all answered", times);
    let _ = session.shutdown();
}

fn long_lines(scratch: &Path) {
    let root = scratch.join("long");
    let sets = examples();
    let claim = |i: usize| {
        format!(
            r#"<ClaimType Id="c{i}"><DisplayName>C {i}</DisplayName><DataType>string</DataType></ClaimType>"#
        )
    };
    let claims: String = (0..11_000).map(claim).collect();
    let one_line = sets[0]
        .1
        .replacen("<ClaimsSchema>", &format!("<ClaimsSchema>{claims}"), 1)
        .replace(['\r', '\n'], " ");
    let base = root.join("TrustFrameworkBase.xml");
    write(&base, &one_line);
    let ext = root.join("TrustFrameworkExtensions.xml");
    write(&ext, &sets[1].1);
    let head = "<TrustFrameworkPolicy xmlns=\"http://schemas.microsoft.com/online/cpim/schemas/2013/06\" PolicySchemaVersion=\"0.3.0.0\" TenantId=\"t.onmicrosoft.com\" PolicyId=\"B2C_1A_Tags\" PublicPolicyUri=\"http://t/B2C_1A_Tags\">";
    let tags_text = format!("{head}{}", "<a>".repeat(100_000));
    // Only opened, never on disk: what the scan published for it would not change.
    let tags = root.join("Tags.xml");
    let (mut session, _) = start(&root, json!({}));
    settle(&mut session, Duration::from_secs(2));
    session.open(&base, &one_line);
    session.open(&ext, &sets[1].1);
    settle(&mut session, Duration::from_secs(1));
    let at = support::position_of(&sets[1].1, r#"ClaimTypeReferenceId="email""#, 23);
    let (mut symbols, mut hovers) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let asked = Instant::now();
        let id = session.request_async(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri(&base)}}),
        );
        session.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&ext)}, "position": at}),
        );
        hovers.push(asked.elapsed());
        session.response(id);
        symbols.push(asked.elapsed());
    }
    report("documentSymbol, 1 MB policy on one line", symbols);
    report("hover on another file meanwhile", hovers);
    let asked = Instant::now();
    session.open(&tags, &tags_text);
    session.diagnostics_for(&tags, |d| d.len() > 100_000);
    println!(
        "100,000 unclosed tags on one line: didOpen -> publishDiagnostics {:.0} ms",
        asked.elapsed().as_secs_f64() * 1e3
    );
    let _ = session.shutdown();
}

fn main() {
    // `cargo bench -p b2c-lsp --bench scale -- sets fan` runs only the parts named.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |part: &str| only.is_empty() || only.iter().any(|o| o == part);
    let scratch = std::env::temp_dir().join(format!("b2c-lsp-scale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    if wanted("sets") || wanted("unload") {
        independent_sets(&scratch);
    }
    if wanted("fan") || wanted("unload") {
        let fan = one_base_many_dependents(&scratch);
        if wanted("unload") {
            unloading_bases(&scratch, &fan);
        }
    }
    if wanted("pipelined") {
        pipelined(&scratch);
    }
    if wanted("long") {
        long_lines(&scratch);
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

//! LSP latency over stdio, against the real release binary. Run with
//! `cargo bench -p b2c-lsp --bench lsp_latency` (needs ../shared/corpus).
//!
//! Opens starterpack/SocialAndLocalAccountsWithMfa (5 files), applies 200 edits to its
//! TrustFrameworkBase.xml (each one breaks or mends a claim reference, so every edit changes
//! that file's diagnostics), and measures didChange -> publishDiagnostics for that file, and
//! the definition, references and hover round trips. Targets: diagnostics p50 <= 2 ms and
//! p99 <= 10 ms, requests p99 <= 5 ms.
//!
//! Also: the time from `initialized` to the first publishDiagnostics on that folder, over
//! fresh servers (target <= 100 ms), and the server's resident memory with every file of
//! ../shared/corpus open (target <= 60 MB).

#[path = "../../tests/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{position_of, uri, Session};

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3;
    println!(
        "{what:<34} n={:<4} p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms",
        times.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

/// Resident and peak resident memory of a process, in MB, from /proc (Linux only).
fn memory_mb(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// From `initialized` to the first publishDiagnostics, on a fresh server for `folder`.
fn first_diagnostics(folder: &Path) -> Option<Duration> {
    let mut session = Session::start();
    session.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(folder),
            "workspaceFolders": [{"uri": uri(folder), "name": "bench"}],
            "capabilities": {},
        }),
    );
    let started = Instant::now();
    session.notify("initialized", json!({}));
    let got = session.wait_for(Duration::from_secs(10), |m| {
        m["method"] == "textDocument/publishDiagnostics"
    });
    let elapsed = started.elapsed();
    let _ = session.shutdown();
    got.map(|_| elapsed)
}

/// Every file of `corpus` open in one server: its memory once diagnostics have settled.
fn memory_with_all_open(corpus: &Path) {
    let mut session = Session::start();
    session.initialize(corpus, json!({}));
    let files = b2c_lsp::files::xml_files(corpus);
    for path in &files {
        if let Ok(content) = std::fs::read_to_string(path) {
            session.open(path, &content);
        }
    }
    // Settled: no message for a second.
    while session
        .wait_for(Duration::from_millis(1000), |_| true)
        .is_some()
    {}
    session.backlog.clear();
    match memory_mb(session.pid()) {
        Some((rss, peak)) => println!(
            "memory, all {} corpus files open       RSS {rss:.1} MB (peak {peak:.1} MB) (target <= 60 MB)",
            files.len()
        ),
        None => println!("memory: /proc is not available here"),
    }
    let _ = session.shutdown();
}

fn main() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/starterpack/SocialAndLocalAccountsWithMfa");
    let Ok(folder) = folder.canonicalize() else {
        println!("../shared/corpus is absent: nothing to measure");
        return;
    };
    let base = folder.join("TrustFrameworkBase.xml");
    let text = std::fs::read_to_string(&base).expect("the MFA base");
    let mut session = Session::start();
    session.initialize(&folder, json!({}));
    for entry in std::fs::read_dir(&folder).expect("folder").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "xml") {
            let content = std::fs::read_to_string(&path).expect("policy");
            session.open(&path, &content);
        }
    }
    // Let the first round of diagnostics settle.
    let _ = session.wait_for(Duration::from_millis(1500), |_| false);
    session.backlog.clear();

    // The claim reference that each edit breaks or mends.
    let needle = r#"<OutputClaim ClaimTypeReferenceId="objectId""#;
    let at = position_of(&text, needle, needle.len() - 1);
    let mut diagnostics = Vec::new();
    for i in 0..200 {
        let change = if i % 2 == 0 {
            json!({"range": {"start": at, "end": at}, "text": "X"})
        } else {
            let end =
                json!({"line": at["line"], "character": at["character"].as_u64().unwrap_or(0) + 1});
            json!({"range": {"start": at, "end": end}, "text": ""})
        };
        let broken = i % 2 == 0;
        let started = Instant::now();
        session.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&base), "version": 2 + i}, "contentChanges": [change]}),
        );
        let wanted = uri(&base);
        let got = session.wait_for(Duration::from_secs(10), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == wanted.as_str()
                && m["params"]["version"] == json!(2 + i)
                && m["params"]["diagnostics"].as_array().is_some_and(|d| {
                    d.iter().any(|x| x["code"] == "undefined-claim-type") == broken
                })
        });
        if got.is_none() {
            println!("edit {i}: no diagnostics within 10 s");
            return;
        }
        diagnostics.push(started.elapsed());
        session.backlog.clear();
    }
    report("didChange -> publishDiagnostics", diagnostics);

    let reference = position_of(
        &text,
        r#"TechnicalProfileReferenceId="SelfAsserted-LocalAccountSignin-Email""#,
        30,
    );
    let claim = position_of(&text, r#"ClaimTypeReferenceId="email""#, 23);
    for (what, method, position, extra) in [
        (
            "definition round trip",
            "textDocument/definition",
            reference.clone(),
            json!({}),
        ),
        (
            "references round trip",
            "textDocument/references",
            claim.clone(),
            json!({"context": {"includeDeclaration": true}}),
        ),
        (
            "hover round trip",
            "textDocument/hover",
            reference.clone(),
            json!({}),
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..200 {
            let mut params = json!({"textDocument": {"uri": uri(&base)}, "position": position});
            if let Some(context) = extra.get("context") {
                params["context"] = context.clone();
            }
            let started = Instant::now();
            let result = session.request(method, params);
            times.push(started.elapsed());
            assert!(!result.is_null(), "{method} found nothing");
        }
        report(what, times);
    }
    let _ = session.shutdown();

    let mut firsts: Vec<Duration> = (0..11).filter_map(|_| first_diagnostics(&folder)).collect();
    if firsts.len() == 11 {
        report(
            "initialized -> first diagnostics",
            std::mem::take(&mut firsts),
        );
    } else {
        println!("initialized -> first diagnostics: some servers published nothing within 10 s");
    }
    if let Some(corpus) = folder.parent().and_then(Path::parent) {
        let firsts: Vec<Duration> = (0..5).filter_map(|_| first_diagnostics(corpus)).collect();
        if firsts.len() == 5 {
            report("  the same on all of the corpus", firsts);
        }
        memory_with_all_open(corpus);
    }
}

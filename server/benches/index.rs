//! Index and diagnostics benchmark. Run with `cargo bench -p b2c-lsp --bench index`.
//!
//! 1. Cold: `b2c-lsp check` over the whole of ../shared/corpus as a process, against
//!    `xmllint --noout --schema` validating the same files (libxml2-utils; the published XSD
//!    with its two `^...$` patterns removed, which libxml2 cannot compile), median of runs.
//! 2. Incremental: with the corpus loaded, a one-character edit inside the 78 KB
//!    SocialAndLocalAccountsWithMfa/TrustFrameworkBase.xml, re-indexed and re-diagnosed
//!    (the file and every file whose chain includes it). Target <= 2 ms.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use b2c_lsp::diagnostics::file_diagnostics;
use b2c_lsp::files::xml_files;
use b2c_lsp::index::Workspace;

/// The allocator the binary uses, so that in-process figures are the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn percentile(times: &[Duration], p: f64) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn run(command: &mut Command) -> Duration {
    let start = Instant::now();
    let status = command.stdout(Stdio::null()).stderr(Stdio::null()).status();
    let elapsed = start.elapsed();
    if let Err(e) = status {
        eprintln!("cannot run {command:?}: {e}");
    }
    elapsed
}

fn patched_schema(corpus: &Path) -> Option<PathBuf> {
    let xsd = std::fs::read_to_string(corpus.join("starterpack/TrustFrameworkPolicy_0.3.0.0.xsd"))
        .ok()?;
    let patched: String = xsd
        .lines()
        .filter(|line| !(line.contains("<xs:pattern") && line.contains("value=\"^")))
        .collect::<Vec<_>>()
        .join("\n");
    let path = std::env::temp_dir().join("b2c-lsp-bench-TrustFrameworkPolicy.xsd");
    std::fs::write(&path, patched).ok()?;
    Some(path)
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if !corpus.is_dir() {
        println!("../shared/corpus is absent: nothing to measure");
        return;
    }
    let files: Vec<PathBuf> = xml_files(&corpus);
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "corpus: {} files, {:.2} MB",
        files.len(),
        bytes as f64 / 1e6
    );

    // 1. Cold, as processes, the two tools taking turns so that a slow spell of the machine
    // hits both alike.
    let binary = env!("CARGO_BIN_EXE_b2c-lsp");
    let rounds = 21;
    let schema = patched_schema(&corpus);
    let xmllint_present = Command::new("xmllint").arg("--version").output().is_ok();
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..rounds {
        ours.push(run(Command::new(binary).arg("check").arg(&corpus)));
        if let (Some(schema), true) = (&schema, xmllint_present) {
            theirs.push(run(Command::new("xmllint")
                .arg("--noout")
                .arg("--schema")
                .arg(schema)
                .args(&files)));
        }
    }
    let ours = median(ours);
    println!(
        "cold `b2c-lsp check` of the corpus:   {:>8.1} ms (median of {rounds})",
        ours.as_secs_f64() * 1e3
    );
    if theirs.is_empty() {
        println!("xmllint is not installed (apt-get install libxml2-utils): no comparison");
    } else {
        let xmllint = median(theirs);
        println!(
            "`xmllint --noout --schema` same files: {:>8.1} ms (median of {rounds})",
            xmllint.as_secs_f64() * 1e3
        );
        println!(
            "ratio b2c-lsp / xmllint:               {:>8.2}x (target < 1)",
            ours.as_secs_f64() / xmllint.as_secs_f64()
        );
    }

    // 2. Incremental, in process.
    let workspace = Workspace::new();
    let load_start = Instant::now();
    for file in &files {
        if let Ok(text) = std::fs::read_to_string(file) {
            workspace.set_file(file.clone(), Arc::from(text), false);
        }
    }
    let mut all = 0;
    for path in workspace.reported_paths() {
        all += file_diagnostics(&workspace, &path).len();
    }
    println!(
        "in-process index + diagnose of the corpus: {:.1} ms ({all} diagnostics)",
        load_start.elapsed().as_secs_f64() * 1e3
    );
    let target = corpus.join("starterpack/SocialAndLocalAccountsWithMfa/TrustFrameworkBase.xml");
    let target = files
        .iter()
        .find(|f| {
            f.ends_with("SocialAndLocalAccountsWithMfa/TrustFrameworkBase.xml")
                && !f.to_string_lossy().contains("Display Controls")
        })
        .cloned()
        .unwrap_or(target);
    let original = std::fs::read_to_string(&target).expect("the MFA base is in the corpus");
    let anchor = original
        .find("<DisplayName>")
        .map(|i| i + "<DisplayName>".len())
        .expect("a DisplayName");
    let mut times = Vec::new();
    let mut affected_count = 0;
    for i in 0..200 {
        let mut text = original.clone();
        text.insert(anchor, if i % 2 == 0 { 'x' } else { 'y' });
        let start = Instant::now();
        let affected = workspace.set_file(target.clone(), Arc::from(text), false);
        for path in &affected {
            std::hint::black_box(file_diagnostics(&workspace, path));
        }
        times.push(start.elapsed());
        affected_count = affected.len();
    }
    println!(
        "one-character edit in {} ({} KB), re-index + re-diagnose {} files: p50 {:.3} ms, p99 {:.3} ms (target <= 2 ms)",
        target.file_name().unwrap_or_default().to_string_lossy(),
        original.len() / 1024,
        affected_count,
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
    );
    // Where the time of one such step goes.
    let affected = workspace.dependents(&target);
    let time = |work: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..50 {
            work();
        }
        start.elapsed().as_secs_f64() * 1e3 / 50.0
    };
    let reparse = time(&|| {
        workspace.set_file(target.clone(), Arc::from(original.as_str()), false);
    });
    let parse_only = time(&|| {
        std::hint::black_box(syntax::parse(&original));
    });
    let parsed = syntax::parse(&original);
    let summarize_only = time(&|| {
        std::hint::black_box(b2c_lsp::index::summarize(&parsed));
    });
    let journeys = time(&|| {
        for path in &affected {
            std::hint::black_box(b2c_lsp::journeys::journey_diagnostics(&workspace, path));
        }
    });
    let catalog = time(&|| {
        for path in &affected {
            std::hint::black_box(b2c_lsp::ide::catalog_diagnostics(&workspace, path));
        }
    });
    let all = time(&|| {
        for path in &affected {
            std::hint::black_box(file_diagnostics(&workspace, path));
        }
    });
    println!(
        "  of which: re-index {reparse:.3} ms (parse {parse_only:.3} ms, summary {summarize_only:.3} ms); diagnostics {all:.3} ms (journey analysis {journeys:.3} ms, catalog checks {catalog:.3} ms)"
    );
}

//! Editor features benchmark, in process on a release build. Run with
//! `cargo bench -p b2c-lsp --bench editor_features` (needs ../shared/corpus; skipped with a
//! note without it).
//!
//! 1. Each editor feature on the starter-pack bases of SocialAndLocalAccounts (65 KB) and
//!    SocialAndLocalAccountsWithMfa (74 KB, the largest), each indexed with the other files
//!    of its folder so that references, chains and journeys are real: semantic tokens (whole
//!    file), inlay hints (whole file), code lenses, document links, folding ranges, selection
//!    ranges (one request for 100 positions spread over the file) and formatting (the whole
//!    document). Target: at most 20 ms each. The analysis only, without the JSON encoding.
//! 2. Formatting every file of the corpus vs parsing every file of it (the formatter parses
//!    too). Target: at most 3x.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use b2c_lsp::files::xml_files;
use b2c_lsp::ide;
use b2c_lsp::index::Workspace;
use syntax::format::FormatOptions;
use syntax::{TextRange, TextSize};

/// The allocator the binary uses, so that in-process figures are the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn report(what: &str, mut times: Vec<Duration>) -> Duration {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{what:<46} n={:<4} p50 {:>8.3} ms  p99 {:>8.3} ms",
        times.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
    );
    at(0.5)
}

/// Runs `work` a few times to warm up, then `rounds` times, timing each.
fn time<T>(rounds: usize, mut work: impl FnMut() -> T) -> Vec<Duration> {
    for _ in 0..3 {
        std::hint::black_box(work());
    }
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(work());
            start.elapsed()
        })
        .collect()
}

const OPTIONS: FormatOptions = FormatOptions {
    tab_size: 2,
    insert_spaces: true,
};

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    for pack in ["SocialAndLocalAccounts", "SocialAndLocalAccountsWithMfa"] {
        features(&corpus.join("starterpack").join(pack));
    }
    whole_corpus(&corpus);
}

/// Each feature on the TrustFrameworkBase.xml of `folder`.
fn features(folder: &Path) {
    let base = folder.join("TrustFrameworkBase.xml");
    if !base.is_file() {
        println!("{} is absent: nothing to measure", base.display());
        return;
    }
    let workspace = Workspace::new();
    for path in xml_files(folder) {
        if let Ok(text) = std::fs::read_to_string(&path) {
            workspace.set_file(path, Arc::from(text), false);
        }
    }
    let Some(file) = workspace.file(&base) else {
        println!("{} is not indexed: nothing to measure", base.display());
        return;
    };
    let whole = TextRange::up_to(TextSize::of(&*file.text));
    println!(
        "{}: {} bytes, {} files in its folder",
        base.display(),
        file.text.len(),
        workspace.len()
    );
    let rounds = 50;
    let tokens = ide::semantic::semantic_tokens(&workspace, &base, None).len();
    report(
        &format!("semantic tokens, whole file ({tokens})"),
        time(rounds, || {
            ide::semantic::semantic_tokens(&workspace, &base, None)
        }),
    );
    let hints = ide::inlay::inlay_hints(&workspace, &base, whole).len();
    report(
        &format!("inlay hints, whole file ({hints})"),
        time(rounds, || ide::inlay::inlay_hints(&workspace, &base, whole)),
    );
    let lenses = ide::lens::code_lenses(&workspace, &base).len();
    report(
        &format!("code lenses ({lenses})"),
        time(rounds, || ide::lens::code_lenses(&workspace, &base)),
    );
    let links = ide::links::document_links(&workspace, &base).len();
    report(
        &format!("document links ({links})"),
        time(rounds, || ide::links::document_links(&workspace, &base)),
    );
    let folds = ide::editing::folding_ranges(&file.text, &file.parse).len();
    report(
        &format!("folding ranges ({folds})"),
        time(rounds, || {
            ide::editing::folding_ranges(&file.text, &file.parse)
        }),
    );
    let step = (file.text.len() / 100).max(1);
    let positions: Vec<TextSize> = (0..100)
        .map(|i| TextSize::from(((i * step).min(file.text.len())) as u32))
        .collect();
    report(
        "selection ranges, 100 positions",
        time(rounds, || {
            positions
                .iter()
                .map(|p| ide::editing::selection_ranges(&file.parse, *p).len())
                .sum::<usize>()
        }),
    );
    report(
        "formatting, whole document",
        time(rounds, || {
            syntax::format::format_edits(&file.text, OPTIONS, None).map(|e| e.len())
        }),
    );
}

/// Formatting every file of the corpus vs parsing every file of it.
fn whole_corpus(corpus: &Path) {
    // 2. The whole corpus: format vs parse, taking turns so that a slow spell hits both.
    let texts: Vec<String> = xml_files(corpus)
        .iter()
        .filter_map(|p: &PathBuf| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut parse_times = Vec::new();
    let mut format_times = Vec::new();
    for _ in 0..15 {
        parse_times.extend(time(1, || {
            texts
                .iter()
                .map(|t| syntax::parse(t).errors().len())
                .sum::<usize>()
        }));
        format_times.extend(time(1, || {
            texts
                .iter()
                .filter_map(|t| syntax::format::format(t, OPTIONS).ok())
                .map(|f| f.len())
                .sum::<usize>()
        }));
    }
    println!(
        "corpus: {} files, {:.2} MB",
        texts.len(),
        bytes as f64 / 1e6
    );
    let parse = report("parse the whole corpus", parse_times);
    let format = report("format the whole corpus", format_times);
    println!(
        "format / parse: {:.2}x (target <= 3x)",
        format.as_secs_f64() / parse.as_secs_f64()
    );
}

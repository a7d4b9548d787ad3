//! Parse throughput: the full lossless parse against a bare quick-xml event scan of the same
//! bytes. Run with `cargo bench -p b2c-syntax --bench parse` (reads ../shared/corpus when it
//! exists, else the bundled examples and fixtures). Target: parse within 3x of the scan.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
        {
            out.push(path);
        }
    }
}

fn quick_xml_scan(text: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut events = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) | Err(_) => return events,
            Ok(_) => events += 1,
        }
    }
}

/// The median time of `rounds` runs of `work` over all texts.
fn measure(texts: &[String], rounds: usize, work: impl Fn(&str) -> usize) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for text in texts {
                black_box(work(black_box(text)));
            }
            start.elapsed()
        })
        .collect();
    times.sort();
    times[rounds / 2]
}

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = manifest.join("../../shared/corpus");
    let mut files = Vec::new();
    if corpus.is_dir() {
        collect(&corpus, &mut files);
    } else {
        collect(&manifest.join("../examples"), &mut files);
        collect(&manifest.join("test_data"), &mut files);
    }
    let texts: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let rounds = 31;
    // Warm up both.
    measure(&texts, 3, |t| syntax::parse(t).errors().len());
    measure(&texts, 3, quick_xml_scan);
    let scan = measure(&texts, rounds, quick_xml_scan);
    let parse = measure(&texts, rounds, |t| syntax::parse(t).errors().len());
    let mb = bytes as f64 / 1e6;
    println!(
        "{} files, {:.2} MB, median of {rounds} rounds",
        texts.len(),
        mb
    );
    println!(
        "quick-xml event scan: {:>8.2} ms  ({:.0} MB/s)",
        scan.as_secs_f64() * 1e3,
        mb / scan.as_secs_f64()
    );
    println!(
        "b2c-syntax parse:     {:>8.2} ms  ({:.0} MB/s)",
        parse.as_secs_f64() * 1e3,
        mb / parse.as_secs_f64()
    );
    println!(
        "ratio parse / scan:   {:>8.2}x (target <= 3x)",
        parse.as_secs_f64() / scan.as_secs_f64()
    );
}

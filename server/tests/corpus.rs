//! The real-policy corpus (`../shared/corpus`, beside the project) as a regression suite: every
//! policy set listed in `test_data/corpus/sets.tsv` is checked with its base, and every error
//! and warning (path, line, code) is compared with `test_data/corpus/expected.txt`, so that any
//! change in what the corpus reports fails until someone has read it. The same file ends with
//! the number of findings per code and part of the corpus, which the README repeats (checked
//! here too). Refresh both with `UPDATE_EXPECT=1 cargo test -p b2c-lsp --test corpus`.
//!
//! Skipped, with a note, when the corpus is absent: the project's own tests pass without it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use b2c_lsp::diagnostics::{file_diagnostics, Severity};
use expect_test::expect_file;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_dir() -> PathBuf {
    manifest_dir().join("../../shared/corpus")
}

/// One policy set: the folder reported on and its extra base folder, both under the corpus.
struct PolicySet {
    folder: PathBuf,
    base: Option<PathBuf>,
}

/// The sets of `sets.tsv`, with `dir/*` expanded to each subfolder of `dir`.
fn policy_sets(corpus: &Path) -> Vec<PolicySet> {
    let listing = std::fs::read_to_string(manifest_dir().join("test_data/corpus/sets.tsv"))
        .expect("sets.tsv is readable");
    let mut sets = Vec::new();
    for line in listing.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (folder, base) = line
            .split_once('\t')
            .expect("a tab between folder and base");
        let base = (base.trim() != "-").then(|| PathBuf::from(base.trim()));
        match folder.strip_suffix("/*") {
            Some(parent) => {
                let mut children: Vec<PathBuf> = std::fs::read_dir(corpus.join(parent))
                    .expect("listed folder exists")
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_dir())
                    .map(|p| p.strip_prefix(corpus).expect("under the corpus").to_owned())
                    .collect();
                children.sort();
                sets.extend(children.into_iter().map(|folder| PolicySet {
                    folder,
                    base: base.clone(),
                }));
            }
            None => sets.push(PolicySet {
                folder: PathBuf::from(folder),
                base,
            }),
        }
    }
    sets
}

/// The part of the corpus a set belongs to: starterpack, samples or community.
fn part(folder: &Path) -> String {
    folder
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            xml_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
        {
            out.push(path);
        }
    }
}

/// Codes whose findings come from catalog facts (metadata keys and values, handlers,
/// protocols, transformation signatures) or from the schema's element model. The community
/// corpus is made of working policies, so none of them may fire there: each key, value and
/// signature those policies use must be accepted.
const CATALOG_CODES: &[&str] = &[
    "unknown-metadata-key",
    "invalid-metadata-value",
    "unknown-handler",
    "unknown-protocol",
    "unknown-transformation-method",
    "transformation-claim-mismatch",
    "invalid-parameter-value",
    "unknown-attribute",
    "unknown-element",
    "unexpected-child",
    "missing-required-attribute",
    "missing-required-child",
    "invalid-attribute-value",
    "invalid-element-value",
];

#[test]
fn corpus_findings_are_pinned() {
    let corpus = corpus_dir();
    if !corpus.join("community").is_dir() || !corpus.join("samples").is_dir() {
        eprintln!(
            "{} is absent: the corpus regression suite is skipped",
            corpus.display()
        );
        return;
    }
    let corpus = std::path::absolute(&corpus).expect("absolute corpus path");
    let sets = policy_sets(&corpus);

    // Every community policy belongs to some set, so none escapes the suite.
    let mut covered: Vec<PathBuf> = Vec::new();
    for set in &sets {
        xml_files(&corpus.join(&set.folder), &mut covered);
    }
    let mut community = Vec::new();
    xml_files(&corpus.join("community"), &mut community);
    let uncovered: Vec<&PathBuf> = community.iter().filter(|p| !covered.contains(p)).collect();
    assert!(
        uncovered.is_empty(),
        "policies in no set of sets.tsv: {uncovered:?}"
    );

    let mut lines = Vec::new();
    // (code, severity) -> part -> count, over every finding (information included).
    let mut counts = Counts::new();
    let mut catalog_findings = Vec::new();
    for set in &sets {
        let folder = corpus.join(&set.folder);
        let bases: Vec<PathBuf> = set.base.iter().map(|b| corpus.join(b)).collect();
        let (workspace, _, undecodable) =
            b2c_lsp::cli::load(std::slice::from_ref(&folder), &bases).expect("the set loads");
        assert!(undecodable.is_empty(), "{undecodable:?}");
        let mut paths = workspace.reported_paths();
        paths.sort();
        for path in paths {
            let Some(file) = workspace.file(&path) else {
                continue;
            };
            let name = path
                .strip_prefix(&corpus)
                .unwrap_or(&path)
                .display()
                .to_string();
            for d in file_diagnostics(&workspace, &path) {
                *counts
                    .entry((d.code.as_str().to_owned(), d.severity.as_str()))
                    .or_default()
                    .entry(part(&set.folder))
                    .or_default() += 1;
                if !matches!(d.severity, Severity::Error | Severity::Warning) {
                    continue;
                }
                let line = file
                    .line_index()
                    .to_human(&file.text, d.range.start().into())
                    .line;
                let finding = format!("{name}:{line}: {}[{}]", d.severity.as_str(), d.code);
                if part(&set.folder) == "community" && CATALOG_CODES.contains(&d.code.as_str()) {
                    catalog_findings.push(finding.clone());
                }
                lines.push(finding);
            }
        }
    }
    assert!(
        catalog_findings.is_empty(),
        "catalog facts contradicted by working policies: {catalog_findings:#?}"
    );

    let table = counts_table(&counts);
    let mut expected = String::from(
        "# Errors and warnings on ../shared/corpus, one set at a time (server/tests/corpus.rs).\n\
         # Every error here is read and proven real in the README's corpus section.\n",
    );
    for line in &lines {
        expected.push_str(line);
        expected.push('\n');
    }
    expected.push_str("\n# Findings per code and part of the corpus (information included):\n\n");
    expected.push_str(&table);
    expect_file!["../test_data/corpus/expected.txt"].assert_eq(&expected);
    readme_shows(&table);
}

/// A Markdown table: one row per (code, severity), one column per part of the corpus.
/// (code, severity) -> part of the corpus -> number of findings.
type Counts = BTreeMap<(String, &'static str), BTreeMap<String, usize>>;

fn counts_table(counts: &Counts) -> String {
    let parts = ["starterpack", "samples", "community"];
    let mut rows: Vec<_> = counts.iter().collect();
    let rank = |severity: &str| match severity {
        "error" => 0,
        "warning" => 1,
        "info" => 2,
        _ => 3,
    };
    rows.sort_by_key(|((code, severity), _)| (rank(severity), code.clone()));
    let mut table = String::from("| code | severity | starterpack | samples | community |\n");
    table.push_str("| --- | --- | ---: | ---: | ---: |\n");
    for ((code, severity), by_part) in rows {
        let cells: Vec<String> = parts
            .iter()
            .map(|p| by_part.get(*p).copied().unwrap_or(0).to_string())
            .collect();
        table.push_str(&format!(
            "| {code} | {severity} | {} |\n",
            cells.join(" | ")
        ));
    }
    table
}

const README_START: &str = "<!-- corpus-counts:start -->\n";
const README_END: &str = "<!-- corpus-counts:end -->";

/// The README repeats the table between two markers; refreshed with UPDATE_EXPECT=1.
fn readme_shows(table: &str) {
    let path = manifest_dir().join("../README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let (Some(start), Some(end)) = (readme.find(README_START), readme.find(README_END)) else {
        panic!("README.md has no {README_START:?} ... {README_END:?} section");
    };
    let current = &readme[start + README_START.len()..end];
    if current == table {
        return;
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let updated = format!(
            "{}{README_START}{table}{}",
            &readme[..start],
            &readme[end..]
        );
        std::fs::write(&path, updated).expect("README.md is writable");
        return;
    }
    panic!("the README's corpus counts are stale; run UPDATE_EXPECT=1 cargo test -p b2c-lsp --test corpus");
}

/// Each transformation method's evidence names a corpus policy that uses the method: the fact
/// that lets a signature mismatch be an error.
#[test]
fn transformation_evidence_names_policies_that_use_the_method() {
    let corpus = corpus_dir();
    if !corpus.join("community").is_dir() {
        eprintln!(
            "{} is absent: the evidence of transformation signatures is not checked",
            corpus.display()
        );
        return;
    }
    for method in b2c_lsp::catalog::transformation_methods() {
        let Some(policy) = method.confirmed_by else {
            continue;
        };
        let text = std::fs::read_to_string(corpus.join(policy))
            .unwrap_or_else(|e| panic!("{}: {policy}: {e}", method.name));
        let written = format!("TransformationMethod=\"{}\"", method.name).to_ascii_lowercase();
        assert!(
            text.to_ascii_lowercase().contains(&written),
            "{policy} does not use {}",
            method.name
        );
    }
}

/// The formatter on every policy of the corpus: formatting twice equals formatting once, and
/// nothing but the whitespace between markup of element-only content changes.
#[test]
fn formatting_the_corpus_is_idempotent_and_keeps_everything_significant() {
    let corpus = corpus_dir();
    if !corpus.is_dir() {
        eprintln!(
            "{} is absent: the formatter is not proved on it",
            corpus.display()
        );
        return;
    }
    let mut files = Vec::new();
    xml_files(&corpus, &mut files);
    files.sort();
    let options = syntax::format::FormatOptions::default();
    let (mut formatted, mut changed) = (0, 0);
    for path in &files {
        let bytes = std::fs::read(path).expect("readable");
        let Ok((text, _)) = b2c_lsp::environments::decode(&bytes) else {
            continue;
        };
        let Ok(once) = syntax::format::format(&text, options) else {
            continue;
        };
        formatted += 1;
        changed += usize::from(once != text);
        let twice = syntax::format::format(&once, options).expect("formatted text parses");
        assert!(
            twice == once,
            "{}: formatting twice differs",
            path.display()
        );
        assert!(
            syntax::format::significant_tokens(&text) == syntax::format::significant_tokens(&once),
            "{}: formatting changed more than whitespace",
            path.display()
        );
    }
    assert!(formatted > 400, "only {formatted} corpus files formatted");
    eprintln!("formatter: {formatted} corpus files, {changed} reindented");
}

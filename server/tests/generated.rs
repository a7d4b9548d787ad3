//! The registry of diagnostic codes is the one source of their documentation: the README's
//! table and `docs/diagnostics.md` are generated from it and must be fresh (refresh with
//! `UPDATE_EXPECT=1 cargo test -p b2c-lsp --test generated`), and every entry must respect
//! "severity follows evidence".

use std::path::PathBuf;

use b2c_lsp::diagnostic::{
    codes_docs_page, codes_readme_table, DiagnosticCode, Evidence, Severity,
};

fn project_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
}

/// Compares `path` with `expected`, or rewrites it under UPDATE_EXPECT.
fn ensure_file_contents(path: &PathBuf, expected: &str) {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current == expected {
        return;
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, expected).expect("writable");
        return;
    }
    panic!(
        "{} is stale; run UPDATE_EXPECT=1 cargo test -p b2c-lsp --test generated",
        path.display()
    );
}

#[test]
fn docs_page_is_fresh() {
    ensure_file_contents(&project_file("docs/diagnostics.md"), &codes_docs_page());
}

#[test]
fn readme_table_is_fresh() {
    const START: &str = "<!-- diagnostics-table:start -->\n";
    const END: &str = "<!-- diagnostics-table:end -->";
    let path = project_file("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme
        .find(START)
        .expect("README has the table's start marker");
    let end = readme.find(END).expect("README has the table's end marker");
    let expected = format!(
        "{}{START}{}{}",
        &readme[..start],
        codes_readme_table(),
        &readme[end..]
    );
    ensure_file_contents(&path, &expected);
}

#[test]
fn severity_follows_evidence() {
    for (i, info) in DiagnosticCode::all().iter().enumerate() {
        assert_eq!(info.code as usize, i, "{} is out of order", info.name);
        assert_eq!(DiagnosticCode::from_name(info.name), Some(info.code));
        assert!(
            info.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} is not kebab-case",
            info.name
        );
        for (what, text) in [
            ("summary", info.summary),
            ("explanation", info.explanation),
            ("example", info.example),
            ("fix", info.fix),
        ] {
            assert!(!text.trim().is_empty(), "{} has no {what}", info.name);
        }
        if info.severity == Severity::Error {
            assert!(
                info.evidence.supports_error(),
                "{} is an error without the schema, an upload message or a working policy behind it",
                info.name
            );
        }
        if info.evidence == Evidence::Style {
            assert!(info.severity >= Severity::Info, "{} is style", info.name);
        }
    }
}

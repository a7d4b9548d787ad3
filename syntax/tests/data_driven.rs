//! Data-driven parser tests: every `test_data/{ok,err}/*.xml` next to a `.rast` dump of its
//! tree and errors. Refresh the dumps with `UPDATE_EXPECT=1 cargo test -p b2c-syntax`.

use std::fs;
use std::path::{Path, PathBuf};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "xml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

fn dump(text: &str) -> (String, usize) {
    let parse = syntax::parse(text);
    let tree = parse.syntax();
    assert_eq!(
        tree.text().to_string(),
        text,
        "the tree must keep every byte"
    );
    let mut out = syntax::debug_tree(&tree);
    for error in parse.errors() {
        out.push_str(&format!(
            "error {}..{}: {}\n",
            u32::from(error.range.start()),
            u32::from(error.range.end()),
            error.message
        ));
    }
    (out, parse.errors().len())
}

fn check_dir(dir: &str, expect_errors: bool) {
    for path in fixtures(dir) {
        let text = fs::read_to_string(&path).expect("fixture is UTF-8");
        let (actual, error_count) = dump(&text);
        if expect_errors {
            assert!(
                error_count > 0,
                "{} must produce at least one error",
                path.display()
            );
        } else {
            assert_eq!(
                error_count,
                0,
                "{} must parse without errors:\n{actual}",
                path.display()
            );
        }
        expect_test::expect_file![path.with_extension("rast")].assert_eq(&actual);
    }
}

#[test]
fn ok_files_parse_cleanly() {
    check_dir("ok", false);
}

#[test]
fn err_files_report_errors() {
    check_dir("err", true);
}

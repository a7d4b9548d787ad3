//! Every diagnostic code, proved both ways on annotated fixtures: `test_data/rules/<code>/`
//! holds an `invalid/` policy set where the rule fires and a `valid/` one, as close to it as
//! can be, where it must stay silent. The expected findings are marked in the XML itself, in a
//! comment on the line after the offending text, with carets under it:
//!
//! ```xml
//!       <OutputClaim ClaimTypeReferenceId="dispalyName" />
//!       <!--                              ^^^^^^^^^^^ error[undefined-claim-type] -->
//! ```
//!
//! The carets sit in the same columns as the text they mark (so the marked text must start at
//! column 4 or later); a mark may end with `: ` and a part of the message. Every error, warning
//! and information of a fixture must be marked, and every mark must be found: a rule and its
//! proof sit side by side, as in rust-analyzer's `//^^^ error: ...` fixtures.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use b2c_lsp::diagnostic::{DiagnosticCode, Severity};
use b2c_lsp::diagnostics::file_diagnostics;

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/rules")
}

/// One expected or found finding: file, 1-based line, 0-based byte columns, severity, code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Mark {
    file: String,
    line: usize,
    start: usize,
    /// The end column, or `None` when the finding spans lines (only its start is marked).
    end: Option<usize>,
    severity: String,
    code: String,
}

/// The marks written in one file, and the message parts they require.
fn marks_in(file: &str, text: &str) -> Vec<(Mark, Option<String>)> {
    let mut marks = Vec::new();
    let mut marked_line = 0;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        let is_mark = trimmed.starts_with("<!--")
            && trimmed.ends_with("-->")
            && trimmed[4..trimmed.len() - 3].trim_start().starts_with('^');
        if !is_mark {
            marked_line = i + 1;
            continue;
        }
        let start = line.find('^').expect("a caret");
        let carets = line[start..].chars().take_while(|c| *c == '^').count();
        let rest = line[start + carets..].trim().trim_end_matches("-->").trim();
        let (label, message) = match rest.split_once("]:") {
            Some((label, message)) => (format!("{label}]"), Some(message.trim().to_owned())),
            None => (rest.to_owned(), None),
        };
        let (severity, code) = label
            .trim_end_matches(']')
            .split_once('[')
            .unwrap_or_else(|| panic!("{file}:{}: a mark needs severity[code]", i + 1));
        marks.push((
            Mark {
                file: file.to_owned(),
                line: marked_line,
                start,
                end: Some(start + carets),
                severity: severity.trim().to_owned(),
                code: code.to_owned(),
            },
            message,
        ));
    }
    marks
}

/// A fixture file's name relative to its set folder is enough: sets are small.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Checks one policy set: every finding marked, every mark found. Returns the codes found.
fn check_set(dir: &Path) -> BTreeSet<String> {
    // A b2c-lsp.toml cannot hold marks either: one that does not read is expected by the
    // set's folder name alone (the invalid set of config-invalid), and stops `check`.
    let config = dir.join(b2c_lsp::config::CONFIG_FILE);
    if let Ok(text) = std::fs::read_to_string(&config) {
        if let Err(e) = b2c_lsp::config::ProjectConfig::parse(&config, &text) {
            return BTreeSet::from([e.diagnostic().code.as_str().to_owned()]);
        }
    }
    let (workspace, _, undecodable) =
        b2c_lsp::cli::load(&[dir.to_owned()], &[]).expect("the fixture loads");
    let mut expected = Vec::new();
    let mut found = Vec::new();
    let mut codes = BTreeSet::new();
    // A file that cannot be decoded is one finding for the whole file: its mark, read from
    // the bytes as Latin-1, is compared by file and code only.
    for (path, message) in &undecodable {
        let name = file_name(path);
        let bytes = std::fs::read(path).expect("readable");
        let text: String = bytes.iter().map(|b| char::from(*b)).collect();
        expected.extend(marks_in(&name, &text).into_iter().map(|(mut mark, m)| {
            mark.line = 0;
            mark.start = 0;
            mark.end = None;
            (mark, m)
        }));
        let code = DiagnosticCode::NotUtf8;
        codes.insert(code.as_str().to_owned());
        found.push((
            Mark {
                file: name,
                line: 0,
                start: 0,
                end: None,
                severity: code.severity().as_str().to_owned(),
                code: code.as_str().to_owned(),
            },
            message.clone(),
        ));
    }
    // An appsettings.json cannot hold marks (JSON has no comments): its finding is expected
    // by the set's folder name alone (the invalid set of appsettings-invalid), as `check`
    // reports it.
    let settings = dir.join("appsettings.json");
    if let Some(d) = std::fs::read_to_string(&settings)
        .ok()
        .and_then(|text| b2c_lsp::environments::appsettings_diagnostic(&text))
    {
        codes.insert(d.code.as_str().to_owned());
    }
    let mut paths = workspace.reported_paths();
    paths.sort();
    assert!(
        !paths.is_empty() || !undecodable.is_empty(),
        "{} holds no policy",
        dir.display()
    );
    for path in paths {
        let file = workspace.file(&path).expect("indexed");
        let name = file_name(&path);
        expected.extend(marks_in(&name, &file.text));
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(file.text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let locate = |offset: usize| {
            let line = line_starts.partition_point(|s| *s <= offset);
            (line, offset - line_starts[line - 1])
        };
        for d in file_diagnostics(&workspace, &path) {
            if d.severity == Severity::Hint {
                continue;
            }
            let (line, start) = locate(d.range.start().into());
            let (end_line, end) = locate(d.range.end().into());
            codes.insert(d.code.as_str().to_owned());
            found.push((
                Mark {
                    file: name.clone(),
                    line,
                    start,
                    end: (end_line == line).then_some(end),
                    severity: d.severity.as_str().to_owned(),
                    code: d.code.as_str().to_owned(),
                },
                d.message,
            ));
        }
    }
    let matches = |mark: &Mark, message: &Option<String>, (f, text): &(Mark, String)| {
        f.file == mark.file
            && f.line == mark.line
            && f.start == mark.start
            && (f.end.is_none() || f.end == mark.end)
            && f.severity == mark.severity
            && f.code == mark.code
            && message.as_ref().is_none_or(|m| text.contains(m.as_str()))
    };
    let unfound: Vec<String> = expected
        .iter()
        .filter(|(mark, message)| !found.iter().any(|f| matches(mark, message, f)))
        .map(|(mark, message)| format!("{mark:?} {message:?}"))
        .collect();
    let unmarked: Vec<String> = found
        .iter()
        .filter(|f| {
            !expected
                .iter()
                .any(|(mark, message)| matches(mark, message, f))
        })
        .map(|(mark, message)| {
            format!(
                "{}:{}:{}: {}[{}]: {message}",
                mark.file, mark.line, mark.start, mark.severity, mark.code
            )
        })
        .collect();
    assert!(
        unfound.is_empty() && unmarked.is_empty(),
        "{}:\nmarked but not found: {unfound:#?}\nfound but not marked: {unmarked:#?}",
        dir.display()
    );
    codes
}

#[test]
fn every_code_fires_on_its_invalid_fixture_and_not_on_its_valid_one() {
    let mut missing = Vec::new();
    for info in DiagnosticCode::all() {
        let dir = rules_dir().join(info.name);
        let (invalid, valid) = (dir.join("invalid"), dir.join("valid"));
        if !invalid.is_dir() || !valid.is_dir() {
            missing.push(info.name);
            continue;
        }
        let fired = check_set(&invalid);
        assert!(
            fired.contains(info.name),
            "{}: the invalid fixture does not produce {}",
            invalid.display(),
            info.name
        );
        let silent = check_set(&valid);
        assert!(
            !silent.contains(info.name),
            "{}: the valid fixture produces {}",
            valid.display(),
            info.name
        );
    }
    assert!(
        missing.is_empty(),
        "codes without invalid/ and valid/ fixtures in test_data/rules: {missing:?}"
    );
}

/// A folder of test_data/rules that names no code is a typo, not a test.
#[test]
fn every_fixture_folder_names_a_code() {
    for entry in std::fs::read_dir(rules_dir())
        .expect("test_data/rules")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            DiagnosticCode::from_name(&name).is_some(),
            "test_data/rules/{name} is not a diagnostic code"
        );
    }
}

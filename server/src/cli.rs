//! The command-line jobs: `check` (diagnostics for CI and editors-on-save) and `parse` (dump a
//! syntax tree).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use syntax::{LineIndex, TextRange};

use crate::diagnostics::{file_diagnostics, Diagnostic, Severity};
use crate::files::{decode, xml_files};
use crate::index::Workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// A diagnostic ready to print: where, in the terms a person or a tool reads.
struct Finding {
    display: String,
    start: (u32, u32),
    end: (u32, u32),
    human: (u32, u32),
    severity: Severity,
    code: &'static str,
    message: String,
}

/// Why a command could not run at all (exit code 2).
#[derive(Debug)]
pub struct UsageError(pub String);

/// A loaded workspace, the display name of each file, and the files that could not be
/// decoded with why.
pub type Loaded = (Workspace, HashMap<PathBuf, String>, Vec<(PathBuf, String)>);

/// Loads the workspace for `check`: the files under `paths` (reported on) and under `bases`
/// (ancestors only). Returns the workspace, the display name of each file, and the findings
/// for files that could not be decoded.
pub fn load(paths: &[PathBuf], bases: &[PathBuf]) -> Result<Loaded, UsageError> {
    let workspace = Workspace::new();
    let mut display = HashMap::new();
    let mut undecodable = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (roots, base_only) in [(paths, false), (bases, true)] {
        for root in roots {
            if !root.exists() {
                return Err(UsageError(format!(
                    "{}: no such file or folder",
                    root.display()
                )));
            }
            for file in xml_files(root) {
                let key = std::path::absolute(&file).unwrap_or_else(|_| file.clone());
                if !seen.insert(key.clone()) {
                    continue;
                }
                let bytes = match std::fs::read(&file) {
                    Ok(bytes) => bytes,
                    Err(e) if file == *root => {
                        return Err(UsageError(format!("{}: cannot read: {e}", file.display())));
                    }
                    Err(_) => continue,
                };
                display.insert(key.clone(), file.display().to_string());
                match decode(bytes) {
                    Ok(text) => {
                        workspace.set_file(key, Arc::from(text), base_only);
                    }
                    Err(e) if !base_only => undecodable.push((key, e.message)),
                    Err(_) => {}
                }
            }
        }
    }
    Ok((workspace, display, undecodable))
}

/// Runs `check`; returns the process exit code.
pub fn check(
    paths: &[PathBuf],
    bases: &[PathBuf],
    format: Format,
    out: &mut impl Write,
) -> Result<i32, UsageError> {
    if paths.is_empty() {
        return Err(UsageError(
            "check needs at least one file or folder".to_owned(),
        ));
    }
    let (workspace, display, undecodable) = load(paths, bases)?;
    let mut findings = Vec::new();
    let mut files_checked = 0;
    for (path, message) in &undecodable {
        findings.push(Finding {
            display: display[path].clone(),
            start: (0, 0),
            end: (0, 0),
            human: (1, 1),
            severity: Severity::Error,
            code: "not-utf8",
            message: message.clone(),
        });
    }
    for path in workspace.reported_paths() {
        let Some(file) = workspace.file(&path) else {
            continue;
        };
        files_checked += 1;
        for diagnostic in file_diagnostics(&workspace, &path) {
            findings.push(finding(
                &display[&path],
                &file.text,
                &file.line_index,
                &diagnostic,
            ));
        }
    }
    findings.sort_by(|a, b| (&a.display, a.start).cmp(&(&b.display, b.start)));
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    let write = |out: &mut dyn Write, text: String| {
        // A closed pipe (e.g. `| head`) is not an error of the check.
        let _ = out.write_all(text.as_bytes());
    };
    match format {
        Format::Text => {
            for f in &findings {
                write(
                    out,
                    format!(
                        "{}:{}:{}: {}[{}]: {}\n",
                        f.display,
                        f.human.0,
                        f.human.1,
                        f.severity.as_str(),
                        f.code,
                        f.message
                    ),
                );
            }
            write(
                out,
                format!(
                    "{} {}, {} {}, {} other in {} policy {}\n",
                    errors,
                    plural(errors, "error", "errors"),
                    warnings,
                    plural(warnings, "warning", "warnings"),
                    findings.len() - errors - warnings,
                    files_checked,
                    plural(files_checked, "file", "files"),
                ),
            );
        }
        Format::Json => {
            let array: Vec<serde_json::Value> = findings
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "file": f.display,
                        "range": {
                            "start": {"line": f.start.0, "character": f.start.1},
                            "end": {"line": f.end.0, "character": f.end.1},
                        },
                        "severity": f.severity.as_str(),
                        "code": f.code,
                        "message": f.message,
                    })
                })
                .collect();
            let text = serde_json::to_string_pretty(&array).unwrap_or_else(|_| "[]".to_owned());
            write(out, format!("{text}\n"));
        }
    }
    Ok(if errors > 0 { 1 } else { 0 })
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

fn finding(display: &str, text: &str, index: &LineIndex, d: &Diagnostic) -> Finding {
    let position = |range: TextRange| {
        let start = index.to_utf16(text, range.start().into());
        let end = index.to_utf16(text, range.end().into());
        ((start.line, start.col), (end.line, end.col))
    };
    let (start, end) = position(d.range);
    let human = index.to_human(text, d.range.start().into());
    Finding {
        display: display.to_owned(),
        start,
        end,
        human: (human.line, human.col),
        severity: d.severity,
        code: d.code,
        message: d.message.clone(),
    }
}

/// Runs `parse`: prints the tree of one file, then its syntax errors on stderr.
pub fn parse(path: &Path, out: &mut impl Write) -> Result<i32, UsageError> {
    let bytes = std::fs::read(path)
        .map_err(|e| UsageError(format!("{}: cannot read: {e}", path.display())))?;
    let text =
        decode(bytes).map_err(|e| UsageError(format!("{}: {}", path.display(), e.message)))?;
    let parse = syntax::parse(&text);
    let _ = out.write_all(syntax::debug_tree(&parse.syntax()).as_bytes());
    let index = LineIndex::new(&text);
    for error in parse.errors() {
        let at = index.to_human(&text, error.range.start().into());
        eprintln!(
            "{}:{}:{}: error[syntax-error]: {}",
            path.display(),
            at.line,
            at.col,
            error.message
        );
    }
    Ok(if parse.errors().is_empty() { 0 } else { 1 })
}

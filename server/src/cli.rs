//! The command-line jobs: `check` (diagnostics for CI and editors-on-save) and `parse` (dump a
//! syntax tree).

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use syntax::{LineIndex, TextRange};

use crate::diagnostics::{file_diagnostics, Diagnostic, DiagnosticCode, Severity};
use crate::files::{self, decode, read_if_policy};
use crate::index::Workspace;
use crate::journeys::{journeys_json, render};
use crate::parallel::in_parallel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// On a terminal, `pretty`; otherwise (a pipe, a file, CI logs) `short`.
    Text,
    /// One `path:line:col: severity[code]: message` line per finding, and a summary.
    Short,
    /// rustc-style: the severity, code and message, the place, the source line with the span
    /// underlined, and a `help:` line; in colour on a terminal unless NO_COLOR is set.
    Pretty,
    /// An array of findings with 0-based LSP positions.
    Json,
    /// A SARIF 2.1.0 log (for GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::message`), which annotate the diff.
    Github,
}

/// A diagnostic ready to print: where, in the terms a person or a tool reads.
struct Finding {
    display: String,
    start: (u32, u32),
    end: (u32, u32),
    human: (u32, u32),
    human_end: (u32, u32),
    severity: Severity,
    code: &'static str,
    message: String,
    /// The source line where the finding starts, and the span in it (bytes), for `pretty`.
    source_line: String,
    span: (usize, usize),
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
    for root in paths.iter().chain(bases) {
        if !root.exists() {
            return Err(UsageError(format!(
                "{}: no such file or folder",
                root.display()
            )));
        }
    }
    // The walk is cheap and fixes the order; reading, decoding and parsing run on all cores.
    let workspace = Workspace::new();
    let mut seen = std::collections::HashSet::new();
    let found: Vec<(PathBuf, PathBuf, bool)> = files::plan(paths, bases, &workspace.configs)
        .into_iter()
        .filter_map(|(file, base_only)| {
            let key = std::path::absolute(&file).unwrap_or_else(|_| file.clone());
            seen.insert(key.clone()).then_some((key, file, base_only))
        })
        .collect();
    // A b2c-lsp.toml that does not read stops the check: its severities and ignore patterns
    // would silently not apply.
    for config in workspace.configs.known() {
        if let Err(e) = workspace.configs.read(&config) {
            return Err(UsageError(e.describe()));
        }
    }
    let outcomes = in_parallel(found, |(key, file, base_only)| {
        let display = file.display().to_string();
        (display, files::read(key, base_only))
    });
    let mut display = HashMap::new();
    let mut undecodable = Vec::new();
    for (shown, outcome) in outcomes {
        let data = match outcome {
            files::Read::Policy(data) => data,
            files::Read::Undecodable(data, message) => {
                if let Some(message) = message {
                    undecodable.push((data.path.clone(), message));
                }
                data
            }
            // A policy left out would pass the check unseen: that is no pass.
            files::Read::Unreadable(e) => {
                return Err(UsageError(format!("{shown}: cannot read: {e}")))
            }
            files::Read::NotPolicy => continue,
        };
        display.insert(data.path.clone(), shown);
        workspace.insert(data);
    }
    undecodable.sort();
    Ok((workspace, display, undecodable))
}

/// Runs `check`; returns the process exit code.
pub fn check(
    paths: &[PathBuf],
    bases: &[PathBuf],
    format: Format,
    out: &mut impl Write,
) -> Result<i32, UsageError> {
    check_environment(paths, bases, None, format, None, out)
}

/// The policies of the workspace as environment `name` of their `appsettings.json` will have
/// them: each file's text with its `{Settings:...}` placeholders replaced (see `b2c-lsp
/// build`), and, per file, how to map positions back to its source. A file that no
/// `appsettings.json` governs is kept as it is.
fn apply_environment(
    workspace: &crate::index::Workspace,
    name: &str,
) -> Result<HashMap<PathBuf, (Arc<str>, crate::environments::Substituted)>, UsageError> {
    let mut sources = HashMap::new();
    for path in workspace.all_paths() {
        let Some(file) = workspace.file(&path) else {
            continue;
        };
        let Some(settings_path) = path
            .parent()
            .and_then(crate::environments::find_appsettings)
        else {
            continue;
        };
        let text = std::fs::read_to_string(&settings_path)
            .map_err(|e| UsageError(format!("{}: cannot read: {e}", settings_path.display())))?;
        let settings = crate::environments::AppSettings::parse(&text)
            .map_err(|e| UsageError(format!("{}: {e}", settings_path.display())))?;
        let Some(environment) = settings.environment(name) else {
            return Err(UsageError(format!(
                "no environment \"{name}\" in {}",
                settings_path.display()
            )));
        };
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let substituted = crate::environments::substitute(&file.text, environment, &file_name);
        if substituted.edits.is_empty() {
            continue;
        }
        workspace.set_file(
            path.clone(),
            Arc::from(substituted.text.as_str()),
            file.base_only,
        );
        sources.insert(path, (Arc::clone(&file.text), substituted));
    }
    Ok(sources)
}

/// Runs `check`, with `environment` (a name of `appsettings.json`) checking the policies as
/// that environment will have them; positions stay those of the source files.
/// Exit code 1 when an error is found, or more warnings than `max_warnings`.
pub fn check_environment(
    paths: &[PathBuf],
    bases: &[PathBuf],
    environment: Option<&str>,
    format: Format,
    max_warnings: Option<usize>,
    out: &mut impl Write,
) -> Result<i32, UsageError> {
    if paths.is_empty() {
        return Err(UsageError(
            "check needs at least one file or folder".to_owned(),
        ));
    }

    let (workspace, display, undecodable) = load(paths, bases)?;
    // A wrong path in CI must not pass as a clean check of nothing.
    if undecodable.is_empty() && workspace.reported_paths().is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(UsageError(format!(
            "no policy files in {} (a policy is an .xml file whose root element is TrustFrameworkPolicy)",
            shown.join(", ")
        )));
    }
    let mut findings = Vec::new();
    let mut files_checked = 0;
    for (path, message) in &undecodable {
        findings.push(Finding {
            display: display[path].clone(),
            start: (0, 0),
            end: (0, 0),
            human: (1, 1),
            human_end: (1, 1),
            severity: DiagnosticCode::NotUtf8.severity(),
            code: DiagnosticCode::NotUtf8.as_str(),
            message: message.clone(),
            source_line: String::new(),
            span: (0, 0),
        });
    }
    let sources = match environment {
        Some(name) => apply_environment(&workspace, name)?,
        None => HashMap::new(),
    };
    // Work out the chains once, before the threads share them.
    let _ = workspace.chain(Path::new(""));
    let reported = workspace.reported_paths();
    files_checked += reported.len();
    let per_file = in_parallel(reported, |path| {
        let Some(file) = workspace.file(&path) else {
            return Vec::new();
        };
        let diagnostics = file_diagnostics(&workspace, &path);
        match sources.get(&path) {
            // Findings on the environment's text, placed in the source file.
            Some((source, substituted)) => {
                let index = LineIndex::new(source);
                diagnostics
                    .iter()
                    .map(|d| {
                        let mut placed = d.clone();
                        placed.range = TextRange::new(
                            substituted.source_offset(d.range.start()),
                            substituted
                                .source_offset(d.range.end())
                                .max(substituted.source_offset(d.range.start())),
                        );
                        finding(&display[&path], source, &index, &placed)
                    })
                    .collect::<Vec<Finding>>()
            }
            None => diagnostics
                .iter()
                .map(|d| finding(&display[&path], &file.text, file.line_index(), d))
                .collect::<Vec<Finding>>(),
        }
    });
    findings.extend(per_file.into_iter().flatten());
    // The appsettings.json files that govern the checked policies: one that does not read
    // leaves their placeholders unchecked, which the check says.
    let mut settings_files: Vec<PathBuf> = workspace
        .reported_paths()
        .iter()
        .filter_map(|p| p.parent().and_then(crate::environments::find_appsettings))
        .collect();
    settings_files.sort();
    settings_files.dedup();
    for settings in settings_files {
        let Ok(text) = std::fs::read_to_string(&settings) else {
            continue;
        };
        if let Some(d) = crate::environments::appsettings_diagnostic(&text) {
            let index = LineIndex::new(&text);
            let shown = std::env::current_dir()
                .ok()
                .and_then(|cwd| settings.strip_prefix(cwd).ok().map(Path::to_path_buf))
                .unwrap_or_else(|| settings.clone());
            findings.push(finding(&shown.display().to_string(), &text, &index, &d));
        }
    }
    // Freeing thousands of trees takes a sizeable part of a cold check. A process that is
    // about to exit need not wait for it: the thread is cut short at exit, and a caller that
    // lives on still gets the memory back.
    std::thread::spawn(move || drop(workspace));
    // A total order, so the output never depends on which thread finished first.
    findings.sort_by(|a, b| {
        (&a.display, a.start, a.end, a.code, &a.message)
            .cmp(&(&b.display, b.start, b.end, b.code, &b.message))
    });
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
    let summary = format!(
        "{} {}, {} {}, {} other in {} policy {}\n",
        errors,
        plural(errors, "error", "errors"),
        warnings,
        plural(warnings, "warning", "warnings"),
        findings.len() - errors - warnings,
        files_checked,
        plural(files_checked, "file", "files"),
    );
    match format {
        Format::Text if std::io::stdout().is_terminal() => {
            write(out, pretty(&findings, true));
            write(out, summary);
        }
        Format::Pretty => {
            let colour = std::io::stdout().is_terminal();
            write(out, pretty(&findings, colour));
            write(out, summary);
        }
        Format::Text | Format::Short => {
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
            write(out, summary);
        }
        Format::Github => {
            for f in &findings {
                write(out, github_command(f));
            }
            write(out, summary);
        }
        Format::Sarif => {
            let text =
                serde_json::to_string_pretty(&sarif(&findings)).unwrap_or_else(|_| "{}".to_owned());
            write(out, format!("{text}\n"));
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
    let too_many_warnings = max_warnings.is_some_and(|most| warnings > most);
    if too_many_warnings && !matches!(format, Format::Json | Format::Sarif) {
        write(
            out,
            format!(
                "{warnings} {} found, more than --max-warnings {} allows\n",
                plural(warnings, "warning", "warnings"),
                max_warnings.unwrap_or_default()
            ),
        );
    }
    Ok(if errors > 0 || too_many_warnings {
        1
    } else {
        0
    })
}

/// One GitHub Actions workflow command, e.g.
/// `::error file=a.xml,line=3,col=5,endLine=3,endColumn=9,title=code::message`.
fn github_command(f: &Finding) -> String {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    };
    format!(
        "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
        github_property(&forward_slashes(&f.display)),
        f.human.0,
        f.human.1,
        f.human_end.0,
        f.human_end.1,
        github_property(f.code),
        github_data(&f.message),
    )
}

/// Escapes the message of a workflow command (the runner decodes these).
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command, where `,` and `:` are delimiters too.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn forward_slashes(path: &str) -> String {
    if std::path::MAIN_SEPARATOR == '\\' {
        path.replace('\\', "/")
    } else {
        path.to_owned()
    }
}

/// The SARIF `artifactLocation.uri` of a displayed path: a relative URI reference (resolved
/// against the folder the check ran in) when the path is relative or under the current
/// folder, else an absolute `file://` URI. Characters outside the unreserved set and `/` are
/// percent-encoded.
fn sarif_uri(display: &str) -> String {
    let path = forward_slashes(display);
    let mut relative = path.as_str();
    let cwd = std::env::current_dir()
        .ok()
        .map(|dir| forward_slashes(&dir.to_string_lossy()));
    if let Some(rest) = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd))
        .and_then(|rest| rest.strip_prefix('/'))
    {
        relative = rest;
    }
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest;
    }
    let encoded: String = relative
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    if relative.starts_with('/') {
        format!("file://{encoded}")
    } else if relative.len() > 1 && relative.as_bytes()[1] == b':' {
        // A Windows drive path.
        format!("file:///{encoded}")
    } else {
        encoded
    }
}

/// A SARIF 2.1.0 log of the findings: one run, one rule per code seen, 1-based positions
/// with columns counted in characters (as the text format does).
fn sarif(findings: &[Finding]) -> serde_json::Value {
    let mut codes: Vec<&'static str> = findings.iter().map(|f| f.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|code| match DiagnosticCode::from_name(code).map(|c| c.info()) {
            Some(info) => serde_json::json!({
                "id": code,
                "name": code,
                "helpUri": DiagnosticCode::from_name(code).map(DiagnosticCode::docs_url),
                "shortDescription": {"text": info.summary},
                "fullDescription": {"text": info.explanation},
                "help": {
                    "text": format!("{} Evidence: {}", info.fix, info.evidence.describe()),
                    "markdown": format!("{}\n\nExample:\n\n```xml\n{}\n```\n\nEvidence: {}", info.fix, info.example, info.evidence.describe()),
                },
                "defaultConfiguration": {"level": match info.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info | Severity::Hint => "note",
                }},
            }),
            None => serde_json::json!({
                "id": code,
                "name": code,
                "helpUri": DiagnosticCode::from_name(code).map(DiagnosticCode::docs_url),
                "shortDescription": {"text": code},
            }),
        })
        .collect();
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "note",
            };
            serde_json::json!({
                "ruleId": f.code,
                "ruleIndex": codes.binary_search(&f.code).unwrap_or(0),
                "level": level,
                "message": {"text": f.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": sarif_uri(&f.display)},
                        "region": {
                            "startLine": f.human.0,
                            "startColumn": f.human.1,
                            "endLine": f.human_end.0,
                            "endColumn": f.human_end.1,
                        },
                    },
                }],
            })
        })
        .collect();
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "b2c-lsp",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
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
    let human_end = index.to_human(text, d.range.end().into());
    // The source line for `pretty`, cut to a window around the finding: a search bounded by
    // the window keeps this constant per finding even on a one-line file of megabytes.
    const WINDOW: usize = 160;
    let start_byte = usize::from(d.range.start()).min(text.len());
    let floor = char_boundary(text, start_byte.saturating_sub(WINDOW));
    let is_break = |b: &u8| *b == b'\n' || *b == b'\r';
    let line_start = text.as_bytes()[floor..start_byte]
        .iter()
        .rposition(is_break)
        .map_or(floor, |i| floor + i + 1);
    let ceiling = char_boundary(text, (start_byte + WINDOW).min(text.len()));
    let line_end = text.as_bytes()[start_byte..ceiling]
        .iter()
        .position(is_break)
        .map_or(ceiling, |i| start_byte + i);
    let source_line = text[line_start..line_end].to_owned();
    let span_start = (start_byte - line_start).min(source_line.len());
    let span_end = (usize::from(d.range.end()).min(text.len()))
        .saturating_sub(line_start)
        .clamp(span_start, source_line.len());
    Finding {
        display: display.to_owned(),
        start,
        end,
        human: (human.line, human.col),
        human_end: (human_end.line, human_end.col),
        severity: d.severity,
        code: d.code.as_str(),
        message: d.message.clone(),
        source_line,
        span: (span_start, span_end),
    }
}

/// The nearest char boundary at or below `at`.
fn char_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// rustc-style reports (annotate-snippets): colour only when asked and NO_COLOR is unset.
fn pretty(findings: &[Finding], colour: bool) -> String {
    use annotate_snippets::{Level, Renderer, Snippet};
    let renderer = if colour && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for f in findings {
        let level = match f.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Info,
            Severity::Hint => Level::Note,
        };
        let code = DiagnosticCode::from_name(f.code);
        let help = code.map(|c| c.info().fix);
        let note = match code {
            Some(code) => format!("see {}", code.docs_url()),
            None => format!("see docs/diagnostics.md#{}", f.code),
        };
        // An empty span is drawn as one column wide, at the finding's start.
        let span = if f.span.0 == f.span.1 {
            f.span.0..(f.span.0 + 1).min(f.source_line.len().max(f.span.0))
        } else {
            f.span.0..f.span.1
        };
        let mut message = level.title(&f.message).id(f.code).snippet(
            Snippet::source(&f.source_line)
                .line_start(f.human.0 as usize)
                .origin(&f.display)
                .annotation(level.span(span)),
        );
        if let Some(help) = help {
            message = message.footer(Level::Help.title(help));
        }
        message = message.footer(Level::Note.title(&note));
        out.push_str(&renderer.render(message).to_string());
        out.push_str("\n\n");
    }
    out
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

/// Output formats of `journeys` (the command line's names for [`crate::journeys::Format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JourneysFormat {
    /// Steps, profiles and claims as indented text.
    Text,
    /// A Mermaid flowchart.
    Mermaid,
    /// A Graphviz DOT graph.
    Dot,
    /// The journey as JSON, for scripts.
    Json,
}

impl From<JourneysFormat> for crate::journeys::Format {
    fn from(format: JourneysFormat) -> Self {
        match format {
            JourneysFormat::Text => crate::journeys::Format::Text,
            JourneysFormat::Mermaid => crate::journeys::Format::Mermaid,
            JourneysFormat::Dot => crate::journeys::Format::Dot,
            JourneysFormat::Json => crate::journeys::Format::Json,
        }
    }
}

/// Runs `journeys`: prints each relying party's effective journey. Returns the exit code
/// (0, or 1 when no file has a relying party).
pub fn journeys(
    paths: &[PathBuf],
    bases: &[PathBuf],
    format: JourneysFormat,
    out: &mut impl Write,
) -> Result<i32, UsageError> {
    if paths.is_empty() {
        return Err(UsageError(
            "journeys needs at least one file or folder".to_owned(),
        ));
    }
    let (workspace, display, _) = load(paths, bases)?;
    let mut shown = 0;
    let mut json_items = Vec::new();
    for path in workspace.reported_paths() {
        let name = display
            .get(&path)
            .cloned()
            .unwrap_or_else(|| path.display().to_string());
        match format {
            JourneysFormat::Json => {
                let value = journeys_json(&workspace, &path);
                if !value["relyingParty"].is_null() {
                    let mut value = value;
                    value["file"] = serde_json::Value::String(name);
                    json_items.push(value);
                    shown += 1;
                }
            }
            _ => {
                if let Some(text) = render(&workspace, &path, &name, format.into()) {
                    let _ = writeln!(out, "{text}");
                    shown += 1;
                }
            }
        }
    }
    if format == JourneysFormat::Json {
        let text = serde_json::to_string_pretty(&serde_json::Value::Array(json_items))
            .unwrap_or_else(|_| "[]".to_owned());
        let _ = writeln!(out, "{text}");
    }
    if shown == 0 {
        eprintln!("b2c-lsp: no relying party found under the given paths");
        return Ok(1);
    }
    Ok(0)
}

/// Runs `fmt`: formats the policy files under `paths` in place, or with `check` only lists
/// those that formatting would change. Returns 0, or 1 when a file would change (`check`) or
/// could not be formatted (a syntax error: the file is left as it is, and the reason said).
pub fn fmt(
    paths: &[PathBuf],
    check: bool,
    options: syntax::format::FormatOptions,
    out: &mut impl Write,
) -> Result<i32, UsageError> {
    if paths.is_empty() {
        return Err(UsageError(
            "fmt needs at least one file or folder".to_owned(),
        ));
    }
    for root in paths {
        if !root.exists() {
            return Err(UsageError(format!(
                "{}: no such file or folder",
                root.display()
            )));
        }
    }
    // What b2c-lsp.toml files ignore is not formatted either (an environment's built copy).
    let configs = crate::config::Store::default();
    let files = files::plan(paths, &[], &configs)
        .into_iter()
        .filter(|(_, base_only)| !base_only)
        .map(|(path, _)| path);
    let mut code = 0;
    let mut policies = 0;
    for path in files {
        let Ok(Some(bytes)) = read_if_policy(&path) else {
            continue;
        };
        let Ok((text, encoding)) = crate::environments::decode(&bytes) else {
            let _ = writeln!(
                out,
                "{}: not formatted: not UTF-8 or UTF-16 text",
                path.display()
            );
            code = 1;
            continue;
        };
        policies += 1;
        match syntax::format::format(&text, options) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                if check {
                    let _ = writeln!(out, "{}: would be reformatted", path.display());
                    code = 1;
                } else {
                    std::fs::write(&path, crate::environments::encode(&formatted, encoding))
                        .map_err(|e| {
                            UsageError(format!("{}: cannot write: {e}", path.display()))
                        })?;
                    let _ = writeln!(out, "{}: formatted", path.display());
                }
            }
            Err(why) => {
                let at = why.at.map(|range| {
                    let index = LineIndex::new(&text);
                    let at = index.to_human(&text, range.start().into());
                    format!(":{}:{}", at.line, at.col)
                });
                let _ = writeln!(
                    out,
                    "{}{}: not formatted: {}",
                    path.display(),
                    at.unwrap_or_default(),
                    why.reason
                );
                code = 1;
            }
        }
    }
    if policies == 0 {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(UsageError(format!(
            "no policy files in {}",
            shown.join(", ")
        )));
    }
    Ok(code)
}

/// `fix`: applies the fixes that are always safe (the set `source.fixAll` applies) to the
/// policy files under `paths`, or with `dry_run` prints them as a unified diff and changes
/// nothing. Exit code: 0, or 1 when `dry_run` found something to fix; a file that cannot be
/// read or written is a usage error (2).
pub fn fix(
    paths: &[PathBuf],
    bases: &[PathBuf],
    dry_run: bool,
    out: &mut impl Write,
) -> Result<i32, UsageError> {
    if paths.is_empty() {
        return Err(UsageError(
            "fix needs at least one file or folder".to_owned(),
        ));
    }
    let (workspace, display, _undecodable) = load(paths, bases)?;
    let mut reported = workspace.reported_paths();
    if reported.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(UsageError(format!(
            "no policy files in {}",
            shown.join(", ")
        )));
    }
    reported.sort();
    let planned = in_parallel(reported.clone(), |path| {
        let path = &path;
        let file = workspace.file(path)?;
        let mut edits: Vec<crate::assists::FileEdit> = crate::assists::safe_fixes(&workspace, path)
            .into_iter()
            .filter(|f| f.safe)
            .flat_map(|f| f.edits)
            .filter(|e| e.path == *path)
            .collect();
        if edits.is_empty() {
            return None;
        }
        // From the end, so that earlier offsets stay valid; an edit overlapping one already
        // applied is left for the next run.
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start()));
        let mut text = file.text.to_string();
        let mut applied = 0;
        let mut floor = u32::MAX;
        for edit in &edits {
            let (start, end) = (u32::from(edit.range.start()), u32::from(edit.range.end()));
            if end > floor || text.get(start as usize..end as usize).is_none() {
                continue;
            }
            text.replace_range(start as usize..end as usize, &edit.new_text);
            floor = start;
            applied += 1;
        }
        Some((path.clone(), file.text.clone(), text, applied))
    });
    let mut code = 0;
    let mut fixed_files = 0;
    let mut fixes = 0;
    for (path, before, after, applied) in planned.into_iter().flatten() {
        let shown = display
            .get(&path)
            .cloned()
            .unwrap_or_else(|| path.display().to_string());
        fixed_files += 1;
        fixes += applied;
        if dry_run {
            let diff = similar::TextDiff::from_lines(before.as_ref(), after.as_str());
            let _ = write!(
                out,
                "{}",
                diff.unified_diff()
                    .context_radius(2)
                    .header(&format!("a/{shown}"), &format!("b/{shown}"))
            );
            code = 1;
            continue;
        }
        // Write back in the file's own encoding, and only over the text that was read.
        let bytes =
            std::fs::read(&path).map_err(|e| UsageError(format!("{shown}: cannot read: {e}")))?;
        let (current, encoding) =
            crate::environments::decode(&bytes).map_err(|e| UsageError(format!("{shown}: {e}")))?;
        if current != *before {
            return Err(UsageError(format!(
                "{shown}: changed while being fixed; run again"
            )));
        }
        std::fs::write(&path, crate::environments::encode(&after, encoding))
            .map_err(|e| UsageError(format!("{shown}: cannot write: {e}")))?;
        let _ = writeln!(
            out,
            "{shown}: {applied} fix{} applied",
            if applied == 1 { "" } else { "es" }
        );
    }
    let verb = if dry_run { "to apply" } else { "applied" };
    let _ = writeln!(
        out,
        "{fixes} safe fix{} {verb} in {fixed_files} of {} policy files",
        if fixes == 1 { "" } else { "es" },
        reported.len()
    );
    Ok(code)
}

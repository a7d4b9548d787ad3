//! `b2c-lsp build`: writes one copy of a policy folder per environment of its
//! `appsettings.json`, with the `{Settings:...}` placeholders replaced (see
//! [`crate::environments`]), and prints each environment's upload order. An environment with
//! a placeholder it has no value for is not written: each such placeholder is reported with its
//! file, line and column.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::environments::{self, AppSettings, Encoding, Environment};

/// What `build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// The policy folder (holding `appsettings.json`).
    pub folder: PathBuf,
    /// Environments to build (names, ignoring case); empty for all.
    pub environments: Vec<String>,
    /// Where the environment folders go instead of the `EnvironmentsFolder` of the settings.
    pub out: Option<PathBuf>,
    pub renumber: bool,
    pub json: bool,
}

/// Why `build` could not run at all (exit code 2).
#[derive(Debug)]
pub struct BuildError(pub String);

/// One source policy file.
struct Source {
    path: PathBuf,
    /// Relative to the policy folder.
    relative: PathBuf,
    text: String,
    encoding: Encoding,
}

/// One placeholder without a value.
struct Missing {
    relative: PathBuf,
    line: u32,
    column: u32,
    name: String,
}

/// Runs `build`; returns the exit code (0, or 1 when an environment was not written).
pub fn build(request: &BuildRequest, out: &mut impl Write) -> Result<i32, BuildError> {
    let folder = &request.folder;
    if !folder.is_dir() {
        return Err(BuildError(format!("{}: no such folder", folder.display())));
    }
    let settings_path = folder.join(environments::APPSETTINGS);
    let settings_text = std::fs::read_to_string(&settings_path).map_err(|e| {
        BuildError(format!(
            "{}: cannot read it ({e}); `build` needs the environments of an {} in the policy folder",
            settings_path.display(),
            environments::APPSETTINGS
        ))
    })?;
    let settings = AppSettings::parse(&settings_text)
        .map_err(|e| BuildError(format!("{}: {e}", settings_path.display())))?;
    let chosen: Vec<&Environment> = if request.environments.is_empty() {
        settings.environments.iter().collect()
    } else {
        request
            .environments
            .iter()
            .map(|name| {
                settings.environment(name).ok_or_else(|| {
                    BuildError(format!(
                        "no environment \"{name}\" in {}; it has {}",
                        settings_path.display(),
                        settings
                            .environments
                            .iter()
                            .map(|e| e.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })
            })
            .collect::<Result<_, _>>()?
    };
    if chosen.is_empty() {
        return Err(BuildError(format!(
            "{} defines no environment",
            settings_path.display()
        )));
    }
    let out_root = request
        .out
        .clone()
        .unwrap_or_else(|| folder.join(&settings.environments_folder));
    // Neither the environments folder of the settings nor the chosen output folder is input.
    let skipped = [folder.join(&settings.environments_folder), out_root.clone()];
    let sources = read_sources(folder, &skipped)?;
    if sources.is_empty() {
        return Err(BuildError(format!(
            "{}: no policy file to build",
            folder.display()
        )));
    }

    let mut failed = false;
    let mut report = Vec::new();
    for environment in chosen {
        let mut built: Vec<(PathBuf, String, Encoding)> = Vec::new();
        let mut missing = Vec::new();
        for source in &sources {
            let file_name = source
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let substituted = environments::substitute(&source.text, environment, &file_name);
            let index = syntax::LineIndex::new(&source.text);
            for placeholder in &substituted.missing {
                let at = index.to_human(&source.text, placeholder.range.start().into());
                missing.push(Missing {
                    relative: source.relative.clone(),
                    line: at.line,
                    column: at.col,
                    name: placeholder.name.clone(),
                });
            }
            let text = if request.renumber {
                environments::renumber_steps(&substituted.text)
            } else {
                substituted.text
            };
            built.push((source.relative.clone(), text, source.encoding));
        }
        let target = out_root.join(&environment.name);
        let order = upload_order(&built);
        let written = missing.is_empty();
        if written {
            for (relative, text, encoding) in &built {
                let path = target.join(relative);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        BuildError(format!("{}: cannot create it: {e}", parent.display()))
                    })?;
                }
                std::fs::write(&path, environments::encode(text, *encoding))
                    .map_err(|e| BuildError(format!("{}: cannot write it: {e}", path.display())))?;
            }
        } else {
            failed = true;
        }
        report.push((environment, target, order, missing, written));
    }

    if request.json {
        let items: Vec<serde_json::Value> = report
            .iter()
            .map(|(environment, target, order, missing, written)| {
                json!({
                    "environment": environment.name,
                    "written": written,
                    "folder": target.display().to_string(),
                    "uploadOrder": order.iter().map(|(file, id)| json!({"file": slash(file), "policyId": id})).collect::<Vec<_>>(),
                    "errors": missing.iter().map(|m| json!({
                        "file": slash(&m.relative),
                        "line": m.line,
                        "column": m.col(),
                        "message": m.message(&environment.name),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned());
        let _ = writeln!(out, "{text}");
    } else {
        for (environment, target, order, missing, written) in &report {
            for m in missing {
                let _ = writeln!(
                    out,
                    "{}:{}:{}: error: {}",
                    folder.join(&m.relative).display(),
                    m.line,
                    m.column,
                    m.message(&environment.name)
                );
            }
            if *written {
                let _ = writeln!(
                    out,
                    "environment \"{}\": {} {} written to {}; upload order:",
                    environment.name,
                    order.len(),
                    if order.len() == 1 { "file" } else { "files" },
                    target.display()
                );
                for (i, (file, id)) in order.iter().enumerate() {
                    let _ = writeln!(out, "  {}. {} ({id})", i + 1, slash(file));
                }
            } else {
                let _ = writeln!(
                    out,
                    "environment \"{}\": not written, {} {} without a value",
                    environment.name,
                    missing.len(),
                    if missing.len() == 1 {
                        "placeholder"
                    } else {
                        "placeholders"
                    }
                );
            }
        }
    }
    Ok(i32::from(failed))
}

impl Missing {
    fn col(&self) -> u32 {
        self.column
    }

    fn message(&self, environment: &str) -> String {
        format!(
            "{{Settings:{}}} has no value in environment \"{environment}\" (add it to its PolicySettings in {})",
            self.name,
            environments::APPSETTINGS
        )
    }
}

fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The policy files under `folder`, not under the `skipped` folders, sorted.
fn read_sources(folder: &Path, skipped: &[PathBuf]) -> Result<Vec<Source>, BuildError> {
    let skipped: Vec<PathBuf> = skipped
        .iter()
        .map(|s| std::path::absolute(s).unwrap_or_else(|_| s.clone()))
        .collect();
    let mut paths = Vec::new();
    let mut stack = vec![folder.to_owned()];
    while let Some(dir) = stack.pop() {
        let absolute = std::path::absolute(&dir).unwrap_or_else(|_| dir.clone());
        if skipped.iter().any(|s| absolute.starts_with(s)) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
            {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let mut sources = Vec::new();
    for path in paths {
        let bytes = std::fs::read(&path)
            .map_err(|e| BuildError(format!("{}: cannot read it: {e}", path.display())))?;
        let (text, encoding) = environments::decode(&bytes)
            .map_err(|e| BuildError(format!("{}: {e}", path.display())))?;
        let parse = syntax::parse(&text);
        let is_policy = syntax::view::ElementRef::root(&parse)
            .is_some_and(|root| root.is("TrustFrameworkPolicy"));
        if !is_policy {
            continue;
        }
        let relative = path.strip_prefix(folder).unwrap_or(&path).to_owned();
        sources.push(Source {
            path,
            relative,
            text,
            encoding,
        });
    }
    Ok(sources)
}

/// The built files in an order B2C accepts: every policy after the base it names (when that
/// base is among them), then by path. Returns (file, PolicyId).
fn upload_order(built: &[(PathBuf, String, Encoding)]) -> Vec<(PathBuf, String)> {
    let facts: Vec<(PathBuf, String, Option<String>)> = built
        .iter()
        .map(|(relative, text, _)| {
            let parse = syntax::parse(text);
            let root = syntax::view::ElementRef::root(&parse);
            let id = root
                .and_then(|r| r.attribute_value("PolicyId"))
                .map(|v| v.trim().to_owned())
                .unwrap_or_default();
            let base = root
                .and_then(|r| r.child("BasePolicy"))
                .and_then(|b| b.child("PolicyId"))
                .map(|p| p.text().trim().to_owned())
                .filter(|b| !b.is_empty());
            (relative.clone(), id, base)
        })
        .collect();
    let depth = |start: usize| -> usize {
        let mut depth = 0;
        let mut current = start;
        let mut seen = vec![start];
        while let Some(base) = &facts[current].2 {
            let Some(next) = facts
                .iter()
                .position(|(_, id, _)| id.eq_ignore_ascii_case(base))
            else {
                break;
            };
            if seen.contains(&next) {
                break;
            }
            seen.push(next);
            depth += 1;
            current = next;
        }
        depth
    };
    let mut order: Vec<(usize, usize)> = (0..facts.len()).map(|i| (depth(i), i)).collect();
    order.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| facts[a.1].0.cmp(&facts[b.1].0)));
    order
        .into_iter()
        .map(|(_, i)| (facts[i].0.clone(), facts[i].1.clone()))
        .collect()
}

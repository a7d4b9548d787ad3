//! House rules checked on the source itself, as rust-analyzer's tidy tests do: every file
//! opens with a `//!` line, and the modules of the server form a one-way graph, from facts
//! to analyses to front ends (syntax -> index -> analyses -> cli/lsp), with no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer of each top-level module: a module may use modules of its own layer or below.
fn layer(module: &str) -> Option<u8> {
    Some(match module {
        // Plain facts and types that everything speaks.
        "diagnostic" | "catalog" | "environments" | "parallel" | "cancel" => 0,
        // Files on disk and the index of what they hold.
        "files" | "index" | "config" => 1,
        // Analyses over the index.
        "diagnostics" | "ide" | "journeys" | "navigation" | "assists" | "rules" => 2,
        // Front ends.
        "cli" | "build" | "lsp" | "fuzzing" => 3,
        _ => return None,
    })
}

#[test]
fn every_file_opens_with_a_doc_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "server/src",
        "server/tests",
        "server/benches",
        "syntax/src",
        "syntax/tests",
    ] {
        sources(&root.join(dir), &mut files);
    }
    let missing: Vec<String> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            !text.trim_start().starts_with("//!") && !text.starts_with("// @generated")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` line: {missing:#?}"
    );
}

#[test]
fn the_module_graph_is_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        let module = relative
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_owned()
            })
            .unwrap_or_default();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("readable");
        // Tests may drive the front ends; only the code itself must keep to its layer.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (at, _) in code.match_indices("crate::") {
            let used: String = code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !used.is_empty() && used != module {
                uses.entry(module.clone()).or_default().insert(used);
            }
        }
    }
    let mut problems = Vec::new();
    for (module, used) in &uses {
        let Some(own) = layer(module) else {
            problems.push(format!("{module} has no layer in tidy.rs"));
            continue;
        };
        for target in used {
            match layer(target) {
                Some(theirs) if theirs > own => problems.push(format!(
                    "{module} (layer {own}) uses {target} (layer {theirs})"
                )),
                None => problems.push(format!("{target} has no layer in tidy.rs")),
                _ => {}
            }
        }
    }
    // No cycle, within a layer either.
    for (module, used) in &uses {
        for target in used {
            let mut stack = vec![target.clone()];
            let mut seen = BTreeSet::new();
            while let Some(next) = stack.pop() {
                if next == *module {
                    problems.push(format!(
                        "{module} -> {target} -> ... -> {module} is a cycle"
                    ));
                    break;
                }
                if seen.insert(next.clone()) {
                    stack.extend(uses.get(&next).into_iter().flatten().cloned());
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The end-to-end tests in the top-level tests/ folder run only when server/Cargo.toml lists
/// them as `[[test]]` targets: a file there that is not listed would silently never run.
#[test]
fn every_end_to_end_test_is_a_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest = std::fs::read_to_string(root.join("server/Cargo.toml")).expect("manifest");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root.join("tests/tests"))
        .expect("tests/tests")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".rs") && !manifest.contains(&format!("path = \"../tests/tests/{name}\""))
        {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "end-to-end tests not listed in server/Cargo.toml: {missing:?}"
    );
}

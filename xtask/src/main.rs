//! Repository tasks, run as `cargo xtask <task>` (an alias in `.cargo/config.toml`).
//!
//! - `codegen`: regenerate the catalog tables `server/src/catalog/{technical_profiles,
//!   transformations,string_ids,resolvers}.rs` from the hand-written data files beside them
//!   (`*.toml`), then `server/src/catalog/elements.rs` from the published schema
//!   (`../shared/corpus/starterpack/TrustFrameworkPolicy_0.3.0.0.xsd`, outside the project) and
//!   the hand-written overlay `server/src/catalog/element_docs.toml`.
//! - `codegen --check`: fail instead of writing when a file is stale.

use std::process::ExitCode;

mod codegen;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen::run(codegen::Mode::Write),
        ["codegen", "--check"] => codegen::run(codegen::Mode::Check),
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

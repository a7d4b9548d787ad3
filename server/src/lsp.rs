//! The language server on stdio (being built).

use std::process::ExitCode;

pub fn run() -> ExitCode {
    eprintln!(
        "b2c-lsp: the language server is not available yet; use `b2c-lsp check` or `b2c-lsp parse`"
    );
    ExitCode::from(2)
}

//! b2c-lsp: a language server and checker for Azure AD B2C custom policies. The index and the
//! analyses speak plain data (paths, byte ranges); `lsp` and `cli` convert at the edges.

pub mod assists;
pub mod build;
pub mod cancel;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod diagnostics;
pub mod environments;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod ide;
pub mod index;
pub mod journeys;
pub mod lsp;
pub mod navigation;
pub mod parallel;
pub mod rules;

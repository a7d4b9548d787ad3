//! What every analysis reports: a [`Diagnostic`] with its range, [`Severity`], related
//! locations and [`DiagnosticCode`]. A leaf module: it knows nothing of the index, the rules
//! or the protocol, so every layer can speak it.

mod codes;

use std::path::{Path, PathBuf};

use syntax::TextRange;

pub use codes::{
    docs_page as codes_docs_page, readme_table as codes_readme_table, CodeInfo, DiagnosticCode,
    Evidence,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// Another place that helps explain a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub path: PathBuf,
    pub range: TextRange,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    pub code: DiagnosticCode,
    pub message: String,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic with the code's own severity and no related locations.
    pub fn new(range: TextRange, code: DiagnosticCode, message: String) -> Diagnostic {
        Diagnostic {
            range,
            severity: code.severity(),
            code,
            message,
            related: Vec::new(),
        }
    }

    /// The diagnostic at a lower severity than its code's, where the fact behind this one
    /// finding has weaker evidence than the rule (the code's documentation says when).
    pub fn softened(mut self, severity: Severity) -> Diagnostic {
        self.severity = self.severity.max(severity);
        self
    }

    /// The diagnostic with one more related location.
    pub fn with_related(mut self, path: &Path, range: TextRange, message: &str) -> Diagnostic {
        self.related.push(Related {
            path: path.to_owned(),
            range,
            message: message.to_owned(),
        });
        self
    }
}

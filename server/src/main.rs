//! The `b2c-lsp` binary: the language server on stdio (no arguments, `serve` or `--stdio`),
//! and the command-line jobs (`check`, `fix`, `fmt`, `build`, `journeys`, `parse`,
//! `completions`).

use std::path::PathBuf;
use std::process::ExitCode;

use b2c_lsp::cli;
use clap::{Parser, Subcommand};

/// Trees are many small allocations, made and freed on every keystroke: mimalloc does that
/// in a fraction of the system allocator's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "b2c-lsp",
    version,
    about = "Language server and checker for Azure AD B2C custom policies",
    long_about = "Language server and checker for Azure AD B2C custom policies.\n\n\
        With no command, or `serve`, it is the language server on stdio. A b2c-lsp.toml in \
        the policy folder (or above) gives extra base locations, ignored files and per-code \
        severities to every command and to the server alike.",
    after_help = "Exit codes: 0 success; 1 findings (check: an error, or more warnings than \
        --max-warnings; fmt --check, fix --dry-run: a file would change); 2 the command could not \
        run."
)]
struct Args {
    /// Run the language server on stdio, as editors start it (`b2c-lsp --stdio`).
    #[arg(long)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server on stdio (the default).
    Serve {
        /// Accepted and ignored: stdio is the only transport, but clients such as
        /// vscode-languageclient's stdio transport pass this flag.
        #[arg(long, hide = true)]
        stdio: bool,
    },
    /// Report diagnostics for every policy file under the given paths.
    ///
    /// Exit code: 0 when there is no error (and no more warnings than --max-warnings), 1 when
    /// there is, 2 when the check could not run (no such path, no policy in it, an unreadable
    /// file, a b2c-lsp.toml that does not read).
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: cli::Format,
        /// Fail (exit code 1) when more than N warnings are found, as eslint's option does.
        #[arg(long, value_name = "N")]
        max_warnings: Option<usize>,
        /// An extra folder of base policies: its files complete chains but are not reported on.
        #[arg(long = "base", value_name = "DIR")]
        bases: Vec<PathBuf>,
        /// Check the policies as this environment of their appsettings.json will have them
        /// ({Settings:...} placeholders replaced, as `build` does); positions stay the sources'.
        #[arg(long = "env", value_name = "NAME")]
        environment: Option<String>,
        /// Files or folders to check (folders are searched recursively for *.xml).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Format policy files in place: indent element-only content, change nothing else.
    ///
    /// Only whitespace between markup changes; comments, CDATA, attributes, text and line
    /// endings are kept. A file with syntax errors is left as it is, with the reason. Exit
    /// code: 0, or 1 when a file would change (--check) or could not be formatted.
    Fmt {
        /// Change nothing; list the files that formatting would change.
        #[arg(long)]
        check: bool,
        /// Spaces per indentation level.
        #[arg(long, default_value_t = 2, value_name = "N")]
        tab_size: u32,
        /// Indent with one tab per level instead of spaces.
        #[arg(long)]
        tabs: bool,
        /// Files or folders (folders are searched recursively for *.xml).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Apply the fixes that are always safe (those of the editor's "Fix all") to policy files.
    ///
    /// Today that is writing each reference whose case differs from its definition's as the
    /// definition spells it. Only the edited ranges change; encoding and line endings are
    /// kept. Exit code: 0 when the fixes were applied (or there were none); with --dry-run, 0
    /// when there is nothing to fix and 1 when there is; 2 on bad usage, paths without policy
    /// files, or a file that cannot be read or written.
    Fix {
        /// Change nothing; print the fixes as a unified diff.
        #[arg(long)]
        dry_run: bool,
        /// An extra folder of base policies: its files complete chains but are not fixed.
        #[arg(long = "base", value_name = "DIR")]
        bases: Vec<PathBuf>,
        /// Files or folders (folders are searched recursively for *.xml).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Print the syntax tree of a file, one node or token per line.
    Parse {
        /// The policy file.
        file: PathBuf,
    },
    /// Print a completion script for a shell, e.g. `b2c-lsp completions bash > /etc/bash_completion.d/b2c-lsp`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write one copy of a policy folder per environment of its appsettings.json, with the
    /// {Settings:...} placeholders replaced, and print each environment's upload order.
    ///
    /// The layout is the official VS Code extension's: <EnvironmentsFolder>/<Name>/<same
    /// subfolders>/<file>. An environment with a placeholder it has no value for is not
    /// written. Exit code: 0 when every environment was written, 1 when one was not, 2 when
    /// the build could not run.
    Build {
        /// Build only this environment (repeat for several); all of them by default.
        #[arg(long = "env", value_name = "NAME")]
        environments: Vec<String>,
        /// Write the environment folders here instead of the settings' EnvironmentsFolder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Renumber each journey's steps 1..N, as the official build's option does.
        #[arg(long)]
        renumber: bool,
        /// Output format of the report.
        #[arg(long, value_enum, default_value = "text")]
        format: BuildFormat,
        /// The policy folder, holding appsettings.json.
        #[arg(default_value = ".")]
        path: PathBuf,
    },
    /// Print each relying party's effective user journey: steps, profiles, claims in and out.
    ///
    /// Exit code: 0, or 2 when the paths hold no policy.
    Journeys {
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: cli::JourneysFormat,
        /// An extra folder of base policies: its files complete chains but are not shown.
        #[arg(long = "base", value_name = "DIR")]
        bases: Vec<PathBuf>,
        /// Files or folders (folders are searched recursively for *.xml).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

/// How `build` reports.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum BuildFormat {
    /// Each environment, its upload order, and any placeholder without a value.
    Text,
    /// The same as a JSON array, for scripts.
    Json,
}

/// A server lives for hours and frees as much as it allocates: backed by 2 MB transparent huge
/// pages, its heap holds twice the memory it uses (measured: 93 MB against 46 MB with every
/// corpus file open). A `check` run is short, and faster with them, so only the server
/// opts out.
fn keep_off_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = match args.command {
        _ if args.stdio => {
            drop(out);
            keep_off_huge_pages();
            return b2c_lsp::lsp::run();
        }
        None | Some(Command::Serve { .. }) => {
            drop(out);
            keep_off_huge_pages();
            return b2c_lsp::lsp::run();
        }
        Some(Command::Check {
            format,
            max_warnings,
            bases,
            environment,
            paths,
        }) => cli::check_environment(
            &paths,
            &bases,
            environment.as_deref(),
            format,
            max_warnings,
            &mut out,
        ),
        Some(Command::Parse { file }) => cli::parse(&file, &mut out),
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            // Into memory first: clap_complete panics on a closed pipe (`| head`).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Args::command(), "b2c-lsp", &mut script);
            use std::io::Write;
            let _ = out.write_all(&script);
            Ok(0)
        }
        Some(Command::Fix {
            dry_run,
            bases,
            paths,
        }) => cli::fix(&paths, &bases, dry_run, &mut out),
        Some(Command::Fmt {
            check,
            tab_size,
            tabs,
            paths,
        }) => cli::fmt(
            &paths,
            check,
            syntax::format::FormatOptions {
                tab_size,
                insert_spaces: !tabs,
            },
            &mut out,
        ),
        Some(Command::Build {
            environments,
            out: out_dir,
            renumber,
            format,
            path,
        }) => {
            let request = b2c_lsp::build::BuildRequest {
                folder: path,
                environments,
                out: out_dir,
                renumber,
                json: format == BuildFormat::Json,
            };
            b2c_lsp::build::build(&request, &mut out)
                .map_err(|b2c_lsp::build::BuildError(message)| cli::UsageError(message))
        }
        Some(Command::Journeys {
            format,
            bases,
            paths,
        }) => cli::journeys(&paths, &bases, format, &mut out),
    };
    use std::io::Write;
    let _ = out.flush();
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(cli::UsageError(message)) => {
            eprintln!("b2c-lsp: {message}");
            ExitCode::from(2)
        }
    }
}

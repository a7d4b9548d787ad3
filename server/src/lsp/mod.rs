//! The language server on stdio: a thin `LanguageServer` impl over the index. Each method
//! converts from the protocol, calls into `navigation` / `diagnostics`, and converts back.

mod convert;
mod order;
mod state;
mod transport;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use tower_lsp::jsonrpc::{Error, Result};
use tower_lsp::lsp_types::*;
use tower_lsp::{Client, LanguageServer, LspService, Server};

use crate::index::FileData;
use crate::navigation;
use state::State;

/// Runs the server until the client says exit. Logs go to stderr, never stdout.
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("b2c-lsp: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let session = Arc::new(transport::Session::default());
    runtime.block_on(async {
        let builder = LspService::build(Backend::new)
            .custom_method("b2c-lsp/policyChain", Backend::policy_chain)
            .custom_method("b2c-lsp/journeys", Backend::journeys);
        // A deliberate bug, in debug builds only, for the tests of handler isolation.
        #[cfg(debug_assertions)]
        let builder = builder.custom_method("b2c-lsp/debugPanic", Backend::debug_panic);
        let (service, socket) = builder.finish();
        let serve = Server::new(transport::framed_stdin(), tokio::io::stdout(), socket)
            .serve(transport::Isolated::new(service, Arc::clone(&session)));
        // tower-lsp ends only when every handler has, and one may wait for an answer the
        // client will never send: after `exit`, leave anyway.
        tokio::select! {
            () = serve => {}
            () = transport::after_exit(&session.exited) => {}
        }
    });
    // A blocking read of stdin may still be pending; do not wait for it.
    runtime.shutdown_background();
    // The protocol: exit code 1 when the client did not ask for a shutdown first.
    if session.shut_down.load(std::sync::atomic::Ordering::SeqCst) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The server's command that shows a document with the cursor at a position (arguments: the
/// document's URI and the position), run by the client after a code action's edit.
const SHOW_POSITION: &str = "b2c-lsp.showPosition";

pub struct Backend {
    state: Arc<State>,
}

/// Runs one request's analysis, turning a panic into an error response so that the server
/// carries on.
/// The open or indexed file behind a URI, brought up to date with the editor's text.
fn file(state: &State, uri: &Url) -> Option<(PathBuf, Arc<FileData>)> {
    let path = convert::path_of(uri)?;
    state.sync(&path);
    let file = state.workspace.file(&path)?;
    Some((path, file))
}

/// The file and byte offset of a request's position.
fn at(state: &State, params: &TextDocumentPositionParams) -> Option<(PathBuf, Arc<FileData>, u32)> {
    let (path, file) = file(state, &params.text_document.uri)?;
    let offset = convert::offset(&file.text, file.line_index(), params.position);
    Some((path, file, offset))
}

/// The byte range of a protocol range of `file`; an end before the start is taken as the start.
fn text_range(file: &FileData, range: Range) -> syntax::TextRange {
    let start = convert::offset(&file.text, file.line_index(), range.start);
    let end = convert::offset(&file.text, file.line_index(), range.end).max(start);
    syntax::TextRange::new(start.into(), end.into())
}

/// The semantic tokens of a document, or of the part of it in `range`.
fn semantic_tokens(state: &State, uri: &Url, range: Option<Range>) -> Option<SemanticTokens> {
    state.sync_all_open();
    let (path, file) = file(state, uri)?;
    let range = range.map(|r| text_range(&file, r));
    let tokens = crate::ide::semantic::semantic_tokens(&state.workspace, &path, range);
    Some(SemanticTokens {
        result_id: None,
        data: convert::semantic_tokens(&file, &tokens),
    })
}

fn locations(state: &State, found: Vec<navigation::Location>) -> Vec<Location> {
    found
        .iter()
        .filter_map(|l| state.location(&l.path, l.range))
        .collect()
}

fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|panic| {
        if crate::cancel::is_cancellation(panic.as_ref()) {
            return Error::request_cancelled();
        }
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("b2c-lsp: internal error in {what}: {detail}");
        let mut error = Error::internal_error();
        error.message = format!("internal error in {what}: {detail}").into();
        error
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PolicyChainParams {
    text_document: TextDocumentIdentifier,
}

/// `b2c-lsp/journeys`: the file, and optionally `format` ("json", the default, or "mermaid")
/// and, for Mermaid, the id of the UserJourney to draw.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JourneysParams {
    text_document: TextDocumentIdentifier,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    journey: Option<String>,
}

impl Backend {
    fn new(client: Client) -> Backend {
        Backend {
            state: State::new(client),
        }
    }

    /// Runs a request's analysis on the blocking pool, after the first scan: tower-lsp polls
    /// every handler on one task, so a slow analysis run there would hold up every other
    /// request and the reading of input. The request's turn (see `order`) keeps the state
    /// as the messages before it left it until the analysis is done.
    async fn analyse<T: Send + 'static>(
        &self,
        what: &'static str,
        work: impl FnOnce(&State) -> T + Send + 'static,
    ) -> Result<T> {
        self.state.ready().await;
        let state = Arc::clone(&self.state);
        // Raised when this future is dropped, as a `$/cancelRequest` does: the analysis then
        // stops at its next checkpoint instead of running on for an answer nobody awaits.
        let flag = crate::cancel::Flag::new();
        let stop = flag.raise_on_drop();
        let answer = tokio::task::spawn_blocking(move || {
            let answer =
                crate::cancel::with_flag(Some(flag.clone()), || guarded(what, || work(&state)));
            if flag.is_raised() && answer.is_err() {
                state.trace(format!("{what}: stopped, its request was cancelled"));
            }
            answer
        })
        .await
        .unwrap_or_else(|_| Err(Error::internal_error()));
        stop.disarm();
        answer
    }

    /// Formats a document (or the part of it in `range`) with the client's indentation; a
    /// document with syntax errors is left as it is, and the error says why.
    async fn format(
        &self,
        uri: Url,
        options: FormattingOptions,
        range: Option<Range>,
    ) -> Result<Option<Vec<TextEdit>>> {
        let outcome = self
            .analyse("formatting", move |state| {
                let (_, file) = file(state, &uri)?;
                let range = range.map(|r| text_range(&file, r));
                let options = syntax::format::FormatOptions {
                    tab_size: options.tab_size,
                    insert_spaces: options.insert_spaces,
                };
                Some(
                    syntax::format::format_edits(&file.text, options, range).map(|edits| {
                        edits
                            .into_iter()
                            .map(|edit| TextEdit {
                                range: convert::file_range(&file, edit.range),
                                new_text: edit.new_text,
                            })
                            .collect::<Vec<_>>()
                    }),
                )
            })
            .await?;
        match outcome {
            None => Ok(None),
            Some(Ok(edits)) => Ok(Some(edits)),
            Some(Err(why)) => {
                let mut error = Error::invalid_request();
                error.message = format!("not formatted: {}", why.reason).into();
                Err(error)
            }
        }
    }

    /// The effective journeys of a relying-party file, as `b2c-lsp journeys --format json`;
    /// with `"format": "mermaid"`, the drawing of `journey` (default: the relying party's) and
    /// the location of each step's node, or null when there is no such journey.
    async fn journeys(&self, params: JourneysParams) -> Result<Option<Value>> {
        self.analyse("b2c-lsp/journeys", move |state| {
            let (path, _) = file(state, &params.text_document.uri)?;
            state.sync_all_open();
            if params.format.as_deref() != Some("mermaid") {
                return Some(crate::journeys::journeys_json(&state.workspace, &path));
            }
            let display = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let Some(diagram) = crate::journeys::diagram(
                &state.workspace,
                &path,
                &display,
                params.journey.as_deref(),
            ) else {
                return Some(Value::Null);
            };
            let steps: Vec<Value> = diagram
                .steps
                .iter()
                .filter_map(|step| {
                    let location = state.location(&step.path, step.range)?;
                    Some(serde_json::json!({"node": step.node, "location": location}))
                })
                .collect();
            Some(serde_json::json!({
                "file": path.display().to_string(),
                "journeyId": diagram.journey_id,
                "mermaid": diagram.mermaid,
                "steps": steps,
            }))
        })
        .await
    }

    #[cfg(debug_assertions)]
    async fn debug_panic(&self, _: Value) -> Result<()> {
        panic!("b2c-lsp/debugPanic was asked to fail");
    }

    async fn policy_chain(&self, params: PolicyChainParams) -> Result<Option<Value>> {
        self.analyse("b2c-lsp/policyChain", move |state| {
            let (path, file) = file(state, &params.text_document.uri)?;
            if !file.summary.is_policy {
                return None;
            }
            let chain = state.workspace.chain(&path);
            let mut entries: Vec<Value> = chain
                .files
                .iter()
                .filter_map(|p| {
                    let f = state.workspace.file(p)?;
                    Some(serde_json::json!({
                        "policyId": f.summary.policy_id.as_ref().map(|id| id.text.clone()).unwrap_or_default(),
                        "uri": convert::url_of(p).map(|u| u.to_string()),
                    }))
                })
                .collect();
            if let Some(missing) = &chain.missing_base {
                entries.push(serde_json::json!({ "policyId": missing, "uri": null }));
            }
            Some(serde_json::json!({ "chain": entries }))
        })
        .await
    }
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        self.state.configure_from_initialize(&params);
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "b2c-lsp".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![
                        "<".to_owned(),
                        "\"".to_owned(),
                        "{".to_owned(),
                        ":".to_owned(),
                    ]),
                    ..Default::default()
                }),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::REFACTOR_REWRITE,
                            CodeActionKind::SOURCE_FIX_ALL,
                        ]),
                        ..CodeActionOptions::default()
                    },
                )),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![SHOW_POSITION.to_owned()],
                    ..ExecuteCommandOptions::default()
                }),
                document_formatting_provider: Some(OneOf::Left(true)),
                document_range_formatting_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                linked_editing_range_provider: Some(LinkedEditingRangeServerCapabilities::Simple(
                    true,
                )),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: convert::token_legend(),
                            range: Some(true),
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            work_done_progress_options: Default::default(),
                        },
                    ),
                ),
                inlay_hint_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                document_link_provider: Some(DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: Default::default(),
                }),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..Default::default()
            },
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Scan first: requests wait for the scan, and must not wait on the client answering
        // the watcher registration.
        let state = Arc::clone(&self.state);
        tokio::spawn(async move { state.scan().await });
        self.state.register_watcher().await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shut_down();
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        if let Some(path) = convert::path_of(&doc.uri) {
            self.state.open(path, doc.version, doc.text);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        if let Some(path) = convert::path_of(&params.text_document.uri) {
            self.state
                .change(path, params.text_document.version, params.content_changes);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        if let Some(path) = convert::path_of(&params.text_document.uri) {
            self.state.close(&path);
        }
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut rescan = false;
        for change in params.changes {
            if let Some(path) = convert::path_of(&change.uri) {
                rescan |= self
                    .state
                    .disk_changed(path, change.typ == FileChangeType::DELETED);
            }
        }
        if rescan {
            Arc::clone(&self.state).scan().await;
        }
    }

    // A change of settings or folders is done when the files it brings or takes away are:
    // the requests after it see the workspace it describes.
    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if self.state.configure(&params.settings) {
            Arc::clone(&self.state).scan().await;
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        self.state.change_folders(&params.event);
        Arc::clone(&self.state).scan().await;
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        self.analyse("definition", move |state| {
            let (path, _, offset) = at(state, &params.text_document_position_params)?;
            let found = navigation::definition(&state.workspace, &path, offset);
            let mut found = locations(state, found);
            match found.len() {
                0 => None,
                1 => found.pop().map(GotoDefinitionResponse::Scalar),
                _ => Some(GotoDefinitionResponse::Array(found)),
            }
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.analyse("references", move |state| {
            // Uses in every open file count, with the text the editor has.
            state.sync_all_open();
            let (path, _, offset) = at(state, &params.text_document_position)?;
            let include = params.context.include_declaration;
            let found = navigation::references(&state.workspace, &path, offset, include);
            let found = locations(state, found);
            (!found.is_empty()).then_some(found)
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        self.analyse("documentHighlight", move |state| {
            let (path, file, offset) = at(state, &params.text_document_position_params)?;
            let found = navigation::references(&state.workspace, &path, offset, true);
            let highlights: Vec<DocumentHighlight> = found
                .into_iter()
                .filter(|l| l.path == path)
                .map(|l| DocumentHighlight {
                    range: convert::file_range(&file, l.range),
                    kind: None,
                })
                .collect();
            (!highlights.is_empty()).then_some(highlights)
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.analyse("prepareRename", move |state| {
            let Some((path, file, offset)) = at(state, &params) else {
                return Ok(None);
            };
            match navigation::prepare_rename(&state.workspace, &path, offset) {
                Ok(Some(range)) => Ok(Some(PrepareRenameResponse::Range(convert::file_range(
                    &file, range,
                )))),
                Ok(None) => Ok(None),
                Err(navigation::RenameError(message)) => Err(Error::invalid_params(message)),
            }
        })
        .await?
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        self.analyse("rename", move |state| {
            let Some((path, _, offset)) = at(state, &params.text_document_position) else {
                return Ok(None);
            };
            let new_name = params.new_name.trim().to_owned();
            let edits = navigation::rename(&state.workspace, &path, offset, &new_name)
                .map_err(|navigation::RenameError(message)| Error::invalid_params(message))?;
            let mut changes: std::collections::HashMap<Url, Vec<TextEdit>> =
                std::collections::HashMap::new();
            for (location, text) in edits {
                if let Some(lsp_location) = state.location(&location.path, location.range) {
                    changes.entry(lsp_location.uri).or_default().push(TextEdit {
                        range: lsp_location.range,
                        new_text: text,
                    });
                }
            }
            Ok(Some(WorkspaceEdit {
                changes: Some(changes),
                ..Default::default()
            }))
        })
        .await?
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.analyse("hover", move |state| {
            let (path, file, offset) = at(state, &params.text_document_position_params)?;
            let workspace = &state.workspace;
            let journey = crate::journeys::journey_hover(workspace, &path, offset);
            let language = crate::ide::hover(workspace, &path, offset);
            // Both can speak about one spot (a claim in a journey's profile): show both.
            let (range, markdown) = match (journey, language) {
                (Some((range, flow)), Some(docs)) => (
                    docs.range.cover(range),
                    format!("{}\n\n---\n\n{flow}", docs.markdown),
                ),
                (Some((range, flow)), None) => (range, flow),
                (None, Some(docs)) => (docs.range, docs.markdown),
                (None, None) => return None,
            };
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: markdown,
                }),
                range: Some(convert::file_range(&file, range)),
            })
        })
        .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.analyse("completion", move |state| {
            let (path, file, offset) = at(state, &params.text_document_position)?;
            let proposals = crate::ide::completion(&state.workspace, &path, offset);
            if proposals.is_empty() {
                return None;
            }
            let items = proposals
                .into_iter()
                .map(|p| convert::completion(&file, p))
                .collect();
            Some(CompletionResponse::List(CompletionList {
                is_incomplete: false,
                items,
            }))
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.analyse("documentSymbol", move |state| {
            let (path, file) = file(state, &params.text_document.uri)?;
            let outline = navigation::outline(&state.workspace, &path);
            if outline.is_empty() {
                return None;
            }
            Some(DocumentSymbolResponse::Nested(
                outline.iter().map(|n| convert::outline(&file, n)).collect(),
            ))
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.analyse("codeAction", move |state| {
            let (path, file) = file(state, &params.text_document.uri)?;
            let wants = |kind: &CodeActionKind| {
                params.context.only.as_ref().is_none_or(|only| {
                    only.iter().any(|o| {
                        kind.as_str() == o.as_str()
                            || kind.as_str().starts_with(&format!("{}.", o.as_str()))
                    })
                })
            };
            let range = text_range(&file, params.range);
            let edit_of = |edits: &[crate::assists::FileEdit]| -> Option<WorkspaceEdit> {
                let mut changes = std::collections::HashMap::new();
                for edit in edits {
                    let target = state.workspace.file(&edit.path)?;
                    changes
                        .entry(convert::url_of(&edit.path)?)
                        .or_insert_with(Vec::new)
                        .push(TextEdit {
                            range: convert::file_range(&target, edit.range),
                            new_text: edit.new_text.clone(),
                        });
                }
                Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..WorkspaceEdit::default()
                })
            };
            // A code action's command runs after its edit is applied: it asks the client to
            // show the new element with the cursor inside it (window/showDocument).
            let show = |cursor: &Option<(PathBuf, u32)>, edits: &[crate::assists::FileEdit]| {
                let (target, offset) = cursor.as_ref()?;
                let before = state.workspace.file(target)?;
                let position = convert::position_after(&before.text, edits, target, *offset);
                Some(Command {
                    title: "Show the new element".to_owned(),
                    command: SHOW_POSITION.to_owned(),
                    arguments: Some(vec![
                        serde_json::to_value(convert::url_of(target)?).ok()?,
                        serde_json::to_value(position).ok()?,
                    ]),
                })
            };
            let mut actions = Vec::new();
            if wants(&CodeActionKind::REFACTOR_REWRITE) {
                for refactor in crate::assists::overrides(&state.workspace, &path, range.start()) {
                    let Some(edit) = edit_of(&refactor.edits) else {
                        continue;
                    };
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: refactor.title,
                        kind: Some(CodeActionKind::REFACTOR_REWRITE),
                        command: show(&refactor.cursor, &refactor.edits),
                        edit: Some(edit),
                        ..CodeAction::default()
                    }));
                }
            }
            if wants(&CodeActionKind::QUICKFIX) {
                for fix in crate::assists::fixes(&state.workspace, &path, range) {
                    let Some(edit) = edit_of(&fix.edits) else {
                        continue;
                    };
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![convert::diagnostic(
                            &file,
                            &fix.diagnostic,
                            |p, r| state.location(p, r),
                        )]),
                        edit: Some(edit),
                        is_preferred: Some(fix.preferred),
                        ..CodeAction::default()
                    }));
                }
            }
            // The fixes that are always safe, for the whole document at once.
            let explicitly_fix_all = params.context.only.as_ref().is_some_and(|only| {
                only.iter().any(|o| {
                    CodeActionKind::SOURCE_FIX_ALL
                        .as_str()
                        .starts_with(o.as_str())
                        && o.as_str() != ""
                })
            });
            if explicitly_fix_all {
                let safe: Vec<crate::assists::FileEdit> =
                    crate::assists::safe_fixes(&state.workspace, &path)
                        .into_iter()
                        .filter(|f| f.safe)
                        .flat_map(|f| f.edits)
                        .collect();
                if !safe.is_empty() {
                    if let Some(edit) = edit_of(&safe) {
                        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                            title: "Fix all safe findings".to_owned(),
                            kind: Some(CodeActionKind::SOURCE_FIX_ALL),
                            edit: Some(edit),
                            ..CodeAction::default()
                        }));
                    }
                }
            }
            Some(actions)
        })
        .await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        if params.command != SHOW_POSITION {
            return Err(Error::invalid_params(format!(
                "unknown command {}",
                params.command
            )));
        }
        let (Some(uri), Some(position)) = (
            params
                .arguments
                .first()
                .and_then(|v| serde_json::from_value::<Url>(v.clone()).ok()),
            params
                .arguments
                .get(1)
                .and_then(|v| serde_json::from_value::<Position>(v.clone()).ok()),
        ) else {
            return Err(Error::invalid_params(
                "expected a document URI and a position",
            ));
        };
        let shown = self
            .state
            .client()
            .show_document(ShowDocumentParams {
                uri,
                external: None,
                take_focus: Some(true),
                selection: Some(Range::new(position, position)),
            })
            .await
            .unwrap_or(false);
        Ok(Some(Value::Bool(shown)))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.format(params.text_document.uri, params.options, None)
            .await
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        self.format(params.text_document.uri, params.options, Some(params.range))
            .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.analyse("foldingRange", move |state| {
            let (_, file) = file(state, &params.text_document.uri)?;
            let folds = crate::ide::editing::folding_ranges(&file.text, &file.parse);
            Some(
                folds
                    .iter()
                    .filter_map(|fold| convert::folding_range(&file, fold))
                    .collect(),
            )
        })
        .await
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        self.analyse("selectionRange", move |state| {
            let (_, file) = file(state, &params.text_document.uri)?;
            Some(
                params
                    .positions
                    .iter()
                    .map(|position| {
                        let offset = convert::offset(&file.text, file.line_index(), *position);
                        let ranges =
                            crate::ide::editing::selection_ranges(&file.parse, offset.into());
                        convert::selection_range(&file, &ranges, *position)
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn linked_editing_range(
        &self,
        params: LinkedEditingRangeParams,
    ) -> Result<Option<LinkedEditingRanges>> {
        self.analyse("linkedEditingRange", move |state| {
            let (_, file, offset) = at(state, &params.text_document_position_params)?;
            let ranges = crate::ide::editing::linked_tag_names(&file.parse, offset.into())?;
            Some(LinkedEditingRanges {
                ranges: ranges
                    .iter()
                    .map(|r| convert::file_range(&file, *r))
                    .collect(),
                word_pattern: None,
            })
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.analyse("semanticTokens/full", move |state| {
            semantic_tokens(state, &params.text_document.uri, None)
                .map(SemanticTokensResult::Tokens)
        })
        .await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        self.analyse("semanticTokens/range", move |state| {
            semantic_tokens(state, &params.text_document.uri, Some(params.range))
                .map(SemanticTokensRangeResult::Tokens)
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.analyse("inlayHint", move |state| {
            state.sync_all_open();
            let (path, file) = file(state, &params.text_document.uri)?;
            let range = text_range(&file, params.range);
            let hints = crate::ide::inlay::inlay_hints(&state.workspace, &path, range);
            Some(
                hints
                    .into_iter()
                    .map(|hint| convert::inlay_hint(&file, hint))
                    .collect(),
            )
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.analyse("codeLens", move |state| {
            state.sync_all_open();
            let (path, file) = file(state, &params.text_document.uri)?;
            let lenses = crate::ide::lens::code_lenses(&state.workspace, &path);
            Some(
                lenses
                    .into_iter()
                    .filter_map(|lens| convert::code_lens(&file, lens, |p, r| state.location(p, r)))
                    .collect(),
            )
        })
        .await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.analyse("documentLink", move |state| {
            state.sync_all_open();
            let (path, file) = file(state, &params.text_document.uri)?;
            let links = crate::ide::links::document_links(&state.workspace, &path);
            Some(
                links
                    .into_iter()
                    .filter_map(|link| convert::document_link(&file, link))
                    .collect(),
            )
        })
        .await
    }

    #[allow(deprecated)]
    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<Vec<SymbolInformation>>> {
        self.analyse("workspace/symbol", move |state| {
            state.sync_all_open();
            let found = navigation::workspace_symbols(&state.workspace, &params.query, 256);
            let symbols: Vec<SymbolInformation> = found
                .into_iter()
                .filter_map(|s| {
                    Some(SymbolInformation {
                        name: s.name,
                        kind: convert::symbol_kind(s.kind),
                        tags: None,
                        deprecated: None,
                        location: state.location(&s.location.path, s.location.range)?,
                        container_name: Some(match s.container {
                            Some(policy) => format!("{} in {policy}", s.kind.element_name()),
                            None => s.kind.element_name().to_owned(),
                        }),
                    })
                })
                .collect();
            Some(symbols)
        })
        .await
    }
}

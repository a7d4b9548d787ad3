//! The language server on stdio: a thin `LanguageServer` impl over the index. Each method
//! converts from the protocol, calls into `navigation` / `diagnostics`, and converts back.

mod convert;
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
    runtime.block_on(async {
        let text_sync = Arc::new(transport::TextSync::default());
        let for_backend = Arc::clone(&text_sync);
        let builder = LspService::build(move |client| Backend::new(client, for_backend))
            .custom_method("b2c-lsp/policyChain", Backend::policy_chain)
            .custom_method("b2c-lsp/journeys", Backend::journeys);
        // A deliberate bug, in debug builds only, for the tests of handler isolation.
        #[cfg(debug_assertions)]
        let builder = builder.custom_method("b2c-lsp/debugPanic", Backend::debug_panic);
        let (service, socket) = builder.finish();
        let exited = Arc::new(tokio::sync::Notify::new());
        let serve = Server::new(transport::framed_stdin(), tokio::io::stdout(), socket).serve(
            transport::Isolated::new(service, Arc::clone(&exited), text_sync),
        );
        // tower-lsp ends only when every handler has, and one may wait for an answer the
        // client will never send: after `exit`, leave anyway.
        tokio::select! {
            () = serve => {}
            () = transport::after_exit(&exited) => {}
        }
    });
    // A blocking read of stdin may still be pending; do not wait for it.
    runtime.shutdown_background();
    ExitCode::SUCCESS
}

pub struct Backend {
    state: Arc<State>,
    /// Edits handed to the server and not yet applied; requests wait for them.
    text_sync: Arc<transport::TextSync>,
}

/// Runs one request's analysis, turning a panic into an error response so that the server
/// carries on.
fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|panic| {
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

impl Backend {
    fn new(client: Client, text_sync: Arc<transport::TextSync>) -> Backend {
        Backend {
            state: State::new(client),
            text_sync,
        }
    }

    /// Waits for the first scan and for every edit sent before the request being answered.
    async fn caught_up(&self) {
        self.state.ready().await;
        self.text_sync.settled().await;
    }

    /// The open or indexed file behind a URI, brought up to date with the editor's text.
    async fn file(&self, uri: &Url) -> Option<(PathBuf, Arc<FileData>)> {
        self.caught_up().await;
        let path = convert::path_of(uri)?;
        self.state.sync(&path);
        let file = self.state.workspace.file(&path)?;
        Some((path, file))
    }

    async fn at(
        &self,
        params: &TextDocumentPositionParams,
    ) -> Option<(PathBuf, Arc<FileData>, u32)> {
        let (path, file) = self.file(&params.text_document.uri).await?;
        let offset = convert::offset(&file.text, file.line_index(), params.position);
        Some((path, file, offset))
    }

    fn locations(&self, locations: Vec<navigation::Location>) -> Vec<Location> {
        locations
            .iter()
            .filter_map(|l| self.state.location(&l.path, l.range))
            .collect()
    }

    /// The effective journeys of a relying-party file, as `b2c-lsp journeys --format json`.
    async fn journeys(&self, params: PolicyChainParams) -> Result<Option<Value>> {
        let Some((path, _)) = self.file(&params.text_document.uri).await else {
            return Ok(None);
        };
        self.state.sync_all_open();
        let value = guarded("b2c-lsp/journeys", || {
            crate::journeys::journeys_json(&self.state.workspace, &path)
        })?;
        Ok(Some(value))
    }

    #[cfg(debug_assertions)]
    async fn debug_panic(&self, _: Value) -> Result<()> {
        panic!("b2c-lsp/debugPanic was asked to fail");
    }

    async fn policy_chain(&self, params: PolicyChainParams) -> Result<Option<Value>> {
        let Some((path, file)) = self.file(&params.text_document.uri).await else {
            return Ok(None);
        };
        if !file.summary.is_policy {
            return Ok(None);
        }
        let chain = self.state.workspace.chain(&path);
        let mut entries: Vec<Value> = chain
            .files
            .iter()
            .filter_map(|p| {
                let f = self.state.workspace.file(p)?;
                Some(serde_json::json!({
                    "policyId": f.summary.policy_id.as_ref().map(|id| id.text.clone()).unwrap_or_default(),
                    "uri": convert::url_of(p).map(|u| u.to_string()),
                }))
            })
            .collect();
        if let Some(missing) = &chain.missing_base {
            entries.push(serde_json::json!({ "policyId": missing, "uri": null }));
        }
        Ok(Some(serde_json::json!({ "chain": entries })))
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
        for change in params.changes {
            if let Some(path) = convert::path_of(&change.uri) {
                self.state
                    .disk_changed(path, change.typ == FileChangeType::DELETED);
            }
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if self.state.configure(&params.settings) {
            let state = Arc::clone(&self.state);
            tokio::spawn(async move { state.scan().await });
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        self.state.change_folders(&params.event);
        let state = Arc::clone(&self.state);
        tokio::spawn(async move { state.scan().await });
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let Some((path, _, offset)) = self.at(&params.text_document_position_params).await else {
            return Ok(None);
        };
        let found = guarded("definition", || {
            navigation::definition(&self.state.workspace, &path, offset)
        })?;
        let locations = self.locations(found);
        Ok(match locations.len() {
            0 => None,
            1 => locations
                .into_iter()
                .next()
                .map(GotoDefinitionResponse::Scalar),
            _ => Some(GotoDefinitionResponse::Array(locations)),
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let Some((path, _, offset)) = self.at(&params.text_document_position).await else {
            return Ok(None);
        };
        let include = params.context.include_declaration;
        let found = guarded("references", || {
            navigation::references(&self.state.workspace, &path, offset, include)
        })?;
        let locations = self.locations(found);
        Ok((!locations.is_empty()).then_some(locations))
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let Some((path, file, offset)) = self.at(&params.text_document_position_params).await
        else {
            return Ok(None);
        };
        let found = guarded("documentHighlight", || {
            navigation::references(&self.state.workspace, &path, offset, true)
        })?;
        let highlights: Vec<DocumentHighlight> = found
            .into_iter()
            .filter(|l| l.path == path)
            .map(|l| DocumentHighlight {
                range: convert::file_range(&file, l.range),
                kind: None,
            })
            .collect();
        Ok((!highlights.is_empty()).then_some(highlights))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some((path, file, offset)) = self.at(&params).await else {
            return Ok(None);
        };
        match guarded("prepareRename", || {
            navigation::prepare_rename(&self.state.workspace, &path, offset)
        })? {
            Ok(Some(range)) => Ok(Some(PrepareRenameResponse::Range(convert::file_range(
                &file, range,
            )))),
            Ok(None) => Ok(None),
            Err(navigation::RenameError(message)) => Err(Error::invalid_params(message)),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let Some((path, _, offset)) = self.at(&params.text_document_position).await else {
            return Ok(None);
        };
        let new_name = params.new_name.trim().to_owned();
        let edits = guarded("rename", || {
            navigation::rename(&self.state.workspace, &path, offset, &new_name)
        })?
        .map_err(|navigation::RenameError(message)| Error::invalid_params(message))?;
        let mut changes: std::collections::HashMap<Url, Vec<TextEdit>> =
            std::collections::HashMap::new();
        for (location, text) in edits {
            if let Some(lsp_location) = self.state.location(&location.path, location.range) {
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
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let Some((path, file, offset)) = self.at(&params.text_document_position_params).await
        else {
            return Ok(None);
        };
        let workspace = &self.state.workspace;
        let (journey, language) = guarded("hover", || {
            (
                crate::journeys::journey_hover(workspace, &path, offset),
                crate::ide::hover(workspace, &path, offset),
            )
        })?;
        // Both can speak about one spot (a claim in a journey's profile): show both.
        let (range, markdown) = match (journey, language) {
            (Some((range, flow)), Some(docs)) => (
                docs.range.cover(range),
                format!("{}\n\n---\n\n{flow}", docs.markdown),
            ),
            (Some((range, flow)), None) => (range, flow),
            (None, Some(docs)) => (docs.range, docs.markdown),
            (None, None) => return Ok(None),
        };
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(convert::file_range(&file, range)),
        }))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let Some((path, file, offset)) = self.at(&params.text_document_position).await else {
            return Ok(None);
        };
        let proposals = guarded("completion", || {
            crate::ide::completion(&self.state.workspace, &path, offset)
        })?;
        if proposals.is_empty() {
            return Ok(None);
        }
        let items = proposals
            .into_iter()
            .map(|p| convert::completion(&file, p))
            .collect();
        Ok(Some(CompletionResponse::List(CompletionList {
            is_incomplete: false,
            items,
        })))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some((path, file)) = self.file(&params.text_document.uri).await else {
            return Ok(None);
        };
        let outline = guarded("documentSymbol", || {
            navigation::outline(&self.state.workspace, &path)
        })?;
        if outline.is_empty() {
            return Ok(None);
        }
        Ok(Some(DocumentSymbolResponse::Nested(
            outline.iter().map(|n| convert::outline(&file, n)).collect(),
        )))
    }

    #[allow(deprecated)]
    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<Vec<SymbolInformation>>> {
        self.caught_up().await;
        self.state.sync_all_open();
        let found = guarded("workspace/symbol", || {
            navigation::workspace_symbols(&self.state.workspace, &params.query, 256)
        })?;
        let symbols: Vec<SymbolInformation> = found
            .into_iter()
            .filter_map(|s| {
                Some(SymbolInformation {
                    name: s.name,
                    kind: convert::symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    location: self.state.location(&s.location.path, s.location.range)?,
                    container_name: Some(match s.container {
                        Some(policy) => format!("{} in {policy}", s.kind.element_name()),
                        None => s.kind.element_name().to_owned(),
                    }),
                })
            })
            .collect();
        Ok(Some(symbols))
    }
}

//! The server's live state: open documents (their text wins over the disk), the workspace
//! index, settings, and the diagnostics worker that coalesces bursts of keystrokes and
//! publishes only what changed. Changes arrive here one at a time, in the order the client
//! sent them (see `order`); a document's version only tags what is published.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use dashmap::DashMap;
use syntax::{LineIndex, TextRange};
use tokio::sync::mpsc;
use tower_lsp::lsp_types::{self as lsp, TextDocumentContentChangeEvent};
use tower_lsp::Client;

use super::convert;
use crate::diagnostics::file_diagnostics;
use crate::files::{decode, read_if_policy};
use crate::index::{FileData, Workspace};
use crate::parallel::in_parallel;

/// An open document as the editor has it.
struct Document {
    /// The client's version: it tags the diagnostics published for this text, nothing more
    /// (clients may skip or repeat numbers).
    version: i32,
    /// Ours, bumped by every open and change: what the index is compared with.
    revision: u64,
    text: String,
}

/// Work for the diagnostics worker.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Job {
    /// An open document's text changed: re-index it, then re-diagnose what depends on it.
    Reindex(PathBuf),
    /// Re-diagnose these files and publish what changed.
    Diagnose(PathBuf),
}

#[derive(Debug, Clone, Default)]
struct Settings {
    base_paths: Vec<PathBuf>,
    trace: String,
}

pub struct State {
    client: Client,
    runtime: tokio::runtime::Handle,
    pub workspace: Workspace,
    documents: DashMap<PathBuf, Document>,
    /// Files on disk that are neither UTF-8 nor UTF-16 with a BOM, with why.
    undecodable: DashMap<PathBuf, String>,
    /// The document revision each open file was last indexed at.
    indexed: DashMap<PathBuf, u64>,
    /// Held while an open text is copied into the index: a request and the worker syncing
    /// one file at once must not let the older text land last.
    syncing: Mutex<()>,
    revisions: std::sync::atomic::AtomicU64,
    /// Held by a scan: two scans at once would each undo the other's base files.
    scanning: tokio::sync::Mutex<()>,
    /// Replaced versions of edited files, freed once the worker has published.
    retired: Mutex<Vec<Arc<FileData>>>,
    /// What was last published per file, to publish only changes.
    published: DashMap<PathBuf, Vec<lsp::Diagnostic>>,
    roots: RwLock<Vec<PathBuf>>,
    settings: RwLock<Settings>,
    /// Base files loaded from the `basePaths` setting.
    loaded_bases: Mutex<BTreeSet<PathBuf>>,
    watch_files: AtomicBool,
    jobs: mpsc::UnboundedSender<Job>,
    shutting_down: AtomicBool,
    /// Set once the first workspace scan is done; requests wait for it.
    scanned: tokio::sync::watch::Sender<bool>,
}

impl State {
    pub fn new(client: Client) -> Arc<State> {
        let (jobs, receiver) = mpsc::unbounded_channel();
        let state = Arc::new(State {
            client,
            runtime: tokio::runtime::Handle::current(),
            workspace: Workspace::new(),
            documents: DashMap::new(),
            undecodable: DashMap::new(),
            indexed: DashMap::new(),
            syncing: Mutex::new(()),
            revisions: std::sync::atomic::AtomicU64::new(0),
            scanning: tokio::sync::Mutex::new(()),
            published: DashMap::new(),
            retired: Mutex::new(Vec::new()),
            roots: RwLock::new(Vec::new()),
            settings: RwLock::new(Settings {
                trace: "off".to_owned(),
                ..Settings::default()
            }),
            loaded_bases: Mutex::new(BTreeSet::new()),
            watch_files: AtomicBool::new(false),
            jobs,
            shutting_down: AtomicBool::new(false),
            scanned: tokio::sync::watch::channel(false).0,
        });
        tokio::spawn(worker(Arc::downgrade(&state), receiver));
        state
    }

    fn log(&self, message: String) {
        eprintln!("b2c-lsp: {message}");
        let client = self.client.clone();
        // Through the runtime's handle: diagnostics are computed on plain threads too.
        self.runtime
            .spawn(async move { client.log_message(lsp::MessageType::LOG, message).await });
    }

    /// Logs `message` when the client asked for a verbose trace.
    pub fn trace(&self, message: String) {
        if self.verbose() {
            self.log(message);
        }
    }

    fn verbose(&self) -> bool {
        self.settings
            .read()
            .map(|s| s.trace == "verbose")
            .unwrap_or(false)
    }

    pub fn configure_from_initialize(&self, params: &lsp::InitializeParams) {
        let mut roots = Vec::new();
        if let Some(folders) = &params.workspace_folders {
            roots.extend(folders.iter().filter_map(|f| convert::path_of(&f.uri)));
        }
        #[allow(deprecated)]
        if roots.is_empty() {
            if let Some(uri) = &params.root_uri {
                roots.extend(convert::path_of(uri));
            } else if let Some(path) = &params.root_path {
                roots.push(PathBuf::from(path));
            }
        }
        if let Ok(mut slot) = self.roots.write() {
            *slot = roots;
        }
        if let Some(options) = &params.initialization_options {
            self.configure(options);
        }
        let dynamic = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.watch_files.store(dynamic, Ordering::SeqCst);
    }

    /// Applies settings given either flat (`{basePaths}`) or under `b2cLsp`. Returns whether
    /// the base locations changed. Malformed values are ignored with a log line.
    pub fn configure(&self, settings: &serde_json::Value) -> bool {
        let settings = settings.get("b2cLsp").unwrap_or(settings);
        let roots = self.roots.read().map(|r| r.clone()).unwrap_or_default();
        let mut changed = false;
        if let Ok(mut current) = self.settings.write() {
            if let Some(value) = settings.get("basePaths") {
                match value.as_array() {
                    Some(items) => {
                        let paths: Vec<PathBuf> = items
                            .iter()
                            .filter_map(|v| v.as_str())
                            .filter(|s| !s.trim().is_empty())
                            .map(|s| {
                                let path = PathBuf::from(s.trim());
                                match (path.is_relative(), roots.first()) {
                                    (true, Some(root)) => root.join(path),
                                    _ => path,
                                }
                            })
                            .collect();
                        changed = paths != current.base_paths;
                        current.base_paths = paths;
                    }
                    None => {
                        eprintln!("b2c-lsp: ignoring basePaths: expected an array of folder paths")
                    }
                }
            }
            let trace = settings.get("trace").map(|t| t.get("server").unwrap_or(t));
            if let Some(trace) = trace.and_then(|t| t.as_str()) {
                current.trace = trace.to_owned();
            }
        }
        changed
    }

    pub fn change_folders(&self, event: &lsp::WorkspaceFoldersChangeEvent) {
        if let Ok(mut roots) = self.roots.write() {
            for removed in &event.removed {
                if let Some(path) = convert::path_of(&removed.uri) {
                    roots.retain(|r| *r != path);
                }
            }
            roots.extend(event.added.iter().filter_map(|f| convert::path_of(&f.uri)));
        }
    }

    pub async fn register_watcher(&self) {
        if !self.watch_files.load(Ordering::SeqCst) {
            return;
        }
        let options = lsp::DidChangeWatchedFilesRegistrationOptions {
            // Policies, the environments' settings and b2c-lsp's own configuration.
            watchers: ["**/*.xml", "**/appsettings.json", "**/b2c-lsp.toml"]
                .into_iter()
                .map(|glob| lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String(glob.to_owned()),
                    kind: None,
                })
                .collect(),
        };
        let registration = lsp::Registration {
            id: "b2c-lsp-watch-xml".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(e) = self.client.register_capability(vec![registration]).await {
            self.log(format!("could not register the file watcher: {e}"));
        }
    }

    /// Indexes every policy file under the roots and base locations, then publishes.
    pub async fn scan(self: Arc<Self>) {
        let _one_at_a_time = self.scanning.lock().await;
        let state = Arc::clone(&self);
        let loaded = tokio::task::spawn_blocking(move || state.scan_blocking())
            .await
            .unwrap_or_default();
        self.scanned.send_replace(true);
        for path in loaded {
            let _ = self.jobs.send(Job::Diagnose(path));
        }
        // A b2c-lsp.toml that cannot be used says so on itself.
        for config in self.workspace.configs.known() {
            let _ = self.jobs.send(Job::Diagnose(config));
        }
    }

    /// Waits (boundedly) until the first scan has indexed the workspace, so that a request
    /// made right after start-up sees every file.
    pub async fn ready(&self) {
        let mut scanned = self.scanned.subscribe();
        let _ = tokio::time::timeout(Duration::from_secs(30), scanned.wait_for(|done| *done)).await;
    }

    fn scan_blocking(&self) -> Vec<PathBuf> {
        let started = std::time::Instant::now();
        let roots = self.roots.read().map(|r| r.clone()).unwrap_or_default();
        let bases = self
            .settings
            .read()
            .map(|s| s.base_paths.clone())
            .unwrap_or_default();
        // Which files to load is decided here (the plan `check` makes too); reading and
        // parsing them runs on all cores.
        let plan = crate::files::plan(&roots, &bases, &self.workspace.configs);
        let seen: BTreeSet<PathBuf> = plan
            .iter()
            .filter(|(_, base_only)| !base_only)
            .map(|(file, _)| file.clone())
            .collect();
        // Files under the roots that the plan no longer holds (a b2c-lsp.toml now ignores
        // them) leave, unless the editor has them open.
        let left: Vec<PathBuf> = self
            .workspace
            .all_paths()
            .into_iter()
            .filter(|p| {
                roots.iter().any(|r| p.starts_with(r))
                    && !seen.contains(p)
                    && !self.documents.contains_key(p)
                    && self.workspace.file(p).is_some_and(|f| !f.base_only)
            })
            .collect();
        for path in &left {
            self.remove(path);
        }
        let wanted: Vec<(PathBuf, bool)> = plan
            .into_iter()
            .filter(|(file, base_only)| {
                !self.documents.contains_key(file)
                    && (*base_only || self.workspace.file(file).is_none_or(|f| f.base_only))
            })
            .collect();
        let loaded = in_parallel(wanted, |(file, base_only)| {
            match crate::files::read(file.clone(), base_only) {
                crate::files::Read::Policy(data) => Some(Ok(data)),
                crate::files::Read::Undecodable(data, message) => Some(Err((data, message))),
                crate::files::Read::NotPolicy => None,
                crate::files::Read::Unreadable(e) => {
                    eprintln!("b2c-lsp: cannot read {}: {e}", file.display());
                    None
                }
            }
        });
        let mut count = 0;
        let mut new_bases = BTreeSet::new();
        let mut undecodable = Vec::new();
        for data in loaded.into_iter().flatten() {
            let data = match data {
                Ok(data) => data,
                Err((data, message)) => {
                    // Said so in the editor, as `check` does, instead of leaving it out.
                    if let (Some(message), false) =
                        (message, self.documents.contains_key(&data.path))
                    {
                        self.undecodable.insert(data.path.clone(), message);
                        undecodable.push(data.path.clone());
                    }
                    data
                }
            };
            // A file opened while the scan read it: the editor's text wins over the disk's.
            if self.documents.contains_key(&data.path) {
                continue;
            }
            let path = data.path.clone();
            if data.base_only {
                new_bases.insert(path.clone());
            } else {
                count += 1;
            }
            self.workspace.insert(data);
            // Opened in the instant between the check and the insert: index the editor's
            // text again, over the disk copy just inserted.
            if self.documents.contains_key(&path) {
                self.indexed.remove(&path);
                let _ = self.jobs.send(Job::Reindex(path));
            }
        }
        // Base files no longer under any base location leave the workspace.
        if let Ok(mut loaded) = self.loaded_bases.lock() {
            let gone: Vec<PathBuf> = loaded
                .difference(&new_bases)
                .filter(|old| !seen.contains(*old) && !self.documents.contains_key(*old))
                .cloned()
                .collect();
            self.workspace.remove_files(&gone);
            *loaded = new_bases;
        }
        self.log(format!(
            "indexed {count} files under {} root(s) and {} base location(s) in {} ms",
            roots.len(),
            bases.len(),
            started.elapsed().as_millis()
        ));
        let mut reported = self.workspace.reported_paths();
        reported.extend(undecodable);
        reported
    }

    fn next_revision(&self) -> u64 {
        self.revisions.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Opens a document, or replaces the text of one already open (a second didOpen).
    pub fn open(&self, path: PathBuf, version: i32, text: String) {
        let revision = self.next_revision();
        self.documents.insert(
            path.clone(),
            Document {
                version,
                revision,
                text,
            },
        );
        let _ = self.jobs.send(Job::Reindex(path));
    }

    /// Applies a didChange. Changes come here in the order the client sent them, so they are
    /// applied as they come, whatever their version numbers.
    pub fn change(
        &self,
        path: PathBuf,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) {
        let revision = self.next_revision();
        {
            let Some(mut doc) = self.documents.get_mut(&path) else {
                self.log(format!(
                    "ignoring a change to {}, which is not open",
                    path.display()
                ));
                return;
            };
            for change in changes {
                apply_change(&mut doc.text, change);
            }
            doc.version = version;
            doc.revision = revision;
        }
        let _ = self.jobs.send(Job::Reindex(path));
    }

    pub fn close(&self, path: &Path) {
        {
            // After any sync of the open text in progress, so that it cannot land over the
            // disk copy.
            let _syncing = self.syncing.lock().unwrap_or_else(|e| e.into_inner());
            self.documents.remove(path);
            self.indexed.remove(path);
        }
        // The disk copy takes over again (or the file leaves, if it is gone).
        self.reload_from_disk(path.to_owned());
    }

    /// A file changed on disk (a watched-files notification). Returns whether the workspace
    /// must be scanned again (a `b2c-lsp.toml` changed: its base locations and ignore patterns
    /// decide which files are loaded).
    pub fn disk_changed(&self, path: PathBuf, deleted: bool) -> bool {
        if path
            .file_name()
            .is_some_and(|n| n == crate::config::CONFIG_FILE)
        {
            self.workspace.configs.forget();
            // Its own verdict, in order with every other publication.
            let _ = self.jobs.send(Job::Diagnose(path));
            return true;
        }
        if path
            .file_name()
            .is_some_and(|n| n == crate::environments::APPSETTINGS)
        {
            self.appsettings_changed(&path);
            return false;
        }
        if self.documents.contains_key(&path) {
            return false;
        }
        if deleted {
            self.remove(&path);
        } else {
            self.reload_from_disk(path);
        }
        false
    }

    /// An `appsettings.json` changed: a malformed one gets one diagnostic of its own (B2C's
    /// build format cannot read it), a fixed or deleted one loses it, and every open policy
    /// is judged again (its `{Settings:...}` values may have changed).
    fn appsettings_changed(&self, path: &Path) {
        // Published by the worker, in order with every other publication: two quick edits
        // of the file can never leave the older verdict showing.
        let _ = self.jobs.send(Job::Diagnose(path.to_owned()));
        let open: Vec<PathBuf> = self.documents.iter().map(|d| d.key().clone()).collect();
        for document in open {
            let _ = self.jobs.send(Job::Diagnose(document));
        }
    }

    /// The diagnostic of a `b2c-lsp.toml` that cannot be used.
    fn config_diagnostics(&self, path: &Path) -> Vec<lsp::Diagnostic> {
        if !path.is_file() {
            return Vec::new();
        }
        let Err(e) = self.workspace.configs.read(path) else {
            return Vec::new();
        };
        let d = e.diagnostic();
        vec![convert::diagnostic_in_text(&e.text, &d)]
    }

    /// The diagnostic of a malformed `appsettings.json`, read from disk now.
    fn appsettings_diagnostics(path: &Path) -> Vec<lsp::Diagnostic> {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Vec::new();
        };
        let Some(d) = crate::environments::appsettings_diagnostic(&text) else {
            return Vec::new();
        };
        vec![convert::diagnostic_in_text(&text, &d)]
    }

    fn remove(&self, path: &Path) {
        let affected = self.workspace.remove_file(path);
        for p in affected {
            let _ = self.jobs.send(Job::Diagnose(p));
        }
        if self.published.contains_key(path) {
            // The worker clears what was shown, in order with its other publications.
            let _ = self.jobs.send(Job::Diagnose(path.to_owned()));
        }
    }

    fn reload_from_disk(&self, path: PathBuf) {
        if self.verbose() {
            self.log(format!("reloading {} from disk", path.display()));
        }
        let in_roots = self
            .roots
            .read()
            .map(|r| r.iter().any(|root| path.starts_with(root)))
            .unwrap_or(false);
        let known = self.workspace.file(&path).is_some();
        // A file that is not (or no longer) a policy decodes to an empty text: it leaves.
        let decoded = read_if_policy(&path)
            .ok()
            .map(|bytes| bytes.map_or_else(|| Ok(String::new()), decode));
        // An undecodable file is indexed as an ancestor only; fixed, it is reported on again.
        let was_undecodable = self.undecodable.remove(&path).is_some();
        let base_only = !was_undecodable && self.workspace.file(&path).is_some_and(|f| f.base_only);
        let decoded = match decoded {
            Some(Err(e)) => {
                if in_roots && !base_only {
                    // Said so in the editor, as `check` does, instead of leaving it out.
                    self.undecodable.insert(path.clone(), e.message);
                }
                let affected = self
                    .workspace
                    .set_file(path.clone(), Arc::from(e.lossy), true);
                for p in affected {
                    let _ = self.jobs.send(Job::Diagnose(p));
                }
                let _ = self.jobs.send(Job::Diagnose(path));
                return;
            }
            Some(Ok(text)) => Some(text),
            None => None,
        };
        match decoded {
            Some(text) if in_roots || known => {
                let affected = self
                    .workspace
                    .set_file(path.clone(), Arc::from(text), base_only);
                for p in affected {
                    let _ = self.jobs.send(Job::Diagnose(p));
                }
                if self.workspace.file(&path).is_none() {
                    self.remove(&path);
                }
            }
            Some(_) => self.remove(&path),
            None => self.remove(&path),
        }
    }

    /// Brings the index up to date with an open document's text. Returns the files whose
    /// diagnostics the re-index may have changed (empty when it was already current).
    pub fn sync(&self, path: &Path) -> Vec<PathBuf> {
        let Some(revision) = self.documents.get(path).map(|d| d.revision) else {
            return Vec::new();
        };
        if self.indexed.get(path).is_some_and(|r| *r == revision) {
            return Vec::new();
        }
        let _syncing = self.syncing.lock().unwrap_or_else(|e| e.into_inner());
        // Another sync may have brought it up to date while this one waited.
        if self.indexed.get(path).is_some_and(|r| *r == revision) {
            return Vec::new();
        }
        // One copy of the text, straight into the index; the revision is the one copied.
        let Some((revision, text)) = self
            .documents
            .get(path)
            .map(|d| (d.revision, Arc::<str>::from(d.text.as_str())))
        else {
            return Vec::new();
        };
        // The replaced version is freed later, off the path from keystroke to diagnostics.
        let replaced = self.workspace.file(path);
        let affected = self.workspace.set_file(path.to_owned(), text, false);
        self.indexed.insert(path.to_owned(), revision);
        if let (Some(replaced), Ok(mut retired)) = (replaced, self.retired.lock()) {
            retired.push(replaced);
        }
        affected
    }

    pub fn sync_all_open(&self) {
        let paths: Vec<PathBuf> = self.documents.iter().map(|d| d.key().clone()).collect();
        for path in paths {
            for affected in self.sync(&path) {
                let _ = self.jobs.send(Job::Diagnose(affected));
            }
        }
    }

    /// The client, for requests the server sends it.
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn location(&self, path: &Path, range: TextRange) -> Option<lsp::Location> {
        let Some(file) = self.workspace.file(path) else {
            // The one file outside the index that locations point into: the environments'
            // appsettings.json (go to definition on a {Settings:...} placeholder).
            if path.file_name()? != crate::environments::APPSETTINGS {
                return None;
            }
            let text = std::fs::read_to_string(path).ok()?;
            let index = syntax::LineIndex::new(&text);
            return Some(lsp::Location {
                uri: convert::url_of(path)?,
                range: convert::range(&text, &index, range),
            });
        };
        Some(lsp::Location {
            uri: convert::url_of(path)?,
            range: convert::file_range(&file, range),
        })
    }

    pub fn shut_down(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }

    /// Computes a file's diagnostics; returns them when they differ from the last ones
    /// published (which they then become). Runs off the async runtime, for many files at
    /// once on all cores.
    fn diagnose(&self, path: &Path) -> Option<Publish> {
        let version = match self.documents.get(path) {
            Some(doc) => {
                // Stale: a newer text is waiting to be indexed; its own job will publish.
                if self.indexed.get(path).map(|r| *r) != Some(doc.revision) {
                    return None;
                }
                Some(doc.version)
            }
            None => None,
        };
        // Not (or no longer) a policy: what was published for it is cleared, unless it could
        // not be decoded.
        let Some(file) = self.workspace.file(path).filter(|f| !f.base_only) else {
            let shown: Vec<lsp::Diagnostic> = match self.undecodable.get(path) {
                Some(message) if version.is_none() => vec![not_utf8(&message)],
                _ if path
                    .file_name()
                    .is_some_and(|n| n == crate::environments::APPSETTINGS) =>
                {
                    Self::appsettings_diagnostics(path)
                }
                _ if path
                    .file_name()
                    .is_some_and(|n| n == crate::config::CONFIG_FILE) =>
                {
                    self.config_diagnostics(path)
                }
                _ => Vec::new(),
            };
            let before = match shown.is_empty() {
                true => self.published.remove(path).map(|(_, old)| old),
                false => self.published.insert(path.to_owned(), shown.clone()),
            };
            if before.unwrap_or_default() == shown {
                return None;
            }
            return Some(Publish {
                uri: convert::url_of(path)?,
                diagnostics: shown,
                version,
            });
        };
        let started = std::time::Instant::now();
        let computed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            file_diagnostics(&self.workspace, path)
        }));
        let diagnostics = match computed {
            Ok(diagnostics) => diagnostics,
            Err(_) => {
                self.log(format!(
                    "internal error while checking {}; its diagnostics are not updated",
                    path.display()
                ));
                return None;
            }
        };
        let converted: Vec<lsp::Diagnostic> = diagnostics
            .iter()
            .map(|d| {
                convert::diagnostic(&file, d, |p, r| {
                    if p == path {
                        Some(lsp::Location {
                            uri: convert::url_of(p)?,
                            range: convert::file_range(&file, r),
                        })
                    } else {
                        self.location(p, r)
                    }
                })
            })
            .collect();
        if self
            .published
            .get(path)
            .is_some_and(|old| *old == converted)
        {
            return None;
        }
        self.published.insert(path.to_owned(), converted.clone());
        if self.verbose() {
            self.log(format!(
                "{}: {} diagnostics in {:?}",
                path.display(),
                converted.len(),
                started.elapsed()
            ));
        }
        Some(Publish {
            uri: convert::url_of(path)?,
            diagnostics: converted,
            version,
        })
    }
}

/// Diagnostics to publish for one file.
struct Publish {
    uri: lsp::Url,
    diagnostics: Vec<lsp::Diagnostic>,
    version: Option<i32>,
}

/// The one diagnostic of a file that could not be decoded (the code `check` reports too).
fn not_utf8(message: &str) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: lsp::Range::default(),
        severity: Some(lsp::DiagnosticSeverity::ERROR),
        code: Some(lsp::NumberOrString::String("not-utf8".to_owned())),
        source: Some("b2c-lsp".to_owned()),
        message: message.to_owned(),
        ..Default::default()
    }
}

/// Applies one content change; ranges out of bounds are clamped, never a panic.
fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let index = LineIndex::new(text);
            let start = convert::offset(text, &index, range.start) as usize;
            let end = convert::offset(text, &index, range.end) as usize;
            let (start, end) = (start.min(end), start.max(end));
            text.replace_range(start..end, &change.text);
        }
    }
}

/// The most files diagnosed between two looks at the queue for newer edits.
const BATCH: usize = 128;

/// Coalesces queued jobs into batches: a burst of keystrokes becomes one re-index and one
/// round of diagnostics, and work made stale by a newer edit is dropped.
async fn worker(state: std::sync::Weak<State>, mut jobs: mpsc::UnboundedReceiver<Job>) {
    let mut queue: BTreeSet<Job> = BTreeSet::new();
    loop {
        if queue.is_empty() {
            match jobs.recv().await {
                Some(job) => {
                    queue.insert(job);
                }
                None => return,
            }
        }
        while let Ok(job) = jobs.try_recv() {
            queue.insert(job);
        }
        let Some(state) = state.upgrade() else { return };
        // Nothing is published before the first scan: a file checked without its bases
        // would flash a false missing-base warning.
        state.ready().await;
        if state.shutting_down.load(Ordering::SeqCst) {
            queue.clear();
            continue;
        }
        // Re-index first, so that diagnostics see every latest text.
        let reindex: Vec<PathBuf> = queue
            .iter()
            .filter_map(|j| match j {
                Job::Reindex(p) => Some(p.clone()),
                Job::Diagnose(_) => None,
            })
            .collect();
        queue.retain(|j| matches!(j, Job::Diagnose(_)));
        let mut diagnose: BTreeSet<PathBuf> = queue
            .iter()
            .filter_map(|j| match j {
                Job::Diagnose(p) => Some(p.clone()),
                Job::Reindex(_) => None,
            })
            .collect();
        queue.clear();
        let mut changed: HashMap<PathBuf, ()> = HashMap::new();
        for path in reindex {
            // A bug in indexing one text must not end the worker, and with it all diagnostics.
            let synced =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| state.sync(&path)));
            let affected = synced.unwrap_or_else(|_| {
                state.log(format!("internal error while indexing {}", path.display()));
                Vec::new()
            });
            changed.insert(path.clone(), ());
            diagnose.insert(path);
            diagnose.extend(affected);
        }
        // The edited files first, alone, since that is what the user is looking at; the
        // others in batches spread over all cores.
        let edited = changed.len();
        let mut order: Vec<PathBuf> = diagnose
            .iter()
            .filter(|p| changed.contains_key(*p))
            .cloned()
            .collect();
        order.extend(
            diagnose
                .iter()
                .filter(|p| !changed.contains_key(*p))
                .cloned(),
        );
        // The edited files alone, then batches doubling from 4 up to BATCH, so that
        // diagnostics start coming out at once after a scan too.
        let mut batches: Vec<Vec<PathBuf>> = Vec::new();
        let (mut start, mut size) = (0, 2);
        while start < order.len() {
            let take = if start == 0 && edited > 0 {
                edited
            } else {
                size = (size * 2).min(BATCH);
                size
            };
            let end = (start + take).min(order.len());
            batches.push(order[start..end].to_vec());
            start = end;
        }
        let mut batches = batches.into_iter();
        // Each batch is computed on all cores while the one before it is published, so that
        // writing thousands of publications overlaps the analysis instead of pausing it.
        let compute = |batch: Vec<PathBuf>| {
            let on_pool = Arc::clone(&state);
            tokio::task::spawn_blocking(move || in_parallel(batch, |path| on_pool.diagnose(&path)))
        };
        let mut in_flight: Option<tokio::task::JoinHandle<Vec<Option<Publish>>>> = None;
        loop {
            let ready: Vec<Option<Publish>> = match in_flight.take() {
                Some(computing) => computing.await.unwrap_or_default(),
                None => match batches.next() {
                    None => break,
                    // The edited file after a keystroke: no hand-off to another thread.
                    Some(batch) if batch.len() <= 2 => {
                        batch.iter().map(|path| state.diagnose(path)).collect()
                    }
                    Some(batch) => compute(batch).await.unwrap_or_default(),
                },
            };
            // A newer edit arrived: nothing more is started, it is coalesced with what is left.
            let newer_edit = !jobs.is_empty();
            if !newer_edit {
                in_flight = batches.next().map(compute);
            }
            for publish in ready.into_iter().flatten() {
                state
                    .client
                    .publish_diagnostics(publish.uri, publish.diagnostics, publish.version)
                    .await;
            }
            if newer_edit {
                queue.extend(batches.by_ref().flatten().map(Job::Diagnose));
                break;
            }
        }
        let retired = state
            .retired
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default();
        drop(retired);
    }
}

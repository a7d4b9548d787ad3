//! The workspace: every policy file under the roots plus extra base locations, the BasePolicy
//! graph (nearest candidate wins when several files claim one PolicyId), resolution of ids in
//! a file's chain, and incremental bookkeeping of what an edit invalidates.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;

use rustc_hash::{FxBuildHasher, FxHashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

use dashmap::DashMap;
use syntax::{LineIndex, Parse};

use super::summary::{summarize, Summary};
use super::{id_key, Definition, SymbolKind};

/// One file as the index holds it.
#[derive(Debug)]
pub struct FileData {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub parse: Parse,
    line_index: std::sync::OnceLock<LineIndex>,
    pub summary: Summary,
    /// From an extra base location: an ancestor only, never reported on.
    pub base_only: bool,
    /// Facts that analyses derive from this file alone, computed once per version of it.
    memo: std::sync::Mutex<HashMap<&'static str, Arc<dyn std::any::Any + Send + Sync>>>,
}

impl FileData {
    pub fn new(path: PathBuf, text: Arc<str>, base_only: bool) -> FileData {
        let parse = syntax::parse(&text);
        let summary = summarize(&parse);
        FileData {
            path,
            text,
            parse,
            line_index: std::sync::OnceLock::new(),
            summary,
            base_only,
            memo: Default::default(),
        }
    }

    /// Line starts of the text, computed on first use: a cold check needs them only for the
    /// files it reports on.
    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// A fact derived from this file alone, built on first use and kept for as long as this
    /// version of the file is. `key` names the fact; it must always be used with the same `T`.
    pub fn memo<T: Send + Sync + 'static>(
        &self,
        key: &'static str,
        build: impl FnOnce(&FileData) -> T,
    ) -> Arc<T> {
        if let Some(found) = self.memo.lock().ok().and_then(|m| m.get(key).cloned()) {
            if let Ok(found) = found.downcast::<T>() {
                return found;
            }
        }
        let built = Arc::new(build(self));
        if let Ok(mut memo) = self.memo.lock() {
            memo.insert(
                key,
                Arc::clone(&built) as Arc<dyn std::any::Any + Send + Sync>,
            );
        }
        built
    }
}

/// A file's BasePolicy chain: the file itself first, then its base, and so on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chain {
    pub files: Vec<PathBuf>,
    /// The PolicyId of a base that is not in the workspace, if the chain stops at one.
    pub missing_base: Option<String>,
    /// Set when the chain comes back to a file it already holds.
    pub cycle: bool,
    /// Set when a base was picked among several equally near files claiming its PolicyId:
    /// all of them.
    pub ambiguous: Option<Vec<PathBuf>>,
}

impl Chain {
    /// Whether every ancestor is known, so that an unresolved id is really undefined.
    pub fn is_complete(&self) -> bool {
        self.missing_base.is_none() && !self.cycle && self.ambiguous.is_none()
    }
}

/// The BasePolicy graph, rebuilt when a PolicyId or BasePolicy changes.
#[derive(Debug, Default)]
struct Graph {
    /// The workspace generation this graph was built from.
    generation: u64,
    /// Lower-cased PolicyId -> the files that claim it.
    by_policy_id: HashMap<String, Vec<PathBuf>>,
    chains: FxHashMap<OsString, Arc<Chain>>,
    /// For each file, the files whose chain includes it (itself included), sorted.
    dependents: FxHashMap<OsString, Vec<PathBuf>>,
}

/// All policy files of the workspace.
#[derive(Debug, Default)]
pub struct Workspace {
    /// Keyed by the path's bytes: hashing and comparing a `Path` parses its components,
    /// which showed up in profiles of every keystroke.
    files: DashMap<OsString, Arc<FileData>, FxBuildHasher>,
    graph: RwLock<Arc<Graph>>,
    /// Bumped by every change that can re-route chains; the graph is rebuilt when it lags.
    generation: std::sync::atomic::AtomicU64,
    /// The `b2c-lsp.toml` files that govern the workspace's policies.
    pub configs: crate::config::Store,
    /// Caches of the analyses that outlive one version of a file, by type (see [`Workspace::cache`]).
    caches: std::sync::Mutex<HashMap<std::any::TypeId, Arc<dyn std::any::Any + Send + Sync>>>,
}

/// A definition found by resolution, with the file it is in.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub path: PathBuf,
    pub definition: Definition,
    /// Whether the id matches exactly, not just ignoring case.
    pub exact: bool,
}

/// The base a file's BasePolicy resolves to, and all the tied candidates when several are
/// just as near.
type Pick = (PathBuf, Option<Vec<PathBuf>>);

/// What of a file the BasePolicy graph depends on: its PolicyId and its base, and whether it
/// comes from an extra base location.
type GraphKey = (Option<String>, Option<String>, bool);

fn graph_key_of(file: &FileData) -> GraphKey {
    (
        file.summary.policy_id.as_ref().map(|p| id_key(&p.text)),
        file.summary.base_policy.as_ref().map(|p| id_key(&p.text)),
        file.base_only,
    )
}

fn common_prefix_len(a: &Path, b: &Path) -> usize {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .filter(|(x, _)| matches!(x, Component::Normal(_)))
        .count()
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// The workspace's one cache of type `T`, made on first use. The caches of the analyses
    /// live here, each a type of the module that owns it, so that they end with the workspace
    /// (no process-wide state) and two workspaces never share one. Facts of one version of a
    /// file belong in [`FileData::memo`] instead.
    pub fn cache<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let id = std::any::TypeId::of::<T>();
        let mut caches = self.caches.lock().unwrap_or_else(|e| e.into_inner());
        let slot = caches
            .entry(id)
            .or_insert_with(|| Arc::new(T::default()) as Arc<dyn std::any::Any + Send + Sync>);
        match Arc::clone(slot).downcast::<T>() {
            Ok(cache) => cache,
            // Unreachable: the slot of a TypeId holds that type.
            Err(_) => Arc::new(T::default()),
        }
    }

    /// Adds or replaces a file. Returns the files whose diagnostics may have changed.
    /// Non-policy files are dropped quietly.
    pub fn set_file(&self, path: PathBuf, text: Arc<str>, base_only: bool) -> Vec<PathBuf> {
        let data = Arc::new(FileData::new(path.clone(), text, base_only));
        let before = self.graph_key(&path);
        let after = data.summary.is_policy.then(|| graph_key_of(&data));
        if before.is_none() && after.is_none() {
            return Vec::new();
        }
        if before != after {
            // A new file, a changed PolicyId or BasePolicy can re-route any chain.
            match after {
                Some(_) => self.files.insert(path.into_os_string(), data),
                None => self.files.remove(path.as_os_str()).map(|(_, f)| f),
            };
            self.generation
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            return self.files.iter().map(|f| f.path.clone()).collect();
        }
        // The chains stay as they are: only the files that see this one are affected.
        self.files.insert(path.clone().into_os_string(), data);
        let mut affected = self.dependents(&path);
        if !affected.contains(&path) {
            affected.push(path);
        }
        affected
    }

    /// Adds or replaces a file built elsewhere (e.g. parsed on another thread), without
    /// working out what it affects: for loading many files at once.
    pub fn insert(&self, data: FileData) {
        if data.summary.is_policy {
            self.files
                .insert(data.path.clone().into_os_string(), Arc::new(data));
        } else {
            self.files.remove(data.path.as_os_str());
        }
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Removes a file. Returns the files whose diagnostics may have changed.
    pub fn remove_file(&self, path: &Path) -> Vec<PathBuf> {
        if self.files.remove(path.as_os_str()).is_some() {
            self.generation
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.all_paths()
        } else {
            Vec::new()
        }
    }

    /// Removes many files at once, re-routing the chains once rather than once per file.
    /// Returns whether any was there.
    pub fn remove_files(&self, paths: &[PathBuf]) -> bool {
        let mut removed = false;
        for path in paths {
            removed |= self.files.remove(path.as_os_str()).is_some();
        }
        if removed {
            self.generation
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        removed
    }

    fn graph_key(&self, path: &Path) -> Option<GraphKey> {
        self.files
            .get(path.as_os_str())
            .map(|file| graph_key_of(&file))
    }

    pub fn file(&self, path: &Path) -> Option<Arc<FileData>> {
        self.files.get(path.as_os_str()).map(|f| Arc::clone(&f))
    }

    pub fn all_paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self.files.iter().map(|f| f.path.clone()).collect();
        paths.sort();
        paths
    }

    /// The files that are reported on (not from extra base locations).
    pub fn reported_paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|f| !f.base_only)
            .map(|f| f.path.clone())
            .collect();
        paths.sort();
        paths
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn graph(&self) -> Arc<Graph> {
        // The generation is read before the files, so a graph tagged N has seen every change
        // up to N; two threads rebuilding at once can't leave the older graph in place.
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        if let Ok(graph) = self.graph.read() {
            if graph.generation == generation {
                return Arc::clone(&graph);
            }
        }
        let built = Arc::new(self.build_graph(generation));
        if let Ok(mut slot) = self.graph.write() {
            if slot.generation < built.generation {
                *slot = Arc::clone(&built);
            }
        }
        built
    }

    fn build_graph(&self, generation: u64) -> Graph {
        let mut by_policy_id: HashMap<String, Vec<PathBuf>> = HashMap::new();
        let mut bases: HashMap<PathBuf, Option<String>> = HashMap::new();
        let mut base_only: HashSet<PathBuf> = HashSet::new();
        for file in self.files.iter() {
            if let Some(id) = &file.summary.policy_id {
                by_policy_id
                    .entry(id_key(&id.text))
                    .or_default()
                    .push(file.path.clone());
            }
            bases.insert(
                file.path.clone(),
                file.summary.base_policy.as_ref().map(|b| b.text.clone()),
            );
            if file.base_only {
                base_only.insert(file.path.clone());
            }
        }
        for candidates in by_policy_id.values_mut() {
            candidates.sort();
        }
        // The nearest candidate: the longest common folder path, candidates of the other origin
        // last (for a workspace file, those of extra base locations; for a file of an extra
        // base location, the workspace's: a base pack completes its own chain, so that a
        // workspace file that reuses one of its PolicyIds does not cut into it).
        // Returns the pick and, when others are just as near, all the tied candidates.
        // Paths are split into components once; each file's pick is worked out once.
        let components: HashMap<&Path, Vec<Component<'_>>> = bases
            .keys()
            .map(|p| (p.as_path(), p.components().collect()))
            .collect();
        let common_prefix_len = |a: &Path, b: &Path| -> usize {
            match (components.get(a), components.get(b)) {
                (Some(a), Some(b)) => a
                    .iter()
                    .zip(b)
                    .take_while(|(x, y)| x == y)
                    .filter(|(x, _)| matches!(x, Component::Normal(_)))
                    .count(),
                _ => common_prefix_len(a, b),
            }
        };
        let pick = |from: &Path, policy: &str| -> Option<Pick> {
            let candidates = by_policy_id.get(&id_key(policy))?;
            let ranked: Vec<(&PathBuf, (u8, usize))> = candidates
                .iter()
                .filter(|c| c.as_path() != from)
                .map(|c| {
                    let same_origin =
                        u8::from(base_only.contains(c.as_path()) == base_only.contains(from));
                    (c, (same_origin, common_prefix_len(from, c)))
                })
                .collect();
            let best = ranked.iter().map(|(_, rank)| *rank).max()?;
            let tied: Vec<PathBuf> = ranked
                .iter()
                .filter(|(_, rank)| *rank == best)
                .map(|(c, _)| (*c).clone())
                .collect();
            let first = tied.first()?.clone();
            Some((first, (tied.len() > 1).then_some(tied)))
        };
        let mut picks: HashMap<PathBuf, Option<Pick>> = HashMap::new();
        let mut pick = |from: &Path, policy: &str| {
            picks
                .entry(from.to_owned())
                .or_insert_with(|| pick(from, policy))
                .clone()
        };
        let mut chains = FxHashMap::default();
        for path in bases.keys() {
            let mut chain = Chain {
                files: vec![path.clone()],
                ..Chain::default()
            };
            let mut current = path.clone();
            while let Some(Some(base)) = bases.get(&current) {
                match pick(&current, base) {
                    Some((next, _)) if chain.files.contains(&next) => {
                        chain.cycle = true;
                        break;
                    }
                    Some((next, tied)) => {
                        if tied.is_some() && chain.ambiguous.is_none() {
                            chain.ambiguous = tied;
                        }
                        chain.files.push(next.clone());
                        current = next;
                    }
                    None => {
                        chain.missing_base = Some(base.clone());
                        break;
                    }
                }
            }
            chains.insert(path.clone().into_os_string(), Arc::new(chain));
        }
        let mut dependents: FxHashMap<OsString, Vec<PathBuf>> = FxHashMap::default();
        for (path, chain) in &chains {
            for ancestor in &chain.files {
                dependents
                    .entry(ancestor.clone().into_os_string())
                    .or_default()
                    .push(PathBuf::from(path));
            }
        }
        for list in dependents.values_mut() {
            list.sort();
        }
        Graph {
            generation,
            by_policy_id,
            chains,
            dependents,
        }
    }

    /// The BasePolicy chain of a file (empty when the file is unknown).
    pub fn chain(&self, path: &Path) -> Arc<Chain> {
        self.graph()
            .chains
            .get(path.as_os_str())
            .cloned()
            .unwrap_or_default()
    }

    /// The files whose chain includes `path` (itself included), sorted.
    pub fn dependents(&self, path: &Path) -> Vec<PathBuf> {
        self.graph()
            .dependents
            .get(path.as_os_str())
            .cloned()
            .unwrap_or_default()
    }

    /// The files that claim a PolicyId.
    pub fn files_with_policy_id(&self, policy_id: &str) -> Vec<PathBuf> {
        self.graph()
            .by_policy_id
            .get(&id_key(policy_id))
            .cloned()
            .unwrap_or_default()
    }

    /// Definitions of `kind` named `id` visible from `path`: in the file, then its ancestors,
    /// nearest first. Case-only matches are included, marked not exact.
    /// Whether `id` resolves from `path`: `Some(true)` when some definition matches exactly,
    /// `Some(false)` when only ignoring case, `None` when nothing does. Cheaper than
    /// [`Workspace::resolve`]: nothing is copied.
    pub fn resolves(&self, path: &Path, kind: SymbolKind, id: &str) -> Option<bool> {
        let chain = self.chain(path);
        let mut found = None;
        for file_path in &chain.files {
            let Some(file) = self.files.get(file_path.as_os_str()) else {
                continue;
            };
            for definition in file.summary.lookup(kind, id) {
                if definition.id == id.trim() {
                    return Some(true);
                }
                found = Some(false);
            }
        }
        found
    }

    /// Whether a policy built on the file at `path` (a descendant, not the file itself)
    /// defines `kind` `id`, ignoring case. References held in metadata values and localized
    /// strings are resolved at run time in the chain of the relying party that runs them, so
    /// a definition below the file completes them.
    pub fn defined_below(&self, path: &Path, kind: SymbolKind, id: &str) -> bool {
        let graph = self.graph();
        let Some(dependents) = graph.dependents.get(path.as_os_str()) else {
            return false;
        };
        dependents
            .iter()
            .filter(|d| d.as_path() != path)
            .filter_map(|d| self.files.get(d.as_os_str()))
            .any(|f| f.summary.lookup(kind, id).next().is_some())
    }

    pub fn resolve(&self, path: &Path, kind: SymbolKind, id: &str) -> Vec<Resolved> {
        let chain = self.chain(path);
        let mut out = Vec::new();
        for file_path in &chain.files {
            let Some(file) = self.file(file_path) else {
                continue;
            };
            for definition in file.summary.lookup(kind, id) {
                out.push(Resolved {
                    path: file_path.clone(),
                    exact: definition.id == id.trim(),
                    definition: definition.clone(),
                });
            }
        }
        out
    }
}

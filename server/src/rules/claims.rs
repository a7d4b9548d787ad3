//! What the ClaimsSchema of a file says about each ClaimType (its DataType), read once per
//! version of the file, and the effective facts of a ClaimType seen from a policy: B2C merges
//! a ClaimType amended along the chain, so each fact comes from the nearest definition that
//! states it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use syntax::view::ElementRef;

use crate::index::summary::Located;
use crate::index::{id_key, workspace::FileData, SymbolKind, Workspace};

/// One ClaimType element as written in one file.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClaimTypeFacts {
    pub data_type: Option<Located>,
}

/// The ClaimTypes of one file, by lower-cased id (the first definition wins, as duplicates
/// are reported elsewhere).
#[derive(Debug, Default)]
pub(crate) struct ClaimsSchemaFacts {
    pub by_id: HashMap<String, ClaimTypeFacts>,
}

pub(crate) fn claims_schema(file: &FileData) -> Arc<ClaimsSchemaFacts> {
    file.memo("rules::claims_schema", |file| {
        let mut facts = ClaimsSchemaFacts::default();
        let Some(root) = ElementRef::root(&file.parse) else {
            return facts;
        };
        let types = root
            .children_named("BuildingBlocks")
            .flat_map(|b| b.children_named("ClaimsSchema"))
            .flat_map(|s| s.children_named("ClaimType"));
        for claim in types {
            let Some(id) = claim.attribute_value("Id") else {
                continue;
            };
            let located = |name: &str| {
                claim.child(name).and_then(|e| {
                    let (text, range) = e.text_with_range();
                    range.map(|range| Located {
                        text: text.trim().to_owned(),
                        range,
                    })
                })
            };
            let entry = ClaimTypeFacts {
                data_type: located("DataType"),
            };
            facts.by_id.entry(id_key(&id)).or_insert(entry);
        }
        facts
    })
}

/// A fact of a ClaimType and the file that states it.
#[derive(Debug, Clone)]
pub(crate) struct Stated<T> {
    pub path: PathBuf,
    pub value: T,
}

/// The DataType of ClaimType `id` seen from `path`: from the nearest definition in the chain
/// that states one.
pub(crate) fn data_type(workspace: &Workspace, path: &Path, id: &str) -> Option<Stated<Located>> {
    let key = id_key(id);
    for resolved in workspace.resolve(path, SymbolKind::ClaimType, id) {
        let Some(file) = workspace.file(&resolved.path) else {
            continue;
        };
        let schema = claims_schema(&file);
        if let Some(data_type) = schema.by_id.get(&key).and_then(|c| c.data_type.clone()) {
            return Some(Stated {
                path: resolved.path,
                value: data_type,
            });
        }
    }
    None
}

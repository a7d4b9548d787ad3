//! A run-time trap: a ContentDefinition that no part gives a DataUri. The schema leaves
//! DataUri optional, because a policy built on another may amend a content definition with
//! only its localized resources; but the page a self-asserted or sign-in step shows is picked
//! by its DataUri (contentdefinitions.md, "DataUri": "the page identifier"), so a content
//! definition that has none along its chain, nor in the policies built on it, shows no page.

use std::collections::HashSet;

use syntax::view::ElementRef;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::index::id_key;

use super::{for_each_root, Judged};

fn content_definitions<'a>(root: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    root.children_named("BuildingBlocks")
        .flat_map(|b| b.children_named("ContentDefinitions"))
        .flat_map(|c| c.children_named("ContentDefinition"))
}

pub(super) fn check(judged: &Judged<'_>, out: &mut Vec<Diagnostic>) {
    let Judged {
        workspace,
        path,
        root,
        chain,
    } = *judged;
    let lacking: Vec<(String, syntax::TextRange)> = content_definitions(root)
        .filter(|c| c.child("DataUri").is_none())
        .filter_map(|c| {
            let (id, range) = c.attribute_value_with_range("Id")?;
            Some((id.trim().to_owned(), range))
        })
        .collect();
    if lacking.is_empty() {
        return;
    }
    // The ids that some part gives a DataUri, along the chain and below it.
    let mut with_data_uri: HashSet<String> = HashSet::new();
    let mut places = chain.files.clone();
    places.extend(workspace.dependents(path));
    for_each_root(workspace, &places, |r| {
        with_data_uri.extend(
            content_definitions(r)
                .filter(|c| c.child("DataUri").is_some())
                .filter_map(|c| c.attribute_value("Id"))
                .map(|id| id_key(&id)),
        );
    });
    for (id, range) in lacking {
        if with_data_uri.contains(&id_key(&id)) {
            continue;
        }
        out.push(Diagnostic::new(
            range,
            DiagnosticCode::ContentDefinitionWithoutDataUri,
            format!(
                "ContentDefinition \"{id}\" has no DataUri, here, in its base policies or in the policies built on this one, so a step that uses it has no page to show; \
                 add <DataUri>urn:com:microsoft:aad:b2c:elements:contract:<page>:<version></DataUri>"
            ),
        ));
    }
}

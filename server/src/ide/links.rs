//! Document links: a BasePolicy's PolicyId to the file of that base, absolute http(s) values of
//! LoadUri, DataUri and the ServiceUrl metadata item, and each `{Settings:Name}` to where the
//! governing appsettings.json sets that key. Plain data; the protocol edge builds the URIs.

use std::path::{Path, PathBuf};

use syntax::ast::{AstNode, Element};
use syntax::TextRange;

use crate::index::{SymbolKind, Workspace};
use crate::navigation;

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A file, at a zero-based line when known.
    File { path: PathBuf, line: Option<u32> },
    /// An absolute http or https address, as written.
    Web(String),
}

/// A range of the text that opens `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub range: TextRange,
    pub target: LinkTarget,
    pub tooltip: String,
}

/// Elements whose text is an address to open.
const ADDRESS_ELEMENTS: [&str; 2] = ["LoadUri", "DataUri"];

/// Metadata items whose value is an address to open.
const ADDRESS_METADATA: [&str; 1] = ["ServiceUrl"];

fn is_web_address(value: &str) -> bool {
    let lower = value.get(..8).unwrap_or(value).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !value.contains(['{', '}', ' ', '\n', '\r', '\t', '"', '<', '>'])
}

/// The links of the file at `path`, in text order.
pub fn document_links(workspace: &Workspace, path: &Path) -> Vec<Link> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    // XML that is not a policy is left alone, as by every other feature.
    if !file.summary.is_policy {
        return Vec::new();
    }
    let mut out = Vec::new();
    for reference in &file.summary.references {
        crate::cancel::checkpoint();
        if reference.kind != SymbolKind::Policy {
            continue;
        }
        for target in navigation::targets(workspace, path, reference) {
            let line = workspace.file(&target.path).map(|base| {
                base.line_index()
                    .to_human(&base.text, target.range.start().into())
                    .line
                    .saturating_sub(1)
            });
            out.push(Link {
                range: reference.range,
                tooltip: format!("open base policy {}", target.path.display()),
                target: LinkTarget::File {
                    path: target.path,
                    line,
                },
            });
        }
    }
    for element in file
        .parse
        .syntax()
        .descendants()
        .filter_map(Element::cast)
        .filter(|e| ADDRESS_ELEMENTS.iter().any(|name| e.is(name)))
    {
        let (value, range) = element.text_with_range();
        let value = value.trim();
        if let Some(range) = range.filter(|_| is_web_address(value)) {
            out.push(Link {
                range,
                target: LinkTarget::Web(value.to_owned()),
                tooltip: format!("open {}", element.local_name()),
            });
        }
    }
    for profile in &file.summary.technical_profiles {
        for item in &profile.metadata {
            let key = item.key.trim();
            let value = item.value.trim();
            if ADDRESS_METADATA.iter().any(|k| k.eq_ignore_ascii_case(key))
                && is_web_address(value)
                && value.len() == usize::from(item.value_range.len())
            {
                out.push(Link {
                    range: item.value_range,
                    target: LinkTarget::Web(value.to_owned()),
                    tooltip: format!("open {key}"),
                });
            }
        }
    }
    out.extend(setting_links(path, &file.text));
    out.sort_by_key(|l| (l.range.start(), l.range.end()));
    out
}

/// Each `{Settings:Name}` whose key the governing appsettings.json sets: a link to the first
/// place that sets it.
fn setting_links(path: &Path, text: &str) -> Vec<Link> {
    let placeholders = crate::environments::placeholders(text);
    if placeholders.is_empty() {
        return Vec::new();
    }
    let Some((settings, json)) = crate::environments::appsettings_of(path) else {
        return Vec::new();
    };
    // One pass over the settings for every placeholder: a key's first place and its line.
    let newlines: Vec<usize> = json.match_indices('\n').map(|(i, _)| i).collect();
    let mut first_line: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for (name, range) in crate::environments::keys(&json) {
        let start = usize::from(range.start());
        first_line
            .entry(name.to_ascii_lowercase())
            .or_insert(newlines.partition_point(|n| *n < start) as u32);
    }
    placeholders
        .into_iter()
        .filter_map(|placeholder| {
            let line = *first_line.get(&placeholder.name.to_ascii_lowercase())?;
            Some(Link {
                range: placeholder.range,
                target: LinkTarget::File {
                    path: settings.clone(),
                    line: Some(line),
                },
                tooltip: format!("open {} in appsettings.json", placeholder.name),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_setting_links_to_its_key_and_only_absolute_web_addresses_link() {
        let folder = std::env::temp_dir().join(format!("b2c-lsp-links-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("folder");
        std::fs::write(
            folder.join("appsettings.json"),
            "{\n  \"Environments\": [\n    { \"Name\": \"Test\",\n      \"Tenant\": \"t\" } ]\n}\n",
        )
        .expect("settings");
        let text = "<TrustFrameworkPolicy PolicyId=\"P\" TenantId=\"{Settings:Tenant}\">\n<X>{Settings:Other}</X>\n<LoadUri>https://a.example/p.html</LoadUri><DataUri>urn:x</DataUri><LoadUri>~/tenant/x.html</LoadUri>\n</TrustFrameworkPolicy>";
        let workspace = Workspace::new();
        let path = folder.join("Policy.xml");
        workspace.set_file(path.clone(), Arc::from(text), false);
        let links = document_links(&workspace, &path);
        std::fs::remove_dir_all(&folder).ok();
        let found: Vec<(&str, &LinkTarget)> = links
            .iter()
            .map(|l| (&text[std::ops::Range::<usize>::from(l.range)], &l.target))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "{Settings:Tenant}",
                    &LinkTarget::File {
                        path: folder.join("appsettings.json"),
                        line: Some(3)
                    }
                ),
                (
                    "https://a.example/p.html",
                    &LinkTarget::Web("https://a.example/p.html".to_owned())
                ),
            ]
        );
    }
}

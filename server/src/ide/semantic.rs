//! Semantic colouring: each id a policy defines or references, by the kind of thing it names
//! (from the index, through `navigation::symbols_in`, the same answer the cursor features
//! use), with undefined references marked; and the claim resolvers (`{Context:CorrelationId}`)
//! and `{Settings:Name}` placeholders written inside values. Plain byte ranges; the protocol
//! edge picks the token types and encodes them.

use std::path::Path;

use syntax::{SyntaxKind, TextRange, TextSize};

use crate::catalog;
use crate::index::{SymbolKind, Workspace};
use crate::navigation;

/// What a coloured range is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An id that defines or names a policy element of this kind.
    Symbol(SymbolKind),
    /// A claim resolver, replaced when a journey runs.
    Resolver,
    /// A `{Settings:Name}` placeholder, replaced when the policies are built.
    Setting,
}

/// One coloured range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SemanticToken {
    pub range: TextRange,
    pub kind: TokenKind,
    /// The id of a definition (or the file's own PolicyId), not a reference to one.
    pub definition: bool,
    /// A reference that names nothing in reach (see `navigation::is_undefined`).
    pub undefined: bool,
}

/// A `{...}` longer than this is not a resolver or placeholder: stop looking for its `}`.
const MAX_BRACED: usize = 200;

/// The coloured ranges of the file at `path` that meet `range` (the whole file when `None`),
/// in text order, never overlapping and never spanning lines.
pub fn semantic_tokens(
    workspace: &Workspace,
    path: &Path,
    range: Option<TextRange>,
) -> Vec<SemanticToken> {
    let Some(file) = workspace.file(path) else {
        return Vec::new();
    };
    // XML that is not a policy is left alone, as by every other feature.
    if !file.summary.is_policy {
        return Vec::new();
    }
    let text: &str = &file.text;
    let whole = TextRange::up_to(TextSize::of(text));
    let range = range.and_then(|r| r.intersect(whole)).unwrap_or(whole);
    let mut out: Vec<SemanticToken> = navigation::symbols_in(workspace, path, range)
        .into_iter()
        .map(|symbol| {
            crate::cancel::checkpoint();
            SemanticToken {
                range: symbol.range,
                kind: TokenKind::Symbol(symbol.kind),
                definition: symbol.reference.is_none(),
                undefined: symbol
                    .reference
                    .as_ref()
                    .is_some_and(|r| navigation::is_undefined(workspace, path, r)),
            }
        })
        .collect();
    braced_values(text, &file.parse, range, &mut out);
    out.retain(|t| !t.range.is_empty() && !spans_lines(text, t.range));
    out.sort_by_key(|t| (t.range.start(), std::cmp::Reverse(t.range.end())));
    // Clients cannot draw overlapping tokens: the first (outermost) one wins.
    let mut end = TextSize::from(0);
    out.retain(|t| {
        let keep = t.range.start() >= end;
        if keep {
            end = t.range.end();
        }
        keep
    });
    out
}

fn spans_lines(text: &str, range: TextRange) -> bool {
    text.get(std::ops::Range::<usize>::from(range))
        .is_none_or(|t| t.contains(['\n', '\r']))
}

/// The resolvers and placeholders written in attribute values, text and CDATA within `range`.
fn braced_values(
    text: &str,
    parse: &syntax::Parse,
    range: TextRange,
    out: &mut Vec<SemanticToken>,
) {
    let start = usize::from(range.start());
    let end = usize::from(range.end());
    if text.get(start..end).is_none() {
        return;
    }
    let root = parse.syntax();
    let mut from = start;
    // A `{` inside the range opens a token even when its `}` lies past the range's end.
    while let Some(open) = text[from..end].find('{').map(|i| i + from) {
        from = open + 1;
        let rest = &text[open..];
        let Some(close) = rest
            .char_indices()
            .take_while(|(i, c)| *i < MAX_BRACED && !matches!(c, '\n' | '\r' | '<' | '"'))
            .skip(1)
            .find(|(_, c)| matches!(c, '{' | '}'))
            .filter(|(_, c)| *c == '}')
            .map(|(i, _)| i)
        else {
            continue;
        };
        let braced = &rest[..=close];
        let kind = if crate::environments::placeholders(braced)
            .first()
            .is_some_and(|p| usize::from(p.range.len()) == braced.len())
        {
            TokenKind::Setting
        } else if catalog::claim_resolver(braced).is_some() {
            TokenKind::Resolver
        } else {
            continue;
        };
        let at = TextSize::from(open as u32);
        let in_value = root.token_at_offset(at).right_biased().is_some_and(|t| {
            matches!(
                t.kind(),
                SyntaxKind::ATTR_VALUE_TEXT | SyntaxKind::TEXT | SyntaxKind::CDATA_TEXT
            )
        });
        if !in_value {
            continue;
        }
        out.push(SemanticToken {
            range: TextRange::at(at, TextSize::from(braced.len() as u32)),
            kind,
            definition: false,
            undefined: false,
        });
        from = (open + close + 1).min(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn tokens(text: &str) -> Vec<(String, TokenKind, bool, bool)> {
        let workspace = Workspace::new();
        let path = std::path::PathBuf::from("/policies/Policy.xml");
        workspace.set_file(path.clone(), Arc::from(text), false);
        semantic_tokens(&workspace, &path, None)
            .into_iter()
            .map(|t| {
                (
                    text[std::ops::Range::<usize>::from(t.range)].to_owned(),
                    t.kind,
                    t.definition,
                    t.undefined,
                )
            })
            .collect()
    }

    #[test]
    fn colours_definitions_references_resolvers_and_settings() {
        let text = r#"<TrustFrameworkPolicy PolicyId="B2C_1A_P" TenantId="{Settings:Tenant}">
<BuildingBlocks><ClaimsSchema><ClaimType Id="email"><DataType>string</DataType></ClaimType></ClaimsSchema></BuildingBlocks>
<ClaimsProviders><ClaimsProvider><TechnicalProfiles><TechnicalProfile Id="tp">
<InputClaims><InputClaim ClaimTypeReferenceId="email" DefaultValue="{Context:CorrelationId}"/>
<InputClaim ClaimTypeReferenceId="nothing" DefaultValue="{Unknown:x}"/></InputClaims>
</TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders>
<!-- {Context:CorrelationId} in a comment is not a value -->
</TrustFrameworkPolicy>"#;
        let claim = TokenKind::Symbol(SymbolKind::ClaimType);
        assert_eq!(
            tokens(text),
            [
                (
                    "B2C_1A_P".to_owned(),
                    TokenKind::Symbol(SymbolKind::Policy),
                    true,
                    false
                ),
                (
                    "{Settings:Tenant}".to_owned(),
                    TokenKind::Setting,
                    false,
                    false
                ),
                ("email".to_owned(), claim, true, false),
                (
                    "tp".to_owned(),
                    TokenKind::Symbol(SymbolKind::TechnicalProfile),
                    true,
                    false
                ),
                ("email".to_owned(), claim, false, false),
                (
                    "{Context:CorrelationId}".to_owned(),
                    TokenKind::Resolver,
                    false,
                    false
                ),
                ("nothing".to_owned(), claim, false, true),
            ]
        );
    }

    #[test]
    fn a_range_limits_the_tokens_and_hostile_braces_cost_nothing() {
        let text = format!(
            "<TrustFrameworkPolicy PolicyId=\"P\"><X a=\"{}\"/><Y>{{Context:CorrelationId}}</Y></TrustFrameworkPolicy>",
            "{".repeat(100_000)
        );
        let workspace = Workspace::new();
        let path = std::path::PathBuf::from("/policies/P.xml");
        workspace.set_file(path.clone(), Arc::from(text.as_str()), false);
        let at = text.find("{Context").unwrap() as u32;
        let range = TextRange::new(at.into(), (at + 5).into());
        let found = semantic_tokens(&workspace, &path, Some(range));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, TokenKind::Resolver);
    }
}

//! Environments: one policy set built for several tenants from `appsettings.json`, in the
//! layout of the official VS Code extension's "B2C Policy Build", so existing projects keep
//! theirs. `{Settings:Name}` placeholders are replaced per environment (names matched ignoring
//! case): `Tenant`, `Filename` (the file name without extension), `PolicyFilename` (the same
//! without the `B2C_1A_` prefix), `Environment` (the environment's name), and each key of its
//! `PolicySettings`. Unlike the official build, a placeholder without a value is an error, and
//! values are XML-escaped where their place in the file needs it. Everything else is kept byte
//! for byte: encoding, byte-order mark, line endings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use syntax::{SyntaxKind, TextRange, TextSize};

/// The file the environments are read from, in the policy folder.
pub const APPSETTINGS: &str = "appsettings.json";

/// `appsettings.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppSettings {
    /// Where the built environments go, relative to the policy folder.
    #[serde(default = "default_environments_folder")]
    pub environments_folder: String,
    #[serde(default)]
    pub environments: Vec<Environment>,
}

fn default_environments_folder() -> String {
    "Environments".to_owned()
}

/// One environment (tenant) of `appsettings.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Environment {
    pub name: String,
    #[serde(default)]
    pub production: bool,
    #[serde(default)]
    pub tenant: Option<String>,
    #[serde(default)]
    pub policy_settings: BTreeMap<String, serde_json::Value>,
}

impl AppSettings {
    /// Reads `appsettings.json` text (a byte-order mark is allowed).
    pub fn parse(text: &str) -> Result<AppSettings, String> {
        let settings: AppSettings = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| format!("{APPSETTINGS} is not valid: {e}"))?;
        for (i, environment) in settings.environments.iter().enumerate() {
            if environment.name.trim().is_empty() {
                return Err(format!("{APPSETTINGS}: environment {} has no Name", i + 1));
            }
        }
        Ok(settings)
    }

    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name.trim()))
    }
}

impl Environment {
    /// The value of `{Settings:<name>}` in this environment for the policy file named
    /// `file_name`, or None when the environment has none. Built-in names come first.
    pub fn value(&self, name: &str, file_name: &str) -> Option<String> {
        let stem = Path::new(file_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        if is("Tenant") {
            if let Some(tenant) = &self.tenant {
                return Some(tenant.clone());
            }
        } else if is("Filename") {
            return Some(stem);
        } else if is("PolicyFilename") {
            let without = if stem.len() >= 7 && stem[..7].eq_ignore_ascii_case("B2C_1A_") {
                stem[7..].to_owned()
            } else {
                stem
            };
            return Some(without);
        } else if is("Environment") {
            return Some(self.name.clone());
        }
        self.policy_settings
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
    }

    /// Every name this environment gives a value to (built-ins first).
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = ["Environment", "Filename", "PolicyFilename"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        if self.tenant.is_some() {
            names.push("Tenant".to_owned());
        }
        names.extend(self.policy_settings.keys().cloned());
        names
    }
}

/// One `{Settings:Name}` in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// From `{` to `}` included.
    pub range: TextRange,
    pub name: String,
}

/// Every `{Settings:Name}` of `text`, in order. The prefix is matched ignoring case, as the
/// official build does; a name is letters, digits, `_`, `-` and `.`.
pub fn placeholders(text: &str) -> Vec<Placeholder> {
    const PREFIX: &str = "{settings:";
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = memchr_brace(&bytes[from..]).map(|i| i + from) {
        from = at + 1;
        let Some(head) = text.get(at..at + PREFIX.len()) else {
            break;
        };
        if !head.eq_ignore_ascii_case(PREFIX) {
            continue;
        }
        let name_start = at + PREFIX.len();
        let name_len = text[name_start..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
            .count();
        let end = name_start + name_len;
        if name_len == 0 || bytes.get(end) != Some(&b'}') {
            continue;
        }
        out.push(Placeholder {
            range: TextRange::new(TextSize::from(at as u32), TextSize::from((end + 1) as u32)),
            name: text[name_start..end].to_owned(),
        });
        from = end + 1;
    }
    out
}

fn memchr_brace(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == b'{')
}

/// Where a placeholder sits decides how its value is escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Inside an attribute value delimited by this quote.
    Attribute(char),
    /// Character data.
    Text,
    /// A CDATA section: nothing is escaped there, but `]]>` cannot appear.
    Cdata,
    /// Anywhere else (comments, names): the value goes in as it is.
    Verbatim,
}

fn place_of(root: &syntax::SyntaxNode, offset: TextSize) -> Place {
    let Some(token) = root.token_at_offset(offset).right_biased() else {
        return Place::Verbatim;
    };
    match token.kind() {
        SyntaxKind::ATTR_VALUE_TEXT => {
            let quote = token
                .prev_token()
                .filter(|t| t.kind() == SyntaxKind::QUOTE)
                .and_then(|t| t.text().chars().next())
                .unwrap_or('"');
            Place::Attribute(quote)
        }
        SyntaxKind::TEXT | SyntaxKind::WHITESPACE => Place::Text,
        SyntaxKind::CDATA_TEXT => Place::Cdata,
        _ => Place::Verbatim,
    }
}

fn escape(value: &str, place: Place) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match (c, place) {
            ('&', Place::Attribute(_) | Place::Text) => out.push_str("&amp;"),
            ('<', Place::Attribute(_) | Place::Text) => out.push_str("&lt;"),
            ('>', Place::Text) => out.push_str("&gt;"),
            ('"', Place::Attribute('"')) => out.push_str("&quot;"),
            ('\'', Place::Attribute('\'')) => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    if place == Place::Cdata {
        out = out.replace("]]>", "]]]]><![CDATA[>");
    }
    out
}

/// A text with the placeholders of one environment replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substituted {
    pub text: String,
    /// Placeholders the environment has no value for (they are left in `text`).
    pub missing: Vec<Placeholder>,
    /// (range in the source, length of what replaced it), in order: maps positions back.
    pub edits: Vec<(TextRange, TextSize)>,
}

impl Substituted {
    /// The source offset of an offset of the substituted text: positions inside a replaced
    /// value map to the start of its placeholder.
    pub fn source_offset(&self, offset: TextSize) -> TextSize {
        let mut shift: i64 = 0;
        for (source, replaced_len) in &self.edits {
            let new_start = i64::from(u32::from(source.start())) + shift;
            let new_end = new_start + i64::from(u32::from(*replaced_len));
            let at = i64::from(u32::from(offset));
            if at < new_start {
                break;
            }
            if at < new_end {
                return source.start();
            }
            shift += i64::from(u32::from(*replaced_len)) - i64::from(u32::from(source.len()));
        }
        TextSize::from((i64::from(u32::from(offset)) - shift).max(0) as u32)
    }
}

/// Replaces the placeholders of `text` (the policy file named `file_name`) with the values of
/// `environment`.
pub fn substitute(text: &str, environment: &Environment, file_name: &str) -> Substituted {
    let found = placeholders(text);
    if found.is_empty() {
        return Substituted {
            text: text.to_owned(),
            missing: Vec::new(),
            edits: Vec::new(),
        };
    }
    let root = syntax::parse(text).syntax();
    let mut out = String::with_capacity(text.len());
    let mut missing = Vec::new();
    let mut edits = Vec::new();
    let mut last = 0usize;
    for placeholder in found {
        let start = usize::from(placeholder.range.start());
        let end = usize::from(placeholder.range.end());
        out.push_str(&text[last..start]);
        last = end;
        match environment.value(&placeholder.name, file_name) {
            Some(value) => {
                let value = escape(&value, place_of(&root, placeholder.range.start()));
                edits.push((placeholder.range, TextSize::from(value.len() as u32)));
                out.push_str(&value);
            }
            None => {
                out.push_str(&text[start..end]);
                missing.push(placeholder);
            }
        }
    }
    out.push_str(&text[last..]);
    Substituted {
        text: out,
        missing,
        edits,
    }
}

/// Renumbers the steps of every UserJourney and SubJourney 1..N in document order, as the
/// official build's renumbering does. Only the Order values change.
pub fn renumber_steps(text: &str) -> String {
    let parse = syntax::parse(text);
    let mut replacements: Vec<(TextRange, String)> = Vec::new();
    let Some(root) = syntax::view::ElementRef::root(&parse) else {
        return text.to_owned();
    };
    let mut stack = vec![root];
    while let Some(element) = stack.pop() {
        if element.is("OrchestrationSteps") {
            for (i, step) in element.children_named("OrchestrationStep").enumerate() {
                if let Some((_, range)) = step.attribute_value_with_range("Order") {
                    replacements.push((range, (i + 1).to_string()));
                }
            }
            continue;
        }
        stack.extend(element.child_elements());
    }
    replacements.sort_by_key(|(range, _)| range.start());
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    for (range, value) in replacements {
        out.push_str(&text[last..usize::from(range.start())]);
        out.push_str(&value);
        last = usize::from(range.end());
    }
    out.push_str(&text[last..]);
    out
}

/// How a file's bytes are encoded, so the output is written the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8 { bom: bool },
    Utf16Le,
    Utf16Be,
}

/// Decodes a policy file's bytes, remembering the encoding.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(|t| (t.to_owned(), Encoding::Utf8 { bom: true }))
            .map_err(|e| format!("not valid UTF-8: {e}"));
    }
    let utf16 = |rest: &[u8], little: bool| -> Result<String, String> {
        if !rest.len().is_multiple_of(2) {
            return Err("UTF-16 with an odd number of bytes".to_owned());
        }
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|p| {
                if little {
                    u16::from_le_bytes([p[0], p[1]])
                } else {
                    u16::from_be_bytes([p[0], p[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|e| format!("not valid UTF-16: {e}"))
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true).map(|t| (t, Encoding::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false).map(|t| (t, Encoding::Utf16Be));
    }
    std::str::from_utf8(bytes)
        .map(|t| (t.to_owned(), Encoding::Utf8 { bom: false }))
        .map_err(|e| format!("not valid UTF-8: {e}"))
}

/// Encodes a text as `encoding`, byte-order mark included where the source had one.
pub fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 { bom } => {
            let mut out = Vec::with_capacity(text.len() + 3);
            if bom {
                out.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
            }
            out.extend_from_slice(text.as_bytes());
            out
        }
        Encoding::Utf16Le => std::iter::once([0xFF, 0xFE])
            .chain(text.encode_utf16().map(u16::to_le_bytes))
            .flatten()
            .collect(),
        Encoding::Utf16Be => std::iter::once([0xFE, 0xFF])
            .chain(text.encode_utf16().map(u16::to_be_bytes))
            .flatten()
            .collect(),
    }
}

/// The finding on an `appsettings.json` text that does not read as the build's format (at
/// the line and column serde names, when it names one), or None when it reads.
pub fn appsettings_diagnostic(text: &str) -> Option<crate::diagnostic::Diagnostic> {
    let error = match serde_json::from_str::<AppSettings>(text.trim_start_matches('\u{feff}')) {
        Ok(settings) => {
            let unnamed = settings
                .environments
                .iter()
                .position(|e| e.name.trim().is_empty())?;
            return Some(crate::diagnostic::Diagnostic::new(
                TextRange::default(),
                crate::diagnostic::DiagnosticCode::AppsettingsInvalid,
                format!("{APPSETTINGS}: environment {} has no Name", unnamed + 1),
            ));
        }
        Err(error) => error,
    };
    // serde_json counts lines from 1 and columns from 1.
    let offset = text
        .split_inclusive('\n')
        .take(error.line().saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + error.column().saturating_sub(1);
    let offset = TextSize::from(offset.min(text.len()) as u32);
    Some(crate::diagnostic::Diagnostic::new(
        TextRange::empty(offset),
        crate::diagnostic::DiagnosticCode::AppsettingsInvalid,
        format!("{APPSETTINGS} is not valid: {error}"),
    ))
}

/// Where `"<key>":` is written in an `appsettings.json` text (the key matched ignoring case, as
/// placeholders are): one range per environment that sets it, for go to definition.
pub fn key_ranges(json: &str, key: &str) -> Vec<TextRange> {
    keys(json)
        .into_iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case(key))
        .map(|(_, range)| range)
        .collect()
}

/// Every object key of a JSON text (a string followed by `:`) with the range of its name
/// inside the quotes, in one pass; escapes are kept as written.
pub fn keys(json: &str) -> Vec<(&str, TextRange)> {
    let bytes = json.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = bytes[at..].iter().position(|b| *b == b'"').map(|i| i + at) {
        let mut end = open + 1;
        while end < bytes.len() && bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        if end >= bytes.len() {
            break;
        }
        at = end + 1;
        let is_key = json[at..].trim_start().starts_with(':');
        if is_key {
            out.push((
                &json[open + 1..end],
                TextRange::new(TextSize::from(open as u32 + 1), TextSize::from(end as u32)),
            ));
        }
    }
    out
}

/// The `appsettings.json` that governs the policy file at `path`, with its text.
pub fn appsettings_of(path: &Path) -> Option<(PathBuf, String)> {
    let settings = path.parent().and_then(find_appsettings)?;
    let json = std::fs::read_to_string(&settings).ok()?;
    Some((settings, json))
}

/// The `appsettings.json` that governs a policy folder: in the folder itself or in one of the
/// three above it (as the editor features look for it).
pub fn find_appsettings(folder: &Path) -> Option<PathBuf> {
    folder
        .ancestors()
        .take(4)
        .map(|dir| dir.join(APPSETTINGS))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn environment() -> Environment {
        AppSettings::parse(
            r#"{"Environments": [{"Name": "Dev", "Tenant": "dev.onmicrosoft.com",
                "PolicySettings": {"AppId": "1234", "Port": 8080}}]}"#,
        )
        .expect("valid")
        .environments
        .remove(0)
    }

    #[test]
    fn placeholders_are_found_ignoring_case_and_only_when_whole() {
        let text = "{Settings:A} {SETTINGS:b.c} {Settings:} {Settings:x y} {Settings:D";
        let names: Vec<String> = placeholders(text).into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["A", "b.c"]);
    }

    #[test]
    fn values_built_in_and_from_settings() {
        let e = environment();
        assert_eq!(
            e.value("tenant", "x.xml").as_deref(),
            Some("dev.onmicrosoft.com")
        );
        assert_eq!(
            e.value("PolicyFilename", "B2C_1A_signup.xml").as_deref(),
            Some("signup")
        );
        assert_eq!(
            e.value("Filename", "B2C_1A_signup.xml").as_deref(),
            Some("B2C_1A_signup")
        );
        assert_eq!(e.value("environment", "x.xml").as_deref(), Some("Dev"));
        assert_eq!(e.value("appid", "x.xml").as_deref(), Some("1234"));
        assert_eq!(e.value("Port", "x.xml").as_deref(), Some("8080"));
        assert_eq!(e.value("Missing", "x.xml"), None);
    }

    #[test]
    fn positions_map_back_to_the_source() {
        let text = "<a b=\"{Settings:AppId}\">{Settings:Tenant}</a>";
        let s = substitute(text, &environment(), "x.xml");
        assert_eq!(s.text, "<a b=\"1234\">dev.onmicrosoft.com</a>");
        // `>` after the value, the start of the second value, and the closing tag.
        assert_eq!(s.source_offset(TextSize::from(10)), TextSize::from(22));
        assert_eq!(s.source_offset(TextSize::from(12)), TextSize::from(24));
        assert_eq!(s.source_offset(TextSize::from(20)), TextSize::from(24));
        let close = s.text.find("</a>").expect("end tag") as u32;
        assert_eq!(
            s.source_offset(TextSize::from(close)),
            TextSize::from(text.find("</a>").expect("end tag") as u32)
        );
    }

    #[test]
    fn utf16_round_trips_with_its_byte_order_mark() {
        for encoding in [
            Encoding::Utf16Le,
            Encoding::Utf16Be,
            Encoding::Utf8 { bom: true },
        ] {
            let bytes = encode("<a>é</a>\r\n", encoding);
            assert_eq!(
                decode(&bytes).expect("decodes"),
                ("<a>é</a>\r\n".to_owned(), encoding)
            );
        }
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;

    #[test]
    fn keys_are_found_in_one_pass_and_values_are_not_keys() {
        let json = r#"{ "Environments": [ { "Name": "Test", "Tenant": "a\"b", "PolicySettings": { "Tenant2": ":" } } ] }"#;
        let names: Vec<&str> = keys(json).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            names,
            [
                "Environments",
                "Name",
                "Tenant",
                "PolicySettings",
                "Tenant2"
            ]
        );
        let [range] = key_ranges(json, "tenant")[..] else {
            panic!("one range")
        };
        assert_eq!(&json[std::ops::Range::<usize>::from(range)], "Tenant");
    }
}

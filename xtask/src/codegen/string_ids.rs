//! `server/src/catalog/string_ids.rs` from the hand-written data file
//! `server/src/catalog/string_ids.toml`: the localized-string ids of ElementType UxElement and
//! ErrorMessage, each with the page or article that lists it.

use std::collections::HashSet;
use std::fmt::Write as _;

use serde::Deserialize;

use super::{bail, parse_data, reformat, string, Result, GENERATED_MARK};

pub(crate) const OUTPUT: &str = "server/src/catalog/string_ids.rs";
pub(crate) const DATA: &str = "server/src/catalog/string_ids.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    string_ids: Vec<StringId>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StringId {
    id: String,
    /// The page or article that lists the id (or, for an id no article lists, the working
    /// policy that uses it).
    listed_in: String,
}

/// Render the Rust module from the text of the data file.
pub(crate) fn render(text: &str) -> Result<String> {
    let data: Data = parse_data(text, DATA)?;
    let mut seen = HashSet::new();
    let mut out = String::new();
    let _ = write!(
        out,
        "{GENERATED_MARK}\n\
         //! The StringIds that pages and technical profiles have for localized strings of \
         ElementType\n\
         //! UxElement and ErrorMessage, each with the page or article that lists it. Generated \
         by\n\
         //! `cargo xtask codegen` from the hand-written `string_ids.toml`, which says where the \
         ids come\n\
         //! from (edit that file, then run the command).\n\n\
         /// (StringId, where it is listed).\n\
         pub const STRING_IDS: &[(&str, &str)] = &[\n"
    );
    for entry in &data.string_ids {
        if !seen.insert(entry.id.to_ascii_lowercase()) {
            bail!("{DATA}: StringId {} is listed twice", entry.id);
        }
        if entry.listed_in.trim().is_empty() {
            bail!(
                "{DATA}: StringId {} does not say where it is listed",
                entry.id
            );
        }
        let _ = writeln!(
            out,
            "    ({}, {}),",
            string(&entry.id),
            string(&entry.listed_in)
        );
    }
    out.push_str("];\n");
    reformat(&out)
}

//! `server/src/catalog/elements.rs` from the published schema and the overlay
//! `server/src/catalog/element_docs.toml`.
//!
//! The algorithm:
//! 1. Start at the global `TrustFrameworkPolicy` element and walk the element declarations depth
//!    first, in document order. Every declaration gets one spec, keyed by its local name and its
//!    named type (`DisplayName` of `xs:string` is one spec wherever it is declared) or, for an
//!    inline type, by the declaration itself. Specs are numbered in the order they are first met.
//! 2. A spec's children are its `sequence`/`choice` groups flattened, with `minOccurs` and
//!    `maxOccurs` multiplied through the groups. Members of a choice become optional and make the
//!    spec unordered, as does a repeated group; `xs:any` makes the content open.
//! 3. Attributes are copied in document order, required where `use="required"`; a simple type
//!    with `enumeration`s makes the value an `Enum` of them, else the built-in base type decides
//!    (`boolean`, `int`/`integer`, `anyURI`, anything else a string). Element text (a simple
//!    type, simple content or no type at all) is typed the same way.
//! 4. The overlay adds what the schema cannot say: docs, and value types such as references to
//!    other policy elements. The schema's own annotation text is deliberately not copied.
//! 5. Where the schema gives one (parent, name) pair different specs in different places, one
//!    lenient merged spec is added: the union of the variants' attributes (required only where
//!    every variant requires it) and children, unordered. Lookups by (parent, name) return it.
//!
//! Constructs the schema does not use (groups, references, complex content, ...) are refused
//! rather than guessed at.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node};
use serde::Deserialize;

use super::{
    bail, optional_string, reformat, string, strings, Error, Result, Value, GENERATED_MARK,
};

const XS: &str = "http://www.w3.org/2001/XMLSchema";
const ROOT_ELEMENT: &str = "TrustFrameworkPolicy";
const OUTPUT: &str = "server/src/catalog/elements.rs";
const OVERLAY: &str = "server/src/catalog/element_docs.toml";

/// Render `server/src/catalog/elements.rs`; returns its path and contents.
pub(crate) fn generate(root: &Path, schema: &Path) -> Result<(PathBuf, String)> {
    let xsd = std::fs::read_to_string(schema)
        .map_err(|e| Error(format!("cannot read {}: {e}", schema.display())))?;
    let overlay_path = root.join(OVERLAY);
    let overlay = std::fs::read_to_string(&overlay_path)
        .map_err(|e| Error(format!("cannot read {}: {e}", overlay_path.display())))?;
    let overlay: Overlay =
        toml::from_str(&overlay).map_err(|e| Error(format!("{OVERLAY}: {e}")))?;
    let document = Document::parse(&xsd).map_err(|e| Error(format!("schema: {e}")))?;
    let mut model = Model::read(&document)?;
    apply_overlay(&mut model, &overlay)?;
    model.merge_variants();
    let text = reformat(&render(&model))?;
    Ok((root.join(OUTPUT), text))
}

// ---------------------------------------------------------------------------------------------
// The model

#[derive(Debug, Clone)]
struct Attribute {
    name: String,
    required: bool,
    value: Value,
    allowed: Vec<String>,
    doc: String,
}

#[derive(Debug, Clone)]
struct Child {
    name: String,
    min: u32,
    max: Option<u32>,
    spec: usize,
}

#[derive(Debug, Clone)]
struct Spec {
    name: String,
    doc: String,
    attributes: Vec<Attribute>,
    children: Vec<Child>,
    text: bool,
    text_value: Value,
    text_allowed: Vec<String>,
    ordered: bool,
    open_content: bool,
    merged: bool,
}

impl Spec {
    fn new(name: &str) -> Spec {
        Spec {
            name: name.to_owned(),
            doc: String::new(),
            attributes: Vec::new(),
            children: Vec::new(),
            text: false,
            text_value: Value::Any,
            text_allowed: Vec::new(),
            ordered: true,
            open_content: false,
            merged: false,
        }
    }
}

/// What a spec is keyed by: its local name and named type, or the inline declaration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum SpecKey {
    Named(String, String),
    Inline(roxmltree::NodeId),
}

struct Model {
    specs: Vec<Spec>,
    /// (parent local name, child local name) -> the distinct specs met there, in the order the
    /// pairs were first met.
    pairs: Vec<((String, String), Vec<usize>)>,
    /// (parent, name) -> spec, after merging.
    by_parent: Vec<(Option<String>, String, usize)>,
}

struct Reader<'a, 'input> {
    complex_types: HashMap<&'a str, Node<'a, 'input>>,
    simple_types: HashMap<&'a str, Node<'a, 'input>>,
    specs: Vec<Spec>,
    keys: HashMap<SpecKey, usize>,
    pairs: Vec<((String, String), Vec<usize>)>,
}

fn xs_children<'a, 'input>(node: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children()
        .filter(|n| n.is_element() && n.tag_name().namespace() == Some(XS))
        .filter(|n| n.tag_name().name() != "annotation")
}

fn is(node: Node, name: &str) -> bool {
    node.tag_name().name() == name
}

fn refuse<T>(document: &Document, node: Node, what: &str) -> Result<T> {
    let pos = document.text_pos_at(node.range().start);
    bail!(
        "schema line {}: {what} <xs:{}> is not supported by the generator",
        pos.row,
        node.tag_name().name()
    )
}

/// A type name without its prefix when it is the schema's own (`tfp:` or none); built-in types
/// keep `xs:`.
fn own_type(name: &str) -> Option<&str> {
    match name.split_once(':') {
        Some(("xs", _)) => None,
        Some((_, local)) => Some(local),
        None => Some(name),
    }
}

fn occurs(node: Node, attribute: &str) -> Result<Option<u32>> {
    match node.attribute(attribute) {
        None => Ok(Some(1)),
        Some("unbounded") => Ok(None),
        Some(n) => n
            .parse()
            .map(Some)
            .map_err(|_| Error(format!("bad {attribute} {n:?}"))),
    }
}

fn mul(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    Some(a? * b?)
}

fn builtin(name: &str) -> Value {
    match name {
        "xs:boolean" => Value::Boolean,
        "xs:int" | "xs:integer" => Value::Integer,
        "xs:anyURI" => Value::Url,
        _ => Value::String,
    }
}

impl Model {
    fn read(document: &Document) -> Result<Model> {
        let schema = document.root_element();
        let mut reader = Reader {
            complex_types: HashMap::new(),
            simple_types: HashMap::new(),
            specs: Vec::new(),
            keys: HashMap::new(),
            pairs: Vec::new(),
        };
        let mut root = None;
        for node in xs_children(schema) {
            let name = node.attribute("name");
            match (node.tag_name().name(), name) {
                ("complexType", Some(name)) => {
                    reader.complex_types.insert(name, node);
                }
                ("simpleType", Some(name)) => {
                    reader.simple_types.insert(name, node);
                }
                ("element", Some(ROOT_ELEMENT)) => root = Some(node),
                ("element", _) => {}
                _ => return refuse(document, node, "top-level"),
            }
        }
        let Some(root) = root else {
            bail!("schema: no global {ROOT_ELEMENT} element")
        };
        reader.element(document, root)?;
        Ok(Model {
            specs: reader.specs,
            pairs: reader.pairs,
            by_parent: Vec::new(),
        })
    }
}

impl<'a, 'input> Reader<'a, 'input> {
    /// The spec of an element declaration, read on first use.
    fn element(&mut self, document: &Document, decl: Node<'a, 'input>) -> Result<usize> {
        if decl.attribute("ref").is_some() {
            return refuse(document, decl, "element reference");
        }
        let Some(name) = decl.attribute("name") else {
            return refuse(document, decl, "unnamed");
        };
        let key = match decl.attribute("type") {
            Some(ty) => SpecKey::Named(name.to_owned(), ty.to_owned()),
            None => SpecKey::Inline(decl.id()),
        };
        if let Some(&index) = self.keys.get(&key) {
            return Ok(index);
        }
        let index = self.specs.len();
        self.specs.push(Spec::new(name));
        self.keys.insert(key, index);
        let mut spec = Spec::new(name);
        let inline: Vec<Node> = xs_children(decl)
            .filter(|n| !matches!(n.tag_name().name(), "key" | "keyref" | "unique"))
            .collect();
        match (decl.attribute("type"), inline.as_slice()) {
            (Some(ty), []) => match own_type(ty) {
                None => self.simple_text(&mut spec, builtin(ty), Vec::new()),
                Some(local) => {
                    if let Some(&complex) = self.complex_types.get(local) {
                        self.complex(document, &mut spec, complex)?;
                    } else if let Some(&simple) = self.simple_types.get(local) {
                        let (value, allowed) = self.simple_type(document, simple)?;
                        self.simple_text(&mut spec, value, allowed);
                    } else {
                        bail!("schema: element {name} has unknown type {ty}");
                    }
                }
            },
            (None, [ty]) if is(*ty, "complexType") => self.complex(document, &mut spec, *ty)?,
            (None, [ty]) if is(*ty, "simpleType") => {
                let (value, allowed) = self.simple_type(document, *ty)?;
                self.simple_text(&mut spec, value, allowed);
            }
            // No type at all: xs:anyType, read as text.
            (None, []) => self.simple_text(&mut spec, Value::String, Vec::new()),
            (_, [other, ..]) => return refuse(document, *other, "element content"),
        }
        self.specs[index] = spec;
        Ok(index)
    }

    fn simple_text(&self, spec: &mut Spec, value: Value, allowed: Vec<String>) {
        spec.text = true;
        spec.text_value = value;
        spec.text_allowed = allowed;
    }

    /// Value type and enumerations of a simple type (named or inline).
    fn simple_type(
        &self,
        document: &Document,
        node: Node<'a, 'input>,
    ) -> Result<(Value, Vec<String>)> {
        let mut parts = xs_children(node);
        let Some(restriction) = parts.next().filter(|n| is(*n, "restriction")) else {
            return refuse(document, node, "simple type other than a restriction:");
        };
        let allowed: Vec<String> = xs_children(restriction)
            .filter(|n| is(*n, "enumeration"))
            .filter_map(|n| n.attribute("value").map(str::to_owned))
            .collect();
        if !allowed.is_empty() {
            return Ok((Value::Enum, allowed));
        }
        let base = restriction.attribute("base").unwrap_or("xs:string");
        self.named_simple(document, base)
    }

    /// Value type of a named simple type (built-in or the schema's own).
    fn named_simple(&self, document: &Document, name: &str) -> Result<(Value, Vec<String>)> {
        match own_type(name) {
            None => Ok((builtin(name), Vec::new())),
            Some(local) => match self.simple_types.get(local) {
                Some(&simple) => self.simple_type(document, simple),
                None => bail!("schema: unknown simple type {name}"),
            },
        }
    }

    fn attribute(&self, document: &Document, node: Node<'a, 'input>) -> Result<Attribute> {
        let Some(name) = node.attribute("name") else {
            return refuse(document, node, "unnamed or referenced attribute");
        };
        let (value, allowed) = match (node.attribute("type"), xs_children(node).next()) {
            (Some(ty), None) => self.named_simple(document, ty)?,
            (None, Some(simple)) if is(simple, "simpleType") => {
                self.simple_type(document, simple)?
            }
            (None, None) => (Value::String, Vec::new()),
            (_, Some(other)) => return refuse(document, other, "attribute content"),
        };
        Ok(Attribute {
            name: name.to_owned(),
            required: node.attribute("use") == Some("required"),
            value,
            allowed,
            doc: String::new(),
        })
    }

    /// Fill `spec` from a complex type: attributes, children, simple content.
    fn complex(
        &mut self,
        document: &Document,
        spec: &mut Spec,
        node: Node<'a, 'input>,
    ) -> Result<()> {
        let mut particles = Vec::new();
        for part in xs_children(node) {
            match part.tag_name().name() {
                "attribute" => spec.attributes.push(self.attribute(document, part)?),
                "sequence" | "choice" => particles.push(part),
                "simpleContent" => {
                    let Some(extension) = xs_children(part).next().filter(|n| is(*n, "extension"))
                    else {
                        return refuse(document, part, "simple content other than an extension:");
                    };
                    let base = extension.attribute("base").unwrap_or("xs:string");
                    let (value, allowed) = self.named_simple(document, base)?;
                    self.simple_text(spec, value, allowed);
                    for attribute in xs_children(extension) {
                        if !is(attribute, "attribute") {
                            return refuse(document, attribute, "extension content");
                        }
                        spec.attributes.push(self.attribute(document, attribute)?);
                    }
                }
                _ => return refuse(document, part, "complex type content"),
            }
        }
        let mut flat = Vec::new();
        for group in particles {
            self.flatten(document, spec, group, 1, Some(1), &mut flat)?;
        }
        for (decl, min, max) in flat {
            let child = self.element(document, decl)?;
            let name = self.specs[child].name.clone();
            if spec.children.iter().any(|c| c.name == name) {
                bail!("schema: {} declares child {name} twice", spec.name);
            }
            spec.children.push(Child {
                name: name.clone(),
                min,
                max,
                spec: child,
            });
            let pair = (spec.name.clone(), name);
            match self.pairs.iter_mut().find(|(p, _)| *p == pair) {
                Some((_, specs)) if !specs.contains(&child) => specs.push(child),
                Some(_) => {}
                None => self.pairs.push((pair, vec![child])),
            }
        }
        Ok(())
    }

    /// Flatten a `sequence`/`choice` into element declarations with their effective bounds.
    fn flatten(
        &self,
        document: &Document,
        spec: &mut Spec,
        group: Node<'a, 'input>,
        outer_min: u32,
        outer_max: Option<u32>,
        out: &mut Vec<(Node<'a, 'input>, u32, Option<u32>)>,
    ) -> Result<()> {
        let choice = is(group, "choice");
        let group_min = occurs(group, "minOccurs")?.unwrap_or(1);
        let group_max = occurs(group, "maxOccurs")?;
        if choice || group_max != Some(1) {
            spec.ordered = false;
        }
        let min = if choice { 0 } else { outer_min * group_min };
        let max = mul(outer_max, group_max);
        for particle in xs_children(group) {
            match particle.tag_name().name() {
                "element" => {
                    let own_min = occurs(particle, "minOccurs")?.unwrap_or(1);
                    let own_max = occurs(particle, "maxOccurs")?;
                    out.push((particle, min * own_min, mul(max, own_max)));
                }
                "sequence" | "choice" => self.flatten(document, spec, particle, min, max, out)?,
                "any" => spec.open_content = true,
                _ => return refuse(document, particle, "group content"),
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The overlay

/// `element_docs.toml`: entries keyed by a path suffix of local names (`InputClaim`,
/// `TechnicalProfile/InputClaims`). An entry applies to every spec reached by a path that ends
/// with its key; where several apply, the longest key wins, field by field.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
struct Overlay(BTreeMap<String, Entry>);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// Where the facts come from.
    source: String,
    /// Why a fact is what it is; for the reader only.
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
    #[serde(default)]
    doc: Option<String>,
    #[serde(default)]
    text_value: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, AttributeEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AttributeEntry {
    #[serde(default)]
    doc: Option<String>,
    #[serde(default)]
    value: Option<String>,
}

/// Every path of local names from the root to each spec.
fn paths(specs: &[Spec]) -> Result<Vec<Vec<Vec<String>>>> {
    fn walk(
        specs: &[Spec],
        index: usize,
        path: &mut Vec<String>,
        out: &mut Vec<Vec<Vec<String>>>,
    ) -> Result<()> {
        if path.len() > 64 {
            bail!(
                "schema: recursion through {} is not supported",
                path.join("/")
            );
        }
        out[index].push(path.clone());
        for child in &specs[index].children {
            path.push(child.name.clone());
            walk(specs, child.spec, path, out)?;
            path.pop();
        }
        Ok(())
    }
    let mut out = vec![Vec::new(); specs.len()];
    walk(specs, 0, &mut vec![specs[0].name.clone()], &mut out)?;
    Ok(out)
}

fn apply_overlay(model: &mut Model, overlay: &Overlay) -> Result<()> {
    let paths = paths(&model.specs)?;
    // For each spec, the matching entries, longest key first.
    let mut matching: Vec<Vec<(usize, &str, &Entry)>> = vec![Vec::new(); model.specs.len()];
    for (key, entry) in &overlay.0 {
        if entry.source.trim().is_empty() {
            bail!("{OVERLAY}: [{key}] has no source");
        }
        let suffix: Vec<&str> = key.split('/').collect();
        let mut used = false;
        for (index, spec_paths) in paths.iter().enumerate() {
            let hit = spec_paths
                .iter()
                .any(|p| p.len() >= suffix.len() && p[p.len() - suffix.len()..] == suffix[..]);
            if hit {
                matching[index].push((suffix.len(), key, entry));
                used = true;
            }
        }
        if !used {
            bail!("{OVERLAY}: [{key}] matches no element of the schema");
        }
        for name in entry.attributes.keys() {
            let known = matching
                .iter()
                .enumerate()
                .filter(|(_, m)| m.iter().any(|(_, k, _)| k == key))
                .any(|(i, _)| model.specs[i].attributes.iter().any(|a| &a.name == name));
            if !known {
                bail!("{OVERLAY}: [{key}] names attribute {name}, which no matching element has");
            }
        }
    }
    for (index, entries) in matching.iter_mut().enumerate() {
        entries.sort_by_key(|e| std::cmp::Reverse(e.0));
        let spec = &mut model.specs[index];
        let spec_name = spec.name.clone();
        let pick = |field: &dyn Fn(&Entry) -> Option<&String>| -> Result<Option<String>> {
            let mut found: Option<(usize, &str, &String)> = None;
            for (len, key, entry) in entries.iter() {
                let Some(value) = field(entry) else { continue };
                match found {
                    None => found = Some((*len, key, value)),
                    Some((l, other, v)) if l == *len && v != value => bail!(
                        "{OVERLAY}: [{key}] and [{other}] both apply to {spec_name} with different values"
                    ),
                    Some(_) => {}
                }
            }
            Ok(found.map(|(_, _, v)| v.clone()))
        };
        if let Some(doc) = pick(&|e| e.doc.as_ref())? {
            spec.doc = doc;
        }
        if let Some(value) = pick(&|e| e.text_value.as_ref())? {
            if !spec.text {
                bail!(
                    "{OVERLAY}: text_value given for {}, which has no text",
                    spec.name
                );
            }
            spec.text_value = Value::parse(&value, OVERLAY)?;
            if spec.text_value != Value::Enum {
                spec.text_allowed.clear();
            }
        }
        let names: Vec<String> = spec.attributes.iter().map(|a| a.name.clone()).collect();
        for name in names {
            let doc = pick(&|e| e.attributes.get(&name).and_then(|a| a.doc.as_ref()))?;
            let value = pick(&|e| e.attributes.get(&name).and_then(|a| a.value.as_ref()))?;
            let attribute = spec
                .attributes
                .iter_mut()
                .find(|a| a.name == name)
                .expect("listed above");
            if let Some(doc) = doc {
                attribute.doc = doc;
            }
            if let Some(value) = value {
                attribute.value = Value::parse(&value, OVERLAY)?;
                if attribute.value != Value::Enum {
                    attribute.allowed.clear();
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Merged specs

impl Model {
    fn merge_variants(&mut self) {
        let mut by_parent = vec![(None, ROOT_ELEMENT.to_owned(), 0)];
        for ((parent, name), variants) in &self.pairs {
            let index = match variants.as_slice() {
                [only] => *only,
                _ => {
                    let merged = merge(variants.iter().map(|&i| &self.specs[i]));
                    self.specs.push(merged);
                    self.specs.len() - 1
                }
            };
            by_parent.push((Some(parent.clone()), name.clone(), index));
        }
        by_parent.sort();
        self.by_parent = by_parent;
    }
}

/// One lenient spec accepting everything any variant accepts.
fn merge<'s>(variants: impl Iterator<Item = &'s Spec> + Clone) -> Spec {
    let count = variants.clone().count();
    let first = variants.clone().next().expect("two variants or more");
    let mut spec = Spec::new(&first.name);
    spec.doc = first.doc.clone();
    spec.ordered = false;
    spec.merged = true;
    for variant in variants.clone() {
        spec.text |= variant.text;
        spec.open_content |= variant.open_content;
        for attribute in &variant.attributes {
            if !spec.attributes.iter().any(|a| a.name == attribute.name) {
                let in_all = variants
                    .clone()
                    .filter_map(|v| v.attributes.iter().find(|a| a.name == attribute.name))
                    .filter(|a| a.required)
                    .count()
                    == count;
                spec.attributes.push(Attribute {
                    required: in_all,
                    ..attribute.clone()
                });
            }
        }
        for child in &variant.children {
            match spec.children.iter_mut().find(|c| c.name == child.name) {
                Some(known) => {
                    known.min = known.min.min(child.min);
                    known.max = known.max.zip(child.max).map(|(a, b)| a.max(b));
                }
                None => spec.children.push(child.clone()),
            }
        }
    }
    for child in &mut spec.children {
        if variants
            .clone()
            .any(|v| !v.children.iter().any(|c| c.name == child.name))
        {
            child.min = 0;
        }
    }
    if spec.text {
        let agreed = variants
            .clone()
            .all(|v| v.text_value == first.text_value && v.text_allowed == first.text_allowed);
        if agreed {
            spec.text_value = first.text_value.clone();
            spec.text_allowed = first.text_allowed.clone();
        }
    }
    spec
}

// ---------------------------------------------------------------------------------------------
// Rendering

fn render(model: &Model) -> String {
    let mut out = String::new();
    let specs = &model.specs;
    let _ = write!(
        out,
        "{GENERATED_MARK}\n\
         //! Element specs of the policy language, generated by `cargo xtask codegen` from the \
         published\n\
         //! schema (`TrustFrameworkPolicy_0.3.0.0.xsd`, shipped with the official starter pack) \
         and the\n\
         //! hand-written overlay `element_docs.toml` (docs, and value types the schema cannot \
         state). The\n\
         //! algorithm is described in `xtask/src/codegen/elements.rs`. Checked against the \
         real-policy\n\
         //! corpus: every child element and attribute it uses is known here.\n\n\
         use super::{{AttributeSpec, ChildSpec, ElementSpec, SymbolKind, ValueType}};\n\n\
         /// Index of `TrustFrameworkPolicy` in [`ELEMENTS`].\n\
         pub(super) const ROOT: usize = 0;\n\n\
         pub(super) static ELEMENTS: [ElementSpec; {}] = [\n",
        specs.len()
    );
    // rustfmt leaves this array as it is (its long strings do not fit), so it is laid out here
    // as rustfmt would.
    for (index, spec) in specs.iter().enumerate() {
        let merged = if spec.merged { " (merged)" } else { "" };
        let _ = writeln!(out, "    // {index}{merged}\n    ElementSpec {{");
        let _ = writeln!(out, "        name: {},", string(&spec.name));
        let _ = writeln!(out, "        doc: {},", string(&spec.doc));
        if spec.attributes.is_empty() {
            out.push_str("        attributes: &[],\n");
        } else {
            out.push_str("        attributes: &[\n");
            for a in &spec.attributes {
                let _ = write!(
                    out,
                    "            AttributeSpec {{\n\
                     \x20               name: {},\n\
                     \x20               required: {},\n\
                     \x20               value: {},\n\
                     \x20               allowed: {},\n\
                     \x20               doc: {},\n\
                     \x20           }},\n",
                    string(&a.name),
                    a.required,
                    a.value.rust(),
                    strings(&a.allowed),
                    string(&a.doc)
                );
            }
            out.push_str("        ],\n");
        }
        if spec.children.is_empty() {
            out.push_str("        children: &[],\n");
        } else {
            out.push_str("        children: &[\n");
            for c in &spec.children {
                let max = match c.max {
                    Some(max) => format!("Some({max})"),
                    None => "None".to_owned(),
                };
                let _ = writeln!(
                    out,
                    "            ChildSpec {{ name: {}, min: {}, max: {max}, spec_index: {} }},",
                    string(&c.name),
                    c.min,
                    c.spec
                );
            }
            out.push_str("        ],\n");
        }
        let _ = write!(
            out,
            "        text: {},\n\
             \x20       text_value: {},\n\
             \x20       text_allowed: {},\n\
             \x20       ordered: {},\n\
             \x20       open_content: {},\n\
             \x20   }},\n",
            spec.text,
            spec.text_value.rust(),
            strings(&spec.text_allowed),
            spec.ordered,
            spec.open_content
        );
    }
    out.push_str(
        "];\n\n\
         /// (parent local name, element local name, index into [`ELEMENTS`]); merged specs where \
         the\n/// schema gives a pair several meanings.\n\
         static BY_PARENT: &[(Option<&str>, &str, usize)] = &[\n",
    );
    for (parent, name, index) in &model.by_parent {
        let parent = optional_string(parent.as_deref());
        let _ = writeln!(out, "({parent}, {}, {index}),", string(name));
    }
    out.push_str(
        "];\n\n\
         /// Local names with a single spec in the whole schema, for lookups without a parent.\n\
         static UNIQUE_NAMES: &[(&str, usize)] = &[\n",
    );
    let mut names: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, spec) in specs.iter().enumerate().filter(|(_, s)| !s.merged) {
        names.entry(&spec.name).or_default().push(index);
    }
    for (name, indices) in names {
        if let [index] = indices.as_slice() {
            let _ = writeln!(out, "({}, {index}),", string(name));
        }
    }
    out.push_str(
        "];\n\n\
         pub(super) fn lookup(parent: Option<&str>, name: &str) -> Option<usize> {\n\
             match parent {\n\
                 Some(parent) => BY_PARENT\n\
                     .iter()\n\
                     .find(|(p, n, _)| *p == Some(parent) && *n == name)\n\
                     .map(|(_, _, i)| *i),\n\
                 None if name == ELEMENTS[ROOT].name => Some(ROOT),\n\
                 None => UNIQUE_NAMES\n\
                     .iter()\n\
                     .find(|(n, _)| *n == name)\n\
                     .map(|(_, i)| *i),\n\
             }\n\
         }\n",
    );
    out
}

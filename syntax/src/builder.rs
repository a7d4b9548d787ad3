//! Builds green trees: a children stack like rowan's `GreenNodeBuilder`, with cheaper tokens
//! and whole tags shared between trees.
//!
//! rowan's builder hashes every token and every small node into its `NodeCache`, which grows
//! without bound and was most of the parse time. Here fixed punctuation is built once and
//! shared, short repeated tokens (names, indentation, short values) go through a small
//! fixed-size interning table, and everything else is allocated as it comes.
//!
//! Tags repeat even more than tokens do (`</InputClaim>`, `<Item Key="...">`), and a tag's
//! subtree is a function of its text alone. So the parser may build a tag as a *shared node*:
//! its tokens and inner nodes are only recorded, and when it finishes, a tag with the same
//! kind and text built before is reused whole, one reference-count increment instead of a
//! dozen tokens and a few nodes to build now and to free later.
//!
//! Whole elements go further: most elements are small leaves (`<Item Key="k">v</Item>`,
//! `<InputClaim ClaimTypeReferenceId="email" />`) repeated across a file, across files and
//! across re-parses of one file, and an error-free element is a function of its text too
//! (where nothing around it makes an error of it, see the parser). So the parser looks an
//! element up *before* parsing it, by the text up to its second `>`, and takes it whole when
//! the text from there on starts with exactly the text it was built from; failing that, it
//! takes its start tag whole the same way. Either saves lexing, recording and hashing it, and
//! the element one also saves building and freeing its ELEMENT node and text token.

use rowan::{GreenNode, GreenToken, NodeOrToken};

use crate::SyntaxKind::{self, *};

type GreenElement = NodeOrToken<GreenNode, GreenToken>;

/// Tokens longer than this are rarely repeated and costly to hash: they are never interned.
const MAX_INTERNED_LEN: usize = 32;

/// Shared nodes with more text than this are built afresh each time and not kept.
const MAX_SHARED_NODE_LEN: usize = 256;

/// Interning slots (a power of two), for tokens and for shared nodes each. The tables are
/// direct-mapped: a new entry evicts the one in its slot. That bounds the memory a
/// long-running server keeps in them, without any renewal, to the slots times a short token
/// or tag; a corpus of policies has a few thousand distinct short tokens and tags, so
/// evictions are rare.
const SLOTS: usize = 1 << 14;

/// Fixed-text kinds, built once: cloning a shared token costs a reference-count increment.
const PUNCTUATION: [(SyntaxKind, &str); 13] = [
    (BOM, "\u{FEFF}"),
    (L_ANGLE, "<"),
    (L_ANGLE_SLASH, "</"),
    (R_ANGLE, ">"),
    (SLASH_R_ANGLE, "/>"),
    (EQ, "="),
    (QUOTE, "\""),
    (COMMENT_START, "<!--"),
    (COMMENT_END, "-->"),
    (CDATA_START, "<![CDATA["),
    (CDATA_END, "]]>"),
    (PI_START, "<?"),
    (PI_END, "?>"),
];

/// Indentation (a line break and this many spaces at most) is looked up by its width.
const MAX_INDENTATION: usize = 64;

/// Element slots (a power of two), in sets of `WAYS` kept in order of use: elements that start
/// alike (`<InputClaims>` and the same first child) share a key and a set, and a few of them
/// can stay without evicting each other on every use. Like the other tables, its size is
/// fixed, and so is the memory it keeps: the slots times an element of `MAX_SHARED_NODE_LEN`
/// bytes at most. A corpus of policies has a few thousand distinct small elements; with fewer
/// slots, or one way, evictions showed in profiles.
const ELEMENT_SLOTS: usize = 1 << 14;
const WAYS: usize = 4;

/// A shared element, the text it was built from, and its height (1 for a leaf), which says
/// how deep it may be nested and still be built the same (see `MAX_NESTING`). Packed in 32
/// bytes, two to a cache line: a lookup reads a set for nearly every element.
struct SharedElement {
    /// The key's high half (its low bits chose the slot): filters out most other elements
    /// before their text is compared.
    check: u32,
    height: u32,
    text: Box<str>,
    node: GreenNode,
}

/// What `reuse_element` found.
pub(crate) enum Reuse {
    /// The whole element, which ends at `end` and is `height` high.
    Element { end: usize, height: usize },
    /// Its start tag, which ends at `end` and opens the element: an ELEMENT node is started.
    StartTag { end: usize, key: Option<ElementKey> },
    /// Neither: the element is to be parsed, and kept under `key` if it has one.
    Nothing { key: Option<ElementKey> },
}

/// Which elements an element may be the same as: the hash of its text up to its second `>`
/// (or its first, for `<X/>`). It only narrows the lookup down; the whole text is compared.
#[derive(Clone, Copy)]
pub(crate) struct ElementKey(u64);

/// A shared node and the text it was built from.
struct SharedNode {
    hash: u64,
    text: Box<str>,
    node: GreenNode,
}

/// Scratch buffers that keep more than this many elements are not kept for the next tree.
const MAX_KEPT_SCRATCH: usize = 1 << 16;

/// The tokens and shared nodes reused by the trees of one thread, and the builder's scratch
/// buffers (growing them anew for every tree showed in profiles).
pub(crate) struct GreenCache {
    /// The fixed token of each kind, indexed by kind.
    punctuation: Vec<Option<GreenToken>>,
    /// `'`, the one alternative spelling of a fixed kind (`QUOTE`).
    apostrophe: GreenToken,
    /// Whitespace between tags is nearly always a line break and an indentation; it is
    /// found here by its width, without hashing: `[0]` after `\n`, `[1]` after `\r\n`.
    indentation: [Vec<Option<GreenToken>>; 2],
    tokens: Vec<Option<GreenToken>>,
    nodes: Vec<Option<SharedNode>>,
    elements: Vec<Option<SharedElement>>,
    /// False only in tests that compare trees built with and without sharing nodes (and
    /// without the parser's shortcuts).
    share_nodes: bool,
    scratch: Scratch,
}

#[derive(Default)]
struct Scratch {
    parents: Vec<(SyntaxKind, usize)>,
    children: Vec<GreenElement>,
    events: Vec<Event>,
}

impl Default for GreenCache {
    fn default() -> Self {
        let mut punctuation = vec![None; ERROR as usize + 1];
        for (kind, text) in PUNCTUATION {
            punctuation[kind as usize] = Some(GreenToken::new(kind.into(), text));
        }
        GreenCache {
            punctuation,
            apostrophe: GreenToken::new(QUOTE.into(), "'"),
            indentation: [
                vec![None; MAX_INDENTATION + 1],
                vec![None; MAX_INDENTATION + 1],
            ],
            tokens: vec![None; SLOTS],
            nodes: std::iter::repeat_with(|| None).take(SLOTS).collect(),
            elements: std::iter::repeat_with(|| None)
                .take(ELEMENT_SLOTS)
                .collect(),
            share_nodes: true,
            scratch: Scratch::default(),
        }
    }
}

impl GreenCache {
    /// A cache that shares tokens but never tags or elements: what trees built with sharing
    /// must equal.
    #[cfg(test)]
    pub(crate) fn without_shared_nodes() -> Self {
        GreenCache {
            share_nodes: false,
            ..GreenCache::default()
        }
    }

    fn token(&mut self, kind: SyntaxKind, text: &str) -> GreenToken {
        if let Some(token) = &self.punctuation[kind as usize] {
            // Compared a byte at a time: these are a few bytes, and `==` would call `memcmp`.
            if token.text().len() == text.len() && token.text().bytes().eq(text.bytes()) {
                return token.clone();
            }
            if kind == QUOTE && text == "'" {
                return self.apostrophe.clone();
            }
        }
        if kind == WHITESPACE {
            let (line_break, spaces) = match text.as_bytes() {
                [b'\n', spaces @ ..] => (0, spaces),
                [b'\r', b'\n', spaces @ ..] => (1, spaces),
                _ => (0, &[b'\t'][..]),
            };
            if spaces.len() <= MAX_INDENTATION && spaces.iter().all(|&b| b == b' ') {
                return self.indentation[line_break][spaces.len()]
                    .get_or_insert_with(|| GreenToken::new(kind.into(), text))
                    .clone();
            }
        }
        if text.len() > MAX_INTERNED_LEN {
            return GreenToken::new(kind.into(), text);
        }
        let slot = &mut self.tokens[slot_index(hash(kind, text.as_bytes()))];
        match slot {
            Some(token) if token.kind() == kind.into() && token.text() == text => token.clone(),
            _ => slot.insert(GreenToken::new(kind.into(), text)).clone(),
        }
    }
}

/// FxHash (rustc's hash) over the kind and the bytes, eight at a time: a tag hashes in a few
/// instructions per word.
fn hash(kind: SyntaxKind, bytes: &[u8]) -> u64 {
    hash_words(add(0, kind as u64), bytes)
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

fn add(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(SEED)
}

/// Continues `hash` over `bytes`, a word at a time.
fn hash_words(mut hash: u64, bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = add(hash, u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // Byte by byte: copying a slice of variable length would call `memcpy`.
        let word = rest
            .iter()
            .rev()
            .fold(0u64, |word, &b| (word << 8) | u64::from(b));
        hash = add(hash, word ^ ((rest.len() as u64) << 59));
    }
    hash
}

/// The slot of a hash: its high bits are the well-mixed ones, the index takes the low bits.
fn slot_index(hash: u64) -> usize {
    ((hash >> 32) ^ hash) as usize & (SLOTS - 1)
}

fn check(hash: u64) -> u32 {
    (hash >> 32) as u32
}

/// The first of the `WAYS` slots an element may be kept in.
fn element_set(hash: u64) -> usize {
    ((hash >> 32) ^ hash) as usize & (ELEMENT_SLOTS - WAYS)
}

/// What happens inside a shared node, recorded to be replayed if it has to be built.
#[derive(Clone, Copy)]
enum Event {
    Token {
        kind: SyntaxKind,
        start: usize,
        end: usize,
    },
    Start(SyntaxKind),
    Finish,
}

/// The shared node being recorded: its kind, where its text starts, and its depth of open
/// inner nodes.
struct Recording {
    kind: SyntaxKind,
    start: usize,
    depth: usize,
}

/// Builds one tree over `text`: `start_node`, `token` and `finish_node` calls, balanced.
pub(crate) struct TreeBuilder<'t, 'c> {
    text: &'t str,
    cache: &'c mut GreenCache,
    /// The kind of each open node and where its children start in `children`.
    parents: Vec<(SyntaxKind, usize)>,
    children: Vec<GreenElement>,
    recording: Option<Recording>,
    events: Vec<Event>,
}

impl<'t, 'c> TreeBuilder<'t, 'c> {
    pub(crate) fn new(text: &'t str, cache: &'c mut GreenCache) -> Self {
        let Scratch {
            parents,
            children,
            events,
        } = std::mem::take(&mut cache.scratch);
        TreeBuilder {
            text,
            cache,
            parents,
            children,
            recording: None,
            events,
        }
    }

    /// Whether nodes are shared, and the parser takes its shortcuts: false only in tests, for
    /// trees to compare with.
    pub(crate) fn shares_nodes(&self) -> bool {
        self.cache.share_nodes
    }

    /// Adds the token `text[start..end]`.
    pub(crate) fn token(&mut self, kind: SyntaxKind, start: usize, end: usize) {
        if self.recording.is_some() {
            self.events.push(Event::Token { kind, start, end });
        } else {
            self.build_token(kind, start, end);
        }
    }

    /// Adds the WHITESPACE token `text[start..end]`, a line break (`\r\n` when `crlf`, else
    /// `\n`) and then spaces only: the lexer has checked, so it is found by its width alone.
    pub(crate) fn indentation(&mut self, start: usize, end: usize, crlf: bool) {
        debug_assert!(self.recording.is_none(), "indentation is between tags");
        let spaces = end - start - 1 - usize::from(crlf);
        let token = match self.cache.indentation[usize::from(crlf)].get_mut(spaces) {
            Some(slot) => slot
                .get_or_insert_with(|| GreenToken::new(WHITESPACE.into(), &self.text[start..end]))
                .clone(),
            None => self.cache.token(WHITESPACE, &self.text[start..end]),
        };
        self.children.push(NodeOrToken::Token(token));
    }

    pub(crate) fn start_node(&mut self, kind: SyntaxKind) {
        match &mut self.recording {
            Some(recording) => {
                recording.depth += 1;
                self.events.push(Event::Start(kind));
            }
            None => self.parents.push((kind, self.children.len())),
        }
    }

    pub(crate) fn finish_node(&mut self) {
        match &mut self.recording {
            Some(recording) => {
                recording.depth = recording
                    .depth
                    .checked_sub(1)
                    .expect("finish_shared_node ends a shared node");
                self.events.push(Event::Finish);
            }
            None => self.build_node(),
        }
    }

    /// Starts a node whose subtree is a function of its kind and text, built from `start` on;
    /// it may be reused from an earlier tree. Shared nodes do not nest.
    pub(crate) fn start_shared_node(&mut self, kind: SyntaxKind, start: usize) {
        assert!(self.recording.is_none(), "shared nodes do not nest");
        self.recording = Some(Recording {
            kind,
            start,
            depth: 0,
        });
    }

    /// Finishes the shared node at `end`. Only a `reusable` node is looked up and kept: the
    /// parser says so when nothing in it depended on more than its text (it found no error).
    pub(crate) fn finish_shared_node(&mut self, end: usize, reusable: bool) {
        let recording = self
            .recording
            .take()
            .expect("finish_shared_node matches start_shared_node");
        assert_eq!(
            recording.depth, 0,
            "inner nodes of a shared node are finished"
        );
        let text = &self.text[recording.start..end];
        if !reusable || !self.cache.share_nodes || text.len() > MAX_SHARED_NODE_LEN {
            self.replay(recording.kind);
            return;
        }
        let hash = hash(recording.kind, text.as_bytes());
        let slot = slot_index(hash);
        if let Some(shared) = &self.cache.nodes[slot] {
            if shared.hash == hash
                && shared.node.kind() == recording.kind.into()
                && &*shared.text == text
            {
                self.events.clear();
                self.children.push(NodeOrToken::Node(shared.node.clone()));
                return;
            }
        }
        self.replay(recording.kind);
        if let Some(NodeOrToken::Node(node)) = self.children.last() {
            self.cache.nodes[slot] = Some(SharedNode {
                hash,
                text: text.into(),
                node: node.clone(),
            });
        }
    }

    /// Adds the end tag `text[start..end]`, a `</`, the name up to `end - 1` and a `>`: shared
    /// like `finish_shared_node` does, without recording its tokens first.
    pub(crate) fn end_tag(&mut self, start: usize, end: usize) {
        if !self.cache.share_nodes || end - start > MAX_SHARED_NODE_LEN {
            self.build_end_tag(start, end);
            return;
        }
        let text = &self.text[start..end];
        let hash = hash(END_TAG, text.as_bytes());
        let slot = slot_index(hash);
        if let Some(shared) = &self.cache.nodes[slot] {
            if shared.hash == hash && shared.node.kind() == END_TAG.into() && &*shared.text == text
            {
                self.children.push(NodeOrToken::Node(shared.node.clone()));
                return;
            }
        }
        self.build_end_tag(start, end);
        if let Some(NodeOrToken::Node(node)) = self.children.last() {
            self.cache.nodes[slot] = Some(SharedNode {
                hash,
                text: text.into(),
                node: node.clone(),
            });
        }
    }

    fn build_end_tag(&mut self, start: usize, end: usize) {
        self.parents.push((END_TAG, self.children.len()));
        self.build_token(L_ANGLE_SLASH, start, start + 2);
        self.build_token(NAME, start + 2, end - 1);
        self.build_token(R_ANGLE, end - 1, end);
        self.build_node();
    }

    /// Looks up the element at `start` (a `<` then a name, in content) before it is parsed:
    /// an ELEMENT node built before from the same text is taken whole, when its height is
    /// `max_height` at most; else an error-free start tag built before from the same text is
    /// taken, in a started ELEMENT node. Nothing of the text after the end of what was built
    /// before is looked at, so what was built before is what parsing it would build now.
    pub(crate) fn reuse_element(&mut self, start: usize, max_height: usize) -> Reuse {
        let none = Reuse::Nothing { key: None };
        if !self.cache.share_nodes {
            return none;
        }
        let rest = &self.text.as_bytes()[start..];
        let window = &rest[..rest.len().min(MAX_SHARED_NODE_LEN)];
        // The first `>` ends the start tag, unless an attribute value holds one: then what is
        // looked up is only a prefix of the tag, found in no table unless it is the whole text
        // of an error-free tag, which parsing it would build all the same.
        let Some(first) = memchr::memchr(b'>', window) else {
            return none;
        };
        let tag_hash = hash(START_TAG, &window[..=first]);
        let empty = window[first - 1] == b'/';
        // The key covers the element up to its second `>`: a whole leaf (`<X>v</X>`), or the
        // start tag and first child of other elements, unless the first `>` closes an empty
        // element (`<X/>`). With no second `>` in the window, the element is longer than any
        // kept one: no key.
        let key = if empty {
            Some(tag_hash)
        } else {
            let after = &window[first + 1..];
            memchr::memchr(b'>', after).map(|second| hash_words(tag_hash, &after[..=second]))
        };
        if let Some(key) = key {
            let set = element_set(key);
            for way in 0..WAYS {
                let Some(shared) = &self.cache.elements[set + way] else {
                    continue;
                };
                if shared.check == check(key)
                    && shared.height as usize <= max_height
                    && rest.starts_with(shared.text.as_bytes())
                {
                    self.children.push(NodeOrToken::Node(shared.node.clone()));
                    let found = Reuse::Element {
                        end: start + shared.text.len(),
                        height: shared.height as usize,
                    };
                    // The set is kept in order of use, most recent first.
                    if way > 0 {
                        self.cache.elements[set..=set + way].rotate_right(1);
                    }
                    return found;
                }
            }
        }
        let key = key.map(ElementKey);
        // An empty element's tag is the whole element: when it is not found as one, it is
        // parsed, and kept as one.
        if !empty {
            if let Some(shared) = &self.cache.nodes[slot_index(tag_hash)] {
                if shared.hash == tag_hash
                    && shared.node.kind() == START_TAG.into()
                    && shared.text.as_bytes() == &window[..=first]
                {
                    let tag = shared.node.clone();
                    self.parents.push((ELEMENT, self.children.len()));
                    self.children.push(NodeOrToken::Node(tag));
                    return Reuse::StartTag {
                        end: start + first + 1,
                        key,
                    };
                }
            }
        }
        Reuse::Nothing { key }
    }

    /// Keeps the ELEMENT node just finished, built from `text[start..end]` without errors and
    /// `height` high, for `reuse_element` to find by `key`.
    pub(crate) fn keep_element(
        &mut self,
        key: ElementKey,
        start: usize,
        end: usize,
        height: usize,
    ) {
        if end - start > MAX_SHARED_NODE_LEN {
            return;
        }
        if let Some(NodeOrToken::Node(node)) = self.children.last() {
            debug_assert_eq!(node.kind(), ELEMENT.into());
            // It evicts the least recently used element of its set, the last.
            let set = element_set(key.0);
            self.cache.elements[set..set + WAYS].rotate_right(1);
            self.cache.elements[set] = Some(SharedElement {
                check: check(key.0),
                // At most `MAX_SHARED_NODE_LEN`: every level takes bytes.
                height: height as u32,
                text: self.text[start..end].into(),
                node: node.clone(),
            });
        }
    }

    /// Builds the recorded shared node of `kind`.
    fn replay(&mut self, kind: SyntaxKind) {
        self.parents.push((kind, self.children.len()));
        let mut events = std::mem::take(&mut self.events);
        for event in events.drain(..) {
            match event {
                Event::Token { kind, start, end } => self.build_token(kind, start, end),
                Event::Start(kind) => self.parents.push((kind, self.children.len())),
                Event::Finish => self.build_node(),
            }
        }
        // Keeps the allocation for the next shared node.
        self.events = events;
        self.build_node();
    }

    fn build_token(&mut self, kind: SyntaxKind, start: usize, end: usize) {
        let token = self.cache.token(kind, &self.text[start..end]);
        self.children.push(NodeOrToken::Token(token));
    }

    fn build_node(&mut self) {
        let (kind, first_child) = self
            .parents
            .pop()
            .expect("finish_node matches a start_node");
        let node = GreenNode::new(kind.into(), self.children.drain(first_child..));
        self.children.push(NodeOrToken::Node(node));
    }

    pub(crate) fn finish(mut self) -> GreenNode {
        assert!(
            self.parents.is_empty() && self.recording.is_none(),
            "every node was finished"
        );
        let root = match self.children.pop() {
            Some(NodeOrToken::Node(node)) if self.children.is_empty() => node,
            _ => panic!("the builder holds exactly one root node"),
        };
        let all_small = [
            self.parents.capacity(),
            self.children.capacity(),
            self.events.capacity(),
        ]
        .iter()
        .all(|&capacity| capacity <= MAX_KEPT_SCRATCH);
        if all_small {
            self.events.clear();
            self.cache.scratch = Scratch {
                parents: std::mem::take(&mut self.parents),
                children: std::mem::take(&mut self.children),
                events: std::mem::take(&mut self.events),
            };
        }
        root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_shared_and_exact() {
        let mut cache = GreenCache::default();
        let a = cache.token(NAME, "TechnicalProfile");
        let b = cache.token(NAME, "TechnicalProfile");
        assert_eq!(a, b);
        assert_eq!(cache.token(WHITESPACE, "\n  ").text(), "\n  ");
        assert_eq!(cache.token(WHITESPACE, "\r\n  ").text(), "\r\n  ");
        assert_eq!(cache.token(WHITESPACE, "\n\t").text(), "\n\t");
        assert_eq!(cache.token(WHITESPACE, " \n").text(), " \n");
        assert_eq!(cache.token(WHITESPACE, "\n").text(), "\n");
        assert_eq!(cache.token(QUOTE, "'").text(), "'");
        assert_eq!(cache.token(QUOTE, "\"").text(), "\"");
        // Same text, other kind: never confused.
        let text = cache.token(TEXT, "TechnicalProfile");
        assert_eq!(text.kind(), TEXT.into());
        let long = "x".repeat(MAX_INTERNED_LEN + 1);
        assert_eq!(cache.token(TEXT, &long).text(), long);
    }

    fn end_tag(text: &str, cache: &mut GreenCache, reusable: bool) -> GreenNode {
        let mut builder = TreeBuilder::new(text, cache);
        builder.start_node(DOCUMENT);
        builder.start_shared_node(END_TAG, 0);
        builder.token(L_ANGLE_SLASH, 0, 2);
        builder.token(NAME, 2, text.len() - 1);
        builder.token(R_ANGLE, text.len() - 1, text.len());
        builder.finish_shared_node(text.len(), reusable);
        builder.finish_node();
        builder.finish()
    }

    #[test]
    fn shared_nodes_are_reused_only_when_reusable() {
        let mut cache = GreenCache::default();
        let first = end_tag("</Item>", &mut cache, true);
        let second = end_tag("</Item>", &mut cache, true);
        let other = end_tag("</Items>", &mut cache, true);
        let unshared = end_tag("</Item>", &mut cache, false);
        let child = |tree: &GreenNode| match tree.children().next() {
            Some(NodeOrToken::Node(node)) => node.to_owned(),
            _ => panic!("an END_TAG node"),
        };
        assert_eq!(first.to_string(), "</Item>");
        assert_eq!(first, second);
        assert!(std::ptr::eq(&*child(&first), &*child(&second)));
        assert_eq!(other.to_string(), "</Items>");
        assert_eq!(unshared, first);
        assert!(!std::ptr::eq(&*child(&first), &*child(&unshared)));
    }
}

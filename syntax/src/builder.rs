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
            scratch: Scratch::default(),
        }
    }
}

impl GreenCache {
    fn token(&mut self, kind: SyntaxKind, text: &str) -> GreenToken {
        if let Some(token) = &self.punctuation[kind as usize] {
            if token.text() == text {
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
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let add = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    let mut hash = add(0, kind as u64);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = add(hash, u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        hash = add(hash, u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
    }
    hash
}

/// The slot of a hash: its high bits are the well-mixed ones, the index takes the low bits.
fn slot_index(hash: u64) -> usize {
    ((hash >> 32) ^ hash) as usize & (SLOTS - 1)
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

    /// Adds the token `text[start..end]`.
    pub(crate) fn token(&mut self, kind: SyntaxKind, start: usize, end: usize) {
        if self.recording.is_some() {
            self.events.push(Event::Token { kind, start, end });
        } else {
            self.build_token(kind, start, end);
        }
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
        if !reusable || text.len() > MAX_SHARED_NODE_LEN {
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

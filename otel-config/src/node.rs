//! The document as a tree of nodes that remember their line, built from yaml-rust2's
//! events. Environment substitution happens here, on each value scalar as it arrives
//! (keys are never substituted); aliases are resolved by cloning, within a budget, so an
//! alias bomb is an error and not a memory spike; nesting is bounded.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::error::{ConfigFileError, ConfigFileErrorKind as Kind, quoted};
use crate::scalar::Scalar;
use crate::substitute::{SubstituteError, has_dollar, is_standalone_reference, substitute};

/// Deepest nesting of mappings and sequences a file may have.
pub(crate) const MAX_DEPTH: usize = 64;
/// Most nodes a document may expand to, aliases included.
pub(crate) const MAX_NODES: usize = 1_000_000;
/// Most bytes of scalar text a document may expand to, aliases included.
pub(crate) const MAX_BYTES: usize = 64 * 1024 * 1024;

/// One node of the document and the 1-based line it starts on.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) value: Value,
    pub(crate) line: usize,
    /// A scalar whose text came from `${VAR}` substitution: never printed (it may be a
    /// secret), and read as its text where a string is expected.
    pub(crate) substituted: Option<Substituted>,
}

/// What substitution made of a scalar.
#[derive(Debug, Clone)]
pub(crate) struct Substituted {
    /// The substituted text, kept when the scalar was typed from it (a plain
    /// `${VAR}` holding digits is a number), so that a string field reads the text as
    /// written: `007` stays `007`, not 7.
    pub(crate) text: Option<String>,
}

/// A node's content.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key and its line.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub(crate) name: String,
    pub(crate) line: usize,
}

impl Node {
    /// How an error names what this node is; never a substituted value.
    pub(crate) fn describe(&self) -> String {
        if self.substituted.is_some() {
            return "a substituted value (not shown)".to_owned();
        }
        match &self.value {
            Value::Scalar(scalar) => scalar.describe(),
            Value::Seq(_) => "a sequence".to_owned(),
            Value::Map(_) => "a mapping".to_owned(),
        }
    }

    /// (nodes, bytes of text) this node holds.
    fn weight(&self) -> (usize, usize) {
        match &self.value {
            Value::Scalar(Scalar::Str(text)) => (1, text.len()),
            Value::Scalar(_) => (1, 0),
            Value::Seq(items) => items.iter().fold((1, 0), |(n, b), item| {
                let (in_n, in_b) = item.weight();
                (n + in_n, b + in_b)
            }),
            Value::Map(entries) => entries.iter().fold((1, 0), |(n, b), (key, item)| {
                let (in_n, in_b) = item.weight();
                (n + in_n, b + in_b + key.name.len())
            }),
        }
    }
}

/// Parses the text into its root node, substituting environment references in values.
pub(crate) fn parse_document(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Node, ConfigFileError> {
    let mut builder = Builder {
        lookup,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        error: None,
        nodes: 0,
        bytes: 0,
        last_line: line_count(text),
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(scan) = parser.load(&mut builder, false)
        && builder.error.is_none()
    {
        let path = builder.path();
        // The scanner has its own bound on flow nesting, which it meets first.
        let (kind, expected) = if scan.info().contains("recursion limit") {
            (Kind::TooDeep, "at most 64 levels of nesting")
        } else {
            (Kind::Syntax, "valid YAML or JSON")
        };
        let found = scan.info().to_owned();
        builder.error = Some(ConfigFileError::new(
            kind,
            path,
            scan.marker().line().min(builder.last_line),
            expected,
            found,
        ));
    }
    if let Some(error) = builder.error {
        return Err(error);
    }
    match builder.root {
        Some(
            root @ Node {
                value: Value::Map(_), ..
            },
        ) => Ok(root),
        Some(other) => Err(ConfigFileError::new(
            Kind::NotAMapping,
            "",
            other.line,
            "a mapping at the top level",
            other.describe(),
        )),
        None => Err(ConfigFileError::new(
            Kind::NotAMapping,
            "",
            1,
            "a mapping at the top level",
            "an empty document",
        )),
    }
}

/// The text's lines as YAML counts them: its breaks are `\n`, `\r\n` and a lone `\r`,
/// and the rest after the last break is a line too. Counted in place: a file may be
/// 16 MiB.
fn line_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let breaks = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    breaks + 1
}

enum Frame {
    Seq {
        items: Vec<Node>,
        anchor: usize,
        line: usize,
    },
    Map {
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
        /// Each key's line, so a duplicate is found in constant time.
        seen: HashMap<String, usize>,
        anchor: usize,
        line: usize,
    },
}

struct Builder<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    error: Option<ConfigFileError>,
    nodes: usize,
    bytes: usize,
    /// The text's last line: at the end of a text without a final line break the
    /// scanner moves to a line after it, and what it marks there is on the last line.
    last_line: usize,
}

impl Builder<'_> {
    /// The YAML path of the node being read now.
    fn path(&self) -> String {
        let mut path = String::new();
        for frame in &self.stack {
            match frame {
                Frame::Seq { items, .. } => path.push_str(&format!("[{}]", items.len())),
                Frame::Map { key: Some(key), .. } => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&key.name);
                }
                Frame::Map { key: None, .. } => {}
            }
        }
        path
    }

    fn fail(&mut self, kind: Kind, line: usize, expected: &str, found: String) {
        let path = self.path();
        self.error = Some(ConfigFileError::new(kind, path, line, expected, found));
    }

    fn in_key_position(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn charge(&mut self, nodes: usize, bytes: usize, line: usize) -> bool {
        self.nodes = self.nodes.saturating_add(nodes);
        self.bytes = self.bytes.saturating_add(bytes);
        if self.nodes > MAX_NODES || self.bytes > MAX_BYTES {
            let found = format!(
                "{} nodes / {} bytes after alias expansion",
                self.nodes, self.bytes
            );
            self.fail(
                Kind::TooLarge,
                line,
                "at most 1000000 nodes and 64 MiB of text",
                found,
            );
            return false;
        }
        true
    }

    /// Keeps a copy of an anchored node for its aliases, charged against the budget: the
    /// copy is memory too, and anchors nested in anchors would each copy all below them
    /// (about 63 times a 15 MB scalar from one 16 MiB file). `false` when over budget.
    fn keep_anchor(&mut self, anchor: usize, node: &Node, line: usize) -> bool {
        let (nodes, bytes) = node.weight();
        if !self.charge(nodes, bytes, line) {
            return false;
        }
        self.anchors.insert(anchor, node.clone());
        true
    }

    /// Places a finished node: into the open mapping or sequence, or as the root.
    fn place(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => {
                if let Some(key) = key.take() {
                    entries.push((key, node));
                }
            }
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
        }
    }

    /// A key: duplicates are refused.
    fn set_key(&mut self, name: String, line: usize) {
        if let Some(Frame::Map { key, seen, .. }) = self.stack.last_mut() {
            if let Some(&first) = seen.get(&name) {
                let found = format!("`{name}` a second time (first on line {first})");
                let parent = self.path();
                let path = if parent.is_empty() {
                    name.clone()
                } else {
                    format!("{parent}.{name}")
                };
                self.error = Some(ConfigFileError::new(
                    Kind::Value,
                    path,
                    line,
                    "each key once in a mapping",
                    found,
                ));
                return;
            }
            seen.insert(name.clone(), line);
            *key = Some(Key { name, line });
        }
    }

    fn value_scalar(
        &mut self,
        text: &str,
        style: TScalarStyle,
        is_str_tag: bool,
        line: usize,
    ) -> Option<(Scalar, Option<Substituted>)> {
        let plain = style == TScalarStyle::Plain && !is_str_tag;
        if !has_dollar(text) {
            return Some((
                if plain {
                    Scalar::resolve_plain(text)
                } else {
                    Scalar::Str(text.to_owned())
                },
                None,
            ));
        }
        // What substitution writes counts against the budget, as the file's own text
        // does (250,000 references to a 100 KB variable are 25 GB), and is charged as it
        // is written: one value of 100,000 references stops at what is left.
        let room = MAX_BYTES.saturating_sub(self.bytes);
        match substitute(text, self.lookup, room) {
            // One byte past what is left: the budget's own error.
            Err(SubstituteError::TooLarge) => {
                self.charge(0, room.saturating_add(1), line);
                None
            }
            Ok(value) if !self.charge(0, value.len(), line) => None,
            Ok(value) if plain && is_standalone_reference(text) => {
                let scalar = Scalar::resolve_plain(&value);
                let text = (!matches!(scalar, Scalar::Str(_))).then_some(value);
                Some((scalar, Some(Substituted { text })))
            }
            Ok(value) => Some((Scalar::Str(value), Some(Substituted { text: None }))),
            Err(SubstituteError::BadReference(bad)) => {
                self.fail(
                    Kind::Substitution,
                    line,
                    "`${NAME}`, `${env:NAME}` or `${NAME:-default}` (NAME: letters, digits, `_`, not starting with a digit), or `$$`",
                    quoted(&bad),
                );
                None
            }
        }
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let line = mark.line().min(self.last_line);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                if !self.charge(1, text.len(), line) {
                    return;
                }
                if self.in_key_position() {
                    if anchor != 0 {
                        let node = Node {
                            value: Value::Scalar(Scalar::Str(text.clone())),
                            line,
                            substituted: None,
                        };
                        self.anchors.insert(anchor, node);
                    }
                    self.set_key(text, line);
                    return;
                }
                let is_str_tag = tag.is_some_and(|tag| tag.suffix == "str");
                if let Some((scalar, substituted)) = self.value_scalar(&text, style, is_str_tag, line) {
                    let node = Node {
                        value: Value::Scalar(scalar),
                        line,
                        substituted,
                    };
                    if anchor != 0 && !self.keep_anchor(anchor, &node, line) {
                        return;
                    }
                    self.place(node);
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.in_key_position() {
                    self.fail(
                        Kind::Type,
                        line,
                        "a scalar key",
                        "a sequence or mapping as a key".into(),
                    );
                    return;
                }
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(
                        Kind::TooDeep,
                        line,
                        "at most 64 levels of nesting",
                        "deeper nesting".into(),
                    );
                    return;
                }
                if !self.charge(1, 0, line) {
                    return;
                }
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        anchor,
                        line,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        key: None,
                        seen: HashMap::new(),
                        anchor,
                        line,
                    }
                };
                self.stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor, line) = match self.stack.pop() {
                    Some(Frame::Seq { items, anchor, line }) => (Value::Seq(items), anchor, line),
                    Some(Frame::Map {
                        entries,
                        anchor,
                        line,
                        ..
                    }) => (Value::Map(entries), anchor, line),
                    None => return,
                };
                let node = Node {
                    value,
                    line,
                    substituted: None,
                };
                if anchor != 0 && !self.keep_anchor(anchor, &node, line) {
                    return;
                }
                self.place(node);
            }
            Event::Alias(id) => {
                let Some((nodes, bytes)) = self.anchors.get(&id).map(Node::weight) else {
                    self.fail(
                        Kind::Syntax,
                        line,
                        "an alias to an anchor defined before it",
                        "an unknown anchor".into(),
                    );
                    return;
                };
                // Charged before cloning: a bomb fails here, before it takes the memory.
                if !self.charge(nodes, bytes, line) {
                    return;
                }
                let Some(anchored) = self.anchors.get(&id) else {
                    return;
                };
                let node = Node {
                    line,
                    ..anchored.clone()
                };
                if self.in_key_position() {
                    match node.value {
                        Value::Scalar(Scalar::Str(name)) => self.set_key(name, line),
                        _ => self.fail(Kind::Type, line, "a scalar key", node.describe()),
                    }
                    return;
                }
                self.place(node);
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

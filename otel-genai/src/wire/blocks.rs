//! Streamed text within bounds, and a streamed message's content blocks by index
//! (Anthropic's `content_block_*` events, Bedrock's `contentBlock*` events).

use serde_json::Value;

use crate::content::Part;

/// The most streamed text kept: per choice for OpenAI-compatible streams, per message
/// (all its blocks together) for Anthropic and Bedrock streams. The rest is dropped;
/// content is bounded again when it is recorded.
///
/// ```
/// assert_eq!(otel_kit_genai::openai::MAX_TEXT, 256 * 1024);
/// assert_eq!(otel_kit_genai::bedrock::MAX_TEXT, otel_kit_genai::openai::MAX_TEXT);
/// ```
pub const MAX_TEXT: usize = 256 * 1024;

/// The most content blocks followed in one streamed message; blocks at other indexes
/// are ignored.
pub(crate) const MAX_BLOCKS: usize = 64;

/// Appends what fits in `room` bytes, cut at a char boundary; returns the bytes added.
pub(crate) fn append_within(text: &mut String, more: &str, room: usize) -> usize {
    let kept = if more.len() <= room {
        more
    } else {
        &more[..more.floor_char_boundary(room)]
    };
    text.push_str(kept);
    kept.len()
}

/// Appends what fits within [`MAX_TEXT`] of `text`.
pub(crate) fn append_bounded(text: &mut String, more: &str) {
    let room = MAX_TEXT.saturating_sub(text.len());
    append_within(text, more, room);
}

/// A tool call whose arguments arrived as pieces of JSON text: parsed when they are
/// JSON, kept as a string otherwise (a stream cut inside them).
pub(crate) fn tool_call(id: Option<String>, name: String, arguments: String) -> Part {
    let arguments = serde_json::from_str(&arguments).unwrap_or(Value::String(arguments));
    Part::ToolCall { id, name, arguments }
}

/// What a streamed block holds.
#[derive(Clone, Debug)]
pub(crate) enum BlockKind {
    Text,
    Reasoning,
    /// A tool call: its arguments stream as JSON text; `input` is what its start gave
    /// (recorded when no text came).
    ToolCall {
        id: Option<String>,
        name: String,
        input: Value,
    },
    /// A block kept as its start gave it; text streamed into it is dropped.
    Other(Value),
}

#[derive(Debug)]
struct Block {
    index: u64,
    kind: BlockKind,
    text: String,
}

/// The most bytes of a tool call's id or name kept from a block's start.
const MAX_NAME: usize = 1024;

/// The content blocks of one streamed message, at most [`MAX_BLOCKS`] of them and
/// [`MAX_TEXT`] bytes in all: their text, and the JSON their starts carry (a tool call's
/// input, a block of a type the reader does not know), charged at its encoded size.
#[derive(Debug, Default)]
pub(crate) struct Blocks {
    blocks: Vec<Block>,
    kept: usize,
}

/// Counts what is written to it: a JSON value's encoded size, without encoding it.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn encoded_size(value: &Value) -> usize {
    let mut counter = Counter(0);
    // Writing to a counter cannot fail, and a `Value` always serializes.
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

/// `text` within [`MAX_NAME`] bytes, cut at a char boundary.
fn bounded_name(mut text: String) -> String {
    text.truncate(text.floor_char_boundary(MAX_NAME));
    text
}

impl Blocks {
    /// A block starts at `index` (a second start there gives it this kind). Its JSON is
    /// kept while it fits in what is left of [`MAX_TEXT`], else dropped (`null`), so a
    /// stream of large starts holds no more than its text could.
    pub(crate) fn start(&mut self, index: u64, kind: BlockKind) {
        let kind = self.charged(kind);
        let started = kind.clone();
        if let Some(block) = self.block(index, || started) {
            block.kind = kind;
        }
    }

    fn charged(&mut self, kind: BlockKind) -> BlockKind {
        let room = MAX_TEXT - self.kept;
        let mut fits = |value: Value| {
            let size = encoded_size(&value);
            if size <= room {
                self.kept += size;
                value
            } else {
                Value::Null
            }
        };
        match kind {
            BlockKind::ToolCall { id, name, input } => BlockKind::ToolCall {
                id: id.map(bounded_name),
                name: bounded_name(name),
                input: fits(input),
            },
            BlockKind::Other(value) => BlockKind::Other(fits(value)),
            kind => kind,
        }
    }

    /// Text for the block at `index`, which is `kind` if it never started.
    pub(crate) fn append(&mut self, index: u64, kind: impl FnOnce() -> BlockKind, text: &str) {
        let room = MAX_TEXT - self.kept;
        let Some(block) = self.block(index, kind) else {
            return;
        };
        if !matches!(block.kind, BlockKind::Other(_)) {
            self.kept += append_within(&mut block.text, text, room);
        }
    }

    fn block(&mut self, index: u64, kind: impl FnOnce() -> BlockKind) -> Option<&mut Block> {
        let at = match self.blocks.iter().position(|b| b.index == index) {
            Some(at) => at,
            None if self.blocks.len() < MAX_BLOCKS => {
                self.blocks.push(Block {
                    index,
                    kind: kind(),
                    text: String::new(),
                });
                self.blocks.len() - 1
            }
            None => return None,
        };
        self.blocks.get_mut(at)
    }

    /// The blocks as parts, in index order (a text block that stayed empty gives none).
    pub(crate) fn into_parts(mut self) -> Vec<Part> {
        self.blocks.sort_by_key(|b| b.index);
        let parts = self.blocks.into_iter().filter_map(|block| match block.kind {
            BlockKind::Text if block.text.is_empty() => None,
            BlockKind::Text => Some(Part::Text(block.text)),
            BlockKind::Reasoning => Some(Part::Reasoning(block.text)),
            BlockKind::ToolCall { id, name, input } if block.text.is_empty() => Some(Part::ToolCall {
                id,
                name,
                arguments: input,
            }),
            BlockKind::ToolCall { id, name, .. } => Some(tool_call(id, name, block.text)),
            BlockKind::Other(value) => Some(Part::Other(value)),
        });
        parts.collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{BlockKind, Blocks, MAX_BLOCKS, MAX_TEXT};
    use crate::content::Part;

    #[test]
    fn blocks_are_joined_by_index_and_bounded() {
        let mut blocks = Blocks::default();
        let call = || BlockKind::ToolCall {
            id: Some("t1".into()),
            name: "get_weather".into(),
            input: json!({}),
        };
        blocks.start(1, call());
        blocks.append(0, || BlockKind::Text, "Hel");
        blocks.append(1, call, "{\"city\":");
        blocks.append(0, || BlockKind::Text, "lo");
        blocks.append(1, call, "\"Paris\"}");
        blocks.start(2, BlockKind::Other(json!({"type": "image"})));
        blocks.append(2, || BlockKind::Text, "dropped");
        assert_eq!(
            blocks.into_parts(),
            [
                Part::Text("Hello".into()),
                Part::tool_call("t1", "get_weather", json!({"city": "Paris"})),
                Part::Other(json!({"type": "image"})),
            ]
        );

        let mut blocks = Blocks::default();
        for index in 0..1000 {
            blocks.append(u64::MAX - index, || BlockKind::Reasoning, &"é".repeat(MAX_TEXT));
        }
        let parts = blocks.into_parts();
        assert_eq!(parts.len(), MAX_BLOCKS);
        let kept: usize = parts
            .iter()
            .map(|p| match p {
                Part::Reasoning(t) => t.len(),
                _ => 0,
            })
            .sum();
        assert_eq!(kept, MAX_TEXT);
    }

    /// 64 starts of blocks of a type the reader does not know and of tool calls, each
    /// with 1 MiB of JSON (what a 64 MiB stream can carry): within MAX_TEXT in all.
    #[test]
    fn the_json_of_block_starts_counts_against_the_text_bound() {
        let mut blocks = Blocks::default();
        let big = json!({"type": "future", "data": "x".repeat(1 << 20)});
        let small = json!({"type": "image", "source": "s"});
        for index in 0..MAX_BLOCKS as u64 {
            let kind = match index % 3 {
                0 => BlockKind::Other(big.clone()),
                1 => BlockKind::ToolCall {
                    id: Some("i".repeat(1 << 20)),
                    name: "n".repeat(1 << 20),
                    input: big.clone(),
                },
                _ => BlockKind::Other(small.clone()),
            };
            blocks.start(index, kind);
        }
        let parts = blocks.into_parts();
        assert_eq!(parts.len(), MAX_BLOCKS);
        let held: usize = parts
            .iter()
            .map(|p| match p {
                Part::Other(v) => super::encoded_size(v),
                Part::ToolCall { id, name, arguments } => {
                    id.as_ref().map_or(0, String::len) + name.len() + super::encoded_size(arguments)
                }
                _ => 0,
            })
            .sum();
        assert!(
            held <= MAX_TEXT + 2 * MAX_BLOCKS * super::MAX_NAME,
            "{held} bytes held"
        );
        assert!(
            parts.contains(&Part::Other(small)),
            "small blocks keep their JSON"
        );
        assert!(
            parts.contains(&Part::Other(serde_json::Value::Null)),
            "large ones are dropped"
        );
    }
}

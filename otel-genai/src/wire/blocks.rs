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

/// The content blocks of one streamed message, at most [`MAX_BLOCKS`] of them and
/// [`MAX_TEXT`] bytes of text in all.
#[derive(Debug, Default)]
pub(crate) struct Blocks {
    blocks: Vec<Block>,
    kept: usize,
}

impl Blocks {
    /// A block starts at `index` (a second start there gives it this kind).
    pub(crate) fn start(&mut self, index: u64, kind: BlockKind) {
        let started = kind.clone();
        if let Some(block) = self.block(index, || started) {
            block.kind = kind;
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
}

//! Anthropic content blocks to the conventions' [`Part`]s.

use serde_json::Value;

use crate::content::Part;
use crate::wire::messages::BlockFormat;

/// Anthropic's content blocks.
pub(super) struct Blocks;

impl BlockFormat for Blocks {
    /// One content block, of a request or a response: `text`, `thinking`, `tool_use`
    /// and `tool_result` in the conventions' schema; any other block (`image`,
    /// `document`, `redacted_thinking`, server tools) kept as given. A block without a
    /// `type` gives none.
    fn part(block: &Value) -> Option<Part> {
        let kind = block.get("type").and_then(Value::as_str)?;
        let text = |key: &str| block.get(key).and_then(Value::as_str).map(str::to_owned);
        let field = |key: &str| block.get(key).cloned().unwrap_or(Value::Null);
        let part = match (kind, text("text"), text("thinking"), text("name")) {
            ("text", Some(text), ..) => Part::Text(text),
            ("thinking", _, Some(thinking), _) => Part::Reasoning(thinking),
            ("tool_use", .., Some(name)) => Part::ToolCall {
                id: text("id"),
                name,
                arguments: field("input"),
            },
            ("tool_result", ..) => Part::ToolCallResponse {
                id: text("tool_use_id"),
                response: field("content"),
            },
            _ => Part::Other(block.clone()),
        };
        Some(part)
    }
}

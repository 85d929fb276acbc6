//! [`ChatMessage`] and [`Part`]: one entry of `gen_ai.input.messages` /
//! `gen_ai.output.messages`, serialised per the conventions' JSON schemas.

use serde_json::{Map, Value};

/// One message of a chat history or one answer (choice) of the model.
///
/// ```
/// use otel_kit_genai::content::{ChatMessage, Part};
///
/// let m = ChatMessage::user("What is the weather in Paris?");
/// assert_eq!(
///     m.to_value().to_string(),
///     r#"{"parts":[{"content":"What is the weather in Paris?","type":"text"}],"role":"user"}"#
/// );
/// let answer = ChatMessage::new("assistant")
///     .with_part(Part::tool_call("call_1", "get_weather", serde_json::json!({"city": "Paris"})))
///     .with_finish_reason("tool_call");
/// assert_eq!(answer.finish_reason.as_deref(), Some("tool_call"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ChatMessage {
    /// `system`, `user`, `assistant`, `tool`...
    pub role: String,
    /// What the message holds, in order.
    pub parts: Vec<Part>,
    /// Why the model stopped (output messages only, where the schema requires it: an
    /// output message without one is recorded with `error`, see
    /// [`MISSING_FINISH_REASON`]).
    pub finish_reason: Option<String>,
}

/// A piece of a [`ChatMessage`].
///
/// ```
/// use otel_kit_genai::content::Part;
///
/// let part = Part::tool_call_response("call_1", serde_json::json!("rainy, 57°F"));
/// assert_eq!(part.to_value()["type"], "tool_call_response");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Text (`type: text`).
    Text(String),
    /// Reasoning text the model exposed (`type: reasoning`).
    Reasoning(String),
    /// A tool call the model asked for (`type: tool_call`).
    ToolCall {
        /// The call's id, when the provider gives one.
        id: Option<String>,
        /// The tool's name.
        name: String,
        /// The arguments, as JSON.
        arguments: Value,
    },
    /// A tool's answer sent back to the model (`type: tool_call_response`).
    ToolCallResponse {
        /// The id of the call this answers.
        id: Option<String>,
        /// The answer, as JSON.
        response: Value,
    },
    /// Anything else (images, audio, files): a JSON object with a `type` field, kept
    /// as given.
    Other(Value),
}

impl ChatMessage {
    /// An empty message with this role.
    pub fn new(role: impl Into<String>) -> Self {
        ChatMessage {
            role: role.into(),
            parts: Vec::new(),
            finish_reason: None,
        }
    }

    /// A message of one text part.
    pub fn text(role: impl Into<String>, text: impl Into<String>) -> Self {
        ChatMessage::new(role).with_part(Part::Text(text.into()))
    }

    /// A `user` message of one text part.
    pub fn user(text: impl Into<String>) -> Self {
        ChatMessage::text("user", text)
    }

    /// A `system` message of one text part.
    pub fn system(text: impl Into<String>) -> Self {
        ChatMessage::text("system", text)
    }

    /// An `assistant` message of one text part.
    pub fn assistant(text: impl Into<String>) -> Self {
        ChatMessage::text("assistant", text)
    }

    /// Adds a part.
    pub fn with_part(mut self, part: Part) -> Self {
        self.parts.push(part);
        self
    }

    /// Sets the finish reason.
    pub fn with_finish_reason(mut self, reason: impl Into<String>) -> Self {
        self.finish_reason = Some(reason.into());
        self
    }

    /// The message as the schema's JSON object, consuming it (no text is copied).
    ///
    /// ```
    /// let v = otel_kit_genai::content::ChatMessage::user("hi").into_value();
    /// assert_eq!(v["parts"][0]["content"], "hi");
    /// ```
    pub fn into_value(self) -> Value {
        let mut object = Map::new();
        object.insert("role".into(), Value::String(self.role));
        object.insert(
            "parts".into(),
            Value::Array(self.parts.into_iter().map(Part::into_value).collect()),
        );
        if let Some(reason) = self.finish_reason {
            object.insert("finish_reason".into(), Value::String(reason));
        }
        Value::Object(object)
    }

    /// The message as the schema's JSON object.
    pub fn to_value(&self) -> Value {
        let mut object = Map::new();
        object.insert("role".into(), Value::String(self.role.clone()));
        object.insert(
            "parts".into(),
            Value::Array(self.parts.iter().map(Part::to_value).collect()),
        );
        if let Some(reason) = &self.finish_reason {
            object.insert("finish_reason".into(), Value::String(reason.clone()));
        }
        Value::Object(object)
    }
}

impl Part {
    /// A tool call with an id.
    pub fn tool_call(id: impl Into<String>, name: impl Into<String>, arguments: Value) -> Self {
        Part::ToolCall {
            id: Some(id.into()),
            name: name.into(),
            arguments,
        }
    }

    /// A tool's answer to the call with this id.
    pub fn tool_call_response(id: impl Into<String>, response: Value) -> Self {
        Part::ToolCallResponse {
            id: Some(id.into()),
            response,
        }
    }

    /// The part as the schema's JSON object.
    pub fn to_value(&self) -> Value {
        self.clone().into_value()
    }

    /// The part as the schema's JSON object, consuming it (no text is copied).
    ///
    /// ```
    /// let v = otel_kit_genai::content::Part::Text("hi".into()).into_value();
    /// assert_eq!(v, serde_json::json!({"type": "text", "content": "hi"}));
    /// ```
    pub fn into_value(self) -> Value {
        let mut object = Map::new();
        let mut put = |key: &str, value: Value| {
            object.insert(key.into(), value);
        };
        match self {
            Part::Text(text) => {
                put("type", "text".into());
                put("content", text.into());
            }
            Part::Reasoning(text) => {
                put("type", "reasoning".into());
                put("content", text.into());
            }
            Part::ToolCall { id, name, arguments } => {
                put("type", "tool_call".into());
                if let Some(id) = id {
                    put("id", id.into());
                }
                put("name", name.into());
                put("arguments", arguments);
            }
            Part::ToolCallResponse { id, response } => {
                put("type", "tool_call_response".into());
                if let Some(id) = id {
                    put("id", id.into());
                }
                put("response", response);
            }
            Part::Other(value) => return value,
        }
        Value::Object(object)
    }
}

/// The `finish_reason` recorded for an output message that has none (a choice whose
/// stream was cut, a `null` in the body): the output-messages schema requires one, and
/// `error` is its value for a generation that did not end normally.
///
/// ```
/// assert_eq!(otel_kit_genai::content::MISSING_FINISH_REASON, "error");
/// ```
pub const MISSING_FINISH_REASON: &str = "error";

/// Gives every output message object in `messages` (a JSON array) the schema-required
/// `finish_reason`, [`MISSING_FINISH_REASON`] where it has none: applied to what a
/// content hook returns too, so no hook can record an output message without one.
pub(crate) fn require_finish_reason(messages: &mut Value) {
    if let Value::Array(messages) = messages {
        for message in messages {
            if let Value::Object(object) = message
                && !object.contains_key("finish_reason")
            {
                object.insert("finish_reason".into(), MISSING_FINISH_REASON.into());
            }
        }
    }
}

/// A list of messages as one JSON array.
pub(crate) fn to_array(messages: &[ChatMessage]) -> Value {
    Value::Array(messages.iter().map(ChatMessage::to_value).collect())
}

/// A list of messages as one JSON array, moving their text rather than copying it.
pub(crate) fn into_array(messages: Vec<ChatMessage>) -> Value {
    Value::Array(messages.into_iter().map(ChatMessage::into_value).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_output_message_without_a_finish_reason_gets_the_schema_s_error() {
        let messages = [
            ChatMessage::assistant("cut"),
            ChatMessage::assistant("done").with_finish_reason("stop"),
        ];
        let mut output = to_array(&messages);
        require_finish_reason(&mut output);
        assert_eq!(
            output,
            json!([
                {"role": "assistant", "parts": [{"type": "text", "content": "cut"}], "finish_reason": "error"},
                {"role": "assistant", "parts": [{"type": "text", "content": "done"}], "finish_reason": "stop"}
            ])
        );
        // Input messages have no finish reason to add.
        assert_eq!(to_array(&messages[..1])[0].get("finish_reason"), None);
    }
}

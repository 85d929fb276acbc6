//! An answer of one message (Anthropic's and Bedrock's, read whole or streamed) as a
//! [`Response`].

use super::finish_reason::conventional;
use crate::content::{ChatMessage, Part};
use crate::{Response, Usage};

/// What one-message answers carry.
#[derive(Default)]
pub(crate) struct Answer {
    pub(crate) id: Option<String>,
    pub(crate) model: Option<String>,
    pub(crate) role: Option<String>,
    /// `None`: the answer had no content to read (no message recorded).
    pub(crate) parts: Option<Vec<Part>>,
    pub(crate) stop_reason: Option<String>,
    pub(crate) usage: Usage,
}

impl Answer {
    /// The response: the stop reason as the conventions' finish reason (on the span
    /// and on the output message), and the message when there was content.
    pub(crate) fn response(self) -> Response {
        let finish_reason = self.stop_reason.as_deref().map(|r| conventional(r).to_owned());
        let mut response = Response {
            id: self.id,
            model: self.model,
            usage: self.usage,
            finish_reasons: finish_reason.iter().cloned().collect(),
            ..Response::default()
        };
        if let Some(parts) = self.parts {
            let mut message = ChatMessage::new(self.role.unwrap_or_else(|| "assistant".into()));
            message.parts = parts;
            message.finish_reason = finish_reason;
            response.output_messages.push(message);
        }
        response
    }
}

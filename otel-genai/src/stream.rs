//! [`ChatStream`]: a streamed chat answer, fed the body's bytes as they arrive, whatever
//! the provider's format: OpenAI-compatible chunks
//! ([`openai::ChatStream`](crate::openai::ChatStream)), Anthropic's message events
//! ([`anthropic::ChatStream`](crate::anthropic::ChatStream)) or Bedrock's Converse
//! events ([`bedrock::ChatStream`](crate::bedrock::ChatStream)). What every format
//! shares is written once here; each provider's module adds its `finish`.

use std::fmt;

/// What a stream has read so far: its chunks (events), the lines or messages it
/// skipped, and whether the provider's end-of-answer mark was seen.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StreamProgress {
    pub(crate) chunks: u64,
    pub(crate) skipped: u64,
    pub(crate) done: bool,
}

/// A provider's streamed body format: how its bytes are framed (server-sent events, or
/// Bedrock's binary event stream) and what each frame adds to the answer. Implemented
/// by the provider modules' formats only (sealed).
///
/// ```
/// fn accepts<F: otel_kit_genai::stream::StreamFormat>() {}
/// accepts::<otel_kit_genai::openai::ChatCompletionChunks>();
/// accepts::<otel_kit_genai::anthropic::MessageEvents>();
/// accepts::<otel_kit_genai::bedrock::ConverseEvents>();
/// ```
pub trait StreamFormat: sealed::Sealed {}

/// What a stream needs of its format.
pub(crate) mod sealed {
    use super::{StreamProgress, fmt};

    /// Implemented by the provider modules' formats only.
    pub trait Sealed: Default + fmt::Debug {
        /// Reads the next bytes of the body, split anywhere, counting into `progress`.
        fn push(&mut self, bytes: &[u8], progress: &mut StreamProgress);

        /// What the framing itself skipped (SSE lines too long to keep).
        fn skipped_frames(&self) -> u64 {
            0
        }
    }
}

/// A streamed chat answer in format `F`, accumulated in bounded memory; each provider's
/// module names it `ChatStream` and adds `finish`, which turns it into a
/// [`Response`](crate::Response).
///
/// ```
/// use otel_kit_genai::openai::ChatStream;
///
/// let mut stream = ChatStream::new();
/// stream.push(b"data: {\"choices\":[]}\n");
/// stream.push(b"data: {not json\n: a comment\ndata: [DONE]\n");
/// assert!(stream.is_done());
/// assert_eq!((stream.chunks(), stream.skipped()), (1, 1));
/// ```
#[derive(Debug, Default)]
pub struct ChatStream<F> {
    pub(crate) format: F,
    pub(crate) progress: StreamProgress,
}

impl<F: StreamFormat> ChatStream<F> {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next bytes of the body, split anywhere.
    pub fn push(&mut self, bytes: &[u8]) {
        self.format.push(bytes, &mut self.progress);
    }

    /// Whether the provider's end-of-answer mark was seen: OpenAI's `data: [DONE]`,
    /// Anthropic's `message_stop`, Bedrock's `messageStop`.
    pub fn is_done(&self) -> bool {
        self.progress.done
    }

    /// How many chunks (events) were read.
    pub fn chunks(&self) -> u64 {
        self.progress.chunks
    }

    /// How many lines or messages were skipped: not JSON, not a chunk the format knows,
    /// or too long to keep (an SSE line over `MAX_LINE`, an event-stream message over
    /// Bedrock's `MAX_MESSAGE`).
    pub fn skipped(&self) -> u64 {
        self.progress.skipped + self.format.skipped_frames()
    }
}

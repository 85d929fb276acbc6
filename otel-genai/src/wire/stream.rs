//! The methods every `ChatStream` has (OpenAI-compatible, Anthropic, Bedrock), written
//! once: a stream has `chunks`, `skipped` and `done` fields, and an SSE stream a
//! `lines` field ([`Lines`](super::sse::Lines)) and a `data` method that reads one
//! `data:` line's data.

/// `new`, `is_done`, `chunks` and `skipped` (with `+ lines`, the lines too long to keep
/// count as skipped), each with the documentation given before its name; with `sse`,
/// `push` too, which hands each `data:` line's data to `self.data`.
macro_rules! chat_stream_methods {
    (
        sse,
        $(#[$is_done:meta])* is_done,
        $(#[$chunks:meta])* chunks,
        $(#[$skipped:meta])* skipped,
    ) => {
        /// Feeds the next bytes of the body, split anywhere.
        pub fn push(&mut self, bytes: &[u8]) {
            let mut lines = std::mem::take(&mut self.lines);
            lines.push(bytes, |line| {
                // Comments (`:`), `event:`, `id:`, `retry:` and blank lines carry none.
                if let Some(data) = $crate::wire::sse::data(line) {
                    self.data(data);
                }
            });
            self.lines = lines;
        }

        $crate::wire::stream::chat_stream_methods! {
            $(#[$is_done])* is_done,
            $(#[$chunks])* chunks,
            $(#[$skipped])* skipped + lines,
        }
    };
    (
        $(#[$is_done:meta])* is_done,
        $(#[$chunks:meta])* chunks,
        $(#[$skipped:meta])* skipped $(+ $lines:ident)?,
    ) => {
        /// An empty accumulator.
        pub fn new() -> Self {
            Self::default()
        }

        $(#[$is_done])*
        pub fn is_done(&self) -> bool {
            self.done
        }

        $(#[$chunks])*
        pub fn chunks(&self) -> u64 {
            self.chunks
        }

        $(#[$skipped])*
        pub fn skipped(&self) -> u64 {
            self.skipped $(+ self.$lines.skipped())?
        }
    };
}

pub(crate) use chat_stream_methods;

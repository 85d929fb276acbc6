//! [`StreamCall`]: the call of a row stream, which the stream ends when it ends, fails,
//! or is dropped.

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll, ready};

use futures_util::Stream;

use super::call::{Call, Outcome};
use super::instrumentation::Frontend;
use super::outcome::Failure;

/// A row stream's call and the rows read so far. Dropped before the stream ends, it
/// ends its call as abandoned.
pub(crate) struct StreamCall<F: Frontend> {
    call: Option<Call<F>>,
    rows: u64,
}

impl<F: Frontend> StreamCall<F> {
    /// `call`: none when the operation is not traced.
    pub(crate) fn new(call: Option<Call<F>>) -> Self {
        Self { call, rows: 0 }
    }

    /// The rows read so far (for tokio-postgres's `RowStream`'s `Debug`).
    #[cfg(feature = "tokio-postgres")]
    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// Polls `stream` for its next item, counting the items `is_row` says are rows
    /// (sqlx's streams interleave query results), and ends the call when the stream
    /// ends or first fails (its error read by `classify`).
    pub(crate) fn poll_next<S, T, E>(
        &mut self,
        stream: Pin<&mut S>,
        cx: &mut TaskContext<'_>,
        is_row: impl FnOnce(&T) -> bool,
        classify: impl FnOnce(&E) -> Failure,
    ) -> Poll<Option<Result<T, E>>>
    where
        S: Stream<Item = Result<T, E>> + ?Sized,
    {
        let item = ready!(stream.poll_next(cx));
        match &item {
            Some(Ok(value)) => self.rows += u64::from(is_row(value)),
            Some(Err(error)) => {
                if let Some(call) = self.call.take() {
                    call.finish(Outcome::Failed(classify(error)));
                }
            }
            None => {
                if let Some(call) = self.call.take() {
                    call.finish(Outcome::Done { rows: self.rows });
                }
            }
        }
        Poll::Ready(item)
    }
}

impl<F: Frontend> Drop for StreamCall<F> {
    fn drop(&mut self) {
        if let Some(call) = self.call.take() {
            call.finish(Outcome::Abandoned { rows: self.rows });
        }
    }
}

//! A row stream that ends its call's span when the stream ends, fails, or is
//! dropped.

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures_util::Stream;
use futures_util::stream::BoxStream;
use sqlx::Either;

use super::frontend::Sqlx;
use crate::sql_core::call::Call;
use crate::sql_core::outcome::Failure;
use crate::sql_core::stream_call::StreamCall;

pub(crate) struct TracedStream<'e, R, T> {
    // First: dropped before `inner`, it ends the call when the stream is dropped.
    call: StreamCall<Sqlx>,
    inner: BoxStream<'e, Result<Either<R, T>, sqlx::Error>>,
    /// Reads the database's errors.
    classify: fn(&sqlx::Error) -> Failure,
}

impl<'e, R, T> TracedStream<'e, R, T> {
    pub(crate) fn new(
        inner: BoxStream<'e, Result<Either<R, T>, sqlx::Error>>,
        call: Call<Sqlx>,
        classify: fn(&sqlx::Error) -> Failure,
    ) -> Self {
        Self {
            call: StreamCall::new(Some(call)),
            inner,
            classify,
        }
    }
}

impl<R, T> Stream for TracedStream<'_, R, T> {
    type Item = Result<Either<R, T>, sqlx::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let is_row = |item: &Either<R, T>| matches!(item, Either::Right(_));
        this.call
            .poll_next(this.inner.as_mut(), cx, is_row, this.classify)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

//! A row stream that ends its call's span when the stream ends, fails, or is
//! dropped.

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures_util::Stream;
use futures_util::stream::BoxStream;
use sqlx::Either;

use super::frontend::Sqlx;
use crate::sql_core::call::{Call, Outcome};
use crate::sql_core::outcome::Failure;

pub(crate) struct TracedStream<'e, R, T> {
    inner: BoxStream<'e, Result<Either<R, T>, sqlx::Error>>,
    call: Option<Call<Sqlx>>,
    rows: u64,
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
            inner,
            call: Some(call),
            rows: 0,
            classify,
        }
    }
}

impl<R, T> Stream for TracedStream<'_, R, T> {
    type Item = Result<Either<R, T>, sqlx::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let item = futures_util::ready!(this.inner.as_mut().poll_next(cx));
        match &item {
            Some(Ok(Either::Right(_))) => this.rows += 1,
            Some(Ok(Either::Left(_))) => {}
            Some(Err(error)) => {
                if let Some(op) = this.call.take() {
                    op.finish(Outcome::Failed((this.classify)(error)));
                }
            }
            None => {
                if let Some(op) = this.call.take() {
                    op.finish(Outcome::Done { rows: this.rows });
                }
            }
        }
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<R, T> Drop for TracedStream<'_, R, T> {
    fn drop(&mut self) {
        if let Some(op) = self.call.take() {
            op.finish(Outcome::Abandoned { rows: self.rows });
        }
    }
}

//! [`RowStream`]: the rows of a traced `query_raw`, which end its span when the stream
//! ends, fails, or is dropped.

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures_util::Stream;
use tokio_postgres::{Error, Row};

use super::frontend::TokioPostgres;
use super::outcome::classify;
use crate::sql_core::call::Call;
use crate::sql_core::stream_call::StreamCall;

/// The rows of [`InstrumentedClient::query_raw`](super::InstrumentedClient::query_raw),
/// a `Stream` of `Result<Row, Error>` as `tokio_postgres::RowStream` is.
pub struct RowStream {
    // First: dropped before `inner`, it ends the call when the stream is dropped.
    call: StreamCall<TokioPostgres>,
    inner: Pin<Box<tokio_postgres::RowStream>>,
}

impl std::fmt::Debug for RowStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream")
            .field("rows", &self.call.rows())
            .finish_non_exhaustive()
    }
}

impl RowStream {
    pub(super) fn new(inner: tokio_postgres::RowStream, call: Option<Call<TokioPostgres>>) -> Self {
        Self {
            call: StreamCall::new(call),
            inner: Box::pin(inner),
        }
    }

    /// The number of rows the statement changed, once the stream has ended
    /// (`RowStream::rows_affected`).
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// use futures_util::StreamExt as _;
    ///
    /// let mut rows = Box::pin(client.query_raw("UPDATE users SET seen = now() RETURNING id", Vec::<i64>::new()).await?);
    /// while rows.next().await.is_some() {}
    /// let changed = rows.rows_affected();
    /// # drop(changed);
    /// # Ok(())
    /// # }
    /// ```
    pub fn rows_affected(&self) -> Option<u64> {
        self.inner.rows_affected()
    }
}

impl Stream for RowStream {
    type Item = Result<Row, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        this.call
            .poll_next(this.inner.as_mut(), cx, |_: &Row| true, classify)
    }
}

//! The query methods of [`InstrumentedClient`] with the caller's [`DbOperation`](crate::DbOperation):
//! each written out, each running the client's driver call (`run.rs`) with the operation.

use tokio_postgres::types::BorrowToSql;
use tokio_postgres::{Error, Row};

use super::as_client::AsClient;
use super::client::InstrumentedClient;
use super::row_stream::RowStream;
use super::statement::{Params, ToStatement};
use crate::with_operation::WithOperation;

/// One query's methods with the caller's [`DbOperation`](crate::DbOperation); from
/// [`InstrumentedClient::with_operation`].
impl<C: AsClient> WithOperation<&InstrumentedClient<C>> {
    /// [`InstrumentedClient::query`] with this operation.
    pub async fn query<T>(&self, statement: &T, params: Params<'_>) -> Result<Vec<Row>, Error>
    where
        T: ToStatement + ?Sized,
    {
        self.inner
            .query_with(Some(&self.operation), statement, params)
            .await
    }

    /// [`InstrumentedClient::query_one`] with this operation.
    pub async fn query_one<T>(&self, statement: &T, params: Params<'_>) -> Result<Row, Error>
    where
        T: ToStatement + ?Sized,
    {
        self.inner
            .query_one_with(Some(&self.operation), statement, params)
            .await
    }

    /// [`InstrumentedClient::query_opt`] with this operation.
    pub async fn query_opt<T>(&self, statement: &T, params: Params<'_>) -> Result<Option<Row>, Error>
    where
        T: ToStatement + ?Sized,
    {
        self.inner
            .query_opt_with(Some(&self.operation), statement, params)
            .await
    }

    /// [`InstrumentedClient::execute`] with this operation.
    pub async fn execute<T>(&self, statement: &T, params: Params<'_>) -> Result<u64, Error>
    where
        T: ToStatement + ?Sized,
    {
        self.inner
            .execute_with(Some(&self.operation), statement, params)
            .await
    }

    /// [`InstrumentedClient::query_raw`] with this operation.
    pub async fn query_raw<T, P, I>(&self, statement: &T, params: I) -> Result<RowStream, Error>
    where
        T: ToStatement + ?Sized,
        P: BorrowToSql,
        I: IntoIterator<Item = P>,
        I::IntoIter: ExactSizeIterator,
    {
        self.inner
            .query_raw_with(Some(&self.operation), statement, params)
            .await
    }
}

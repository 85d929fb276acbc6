//! [`InstrumentedTransaction`]: a transaction, begun, committed and rolled back in
//! `BEGIN`, `COMMIT` and `ROLLBACK` spans.

use std::sync::Arc;

use tokio_postgres::Error;

use super::client::InstrumentedClient;
use super::frontend::TokioPostgres;
use super::run::step;
use crate::sql_core::instrumentation::Instrumentation;

/// A transaction begun with [`InstrumentedClient::transaction`]: the same traced
/// methods, and [`commit`](InstrumentedClient::commit) /
/// [`rollback`](InstrumentedClient::rollback) traced as `COMMIT` and `ROLLBACK`.
/// Dropped without either, tokio-postgres rolls it back (untraced).
pub type InstrumentedTransaction<'a> = InstrumentedClient<tokio_postgres::Transaction<'a>>;

impl InstrumentedClient {
    /// Begins a transaction, traced as `BEGIN`; the transaction's queries, `COMMIT` and
    /// `ROLLBACK` are traced too.
    ///
    /// ```no_run
    /// # async fn run(mut client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// let tx = client.transaction().await?;
    /// tx.execute("DELETE FROM sessions WHERE expired", &[]).await?;
    /// tx.commit().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn transaction(&mut self) -> Result<InstrumentedTransaction<'_>, Error> {
        begin(&self.instrumentation, &mut self.inner).await
    }
}

/// `BEGIN` on `client`, traced.
pub(super) async fn begin<'a>(
    instrumentation: &Arc<Instrumentation<TokioPostgres>>,
    client: &'a mut tokio_postgres::Client,
) -> Result<InstrumentedTransaction<'a>, Error> {
    let transaction = step(instrumentation, "BEGIN", client.transaction()).await?;
    Ok(InstrumentedClient::new(transaction, Arc::clone(instrumentation)))
}

impl<'a> InstrumentedTransaction<'a> {
    /// Commits, in a `COMMIT` span.
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// # let mut client = client;
    /// let tx = client.transaction().await?;
    /// tx.execute("INSERT INTO audit (note) VALUES ($1)", &[&"in"]).await?;
    /// tx.commit().await?; // `COMMIT`
    /// # Ok(())
    /// # }
    /// ```
    pub async fn commit(self) -> Result<(), Error> {
        step(&self.instrumentation, "COMMIT", self.inner.commit()).await
    }

    /// Rolls back, in a `ROLLBACK` span.
    ///
    /// ```no_run
    /// # async fn run(client: otel_kit_db::tokio_postgres::InstrumentedClient) -> Result<(), tokio_postgres::Error> {
    /// # let mut client = client;
    /// let tx = client.transaction().await?;
    /// tx.execute("DELETE FROM audit", &[]).await?;
    /// tx.rollback().await?; // `ROLLBACK`: nothing deleted
    /// # Ok(())
    /// # }
    /// ```
    pub async fn rollback(self) -> Result<(), Error> {
        step(&self.instrumentation, "ROLLBACK", self.inner.rollback()).await
    }
}

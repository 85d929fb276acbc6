//! [`AsClient`]: what an [`InstrumentedClient`](super::InstrumentedClient) can wrap.

/// What an [`InstrumentedClient`](super::InstrumentedClient) can wrap: a `tokio_postgres::Client`, a
/// `tokio_postgres::Transaction`, and (feature `deadpool-postgres`) a
/// `deadpool_postgres::Object`. Sealed.
pub trait AsClient: sealed::Sealed {}

pub(super) mod sealed {
    /// The client the queries go to.
    pub trait Sealed {
        fn client(&self) -> &tokio_postgres::Client;
    }
}

impl AsClient for tokio_postgres::Client {}
impl sealed::Sealed for tokio_postgres::Client {
    fn client(&self) -> &tokio_postgres::Client {
        self
    }
}

impl AsClient for tokio_postgres::Transaction<'_> {}
impl sealed::Sealed for tokio_postgres::Transaction<'_> {
    fn client(&self) -> &tokio_postgres::Client {
        // A transaction's queries go to its client: BEGIN was sent on that connection.
        tokio_postgres::Transaction::client(self)
    }
}

//! [`InstrumentedDeadpool`]: a deadpool-postgres pool whose clients are traced
//! (feature `deadpool-postgres`).

use std::fmt;
use std::sync::Arc;

use deadpool_postgres::{Object, Pool, PoolError};

use super::as_client::{AsClient, sealed};
use super::builder::{ClientBuilder, Connected};
use super::client::InstrumentedClient;
use super::frontend::TokioPostgres;
use super::transaction::{InstrumentedTransaction, begin};
use crate::pool_metrics;
use crate::sql_core::builder::Pooled;
use crate::sql_core::instrumentation::Instrumentation;

impl AsClient for Object {}
impl sealed::Sealed for Object {
    fn client(&self) -> &tokio_postgres::Client {
        self
    }
}

/// Chooses what an [`InstrumentedDeadpool`] records: the [`SqlBuilder`](crate::SqlBuilder) over
/// deadpool's pool, with its settings, `returned_rows` and `pool_name`; from
/// [`InstrumentedDeadpool::builder`].
///
/// ```no_run
/// # fn run(pool: deadpool_postgres::Pool, config: tokio_postgres::Config) {
/// use otel_kit_db::tokio_postgres::InstrumentedDeadpool;
///
/// let pool = InstrumentedDeadpool::builder(pool, &config).pool_name("orders").build();
/// assert_eq!(pool.pool_name(), "orders");
/// # }
/// ```
pub type DeadpoolBuilder = ClientBuilder<Pool>;

impl Pooled for Connected<Pool> {}

impl DeadpoolBuilder {
    /// The traced pool.
    ///
    /// ```no_run
    /// # fn run(pool: deadpool_postgres::Pool, config: tokio_postgres::Config) {
    /// use otel_kit_db::tokio_postgres::InstrumentedDeadpool;
    ///
    /// let pool = InstrumentedDeadpool::builder(pool, &config).build();
    /// # drop(pool);
    /// # }
    /// ```
    pub fn build(self) -> InstrumentedDeadpool {
        let (
            Connected {
                target: pool,
                endpoint,
            },
            mut settings,
        ) = self.into_parts();
        let name_lease = settings.name_pool(&endpoint).map(Arc::new);
        let instrumentation = settings.instrumentation(endpoint, false);
        // The pool held weakly: once every handle is gone the gauges report nothing.
        let weak = pool.weak();
        let snapshot: pool_metrics::Snapshot = Arc::new(move || {
            let status = weak.upgrade()?.status();
            let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
            Some(pool_metrics::Counts {
                idle: count(status.available),
                used: count(status.size.saturating_sub(status.available)),
                max: count(status.max_size),
            })
        });
        instrumentation.set_gauges(pool_metrics::gauges(instrumentation.pool_attribute(), snapshot));
        InstrumentedDeadpool {
            pool,
            instrumentation,
            _name_lease: name_lease,
        }
    }
}

/// A deadpool-postgres [`Pool`] whose clients ([`get`](Self::get)) are
/// [`InstrumentedClient`]s; a wait for a client that times out is counted in
/// `db.client.connection.timeouts`, and the pool reports `db.client.connection.count`
/// (`idle`, `used`) and `db.client.connection.limit`, as the sqlx pool does. Cloning is
/// cheap and shares the pool.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use otel_kit_db::tokio_postgres::InstrumentedDeadpool;
///
/// let config: tokio_postgres::Config = "postgres://app@localhost/shop".parse()?;
/// let manager = deadpool_postgres::Manager::new(config.clone(), tokio_postgres::NoTls);
/// let pool = deadpool_postgres::Pool::builder(manager).max_size(16).build()?;
/// let pool = InstrumentedDeadpool::builder(pool, &config).build();
///
/// let client = pool.get().await?;
/// let rows = client.query("SELECT id FROM users WHERE id > $1", &[&10_i64]).await?; // span `SELECT users`
/// # drop(rows);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct InstrumentedDeadpool {
    pool: Pool,
    instrumentation: Arc<Instrumentation<TokioPostgres>>,
    /// The default pool name this pool holds while any of its clones lives.
    _name_lease: Option<Arc<crate::pool_metrics::PoolNameLease>>,
}

impl fmt::Debug for InstrumentedDeadpool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstrumentedDeadpool")
            .field("pool", &self.pool)
            .field("instrumentation", &self.instrumentation)
            .finish()
    }
}

impl InstrumentedDeadpool {
    /// A builder for `pool`, whose manager connects with `config` (deadpool does not
    /// say its configuration, so it is given here too).
    ///
    /// ```no_run
    /// # fn run(pool: deadpool_postgres::Pool, config: tokio_postgres::Config) {
    /// use otel_kit_db::tokio_postgres::InstrumentedDeadpool;
    ///
    /// let pool = InstrumentedDeadpool::builder(pool, &config)
    ///     .query_text(otel_kit_db::QueryText::Off)
    ///     .build();
    /// # drop(pool);
    /// # }
    /// ```
    pub fn builder(pool: Pool, config: &tokio_postgres::Config) -> DeadpoolBuilder {
        Connected::builder(pool, config)
    }

    /// Takes a client from the pool (`Pool::get`); its queries are traced. A timeout
    /// is counted in `db.client.connection.timeouts`.
    ///
    /// ```no_run
    /// # async fn run(pool: otel_kit_db::tokio_postgres::InstrumentedDeadpool) -> Result<(), Box<dyn std::error::Error>> {
    /// let client = pool.get().await?;
    /// let rows = client.query("SELECT 1", &[]).await?; // `SELECT`
    /// # drop(rows);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get(&self) -> Result<InstrumentedClient<Object>, PoolError> {
        match self.pool.get().await {
            Ok(object) => Ok(InstrumentedClient::new(object, Arc::clone(&self.instrumentation))),
            Err(error) => {
                if matches!(error, PoolError::Timeout(_)) {
                    self.instrumentation.count_timeout();
                }
                Err(error)
            }
        }
    }

    /// `db.client.connection.pool.name` of this pool's metrics.
    ///
    /// ```no_run
    /// # async fn run(pool: otel_kit_db::tokio_postgres::InstrumentedDeadpool) -> Result<(), Box<dyn std::error::Error>> {
    /// println!("{}", pool.pool_name()); // `127.0.0.1:5432/shop` by default
    /// # Ok(())
    /// # }
    /// ```
    pub fn pool_name(&self) -> &str {
        self.instrumentation.pool_name.as_str()
    }

    /// The wrapped pool (its clients are not traced).
    ///
    /// ```no_run
    /// # async fn run(pool: otel_kit_db::tokio_postgres::InstrumentedDeadpool) -> Result<(), Box<dyn std::error::Error>> {
    /// let status = pool.pool().status();
    /// # drop(status);
    /// # Ok(())
    /// # }
    /// ```
    pub fn pool(&self) -> &Pool {
        &self.pool
    }
}

impl InstrumentedClient<Object> {
    /// Begins a transaction on the pooled client, traced as `BEGIN` (see
    /// [`InstrumentedClient::transaction`]).
    ///
    /// ```no_run
    /// # async fn run(pool: otel_kit_db::tokio_postgres::InstrumentedDeadpool) -> Result<(), Box<dyn std::error::Error>> {
    /// let mut client = pool.get().await?;
    /// let tx = client.transaction().await?; // `BEGIN`
    /// tx.commit().await?; // `COMMIT`
    /// # Ok(())
    /// # }
    /// ```
    pub async fn transaction(&mut self) -> Result<InstrumentedTransaction<'_>, tokio_postgres::Error> {
        let instrumentation = Arc::clone(self.instrumentation());
        begin(&instrumentation, self.get_mut()).await
    }
}

//! [`StatementLog`]: sqlx's own statement log (its `sqlx::query` events) as CLIENT
//! spans and duration points, for code that keeps passing a plain `PgPool`. A
//! `tracing` layer with its own filter: it takes `sqlx::query` events and no other call
//! site.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use futures_util::Stream;
use futures_util::stream::BoxStream;

use opentelemetry::Context;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::{Filtered, Targets};
use tracing_subscriber::layer::{self, Layer};

use super::database::{ConnectOptionsOf, InstrumentedDatabase};
use crate::sql_core::builder::{ReturnsRows, SqlBuilder};
use crate::sql_core::call::{Call, Outcome};
use crate::sql_core::instrumentation::Instrumentation;
use crate::sql_core::statement::Statement;
use crate::sql_core::statement_cache;

crate::sql_core::instrumentation::frontend!(
    /// sqlx's statement log.
    SqlxLog,
    &["SQLX"]
);

/// The target sqlx logs each statement under.
const TARGET: &str = "sqlx::query";

/// Set once a [`StatementLog`] is built: from then on the pool wrapper marks what it
/// runs, so that the log does not record its statements a second time.
static IN_USE: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// How many of the pool wrapper's operations this thread is polling or dropping:
    /// sqlx logs a statement while its future or stream is polled, and a cancelled one
    /// from its destructor.
    static WRAPPER_POLLING: Cell<u32> = const { Cell::new(0) };
}

/// The wrapper's statements a driver runs on a worker thread of its own (SQLite), where
/// the per-thread mark cannot reach: each by the hash of its text and a number of its
/// own, from the start of the wrapper's operation until the log takes it or the
/// operation ends. The log takes one per logged statement of that text, so a plain
/// pool's statement of the same text at the same moment is still recorded once.
static ON_WORKER: Mutex<Vec<(u64, u64)>> = Mutex::new(Vec::new());

/// How many entries [`ON_WORKER`] holds: the log hashes a statement only when some.
static ON_WORKER_COUNT: AtomicUsize = AtomicUsize::new(0);

/// The number of the next [`OnWorker`].
static NEXT_ON_WORKER: AtomicU64 = AtomicU64::new(0);

/// A statement's text as both sides hash it (sqlx logs it between blank lines).
fn text_hash(text: &str) -> u64 {
    use std::hash::{BuildHasher as _, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(text.trim())
}

/// One of the wrapper's statements in [`ON_WORKER`], removed when dropped unless the log
/// took it.
pub(crate) struct OnWorker(u64);

impl OnWorker {
    /// Registered when the driver runs statements on a worker
    /// ([`InstrumentedDatabase::RUNS_ON_WORKER`]) and a log exists.
    pub(crate) fn register(on_worker: bool, text: &str) -> Option<Self> {
        if !on_worker || !IN_USE.load(Ordering::Relaxed) {
            return None;
        }
        let id = NEXT_ON_WORKER.fetch_add(1, Ordering::Relaxed);
        let mut on_worker = ON_WORKER.lock().unwrap_or_else(PoisonError::into_inner);
        on_worker.push((text_hash(text), id));
        ON_WORKER_COUNT.store(on_worker.len(), Ordering::Relaxed);
        Some(OnWorker(id))
    }
}

impl Drop for OnWorker {
    fn drop(&mut self) {
        let mut on_worker = ON_WORKER.lock().unwrap_or_else(PoisonError::into_inner);
        on_worker.retain(|&(_, id)| id != self.0);
        ON_WORKER_COUNT.store(on_worker.len(), Ordering::Relaxed);
    }
}

/// Whether a logged statement of this text is the wrapper's (run on a worker), taking
/// its entry so that it answers once.
fn taken_by_wrapper(text: &str) -> bool {
    if ON_WORKER_COUNT.load(Ordering::Relaxed) == 0 {
        return false;
    }
    let hash = text_hash(text);
    let mut on_worker = ON_WORKER.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(at) = on_worker.iter().position(|&(h, _)| h == hash) else {
        return false;
    };
    on_worker.swap_remove(at);
    ON_WORKER_COUNT.store(on_worker.len(), Ordering::Relaxed);
    true
}

/// `work` (a driver's future or row stream the pool wrapper records), marked while it
/// is polled or dropped once a statement log exists, with its statement's entry in
/// [`ON_WORKER`] if any; as it is before (no mark).
pub(crate) fn wrapper_runs<W>(
    work: W,
    on_worker: Option<OnWorker>,
) -> futures_util::future::Either<W, WrapperRuns<W>> {
    if IN_USE.load(Ordering::Relaxed) {
        futures_util::future::Either::Right(WrapperRuns::new(work, on_worker))
    } else {
        futures_util::future::Either::Left(work)
    }
}

/// [`wrapper_runs`] for a row stream, kept a `BoxStream` (boxed once more only when
/// marked).
pub(crate) fn wrapper_streams<'e, T: 'e>(
    rows: BoxStream<'e, T>,
    on_worker: Option<OnWorker>,
) -> BoxStream<'e, T> {
    if IN_USE.load(Ordering::Relaxed) {
        Box::pin(WrapperRuns::new(rows, on_worker))
    } else {
        rows
    }
}

pin_project_lite::pin_project! {
    /// A driver's future or stream that the pool wrapper records, marked while polled
    /// and while dropped. Fields drop in order: the work (which may log), then its
    /// worker entry, then the mark set for the drop.
    pub(crate) struct WrapperRuns<W> {
        #[pin]
        work: W,
        on_worker: Option<OnWorker>,
        dropping: Option<Polling>,
    }

    impl<W> PinnedDrop for WrapperRuns<W> {
        fn drop(this: Pin<&mut Self>) {
            // A cancelled statement logs from the work's destructor (sqlx's logger).
            *this.project().dropping = Some(Polling::enter());
        }
    }
}

impl<W> WrapperRuns<W> {
    fn new(work: W, on_worker: Option<OnWorker>) -> Self {
        WrapperRuns {
            work,
            on_worker,
            dropping: None,
        }
    }
}

/// Counts one of this thread's polls (or drops) of the wrapper's work, until dropped
/// (also when the poll unwinds).
struct Polling;

impl Polling {
    fn enter() -> Self {
        WRAPPER_POLLING.with(|n| n.set(n.get() + 1));
        Polling
    }
}

impl Drop for Polling {
    fn drop(&mut self) {
        WRAPPER_POLLING.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

impl<W: Future> Future for WrapperRuns<W> {
    type Output = W::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<W::Output> {
        let _polling = Polling::enter();
        self.project().work.poll(cx)
    }
}

impl<W: Stream> Stream for WrapperRuns<W> {
    type Item = W::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<W::Item>> {
        let _polling = Polling::enter();
        self.project().work.poll_next(cx)
    }
}

/// What the statement log records, chosen before its layer is built: a [`SqlBuilder`]
/// over database `DB`'s connect options. Made by [`statement_log`].
pub type StatementLogBuilder<DB> = SqlBuilder<LogClient<DB>>;

/// The statement log's client part of a [`SqlBuilder`]: where its statements go.
// `pub` in a private module: named by the public `StatementLogBuilder` alias.
pub struct LogClient<DB> {
    endpoint: crate::front_end::endpoint::Endpoint,
    database: PhantomData<fn() -> DB>,
}

impl<DB> Clone for LogClient<DB> {
    fn clone(&self) -> Self {
        Self {
            endpoint: self.endpoint.clone(),
            database: PhantomData,
        }
    }
}

impl<DB> ReturnsRows for LogClient<DB> {}

/// sqlx's own statement log as spans, for code that passes a plain `&PgPool` (or
/// `Transaction<'_, Postgres>`) and is not to change its signatures: no wrapper, one
/// line where the `tracing` subscriber is made. `options` are the pool's connect
/// options (`pool.connect_options()`, or parsed from the URL before the pool exists),
/// read for `server.address`, `server.port` and `db.namespace`, never for the password.
///
/// Each statement sqlx runs and logs (it logs every one at DEBUG by default, under the
/// target `sqlx::query`) becomes one CLIENT span, a child of the current context, with
/// the pool wrapper's name, summary, sanitised text and attributes, and one
/// `db.client.operation.duration` point, both starting when sqlx began the statement.
/// What the log cannot say is not recorded: a statement that failed looks like one that
/// returned no rows (no `error.type`, no status), the text is always sanitised (the log
/// does not say whether the query had bind values), and MySQL's driver is not asked
/// whether the server is MariaDB ([`system_name`](SqlBuilder::system_name) says so).
/// SQLite runs statements on sqlx's worker thread, so its spans have no parent.
/// Statements the pool wrapper records ([`instrument`](crate::instrument)) are left
/// out, so both can serve one service while it moves to the wrapper.
///
/// ```
/// use std::str::FromStr as _;
///
/// use sqlx::postgres::PgConnectOptions;
/// use tracing_subscriber::prelude::*;
///
/// let options = PgConnectOptions::from_str("postgres://app:secret@db.internal/shop").unwrap();
/// let subscriber = tracing_subscriber::registry()
///     .with(otel_kit_db::statement_log::<sqlx::Postgres>(&options).layer());
/// # drop(subscriber);
/// ```
///
/// With otel-kit-init, give the layer to `Builder::tracing_layer`.
pub fn statement_log<DB: InstrumentedDatabase>(options: &ConnectOptionsOf<DB>) -> StatementLogBuilder<DB> {
    SqlBuilder::for_client(LogClient {
        endpoint: DB::endpoint(options),
        database: PhantomData,
    })
}

impl<DB: InstrumentedDatabase> StatementLogBuilder<DB> {
    /// The layer, with its filter: `sqlx::query` events at DEBUG and above (sqlx logs
    /// statements at DEBUG, slow ones at WARN, unless its connect options say
    /// otherwise), nothing else. Not TRACE: with otel-kit-init's `log-bridge`, the
    /// `log` crate's records are let through down to the most verbose level a layer
    /// asks for, and every crate's TRACE record would then be asked about.
    ///
    /// ```
    /// use sqlx::sqlite::SqliteConnectOptions;
    /// use tracing_subscriber::prelude::*;
    ///
    /// let layer = otel_kit_db::statement_log::<sqlx::Sqlite>(&SqliteConnectOptions::new())
    ///     .returned_rows(true)
    ///     .layer();
    /// let subscriber = tracing_subscriber::registry().with(layer);
    /// # drop(subscriber);
    /// ```
    pub fn layer<S>(self) -> Filtered<StatementLog, Targets, S>
    where
        S: Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    {
        let (client, settings) = self.into_parts();
        let log = StatementLog {
            instrumentation: settings.instrumentation(client.endpoint, false),
            dialect: DB::DIALECT,
        };
        IN_USE.store(true, Ordering::Relaxed);
        log.with_filter(Targets::new().with_target(TARGET, tracing::Level::DEBUG))
    }
}

/// The `tracing` layer [`statement_log`] builds: each `sqlx::query` event it is given
/// becomes a span and a duration point.
pub struct StatementLog {
    instrumentation: Arc<Instrumentation<SqlxLog>>,
    dialect: crate::sql::SqlDialect,
}

impl fmt::Debug for StatementLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatementLog")
            .field("system", &self.instrumentation.system())
            .finish_non_exhaustive()
    }
}

impl<S: Subscriber> Layer<S> for StatementLog {
    fn on_event(&self, event: &Event<'_>, _ctx: layer::Context<'_, S>) {
        if event.metadata().target() != TARGET {
            return;
        }
        if WRAPPER_POLLING.with(Cell::get) > 0 {
            return;
        }
        let parent = Context::current();
        let mut fields = LoggedStatement {
            dialect: self.dialect,
            ..LoggedStatement::default()
        };
        event.record(&mut fields);
        let Some((statement, elapsed)) = fields.statement.zip(fields.elapsed) else {
            return;
        };
        if taken_by_wrapper(&fields.text) {
            return;
        }
        let mode = self.instrumentation.options.query_text.get();
        // Whether the query had bind values is not logged: sanitised, as one without.
        let text = statement.query_text(mode, false);
        Call::started_ago(
            &self.instrumentation,
            &parent,
            statement,
            None,
            text,
            Some(elapsed),
        )
        .finish(Outcome::Done { rows: fields.rows });
    }
}

/// What one `sqlx::query` event says. sqlx logs `summary` (the text's first words, or
/// the whole text when that is all of it), `db.statement` (the text, between blank
/// lines, when the summary is not all of it), the rows and the elapsed time.
#[derive(Default)]
struct LoggedStatement {
    dialect: crate::sql::SqlDialect,
    statement: Option<Arc<Statement>>,
    /// The text described, for [`taken_by_wrapper`].
    text: String,
    rows: u64,
    elapsed: Option<Duration>,
}

impl LoggedStatement {
    fn describe(&mut self, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.statement = Some(statement_cache::describe(text, self.dialect, true));
            if ON_WORKER_COUNT.load(Ordering::Relaxed) > 0 {
                text.clone_into(&mut self.text);
            }
        }
    }
}

impl Visit for LoggedStatement {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            // Logged before `db.statement`, which replaces it when not empty.
            "summary" if self.statement.is_none() && !value.ends_with(" …") => self.describe(value),
            "db.statement" => self.describe(value),
            _ => {}
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "rows_returned" {
            self.rows = value;
        }
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.elapsed = Duration::try_from_secs_f64(value).ok();
        }
    }

    fn record_debug(&mut self, _field: &Field, _value: &dyn fmt::Debug) {}
}

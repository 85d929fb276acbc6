//! The `inventory` table, owned by `orders`, through sqlx, with the cache of
//! `inventory_cache.rs` in front of the price lookup when `REDIS_URL` is set.
//!
//! Instrumentation: `InstrumentedPool::builder(pool).providers(..).build()`, given orders'
//! providers. Every query below is then a DB CLIENT span (`SELECT inventory`, `UPDATE
//! inventory`, ...) with parameterised text, and `db.client.operation.duration` is
//! recorded. SQLite by default, PostgreSQL when
//! `DATABASE_URL` says so: the SQL below is written once for both.

use otel_kit::db::{InstrumentedPool, Providers};
use sqlx::{Postgres, Sqlite};

use super::inventory_cache::InventoryCache;

/// What the shop sells: sku, name, price in cents.
const CATALOGUE: [(&str, &str, i64); 4] = [
    ("espresso-beans", "Espresso beans, 1 kg", 2_400),
    ("grinder", "Burr grinder", 12_900),
    ("kettle", "Gooseneck kettle", 5_900),
    ("cups", "Two cups", 1_800),
];

/// Stock large enough that a demo run never sells out.
const INITIAL_STOCK: i64 = 1_000_000;

/// The key of an order placed before the demo starts: a checkout sent with it is a
/// retry of that order, refused by the database's unique key (a DB error span).
pub(crate) const REPLAYED_KEY: &str = "replayed-checkout";

/// An item's price, `SELECT inventory`: in the transaction, or for the cache.
const PRICE: &str = "SELECT price_cents FROM inventory WHERE sku = $1";

/// Orders of this many items or more run the bulk availability report first: the slow
/// query of the demo (a recursive count the database cannot shortcut).
pub(crate) const BULK_QUANTITY: u32 = 50;

/// Taken by an instance while it creates the tables on PostgreSQL. Any number serves,
/// as long as every instance takes the same one.
const SCHEMA_LOCK: &str = "SELECT pg_advisory_xact_lock(7346921505)";

/// The table, and the cache in front of its price lookups when there is one.
#[derive(Clone)]
pub(crate) struct Inventory {
    pool: Pool,
    cache: Option<InventoryCache>,
}

/// The pool, for either database.
#[derive(Clone)]
enum Pool {
    Sqlite(InstrumentedPool<Sqlite>),
    Postgres(InstrumentedPool<Postgres>),
}

/// The same body for both pools: the SQL is identical, only the driver type differs.
macro_rules! on_pool {
    ($pool_of:expr, |$pool:ident| $body:expr) => {
        match $pool_of {
            Pool::Sqlite($pool) => $body,
            Pool::Postgres($pool) => $body,
        }
    };
}

/// Why an item could not be reserved.
#[derive(Debug)]
pub(crate) enum ReserveError {
    UnknownSku,
    OutOfStock,
    /// An order with this idempotency key exists.
    Duplicate,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for ReserveError {
    fn from(error: sqlx::Error) -> Self {
        ReserveError::Database(error)
    }
}

impl Inventory {
    /// Connects to `database_url` (`sqlite:` or `postgres:`), creates and fills the table;
    /// its queries and pool metrics record to `providers`. Prices are looked up through
    /// `cache` when given.
    pub(crate) async fn open(
        database_url: &str,
        providers: Providers,
        cache: Option<InventoryCache>,
    ) -> Result<Inventory, sqlx::Error> {
        let pool = if database_url.starts_with("postgres") {
            let pool = sqlx::PgPool::connect(database_url).await?;
            Pool::Postgres(InstrumentedPool::builder(pool).providers(providers).build())
        } else {
            let options: sqlx::sqlite::SqliteConnectOptions = database_url.parse()?;
            // WAL and a busy timeout: concurrent orders wait for the write lock.
            let options = options
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(std::time::Duration::from_secs(5));
            let pool = sqlx::SqlitePool::connect_with(options).await?;
            Pool::Sqlite(InstrumentedPool::builder(pool).providers(providers).build())
        };
        // Instances that start together against one PostgreSQL database would race in
        // `CREATE TABLE IF NOT EXISTS`, which is not safe against a concurrent creation
        // (the loser fails on a unique key of PostgreSQL's catalog): there the tables are
        // made in a transaction that holds a database-wide advisory lock, one instance at
        // a time. SQLite needs none: one writer at a time, and each statement checks the
        // schema again under the write lock.
        let schema_lock = match &pool {
            Pool::Postgres(_) => Some(SCHEMA_LOCK),
            Pool::Sqlite(_) => None,
        };
        on_pool!(&pool, |pool| {
            let mut tx = pool.begin().await?;
            if let Some(lock) = schema_lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            sqlx::query(
                "CREATE TABLE IF NOT EXISTS inventory \
                 (sku TEXT PRIMARY KEY, name TEXT NOT NULL, price_cents BIGINT NOT NULL, stock BIGINT NOT NULL)",
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "CREATE TABLE IF NOT EXISTS orders \
                 (idempotency_key TEXT PRIMARY KEY, sku TEXT NOT NULL, quantity BIGINT NOT NULL)",
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            sqlx::query(
                "INSERT INTO orders (idempotency_key, sku, quantity) VALUES ($1, 'cups', 1) \
                 ON CONFLICT (idempotency_key) DO NOTHING",
            )
            .bind(REPLAYED_KEY)
            .execute(pool)
            .await?;
            for (sku, name, price) in CATALOGUE {
                sqlx::query(
                    "INSERT INTO inventory (sku, name, price_cents, stock) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (sku) DO UPDATE SET stock = $4",
                )
                .bind(sku)
                .bind(name)
                .bind(price)
                .bind(INITIAL_STOCK)
                .execute(pool)
                .await?;
            }
        });
        Ok(Inventory { pool, cache })
    }

    /// Takes `quantity` of `sku` off the shelf and records the order under `key`, in one
    /// transaction; returns the price of one item in cents. With a cache, the price is
    /// looked up first, through it (an unknown sku then costs no transaction); without
    /// one, the transaction reads it.
    pub(crate) async fn reserve(&self, key: &str, sku: &str, quantity: u32) -> Result<i64, ReserveError> {
        if quantity >= BULK_QUANTITY {
            self.bulk_availability_report().await?;
        }
        let known_price = match &self.cache {
            Some(cache) => match cache.price(sku, self.price(sku)).await? {
                Some(price) => Some(price),
                None => return Err(ReserveError::UnknownSku),
            },
            None => None,
        };
        on_pool!(&self.pool, |pool| {
            let mut tx = pool.begin().await?;
            // The write first: it takes the lock, so two orders cannot both read the
            // same stock and then both fail to upgrade to writing.
            let taken = sqlx::query("UPDATE inventory SET stock = stock - $1 WHERE sku = $2 AND stock >= $1")
                .bind(i64::from(quantity))
                .bind(sku)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let price: Option<i64> = match known_price {
                Some(price) => Some(price),
                None => {
                    sqlx::query_scalar(PRICE)
                        .bind(sku)
                        .fetch_optional(&mut *tx)
                        .await?
                }
            };
            match (taken, price) {
                (1, Some(price)) => {
                    let recorded = sqlx::query(
                        "INSERT INTO orders (idempotency_key, sku, quantity) VALUES ($1, $2, $3)",
                    )
                    .bind(key)
                    .bind(sku)
                    .bind(i64::from(quantity))
                    .execute(&mut *tx)
                    .await;
                    match recorded {
                        Ok(_) => {
                            tx.commit().await?;
                            Ok(price)
                        }
                        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                            tx.rollback().await?;
                            Err(ReserveError::Duplicate)
                        }
                        Err(error) => Err(error.into()),
                    }
                }
                (_, None) => {
                    tx.rollback().await?;
                    Err(ReserveError::UnknownSku)
                }
                (_, Some(_)) => {
                    tx.rollback().await?;
                    Err(ReserveError::OutOfStock)
                }
            }
        })
    }

    /// The price of `sku` in cents, `None` when there is no such sku.
    async fn price(&self, sku: &str) -> Result<Option<i64>, sqlx::Error> {
        on_pool!(&self.pool, |pool| {
            sqlx::query_scalar(PRICE).bind(sku).fetch_optional(pool).await
        })
    }

    /// Deletes what this run cached (the demo's clean-up at the end of a run).
    pub(crate) async fn forget_cached(&self) {
        if let Some(cache) = &self.cache {
            cache.forget(CATALOGUE.iter().map(|(sku, _, _)| *sku)).await;
        }
    }

    /// Puts `quantity` of `sku` back and forgets order `key` (the payment failed).
    pub(crate) async fn release(&self, key: &str, sku: &str, quantity: u32) -> Result<(), sqlx::Error> {
        on_pool!(&self.pool, |pool| {
            sqlx::query("UPDATE inventory SET stock = stock + $1 WHERE sku = $2")
                .bind(i64::from(quantity))
                .bind(sku)
                .execute(pool)
                .await?;
            sqlx::query("DELETE FROM orders WHERE idempotency_key = $1")
                .bind(key)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The slow query: a report that counts through a few hundred thousand rows.
    async fn bulk_availability_report(&self) -> Result<i64, sqlx::Error> {
        const REPORT: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000) \
                              SELECT count(*) FROM n";
        on_pool!(&self.pool, |pool| sqlx::query_scalar(REPORT)
            .fetch_one(pool)
            .await)
    }
}

#[cfg(test)]
mod tests;

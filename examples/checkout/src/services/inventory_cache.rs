//! The inventory's read-through cache in Redis, when `REDIS_URL` is set: an item's
//! price (which also says the sku exists) is read from Redis, and on a miss from the
//! database, then kept for [`TTL_SECONDS`]. The stock itself is never cached: every
//! order changes it, and the database's conditional `UPDATE` is what keeps two orders
//! from selling the same item.
//!
//! Instrumentation: `InstrumentedRedis::builder(connection, info).providers(..)`, given
//! orders' providers: a CLIENT span per command (`GET`, `SET`) and
//! `db.client.operation.duration` with `db.system.name = redis`. Each lookup is an
//! `inventory lookup` span of the demo's own, with `shop.cache.hit`: a hit is a `GET`
//! alone under it, a miss a `GET`, the database's `SELECT inventory`, then a `SET`.
//!
//! Keys are `checkout:<run>:price:<sku>`: runs sharing a server never read each other's
//! entries, and each run deletes its own at the end.

use std::future::Future;

use otel_kit::db::Providers;
use otel_kit::db::redis::InstrumentedRedis;
use otel_kit::opentelemetry::trace::{FutureExt as _, SpanKind, TraceContextExt as _, Tracer as _};
use otel_kit::opentelemetry::{Context, KeyValue};
use otel_kit::opentelemetry_sdk::trace::SdkTracer;
use redis::AsyncCommands as _;
use redis::aio::MultiplexedConnection;

/// The instrumentation scope of the lookup spans.
pub(crate) const SCOPE: &str = "checkout.inventory";

/// How long a price stays cached.
pub(crate) const TTL_SECONDS: u64 = 60;

/// The lookup's span.
pub(crate) const LOOKUP_SPAN: &str = "inventory lookup";

/// Whether the lookup was answered by the cache; the demo's own attribute.
const CACHE_HIT: &str = "shop.cache.hit";

/// The sku looked up; the demo's own attribute.
const SKU: &str = "shop.product.sku";

/// The cache: a Redis connection and this run's key prefix.
#[derive(Clone)]
pub(crate) struct InventoryCache {
    redis: InstrumentedRedis<MultiplexedConnection>,
    prefix: String,
    tracer: SdkTracer,
}

impl InventoryCache {
    /// Connects to `url`; commands record to `providers`, lookups to `tracer` (orders').
    pub(crate) async fn connect(
        url: &str,
        run: &str,
        providers: Providers,
        tracer: SdkTracer,
    ) -> redis::RedisResult<InventoryCache> {
        let client = redis::Client::open(url)?;
        let connection = client.get_multiplexed_async_connection().await?;
        let redis = InstrumentedRedis::builder(connection, client.get_connection_info())
            .providers(providers)
            .build();
        Ok(InventoryCache {
            redis,
            prefix: format!("checkout:{run}:price:"),
            tracer,
        })
    }

    fn key(&self, sku: &str) -> String {
        format!("{}{sku}", self.prefix)
    }

    /// The price of `sku` in cents: from the cache, else from `load` (the database),
    /// then cached. `Ok(None)`: no such sku, not cached, so an item added later is seen
    /// at once. A cache that fails is read around: the order goes on with the database.
    pub(crate) async fn price<E>(
        &self,
        sku: &str,
        load: impl Future<Output = Result<Option<i64>, E>>,
    ) -> Result<Option<i64>, E> {
        let span = self
            .tracer
            .span_builder(LOOKUP_SPAN)
            .with_kind(SpanKind::Internal)
            .with_attributes([KeyValue::new(SKU, sku.to_owned())])
            .start(&self.tracer);
        let cx = Context::current_with_span(span);
        let looked_up = self.read_through(sku, load).with_context(cx.clone()).await;
        if let Ok((_, hit)) = &looked_up {
            cx.span().set_attribute(KeyValue::new(CACHE_HIT, *hit));
        }
        cx.span().end();
        looked_up.map(|(price, _)| price)
    }

    /// The price and whether the cache had it.
    async fn read_through<E>(
        &self,
        sku: &str,
        load: impl Future<Output = Result<Option<i64>, E>>,
    ) -> Result<(Option<i64>, bool), E> {
        let key = self.key(sku);
        let mut redis = self.redis.clone();
        // A value that is not a number (someone else's) fails here too: read around it.
        match redis.get::<_, Option<i64>>(&key).await {
            Ok(Some(price)) => return Ok((Some(price), true)),
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "inventory cache unreadable, reading the database"),
        }
        let price = load.await?;
        if let Some(price) = price {
            let stored: redis::RedisResult<()> = redis::cmd("SET")
                .arg(&key)
                .arg(price)
                .arg("EX")
                .arg(TTL_SECONDS)
                .query_async(&mut redis)
                .await;
            if let Err(error) = stored {
                tracing::warn!(%error, "price not cached");
            }
        }
        Ok((price, false))
    }

    /// Deletes this run's entries for `skus`. Untraced (`inner()`): the demo's clean-up,
    /// not the shop's work.
    pub(crate) async fn forget(&self, skus: impl IntoIterator<Item = &str>) {
        let keys: Vec<String> = skus.into_iter().map(|sku| self.key(sku)).collect();
        let mut connection = self.redis.inner().clone();
        let deleted: redis::RedisResult<()> = redis::cmd("DEL").arg(keys).query_async(&mut connection).await;
        if let Err(error) = deleted {
            tracing::warn!(%error, "inventory cache entries not deleted");
        }
    }
}

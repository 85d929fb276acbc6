//! The scenarios without a network peer of their own: otel-kit-db's sqlx wrapper on
//! SQLite, otel-kit-genai's chat helper, and an application counter.

use std::error::Error;

use opentelemetry::KeyValue;
use opentelemetry::context::FutureExt as _;

use super::Ids;

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

/// `n` `SELECT`s by primary key through the instrumented pool, each under its own remote
/// parent.
pub(super) async fn db(n: usize) -> Result {
    let options: sqlx::sqlite::SqliteConnectOptions = "sqlite::memory:".parse()?;
    // One connection: an in-memory database exists once per connection.
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    // The table is made before the pool is instrumented: only the SELECTs make spans.
    sqlx::query("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        .execute(&pool)
        .await?;
    for id in 0..100_i64 {
        sqlx::query("INSERT INTO items (id, name) VALUES ($1, $2)")
            .bind(id)
            .bind(format!("item {id}"))
            .execute(&pool)
            .await?;
    }
    let pool = otel_kit_db::instrument(pool);
    let mut ids = Ids::new();
    for i in 0..n {
        let _name: String = sqlx::query_scalar("SELECT name FROM items WHERE id = $1")
            .bind((i % 100) as i64)
            .fetch_one(&pool)
            .with_context(ids.remote_parent())
            .await?;
    }
    Ok(())
}

/// `n` chat calls through `otel_kit_genai::chat`, each under its own remote parent, ended
/// with a response carrying an id, the model, a finish reason and token usage.
pub(super) async fn genai(n: usize) -> Result {
    let mut ids = Ids::new();
    for i in 0..n {
        let parent = ids.remote_parent();
        let call = otel_kit_genai::chat("openai", "gpt-4o-mini")
            .server_url("https://api.openai.com/v1")
            .temperature(0.2)
            .max_tokens(512)
            .parent(&parent)
            .start();
        let response = otel_kit_genai::Response::new()
            .id(format!("chatcmpl-{:016x}{:016x}", ids.next(), ids.next()))
            .model("gpt-4o-mini-2024-07-18")
            .finish_reason("stop")
            .usage(otel_kit_genai::Usage {
                input_tokens: Some(400 + (i % 300) as u64),
                output_tokens: Some(60 + (i % 90) as u64),
                ..Default::default()
            });
        call.record_response(&response);
    }
    Ok(())
}

/// One `add` on an application counter for each of `n` attribute sets.
pub(super) fn counter(n: usize) {
    let counter = opentelemetry::global::meter("checkout")
        .u64_counter("checkout.orders")
        .with_unit("{order}")
        .with_description("Orders placed.")
        .build();
    for i in 0..n {
        let attributes = [
            KeyValue::new("order.status", "placed"),
            KeyValue::new("tenant.id", format!("tenant-{i:04}")),
        ];
        counter.add(1, &attributes);
    }
}

//! Redis over the [redis](https://docs.rs/redis) crate's async connections, following
//! the Redis semantic conventions 1.45 (feature `redis`).
//!
//! Wrap the connection you have, with the `ConnectionInfo` of the client that made it;
//! then use it as before. A multiplexed connection or the connection manager:
//!
//! ```no_run
//! # async fn run() -> redis::RedisResult<()> {
//! use redis::AsyncCommands as _;
//!
//! let client = redis::Client::open("redis://127.0.0.1:6379/0")?;
//! let mut conn = otel_kit_db::redis::instrument(
//!     client.get_connection_manager().await?,
//!     client.get_connection_info(),
//! );
//! let () = conn.hset("user:7", "email", "ada@example.com").await?; // span `HSET`
//! let _: Option<String> = redis::cmd("GET").arg("user:7:name").query_async(&mut conn).await?;
//! let (_, n): ((), i64) = redis::pipe().atomic().set("a", 1).incr("n", 1).query_async(&mut conn).await?; // span `MULTI`
//! # drop(n);
//! # Ok(())
//! # }
//! ```
//!
//! One CLIENT span per command, a child of [`opentelemetry::Context::current`], named
//! by the command as written (`HSET`; `EVALSHA <sha1>` and `FCALL <function>` add the
//! script), and one `db.client.operation.duration` measurement. A pipeline is one span
//! `PIPELINE` and a transaction (`pipe().atomic()`) one span `MULTI`, each followed by
//! the command when all of theirs are the same (`PIPELINE GET`), with
//! `db.operation.batch.size`.
//!
//! | attribute | when |
//! | --- | --- |
//! | `db.system.name` | always: `redis` |
//! | `db.operation.name` | the command as written (`GET`, `get`, `OBJECT ENCODING`), `PIPELINE [cmd]`, `MULTI [cmd]` |
//! | `db.namespace` | the database index the connection was made with (`0`), as a string |
//! | `server.address`, `server.port` (int) | from the `ConnectionInfo`: the host or the socket's path; the port when not 6379 |
//! | `db.query.text` | [`QueryText::Sanitized`](crate::QueryText): the command, its key, `?` for every other argument (`HSET user:7 ? ?`) |
//! | `db.stored_procedure.name` | `EVALSHA`, `FCALL` (and their `_RO` forms): the script's SHA1 or the function |
//! | `db.operation.batch.size` (int) | a pipeline or transaction of two commands or more |
//! | `db.response.status_code` | the server's error prefix (`WRONGTYPE`, `ERR`, `EXECABORT`) |
//! | `error.type` | on failure: the prefix, or `io`, `timeout`, `parse`, ... |
//! | `server.service.name` | the address matches a peer-service mapping |
//!
//! What is recorded, when, and why: [docs/db.md](https://github.com/otel-kit/otel-kit/blob/main/docs/db.md#redis).

mod builder;
mod call;
mod command;
mod command_table;
mod connection;
mod outcome;
mod system;

pub use builder::{RedisBuilder, instrument};
pub use connection::InstrumentedRedis;

//! otel-kit-db's integration tests, one binary: the same scenarios against SQLite
//! (`sqlite`, always), PostgreSQL (`postgres`, `TEST_POSTGRES_URL`) and MariaDB
//! (`mariadb`, `TEST_MYSQL_URL`), each skipped when its variable is unset; the `query!`
//! macros (`macros`); sqlx's statement log as spans on a plain pool (`statement_log`,
//! PostgreSQL and MariaDB on their variables); a megabyte of SQL (`oversized_input`); otel-kit-init's database
//! settings, the slow-query flag and the query-text mode (`init_settings`, SQLite always,
//! PostgreSQL on `TEST_POSTGRES_URL`); the Redis wrapper
//! against Redis (`redis`, `TEST_REDIS_URL`); the tokio-postgres client wrapper and the
//! deadpool-postgres pool against PostgreSQL (`tokio_postgres`, `TEST_POSTGRES_URL`);
//! diesel's and diesel-async's connections through diesel's hook (`diesel`: SQLite
//! always, diesel-async on `TEST_POSTGRES_URL`, diesel's own PostgreSQL and MySQL
//! connections with the internal feature `__diesel-native-backends`). `support` holds what the
//! scenarios expect and the scenarios each database module includes:
//! `support/scenarios.rs`, and `support/operation_scenarios.rs` (a caller's
//! `DbOperation`, the summary's case).
//!
//! Tests that install the harness globally run one at a time (the harness's global
//! lock); the others run in parallel. `oversized_input` and `init_settings` run each case alone in a
//! child process of this binary, so that allocations are counted for it only.

use otel_kit_testing::allocations::{COUNTING_ALLOCATOR, CountingAllocator};

// Counts allocations for `oversized_input` (otel-kit-testing's `allocations`).
#[global_allocator]
static ALLOCATOR: CountingAllocator = COUNTING_ALLOCATOR;

mod diesel;
mod init_settings;
mod macros;
mod mariadb;
mod oversized_input;
mod postgres;
mod redis;
mod sqlite;
mod statement_log;
mod support;
mod tokio_postgres;

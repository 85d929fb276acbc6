//! What differs between the databases sqlx speaks: the connection's address, how an
//! error code is read, which codes are errors, and which server answers.

use std::borrow::Cow;

use futures_util::future::BoxFuture;
use sqlx::error::DatabaseError;
#[cfg(feature = "mysql")]
use sqlx::mysql::{MySql, MySqlConnection, MySqlDatabaseError};
#[cfg(feature = "postgres")]
use sqlx::postgres::Postgres;
#[cfg(feature = "sqlite")]
use sqlx::sqlite::Sqlite;
use sqlx::{Connection, Database};

use crate::front_end::endpoint::Endpoint;
use crate::sql::SqlDialect;

/// The connect options of database `DB`'s connections (`PgConnectOptions`, ...).
pub(crate) type ConnectOptionsOf<DB> = <<DB as Database>::Connection as Connection>::Options;

/// What the instrumentation needs of a database, per system.
pub(crate) mod sealed {
    use super::{BoxFuture, ConnectOptionsOf, Cow, Database, DatabaseError, Endpoint, SqlDialect};

    /// Implemented for the databases the wrapper knows only.
    pub trait Sealed: Database {
        /// The lexical rules of this database's SQL.
        const DIALECT: SqlDialect;

        /// `db.system.name` before the server has said what it is.
        const SYSTEM: &'static str;

        /// Whether [`Self::detect_system`] asks the server anything.
        const ASKS_SERVER: bool = false;

        /// Whether the driver runs (and logs) statements on a thread of its own, not in the
        /// caller's poll: SQLite's worker.
        const RUNS_ON_WORKER: bool = false;

        /// Where a pool with these connect options connects to (never the URL itself).
        fn endpoint(options: &ConnectOptionsOf<Self>) -> Endpoint;

        /// `db.response.status_code` of a database error.
        fn status_code(error: &dyn DatabaseError) -> Option<String> {
            error.code().map(Cow::into_owned)
        }

        /// Whether a status code means the operation failed.
        fn is_failure(_status_code: &str) -> bool {
            true
        }

        /// Asks the server which system it is, when the driver cannot tell (MySQL's driver
        /// also speaks to MariaDB). `None` when there is nothing to ask.
        fn detect_system(_connection: &mut Self::Connection) -> Option<BoxFuture<'_, Option<&'static str>>> {
            None
        }
    }
}

/// A database whose pools [`crate::instrument`] can wrap: PostgreSQL, MySQL/MariaDB and
/// SQLite, each with its cargo feature (`postgres`, `mysql`, `sqlite`). Sealed: the
/// conventions differ per system, so each is written out here.
///
/// ```
/// fn accepts<DB: otel_kit_db::InstrumentedDatabase>() {}
/// accepts::<sqlx::Postgres>();
/// accepts::<sqlx::MySql>();
/// accepts::<sqlx::Sqlite>();
/// ```
pub trait InstrumentedDatabase: sealed::Sealed {}

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
impl InstrumentedDatabase for Postgres {}

#[cfg(feature = "postgres")]
impl sealed::Sealed for Postgres {
    const DIALECT: SqlDialect = SqlDialect::PostgreSql;
    const SYSTEM: &'static str = "postgresql";

    /// Over a Unix socket (a `socket` option, or a host that is a directory), the
    /// socket file sqlx connects to, `{dir}/.s.PGSQL.{port}`, is `server.address`.
    fn endpoint(options: &ConnectOptionsOf<Self>) -> Endpoint {
        let socket = options.get_socket().map(|socket| socket.to_string_lossy());
        Endpoint::postgres(
            options.get_database(),
            options.get_host(),
            socket.as_deref(),
            options.get_port(),
        )
    }

    /// SQLSTATE classes 00 (success) and 01 (warning) are not failures; 02 (no data)
    /// and above are.
    fn is_failure(status_code: &str) -> bool {
        crate::sql_core::outcome::sqlstate_is_failure(status_code)
    }
}

#[cfg(feature = "mysql")]
#[cfg_attr(docsrs, doc(cfg(feature = "mysql")))]
impl InstrumentedDatabase for MySql {}

#[cfg(feature = "mysql")]
impl sealed::Sealed for MySql {
    const DIALECT: SqlDialect = SqlDialect::MySql;
    const SYSTEM: &'static str = "mysql";
    const ASKS_SERVER: bool = true;

    /// Over a Unix socket, its path is `server.address`.
    fn endpoint(options: &ConnectOptionsOf<Self>) -> Endpoint {
        match options.get_socket() {
            Some(socket) => Endpoint::socket(Self::SYSTEM, options.get_database(), &socket.to_string_lossy()),
            None => Endpoint::network(
                Self::SYSTEM,
                options.get_database(),
                options.get_host(),
                options.get_port(),
                3306,
            ),
        }
    }

    /// The MySQL/MariaDB error number (`1064`), as the conventions ask for these systems.
    fn status_code(error: &dyn DatabaseError) -> Option<String> {
        match error.try_downcast_ref::<MySqlDatabaseError>() {
            Some(mysql) => Some(mysql.number().to_string()),
            None => error.code().map(Cow::into_owned),
        }
    }

    fn detect_system(connection: &mut MySqlConnection) -> Option<BoxFuture<'_, Option<&'static str>>> {
        Some(Box::pin(async move {
            let version: String = sqlx::query_scalar("SELECT VERSION()")
                .fetch_one(connection)
                .await
                .ok()?;
            Some(if version.to_ascii_lowercase().contains("mariadb") {
                "mariadb"
            } else {
                "mysql"
            })
        }))
    }
}

#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
impl InstrumentedDatabase for Sqlite {}

#[cfg(feature = "sqlite")]
impl sealed::Sealed for Sqlite {
    const DIALECT: SqlDialect = SqlDialect::Sqlite;
    const SYSTEM: &'static str = "sqlite";
    const RUNS_ON_WORKER: bool = true;

    fn endpoint(options: &ConnectOptionsOf<Self>) -> Endpoint {
        Endpoint::file(Self::SYSTEM, &options.get_filename().to_string_lossy())
    }
}

//! What the span and the duration metric say about a failed operation.

use std::borrow::Cow;

#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
use crate::database::InstrumentedDatabase;
use crate::sql;

/// How an operation failed, in the conventions' terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// `error.type`; `None` when the status code is not a failure (PostgreSQL's 00, 01).
    pub(crate) error_type: Option<Cow<'static, str>>,
    /// `db.response.status_code`: SQLSTATE, the MySQL error number, the SQLite code.
    pub(crate) status_code: Option<String>,
    /// The span status description: the server's message with its literals replaced
    /// (MySQL puts the offending value in it), or a fixed text; never bind values.
    pub(crate) description: String,
    /// The pool gave no connection in time.
    pub(crate) pool_timeout: bool,
}

/// A server's error message with every quoted or numeric value replaced by `?`.
/// Messages quote values in either quote: PostgreSQL in double quotes (`invalid input
/// syntax for type integer: "<the bound value>"`), MySQL in single ones (`Duplicate
/// entry '<value>'`). Read as MySQL reads SQL, both are strings, whatever the database:
/// a quoted identifier in a message is lost too, which is the safe side.
pub(crate) fn message_without_values(message: &str) -> String {
    sql::sanitize(message, sql::SqlDialect::MySql)
}

/// Classifies `error` for database `DB`.
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
pub(crate) fn classify<DB: InstrumentedDatabase>(error: &sqlx::Error) -> Failure {
    use sqlx::Error as E;

    if let E::Database(db) = error {
        let status_code = DB::status_code(db.as_ref());
        let failed = status_code.as_deref().is_none_or(DB::is_failure);
        let error_type = failed.then(|| status_code.clone().map_or(Cow::Borrowed("_OTHER"), Cow::Owned));
        return Failure {
            error_type,
            description: message_without_values(db.message()),
            status_code,
            pool_timeout: false,
        };
    }
    let kind: &'static str = match error {
        E::Io(_) => "io",
        E::Tls(_) => "tls",
        E::Protocol(_) => "protocol",
        E::PoolTimedOut => "pool_timed_out",
        E::PoolClosed => "pool_closed",
        E::WorkerCrashed => "worker_crashed",
        E::Configuration(_) => "configuration",
        E::InvalidArgument(_) => "invalid_argument",
        E::RowNotFound => "row_not_found",
        E::TypeNotFound { .. } => "type_not_found",
        E::ColumnIndexOutOfBounds { .. } => "column_index_out_of_bounds",
        E::ColumnNotFound(_) => "column_not_found",
        E::ColumnDecode { .. } => "column_decode",
        E::Encode(_) => "encode",
        E::Decode(_) => "decode",
        E::BeginFailed => "begin_failed",
        E::InvalidSavePointStatement => "invalid_savepoint_statement",
        _ => "_OTHER",
    };
    // Only messages known to carry no query data are copied; an encode or decode error
    // may quote a value, a configuration error the connection string.
    let description = match error {
        E::Io(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed | E::BeginFailed => error.to_string(),
        _ => kind.to_owned(),
    };
    Failure {
        error_type: Some(Cow::Borrowed(kind)),
        status_code: None,
        description,
        pool_timeout: matches!(error, E::PoolTimedOut),
    }
}

#[cfg(all(test, any(feature = "postgres", feature = "mysql", feature = "sqlite")))]
mod tests {
    use super::*;

    #[test]
    fn messages_lose_their_values_in_either_quote() {
        assert_eq!(
            message_without_values(r#"invalid input syntax for type integer: "hunter2""#),
            "invalid input syntax for type integer: ?"
        );
        assert_eq!(
            message_without_values("Duplicate entry 'a@example.com' for key 'users.email'"),
            "Duplicate entry ? for key ?"
        );
        assert_eq!(
            message_without_values("UNIQUE constraint failed: orders.idempotency_key"),
            "UNIQUE constraint failed: orders.idempotency_key"
        );
    }

    #[test]
    fn transport_errors_have_a_type_and_no_status_code() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let failure = classify::<sqlx::Postgres>(&sqlx::Error::Io(refused));
        assert_eq!(failure.error_type.as_deref(), Some("io"));
        assert_eq!(failure.status_code, None);
        assert!(failure.description.contains("refused"), "{}", failure.description);

        let timeout = classify::<sqlx::MySql>(&sqlx::Error::PoolTimedOut);
        assert_eq!(timeout.error_type.as_deref(), Some("pool_timed_out"));
        assert!(timeout.pool_timeout);

        let encode = classify::<sqlx::Sqlite>(&sqlx::Error::Encode("value 'secret' too long".into()));
        assert_eq!(
            encode.description, "encode",
            "an encode error's text is not copied"
        );
    }
}

//! What the span and the duration metric say about a failed operation: the rules every
//! SQL front-end shares (a server's status code, which codes are failures, the message
//! without its values), and sqlx's errors read by them.

use std::borrow::Cow;

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
    /// `exception.type` of the exception event: the type of the error the caller is
    /// handed, as `std::any::type_name` gives it.
    pub(crate) exception_type: &'static str,
}

impl Failure {
    /// An error the server reported: `status_code` (`None` when it gave none) as
    /// `db.response.status_code` and `error.type` (`_OTHER` without one), unless
    /// `is_failure` says the code is no failure; `message` without its values as the
    /// description.
    pub(crate) fn database(
        status_code: Option<String>,
        is_failure: fn(&str) -> bool,
        message: &str,
        exception_type: &'static str,
    ) -> Self {
        let failed = status_code.as_deref().is_none_or(is_failure);
        let error_type = failed.then(|| status_code.clone().map_or(Cow::Borrowed("_OTHER"), Cow::Owned));
        Self {
            error_type,
            description: message_without_values(message),
            status_code,
            pool_timeout: false,
            exception_type,
        }
    }

    /// A failure on the client's side (I/O, the pool, decoding), known by `kind`, with a
    /// description known to carry no query data.
    pub(crate) fn client(kind: &'static str, description: String, exception_type: &'static str) -> Self {
        Self {
            error_type: Some(Cow::Borrowed(kind)),
            status_code: None,
            description,
            pool_timeout: false,
            exception_type,
        }
    }
}

/// Whether a PostgreSQL SQLSTATE means the operation failed: classes 00 (success) and
/// 01 (warning) are not failures; 02 (no data) and above are.
#[cfg_attr(
    not(any(feature = "postgres", feature = "tokio-postgres", feature = "diesel")),
    allow(dead_code)
)]
pub(crate) fn sqlstate_is_failure(status_code: &str) -> bool {
    !(status_code.starts_with("00") || status_code.starts_with("01"))
}

/// A server's error message with every quoted or numeric value replaced by `?`.
/// Messages quote values in either quote: PostgreSQL in double quotes (`invalid input
/// syntax for type integer: "<the bound value>"`), MySQL in single ones (`Duplicate
/// entry '<value>'`). Read as MySQL reads SQL, both are strings, whatever the database:
/// a quoted identifier in a message is lost too, which is the safe side.
pub(crate) fn message_without_values(message: &str) -> String {
    sql::sanitize(message, sql::SqlDialect::MySql)
}

/// Classifies sqlx's `error` for database `DB`.
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
pub(crate) fn classify<DB: crate::database::InstrumentedDatabase>(error: &sqlx::Error) -> Failure {
    use sqlx::Error as E;

    let exception_type = otel_kit_core::exception::type_name::<sqlx::Error>();
    if let E::Database(db) = error {
        return Failure::database(DB::status_code(db.as_ref()), DB::is_failure, db.message(), exception_type);
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
        pool_timeout: matches!(error, E::PoolTimedOut),
        ..Failure::client(kind, description, exception_type)
    }
}

#[cfg(test)]
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
    fn sqlstate_classes_00_and_01_are_no_failure() {
        let type_name = "t";
        let warning = Failure::database(Some("01000".to_owned()), sqlstate_is_failure, "careful", type_name);
        assert_eq!((warning.error_type, warning.status_code.as_deref()), (None, Some("01000")));
        let no_data = Failure::database(Some("02000".to_owned()), sqlstate_is_failure, "none", type_name);
        assert_eq!(no_data.error_type.as_deref(), Some("02000"));
        let unknown = Failure::database(None, sqlstate_is_failure, "x = 'secret'", type_name);
        assert_eq!((unknown.error_type.as_deref(), unknown.description.as_str()), (Some("_OTHER"), "x = ?"));
    }

    #[cfg(all(feature = "postgres", feature = "mysql", feature = "sqlite"))]
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

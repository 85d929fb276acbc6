//! sqlx's errors read by the failure rules every SQL front-end shares.

use super::database::InstrumentedDatabase;
use crate::sql_core::outcome::Failure;

/// Classifies sqlx's `error` for database `DB`.
pub(crate) fn classify<DB: InstrumentedDatabase>(error: &sqlx::Error) -> Failure {
    use sqlx::Error as E;

    let exception_type = otel_kit_core::__private::exception::type_name::<sqlx::Error>();
    if let E::Database(db) = error {
        return Failure::database(
            DB::status_code(db.as_ref()),
            DB::is_failure,
            db.message(),
            exception_type,
        );
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

#[cfg(all(test, feature = "postgres", feature = "mysql", feature = "sqlite"))]
mod tests {
    use super::*;

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

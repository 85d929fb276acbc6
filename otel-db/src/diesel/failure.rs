//! What the span and the duration metric say about a failed diesel query: diesel's
//! error kinds, with PostgreSQL's SQLSTATE where the kind names exactly one (diesel
//! keeps no code for the others, and none for MySQL or SQLite).

use std::borrow::Cow;

use diesel::result::{DatabaseErrorKind as Kind, Error};
use otel_kit_core::__private::exception::type_name;

use crate::sql_core::outcome::{Failure, sqlstate_is_failure};
use crate::sql_core::server_message::message_without_values;

/// Classifies a PostgreSQL connection's `error`.
pub(crate) fn classify_postgres(error: &Error) -> Failure {
    classify(error, true)
}

/// Classifies a MySQL/MariaDB or SQLite connection's `error`.
pub(crate) fn classify_other(error: &Error) -> Failure {
    classify(error, false)
}

fn classify(error: &Error, postgres: bool) -> Failure {
    let exception_type = type_name::<Error>();
    if let Error::DatabaseError(kind, info) = error {
        let (name, sqlstate) = database_kind(kind);
        let status_code = sqlstate.filter(|_| postgres).map(str::to_owned);
        let failure = Failure::database(status_code, sqlstate_is_failure, info.message(), exception_type);
        // No code: the kind, rather than the shared rule's `_OTHER`.
        return match failure.status_code {
            Some(_) => failure,
            None => Failure {
                error_type: Some(Cow::Borrowed(name)),
                ..failure
            },
        };
    }
    let kind: &'static str = match error {
        Error::NotFound => "not_found",
        Error::QueryBuilderError(_) => "query_builder",
        Error::DeserializationError(_) => "deserialization",
        Error::SerializationError(_) => "serialization",
        Error::InvalidCString(_) => "invalid_c_string",
        Error::RollbackErrorOnCommit { .. } => "rollback_error_on_commit",
        Error::RollbackTransaction => "rollback_transaction",
        Error::AlreadyInTransaction => "already_in_transaction",
        Error::NotInTransaction => "not_in_transaction",
        Error::BrokenTransactionManager => "broken_transaction_manager",
        _ => "_OTHER",
    };
    // The texts of these may quote a value (a decode error, a builder's message): only
    // the kind is recorded.
    Failure::client(kind, kind.to_owned(), exception_type)
}

/// The `error.type` of a database error kind, and the SQLSTATE diesel read it from on
/// PostgreSQL (diesel's `pg::connection::result`, the other way round).
fn database_kind(kind: &Kind) -> (&'static str, Option<&'static str>) {
    match kind {
        Kind::UniqueViolation => ("unique_violation", Some("23505")),
        Kind::ForeignKeyViolation => ("foreign_key_violation", Some("23503")),
        Kind::NotNullViolation => ("not_null_violation", Some("23502")),
        Kind::CheckViolation => ("check_violation", Some("23514")),
        Kind::RestrictViolation => ("restrict_violation", Some("23001")),
        Kind::ExclusionViolation => ("exclusion_violation", Some("23P01")),
        Kind::SerializationFailure => ("serialization_failure", Some("40001")),
        Kind::ReadOnlyTransaction => ("read_only_transaction", Some("25006")),
        Kind::UnableToSendCommand => ("unable_to_send_command", None),
        Kind::ClosedConnection => ("closed_connection", None),
        _ => ("_OTHER", None),
    }
}

/// The `error.type` and span status description of a failed connection attempt:
/// libpq's and libmysqlclient's messages can quote the user and the host, so values
/// are replaced as in query errors.
pub(crate) fn connection(error: &diesel::ConnectionError) -> (&'static str, String) {
    use diesel::ConnectionError as E;
    match error {
        E::BadConnection(message) => ("bad_connection", message_without_values(message)),
        E::InvalidConnectionUrl(_) => ("invalid_connection_url", "invalid_connection_url".to_owned()),
        E::InvalidCString(_) => ("invalid_c_string", "invalid_c_string".to_owned()),
        E::CouldntSetupConfiguration(inner) => {
            ("couldnt_setup_configuration", classify(inner, false).description)
        }
        _ => ("_OTHER", "_OTHER".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_errors_carry_their_sqlstate_others_the_kind() {
        let error = Error::DatabaseError(
            Kind::UniqueViolation,
            Box::new(String::from(
                "duplicate key value violates unique constraint \"users_email_key\"",
            )),
        );
        let pg = classify_postgres(&error);
        assert_eq!(pg.status_code.as_deref(), Some("23505"));
        assert_eq!(pg.error_type.as_deref(), Some("23505"));
        // The constraint's name is kept: a name, not a value.
        assert_eq!(
            pg.description,
            "duplicate key value violates unique constraint \"users_email_key\""
        );
        let other = classify_other(&error);
        assert_eq!(other.status_code, None);
        assert_eq!(other.error_type.as_deref(), Some("unique_violation"));

        let decode = classify_postgres(&Error::DeserializationError("value 'secret'".into()));
        assert_eq!(decode.description, "deserialization");
        let (kind, text) = connection(&diesel::ConnectionError::BadConnection(
            "password authentication failed for user \"app\"".into(),
        ));
        assert_eq!(
            (kind, text.as_str()),
            ("bad_connection", "password authentication failed for user ?")
        );
    }
}

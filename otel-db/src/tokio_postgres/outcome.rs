//! What the span and the metric say about a tokio-postgres error, by the rules the
//! sqlx wrapper follows (see [`crate::sql_core::outcome`]): a server error by its SQLSTATE and
//! its message without values; anything else by its kind.

use otel_kit_core::__private::exception::{bounded, type_name};
use tokio_postgres::Error;

use crate::sql_core::outcome::{Failure, sqlstate_is_failure};

/// The kinds tokio-postgres's errors say they are, by the fixed text each displays
/// (its `Kind` is private), with the `error.type` recorded for each.
const KINDS: &[(&str, &str)] = &[
    ("error communicating with the server", "io"),
    ("error connecting to server", "connect"),
    ("timeout waiting for server", "timeout"),
    ("connection closed", "closed"),
    ("error performing TLS handshake", "tls"),
    ("unexpected message from server", "unexpected_message"),
    ("error parsing response from server", "parse"),
    ("error encoding message to server", "encode"),
    ("error serializing parameter", "to_sql"),
    ("error deserializing column", "from_sql"),
    ("invalid column", "column"),
    ("query returned an unexpected number of columns", "column_count"),
    ("query returned an unexpected number of rows", "row_count"),
    ("expected ", "parameters"),
    ("authentication error", "authentication"),
    ("invalid connection string", "config_parse"),
    ("invalid configuration", "config"),
];

/// Classifies `error`.
pub(super) fn classify(error: &Error) -> Failure {
    let exception_type = type_name::<Error>();
    if let Some(db) = error.as_db_error() {
        return Failure::database(
            Some(db.code().code().to_owned()),
            sqlstate_is_failure,
            db.message(),
            exception_type,
        );
    }
    // The kind's text alone (tokio-postgres displays no cause, and no value: at most a
    // parameter's index or a column's name).
    let text = error.to_string();
    let kind = KINDS
        .iter()
        .find(|(prefix, _)| text.starts_with(prefix))
        .map_or("_OTHER", |(_, kind)| kind);
    // An I/O error's cause is the operating system's ("Connection refused"): no data.
    let description = match (kind, std::error::Error::source(error)) {
        ("io" | "connect" | "timeout", Some(cause)) => format!("{text}: {cause}"),
        _ => text,
    };
    Failure::client(kind, bounded(&description).to_owned(), exception_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_error_is_named_by_its_kind() {
        // A configuration that does not parse is the one error made without a server.
        let error = "host=a port=notaport"
            .parse::<tokio_postgres::Config>()
            .expect_err("not a port");
        let failure = classify(&error);
        assert_eq!(failure.error_type.as_deref(), Some("config_parse"));
        assert_eq!(failure.status_code, None);
        assert_eq!(failure.exception_type, "tokio_postgres::error::Error");
        assert_eq!(failure.description, "invalid connection string");
    }
}

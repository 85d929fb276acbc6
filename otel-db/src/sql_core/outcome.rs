//! What the span and the duration metric say about a failed operation: the rules every
//! SQL front-end shares (a server's status code, which codes are failures, the message
//! without its values).

use std::borrow::Cow;

use super::server_message::message_without_values;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstate_classes_00_and_01_are_no_failure() {
        let type_name = "t";
        let warning = Failure::database(
            Some("01000".to_owned()),
            sqlstate_is_failure,
            "careful",
            type_name,
        );
        assert_eq!(
            (warning.error_type, warning.status_code.as_deref()),
            (None, Some("01000"))
        );
        let no_data = Failure::database(Some("02000".to_owned()), sqlstate_is_failure, "none", type_name);
        assert_eq!(no_data.error_type.as_deref(), Some("02000"));
        let unknown = Failure::database(None, sqlstate_is_failure, "x = 'secret'", type_name);
        assert_eq!(
            (unknown.error_type.as_deref(), unknown.description.as_str()),
            (Some("_OTHER"), "x = ?")
        );
    }
}

//! What the span and the metric say about a failed Redis call: `error.type`,
//! `db.response.status_code` (the error's prefix, `WRONGTYPE`) and the status
//! description, from the reply or from the redis crate's error.

use std::borrow::Cow;

use ::redis::{ErrorKind, RedisError, ServerError, Value};
use otel_kit_core::__private::exception::type_name;

use crate::sql;

/// The longest error prefix recorded, in bytes: Redis's are one short upper-case word
/// (`ERR`, `WRONGTYPE`, `CLUSTERDOWN`); a longer one is a script's text.
const MAX_CODE: usize = 32;

/// How a call failed, in the conventions' terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// `error.type`: the prefix, or the redis crate's error kind (`io`, `timeout`).
    pub(crate) error_type: Cow<'static, str>,
    /// `exception.type`: `redis::RedisError` for an error the connection returned,
    /// `redis::ServerError` for an error reply (which the typed API hands the caller as
    /// a `RedisError` of the server's kind). The type paths, as `std::any::type_name`
    /// gives them.
    pub(crate) exception_type: &'static str,
    /// `db.response.status_code`: the Redis error prefix, for an error the server sent.
    pub(crate) status_code: Option<String>,
    /// The span status description: the server's message with every quoted or numeric
    /// value replaced by `?` (`ERR unknown command` quotes the arguments), an I/O
    /// error's text, or the kind.
    pub(crate) description: String,
}

/// The first error in a reply, at any depth (a transaction's `EXEC` reply holds one
/// per command; a script may return one inside a table): the call failed as the
/// caller will see it, since the redis crate turns each into an `Err`.
pub(crate) fn of_reply(value: &Value) -> Option<Failure> {
    first_error(std::slice::from_ref(value)).map(of_server_error)
}

/// The first error in a pipeline's replies.
pub(crate) fn of_replies(values: &[Value]) -> Option<Failure> {
    first_error(values).map(of_server_error)
}

/// The redis crate's error: a server error (a transaction aborted is `EXECABORT`) by
/// its prefix, anything else by its kind.
pub(crate) fn of_error(error: &RedisError) -> Failure {
    if let Some(code) = error.code() {
        return server(code, &error.to_string(), type_name::<RedisError>());
    }
    let kind: &'static str = match error.kind() {
        ErrorKind::Io if error.is_timeout() => "timeout",
        ErrorKind::Io => "io",
        ErrorKind::Parse => "parse",
        ErrorKind::AuthenticationFailed => "authentication_failed",
        ErrorKind::UnexpectedReturnType => "unexpected_return_type",
        ErrorKind::InvalidClientConfig => "invalid_client_config",
        ErrorKind::Client => "client",
        ErrorKind::ClusterConnectionNotFound => "cluster_connection_not_found",
        ErrorKind::RESP3NotSupported => "resp3_not_supported",
        _ => "_OTHER",
    };
    // Only an I/O error's text is known to carry no command data ("Connection refused
    // (os error 111)"); the others may quote a reply.
    let description = match error.kind() {
        ErrorKind::Io => otel_kit_core::__private::exception::bounded(&error.to_string()).to_owned(),
        _ => kind.to_owned(),
    };
    Failure {
        error_type: Cow::Borrowed(kind),
        exception_type: type_name::<RedisError>(),
        status_code: None,
        description,
    }
}

fn of_server_error(error: &ServerError) -> Failure {
    let message = match error.details() {
        Some(details) => format!("{} {details}", error.code()),
        None => error.code().to_owned(),
    };
    server(error.code(), &message, type_name::<ServerError>())
}

/// A failure the server reported with prefix `code` and `message`.
fn server(code: &str, message: &str, exception_type: &'static str) -> Failure {
    let plausible = (1..=MAX_CODE).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let message = otel_kit_core::__private::exception::bounded(message);
    // Read as MySQL reads SQL, both quotes hold strings: `'<argument>'` is replaced.
    let description = sql::sanitize(message, sql::SqlDialect::MySql);
    match plausible {
        true => Failure {
            error_type: Cow::Owned(code.to_owned()),
            exception_type,
            status_code: Some(code.to_owned()),
            description,
        },
        false => Failure {
            error_type: Cow::Borrowed("_OTHER"),
            exception_type,
            status_code: None,
            description,
        },
    }
}

/// The first server error among `values` and what they hold, depth first, without
/// recursion (a reply's nesting is the server's to choose).
fn first_error(values: &[Value]) -> Option<&ServerError> {
    let nests = |value: &Value| {
        matches!(
            value,
            Value::Array(_) | Value::Set(_) | Value::Push { .. } | Value::Map(_) | Value::Attribute { .. }
        )
    };
    // Most replies are one value or a list of plain ones: no stack to allocate.
    if !values.iter().any(nests) {
        return values.iter().find_map(|value| match value {
            Value::ServerError(error) => Some(error),
            _ => None,
        });
    }
    let mut pending: Vec<std::slice::Iter<'_, Value>> = vec![values.iter()];
    while let Some(level) = pending.last_mut() {
        let Some(value) = level.next() else {
            pending.pop();
            continue;
        };
        match value {
            Value::ServerError(error) => return Some(error),
            Value::Array(items) | Value::Set(items) => pending.push(items.iter()),
            Value::Push { data, .. } => pending.push(data.iter()),
            Value::Map(pairs) => {
                if let Some(error) = pairs.iter().find_map(|(k, v)| first_error_pair(k, v)) {
                    return Some(error);
                }
            }
            Value::Attribute { data, .. } => pending.push(std::slice::from_ref(&**data).iter()),
            _ => {}
        }
    }
    None
}

/// A map entry's error: maps are rare in replies that fail, so this one recurses.
fn first_error_pair<'a>(key: &'a Value, value: &'a Value) -> Option<&'a ServerError> {
    first_error(std::slice::from_ref(key)).or_else(|| first_error(std::slice::from_ref(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply_error(code: &str, detail: &str) -> Value {
        let error = ::redis::make_extension_error(code.to_owned(), Some(detail.to_owned()));
        let Some(errors) = error.into_server_errors() else {
            panic!("a server error");
        };
        Value::ServerError(errors[0].1.clone())
    }

    #[test]
    fn a_reply_error_gives_its_prefix_and_a_message_without_arguments() {
        let value = reply_error(
            "ERR",
            "unknown command 'FOO', with args beginning with: 'hunter2' ",
        );
        let failure = of_reply(&value).expect("an error");
        assert_eq!(failure.error_type, "ERR");
        assert_eq!(failure.status_code.as_deref(), Some("ERR"));
        assert!(
            !failure.description.contains("hunter2"),
            "{}",
            failure.description
        );
        assert!(
            failure.description.starts_with("ERR unknown command"),
            "{}",
            failure.description
        );

        let nested = Value::Array(vec![
            Value::Okay,
            Value::Array(vec![reply_error("WRONGTYPE", "Operation")]),
        ]);
        assert_eq!(
            of_replies(&[Value::Int(1), nested]).expect("nested").error_type,
            "WRONGTYPE"
        );
        assert_eq!(of_replies(&[Value::Okay, Value::Nil]), None);
    }

    #[test]
    fn a_prefix_that_is_no_word_is_other() {
        let failure = of_reply(&reply_error("this is a sentence from a script", "")).expect("an error");
        assert_eq!(failure.error_type, "_OTHER");
        assert_eq!(failure.status_code, None);
    }

    #[test]
    fn client_errors_are_named_by_their_kind() {
        let refused = RedisError::from(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "refused",
        ));
        let failure = of_error(&refused);
        assert_eq!((failure.error_type.as_ref(), failure.status_code), ("io", None));
        assert_eq!(failure.exception_type, "redis::errors::redis_error::RedisError");
        let reply = of_reply(&reply_error("ERR", "no")).expect("an error");
        assert_eq!(reply.exception_type, "redis::errors::server_error::ServerError");
        assert!(failure.description.contains("refused"), "{}", failure.description);

        let timeout = RedisError::from(std::io::Error::new(std::io::ErrorKind::TimedOut, "late"));
        assert_eq!(of_error(&timeout).error_type, "timeout");

        let client = RedisError::from((ErrorKind::Client, "empty command"));
        assert_eq!(of_error(&client).error_type, "client");
        assert_eq!(of_error(&client).description, "client");
    }
}

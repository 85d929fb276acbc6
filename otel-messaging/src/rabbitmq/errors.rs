//! `error.type` of lapin errors: for an error the broker sent (a channel or connection
//! exception), its AMQP reply name in lower case (`not-found`, `access-refused`,
//! `precondition-failed`, `channel-error`, ...); otherwise lapin's error kind in snake
//! case: `invalid_channel_state` (the channel or its connection is closed),
//! `invalid_connection_state`, `io_error`, `parsing_error`, `serialisation_error`,
//! `missing_heartbeat_error`, `channels_limit_reached`, ...

use lapin::ErrorKind;
use lapin::protocol::AMQPErrorKind;

use crate::error_kind;
use crate::failure::Failure;

/// The failure of `error`.
pub(crate) fn of(error: &lapin::Error) -> Failure {
    match error.kind() {
        ErrorKind::ProtocolError(amqp) => {
            let name = match amqp.kind() {
                AMQPErrorKind::Soft(soft) => soft.to_string(),
                AMQPErrorKind::Hard(hard) => hard.to_string(),
            };
            Failure::new(name.to_ascii_lowercase(), error.to_string())
                .exception(otel_kit_core::__private::exception::type_name::<lapin::Error>())
        }
        kind => error_kind::failure(kind, error),
    }
}

#[cfg(test)]
mod tests {
    use lapin::protocol::{AMQPError, AMQPSoftError};

    use super::*;

    #[test]
    fn a_broker_exception_is_its_reply_name() {
        let refused = lapin::Error::from(ErrorKind::ProtocolError(AMQPError::new(
            AMQPSoftError::NOTFOUND.into(),
            "NOT_FOUND - no queue 'q'".into(),
        )));
        assert_eq!(of(&refused).error_type(), "not-found");
        let heartbeat = lapin::Error::from(ErrorKind::MissingHeartbeatError);
        assert_eq!(of(&heartbeat).error_type(), "missing_heartbeat_error");
        // Both are exceptions of lapin's error type.
        assert_eq!(of(&refused).exception_type(), Some("lapin::error::Error"));
        assert_eq!(of(&heartbeat).exception_type(), Some("lapin::error::Error"));
    }
}

//! `error.type` of async-nats errors: the error's kind, in snake case
//! (`RequestErrorKind::NoResponders` is `no_responders`), and `_OTHER` for the kinds
//! async-nats calls `Other` and for errors that carry no kind.
//!
//! The values an application may see, by operation (from async-nats 0.51's kinds):
//!
//! | operation | `error.type` |
//! | --- | --- |
//! | core `publish` | `max_payload_exceeded`, `invalid_subject`, `send` |
//! | `request` | `timed_out`, `no_responders`, `invalid_subject`, `max_payload_exceeded`, `_OTHER` |
//! | JetStream `publish` and its ack | `stream_not_found`, `wrong_last_message_id`, `wrong_last_sequence`, `timed_out`, `broken_pipe`, `max_ack_pending`, `max_payload_exceeded`, `_OTHER` |
//! | `fetch` | `subscribe`, `pull`, `flush`, `serialize`, `pinned_client`, `_OTHER` |
//! | settle (`ack`, `nak`, ...) | `max_payload_exceeded`, `invalid_subject`, `send`, `_OTHER` |

use std::fmt::{Debug, Display};

use crate::error_kind;
use crate::failure::Failure;

/// The failure of an async-nats error of kind `kind`.
pub(crate) fn of_kind<K: Debug, E: Display>(kind: K, error: &E) -> Failure {
    error_kind::failure(&kind, error)
}

/// The failure of a boxed async-nats error (`async_nats::Error`): a core publish error's
/// kind when that is what it is, else `_OTHER`.
pub(crate) fn of_boxed(error: &(dyn std::error::Error + Send + Sync + 'static)) -> Failure {
    match error.downcast_ref::<async_nats::client::PublishError>() {
        Some(publish) => of_kind(publish.kind(), publish),
        None => Failure::new(otel_kit_core::__private::error_type::OTHER, error.to_string())
            .exception(otel_kit_core::__private::exception::type_name::<async_nats::Error>()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_as_their_snake_case_names() {
        use async_nats::RequestErrorKind;

        let error = async_nats::RequestError::new(RequestErrorKind::NoResponders);
        assert_eq!(of_kind(error.kind(), &error).error_type(), "no_responders");
        let boxed: async_nats::Error = Box::new(async_nats::client::PublishError::new(
            async_nats::client::PublishErrorKind::Send,
        ));
        let send = of_boxed(boxed.as_ref());
        assert_eq!(send.error_type(), "send");
        // The boxed error's own type, not the box.
        assert_eq!(send.exception_type(), Some("async_nats::error::Error"));
        let io: async_nats::Error = Box::new(std::io::Error::other("gone"));
        assert_eq!(of_boxed(io.as_ref()).error_type(), "_OTHER");
        assert!(
            of_boxed(io.as_ref())
                .exception_type()
                .is_some_and(|t| t.starts_with("alloc::boxed::Box<dyn"))
        );
    }
}

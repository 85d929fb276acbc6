//! `error.type` of rdkafka errors: librdkafka's error code in snake case when the error
//! carries one (`message_timed_out`, `unknown_topic_or_partition`, `queue_full`,
//! `msg_size_too_large`, ...), else rdkafka's error kind (`canceled`,
//! `no_message_received`, `client_creation`, ...; `_OTHER` for one rdkafka adds later).

use rdkafka::error::KafkaError;

use crate::error_kind;
use crate::failure::Failure;

/// The failure of `error`: an exception of rdkafka's error type.
pub(crate) fn of(error: &KafkaError) -> Failure {
    match error.rdkafka_error_code() {
        Some(code) => error_kind::failure(&code, error),
        None => Failure::new(kind(error), error.to_string())
            .exception(otel_kit_core::__private::exception::type_name::<KafkaError>()),
    }
}

/// The kind of an error without a librdkafka code (rdkafka's `Debug` of its errors is a
/// sentence, not the variant).
fn kind(error: &KafkaError) -> &'static str {
    match error {
        KafkaError::Canceled => "canceled",
        KafkaError::NoMessageReceived => "no_message_received",
        KafkaError::ClientConfig(..) => "client_config",
        KafkaError::ClientCreation(_) => "client_creation",
        KafkaError::AdminOpCreation(_) => "admin_op_creation",
        KafkaError::Nul(_) => "nul",
        KafkaError::PartitionEOF(_) => "partition_eof",
        KafkaError::PauseResume(_) => "pause_resume",
        KafkaError::Seek(_) => "seek",
        KafkaError::Subscription(_) => "subscription",
        _ => otel_kit_core::__private::error_type::OTHER,
    }
}

#[cfg(test)]
mod tests {
    use rdkafka::types::RDKafkaErrorCode;

    use super::*;

    #[test]
    fn the_error_code_names_the_failure() {
        let timed_out = KafkaError::MessageProduction(RDKafkaErrorCode::MessageTimedOut);
        assert_eq!(of(&timed_out).error_type(), "message_timed_out");
        let unknown = KafkaError::MessageConsumption(RDKafkaErrorCode::UnknownTopicOrPartition);
        assert_eq!(of(&unknown).error_type(), "unknown_topic_or_partition");
        assert_eq!(of(&KafkaError::Canceled).error_type(), "canceled");
        assert_eq!(of(&KafkaError::PartitionEOF(3)).error_type(), "partition_eof");
        assert_eq!(
            of(&KafkaError::Subscription("bad".into())).error_type(),
            "subscription"
        );
        assert_eq!(
            of(&timed_out).exception_type(),
            Some("rdkafka::error::KafkaError")
        );
    }
}

//! The attribute keys whose decision is made once, when the rules are compiled: keys of
//! the semantic conventions that instrumentations set on most spans. Every name is a
//! constant of `opentelemetry-semantic-conventions`, never typed by hand, so a renamed
//! attribute cannot silently fall out of the table.
//!
//! A key in neither list is decided by the patterns each time it is seen, with the same
//! outcome: the table only remembers what the patterns say, except for [`NOT_SCANNED`].
//!
//! The lists hold the names the kit emits (semantic conventions 1.45) and, next to each
//! one 1.45 renamed, the name before it (`#[deprecated]` in otel-kit-semconv, hence the
//! `allow`): telemetry from other SDKs and older instrumentations still arrives under
//! those names, and is still redacted the same way.

use otel_kit_semconv::attribute as a;

/// Keys whose values the conventions define as enumerations, numbers or booleans, or as
/// a protocol's own short codes: nothing a user types can reach them through a conforming
/// instrumentation, so their string and integer values are not scrubbed. Their keys are
/// still dropped or hashed when a pattern says so, and a list or map under one of them is
/// still redacted (that would not conform). Kept short on purpose: anything that can
/// carry text from a request or a user (`url.*` but the scheme, `http.route`,
/// `*.address`, `user_agent.original`, `db.query.text`, `error.type`, `exception.*`)
/// is in [`SCANNED`] instead. Baggage is always scrubbed: its values come from other
/// processes.
#[allow(deprecated)] // the names before 1.45, still read from other SDKs' telemetry
pub(crate) const NOT_SCANNED: &[&str] = &[
    // HTTP: the method is one of the known methods or `_OTHER` (the original goes to
    // `http.request.method_original`, which is scanned); the rest are numbers or enums.
    a::HTTP_REQUEST_METHOD,
    a::HTTP_RESPONSE_STATUS_CODE,
    a::HTTP_REQUEST_RESEND_COUNT,
    a::HTTP_REQUEST_BODY_SIZE,
    a::HTTP_RESPONSE_BODY_SIZE,
    a::HTTP_REQUEST_SIZE,
    a::HTTP_RESPONSE_SIZE,
    a::HTTP_CONNECTION_STATE,
    // The URL's scheme alone (`http`, `https`): letters, digits, `+`, `-`, `.`.
    a::URL_SCHEME,
    // Ports, and the network layer's protocol names, versions and types.
    a::SERVER_PORT,
    a::CLIENT_PORT,
    a::NETWORK_PEER_PORT,
    a::NETWORK_LOCAL_PORT,
    a::NETWORK_PROTOCOL_NAME,
    a::NETWORK_PROTOCOL_VERSION,
    a::NETWORK_TRANSPORT,
    a::NETWORK_TYPE,
    a::OTEL_STATUS_CODE,
    // RPC, database and messaging systems, status codes, counts and sizes.
    a::RPC_SYSTEM_NAME,
    a::RPC_STATUS_CODE,
    a::RPC_RESPONSE_STATUS_CODE, // `rpc.status_code` before 1.45
    a::DB_SYSTEM_NAME,
    a::DB_RESPONSE_STATUS_CODE,
    a::DB_OPERATION_BATCH_SIZE,
    a::DB_RESPONSE_RETURNED_ROWS,
    a::MESSAGING_SYSTEM_NAME,
    a::MESSAGING_SYSTEM, // `messaging.system.name` before 1.45
    a::MESSAGING_OPERATION_TYPE,
    a::MESSAGING_BATCH_MESSAGE_COUNT,
    a::MESSAGING_MESSAGE_BODY_SIZE,
    a::MESSAGING_DESTINATION_PARTITION_ID,
    a::MESSAGING_DESTINATION_TEMPORARY,
    a::MESSAGING_DESTINATION_ANONYMOUS,
    a::RABBITMQ_MESSAGE_DELIVERY_TAG,
    a::MESSAGING_RABBITMQ_MESSAGE_DELIVERY_TAG, // `rabbitmq.message.delivery_tag` before 1.45
    // Code locations and threads as numbers.
    a::CODE_LINE_NUMBER,
    a::CODE_COLUMN_NUMBER,
    a::THREAD_ID,
];

/// Keys as common whose values can carry text from a request or a user: their values
/// are scrubbed like any other key's; only the patterns' verdict on the key is kept.
#[allow(deprecated)] // the names before 1.45, and `enduser.id`, still read from other SDKs' telemetry
pub(crate) const SCANNED: &[&str] = &[
    a::URL_FULL,
    a::URL_PATH,
    a::URL_QUERY,
    a::URL_FRAGMENT,
    a::URL_TEMPLATE,
    a::HTTP_ROUTE,
    a::HTTP_REQUEST_METHOD_ORIGINAL,
    a::SERVER_ADDRESS,
    a::CLIENT_ADDRESS,
    a::NETWORK_PEER_ADDRESS,
    a::NETWORK_LOCAL_ADDRESS,
    a::USER_AGENT_ORIGINAL,
    a::ERROR_TYPE,
    a::EXCEPTION_TYPE,
    a::EXCEPTION_MESSAGE,
    a::EXCEPTION_STACKTRACE,
    a::DB_NAMESPACE,
    a::DB_COLLECTION_NAME,
    a::DB_OPERATION_NAME,
    a::DB_QUERY_TEXT,
    a::DB_QUERY_SUMMARY,
    a::DB_STORED_PROCEDURE_NAME,
    a::RPC_METHOD,
    a::RPC_METHOD_ORIGINAL,
    a::MESSAGING_DESTINATION_NAME,
    a::MESSAGING_DESTINATION_TEMPLATE,
    a::MESSAGING_MESSAGE_ID,
    a::MESSAGING_MESSAGE_CONVERSATION_ID,
    a::MESSAGING_OPERATION_NAME,
    a::MESSAGING_CLIENT_ID,
    a::RABBITMQ_DESTINATION_ROUTING_KEY,
    a::MESSAGING_RABBITMQ_DESTINATION_ROUTING_KEY, // `rabbitmq.destination.routing_key` before 1.45
    a::CODE_FUNCTION_NAME,
    a::CODE_FILE_PATH,
    a::THREAD_NAME,
    a::SERVER_SERVICE_NAME,
    a::SERVICE_PEER_NAME, // `server.service.name` on client spans before 1.45
    a::OTEL_STATUS_DESCRIPTION,
    // Moved out of the registry in 1.45 (to the client-side conventions) with no
    // replacement; applications and other SDKs still set it, and it names a person.
    a::ENDUSER_ID,
    a::SESSION_ID,
];

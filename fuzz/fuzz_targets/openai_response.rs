//! The OpenAI-compatible response readers (`otel_kit_genai::openai`): `chat_response`,
//! `embeddings_response` and `ApiError::from_response`, on arbitrary bytes.
//!
//! Input: the body. The first two bytes also serve as the HTTP status for `ApiError`.
//!
//! Invariants:
//! - none of them panics, and each is deterministic;
//! - `ApiError` bounds what it keeps from a body: the message to 1024 bytes, the type
//!   and code to 128 (cut at a char boundary); `error_type()` is never empty;
//! - a chat response lists one finish reason per choice that has one, so at least as
//!   many as its output messages carry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otel_kit_genai::openai::{ApiError, chat_response, embeddings_response};

/// `MAX_MESSAGE` in otel-genai/src/openai/error.rs.
const MAX_MESSAGE: usize = 1024;
const MAX_KIND: usize = 128;

fuzz_target!(|data: &[u8]| {
    let chat = chat_response(data);
    assert_eq!(format!("{chat:?}"), format!("{:?}", chat_response(data)));
    if let Ok(response) = &chat {
        let carried = response
            .output_messages
            .iter()
            .filter(|m| m.finish_reason.is_some())
            .count();
        assert!(response.finish_reasons.len() >= carried, "{response:?}");
    }
    let embeddings = embeddings_response(data);
    assert_eq!(
        format!("{embeddings:?}"),
        format!("{:?}", embeddings_response(data))
    );
    if let Err(e) = &embeddings {
        let _ = e.to_string();
    }

    let status = match data {
        [a, b, ..] => u16::from_le_bytes([*a, *b]),
        _ => 500,
    };
    let error = ApiError::from_response(status, data);
    assert!(
        error.message.as_ref().is_none_or(|m| m.len() <= MAX_MESSAGE),
        "{error:?}"
    );
    assert!(
        error.kind.as_ref().is_none_or(|k| k.len() <= MAX_KIND),
        "{error:?}"
    );
    assert!(
        error.code.as_ref().is_none_or(|c| c.len() <= MAX_KIND),
        "{error:?}"
    );
    assert!(!error.error_type().is_empty());
    let _ = error.to_string();
});

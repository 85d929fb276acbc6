//! `error.type` of a failed call.

use std::error::Error;

use crate::openai::ApiError;
use crate::{ProviderError, StreamError};

/// The HTTP status of an [`ApiError`], the provider's error type of a
/// [`ProviderError`] or [`StreamError`] (their own `error_type`); otherwise the type's
/// fully qualified name without generics (`_OTHER` for a boxed trait object), as
/// otel-kit-core's `error_type::of_type` gives it.
pub(crate) fn of<E: Error + 'static>(error: &E) -> String {
    let error_ref = error as &dyn Error;
    if let Some(api) = error_ref.downcast_ref::<ApiError>() {
        return api.error_type();
    }
    if let Some(provider) = error_ref.downcast_ref::<ProviderError>() {
        return provider.error_type();
    }
    if let Some(stream) = error_ref.downcast_ref::<StreamError>() {
        return stream.error_type();
    }
    otel_kit_core::__private::error_type::of_type::<E>().to_owned()
}

#[cfg(test)]
mod tests {
    use super::of;

    #[test]
    fn type_names() {
        let io = std::io::Error::other("x");
        assert_eq!(of(&io), "std::io::error::Error");
        let api = crate::openai::ApiError::from_response(429, b"{}");
        assert_eq!(of(&api), "429");
        let provider = crate::anthropic::api_error(529, br#"{"error":{"type":"overloaded_error"}}"#);
        assert_eq!(of(&provider), "overloaded_error");
        assert_eq!(of(&crate::StreamError::Truncated), "stream_truncated");
    }
}

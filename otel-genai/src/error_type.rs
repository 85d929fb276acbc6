//! `error.type` of a failed call.

use std::error::Error;

use crate::openai::ApiError;

/// The HTTP status of an [`ApiError`]; otherwise the type's fully qualified name
/// without generics (`_OTHER` for a boxed trait object), as otel-kit-core's
/// `error_type::of_type` gives it.
pub(crate) fn of<E: Error + 'static>(error: &E) -> String {
    if let Some(api) = (error as &dyn Error).downcast_ref::<ApiError>() {
        return api.error_type();
    }
    otel_kit_core::error_type::of_type::<E>().to_owned()
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
    }
}

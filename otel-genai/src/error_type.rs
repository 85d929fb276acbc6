//! `error.type` of a failed call.

use std::error::Error;

use crate::openai::ApiError;

/// The HTTP status of an [`ApiError`]; the type's fully qualified name (generics
/// left out) otherwise, as the conventions ask of exceptions.
pub(crate) fn of<E: Error + 'static>(error: &E) -> String {
    if let Some(api) = (error as &dyn Error).downcast_ref::<ApiError>() {
        return api.error_type();
    }
    let name = std::any::type_name::<E>();
    name.split('<').next().unwrap_or(name).to_owned()
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

//! `error.type` of a client error known by its kind: the kind's name in snake case
//! (`RequestErrorKind::NoResponders` is `no_responders`, `ErrorKind::IOError(..)` is
//! `io_error`), `_OTHER` for a kind called `Other`.

use std::fmt::{Debug, Display};

use otel_kit_core::__private::exception::type_name;

use crate::failure::Failure;

/// The failure of `error`, of kind `kind` (a client's error-kind enum): an exception of
/// `E`'s type.
pub(crate) fn failure<K: Debug + ?Sized, E: Display>(kind: &K, error: &E) -> Failure {
    Failure::new(name(&format!("{kind:?}")), error.to_string()).exception(type_name::<E>())
}

/// The variant name of a `Debug` rendering, in snake case: its data (after `(` or ` {`)
/// left out, an acronym kept as one word.
fn name(debug: &str) -> String {
    let variant: Vec<char> = debug
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if variant.iter().collect::<String>() == "Other" {
        return otel_kit_core::__private::error_type::OTHER.to_owned();
    }
    let mut out = String::with_capacity(variant.len() + 4);
    for (i, &c) in variant.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let after_lower = i > 0 && variant[i - 1].is_ascii_lowercase();
            let ends_acronym = i > 0
                && variant[i - 1].is_ascii_uppercase()
                && variant.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if after_lower || ends_acronym {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::name;

    #[test]
    fn variant_names_in_snake_case() {
        assert_eq!(name("MaxPayloadExceeded"), "max_payload_exceeded");
        assert_eq!(name("TimedOut"), "timed_out");
        assert_eq!(name("IOError(Custom { kind: Other })"), "io_error");
        assert_eq!(
            name("InvalidChannelState(Closed, \"basic.publish\")"),
            "invalid_channel_state"
        );
        assert_eq!(name("Other"), "_OTHER");
        assert_eq!(name("Send"), "send");
    }
}

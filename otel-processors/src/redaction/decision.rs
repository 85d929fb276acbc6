//! What the key rules decide for one attribute key: the [`Decision`] that the compiled
//! rules (`decisions.rs`) make and the per-thread cache (`key_cache.rs`) keeps.

/// What the patterns do with a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    Keep,
    Drop,
    Hash,
}

/// What the rules do with one key and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decision {
    pub(crate) action: Action,
    /// Whether a kept string or integer value is scrubbed: `false` only for the keys
    /// whose values the conventions define as non-secret
    /// ([`NOT_SCANNED`](super::known_keys::NOT_SCANNED)).
    pub(crate) scan: bool,
    /// Whether a kept string value that is an IP address is cut to the rules' prefixes:
    /// only for [`IP_ADDRESS_KEYS`](super::ip_address::IP_ADDRESS_KEYS), when on.
    pub(crate) address: bool,
}

//! [`BaggageAllowList`]: which baggage members reach telemetry, and how their values are
//! taken (e-mail addresses scrubbed unless kept); the copying and the one-copy-per-key
//! rule both processors share.

use std::fmt;
use std::sync::Arc;

use opentelemetry::baggage::Baggage;
use opentelemetry::{Key, KeyValue, StringValue};
use otel_kit_core::RequestValueLimit;

use crate::redaction::{Redaction, Redactor, Scrub};

/// The baggage members copied onto spans and log records, by name, and whether e-mail
/// addresses in their values are scrubbed (they are unless [`keep_emails`](Self::keep_emails)).
/// Cheap to clone (shared).
///
/// ```
/// use otel_kit_processors::baggage::{BaggageAllowList, BaggageAllowListError};
///
/// let list = BaggageAllowList::new(["tenant.id", " user.tier ", "tenant.id"])?;
/// assert_eq!(list.names().collect::<Vec<_>>(), ["tenant.id", "user.tier"]);
/// assert!(list.scrubs_emails());
/// assert!(!list.keep_emails().scrubs_emails());
///
/// let err = BaggageAllowList::new(["user.*"]).unwrap_err();
/// assert!(matches!(err, BaggageAllowListError::Wildcard { .. }));
/// assert_eq!(
///     err.to_string(),
///     "baggage member name `user.*` has a wildcard; name each member to copy, e.g. `user.tier`"
/// );
/// # Ok::<(), BaggageAllowListError>(())
/// ```
#[derive(Clone)]
pub struct BaggageAllowList {
    inner: Arc<Inner>,
    /// Whether, as a span processor's transform, it copies the members onto each
    /// starting span: not when another processor of the provider does
    /// (`BaggageSpanProcessor::without_copying`). Log records always get them.
    pub(super) copies_at_start: bool,
}

struct Inner {
    /// Shared keys: a copied attribute's key is a reference count, not an allocation.
    keys: Vec<Key>,
    /// E-mail scrubbing of the copied values; `None` when kept.
    emails: Option<Redactor>,
    /// The longest value copied: the cap on every request-derived value, since baggage
    /// comes from the client.
    limit: RequestValueLimit,
}

/// Why a [`BaggageAllowList`] cannot be built: each says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BaggageAllowListError {
    /// A name that is not a W3C baggage key.
    #[error(
        "`{name}` is not a baggage member name; use letters, digits and !#$%&'+-.^_`|~ only, e.g. `tenant.id`"
    )]
    InvalidName {
        /// The name as given, escaped.
        name: String,
    },
    /// A name with `*`: members are named one by one.
    #[error("baggage member name `{name}` has a wildcard; name each member to copy, e.g. `user.tier`")]
    Wildcard {
        /// The name as given.
        name: String,
    },
    /// A name longer than [`BaggageAllowList::MAX_NAME_BYTES`].
    #[error(
        "baggage member name `{start}…` is {len} bytes long; member names of at most {max} bytes are copied",
        max = BaggageAllowList::MAX_NAME_BYTES
    )]
    TooLong {
        /// Its first 32 characters, escaped.
        start: String,
        /// Its length in bytes.
        len: usize,
    },
    /// More names than baggage can hold members.
    #[error(
        "{count} baggage member names; baggage holds at most {max} members, list at most that many",
        max = BaggageAllowList::MAX_NAMES
    )]
    TooMany {
        /// How many distinct names were given.
        count: usize,
    },
}

impl BaggageAllowList {
    /// The most names a list holds: the most members baggage holds (W3C, and the
    /// OpenTelemetry API's limit).
    pub const MAX_NAMES: usize = 64;

    /// The longest name a list holds, in bytes: attribute names are short, and a long
    /// one is a mistake (baggage holds 8192 bytes in all).
    pub const MAX_NAME_BYTES: usize = 255;

    /// A list of `names` (trimmed; repeats and empty names ignored), scrubbing e-mail
    /// addresses from the copied values. An empty list copies nothing.
    pub fn new<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Result<Self, BaggageAllowListError> {
        let mut keys: Vec<Key> = Vec::new();
        for name in names {
            let name = name.as_ref().trim();
            if name.is_empty() || keys.iter().any(|k| k.as_str() == name) {
                continue;
            }
            check_name(name)?;
            keys.push(Key::from(Arc::<str>::from(name)));
        }
        if keys.len() > Self::MAX_NAMES {
            return Err(BaggageAllowListError::TooMany { count: keys.len() });
        }
        let emails = Some(Redactor::new(&Redaction::none().scrub([Scrub::Email])));
        Ok(BaggageAllowList {
            inner: Arc::new(Inner {
                keys,
                emails,
                limit: RequestValueLimit::DEFAULT,
            }),
            copies_at_start: true,
        })
    }

    /// The same list, copying values with their e-mail addresses as they are (the
    /// redaction rules still apply after).
    pub fn keep_emails(self) -> Self {
        BaggageAllowList {
            inner: Arc::new(Inner {
                keys: self.inner.keys.clone(),
                emails: None,
                limit: self.inner.limit,
            }),
            ..self
        }
    }

    /// The same list, cutting each copied value to `max_bytes` (at a character
    /// boundary). Default: the cap on request-derived values, 4096 bytes
    /// ([`DEFAULT_MAX_REQUEST_VALUE_BYTES`](otel_kit_core::request_value::DEFAULT_MAX_REQUEST_VALUE_BYTES));
    /// otel-kit-init applies `OTEL_KIT_REQUEST_VALUE_MAX_BYTES`. A client's baggage can
    /// then add at most this many bytes per listed member to each span.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    /// use opentelemetry::baggage::Baggage;
    /// use otel_kit_processors::baggage::BaggageAllowList;
    ///
    /// let list = BaggageAllowList::new(["tenant.id"])?.max_value_bytes(4);
    /// let baggage = Baggage::from_iter([KeyValue::new("tenant.id", "acme-corp")]);
    /// assert_eq!(list.members(&baggage).collect::<Vec<_>>(), [KeyValue::new("tenant.id", "acme")]);
    /// # Ok::<(), otel_kit_processors::baggage::BaggageAllowListError>(())
    /// ```
    pub fn max_value_bytes(self, max_bytes: usize) -> Self {
        BaggageAllowList {
            inner: Arc::new(Inner {
                keys: self.inner.keys.clone(),
                emails: self.inner.emails.clone(),
                limit: RequestValueLimit::bytes(max_bytes),
            }),
            ..self
        }
    }

    /// The longest value copied, in bytes.
    pub fn value_limit(&self) -> usize {
        self.inner.limit.max_bytes()
    }

    /// The names, in the order given.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.inner.keys.iter().map(Key::as_str)
    }

    /// Whether nothing is copied.
    pub fn is_empty(&self) -> bool {
        self.inner.keys.is_empty()
    }

    /// Whether e-mail addresses are scrubbed from the copied values.
    pub fn scrubs_emails(&self) -> bool {
        self.inner.emails.is_some()
    }

    /// The listed members of `baggage`, as attributes: e-mail addresses scrubbed unless
    /// kept. Nothing is allocated for an empty list or empty baggage.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    /// use opentelemetry::baggage::Baggage;
    /// use otel_kit_processors::baggage::BaggageAllowList;
    ///
    /// let list = BaggageAllowList::new(["user.email"])?;
    /// let baggage = Baggage::from_iter([KeyValue::new("user.email", "ada@example.com"), KeyValue::new("other", "x")]);
    /// let copied: Vec<KeyValue> = list.members(&baggage).collect();
    /// assert_eq!(copied, [KeyValue::new("user.email", "[REDACTED:email]")]);
    /// # Ok::<(), otel_kit_processors::baggage::BaggageAllowListError>(())
    /// ```
    #[inline]
    pub fn members<'a>(&'a self, baggage: &'a Baggage) -> impl Iterator<Item = KeyValue> + 'a {
        let keys: &[Key] = if baggage.is_empty() { &[] } else { &self.inner.keys };
        keys.iter().filter_map(move |key| {
            let value = baggage.get(key.as_str())?;
            Some(KeyValue::new(key.clone(), self.value(value)))
        })
    }

    fn value(&self, value: &StringValue) -> StringValue {
        // Scrubbed whole, then cut: an address across the cut is still recognised.
        let limit = self.inner.limit;
        match self.inner.emails.as_ref().and_then(|r| r.scrub(value.as_str())) {
            Some(scrubbed) => limit.cut(&scrubbed).to_owned().into(),
            None => match limit.cut(value.as_str()) {
                cut if cut.len() == value.as_str().len() => value.clone(),
                cut => StringValue::from(cut.to_owned()),
            },
        }
    }

    /// Each listed key once, with its last value in the place of its last: the SDK keeps
    /// every value set, and the API says a later set overwrites. Nothing moves and
    /// nothing is allocated when no listed key repeats (the usual case).
    /// [`BaggageSpanProcessor`](super::BaggageSpanProcessor) applies it at span end; it
    /// is public for spans recorded without the SDK's `SpanData`.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    /// use otel_kit_processors::baggage::BaggageAllowList;
    ///
    /// let list = BaggageAllowList::new(["user.tier"])?;
    /// let mut attributes = vec![
    ///     KeyValue::new("user.tier", "gold"),
    ///     KeyValue::new("http.route", "/pay"),
    ///     KeyValue::new("user.tier", "platinum"),
    /// ];
    /// list.keep_last(&mut attributes);
    /// assert_eq!(attributes, [KeyValue::new("http.route", "/pay"), KeyValue::new("user.tier", "platinum")]);
    /// # Ok::<(), otel_kit_processors::baggage::BaggageAllowListError>(())
    /// ```
    pub fn keep_last(&self, attributes: &mut Vec<KeyValue>) {
        let keys = &self.inner.keys;
        if keys.is_empty() {
            return;
        }
        // One bit per listed key (at most `MAX_NAMES`, 64).
        let index = |kv: &KeyValue| keys.iter().position(|k| *k == kv.key);
        let mut seen = 0_u64;
        let repeats = attributes.iter().any(|kv| {
            index(kv).is_some_and(|i| {
                let bit = 1_u64 << i;
                let again = seen & bit != 0;
                seen |= bit;
                again
            })
        });
        if !repeats {
            return;
        }
        let mut later = 0_u64;
        let mut keep = vec![true; attributes.len()];
        for (slot, kv) in keep.iter_mut().zip(attributes.iter()).rev() {
            if let Some(i) = index(kv) {
                let bit = 1_u64 << i;
                *slot = later & bit == 0;
                later |= bit;
            }
        }
        let mut keep = keep.into_iter();
        attributes.retain(|_| keep.next().unwrap_or(true));
    }
}

/// A W3C baggage key is an HTTP token; `*` is one of its characters, but a name with it
/// reads as a pattern, which this list does not have.
fn check_name(name: &str) -> Result<(), BaggageAllowListError> {
    if name.len() > BaggageAllowList::MAX_NAME_BYTES {
        return Err(BaggageAllowListError::TooLong {
            start: name
                .chars()
                .take(32)
                .collect::<String>()
                .escape_debug()
                .to_string(),
            len: name.len(),
        });
    }
    if name.contains('*') {
        return Err(BaggageAllowListError::Wildcard {
            name: name.escape_debug().to_string(),
        });
    }
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'+-.^_`|~".contains(&b);
    if name.bytes().all(token) {
        Ok(())
    } else {
        Err(BaggageAllowListError::InvalidName {
            name: name.escape_debug().to_string(),
        })
    }
}

impl Default for BaggageAllowList {
    /// The empty list: nothing copied.
    fn default() -> Self {
        BaggageAllowList {
            inner: Arc::new(Inner {
                keys: Vec::new(),
                emails: Some(Redactor::new(&Redaction::none().scrub([Scrub::Email]))),
                limit: RequestValueLimit::DEFAULT,
            }),
            copies_at_start: true,
        }
    }
}

impl fmt::Debug for BaggageAllowList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BaggageAllowList")
            .field("names", &self.names().collect::<Vec<_>>())
            .field("scrub_emails", &self.scrubs_emails())
            .field("max_value_bytes", &self.value_limit())
            .finish()
    }
}

impl PartialEq for BaggageAllowList {
    fn eq(&self, other: &Self) -> bool {
        self.inner.keys == other.inner.keys
            && self.scrubs_emails() == other.scrubs_emails()
            && self.value_limit() == other.value_limit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(names: &[&str]) -> BaggageAllowList {
        BaggageAllowList::new(names).expect("valid names")
    }

    #[test]
    fn a_repeated_listed_key_keeps_its_last_value_and_others_are_untouched() {
        let l = list(&["tenant.id", "user.tier"]);
        let mut attributes = vec![
            KeyValue::new("tenant.id", "from-start"),
            KeyValue::new("other", 1),
            KeyValue::new("other", 2),
            KeyValue::new("tenant.id", "from-baggage"),
            KeyValue::new("user.tier", "gold"),
            KeyValue::new("tenant.id", "set-later"),
        ];
        l.keep_last(&mut attributes);
        assert_eq!(
            attributes,
            [
                KeyValue::new("other", 1),
                KeyValue::new("other", 2),
                KeyValue::new("user.tier", "gold"),
                KeyValue::new("tenant.id", "set-later"),
            ]
        );
    }

    #[test]
    fn bad_names_say_what_to_fix() {
        for bad in ["tenant id", "tenant=id", "tenänt", "a;b", "\"q\""] {
            assert!(
                matches!(
                    BaggageAllowList::new([bad]),
                    Err(BaggageAllowListError::InvalidName { .. })
                ),
                "{bad}"
            );
        }
        let many: Vec<String> = (0..65).map(|i| format!("k{i}")).collect();
        assert_eq!(
            BaggageAllowList::new(&many).unwrap_err(),
            BaggageAllowListError::TooMany { count: 65 }
        );
        assert!(BaggageAllowList::new(&many[..64]).is_ok());
        assert!(list(&["", " "]).is_empty());
    }
}

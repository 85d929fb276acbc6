//! The kinds of value scrubbed out of strings ([`Scrub`]), and a set of them.

use std::fmt;

/// A kind of value that is replaced where it appears inside a string, by a marker such
/// as `[REDACTED:card]`; the rest of the string is kept.
///
/// ```
/// use otel_kit_processors::redaction::{Redaction, Scrub};
///
/// let redactor = Redaction::none().scrub([Scrub::Email]).build()?;
/// assert_eq!(redactor.scrub("mail ada@example.com now").as_deref(), Some("mail [REDACTED:email] now"));
/// assert_eq!(Scrub::Email.to_string(), "email");
/// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scrub {
    /// `local@domain.tld`: an ASCII local part (letters, digits, `._%+-`, at most 64
    /// bytes), at least two domain labels, an alphabetic top-level domain of 2+ letters.
    Email,
    /// 13 to 19 digits, single spaces or dashes allowed between them, starting with 2–6
    /// (the major networks' prefixes), passing the Luhn check, not inside a longer
    /// alphanumeric token. Also an integer attribute holding such a number.
    Card,
    /// A US Social Security number, `ddd-dd-dddd` or `ddd dd dddd` (the same separator
    /// twice), as the SSA issues them: area not `000`, `666` or `9xx`, group not `00`,
    /// serial not `0000`; not part of a longer number (no letter or digit directly
    /// before or after, no further digit group joined by the same separator). Nine
    /// digits without separators are not matched: drop the key that holds them.
    Ssn,
    /// `Bearer <token>` (scheme in any case): the scheme and its token, unless the
    /// token is a plain word of fewer than 16 letters (`Bearer token` in prose).
    Bearer,
    /// A JWT: three base64url segments joined by dots, the first starting `eyJ`.
    Jwt,
}

impl Scrub {
    /// Every kind, in the order of `OTEL_KIT_REDACT_SCRUB`'s documentation.
    pub const ALL: [Scrub; 5] = [Scrub::Email, Scrub::Card, Scrub::Ssn, Scrub::Bearer, Scrub::Jwt];

    /// The name used in `OTEL_KIT_REDACT_SCRUB` and in the marker.
    pub fn as_str(self) -> &'static str {
        match self {
            Scrub::Email => "email",
            Scrub::Card => "card",
            Scrub::Ssn => "ssn",
            Scrub::Bearer => "bearer",
            Scrub::Jwt => "jwt",
        }
    }

    /// What replaces a match, e.g. `[REDACTED:card]`.
    pub fn marker(self) -> &'static str {
        match self {
            Scrub::Email => "[REDACTED:email]",
            Scrub::Card => "[REDACTED:card]",
            Scrub::Ssn => "[REDACTED:ssn]",
            Scrub::Bearer => "[REDACTED:bearer]",
            Scrub::Jwt => "[REDACTED:jwt]",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Scrub::Email => 1,
            Scrub::Card => 2,
            Scrub::Bearer => 4,
            Scrub::Jwt => 8,
            Scrub::Ssn => 16,
        }
    }
}

impl fmt::Display for Scrub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of [`Scrub`] kinds.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ScrubSet(u8);

impl ScrubSet {
    pub(crate) fn of(kinds: impl IntoIterator<Item = Scrub>) -> Self {
        let mut set = ScrubSet(0);
        for k in kinds {
            set.insert(k);
        }
        set
    }
    pub(crate) fn insert(&mut self, kind: Scrub) {
        self.0 |= kind.bit();
    }
    pub(crate) fn remove(&mut self, kind: Scrub) {
        self.0 &= !kind.bit();
    }
    pub(crate) fn contains(self, kind: Scrub) -> bool {
        self.0 & kind.bit() != 0
    }
    /// The kinds as bits of `Scrub::bit`.
    pub(crate) fn bits(self) -> u8 {
        self.0
    }
    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The kinds in both sets.
    pub(crate) fn and(self, other: ScrubSet) -> ScrubSet {
        ScrubSet(self.0 & other.0)
    }
    pub(crate) fn iter(self) -> impl Iterator<Item = Scrub> {
        Scrub::ALL.into_iter().filter(move |k| self.contains(*k))
    }
}

impl fmt::Debug for ScrubSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(Scrub::as_str)).finish()
    }
}

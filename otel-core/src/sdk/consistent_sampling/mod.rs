//! Consistent probability sampling, as the OpenTelemetry trace SDK specification defines
//! it: the rejection [`Threshold`] (a sampling probability as the 56-bit number of trace
//! randomness values that are *not* sampled, encoded as `th` in the `ot` entry of
//! `tracestate`: `ot=th:c` is 25%), the randomness of a trace, and reading and writing
//! the `ot` entry ([`ot_trace_state`]). otel-kit-init's samplers use it; its `sampling`
//! module re-exports [`Threshold`].

pub mod ot_trace_state;

use std::fmt;

/// 2^56: the number of distinct 56-bit randomness values, and the threshold that samples
/// nothing.
const MAX: u64 = 1 << 56;
/// The 56 random bits of a W3C Trace Context Level 2 trace id (its right-most 7 bytes).
const RANDOM_BITS: u64 = MAX - 1;
/// Hexadecimal digits of a full threshold.
const DIGITS: usize = 14;

/// A rejection threshold `T`: a span whose randomness `R` (the trace id's right-most 56
/// bits, or the explicit `rv` of the `ot` trace state) satisfies `R >= T` is sampled, so
/// `T = (1 - p) * 2^56` for probability `p`.
///
/// [`from_probability`](Self::from_probability) rounds with the 4 significant hex digits
/// the specification recommends; `Display` gives the `th` value (trailing zeros removed;
/// `0` for 100%) and [`parse`](Self::parse) reads one back.
///
/// ```
/// use otel_kit_core::__private::consistent_sampling::Threshold;
///
/// assert_eq!(Threshold::from_probability(0.25).unwrap().to_string(), "c");
/// assert_eq!(Threshold::from_probability(0.1).unwrap().to_string(), "e666");
/// assert_eq!(Threshold::from_probability(1.0).unwrap().to_string(), "0");
/// assert!(Threshold::from_probability(0.0).is_none(), "never sampling is not a probability");
///
/// let half = Threshold::parse("8").unwrap();
/// assert_eq!(half.value(), 0x80_0000_0000_0000);
/// assert_eq!(half.probability(), 0.5);
/// assert!(half.samples(0x80_0000_0000_0000) && !half.samples(0x7f_ffff_ffff_ffff));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Threshold(u64);

impl Threshold {
    /// 100%: samples every span (`th:0`).
    pub const ALWAYS: Threshold = Threshold(0);
    /// The significant hex digits [`from_probability`](Self::from_probability) keeps, as
    /// the specification recommends.
    pub const DEFAULT_PRECISION: u32 = 4;

    /// The threshold for `probability`, rounded to
    /// [`DEFAULT_PRECISION`](Self::DEFAULT_PRECISION) significant hex digits. `None` for
    /// 0, a negative value or NaN, which sample nothing and are not probabilities; a
    /// value above 1 is 1.
    pub fn from_probability(probability: f64) -> Option<Threshold> {
        Self::from_probability_with_precision(probability, Self::DEFAULT_PRECISION)
    }

    /// The threshold for `probability` with `precision` significant hex digits (clamped
    /// to `1..=12`; more digits than a double has make no difference), by the
    /// specification's algorithm: probabilities near zero keep `precision` digits after
    /// their leading `f`s, and the last digit is rounded half up.
    ///
    /// ```
    /// use otel_kit_core::__private::consistent_sampling::Threshold;
    ///
    /// let one_percent = |digits| Threshold::from_probability_with_precision(0.01, digits).unwrap().to_string();
    /// assert_eq!([one_percent(3), one_percent(4), one_percent(5)], ["fd71", "fd70a", "fd70a4"]);
    /// ```
    pub fn from_probability_with_precision(probability: f64, precision: u32) -> Option<Threshold> {
        if probability.is_nan() || probability <= 0.0 {
            return None;
        }
        if probability >= 1.0 {
            return Some(Self::ALWAYS);
        }
        // Keep `precision` digits after the leading `f`s: one more per 4 halvings.
        let exponent = frexp_exponent(probability);
        let precision = (i64::from(precision) + (-exponent).div_euclid(4)).clamp(1, 12);
        // 2 - p is in [1, 2): its 52 mantissa bits are the 13 leading hex digits of
        // 1 - p. Adding half of the last kept digit rounds it.
        let rejection = 2.0 - probability + 0.5 * f64::powi(16.0, -i32::try_from(precision).unwrap_or(12));
        let mantissa = if rejection >= 2.0 {
            (1u64 << 52) - 1
        } else {
            rejection.to_bits() & ((1u64 << 52) - 1)
        };
        // 13 digits (52 bits) kept to `precision`, then widened to 14 digits (56 bits).
        let dropped_bits = 4 * (13 - u32::try_from(precision).unwrap_or(12));
        Some(Threshold(((mantissa >> dropped_bits) << dropped_bits) << 4))
    }

    /// The threshold a `th` value encodes: 1 to 14 lower-case hex digits, widened with
    /// trailing zeros to 14. `None` for anything else.
    pub fn parse(th: &str) -> Option<Threshold> {
        if th.is_empty() || th.len() > DIGITS {
            return None;
        }
        let value = crate::text::lower_hex::parse(th.as_bytes())?;
        Some(Threshold(value << (4 * (DIGITS - th.len()))))
    }

    /// The 56-bit threshold from its integer value; `None` from 2^56 up (sampling
    /// nothing has no threshold).
    pub fn from_value(value: u64) -> Option<Threshold> {
        (value < MAX).then_some(Threshold(value))
    }

    /// The 56-bit integer value.
    pub fn value(self) -> u64 {
        self.0
    }

    /// The sampling probability: `(2^56 - T) / 2^56`.
    pub fn probability(self) -> f64 {
        (MAX - self.0) as f64 / MAX as f64
    }

    /// The number of spans a span sampled with this threshold stands for: `1 / p`.
    pub fn adjusted_count(self) -> f64 {
        MAX as f64 / (MAX - self.0) as f64
    }

    /// Whether a span with 56-bit randomness `randomness` is sampled: `R >= T`.
    pub fn samples(self, randomness: u64) -> bool {
        randomness >= self.0
    }
}

impl fmt::Display for Threshold {
    /// The `th` value: 14 hex digits with trailing zeros removed, `0` for 100%.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0");
        }
        // Without allocating: this runs for every span a ratio samples.
        let mut digits = [0u8; DIGITS];
        for (i, digit) in digits.iter_mut().enumerate() {
            let nibble = (self.0 >> (4 * (DIGITS - 1 - i))) & 0xf;
            *digit = b"0123456789abcdef"[usize::try_from(nibble).unwrap_or(0)];
        }
        let end = DIGITS - usize::try_from(self.0.trailing_zeros() / 4).unwrap_or(0);
        f.write_str(std::str::from_utf8(&digits[..end]).unwrap_or("0"))
    }
}

/// The randomness of a trace id: its right-most 56 bits (W3C Trace Context Level 2).
///
/// ```
/// use opentelemetry::trace::TraceId;
/// use otel_kit_core::__private::consistent_sampling::trace_id_randomness;
///
/// assert_eq!(trace_id_randomness(TraceId::from(u128::MAX)), (1 << 56) - 1);
/// ```
pub fn trace_id_randomness(trace_id: opentelemetry::trace::TraceId) -> u64 {
    (u128::from_be_bytes(trace_id.to_bytes()) as u64) & RANDOM_BITS
}

/// An explicit randomness value `rv`: exactly 14 lower-case hex digits, else `None`.
///
/// ```
/// use otel_kit_core::__private::consistent_sampling::parse_randomness;
///
/// assert_eq!(parse_randomness("6e6d1a75832a2f"), Some(0x6e_6d1a_7583_2a2f));
/// assert_eq!(parse_randomness("6E6D1A75832A2F"), None);
/// ```
pub fn parse_randomness(rv: &str) -> Option<u64> {
    if rv.len() == DIGITS {
        crate::text::lower_hex::parse(rv.as_bytes())
    } else {
        None
    }
}

/// `e` with `x = m * 2^e`, `m` in `[0.5, 1)`, for a finite `x` in `(0, 1)` (C's `frexp`).
fn frexp_exponent(x: f64) -> i64 {
    let biased = i64::try_from((x.to_bits() >> 52) & 0x7ff).unwrap_or(0);
    if biased == 0 {
        // Subnormal: scale into the normal range first.
        frexp_exponent(x * 2f64.powi(64)) - 64
    } else {
        biased - 1022
    }
}

//! Why a [`Sampling`](super::Sampling) cannot be used as written.

/// A sampling value outside its allowed range, from
/// [`Sampling::validate`](super::Sampling::validate).
///
/// The message names the setting, the allowed range and the value given:
///
/// ```
/// use otel_kit_sampling::Sampling;
///
/// let err = Sampling::rate_limited(f64::NAN).validate().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "sampling rate must be a finite number of traces per second greater than 0, got NaN"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SamplingError {
    /// The ratio of [`Sampling::ratio`](super::Sampling::ratio) is below 0, above 1 or NaN.
    #[error("sampling ratio must be between 0.0 and 1.0, got {0}")]
    InvalidRatio(f64),
    /// The rate of [`Sampling::rate_limited`](super::Sampling::rate_limited) is zero,
    /// negative, infinite or NaN.
    #[error("sampling rate must be a finite number of traces per second greater than 0, got {0}")]
    InvalidRate(f64),
    /// The endpoint of a [`JaegerRemote`](super::JaegerRemote) is not an
    /// `http://host[:port][/path]` URL; the message says what is wrong.
    #[error("Jaeger remote sampler endpoint: {0}")]
    InvalidRemoteEndpoint(String),
    /// The polling interval of a [`JaegerRemote`](super::JaegerRemote) is zero.
    #[error("Jaeger remote sampler polling interval must be greater than 0")]
    ZeroPollingInterval,
    /// The settings of an [`XrayRemote`](super::XrayRemote) cannot be used: its endpoint
    /// is not an `http://host[:port][/path]` URL, or an interval is zero. The message
    /// says which.
    #[error("X-Ray remote sampler: {0}")]
    InvalidXrayRemote(String),
}

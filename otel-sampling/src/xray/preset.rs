//! The `xray` preset: [`Sampling::xray`], AWS X-Ray's sampling rules, with the settings
//! of `remote.rs`.

use crate::preset::{Kind, Sampling};
use crate::xray::remote::XrayRemote;

impl Sampling {
    /// Samples by the sampling rules of AWS X-Ray (`xray`), as AWS's own OpenTelemetry
    /// samplers do: the rules and their targets are fetched from the X-Ray daemon or the
    /// Collector's `awsproxy` extension ([`XrayRemote`]); a new trace is decided by the
    /// first rule that matches it (by priority, then name; the `Default` rule last), from
    /// the rule's reservoir (a number of traces per second, borrowed at 1 per second
    /// until X-Ray assigns a quota) and then its fixed rate. Children follow their
    /// parent, as with AWS's samplers.
    ///
    /// Until the first rules arrive, and for a trace no rule matches, it samples as
    /// X-Ray's default rule does: 1 trace per second, then 5% of the rest. A fetch that
    /// fails (refused, timed out, not 200, not a usable answer, longer than
    /// [`XrayRemote::MAX_RESPONSE_BYTES`]) keeps what the sampler had.
    ///
    /// Needs the `xray-remote` feature. Without it, [`into_sampler`](Self::into_sampler)
    /// logs one warning and samples
    /// `parentbased_traceidratio(`[`FALLBACK_RATIO`](Self::FALLBACK_RATIO)`)`.
    ///
    /// ```
    /// use otel_kit_sampling::{Sampling, XrayRemote};
    ///
    /// let sampling = Sampling::xray(XrayRemote::new(XrayRemote::DEFAULT_ENDPOINT));
    /// assert_eq!(sampling.to_string(), "xray(endpoint=http://127.0.0.1:2000, polling_interval=300)");
    /// ```
    pub fn xray(remote: XrayRemote) -> Self {
        Self::from_kind(Kind::Xray(remote))
    }
}

//! AWS X-Ray sampling: the `xray` preset and its settings ([`XrayRemote`], read from
//! `OTEL_TRACES_SAMPLER_ARG` too), and with the `xray-remote` feature the remote sampler:
//! the rules fetched and ordered, matched against each new trace, applied with their
//! reservoirs, and the targets reported back.
//!
//! | file | what it holds |
//! | --- | --- |
//! | `preset.rs` | [`Sampling::xray`](crate::Sampling::xray) and its fallback |
//! | `remote.rs` | [`XrayRemote`]: the endpoint, the intervals, the resource the rules see |
//! | `remote_arg.rs` | `OTEL_TRACES_SAMPLER_ARG` for `xray` |
//! | `rules.rs` | `GetSamplingRules`' answer read into rules, in the order they apply |
//! | `pattern.rs`, `matcher.rs` | one matcher's `*`/`?` pattern; whether a rule matches a trace |
//! | `applier.rs` | one rule as the sampler applies it: reservoir and fixed rate |
//! | `sampler.rs` | the decision over the state the poller keeps current |
//! | `targets.rs` | `GetSamplingTargets`: the statistics sent, the quotas read |
//! | `poller.rs` | builds the sampler and polls the rules and targets |

#[cfg(feature = "xray-remote")]
pub(crate) mod applier;
#[cfg(feature = "xray-remote")]
pub(crate) mod matcher;
#[cfg(feature = "xray-remote")]
pub(crate) mod pattern;
#[cfg(feature = "xray-remote")]
pub(crate) mod poller;
pub(crate) mod preset;
pub(crate) mod remote;
pub(crate) mod remote_arg;
#[cfg(feature = "xray-remote")]
pub(crate) mod rules;
#[cfg(feature = "xray-remote")]
pub(crate) mod sampler;
#[cfg(feature = "xray-remote")]
pub(crate) mod targets;

#[cfg(doc)]
use crate::XrayRemote;

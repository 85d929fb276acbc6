//! `tracer_provider.sampler`: every sampler of the released schemas, the parent-based
//! sampler's five delegates, Jaeger remote and probability samplers.

use std::time::Duration;

use crate::reader::{At, Ctx, Result, join};

/// The schema's `Sampler`, defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub enum Sampler {
    /// `always_on`
    AlwaysOn,
    /// `always_off`
    AlwaysOff,
    /// `trace_id_ratio_based` (`ratio`, default 1.0).
    TraceIdRatioBased {
        /// From 0 to 1.
        ratio: f64,
    },
    /// `probability/development`: consistent probability sampling (`ratio`, default 1.0).
    Probability {
        /// From 0 to 1.
        ratio: f64,
    },
    /// `parent_based`
    ParentBased(Box<ParentBasedSampler>),
    /// `jaeger_remote/development`
    JaegerRemote(JaegerRemoteSampler),
    /// A sampler the kit does not implement (`composite/development`, a custom one; one
    /// warning names it).
    Unsupported {
        /// Its key.
        name: String,
    },
}

/// `parent_based`, each delegate filled in with the schema's default.
#[derive(Debug, Clone, PartialEq)]
pub struct ParentBasedSampler {
    /// `root` (default always_on).
    pub root: Sampler,
    /// `remote_parent_sampled` (default always_on).
    pub remote_parent_sampled: Sampler,
    /// `remote_parent_not_sampled` (default always_off).
    pub remote_parent_not_sampled: Sampler,
    /// `local_parent_sampled` (default always_on).
    pub local_parent_sampled: Sampler,
    /// `local_parent_not_sampled` (default always_off).
    pub local_parent_not_sampled: Sampler,
}

impl Default for ParentBasedSampler {
    /// The schema's default sampler: parent-based with a root of always_on.
    fn default() -> Self {
        Self {
            root: Sampler::AlwaysOn,
            remote_parent_sampled: Sampler::AlwaysOn,
            remote_parent_not_sampled: Sampler::AlwaysOff,
            local_parent_sampled: Sampler::AlwaysOn,
            local_parent_not_sampled: Sampler::AlwaysOff,
        }
    }
}

impl Default for Sampler {
    /// What `tracer_provider` uses without `sampler`: parent-based, root always_on.
    fn default() -> Self {
        Sampler::ParentBased(Box::default())
    }
}

/// `jaeger_remote/development`.
#[derive(Debug, Clone, PartialEq)]
pub struct JaegerRemoteSampler {
    /// `endpoint` (required): the strategies endpoint.
    pub endpoint: String,
    /// `interval` (default 60 s): how often the strategy is polled.
    pub interval: Duration,
    /// `initial_sampler` (required): what decides until the first strategy arrives.
    pub initial_sampler: Box<Sampler>,
}

impl Sampler {
    /// The sampler's key in the schema (`parent_based`, `jaeger_remote/development`, ...).
    pub fn name(&self) -> &str {
        match self {
            Sampler::AlwaysOn => "always_on",
            Sampler::AlwaysOff => "always_off",
            Sampler::TraceIdRatioBased { .. } => "trace_id_ratio_based",
            Sampler::Probability { .. } => "probability/development",
            Sampler::ParentBased(_) => "parent_based",
            Sampler::JaegerRemote(_) => "jaeger_remote/development",
            Sampler::Unsupported { name } => name,
        }
    }

    pub(crate) fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let (key, node) = at.component()?;
        let path = join(at.path, &key.name);
        let inner = At { node, path: &path };
        Ok(match key.name.as_str() {
            "always_on" => {
                inner.fields(&[], ctx)?;
                Sampler::AlwaysOn
            }
            "always_off" => {
                inner.fields(&[], ctx)?;
                Sampler::AlwaysOff
            }
            "trace_id_ratio_based" => Sampler::TraceIdRatioBased {
                ratio: inner.fields(&["ratio"], ctx)?.ratio("ratio", 1.0)?,
            },
            "probability/development" => Sampler::Probability {
                ratio: inner.fields(&["ratio"], ctx)?.ratio("ratio", 1.0)?,
            },
            "parent_based" => {
                let fields = inner.fields(DELEGATES, ctx)?;
                let delegate = |name: &str, default: Sampler, ctx: &mut Ctx| match fields.get(name) {
                    Some(field) => Sampler::read(field.at(), ctx),
                    None => Ok(default),
                };
                Sampler::ParentBased(Box::new(ParentBasedSampler {
                    root: delegate("root", Sampler::AlwaysOn, ctx)?,
                    remote_parent_sampled: delegate("remote_parent_sampled", Sampler::AlwaysOn, ctx)?,
                    remote_parent_not_sampled: delegate(
                        "remote_parent_not_sampled",
                        Sampler::AlwaysOff,
                        ctx,
                    )?,
                    local_parent_sampled: delegate("local_parent_sampled", Sampler::AlwaysOn, ctx)?,
                    local_parent_not_sampled: delegate("local_parent_not_sampled", Sampler::AlwaysOff, ctx)?,
                }))
            }
            "jaeger_remote/development" => {
                let fields = inner.fields(&["endpoint", "interval", "initial_sampler"], ctx)?;
                let endpoint = fields.required("endpoint")?.at().string()?;
                let initial = fields.required("initial_sampler")?;
                Sampler::JaegerRemote(JaegerRemoteSampler {
                    endpoint,
                    interval: fields.millis("interval", 60_000, false, ctx)?,
                    initial_sampler: Box::new(Sampler::read(initial.at(), ctx)?),
                })
            }
            other => {
                ctx.unsupported(other, &path, key.line);
                Sampler::Unsupported {
                    name: other.to_owned(),
                }
            }
        })
    }
}

const DELEGATES: &[&str] = &[
    "root",
    "remote_parent_sampled",
    "remote_parent_not_sampled",
    "local_parent_sampled",
    "local_parent_not_sampled",
];

//! `meter_provider.views`: selectors, streams and aggregations.

use super::common::IncludeExclude;
use crate::error::ConfigFileErrorKind as Kind;
use crate::reader::{At, Ctx, Result, join};

/// One view: which instruments (`selector`) and what to make of them (`stream`).
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// `selector`
    pub selector: ViewSelector,
    /// `stream`
    pub stream: ViewStream,
}

/// `selector`: each criterion left `None` matches everything.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ViewSelector {
    /// `instrument_name` (`*` and `?` wildcards).
    pub instrument_name: Option<String>,
    /// `instrument_type`
    pub instrument_type: Option<InstrumentType>,
    /// `unit`
    pub unit: Option<String>,
    /// `meter_name`
    pub meter_name: Option<String>,
    /// `meter_version`
    pub meter_version: Option<String>,
    /// `meter_schema_url`
    pub meter_schema_url: Option<String>,
}

/// `instrument_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstrumentType {
    /// `counter`
    Counter,
    /// `gauge`
    Gauge,
    /// `histogram`
    Histogram,
    /// `observable_counter`
    ObservableCounter,
    /// `observable_gauge`
    ObservableGauge,
    /// `observable_up_down_counter`
    ObservableUpDownCounter,
    /// `up_down_counter`
    UpDownCounter,
}

/// The schema's names of [`InstrumentType`], in its order.
pub const INSTRUMENT_TYPES: [&str; 7] = [
    "counter",
    "gauge",
    "histogram",
    "observable_counter",
    "observable_gauge",
    "observable_up_down_counter",
    "up_down_counter",
];

impl InstrumentType {
    const ALL: [InstrumentType; 7] = [
        Self::Counter,
        Self::Gauge,
        Self::Histogram,
        Self::ObservableCounter,
        Self::ObservableGauge,
        Self::ObservableUpDownCounter,
        Self::UpDownCounter,
    ];

    /// The schema's name.
    pub fn name(self) -> &'static str {
        INSTRUMENT_TYPES[Self::ALL.iter().position(|kind| *kind == self).unwrap_or(0)]
    }
}

/// `stream`: what the selected instruments become.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ViewStream {
    /// `name` (`None`: the instrument's).
    pub name: Option<String>,
    /// `description` (`None`: the instrument's).
    pub description: Option<String>,
    /// `aggregation` (default `default`).
    pub aggregation: Aggregation,
    /// `aggregation_cardinality_limit` (`None`: the reader's).
    pub aggregation_cardinality_limit: Option<u64>,
    /// `attribute_keys` (`None`: every key is kept).
    pub attribute_keys: Option<IncludeExclude>,
}

/// The most boundaries an explicit bucket histogram may have: each series keeps a
/// counter per bucket, and the SDK takes any number.
pub const MAX_BOUNDARIES: usize = 1024;

/// The largest `max_size` of an exponential histogram: from 2^31 the SDK's `i32` wraps
/// negative and it drops every later measurement of the series, silently; far below
/// that, each series would hold that many buckets.
pub const MAX_EXPONENTIAL_SIZE: u64 = 16_384;

/// The explicit bucket histogram's default boundaries.
pub const DEFAULT_BOUNDARIES: [f64; 15] = [
    0.0, 5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0, 7500.0, 10000.0,
];

/// `aggregation`, defaults filled in.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Aggregation {
    /// `default`: the instrument kind's default.
    #[default]
    Default,
    /// `drop`
    Drop,
    /// `explicit_bucket_histogram`
    ExplicitBucketHistogram {
        /// `boundaries` (default [`DEFAULT_BOUNDARIES`]).
        boundaries: Vec<f64>,
        /// `record_min_max` (default true).
        record_min_max: bool,
    },
    /// `base2_exponential_bucket_histogram`
    Base2ExponentialBucketHistogram {
        /// `max_scale` (default 20, from -10 to 20).
        max_scale: i64,
        /// `max_size` (default 160, at least 2).
        max_size: u64,
        /// `record_min_max` (default true).
        record_min_max: bool,
    },
    /// `last_value`
    LastValue,
    /// `sum`
    Sum,
}

impl View {
    pub(crate) fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let fields = at.fields(&["selector", "stream"], ctx)?;
        let selector = fields.required("selector")?;
        let known = [
            "instrument_name",
            "instrument_type",
            "unit",
            "meter_name",
            "meter_version",
            "meter_schema_url",
        ];
        let s = selector.at().fields(&known, ctx)?;
        let selector = ViewSelector {
            instrument_name: s.string("instrument_name")?,
            instrument_type: s
                .choice("instrument_type", &INSTRUMENT_TYPES)?
                .map(|index| InstrumentType::ALL[index]),
            unit: s.string("unit")?,
            meter_name: s.string("meter_name")?,
            meter_version: s.string("meter_version")?,
            meter_schema_url: s.string("meter_schema_url")?,
        };
        let stream = fields.required("stream")?;
        let known = [
            "name",
            "description",
            "aggregation",
            "aggregation_cardinality_limit",
            "attribute_keys",
        ];
        let s = stream.at().fields(&known, ctx)?;
        let aggregation_cardinality_limit = match s.get("aggregation_cardinality_limit") {
            Some(field) => match field.at().u64()? {
                0 => return Err(field.at().error(Kind::Value, "a positive integer")),
                limit => Some(limit),
            },
            None => None,
        };
        let stream = ViewStream {
            name: s.string("name")?,
            description: s.string("description")?,
            aggregation: match s.get("aggregation") {
                Some(field) => Aggregation::read(field.at(), ctx)?,
                None => Aggregation::Default,
            },
            aggregation_cardinality_limit,
            attribute_keys: s
                .get("attribute_keys")
                .map(|field| IncludeExclude::read(field.at(), ctx))
                .transpose()?,
        };
        Ok(Self { selector, stream })
    }
}

impl Aggregation {
    /// The schema's key of this aggregation.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::Drop => "drop",
            Self::ExplicitBucketHistogram { .. } => "explicit_bucket_histogram",
            Self::Base2ExponentialBucketHistogram { .. } => "base2_exponential_bucket_histogram",
            Self::LastValue => "last_value",
            Self::Sum => "sum",
        }
    }

    fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let (key, node) = at.component()?;
        let path = join(at.path, &key.name);
        let inner = At { node, path: &path };
        Ok(match key.name.as_str() {
            "default" | "drop" | "last_value" | "sum" => {
                inner.fields(&[], ctx)?;
                match key.name.as_str() {
                    "default" => Self::Default,
                    "drop" => Self::Drop,
                    "last_value" => Self::LastValue,
                    _ => Self::Sum,
                }
            }
            "explicit_bucket_histogram" => {
                let fields = inner.fields(&["boundaries", "record_min_max"], ctx)?;
                let boundaries = match fields.get("boundaries") {
                    Some(list) => {
                        let mut boundaries = Vec::new();
                        for (path, node) in list.at().items()? {
                            boundaries.push(At { node, path: &path }.f64()?);
                        }
                        if boundaries.windows(2).any(|pair| pair[0] >= pair[1]) {
                            return Err(list.at().error(Kind::Value, "boundaries in increasing order"));
                        }
                        if boundaries.len() > MAX_BOUNDARIES {
                            return Err(list.at().error(Kind::Value, "at most 1024 boundaries"));
                        }
                        boundaries
                    }
                    None => DEFAULT_BOUNDARIES.to_vec(),
                };
                Self::ExplicitBucketHistogram {
                    boundaries,
                    record_min_max: fields.bool("record_min_max", true)?,
                }
            }
            "base2_exponential_bucket_histogram" => {
                let fields = inner.fields(&["max_scale", "max_size", "record_min_max"], ctx)?;
                let max_scale = match fields.get("max_scale") {
                    Some(field) => match field.at().i64()? {
                        scale @ -10..=20 => scale,
                        _ => return Err(field.at().error(Kind::Value, "a max_scale from -10 to 20")),
                    },
                    None => 20,
                };
                let max_size = fields.u64("max_size", 160)?;
                if !(2..=MAX_EXPONENTIAL_SIZE).contains(&max_size) {
                    let field = fields.required("max_size")?;
                    return Err(field.at().error(Kind::Value, "a max_size from 2 to 16384"));
                }
                Self::Base2ExponentialBucketHistogram {
                    max_scale,
                    max_size,
                    record_min_max: fields.bool("record_min_max", true)?,
                }
            }
            other => {
                // `Aggregation` allows no other keys.
                return Err(crate::error::ConfigFileError::new(
                    Kind::Value,
                    at.path,
                    key.line,
                    "one of `default`, `drop`, `explicit_bucket_histogram`, `base2_exponential_bucket_histogram`, `last_value`, `sum`",
                    format!("`{other}`"),
                ));
            }
        })
    }
}

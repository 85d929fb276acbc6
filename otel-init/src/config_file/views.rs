//! `meter_provider.views` onto the SDK's views (as `Builder::with_view` adds them):
//! the selector picks instruments (`*` and `?` in `instrument_name` as the
//! specification's wildcards), the stream renames, re-aggregates, limits attribute keys
//! and cardinality.

use opentelemetry::Key;
use opentelemetry_sdk::metrics::{Aggregation, Instrument, InstrumentKind, Stream};
use otel_kit_config::{Aggregation as FileAggregation, InstrumentType, View};

use crate::env::ConfigWarning;

/// The SDK view for the file's `view`; `meter_provider.views[i]`'s parts the SDK cannot
/// build are warned about.
pub(super) fn to_view(
    view: View,
    path: &str,
    warnings: &mut Vec<ConfigWarning>,
) -> impl Fn(&Instrument) -> Option<Stream> + Send + Sync + 'static {
    if view
        .stream
        .attribute_keys
        .as_ref()
        .is_some_and(|keys| !keys.excluded.is_empty())
    {
        warnings.push(ConfigWarning::new(
            format!("{path}.stream.attribute_keys.excluded"),
            view.stream
                .attribute_keys
                .iter()
                .flat_map(|k| k.excluded.clone())
                .collect::<Vec<_>>()
                .join(","),
            "is not supported by the SDK's views (only `included`): every attribute not included is kept",
        ));
    }
    move |instrument: &Instrument| {
        let selector = &view.selector;
        let scope = instrument.scope();
        let matches = selector
            .instrument_name
            .as_deref()
            .is_none_or(|p| otel_kit_config::wildcard_matches(p, instrument.name()))
            && selector
                .instrument_type
                .is_none_or(|t| kind(t) == instrument.kind())
            && selector.unit.as_deref().is_none_or(|u| u == instrument.unit())
            && selector.meter_name.as_deref().is_none_or(|n| n == scope.name())
            && selector
                .meter_version
                .as_deref()
                .is_none_or(|v| Some(v) == scope.version())
            && selector
                .meter_schema_url
                .as_deref()
                .is_none_or(|u| Some(u) == scope.schema_url());
        if !matches {
            return None;
        }
        let stream = &view.stream;
        let mut builder = Stream::builder();
        if let Some(name) = &stream.name {
            builder = builder.with_name(name.clone());
        }
        if let Some(description) = &stream.description {
            builder = builder.with_description(description.clone());
        }
        // Only an aggregation the file names: without one the SDK keeps the
        // instrument's advisory buckets (the conventions' seconds for a duration), and
        // `Default` would replace them with its millisecond ones.
        if !matches!(stream.aggregation, FileAggregation::Default) {
            builder = builder.with_aggregation(aggregation(&stream.aggregation));
        }
        if let Some(limit) = stream
            .aggregation_cardinality_limit
            .and_then(|l| usize::try_from(l).ok())
        {
            builder = builder.with_cardinality_limit(limit);
        }
        if let Some(included) = stream.attribute_keys.as_ref().and_then(|k| k.included.clone()) {
            builder = builder.with_allowed_attribute_keys(included.into_iter().map(Key::from));
        }
        builder.build().ok()
    }
}

fn kind(instrument_type: InstrumentType) -> InstrumentKind {
    match instrument_type {
        InstrumentType::Counter => InstrumentKind::Counter,
        InstrumentType::Gauge => InstrumentKind::Gauge,
        InstrumentType::Histogram => InstrumentKind::Histogram,
        InstrumentType::ObservableCounter => InstrumentKind::ObservableCounter,
        InstrumentType::ObservableGauge => InstrumentKind::ObservableGauge,
        InstrumentType::ObservableUpDownCounter => InstrumentKind::ObservableUpDownCounter,
        InstrumentType::UpDownCounter => InstrumentKind::UpDownCounter,
    }
}

fn aggregation(file: &FileAggregation) -> Aggregation {
    match file {
        FileAggregation::Default => Aggregation::Default,
        FileAggregation::Drop => Aggregation::Drop,
        FileAggregation::Sum => Aggregation::Sum,
        FileAggregation::LastValue => Aggregation::LastValue,
        FileAggregation::ExplicitBucketHistogram {
            boundaries,
            record_min_max,
        } => Aggregation::ExplicitBucketHistogram {
            boundaries: boundaries.clone(),
            record_min_max: *record_min_max,
        },
        FileAggregation::Base2ExponentialBucketHistogram {
            max_scale,
            max_size,
            record_min_max,
        } => Aggregation::Base2ExponentialHistogram {
            max_size: u32::try_from(*max_size).unwrap_or(u32::MAX),
            max_scale: i8::try_from(*max_scale).unwrap_or(20),
            record_min_max: *record_min_max,
        },
    }
}

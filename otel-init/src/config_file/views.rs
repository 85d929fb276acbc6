//! `meter_provider.views` onto the SDK's views (as `Builder::with_view` adds them):
//! the selector picks instruments (`*` and `?` in `instrument_name` as the
//! specification's wildcards), the stream renames, re-aggregates, keeps the included
//! attribute keys and limits cardinality; the excluded keys are dropped by the kit's
//! meter provider (`excluded_attributes.rs`).

use opentelemetry::Key;
use opentelemetry_sdk::metrics::{Aggregation, Instrument, InstrumentKind, Stream};
use otel_kit_config::{Aggregation as FileAggregation, InstrumentType, View};

use crate::excluded_attributes::{Exclusion, Selected};

/// The SDK view for the file's `view`.
pub(super) fn to_view(view: View) -> impl Fn(&Instrument) -> Option<Stream> + Send + Sync + 'static {
    move |instrument: &Instrument| {
        let selected = Selected {
            scope: instrument.scope(),
            name: instrument.name(),
            kind: instrument.kind(),
            unit: instrument.unit(),
        };
        if !selects(&view, &selected) {
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

/// The keys `view` excludes, dropped from the instruments it selects before aggregation
/// (the SDK's views keep only an allow-list); `None` when it excludes none.
pub(super) fn to_exclusion(view: &View) -> Option<Exclusion> {
    let keys: Vec<Key> = view
        .stream
        .attribute_keys
        .as_ref()
        .map(|k| k.excluded.iter().cloned().map(Key::from).collect())
        .unwrap_or_default();
    if keys.is_empty() {
        return None;
    }
    let view = view.clone();
    Some(Exclusion {
        selects: Box::new(move |selected| selects(&view, selected)),
        keys,
    })
}

/// Whether `view`'s selector picks the instrument (`*` and `?` in `instrument_name` as
/// the specification's wildcards).
fn selects(view: &View, instrument: &Selected<'_>) -> bool {
    let selector = &view.selector;
    let scope = instrument.scope;
    selector
        .instrument_name
        .as_deref()
        .is_none_or(|p| otel_kit_config::wildcard_matches(p, instrument.name))
        && selector
            .instrument_type
            .is_none_or(|t| kind(t) == instrument.kind)
        && selector.unit.as_deref().is_none_or(|u| u == instrument.unit)
        && selector.meter_name.as_deref().is_none_or(|n| n == scope.name())
        && selector
            .meter_version
            .as_deref()
            .is_none_or(|v| Some(v) == scope.version())
        && selector
            .meter_schema_url
            .as_deref()
            .is_none_or(|u| Some(u) == scope.schema_url())
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

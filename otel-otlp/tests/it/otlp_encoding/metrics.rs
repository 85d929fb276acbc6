//! Metrics: `MetricEncoder` against opentelemetry-proto's `From<&ResourceMetrics>` and
//! prost, over data the SDK aggregated from arbitrary measurements; and the exemplar
//! hook.

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{SpanId, TraceId};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{
    AnyValue as ProtoAnyValue, KeyValue as ProtoKeyValue, any_value,
};
use opentelemetry_proto::tonic::metrics::v1::{
    self as metric_v1, Exemplar as ProtoExemplar, exemplar, metric,
};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::{
    Aggregation, InMemoryMetricExporterBuilder, Instrument, PeriodicReader, SdkMeterProvider, Stream,
    Temporality,
};
use otel_kit_otlp::otlp_encoding::{
    Exemplar, ExemplarSource, ExemplarValue, MetricEncoder, PointIdentity, SpanIds,
};
use proptest::prelude::*;
use prost::Message as _;

use super::arbitrary::{attributes, resource, scope};

/// The instruments, by name: the kind and number type are in the name.
const INSTRUMENTS: [&str; 12] = [
    "counter.u64",
    "counter.f64",
    "updown.i64",
    "updown.f64",
    "gauge.u64",
    "gauge.i64",
    "gauge.f64",
    "histogram.f64",
    "histogram.u64",
    "histogram_no_min_max.f64",
    "exponential.f64",
    "exponential.u64",
];

/// Explicit buckets of our own for two histograms, base-2 exponential ones for two.
fn view(i: &Instrument) -> Option<Stream> {
    let aggregation = match i.name() {
        "histogram.u64" => Aggregation::ExplicitBucketHistogram {
            boundaries: vec![0.0, 10.0, 1000.0],
            record_min_max: true,
        },
        "histogram_no_min_max.f64" => Aggregation::ExplicitBucketHistogram {
            boundaries: vec![],
            record_min_max: false,
        },
        name if name.starts_with("exponential.") => Aggregation::Base2ExponentialHistogram {
            max_size: 20,
            max_scale: 10,
            record_min_max: true,
        },
        _ => return None,
    };
    Stream::builder().with_aggregation(aggregation).build().ok()
}

/// One measurement: which instrument, of which meter, the value (each instrument takes
/// the form it needs), the attributes.
#[derive(Debug, Clone)]
struct Measurement {
    instrument: usize,
    scope: InstrumentationScope,
    int: i64,
    uint: u64,
    float: f64,
    attributes: Vec<KeyValue>,
}

fn measurement() -> impl Strategy<Value = Measurement> {
    (
        0..INSTRUMENTS.len(),
        scope(),
        -1_000_000_000_000_i64..1_000_000_000_000,
        prop_oneof![3 => 0..1_000_000_000_000_u64, 1 => any::<u64>()],
        -1e9_f64..1e9,
        attributes(3),
    )
        .prop_map(|(instrument, scope, int, uint, float, attributes)| Measurement {
            instrument,
            scope,
            int,
            uint,
            float,
            attributes,
        })
}

fn record(provider: &SdkMeterProvider, m: &Measurement) {
    let meter = provider.meter_with_scope(m.scope.clone());
    let name = INSTRUMENTS[m.instrument];
    let a = &m.attributes;
    // Counters take no negative value; a gauge keeps any `u64`.
    let small = m.uint % 1_000_000_000_000;
    match name {
        "counter.u64" => meter.u64_counter(name).with_unit("{order}").build().add(small, a),
        "counter.f64" => meter
            .f64_counter(name)
            .with_description("paid")
            .build()
            .add(m.float.abs(), a),
        "updown.i64" => meter.i64_up_down_counter(name).build().add(m.int, a),
        "updown.f64" => meter.f64_up_down_counter(name).build().add(m.float, a),
        "gauge.u64" => meter.u64_gauge(name).build().record(m.uint, a),
        "gauge.i64" => meter.i64_gauge(name).build().record(m.int, a),
        "gauge.f64" => meter.f64_gauge(name).build().record(m.float, a),
        "histogram.u64" | "exponential.u64" => meter.u64_histogram(name).build().record(small, a),
        _ => meter.f64_histogram(name).build().record(m.float.abs(), a),
    }
}

/// The SDK's collections of `measurements`, in two rounds (a delta's second round
/// restarts its period).
fn collect(
    resource: Resource,
    temporality: Temporality,
    rounds: [&[Measurement]; 2],
) -> Vec<ResourceMetrics> {
    let exporter = InMemoryMetricExporterBuilder::new()
        .with_temporality(temporality)
        .build();
    let provider = SdkMeterProvider::builder()
        .with_resource(resource)
        .with_view(view)
        .with_reader(PeriodicReader::builder(exporter.clone()).build())
        .build();
    for round in rounds {
        for m in round {
            record(&provider, m);
        }
        provider.force_flush().expect("flush");
    }
    exporter.get_finished_metrics().expect("collected")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn metrics_decode_to_what_opentelemetry_proto_produces(
        resource in resource(),
        delta in any::<bool>(),
        first in prop::collection::vec(measurement(), 0..12),
        second in prop::collection::vec(measurement(), 0..6),
    ) {
        let temporality = if delta { Temporality::Delta } else { Temporality::Cumulative };
        let mut encoder = MetricEncoder::default();
        let mut ours = vec![0xFF; 7];
        for metrics in collect(resource, temporality, [&first, &second]) {
            encoder.encode(&metrics, None, &mut ours);
            let expected = ExportMetricsServiceRequest::from(&metrics);
            let decoded = ExportMetricsServiceRequest::decode(ours.as_slice()).expect("our bytes decode");
            prop_assert_eq!(&decoded, &expected);
            prop_assert!(ours == expected.encode_to_vec(), "the bytes differ from prost's");
        }
        prop_assert_eq!(encoder.dropped_values(), 0);
    }
}

/// The metrics [`TwoForRouteA`] has exemplars for: a histogram, a sum, a gauge, and an
/// exponential histogram (whose points the encoder does not ask).
const WITH_EXEMPLARS: [&str; 4] = ["histogram.f64", "counter.u64", "gauge.f64", "exponential.f64"];

/// Two exemplars for the points of [`WITH_EXEMPLARS`] of scope `app` whose `route` is
/// `/a`; none elsewhere.
struct TwoForRouteA;

impl ExemplarSource for TwoForRouteA {
    fn exemplars(&self, point: &PointIdentity<'_>, add: &mut dyn FnMut(&Exemplar<'_>)) {
        let route_a = point
            .attributes
            .iter()
            .any(|kv| kv.key.as_str() == "route" && kv.value.as_str() == "/a");
        if point.scope != "app" || !WITH_EXEMPLARS.contains(&point.metric) || !route_a {
            return;
        }
        let filtered = [KeyValue::new("user", "u1")];
        for (i, value) in [ExemplarValue::Double(0.25), ExemplarValue::Int(-3)]
            .into_iter()
            .enumerate()
        {
            add(&Exemplar {
                value,
                time: std::time::UNIX_EPOCH + std::time::Duration::from_nanos(1_000 + i as u64),
                span: Some(SpanIds {
                    trace_id: TraceId::from(0xABCD_u128 + i as u128),
                    span_id: SpanId::from(0x12_u64 + i as u64),
                }),
                filtered_attributes: &filtered,
            });
        }
    }
}

#[test]
fn the_exemplar_source_adds_to_histogram_sum_and_gauge_points_and_nothing_else() {
    // counter.u64, gauge.f64, histogram.f64, histogram.u64, exponential.f64
    let measurements: Vec<Measurement> = ["/a", "/b"]
        .into_iter()
        .flat_map(|route| {
            [0, 6, 7, 8, 10].map(|instrument| Measurement {
                instrument,
                scope: InstrumentationScope::builder("app").build(),
                int: 1,
                uint: 1,
                float: 1.5,
                attributes: vec![KeyValue::new("route", route)],
            })
        })
        .collect();
    let collected = collect(
        Resource::builder_empty().build(),
        Temporality::Cumulative,
        [&measurements, &[]],
    );
    let metrics = &collected[0];
    let mut ours = Vec::new();
    MetricEncoder::default().encode(metrics, Some(&TwoForRouteA), &mut ours);
    let decoded = ExportMetricsServiceRequest::decode(ours.as_slice()).expect("decodes");

    let mut expected = ExportMetricsServiceRequest::from(metrics);
    let with_exemplars = |i: u64, value| ProtoExemplar {
        filtered_attributes: vec![ProtoKeyValue {
            key: "user".into(),
            value: Some(ProtoAnyValue {
                value: Some(any_value::Value::StringValue("u1".into())),
            }),
            key_strindex: 0,
        }],
        time_unix_nano: 1_000 + i,
        span_id: (0x12 + i).to_be_bytes().to_vec(),
        trace_id: (0xABCD_u128 + u128::from(i)).to_be_bytes().to_vec(),
        value: Some(value),
    };
    let two = || {
        vec![
            with_exemplars(0, exemplar::Value::AsDouble(0.25)),
            with_exemplars(1, exemplar::Value::AsInt(-3)),
        ]
    };
    let route_a = |attributes: &[ProtoKeyValue]| format!("{attributes:?}").contains("/a");
    let mut added = Vec::new();
    for m in &mut expected.resource_metrics[0].scope_metrics[0].metrics {
        if !WITH_EXEMPLARS.contains(&m.name.as_str()) {
            continue;
        }
        match &mut m.data {
            Some(metric::Data::Histogram(h)) => {
                for p in h.data_points.iter_mut().filter(|p| route_a(&p.attributes)) {
                    p.exemplars = two();
                    added.push(m.name.clone());
                }
            }
            Some(metric::Data::Sum(metric_v1::Sum { data_points, .. }))
            | Some(metric::Data::Gauge(metric_v1::Gauge { data_points, .. })) => {
                for p in data_points.iter_mut().filter(|p| route_a(&p.attributes)) {
                    p.exemplars = two();
                    added.push(m.name.clone());
                }
            }
            _ => {}
        }
    }
    added.sort();
    assert_eq!(
        added,
        ["counter.u64", "gauge.f64", "histogram.f64"],
        "one /a point each"
    );
    assert_eq!(decoded, expected);
}

#[test]
fn every_instrument_gives_its_kind_of_data_and_encodes_as_prost_does() {
    let measurements: Vec<Measurement> = (0..INSTRUMENTS.len())
        .map(|instrument| Measurement {
            instrument,
            scope: InstrumentationScope::builder("app").with_version("1").build(),
            int: -5,
            uint: u64::MAX,
            float: 2.5,
            attributes: vec![KeyValue::new("k", "v")],
        })
        .collect();
    for temporality in [Temporality::Cumulative, Temporality::Delta] {
        let collected = collect(
            Resource::builder_empty().build(),
            temporality,
            [&measurements, &measurements],
        );
        assert_eq!(collected.len(), 2);
        for metrics in &collected {
            let mut ours = Vec::new();
            MetricEncoder::default().encode(metrics, None, &mut ours);
            let expected = ExportMetricsServiceRequest::from(metrics);
            assert_eq!(ours, expected.encode_to_vec());
            let kinds: Vec<String> = expected.resource_metrics[0].scope_metrics[0]
                .metrics
                .iter()
                .map(|m| match &m.data {
                    Some(metric::Data::Gauge(_)) => format!("{} gauge", m.name),
                    Some(metric::Data::Sum(s)) => {
                        format!("{} sum {} {}", m.name, s.aggregation_temporality, s.is_monotonic)
                    }
                    Some(metric::Data::Histogram(h)) => {
                        format!("{} histogram {}", m.name, h.aggregation_temporality)
                    }
                    Some(metric::Data::ExponentialHistogram(h)) => {
                        format!("{} exponential {}", m.name, h.aggregation_temporality)
                    }
                    other => format!("{} {other:?}", m.name),
                })
                .collect();
            // Delta for what the delta preference makes delta (not up-down counters).
            let d = if temporality == Temporality::Delta { 1 } else { 2 };
            let wanted = [
                format!("counter.u64 sum {d} true"),
                format!("counter.f64 sum {d} true"),
                "updown.i64 sum 2 false".to_owned(),
                "updown.f64 sum 2 false".to_owned(),
                "gauge.u64 gauge".to_owned(),
                "gauge.i64 gauge".to_owned(),
                "gauge.f64 gauge".to_owned(),
                format!("histogram.f64 histogram {d}"),
                format!("histogram.u64 histogram {d}"),
                format!("histogram_no_min_max.f64 histogram {d}"),
                format!("exponential.f64 exponential {d}"),
                format!("exponential.u64 exponential {d}"),
            ];
            assert_eq!(kinds, wanted);
        }
    }
}

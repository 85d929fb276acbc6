//! A realistic meter provider, recorded into: two scopes; a histogram in seconds whose
//! measurements are made in sampled spans (and one outside any), a histogram in bytes,
//! a counter in both scopes, an up-down counter and a gauge of unit `1`.

use std::sync::Arc;

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{SpanId, TraceContextExt as _, TraceId, Tracer as _, TracerProvider as _};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use otel_kit_core::__private::exemplar::{ExemplarFilter, ExemplarMeterProvider, Reservoirs};
use otel_kit_prometheus::PrometheusReader;

/// The ids of a span a measurement was made in, as the exposition writes them.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Span {
    pub(super) trace_id: String,
    pub(super) span_id: String,
}

/// The provider, its reader, and the spans of the measurements that have exemplars.
pub(super) struct Recorded {
    pub(super) reader: PrometheusReader,
    pub(super) _provider: ExemplarMeterProvider<SdkMeterProvider>,
    /// `http.server.request.duration`: 0.05 s and 0.7 s.
    pub(super) fast: Span,
    pub(super) slow: Span,
    /// `shop.orders` in `shop.http`.
    pub(super) order: Span,
    /// `db.client.response.size`: 512 bytes.
    pub(super) query: Span,
}

fn in_span(tracer: &opentelemetry_sdk::trace::Tracer, name: &'static str, f: impl FnOnce()) -> Span {
    tracer.in_span(name, |cx| {
        f();
        let span = cx.span();
        let ids = span.span_context();
        let (trace, span): (TraceId, SpanId) = (ids.trace_id(), ids.span_id());
        Span {
            trace_id: trace.to_string(),
            span_id: span.to_string(),
        }
    })
}

pub(super) fn record() -> Recorded {
    let reservoirs = Arc::new(Reservoirs::new(ExemplarFilter::TraceBased));
    let reader = PrometheusReader::new(Some(Arc::clone(&reservoirs)));
    let resource = Resource::builder_empty()
        .with_attributes([
            KeyValue::new("service.name", "shop"),
            KeyValue::new("deployment.environment.name", "test"),
        ])
        .build();
    let sdk = SdkMeterProvider::builder()
        .with_resource(resource)
        .with_reader(reader.clone())
        .build();
    let provider = ExemplarMeterProvider::with_reservoirs(sdk, reservoirs);
    let tracer = SdkTracerProvider::builder().build().tracer("fixture");

    let http = provider.meter_with_scope(
        InstrumentationScope::builder("shop.http")
            .with_version("1.2.3")
            .build(),
    );
    let db = provider.meter_with_scope(
        InstrumentationScope::builder("shop.db")
            .with_version("0.9.0")
            .build(),
    );

    let duration = http
        .f64_histogram("http.server.request.duration")
        .with_unit("s")
        .with_description("Duration of HTTP server requests.")
        .with_boundaries(vec![0.1, 0.5, 1.0])
        .build();
    let route = [
        KeyValue::new("http.route", "/pay"),
        KeyValue::new("http.response.status_code", 200),
    ];
    let fast = in_span(&tracer, "fast", || duration.record(0.05, &route));
    let slow = in_span(&tracer, "slow", || duration.record(0.7, &route));
    // Outside any span: counted, but no exemplar.
    duration.record(3.0, &route);

    let orders = http
        .u64_counter("shop.orders")
        .with_unit("{order}")
        .with_description("Orders placed.")
        .build();
    let order = in_span(&tracer, "order", || {
        orders.add(3, &[KeyValue::new("shop.step", "pay")])
    });
    db.u64_counter("shop.orders")
        .with_unit("{order}")
        .with_description("Orders placed.")
        .build()
        .add(4, &[KeyValue::new("shop.step", "pay")]);

    let queue = http
        .i64_up_down_counter("shop.queue.depth")
        .with_unit("{item}")
        .with_description("Queued jobs.")
        .build();
    queue.add(5, &[]);
    queue.add(-2, &[]);
    http.f64_gauge("shop.cpu.utilization")
        .with_unit("1")
        .with_description("CPU in use.")
        .build()
        .record(0.25, &[]);

    let size = db
        .u64_histogram("db.client.response.size")
        .with_unit("By")
        .with_description("Size of database responses.")
        .with_boundaries(vec![100.0, 1000.0])
        .build();
    let query = in_span(&tracer, "query", || {
        size.record(512, &[KeyValue::new("db.system.name", "postgresql")])
    });

    Recorded {
        reader,
        _provider: provider,
        fast,
        slow,
        order,
        query,
    }
}

//! What the benches share (each includes it with `mod support;`): SDK providers that
//! record for real but export nothing, and the paired run that alternates the bare and
//! the wrapped call.

#![allow(unreachable_pub)]

use std::future::Future;
use std::time::{Duration, Instant};

use opentelemetry::global;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use otel_kit_testing::NoopSpanProcessor;

/// An SDK tracer provider sampling every span (its processor drops ended spans) and a
/// meter provider aggregating in memory (`PeriodicReader` interval one day), installed
/// as the globals once.
pub fn install_providers() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let tracer_provider = SdkTracerProvider::builder()
            .with_span_processor(NoopSpanProcessor)
            .with_sampler(Sampler::AlwaysOn)
            .build();
        global::set_tracer_provider(tracer_provider);
        let meter_provider = SdkMeterProvider::builder()
            .with_reader(
                PeriodicReader::builder(InMemoryMetricExporter::default())
                    .with_interval(Duration::from_secs(86_400))
                    .build(),
            )
            .build();
        global::set_meter_provider(meter_provider);
    });
}

/// The medians of a paired run, in nanoseconds.
#[derive(Debug, Clone, Copy)]
pub struct Paired {
    pub bare: f64,
    pub wrapped: f64,
    pub difference: f64,
}

impl std::fmt::Display for Paired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "bare median {:.0} ns, instrumented median {:.0} ns (ratio {:.3}), \
             median paired difference {:+.0} ns ({:+.2}% of bare)",
            self.bare,
            self.wrapped,
            self.wrapped / self.bare,
            self.difference,
            self.difference / self.bare * 100.0
        )
    }
}

/// Runs `call(wrapped)` `n` times each way after 1000 pairs of warm-up, alternating the
/// bare (`false`) and the wrapped (`true`) call and which of them goes first: load that
/// drifts during a run weighs on both sides alike, which criterion's one-after-the-other
/// groups cannot promise on a shared machine.
pub async fn paired<F, Fut>(n: usize, mut call: F) -> Paired
where
    F: FnMut(bool) -> Fut,
    Fut: Future<Output = ()>,
{
    let (mut bare, mut wrapped, mut differences) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..(n + 1000) {
        let wrapped_first = i % 2 == 1;
        let started = Instant::now();
        call(wrapped_first).await;
        let first = started.elapsed().as_nanos() as f64;
        let started = Instant::now();
        call(!wrapped_first).await;
        let second = started.elapsed().as_nanos() as f64;
        let (b, w) = if wrapped_first {
            (second, first)
        } else {
            (first, second)
        };
        if i >= 1000 {
            bare.push(b);
            wrapped.push(w);
            differences.push(w - b);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Paired {
        bare: median(&mut bare),
        wrapped: median(&mut wrapped),
        difference: median(&mut differences),
    }
}

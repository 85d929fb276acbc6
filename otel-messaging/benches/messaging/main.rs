//! The cost the messaging wrappers add per published and per consumed message, against
//! the bare clients, on the real brokers: NATS with JetStream (`TEST_NATS_URL`) and
//! RabbitMQ (`TEST_AMQP_URL`); the cases of a broker whose variable is unset are skipped.
//!
//! Publishing (to a destination nobody consumes):
//! - `nats-publish`: core `publish` of 32 bytes, then `flush` (async-nats's flush writes
//!   the buffered messages to the socket; it is no round trip);
//! - `nats-publish-100`: 100 publishes, then one `flush` (reported per message);
//! - `jetstream-publish`: a JetStream publish awaited to the stream's ack (a memory
//!   stream);
//! - `rabbitmq-publish`: `basic_publish` without publisher confirms (lapin's future ends
//!   when its I/O thread has written the frames), to an unroutable key of the default
//!   exchange;
//! - `rabbitmq-publish-confirmed`: the same on a channel in confirm mode, the confirm
//!   awaited.
//!
//! Consuming: each side publishes 100 messages to its own destination, so the wrapped
//! consumer gets the `traceparent` a wrapped producer writes, and waits 1 ms for them
//! to arrive (untimed); then the timed part takes the 100 from the client and runs a
//! trivial handler on each, through the wrapper's `process` or called directly
//! (reported per message):
//! - `nats-consume`: a core subscription's messages;
//! - `jetstream-consume`: a durable pull consumer's messages, acked by the handler;
//! - `rabbitmq-consume`: a lapin consumer's deliveries, acked by the handler (lapin's
//!   ack ends when its I/O thread has written the frame).
//!
//! `<case>-idle`: the same with one message, so that each is taken after the thread
//! slept 1 ms (what a consumer that is seldom busy pays: on a shared machine its caches
//! are cold by then).
//!
//! The wrapped side is a clone of the same connection or channel, with the global
//! providers: an SDK tracer provider sampling every span (its only processor drops ended
//! spans), a meter provider aggregating in memory, and the W3C trace-context and baggage
//! propagators. One current-thread runtime (the NATS connection's task runs on the
//! bench's thread; lapin has its own I/O thread).
//!
//! `TEST_NATS_URL=nats://127.0.0.1:4222 TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:5672/%2f
//! cargo bench -p otel-kit-messaging --bench messaging` runs the publish cases in
//! criterion (`<case>/baseline` and `<case>/instrumented`); the consume cases, which wait
//! outside their timed part, run in the paired mode only.
//!
//! `MESSAGING_BENCH_PAIRED=<case>:<n>` runs the case `n` times on each side, alternating
//! bare and wrapped (which goes first alternates too), and prints the median of each and
//! the median of the paired differences, as `otel-db/benches/redis.rs` does.
//!
//! `MESSAGING_BENCH_ONLY=<case>:<bare|wrapped>:<n>` runs one side `n` times and nothing
//! else, for `valgrind --tool=callgrind` (two counts of `n` per side, subtracted, cancel
//! the set-up).
#![allow(missing_docs)]

mod nats_cases;
mod rabbitmq_cases;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use futures_util::{Stream, StreamExt as _};
use opentelemetry::propagation::TextMapCompositePropagator;
use opentelemetry::{Context, global};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider, Span, SpanData, SpanProcessor};

use crate::nats_cases::Nats;
use crate::rabbitmq_cases::Rabbit;

const PAYLOAD: &[u8] = b"0123456789abcdef0123456789abcdef";
/// How long a consume case waits, untimed, after publishing: enough for the message to
/// have reached the client's buffer over loopback (a round trip is under 0.2 ms).
const ARRIVAL: Duration = Duration::from_millis(1);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Case {
    NatsPublish,
    NatsPublish100,
    JetStreamPublish,
    RabbitPublish,
    RabbitPublishConfirmed,
    NatsConsume,
    JetStreamConsume,
    RabbitConsume,
    NatsConsumeIdle,
    JetStreamConsumeIdle,
    RabbitConsumeIdle,
}

impl Case {
    const ALL: [Case; 11] = [
        Case::NatsPublish,
        Case::NatsPublish100,
        Case::JetStreamPublish,
        Case::RabbitPublish,
        Case::RabbitPublishConfirmed,
        Case::NatsConsume,
        Case::JetStreamConsume,
        Case::RabbitConsume,
        Case::NatsConsumeIdle,
        Case::JetStreamConsumeIdle,
        Case::RabbitConsumeIdle,
    ];

    fn name(self) -> &'static str {
        match self {
            Case::NatsPublish => "nats-publish",
            Case::NatsPublish100 => "nats-publish-100",
            Case::JetStreamPublish => "jetstream-publish",
            Case::RabbitPublish => "rabbitmq-publish",
            Case::RabbitPublishConfirmed => "rabbitmq-publish-confirmed",
            Case::NatsConsume => "nats-consume",
            Case::JetStreamConsume => "jetstream-consume",
            Case::RabbitConsume => "rabbitmq-consume",
            Case::NatsConsumeIdle => "nats-consume-idle",
            Case::JetStreamConsumeIdle => "jetstream-consume-idle",
            Case::RabbitConsumeIdle => "rabbitmq-consume-idle",
        }
    }

    fn named(name: &str) -> Case {
        Case::ALL
            .into_iter()
            .find(|case| case.name() == name)
            .unwrap_or_else(|| panic!("unknown case {name}"))
    }

    /// How many messages one timed unit publishes or consumes (its time is reported per
    /// message).
    fn messages(self) -> u32 {
        match self {
            Case::NatsPublish100 | Case::NatsConsume | Case::JetStreamConsume | Case::RabbitConsume => 100,
            _ => 1,
        }
    }

    /// Whether the case waits outside its timed part (criterion, which sizes its runs on
    /// the timed part alone, would run it for hours).
    fn waits(self) -> bool {
        matches!(
            self,
            Case::NatsConsume
                | Case::JetStreamConsume
                | Case::RabbitConsume
                | Case::NatsConsumeIdle
                | Case::JetStreamConsumeIdle
                | Case::RabbitConsumeIdle
        )
    }

    fn is_rabbit(self) -> bool {
        matches!(
            self,
            Case::RabbitPublish
                | Case::RabbitPublishConfirmed
                | Case::RabbitConsume
                | Case::RabbitConsumeIdle
        )
    }
}

#[derive(Debug)]
struct DropEnded;

impl SpanProcessor for DropEnded {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}
    fn on_end(&self, _span: SpanData) {}
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }
}

/// The globals as the Redis bench sets them, plus the propagators `otel_kit_init`
/// installs by default: without one the wrapper would write no headers at all.
fn install_providers() {
    let tracer_provider = SdkTracerProvider::builder()
        .with_span_processor(DropEnded)
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
    global::set_text_map_propagator(TextMapCompositePropagator::new(vec![
        Box::new(TraceContextPropagator::new()),
        Box::new(BaggagePropagator::new()),
    ]));
}

/// The next message of a stream that yields `Result`s. A JetStream pull stream reports
/// a missed idle heartbeat as an error when it was not polled for a while (another case
/// ran), and then goes on: skipped.
async fn next_ok<T, E: std::fmt::Debug>(stream: &mut (impl Stream<Item = Result<T, E>> + Unpin)) -> T {
    loop {
        match stream.next().await.expect("the stream is open") {
            Ok(item) => return item,
            Err(error) => eprintln!("skipped a stream error: {error:?}"),
        }
    }
}

fn side(wrapped: bool) -> &'static str {
    if wrapped { "wrapped" } else { "bare" }
}

/// The brokers the cases to run need, each `None` when its variable is unset.
struct Brokers {
    nats: Option<Nats>,
    rabbit: Option<Rabbit>,
}

impl Brokers {
    fn has(&self, case: Case) -> bool {
        if case.is_rabbit() {
            self.rabbit.is_some()
        } else {
            self.nats.is_some()
        }
    }

    /// One unit of `case` on one side: its time per message.
    async fn run(&mut self, case: Case, wrapped: bool) -> Duration {
        if case.is_rabbit() {
            let rabbit = self.rabbit.as_mut().expect("RabbitMQ is connected");
            rabbit.run(case, wrapped).await
        } else {
            let nats = self.nats.as_mut().expect("NATS is connected");
            nats.run(case, wrapped).await
        }
    }

    async fn close(self) {
        if let Some(nats) = self.nats {
            nats.close().await;
        }
    }
}

/// A current-thread runtime and the brokers `cases` need, connected, the providers
/// installed; a broker whose variable is unset is skipped with the reason printed.
fn connect(cases: &[Case]) -> (tokio::runtime::Runtime, Brokers) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    install_providers();
    let url = |needed: bool, variable: &str, broker: &str| {
        if !needed {
            return None;
        }
        match std::env::var(variable) {
            Ok(url) if !url.is_empty() => Some(url),
            _ => {
                eprintln!("skipping the {broker} cases: {variable} is not set");
                None
            }
        }
    };
    let nats = url(
        cases.iter().any(|case| !case.is_rabbit()),
        "TEST_NATS_URL",
        "NATS",
    );
    let rabbit = url(
        cases.iter().any(|case| case.is_rabbit()),
        "TEST_AMQP_URL",
        "RabbitMQ",
    );
    let brokers = rt.block_on(async {
        Brokers {
            nats: match nats {
                Some(url) => Some(Nats::connect(&url).await),
                None => None,
            },
            rabbit: match rabbit {
                Some(url) => Some(Rabbit::connect(&url).await),
                None => None,
            },
        }
    });
    (rt, brokers)
}

fn bench_messaging(c: &mut Criterion) {
    let (rt, mut brokers) = connect(&Case::ALL);
    for case in Case::ALL {
        if case.waits() || !brokers.has(case) {
            continue;
        }
        let mut group = c.benchmark_group(case.name().replace('-', "_"));
        for (function, wrapped) in [("baseline", false), ("instrumented", true)] {
            group.bench_function(function, |b| {
                b.iter_custom(|iters| {
                    rt.block_on(async {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            total += brokers.run(case, wrapped).await;
                        }
                        total
                    })
                })
            });
        }
        group.finish();
    }
    rt.block_on(brokers.close());
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = bench_messaging
}

/// `MESSAGING_BENCH_PAIRED=<case>:<n>`: see the module documentation.
fn run_paired(spec: &str) {
    let (case, n) = spec.rsplit_once(':').expect("MESSAGING_BENCH_PAIRED=<case>:<n>");
    let case = Case::named(case);
    let n: usize = n.parse().expect("a count of pairs");
    let (rt, mut brokers) = connect(&[case]);
    if !brokers.has(case) {
        return;
    }
    // About 1,000 messages of warm-up, whatever the batch.
    let warm_up = 1000usize.div_ceil(case.messages() as usize);
    let (mut bare, mut wrapped, mut differences) = (Vec::new(), Vec::new(), Vec::new());
    rt.block_on(async {
        for i in 0..(n + warm_up) {
            let wrapped_first = i % 2 == 1;
            let first = brokers.run(case, wrapped_first).await.as_nanos() as f64;
            let second = brokers.run(case, !wrapped_first).await.as_nanos() as f64;
            let (b, w) = if wrapped_first {
                (second, first)
            } else {
                (first, second)
            };
            if i >= warm_up {
                bare.push(b);
                wrapped.push(w);
                differences.push(w - b);
            }
        }
    });
    rt.block_on(brokers.close());
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (b, w, d) = (median(&mut bare), median(&mut wrapped), median(&mut differences));
    println!(
        "{}, {n} pairs: bare median {b:.0} ns, instrumented median {w:.0} ns (ratio {:.3}), \
         median paired difference {d:+.0} ns ({:+.2}% of bare)",
        case.name(),
        w / b,
        d / b * 100.0
    );
}

/// `MESSAGING_BENCH_ONLY=<case>:<bare|wrapped>:<n>`: see the module documentation.
fn run_only(spec: &str) {
    let usage = "MESSAGING_BENCH_ONLY=<case>:<bare|wrapped>:<n>";
    let mut parts = spec.split(':');
    let (Some(case), Some(side), Some(n), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        panic!("{usage}");
    };
    let case = Case::named(case);
    let wrapped = match side {
        "bare" => false,
        "wrapped" => true,
        _ => panic!("{usage}"),
    };
    let n: usize = n.parse().expect(usage);
    let (rt, mut brokers) = connect(&[case]);
    if !brokers.has(case) {
        return;
    }
    rt.block_on(async {
        for _ in 0..n {
            black_box(brokers.run(case, wrapped).await);
        }
        brokers.close().await;
    });
}

fn main() {
    if let Ok(spec) = std::env::var("MESSAGING_BENCH_PAIRED") {
        run_paired(&spec);
    } else if let Ok(spec) = std::env::var("MESSAGING_BENCH_ONLY") {
        run_only(&spec);
    } else {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
}

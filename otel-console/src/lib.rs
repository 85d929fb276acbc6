//! Human-readable exporters for any `opentelemetry_sdk` user (and what otel-kit-init
//! installs for `OTEL_TRACES_EXPORTER=console`, `OTEL_METRICS_EXPORTER=console` and
//! `OTEL_LOGS_EXPORTER=console`): compact lines for someone watching a terminal, not a
//! machine format.
//!
//! - [`ConsoleSpanExporter`]: behind a simple span processor, one line per span as it
//!   ends.
//! - [`WaterfallSpanExporter`] behind a [`WaterfallSpanProcessor`]: each trace drawn as
//!   a [`Waterfall`] when its local root span ends (`OTEL_KIT_CONSOLE_SPAN_FORMAT=waterfall`
//!   in otel-kit-init). The renderer alone draws any spans given as [`WaterfallSpan`]s.
//! - [`ConsoleMetricExporter`]: behind a periodic reader, every metric of each
//!   collection; cumulative.
//! - [`ConsoleLogExporter`]: behind a simple log processor, one line per record.
//!
//! Each writes to standard output ([`stdout()`](ConsoleSpanExporter::stdout)) or to any
//! [`SharedWriter`] ([`new`](ConsoleSpanExporter::new)); one writer can serve all three.
//!
//! # Format
//!
//! All three exporters sharing one writer, for a request that queried a database and
//! logged a line, a failed payment, and one metrics collection:
//!
//! ```text
//! # service checkout, 1 span
//! span SELECT users kind=internal status=unset 788µs trace_id=1d413448eb78e11f66e183f42c245aea span_id=bee50398f8853069 parent_id=1a5b4764f46e2da8 db.system.name="postgresql" db.response.returned_rows=1
//! # service checkout, 1 log
//! log INFO quickstart::handlers "greeting ada" trace_id=1d413448eb78e11f66e183f42c245aea span_id=1a5b4764f46e2da8 name="ada"
//! span GET /hello/{name} kind=server status=unset 831µs trace_id=1d413448eb78e11f66e183f42c245aea span_id=1a5b4764f46e2da8 parent_id=- http.request.method="GET" url.path="/hello/ada" http.response.status_code=200 load=0.75
//!   event cache miss +829µs cache.key="user:ada"
//! span charge card kind=internal status=error("card declined") 3.94µs trace_id=c7751b826eef623ad005ae20a967f4be span_id=25dca5bcab8a068f parent_id=- retry=true payment.tags=["visa","3ds"]
//! # service checkout, 2 metrics (cumulative)
//! metric http.server.request.duration histogram unit=s
//!   {http.route="/hello/{name}"} count=4 sum=0.3181 min=0.0021 max=0.3 le=0.005:2 le=0.025:1 le=0.5:1
//! metric greetings counter
//!   {name="ada"} value=1
//!   {name="grace"} value=2
//! ```
//!
//! - `#` lines are headers naming the `service.name` resource attribute and the batch
//!   size. Metrics get one per collection. Spans and logs get one before the first
//!   export and before any export of more than one item: a simple processor exports
//!   items one at a time, and a header per line would double the output.
//! - **Spans:** `span <name> kind=<kind> status=<status> <duration> trace_id=<32 hex>
//!   span_id=<16 hex> parent_id=<16 hex, or - for a root>`, then the attributes.
//!   `status` is `unset`, `ok`, or `error("<description>")`. Events follow as
//!   `  event <name> +<time since span start>` with their attributes, links as
//!   `  link trace_id=.. span_id=..`. `dropped_attributes=N` (and `_events`, `_links`)
//!   appears when span limits discarded data.
//! - **Metrics:** `metric <name> <kind> unit=<unit>` (`counter`, `updown_counter`,
//!   `gauge`, `histogram`, `exponential_histogram`; no `unit=` when it is empty), then
//!   one indented line per data point: its attributes in braces, sorted by key (no
//!   braces when there are none), then `value=` for counters and gauges, or `count=
//!   sum= min= max=` and the non-empty buckets as `le=<upper bound>:<count>` for
//!   histograms. A bucket counts the values above the previous bound up to its own,
//!   not cumulatively as in Prometheus; `le=+Inf` is the overflow bucket. Exponential
//!   histograms show `scale=` and `zero_count=` instead of buckets.
//! - **Logs:** `log <SEVERITY> <target, or scope name> <body>`, then `event=<name>` if
//!   the record has one, `trace_id=.. span_id=..` when it was emitted inside a span, and
//!   the attributes. `-` stands for a missing severity, origin or body.
//!
//! Values show their type: strings quoted and escaped (`"GET"`, `"a\nb"`), integers
//! bare (`200`), floats always with a decimal point or exponent (`1.0`, `1e-7`),
//! booleans bare (`true`), arrays in brackets (`[1,2,3]`, `["a","b"]`). Log values may
//! also be bytes (`0x0aff`), lists (`[1,"x"]`) and maps (`{k=1 v="x"}`, keys sorted).
//!
//! Any one attribute value or log body longer than [`MAX_VALUE_CHARS`] characters is
//! cut there and marked with the number of characters left out: `"aaaa"…(+744)` for a
//! string (the count is of the string's own characters), `[1,2,…(+90)` for arrays,
//! lists and maps (the count is of rendered text).
//!
//! The waterfall format is described on [`Waterfall`], its bounds on
//! [`WaterfallSpanExporter`]:
//!
//! ```text
//! trace d051bc89f507889d86d19dc175ff5d91: 2 spans, 1 service, 1.86 ms, 0 with ERROR
//! span                          service      kind     status start ms   dur ms |0                                1.86 ms|
//! GET /hello/{name}             quickstart   SERVER   unset      0.00     1.86 |████████████████████████████████████████|
//!   http.request.method=GET http.route=/hello/{name} http.response.status_code=200
//!   GET                         quickstart   CLIENT   unset      0.17     1.57 |   ███████████████████████████████████  |
//!     http.request.method=GET url.full=http://127.0.0.1:3000/greeting/ada http.response.status_code=200
//! ```
//!
//! # Failure behaviour
//!
//! A write error never panics. A closed pipe (`| head`) drops the text silently; other
//! write errors are returned to the SDK, which logs them. After `shutdown` every export
//! returns `AlreadyShutdown` and prints nothing, as the SDK's own exporters do.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//!
//! use opentelemetry::trace::{Status, TraceContextExt as _, Tracer as _, TracerProvider as _};
//! use opentelemetry_sdk::trace::SdkTracerProvider;
//! use otel_kit_console::{ConsoleSpanExporter, SharedWriter};
//!
//! let captured = Arc::new(Mutex::new(Vec::<u8>::new()));
//! let writer: SharedWriter = captured.clone();
//! let provider = SdkTracerProvider::builder()
//!     .with_simple_exporter(ConsoleSpanExporter::new(writer))
//!     .build();
//! provider.tracer("demo").in_span("checkout", |cx| {
//!     cx.span().set_status(Status::error("card declined"));
//! });
//!
//! let text = String::from_utf8(captured.lock().unwrap().clone()).unwrap();
//! let mut lines = text.lines();
//! assert!(lines.next().unwrap().starts_with("# service "));
//! assert!(
//!     lines
//!         .next()
//!         .unwrap()
//!         .starts_with(r#"span checkout kind=internal status=error("card declined") "#)
//! );
//! ```
//!
//! # Cargo features
//!
//! | feature | default | what it brings |
//! | --- | --- | --- |
//! | `logs` | yes | [`ConsoleLogExporter`] (the SDK's logs) |
//! | `metrics` | yes | [`ConsoleMetricExporter`] (the SDK's metrics), with a warning when a metric overflows its cardinality limit |

#![cfg_attr(docsrs, feature(doc_cfg))]

mod format;
#[cfg(feature = "logs")]
mod logs;
#[cfg(feature = "metrics")]
mod metrics;
mod spans;
mod titled_sink;
mod waterfall;
mod writer;

pub use format::MAX_VALUE_CHARS;
#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
pub use logs::ConsoleLogExporter;
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
pub use metrics::ConsoleMetricExporter;
pub use spans::ConsoleSpanExporter;
pub use waterfall::{Waterfall, WaterfallSpan, WaterfallSpanExporter, WaterfallSpanProcessor};
pub use writer::SharedWriter;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;

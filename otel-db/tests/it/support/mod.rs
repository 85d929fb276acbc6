//! What the database tests share: what a database's spans should say, a parent span,
//! unique names.

#![allow(unreachable_pub)]

use std::future::Future;

use opentelemetry::Context;
use opentelemetry::context::FutureExt as _;
use opentelemetry::global;
use opentelemetry::trace::{TraceContextExt as _, Tracer as _};

/// What the endpoint attributes of every span of a test's pool should be.
#[derive(Debug, Clone)]
pub struct Expect {
    pub namespace: String,
    pub address: Option<String>,
    pub port: Option<i64>,
}

/// Runs `f` inside a span named `test` (ended afterwards), as a caller's span would be.
pub async fn in_parent<F: Future>(f: F) -> F::Output {
    let tracer = global::tracer("test");
    let cx = Context::current_with_span(tracer.start("test"));
    let out = f.with_context(cx.clone()).await;
    cx.span().end();
    out
}

/// Runs `f` inside a span named `test` of `t`'s tracer (ended afterwards), as a
/// caller's span would be.
pub async fn in_test_span<F: Future>(t: &otel_kit_testing::TestTelemetry, f: F) -> F::Output {
    let cx = Context::current_with_span(t.tracer("test").start("test"));
    let out = f.with_context(cx.clone()).await;
    cx.span().end();
    out
}

/// A table name unique to this test and this process.
pub fn table(test: &str) -> String {
    format!("{test}_{}", std::process::id())
}

/// The URL in `var`, or `None` after printing why the test is skipped.
pub fn url_from_env(var: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("skipping {test}: {var} is not set");
            None
        }
    }
}

/// A port nothing listens on: bound, then released.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("local addr").port()
}

/// The registry check (`Conformance::semconv()`) over everything `t` recorded, its report
/// printed; fails on any violation.
pub fn assert_conforms(t: &otel_kit_testing::TestTelemetry) {
    let report = otel_kit_testing::Conformance::semconv()
        .check_spans(&t.spans())
        .check_metrics(&t.metrics())
        .check_logs(&t.logs())
        .report();
    println!("{report}");
    report.assert_conforms();
}

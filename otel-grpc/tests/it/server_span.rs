//! Reaching the call's SERVER span from a tonic handler with `otel_kit_grpc::ServerSpan`,
//! from inside an `#[instrument]`ed function (`place_order` in `support`), where the
//! current span is the function's own.

use crate::support::{client, msg, serve, wait_for_calls};
use opentelemetry::trace::SpanKind;
use otel_kit_grpc::ServerLayer;
use otel_kit_testing::TestTelemetry;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_id_recorded_in_an_instrumented_handler_is_on_the_server_span() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    client(addr).unary(msg("order", 42)).await.expect("call");

    let spans = wait_for_calls(&t, 2).await;
    let server = spans
        .span_where("server", |s| s.kind == SpanKind::Server)
        .has_attribute("order.id", 42)
        .lacks_attribute("app.current_span");
    spans
        .span("place_order")
        .has_parent(&server)
        .has_attribute("app.current_span", "place_order")
        .lacks_attribute("order.id");
}

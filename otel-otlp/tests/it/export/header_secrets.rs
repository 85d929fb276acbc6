//! The exporters' `Debug` (and their builders', and a proxy's) shows the OTLP headers'
//! names, never their values: an `Authorization` token or an API key printed with
//! `{:?}` ends up in logs and panic messages.

use otel_kit_otlp::{LogExporter, MetricExporter, Protocol, Proxy, SpanExporter};

const TOKEN: &str = "Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.Zm9v";
const API_KEY: &str = "sk-live-4f9d2c71e0b84a6c9e13";
const PROXY_PASSWORD: &str = "pr0xy-pa55";

#[test]
fn no_exporter_shows_a_header_value() {
    let proxy = Proxy::new(&format!("http://otel:{PROXY_PASSWORD}@127.0.0.1:3128")).expect("proxy");
    let mut shown = Vec::new();
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        macro_rules! built {
            ($exporter:ty, $path:literal) => {{
                let builder = <$exporter>::builder()
                    .with_protocol(protocol)
                    .with_endpoint(match protocol {
                        Protocol::Grpc => "http://127.0.0.1:4317".to_owned(),
                        Protocol::HttpProtobuf | Protocol::HttpJson => {
                            concat!("http://127.0.0.1:4318", $path).to_owned()
                        }
                    })
                    .with_header("authorization", TOKEN)
                    .with_header("x-api-key", API_KEY);
                shown.push(format!("{builder:?}"));
                shown.push(format!("{:?}", builder.clone().build().expect("exporter")));
                let proxied = builder.with_proxy(proxy.clone()).build().expect("exporter");
                shown.push(format!("{proxied:?}"));
            }};
        }
        built!(SpanExporter, "/v1/traces");
        built!(LogExporter, "/v1/logs");
        built!(MetricExporter, "/v1/metrics");
    }
    shown.push(format!("{proxy:?} {proxy}"));
    for text in &shown {
        for secret in [TOKEN, API_KEY, "c2VjcmV0LXRva2Vu", "4f9d2c71", PROXY_PASSWORD] {
            assert!(!text.contains(secret), "{secret} shown in {text}");
        }
    }
    // The names are still there, to say what was configured.
    for text in &shown[..shown.len() - 1] {
        assert!(
            text.contains("authorization") && text.contains("x-api-key"),
            "{text}"
        );
    }
}

//! Exporters built from `ExportSettings` alone, on the SDK's own tracer provider: each
//! protocol's spans arrive at the in-process collector with the protocol, headers and
//! compression the settings name; what cannot be used is a warning or an error, never a
//! panic.

use std::path::PathBuf;

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_sdk::trace::{SdkTracerProvider, SimpleSpanProcessor};
use otel_kit_otlp::{
    CertificateSetting, Compression, ConfiguredSpanExporter, ExportRuntime, ExportSettings, Protocol,
    Setting, SettingsError, SettingsWarning,
};
use otel_kit_testing::TestCollector;

use super::{WAIT, blocking};

/// One span sent with `settings`, and the request it arrived in.
async fn one_span(collector: &TestCollector, settings: ExportSettings) -> otel_kit_testing::ExportRequest {
    let runtime = ExportRuntime::start().expect("runtime");
    let (exporter, warnings) = settings
        .build::<ConfiguredSpanExporter>(&(), &runtime)
        .expect("exporter");
    assert!(warnings.is_empty(), "{warnings:?}");
    let provider = SdkTracerProvider::builder()
        .with_span_processor(SimpleSpanProcessor::new(exporter))
        .build();
    blocking(move || {
        provider.tracer("settings").in_span("one", |_| {});
        provider.shutdown().expect("shutdown");
        drop(runtime);
    })
    .await;
    collector.wait_for_spans(1, WAIT).await;
    collector.requests().pop().expect("a request")
}

#[tokio::test(flavor = "multi_thread")]
async fn each_protocol_arrives_with_its_headers_and_compression() {
    let protocols = [Protocol::Grpc, Protocol::HttpProtobuf, Protocol::HttpJson];
    for (protocol, compression) in protocols
        .into_iter()
        .flat_map(|p| [(p, Compression::Gzip), (p, Compression::Zstd)])
    {
        let collector = TestCollector::start().await.expect("collector");
        let endpoint = match protocol {
            Protocol::Grpc => collector.endpoint(),
            _ => collector.traces_url(),
        };
        let settings = ExportSettings {
            headers: vec![("x-tenant".to_owned(), "acme".to_owned())],
            compression: Some(compression),
            ..ExportSettings::new(protocol, endpoint)
        };
        let request = one_span(&collector, settings).await;
        assert_eq!(request.protocol, Some(protocol));
        assert_eq!(request.header("x-tenant"), Some("acme"), "{protocol}");
        assert_eq!(request.compression(), Some(compression.as_str()), "{protocol}");
        assert!(
            matches!(request.outcome, otel_kit_testing::Outcome::Accepted),
            "{protocol} {compression}: {:?}",
            request.outcome
        );
    }
}

#[test]
fn certificates_of_a_plaintext_json_endpoint_are_left_out_with_a_warning() {
    let runtime = ExportRuntime::start().expect("runtime");
    let settings = ExportSettings {
        ca_certificate: Some(otel_kit_otlp::Pem::file("/nonexistent/ca.pem")),
        header_files: vec![("authorization".to_owned(), PathBuf::from("/nonexistent/token"))],
        ..ExportSettings::new(Protocol::HttpJson, "http://127.0.0.1:4318/v1/traces")
    };
    let (_, warnings) = settings
        .build::<ConfiguredSpanExporter>(&(), &runtime)
        .expect("exporter");
    assert!(
        matches!(
            &warnings[0],
            SettingsWarning::Unusable {
                setting: Setting::HeaderFiles,
                ..
            }
        ),
        "{warnings:?}"
    );
    assert!(
        matches!(&warnings[1], SettingsWarning::LeftOut(w) if w.setting == CertificateSetting::CaCertificate),
        "{warnings:?}"
    );
}

#[test]
fn without_a_runtime_the_lenient_build_says_why_and_builds_nothing() {
    let settings = ExportSettings::new(Protocol::HttpProtobuf, "http://127.0.0.1:4318/v1/traces");
    let mut warnings = Vec::new();
    let built = settings
        .build_lenient::<ConfiguredSpanExporter>(&(), None, &mut warnings)
        .expect("no error");
    assert!(built.is_none());
    assert!(
        matches!(&warnings[..], [SettingsWarning::Unusable { setting: Setting::Endpoint, why, .. }] if why.contains("no export runtime")),
        "{warnings:?}"
    );
}

#[test]
fn an_endpoint_without_a_scheme_is_an_error_naming_it() {
    let runtime = ExportRuntime::start().expect("runtime");
    let settings = ExportSettings::new(Protocol::Grpc, "collector:4317");
    let error = settings
        .build::<ConfiguredSpanExporter>(&(), &runtime)
        .expect_err("no scheme");
    assert!(
        matches!(
            error,
            SettingsError::Build(otel_kit_otlp::BuildError::InvalidEndpoint { .. })
        ),
        "{error}"
    );
}

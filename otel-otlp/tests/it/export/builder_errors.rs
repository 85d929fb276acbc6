//! A builder value that cannot be used is a typed error naming it, never a panic; a
//! lenient build leaves an unusable certificate out and says so.

use std::time::Duration;

use otel_kit_otlp::{BuildError, CertificateSetting, LogExporter, MetricExporter, Protocol, SpanExporter};

#[test]
fn each_unusable_value_is_its_own_error() {
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        let spans = || SpanExporter::builder().with_protocol(protocol);
        for endpoint in [
            "localhost:4318",
            "ftp://collector/v1/traces",
            "http://",
            "not a url",
            "",
        ] {
            let error = spans().with_endpoint(endpoint).build().expect_err(endpoint);
            assert!(
                matches!(&error, BuildError::InvalidEndpoint { endpoint: e, .. } if e == endpoint),
                "{protocol:?} {endpoint:?}: {error}"
            );
        }
        let error = spans()
            .with_header("bad name", "v")
            .build()
            .expect_err("header name");
        assert!(
            matches!(&error, BuildError::InvalidHeader { name, .. } if name == "bad name"),
            "{error}"
        );
        let error = spans()
            .with_header("x-ok", "line\nbreak")
            .build()
            .expect_err("header value");
        assert!(
            matches!(&error, BuildError::InvalidHeader { name, .. } if name == "x-ok"),
            "{error}"
        );
        let error = spans()
            .with_timeout(Duration::ZERO)
            .build()
            .expect_err("zero timeout");
        assert!(matches!(error, BuildError::ZeroTimeout), "{error}");
        // The same checks for every signal.
        let error = LogExporter::builder()
            .with_protocol(protocol)
            .with_timeout(Duration::ZERO)
            .build()
            .expect_err("zero timeout");
        assert!(matches!(error, BuildError::ZeroTimeout), "{error}");
        let error = MetricExporter::builder()
            .with_protocol(protocol)
            .with_endpoint("tcp://collector:4317")
            .build()
            .expect_err("scheme");
        assert!(matches!(error, BuildError::InvalidEndpoint { .. }), "{error}");
    }
}

#[test]
fn the_defaults_build_without_a_collector() {
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        SpanExporter::builder()
            .with_protocol(protocol)
            .build()
            .expect("spans");
        LogExporter::builder()
            .with_protocol(protocol)
            .build()
            .expect("logs");
        MetricExporter::builder()
            .with_protocol(protocol)
            .build()
            .expect("metrics");
    }
}

#[test]
fn a_certificate_that_is_not_pem_is_an_error_or_with_build_lenient_a_warning() {
    let https = || {
        SpanExporter::builder()
            .with_protocol(Protocol::HttpProtobuf)
            .with_endpoint("https://collector:4318/v1/traces")
            .with_ca_certificate(b"not a certificate".to_vec())
    };
    let error = https().build().expect_err("strict");
    assert!(
        matches!(
            &error,
            BuildError::Certificate {
                setting: CertificateSetting::CaCertificate,
                ..
            }
        ),
        "{error}"
    );
    let (_exporter, warnings) = https().build_lenient().expect("lenient");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].setting, CertificateSetting::CaCertificate);
    assert!(
        warnings[0].why.contains("using the system roots"),
        "{}",
        warnings[0]
    );
}

#[test]
fn a_header_value_is_never_shown_by_debug() {
    let builder = SpanExporter::builder().with_header("authorization", "Bearer secret-token");
    let shown = format!("{builder:?}");
    assert!(shown.contains("authorization"), "{shown}");
    assert!(!shown.contains("secret-token"), "{shown}");
}

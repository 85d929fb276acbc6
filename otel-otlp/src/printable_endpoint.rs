//! The exporters print their endpoint only through `printable_endpoint` (otel-kit-core's,
//! re-exported at the crate root): in build errors and in a builder's `Debug`.

#[cfg(test)]
mod tests {
    #[cfg(feature = "http-proto")]
    #[test]
    fn a_build_error_shows_the_endpoint_masked() {
        let error = crate::SpanExporter::builder()
            .with_endpoint("ftp://alice:s3cret@host:4317/v1/traces?api_key=K")
            .build()
            .expect_err("not http");
        let text = error.to_string();
        assert!(
            text.contains("'ftp://alice:***@host:4317/v1/traces?***'"),
            "{text}"
        );
        assert!(!text.contains("s3cret") && !text.contains("api_key"), "{text}");
    }

    #[cfg(feature = "http-proto")]
    #[test]
    fn a_builders_debug_shows_the_endpoint_masked() {
        let builder = crate::SpanExporter::builder()
            .with_endpoint("https://alice:s3cret@host:4318/v1/traces?api_key=K")
            .with_header_file("authorization", "/run/token");
        let text = format!("{builder:?}");
        assert!(
            text.contains("https://alice:***@host:4318/v1/traces?***"),
            "{text}"
        );
        assert!(!text.contains("s3cret") && !text.contains("api_key=K"), "{text}");
    }

    #[cfg(feature = "http-proto")]
    #[test]
    fn a_credentials_check_interval_under_100_ms_is_refused() {
        for short in [std::time::Duration::ZERO, std::time::Duration::from_millis(99)] {
            let error = crate::SpanExporter::builder()
                .with_credentials_check_interval(short)
                .build()
                .expect_err("too short");
            assert!(matches!(
                error,
                crate::BuildError::CredentialsCheckIntervalTooShort(d) if d == short
            ));
        }
        crate::SpanExporter::builder()
            .with_credentials_check_interval(crate::MIN_CREDENTIALS_CHECK_INTERVAL)
            .build()
            .expect("100 ms is enough");
    }
}

//! A collector's partial-success message is logged as one line: cut to a bounded length
//! and with its control characters escaped, so that a hostile collector can neither
//! write log lines of its own (newlines), restyle a terminal (ANSI escapes), nor flood
//! the log (a 400 KiB message). Runs in its own process: it installs a global `tracing`
//! subscriber to see the export runtime's events.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;

use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceResponse,
};
use opentelemetry_sdk::trace::SpanExporter as _;
use otel_kit_otlp::{Protocol, SpanExporter};
use prost::Message as _;
use tracing_subscriber::layer::SubscriberExt as _;

use crate::support::own_process::ran_in_own_process;
use crate::support::warnings::Warnings;

/// An OTLP/HTTP collector that answers every export with `response` (protobuf, 200);
/// its URL for traces.
fn answering(response: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            loop {
                let mut length = 0;
                let mut line = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    if line == "\r\n" {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':')
                        && name.eq_ignore_ascii_case("content-length")
                    {
                        length = value.trim().parse().expect("length");
                    }
                }
                if line != "\r\n" {
                    break;
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).expect("body");
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: {}\r\n\r\n",
                    response.len()
                );
                if stream.write_all(head.as_bytes()).is_err() || stream.write_all(&response).is_err() {
                    break;
                }
            }
        }
    });
    format!("http://{address}/v1/traces")
}

#[test]
fn a_hostile_partial_success_message_is_logged_cut_and_escaped() {
    if ran_in_own_process(
        module_path!(),
        "a_hostile_partial_success_message_is_logged_cut_and_escaped",
    ) {
        return;
    }
    let warnings = Warnings::default();
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(warnings.clone()))
        .expect("subscriber");

    // 400 KiB of forged log lines in red.
    let forged = "\n2026-11-24T12:00:00Z ERROR app: \u{1b}[31mdatabase password is hunter2\u{1b}[0m\r";
    let message: String = forged.repeat(400 * 1024 / forged.len() + 1);
    let response = ExportTraceServiceResponse {
        partial_success: Some(ExportTracePartialSuccess {
            rejected_spans: 3,
            error_message: message.clone(),
        }),
    }
    .encode_to_vec();
    let exporter = SpanExporter::builder()
        .with_protocol(Protocol::HttpProtobuf)
        .with_endpoint(answering(response))
        .build()
        .expect("exporter");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime
        .block_on(exporter.export(Vec::new()))
        .expect("a partial success is a success");

    let warnings = warnings.0.lock().expect("test lock").clone();
    let logged: Vec<&String> = warnings
        .iter()
        .filter(|w| w.contains("accepted the export only in part"))
        .collect();
    assert_eq!(logged.len(), 1, "{warnings:?}");
    let line = logged[0];
    assert!(line.contains("3 spans rejected"), "{line}");
    assert!(
        line.len() < 4096,
        "{} bytes logged of a {} byte message",
        line.len(),
        message.len()
    );
    assert!(
        !line.contains(['\n', '\r', '\u{1b}']),
        "a control character reached the log: {line:?}"
    );
    assert!(
        line.contains("\\n2026-11-24T12:00:00Z ERROR app: \\u{1b}[31m"),
        "{line}"
    );
    assert!(line.contains("more bytes)"), "{line}");
}

//! `init()` and the `Telemetry` guard, end to end against in-process collectors.

mod additions;
mod flush_single_flight;
mod hung_mount;
mod no_metric_reader;
mod no_telemetry_feedback_loop;
mod otlp_options;
mod pipeline;
mod proxy;
mod secrets_in_output;
mod shutdown_budget;
mod shutdown_order;
mod tls;
mod tls_bad_material;
mod tls_error_message;
mod tls_no_system_roots;
mod tls_rotation;
mod tls_special_files;
mod value_length;

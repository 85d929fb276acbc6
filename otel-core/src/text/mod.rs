//! Text the kit writes and reads outside a request's machinery, named by the kit's
//! crates through `__private`:
//!
//! - `lower_hex` and `trace_state_header`: trace and span ids and `tracestate` as the
//!   wire writes them (and ids read back, strictly).
//! - `printable_endpoint` and `printable_text`: what the kit prints of its input, an
//!   endpoint without its credentials and any text with its control characters escaped.
//! - `regular_file`: a file the kit was pointed at (a configuration file, a credential),
//!   read without blocking, within a limit and by a deadline.

pub mod lower_hex;
pub mod printable_endpoint;
pub mod printable_text;
pub mod regular_file;
pub mod trace_state_header;

//! `OTEL_PROPAGATORS` read onto otel-kit-propagators; that crate tests the propagators.

mod names;

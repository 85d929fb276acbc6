//! The log bridge's provider: records go to the logger of the current thread's service.

use std::sync::Arc;

use opentelemetry::InstrumentationScope;
use opentelemetry::logs::{Logger, LoggerProvider, Severity};
use opentelemetry_sdk::logs::{SdkLogRecord, SdkLogger, SdkLoggerProvider};

/// One SDK logger provider per service, plus one without processors for threads that
/// belong to no service.
#[derive(Clone, Debug)]
pub(super) struct RoutingLoggerProvider {
    services: Arc<[SdkLoggerProvider]>,
    unattributed: SdkLoggerProvider,
}

impl RoutingLoggerProvider {
    pub(super) fn new(services: Arc<[SdkLoggerProvider]>) -> Self {
        RoutingLoggerProvider {
            services,
            unattributed: SdkLoggerProvider::builder().build(),
        }
    }
}

impl LoggerProvider for RoutingLoggerProvider {
    type Logger = RoutingLogger;

    fn logger_with_scope(&self, scope: InstrumentationScope) -> RoutingLogger {
        RoutingLogger {
            services: self
                .services
                .iter()
                .map(|p| p.logger_with_scope(scope.clone()))
                .collect(),
            unattributed: self.unattributed.logger_with_scope(scope),
        }
    }
}

/// A logger per service for one instrumentation scope.
#[derive(Debug)]
pub(super) struct RoutingLogger {
    services: Vec<SdkLogger>,
    unattributed: SdkLogger,
}

impl RoutingLogger {
    fn current(&self) -> &SdkLogger {
        super::current()
            .and_then(|i| self.services.get(i))
            .unwrap_or(&self.unattributed)
    }
}

impl Logger for RoutingLogger {
    type LogRecord = SdkLogRecord;

    fn create_log_record(&self) -> SdkLogRecord {
        self.current().create_log_record()
    }

    fn emit(&self, record: SdkLogRecord) {
        self.current().emit(record);
    }

    fn event_enabled(&self, level: Severity, target: &str, name: Option<&str>) -> bool {
        self.current().event_enabled(level, target, name)
    }
}

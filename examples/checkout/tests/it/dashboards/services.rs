//! The drift test's part for the panels that read NATS and Redis telemetry.
//!
//! The messaging panels group by destination, which is `messaging_destination_template`
//! for NATS (the demo's subjects carry the run's id) and `messaging_destination_name`
//! for the in-process queue. Without `TEST_NATS_URL` the template label cannot be seen,
//! so it is assumed on the messaging series, and said so; with it, it must be there. The
//! cache panels select `db_system_name="redis"`: a value, which the label check does not
//! read, so with the services the values those panels select are checked here too.

use otel_kit::testing::{AttributeValue, MetricData, MetricRecord};

use super::Series;
use crate::demo::Services;

/// Labels only the demo's NATS run puts on series, by the series' name prefix.
const NATS_ONLY: [(&str, &str); 1] = [("messaging_", "messaging_destination_template")];

/// Adds the labels of [`NATS_ONLY`] to the series they would be on; returns what it
/// assumed, as `series{label}`.
pub(super) fn assume_nats_labels(emitted: &mut Series) -> Vec<String> {
    let mut assumed = Vec::new();
    for (name, labels) in emitted.iter_mut() {
        for (prefix, label) in NATS_ONLY {
            if name.starts_with(prefix) && labels.insert(label.to_owned()) {
                assumed.push(format!("{name}{{{label}}}"));
            }
        }
    }
    assert!(
        !assumed.is_empty(),
        "no messaging series: the in-process queue exports none?"
    );
    assumed
}

/// The NATS run's series carry every label [`assume_nats_labels`] assumes, so the
/// assumption is checked wherever the services are.
pub(super) fn assert_nats_labels(emitted: &Series) {
    for (prefix, label) in NATS_ONLY {
        let series: Vec<&String> = emitted.keys().filter(|n| n.starts_with(prefix)).collect();
        assert!(!series.is_empty(), "no {prefix}* series with NATS");
        for name in series {
            assert!(emitted[name].contains(label), "{name} has no {label} with NATS");
        }
    }
}

/// Whether some point of `metric` has every `key` = `value` of `wanted`.
fn has_point(metrics: &[MetricRecord], metric: &str, wanted: &[(&str, &str)]) -> bool {
    metrics.iter().filter(|m| m.name == metric).any(|m| {
        let sets: Vec<&[(String, AttributeValue)]> = match &m.data {
            MetricData::Histogram { points, .. } => points.iter().map(|p| p.attributes.as_slice()).collect(),
            MetricData::Sum { points, .. } => points.iter().map(|p| p.attributes.as_slice()).collect(),
            _ => Vec::new(),
        };
        sets.into_iter().any(|attributes| {
            wanted.iter().all(|(key, value)| {
                attributes
                    .iter()
                    .any(|(k, v)| k == key && v.as_str() == Some(*value))
            })
        })
    })
}

/// The values the new panels select by are emitted: `db_system_name="redis"` with the
/// cache's `GET` and `SET` (the cache panels), and `messaging_system_name="nats"` on each
/// messaging metric (the messaging panels).
pub(super) fn assert_selected_values(metrics: &[MetricRecord], services: &Services) {
    if services.redis.is_some() {
        for operation in ["GET", "SET"] {
            let wanted = [("db.system.name", "redis"), ("db.operation.name", operation)];
            assert!(
                has_point(metrics, "db.client.operation.duration", &wanted),
                "no Redis {operation} in db.client.operation.duration"
            );
        }
    }
    if services.nats.is_some() {
        for metric in [
            "messaging.client.sent.messages",
            "messaging.client.consumed.messages",
            "messaging.process.duration",
            "messaging.client.operation.duration",
        ] {
            let wanted = [
                ("messaging.system.name", "nats"),
                ("messaging.destination.template", "notifications.*"),
            ];
            assert!(has_point(metrics, metric, &wanted), "no NATS point of {metric}");
        }
    }
}

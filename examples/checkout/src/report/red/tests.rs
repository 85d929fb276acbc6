use std::sync::Arc;
use std::time::Duration;

use otel_kit::testing::{
    AttributeValue, HistogramPoint, MetricData, MetricRecord, ResourceInfo, ScopeInfo, Temporality,
};

use super::{red_table, rows};

/// The semconv HTTP/RPC duration buckets, in seconds.
const BOUNDS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

fn point(attributes: &[(&str, AttributeValue)], counts: &[u64]) -> HistogramPoint {
    let mut bucket_counts = vec![0; BOUNDS.len() + 1];
    bucket_counts[..counts.len()].copy_from_slice(counts);
    HistogramPoint {
        attributes: attributes
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        count: counts.iter().sum(),
        sum: None,
        min: None,
        max: None,
        bounds: BOUNDS.to_vec(),
        bucket_counts,
        exemplars: Vec::new(),
    }
}

fn histogram(
    service: &str,
    name: &str,
    temporality: Temporality,
    points: Vec<HistogramPoint>,
) -> MetricRecord {
    MetricRecord {
        name: name.to_owned(),
        description: String::new(),
        unit: "s".to_owned(),
        data: MetricData::Histogram { points, temporality },
        resource: Arc::new(ResourceInfo {
            attributes: vec![("service.name".to_owned(), service.into())],
            schema_url: String::new(),
        }),
        scope: Arc::new(ScopeInfo::default()),
    }
}

fn status(code: i64) -> [(&'static str, AttributeValue); 2] {
    [
        ("http.route", "/checkout".into()),
        ("http.response.status_code", code.into()),
    ]
}

/// Three exports of frontend's cumulative HTTP series, the middle one the latest.
fn frontend_exports() -> Vec<MetricRecord> {
    let name = "http.server.request.duration";
    let cumulative = Temporality::Cumulative;
    vec![
        histogram("frontend", name, cumulative, vec![point(&status(200), &[5, 5])]),
        histogram(
            "frontend",
            name,
            cumulative,
            vec![
                point(&status(200), &[5, 10, 10]),
                point(&status(500), &[0, 0, 0, 5]),
                point(&status(402), &[3]),
            ],
        ),
        // A stale export arriving late: fewer requests than the series already had.
        histogram("frontend", name, cumulative, vec![point(&status(200), &[5, 5])]),
    ]
}

#[test]
fn latest_cumulative_point_per_series_then_summed() {
    let rows = rows(&frontend_exports());
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (row.service.as_str(), row.metric.as_str()),
        ("frontend", "http.server.request.duration")
    );
    // 25 (latest 200 series) + 5 (500) + 3 (402), not 10 + 25 + 10.
    assert_eq!(row.count, 33);
    let (_, counts) = row.buckets.as_ref().expect("buckets");
    assert_eq!(&counts[..5], &[8, 10, 10, 5, 0]);
}

#[test]
fn five_hundreds_are_errors_but_not_402() {
    let rows = rows(&frontend_exports());
    assert_eq!(rows[0].errors, 5);
}

#[test]
fn quantiles_from_merged_buckets() {
    let rows = rows(&frontend_exports());
    let q = |q| rows[0].quantile_ms(q).expect("quantile");
    // Merged buckets (ms): 8 in (0,5], 10 in (5,10], 10 in (10,25], 5 in (25,50].
    // p50: rank 16.5, 8 below (5,10]: 5 + 5 * 8.5/10.
    assert!((q(0.5) - 9.25).abs() < 1e-9, "{}", q(0.5));
    // p95: rank 31.35, 28 below (25,50]: 25 + 25 * 3.35/5.
    assert!((q(0.95) - 41.75).abs() < 1e-9, "{}", q(0.95));
    // p99: rank 32.67: 25 + 25 * 4.67/5.
    assert!((q(0.99) - 48.35).abs() < 1e-9, "{}", q(0.99));
}

#[test]
fn table_shows_counts_rate_errors_and_quantiles() {
    let table = red_table(&frontend_exports(), Duration::from_secs(10));
    let line = table
        .lines()
        .find(|l| l.contains("http.server.request.duration"))
        .expect("a frontend row");
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        cells,
        // 41.75 is 41.7499... in binary.
        [
            "frontend",
            "http.server.request.duration",
            "33",
            "3.30",
            "5",
            "15.2%",
            "9.25",
            "41.7",
            "48.4"
        ],
        "{table}"
    );
    assert!(table.contains("(traffic: 10.0 s)"), "{table}");
    assert!(
        table.contains("(no http.client.request.duration, rpc.client.call.duration"),
        "{table}"
    );
}

#[test]
fn error_type_marks_rpc_errors_and_services_get_their_own_rows() {
    let metrics = vec![
        histogram(
            "payments",
            "rpc.server.call.duration",
            Temporality::Cumulative,
            vec![
                point(&[("rpc.status_code", "OK".into())], &[0, 8]),
                point(
                    &[
                        ("rpc.status_code", "UNAVAILABLE".into()),
                        ("error.type", "UNAVAILABLE".into()),
                    ],
                    &[2],
                ),
            ],
        ),
        histogram(
            "orders",
            "db.client.operation.duration",
            Temporality::Cumulative,
            vec![point(&[("db.system.name", "sqlite".into())], &[4])],
        ),
    ]
    .into_iter()
    .chain(frontend_exports())
    .collect::<Vec<_>>();
    let rows = rows(&metrics);
    let summary: Vec<_> = rows
        .iter()
        .map(|r| (r.service.as_str(), r.metric.as_str(), r.count, r.errors))
        .collect();
    assert_eq!(
        summary,
        [
            ("frontend", "http.server.request.duration", 33, 5),
            ("orders", "db.client.operation.duration", 4, 0),
            ("payments", "rpc.server.call.duration", 10, 2),
        ]
    );
    let table = red_table(&metrics, Duration::from_secs(5));
    let server = table.find("server side").expect("server section");
    let outgoing = table.find("outgoing calls").expect("outgoing section");
    let db_row = table.find("db.client.operation.duration").expect("db row");
    assert!(server < outgoing && outgoing < db_row, "{table}");
    let payments: Vec<&str> = table
        .lines()
        .find(|l| l.contains("rpc.server.call.duration"))
        .map(|l| l.split_whitespace().take(6).collect())
        .expect("payments row");
    assert_eq!(
        payments,
        ["payments", "rpc.server.call.duration", "10", "2.00", "2", "20.0%"],
        "{table}"
    );
    // Both sections share their column widths.
    let header = "  service   metric                        requests";
    assert_eq!(table.matches(header).count(), 2, "{table}");
}

#[test]
fn delta_points_add_up_and_min_max_tighten_quantiles() {
    let mut first = point(&[], &[0, 0, 2]);
    first.min = Some(0.012);
    first.max = Some(0.020);
    let mut second = point(&[], &[0, 0, 2]);
    second.min = Some(0.011);
    second.max = Some(0.016);
    let metrics = vec![
        histogram(
            "orders",
            "http.client.request.duration",
            Temporality::Delta,
            vec![first],
        ),
        histogram(
            "orders",
            "http.client.request.duration",
            Temporality::Delta,
            vec![second],
        ),
    ];
    let rows = rows(&metrics);
    assert_eq!(rows[0].count, 4);
    assert_eq!((rows[0].min, rows[0].max), (Some(0.011), Some(0.020)));
    // All 4 in (10ms, 25ms], narrowed to [11ms, 20ms]: p50 = 11 + 9 * 2/4.
    let p50 = rows[0].quantile_ms(0.5).expect("p50");
    assert!((p50 - 15.5).abs() < 1e-9, "{p50}");
}

#[test]
fn other_metrics_and_empty_input() {
    let mut other = histogram(
        "frontend",
        "http.server.request.body.size",
        Temporality::Cumulative,
        vec![],
    );
    other.unit = "By".to_owned();
    assert!(rows(&[other]).is_empty());
    let table = red_table(&[], Duration::ZERO);
    assert!(
        table.contains(
            "(no http.server.request.duration, rpc.server.call.duration, messaging.process.duration \
             histograms received)"
        ),
        "{table}"
    );
}

#[test]
fn print_sample() {
    // Shown with `cargo test -p checkout --lib report -- --nocapture print_sample`.
    let mut metrics = frontend_exports();
    metrics.push(histogram(
        "orders",
        "db.client.operation.duration",
        Temporality::Cumulative,
        vec![point(&[("db.system.name", "sqlite".into())], &[40, 2])],
    ));
    println!("{}", red_table(&metrics, Duration::from_secs(10)));
}

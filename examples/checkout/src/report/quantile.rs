//! Quantiles estimated from an explicit-bucket histogram, the way Prometheus'
//! `histogram_quantile` does it, tightened by the point's min and max when known.

/// Estimates the `q`-quantile (`0 < q <= 1`) of the values counted in `bucket_counts`.
///
/// `bounds` are the explicit upper bounds (ascending); `bucket_counts` has one count per
/// bucket, `bounds.len() + 1` of them, the last being the `+Inf` bucket (OTLP counts are
/// per bucket, not cumulative). The rank `q * total` is located in the first bucket whose
/// cumulative count reaches it, and the value is interpolated linearly between that
/// bucket's lower and upper bound, as Prometheus' `histogram_quantile` does:
///
/// - the first bucket starts at 0 when its upper bound is positive (else its upper bound
///   is returned);
/// - the `+Inf` bucket has no upper bound: the result is the previous bound, or, when
///   `max` is known, an interpolation between the previous bound and `max`;
/// - when `min`/`max` are known the bucket's interval is narrowed to `[min, max]` (every
///   value lies there), so the estimate never leaves the observed range.
///
/// Returns `None` for an empty histogram, mismatched lengths or a `q` outside `(0, 1]`.
pub fn histogram_quantile(
    q: f64,
    bounds: &[f64],
    bucket_counts: &[u64],
    min: Option<f64>,
    max: Option<f64>,
) -> Option<f64> {
    if !(q > 0.0 && q <= 1.0) || bucket_counts.len() != bounds.len() + 1 {
        return None;
    }
    let total: u64 = bucket_counts.iter().sum();
    if total == 0 {
        return None;
    }
    let rank = q * to_f64(total);
    let mut below = 0u64;
    let mut index = bucket_counts.len() - 1;
    for (i, count) in bucket_counts.iter().enumerate() {
        if to_f64(below + count) >= rank {
            index = i;
            break;
        }
        below += count;
    }
    let count = bucket_counts[index];
    let is_inf = index == bounds.len();
    let mut lower = if index == 0 {
        match (min, bounds.first()) {
            (Some(min), _) => min,
            // Prometheus: a first bucket with a bound <= 0 answers that bound.
            (None, Some(first)) if *first <= 0.0 => return Some(*first),
            (None, _) => 0.0,
        }
    } else {
        bounds[index - 1]
    };
    let mut upper = if is_inf {
        match max {
            Some(max) => max,
            None => return Some(clamp(lower, min, max)),
        }
    } else {
        bounds[index]
    };
    if let Some(min) = min {
        lower = lower.max(min);
    }
    if let Some(max) = max {
        upper = upper.min(max);
    }
    if upper < lower {
        // min/max inconsistent with the buckets: trust the buckets' lower side.
        upper = lower;
    }
    if count == 0 {
        return Some(lower);
    }
    let fraction = (rank - to_f64(below)) / to_f64(count);
    Some(clamp(lower + (upper - lower) * fraction, min, max))
}

fn clamp(value: f64, min: Option<f64>, max: Option<f64>) -> f64 {
    let value = min.map_or(value, |m| value.max(m));
    max.map_or(value, |m| value.min(m))
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^53
fn to_f64(n: u64) -> f64 {
    n as f64
}

#[cfg(test)]
mod tests {
    use super::histogram_quantile;

    /// The HTTP duration buckets of semconv, in seconds.
    const HTTP: [f64; 14] = [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    ];

    fn close(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a quantile");
        assert!(
            (actual - expected).abs() < 1e-9,
            "expected {expected}, got {actual}"
        );
    }

    #[test]
    fn interpolates_like_prometheus() {
        // 100 values: 10 in (0, 5ms], 40 in (5ms, 10ms], 40 in (10ms, 25ms], 10 in (25ms, 50ms].
        let mut counts = [0u64; 15];
        counts[..4].copy_from_slice(&[10, 40, 40, 10]);
        // p50: rank 50 reached exactly at the end of (5ms,10ms]: 0.005 + 0.005 * 40/40.
        close(histogram_quantile(0.5, &HTTP, &counts, None, None), 0.010);
        // p95: rank 95, 90 below (0.025, 0.05]: 0.025 + 0.025 * 5/10.
        close(histogram_quantile(0.95, &HTTP, &counts, None, None), 0.0375);
        // p99: 0.025 + 0.025 * 9/10.
        close(histogram_quantile(0.99, &HTTP, &counts, None, None), 0.0475);
        // p05: rank 5 in the first bucket, which starts at 0: 0.005 * 5/10.
        close(histogram_quantile(0.05, &HTTP, &counts, None, None), 0.0025);
        // p30: rank 30, 10 below (0.005, 0.01]: 0.005 + 0.005 * 20/40.
        close(histogram_quantile(0.3, &HTTP, &counts, None, None), 0.0075);
    }

    #[test]
    fn min_and_max_narrow_the_bucket() {
        let mut counts = [0u64; 15];
        counts[..4].copy_from_slice(&[10, 40, 40, 10]);
        // Largest value 30ms: p99 interpolates in (25ms, 30ms]: 0.025 + 0.005 * 9/10.
        close(
            histogram_quantile(0.99, &HTTP, &counts, Some(0.002), Some(0.030)),
            0.0295,
        );
        // Smallest value 2ms: p05 interpolates in [2ms, 5ms]: 0.002 + 0.003 * 5/10.
        close(
            histogram_quantile(0.05, &HTTP, &counts, Some(0.002), Some(0.030)),
            0.0035,
        );
        // p100 is the max.
        close(
            histogram_quantile(1.0, &HTTP, &counts, Some(0.002), Some(0.030)),
            0.030,
        );
    }

    #[test]
    fn inf_bucket_takes_previous_bound_or_max() {
        let bounds = [0.1, 1.0];
        let counts = [2, 2, 4];
        // p75: rank 6 in +Inf, 4 below: Prometheus answers the last finite bound.
        close(histogram_quantile(0.75, &bounds, &counts, None, None), 1.0);
        // With max 3s: 1 + 2 * 2/4.
        close(histogram_quantile(0.75, &bounds, &counts, None, Some(3.0)), 2.0);
    }

    #[test]
    fn empty_or_malformed_is_none() {
        assert_eq!(histogram_quantile(0.5, &HTTP, &[0; 15], None, None), None);
        assert_eq!(histogram_quantile(0.5, &HTTP, &[1; 3], None, None), None);
        assert_eq!(histogram_quantile(0.0, &[1.0], &[1, 0], None, None), None);
        assert_eq!(histogram_quantile(0.5, &[], &[], Some(1.0), Some(2.0)), None);
    }

    #[test]
    fn single_bucket_without_bounds_uses_min_and_max() {
        // No explicit bounds: only the +Inf bucket, spread over [min, max].
        close(histogram_quantile(0.5, &[], &[4], Some(1.0), Some(3.0)), 2.0);
    }
}

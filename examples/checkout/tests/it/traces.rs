//! A checkout's trace as a tree of `name (kind, service)` lines, and the tree each way of
//! running the demo should give: with the in-process queue or NATS JetStream, with or
//! without the Redis cache (a hit or a miss).

use std::collections::{BTreeMap, HashMap};

use otel_kit::testing::{AttributeValue, SpanRecord};

use crate::demo::Services;

/// The `service.name` of a span's resource.
pub(crate) fn service(span: &SpanRecord) -> String {
    match span.resource_attribute("service.name") {
        Some(AttributeValue::String(name)) => name.clone(),
        other => format!("{other:?}"),
    }
}

/// Each trace's tree, by trace id: one line per span, `name (kind, service)`, indented
/// under its parent, children by start time.
pub(crate) fn trees(spans: &[SpanRecord]) -> BTreeMap<String, String> {
    let mut by_trace: HashMap<&str, Vec<&SpanRecord>> = HashMap::new();
    for span in spans {
        by_trace.entry(&span.trace_id).or_default().push(span);
    }
    by_trace
        .into_iter()
        .map(|(trace_id, mut spans)| {
            spans.sort_by_key(|s| (s.start_time_unix_nano, s.end_time_unix_nano));
            let mut out = String::new();
            let ids: Vec<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
            for root in spans
                .iter()
                .filter(|s| s.parent_span_id.as_deref().is_none_or(|p| !ids.contains(&p)))
            {
                render(root, &spans, 0, &mut out);
            }
            (trace_id.to_owned(), out)
        })
        .collect()
}

fn render(span: &SpanRecord, all: &[&SpanRecord], depth: usize, out: &mut String) {
    out.push_str(&format!(
        "{}{} ({:?}, {})\n",
        "  ".repeat(depth),
        span.name,
        span.kind,
        service(span)
    ));
    for child in all
        .iter()
        .filter(|s| s.parent_span_id.as_deref() == Some(span.span_id.as_str()))
    {
        render(child, all, depth + 1, out);
    }
}

/// `tree` without the bulk order's slow report (`SELECT SELECT SELECT`).
pub(crate) fn without_report(tree: &str) -> String {
    tree.lines()
        .filter(|l| !l.trim_start().starts_with("SELECT SELECT"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// How a successful checkout went, where the tree can differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Variant {
    /// With the cache: whether the lookup hit it.
    pub(crate) cache_hit: Option<bool>,
    /// Whether the confirmation was sent (with JetStream, `ack` or else `term`).
    pub(crate) delivered: bool,
}

impl Variant {
    /// Every variant the demo can give `services`.
    pub(crate) fn all(services: &Services) -> Vec<Variant> {
        let hits: &[Option<bool>] = if services.redis.is_some() {
            &[Some(true), Some(false)]
        } else {
            &[None]
        };
        let delivered: &[bool] = if services.nats.is_some() {
            &[true, false]
        } else {
            &[true]
        };
        hits.iter()
            .flat_map(|&cache_hit| {
                delivered
                    .iter()
                    .map(move |&delivered| Variant { cache_hit, delivered })
            })
            .collect()
    }
}

/// The tree of a checkout that succeeds, run with `services`.
pub(crate) fn checkout_tree(services: &Services, variant: Variant) -> String {
    let mut tree = String::from(
        "\
POST /checkout (Server, frontend)
  checkout.orders.v1.Orders/PlaceOrder (Client, frontend)
    checkout.orders.v1.Orders/PlaceOrder (Server, orders)
",
    );
    match variant.cache_hit {
        Some(hit) => {
            tree.push_str("      inventory lookup (Internal, orders)\n        GET (Client, orders)\n");
            if !hit {
                tree.push_str("        SELECT inventory (Client, orders)\n        SET (Client, orders)\n");
            }
            tree.push_str("      BEGIN (Client, orders)\n      UPDATE inventory (Client, orders)\n");
        }
        None => tree.push_str(
            "      BEGIN (Client, orders)\n      UPDATE inventory (Client, orders)\n      \
             SELECT inventory (Client, orders)\n",
        ),
    }
    for line in [
        "      INSERT orders (Client, orders)",
        "      COMMIT (Client, orders)",
        "      POST (Client, orders)",
        "        POST /charge (Server, payments)",
        "          chat gpt-4o-mini (Client, payments)",
        "            POST (Client, payments)",
    ] {
        tree.push_str(line);
        tree.push('\n');
    }
    let (send, queue) = if services.nats.is_some() {
        ("publish", "notifications.*")
    } else {
        ("send", "notifications")
    };
    tree.push_str(&format!(
        "      {send} {queue} (Producer, orders)\n        process {queue} (Consumer, notifications)\n"
    ));
    tree.push_str(
        "          chat gpt-4o-mini (Client, notifications)\n            POST (Client, notifications)\n",
    );
    if services.nats.is_some() {
        let settle = if variant.delivered { "ack" } else { "term" };
        tree.push_str(&format!("          {settle} {queue} (Client, notifications)\n"));
    }
    tree
}

#[test]
fn the_default_tree_is_the_one_the_readme_shows() {
    let tree = checkout_tree(
        &Services::none(),
        Variant {
            cache_hit: None,
            delivered: true,
        },
    );
    assert_eq!(
        tree,
        "\
POST /checkout (Server, frontend)
  checkout.orders.v1.Orders/PlaceOrder (Client, frontend)
    checkout.orders.v1.Orders/PlaceOrder (Server, orders)
      BEGIN (Client, orders)
      UPDATE inventory (Client, orders)
      SELECT inventory (Client, orders)
      INSERT orders (Client, orders)
      COMMIT (Client, orders)
      POST (Client, orders)
        POST /charge (Server, payments)
          chat gpt-4o-mini (Client, payments)
            POST (Client, payments)
      send notifications (Producer, orders)
        process notifications (Consumer, notifications)
          chat gpt-4o-mini (Client, notifications)
            POST (Client, notifications)
"
    );
    assert_eq!(Variant::all(&Services::none()).len(), 1);
    let both = Services {
        nats: Some("nats://x".into()),
        redis: Some("redis://x".into()),
    };
    assert_eq!(Variant::all(&both).len(), 4);
}

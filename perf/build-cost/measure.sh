#!/usr/bin/env bash
# Cold release build time and binary size of one small service, without OpenTelemetry,
# with the kit and with its peers. Each variant is a scratch crate generated outside the
# workspace (its own [workspace] table, a copy of the workspace's Cargo.lock so that every
# shared crate has the same version), fetched first, then built with
# `cargo build --release` into a fresh target directory: compiling only, no download.
#
#   perf/build-cost/measure.sh [variant ...]     # default: all six, in the table's order
#
# Environment: SCRATCH (where the crates and target dirs go; default /tmp/otel-kit-build-cost),
# LOCK (a file to `flock` around each timed build, e.g. /tmp/build.lock; default none),
# RUNS (cold builds per variant, the median is reported; default 1),
# CHECK=1 (only generate the crates and `cargo check` them, to try a change quickly).
# Output: one tab-separated line per variant on stdout, and $SCRATCH/results.tsv.
set -euo pipefail

KIT=$(cd "$(dirname "$0")/../.." && pwd)
SCRATCH=${SCRATCH:-/tmp/otel-kit-build-cost}
RUNS=${RUNS:-1}
LOCK=${LOCK:-}
ALL=(plain kit kit-minimal axum-tracing-opentelemetry tower-otel opentelemetry-instrumentation-tower)
VARIANTS=("${@:-${ALL[@]}}")
# The service's own environment: release defaults, no profile overrides from the caller.
unset CARGO_TARGET_DIR CARGO_INCREMENTAL CARGO_PROFILE_DEV_DEBUG CARGO_PROFILE_RELEASE_DEBUG RUSTFLAGS

# What every variant has: axum, tokio, sqlx on SQLite, reqwest 0.13 (its defaults, as a
# service adds it), tracing. Versions are the workspace's pins.
common_deps() {
    cat <<TOML
axum = "0.8.9"
tokio = { version = "1", features = ["rt-multi-thread", "macros", "net"] }
sqlx = { version = "0.9.0", default-features = false, features = ["runtime-tokio", "sqlite"] }
reqwest = "0.13.5"
tracing = "0.1.44"
TOML
}

# The hand-made SDK set-up of the two tower peers: what their READMEs leave to the user.
sdk_deps() {
    cat <<TOML
opentelemetry = "0.33.1"
opentelemetry_sdk = { version = "0.33.1", features = ["rt-tokio"] }
opentelemetry-otlp = "0.33.1"
tracing-opentelemetry = "0.34.0"
tracing-subscriber = { version = "0.3.23", features = ["env-filter"] }
TOML
}

deps() {
    common_deps
    case $1 in
    plain) echo 'tracing-subscriber = { version = "0.3.23", features = ["env-filter"] }' ;;
    kit)
        echo "otel-kit = { path = \"$KIT/otel-kit\", features = [\"axum\", \"sqlite\", \"reqwest\"] }"
        echo 'reqwest-middleware = "0.5.2"' ;;
    kit-minimal)
        echo "otel-kit = { path = \"$KIT/otel-kit\", default-features = false, features = [\"http-proto\", \"tls-ring\", \"logs\", \"metrics\", \"axum\"] }" ;;
    axum-tracing-opentelemetry)
        echo 'axum-tracing-opentelemetry = "0.42.1"'
        echo 'init-tracing-opentelemetry = { version = "0.44.0", features = ["otlp", "tracing_subscriber_ext"] }' ;;
    tower-otel)
        sdk_deps
        echo 'tower = "0.5.3"'
        echo 'tower-otel = { version = "0.12.0", features = ["axum", "reqwest_013"] }' ;;
    opentelemetry-instrumentation-tower)
        sdk_deps
        echo 'opentelemetry-instrumentation-tower = { version = "0.19.0", features = ["axum"] }' ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
    esac
}

# The handler every variant serves: a query through its pool, a call through its client
# (`fetch`, the one function written per client type).
handler() {
    cat <<'RS'
async fn user(
    axum::extract::State(app): axum::extract::State<std::sync::Arc<App>>,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> String {
    let row: Result<(i64, String), _> = sqlx::query_as("SELECT ?1, 'user'").bind(id).fetch_one(&app.pool).await;
    let quote = fetch(&app.client).await;
    tracing::info!(id, "user read");
    format!("{row:?} {quote}")
}

async fn serve(router: axum::Router) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await.expect("bind");
    axum::serve(listener, router).await.expect("serve");
}

async fn sqlite() -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect("sqlite::memory:").await.expect("sqlite")
}
RS
}

# The two peers' SDK set-up by hand: OTLP/HTTP span and metric exporters, the providers
# made global, tracing-opentelemetry as the subscriber's layer.
sdk_setup() {
    cat <<'RS'
fn init() -> opentelemetry_sdk::trace::SdkTracerProvider {
    use opentelemetry::trace::TracerProvider as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let spans = opentelemetry_otlp::SpanExporter::builder().with_http().build().expect("span exporter");
    let tracer_provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().with_batch_exporter(spans).build();
    let metrics = opentelemetry_otlp::MetricExporter::builder().with_http().build().expect("metric exporter");
    let meter_provider = opentelemetry_sdk::metrics::SdkMeterProvider::builder().with_periodic_exporter(metrics).build();
    opentelemetry::global::set_tracer_provider(tracer_provider.clone());
    opentelemetry::global::set_meter_provider(meter_provider);
    opentelemetry::global::set_text_map_propagator(opentelemetry_sdk::propagation::TraceContextPropagator::new());
    tracing_subscriber::registry()
        .with(tracing_subscriber::EnvFilter::new("info"))
        .with(tracing_subscriber::fmt::layer())
        .with(tracing_opentelemetry::layer().with_tracer(tracer_provider.tracer("service")))
        .init();
    tracer_provider
}
RS
}

# `fetch` over a reqwest client, or over reqwest-middleware's (the same calls).
send_fetch() {
    cat <<RS
async fn fetch(client: &$1) -> String {
    match client.get(QUOTE).send().await {
        Ok(r) => r.text().await.unwrap_or_default(),
        Err(e) => e.to_string(),
    }
}
RS
}

main_rs() {
    handler
    echo 'const QUOTE: &str = "http://127.0.0.1:3001/quote";'
    case $1 in
    kit) send_fetch reqwest_middleware::ClientWithMiddleware ;;
    tower-otel) cat <<'RS'
async fn fetch(client: &Client) -> String {
    use tower::{Service as _, ServiceExt as _};
    let request = reqwest::Request::new(reqwest::Method::GET, QUOTE.parse().expect("url"));
    let mut client = client.clone();
    let response = match client.ready().await {
        Ok(c) => c.call(request).await,
        Err(e) => Err(e),
    };
    match response {
        Ok(r) => r.text().await.unwrap_or_default(),
        Err(e) => e.to_string(),
    }
}
RS
    ;;
    *) send_fetch reqwest::Client ;;
    esac
    case $1 in
    plain) cat <<'RS'
struct App { pool: sqlx::SqlitePool, client: reqwest::Client }

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::new("info")).init();
    let app = std::sync::Arc::new(App { pool: sqlite().await, client: reqwest::Client::new() });
    serve(axum::Router::new().route("/users/{id}", axum::routing::get(user)).with_state(app)).await;
}
RS
    ;;
    kit) cat <<'RS'
struct App { pool: otel_kit::db::InstrumentedPool<sqlx::Sqlite>, client: reqwest_middleware::ClientWithMiddleware }

#[tokio::main]
async fn main() {
    let _telemetry = otel_kit::init!().expect("telemetry");
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(otel_kit::http::ClientMiddleware::new())
        .build();
    let app = std::sync::Arc::new(App { pool: otel_kit::db::instrument(sqlite().await), client });
    serve(axum::Router::new().route("/users/{id}", axum::routing::get(user))
        .layer(otel_kit::http::ServerLayer::new()).with_state(app)).await;
}
RS
    ;;
    kit-minimal) cat <<'RS'
struct App { pool: sqlx::SqlitePool, client: reqwest::Client }

#[tokio::main]
async fn main() {
    let _telemetry = otel_kit::init!().expect("telemetry");
    let app = std::sync::Arc::new(App { pool: sqlite().await, client: reqwest::Client::new() });
    serve(axum::Router::new().route("/users/{id}", axum::routing::get(user))
        .layer(otel_kit::http::ServerLayer::new()).with_state(app)).await;
}
RS
    ;;
    axum-tracing-opentelemetry) cat <<'RS'
struct App { pool: sqlx::SqlitePool, client: reqwest::Client }

#[tokio::main]
async fn main() {
    use axum_tracing_opentelemetry::middleware::{OtelAxumLayer, OtelInResponseLayer};
    let _guard = init_tracing_opentelemetry::TracingConfig::production().init_subscriber().expect("telemetry");
    let app = std::sync::Arc::new(App { pool: sqlite().await, client: reqwest::Client::new() });
    serve(axum::Router::new().route("/users/{id}", axum::routing::get(user))
        .layer(OtelInResponseLayer).layer(OtelAxumLayer::default()).with_state(app)).await;
}
RS
    ;;
    tower-otel) sdk_setup; cat <<'RS'
type Client = tower_otel::trace::Http<tower_otel::metrics::Http<reqwest::Client>>;
struct App { pool: sqlx::SqlitePool, client: Client }

#[tokio::main]
async fn main() {
    let _provider = init();
    let meter = opentelemetry::global::meter("service");
    let client = tower::ServiceBuilder::new()
        .layer(tower_otel::trace::HttpLayer::client(tracing::Level::INFO))
        .layer(tower_otel::metrics::HttpLayer::client(&meter))
        .service(reqwest::Client::new());
    let app = std::sync::Arc::new(App { pool: sqlite().await, client });
    serve(axum::Router::new().route("/users/{id}", axum::routing::get(user))
        .layer(tower_otel::metrics::HttpLayer::server(&meter))
        .layer(tower_otel::trace::HttpLayer::server(tracing::Level::INFO)).with_state(app)).await;
}
RS
    ;;
    opentelemetry-instrumentation-tower) sdk_setup; cat <<'RS'
struct App { pool: sqlx::SqlitePool, client: reqwest::Client }

#[tokio::main]
async fn main() {
    let _provider = init();
    let app = std::sync::Arc::new(App { pool: sqlite().await, client: reqwest::Client::new() });
    serve(axum::Router::new().route("/users/{id}", axum::routing::get(user))
        .layer(opentelemetry_instrumentation_tower::http::server::Layer::new()).with_state(app)).await;
}
RS
    ;;
    esac
}

generate() {
    local dir=$SCRATCH/$1
    rm -rf "$dir" && mkdir -p "$dir/src"
    { printf '[package]\nname = "svc"\nversion = "0.1.0"\nedition = "2024"\n\n[workspace]\n\n[dependencies]\n'; deps "$1"; } > "$dir/Cargo.toml"
    main_rs "$1" > "$dir/src/main.rs"
    cp "$KIT/Cargo.lock" "$dir/Cargo.lock"
    # Resolve and download now, so that the timed build only compiles.
    cargo fetch -q --manifest-path "$dir/Cargo.toml"
}

# One cold build; prints "wall cpu crates".
cold_build() {
    local dir=$SCRATCH/$1 target=$SCRATCH/target-$1
    rm -rf "$target"
    local cmd=(/usr/bin/time -f '%e %U %S' -o "$dir/time.txt"
        cargo build --release --manifest-path "$dir/Cargo.toml" --target-dir "$target")
    if [ -n "$LOCK" ]; then flock "$LOCK" "${cmd[@]}" 2> "$dir/build.log"; else "${cmd[@]}" 2> "$dir/build.log"; fi
    cp "$target/release/svc" "$dir/svc"
    rm -rf "$target"
    local crates; crates=$(grep -c '^ *Compiling ' "$dir/build.log")
    awk -v c="$crates" '{ printf "%s %.1f %s\n", $1, $2 + $3, c }' "$dir/time.txt"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

mkdir -p "$SCRATCH"
if [ "${CHECK:-}" = 1 ]; then
    # Generate and type-check only, in one shared target directory (no timing).
    for v in "${VARIANTS[@]}"; do
        generate "$v"
        cargo check -q --manifest-path "$SCRATCH/$v/Cargo.toml" --target-dir "$SCRATCH/target-check"
        echo "$v: ok"
    done
    exit 0
fi
printf 'variant\twall_s\tcpu_s\tcompiled\ttree_crates\tbinary_bytes\tstripped_bytes\n' | tee "$SCRATCH/results.tsv"
for v in "${VARIANTS[@]}"; do
    generate "$v"
    walls=() cpus=()
    for _ in $(seq "$RUNS"); do
        read -r wall cpu crates < <(cold_build "$v")
        walls+=("$wall") cpus+=("$cpu")
    done
    # Crates in the normal dependency graph, the service itself excluded.
    tree=$(cargo tree -q -e normal --prefix none --manifest-path "$SCRATCH/$v/Cargo.toml" |
        sed 's/ (\*)//' | sort -u | grep -vc '^svc v')
    size=$(stat -c %s "$SCRATCH/$v/svc")
    strip -o "$SCRATCH/$v/svc.stripped" "$SCRATCH/$v/svc"
    stripped=$(stat -c %s "$SCRATCH/$v/svc.stripped")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$(printf '%s\n' "${walls[@]}" | median)" \
        "$(printf '%s\n' "${cpus[@]}" | median)" "$crates" "$tree" "$size" "$stripped" | tee -a "$SCRATCH/results.tsv"
done

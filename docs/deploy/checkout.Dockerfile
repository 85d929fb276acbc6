# Image for the checkout example, used by kubernetes/checkout.yaml.
# Build from the workspace root (the context must contain Cargo.lock and all crates):
#   docker build -f docs/deploy/checkout.Dockerfile -t otel-kit/checkout:0.1.0 .

FROM rust:1.95-slim-trixie AS build
WORKDIR /src
COPY . .
# --locked: the image builds exactly what CI tested. protoc comes from the
# protoc-bin-vendored build dependency, so no system protobuf is needed.
RUN cargo build --release --locked -p checkout \
 && install -D target/release/checkout /out/checkout

FROM debian:trixie-slim
# CA roots for HTTPS to OPENAI_BASE_URL; nothing else is needed (rustls, bundled SQLite).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/checkout /usr/local/bin/checkout
# Matches runAsUser in kubernetes/checkout.yaml; the root filesystem is read-only
# there, SQLite lives on the /data emptyDir.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/checkout"]
CMD ["serve", "--listen", "0.0.0.0:8080"]

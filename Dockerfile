# syntax=docker/dockerfile:1
#
# One image for every tutorscore process; compose.yaml picks the command:
#   tutorscore          the api (default command): GraphQL, GraphiQL, health, metrics, dashboard
#   tutorscore-worker   the worker loop (service mode)
#   migration up        schema migrations (one-shot)
#   tutorscore-demo-data  demo data into an empty database (one-shot, used by compose)
#
# Build: docker build -t tutorscore:local .
# See docs/operations.md for how the processes fit together.

ARG RUST_VERSION=1.95
ARG NODE_VERSION=20
# Builder and runtime must share the Debian release: the binaries link the builder's glibc.
ARG DEBIAN_RELEASE=bookworm

# ---------------------------------------------------------------------------------------------
# Rust: dependency caching with cargo-chef.
#
# Why cargo-chef: the workspace has four crates, each with its own manifest, binaries and
# declared test targets (`[[test]] path = ...`), so "copy the manifests and build a dummy
# workspace" would need a stub file for every target and breaks whenever one is added.
# `cargo chef prepare` reduces the workspace to a recipe (manifests + Cargo.lock, with the
# crates' own code stripped out); `cargo chef cook` rebuilds that skeleton and compiles only the
# dependencies. The cook layer depends on nothing but the recipe, so it stays cached until a
# manifest or Cargo.lock changes: editing our own code recompiles only our four crates.
# (Unlike BuildKit cache mounts, this is ordinary layer caching, so it also works with a
# remote/registry build cache in CI.)
# ---------------------------------------------------------------------------------------------
FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS chef
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /src

FROM chef AS planner
COPY Cargo.toml Cargo.lock ./
COPY api api
COPY entity entity
COPY migration migration
COPY worker worker
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS rust-builder
COPY --from=planner /src/recipe.json recipe.json
# Dependencies only (the whole workspace: the same feature set as the build below).
RUN cargo chef cook --release --locked --recipe-path recipe.json
# Our crates. Only the Rust sources are copied, so a dashboard change does not rebuild them.
COPY Cargo.toml Cargo.lock ./
COPY api api
COPY entity entity
COPY migration migration
COPY worker worker
# The release profile keeps line tables (file:line in backtraces); compressing the debug
# sections (objcopy, from binutils) shrinks the binaries about threefold and keeps them usable.
RUN cargo build --release --locked -p api -p worker -p migration \
    && mkdir -p /out \
    && cp target/release/tutorscore target/release/tutorscore-worker target/release/migration /out/ \
    && objcopy --compress-debug-sections=zlib /out/tutorscore \
    && objcopy --compress-debug-sections=zlib /out/tutorscore-worker \
    && objcopy --compress-debug-sections=zlib /out/migration

# ---------------------------------------------------------------------------------------------
# Dashboard: React + Vite build into frontend/dist.
# ---------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS dashboard
WORKDIR /src/frontend
# Installing from the lockfile first keeps `npm ci` cached while only sources change.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
# The schema sits where it does in the repository (../schema.graphql), for code generation.
COPY schema.graphql /src/schema.graphql
COPY frontend/ ./
RUN npm run build

# ---------------------------------------------------------------------------------------------
# Runtime: Debian slim, non-root, the three binaries and the built dashboard.
# ---------------------------------------------------------------------------------------------
FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# ca-certificates: TLS to managed Postgres/Redis/SMTP (rustls reads the system roots).
# curl: the container healthcheck (GET /readyz): the binaries have no probe subcommand.
# Versions are not pinned (DL3008): the release's current security updates are what we want.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 tutorscore \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin tutorscore

WORKDIR /app
COPY --from=rust-builder /out/ /usr/local/bin/
COPY deploy/demo-data.sh /usr/local/bin/tutorscore-demo-data
COPY --from=dashboard /src/frontend/dist /app/frontend/dist
# data/: the embedded default (SQLite file, email outbox) when the image runs on its own.
RUN chmod 0755 /usr/local/bin/tutorscore-demo-data \
    && mkdir -p /app/data \
    && chown 10001:10001 /app/data

# DASHBOARD_DIR: where the dashboard was copied above (also the default relative to /app).
# LISTEN_ADDR: reachable from outside the container. The api refuses a non-loopback address
# without API_KEYS, so an image started without keys fails loudly instead of serving nobody.
ENV DASHBOARD_DIR=/app/frontend/dist \
    LISTEN_ADDR=0.0.0.0:8080

USER 10001:10001
EXPOSE 8080
# The binaries handle SIGTERM themselves (api: close WebSockets with 1001, finish requests;
# worker: finish the current step), so they run directly as PID 1 without a shell.
CMD ["tutorscore"]

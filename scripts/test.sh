#!/usr/bin/env bash
# Runs every test: first sets up what a fresh machine lacks (scripts/setup-test.sh: one line
# per piece), then the Rust suite once on SQLite and once on Postgres (each test makes its own
# database and drops it), the dashboard's checks, the deployment files and the fuzz targets.
# A backend that cannot be reached fails the run; nothing is skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> Set-up: the tools the tests need"
./scripts/setup-test.sh
./scripts/check-setup.sh >/dev/null || ./scripts/check-setup.sh

export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"
ran=()

echo "==> Rust tests on SQLite (the service_mode tests need Postgres + Redis: they run in the Postgres pass)"
TUTORSCORE_TEST_BACKEND=sqlite cargo nextest run --workspace --no-fail-fast -E 'not test(/service_mode/)'
ran+=("sqlite")

echo "==> Rust tests on Postgres ($TEST_POSTGRES_URL)"
if ! psql "$TEST_POSTGRES_URL" -Atc 'SELECT 1' </dev/null >/dev/null 2>&1; then
  echo "ERROR: Postgres is not reachable at $TEST_POSTGRES_URL; the Postgres suite cannot run." >&2
  exit 1
fi
# Databases left behind by an interrupted earlier run.
psql "$TEST_POSTGRES_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'tutorscore_test_%'" </dev/null |
  while read -r stale; do psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $stale WITH (FORCE)" </dev/null; done
if ! redis-cli -u "$TEST_REDIS_URL" ping >/dev/null 2>&1; then
  echo "ERROR: Redis is not reachable at $TEST_REDIS_URL; the service-mode tests cannot run." >&2
  exit 1
fi
TUTORSCORE_TEST_BACKEND=postgres cargo nextest run --workspace --no-fail-fast
ran+=("postgres+redis")

if [ -f frontend/package.json ]; then
  echo "==> Dashboard: type check, lint, unit tests, build, browser tests against the real server"
  export TUTORSCORE_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/tutorscore"
  (cd frontend && npm run check)
  ran+=("dashboard")
fi

echo "==> Deployment files: compose.yaml, Dockerfile and deploy/ (validated without a container engine)"
./scripts/check-compose.sh
ran+=("deployment-files")

echo "==> Fuzz targets: request parsing and input validation, ${FUZZ_SECONDS:-30} s each"
./scripts/fuzz.sh
ran+=("fuzz")

echo "==> All tests passed. Backends and suites run: ${ran[*]}"

#!/usr/bin/env bash
# Builds and starts tutorscore on the embedded default: SQLite under ./data, the worker
# in-process, email to ./data/outbox, demo data on first start. Prints its address.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f frontend/package.json ]; then
  (cd frontend && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build)
fi
exec cargo run --release -p api --bin tutorscore -- "$@"

#!/usr/bin/env bash
# Sets up what `make test` needs that a fresh machine may lack, idempotently and fast when
# everything is there. One line per piece, before any test runs:
#
#   ok       <piece> <version>              present
#   install  <piece>: <how>                 missing, being installed now
#   MISSING  <piece>: <what to do>          missing and not installable here (the run fails)
#
# Pieces: the Rust toolchain (cargo, rustfmt, clippy), cargo-nextest and cargo-fuzz (cargo
# install), Node.js 20 with npm and the dashboard's npm packages (npm ci when the lock file
# changed), Debian's Chromium for the browser tests (apt-get, as root or with sudo), and the
# psql and redis-cli clients the test runner uses to reach the databases. The email tests need
# nothing: their SMTP server runs inside the test process.
#
# Usage: scripts/setup-test.sh [--check]
#   --check   report only; install nothing (exit 1 when a piece is missing)
# CHROMIUM_BIN names the browser (default /usr/bin/chromium), as for the browser tests.
set -uo pipefail
cd "$(dirname "$0")/.."

check_only=false
[ "${1:-}" = "--check" ] && check_only=true
missing=0
chromium_bin="${CHROMIUM_BIN:-/usr/bin/chromium}"

ok() { printf 'ok       %-14s %s\n' "$1" "$2"; }
installing() { printf 'install  %s: %s\n' "$1" "$2"; }
missing() { printf 'MISSING  %s: %s\n' "$1" "$2"; missing=$((missing + 1)); }
version_of() { "$@" 2>/dev/null | head -n 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi
}
can_apt() { command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; }

# Installs a cargo subcommand when missing (or reports it).
cargo_tool() { # cargo_tool BINARY CRATE
  if command -v "$1" >/dev/null 2>&1; then
    ok "$2" "$(version_of "$1" "${1#cargo-}" --version)"
  elif $check_only || ! command -v cargo >/dev/null 2>&1; then
    missing "$2" "run: cargo install $2 --locked"
  else
    installing "$2" "cargo install $2 --locked (a few minutes, once)"
    if cargo install "$2" --locked --quiet; then ok "$2" "$(version_of "$1" "${1#cargo-}" --version)"
    else missing "$2" "cargo install $2 --locked failed (see above)"; fi
  fi
}

# The Rust toolchain itself is not ours to install: rustup is the way.
if command -v cargo >/dev/null 2>&1; then
  ok "rust" "$(version_of cargo --version)"
  for component in rustfmt clippy; do
    command -v "cargo-${component/rustfmt/fmt}" >/dev/null 2>&1 \
      || missing "$component" "run: rustup component add $component"
  done
else
  missing "rust" "install Rust 1.94 or newer with rustup (https://rustup.rs)"
fi
cargo_tool cargo-nextest cargo-nextest
cargo_tool cargo-fuzz cargo-fuzz

# Node.js and the dashboard's packages.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$node_major" -ge 20 ]; then ok "node" "$(node --version), npm $(npm --version)"
  else missing "node" "Node.js 20 or newer is needed (found $(node --version))"; fi
  lock=frontend/package-lock.json
  installed=frontend/node_modules/.package-lock.json
  if [ -f "$installed" ] && [ ! "$lock" -nt "$installed" ]; then
    ok "npm packages" "frontend/node_modules matches package-lock.json"
  elif $check_only; then
    missing "npm packages" "run: (cd frontend && npm ci)"
  else
    installing "npm packages" "npm ci in frontend/"
    if (cd frontend && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
      ok "npm packages" "installed from package-lock.json"
    else
      missing "npm packages" "npm ci failed in frontend/ (see above)"
    fi
  fi
else
  missing "node" "install Node.js 20 with npm (the dashboard's checks and browser tests need it)"
fi

# Chromium for the browser tests (`npx playwright install` cannot download here).
if [ -x "$chromium_bin" ]; then
  ok "chromium" "$(version_of "$chromium_bin" --version)"
elif ! $check_only && [ "$chromium_bin" = /usr/bin/chromium ] && can_apt; then
  installing "chromium" "apt-get install chromium (Debian's package)"
  if as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
    ok "chromium" "$(version_of "$chromium_bin" --version)"
  else
    missing "chromium" "apt-get install chromium failed (see above)"
  fi
else
  missing "chromium" "install Debian's chromium (apt-get install chromium) or set CHROMIUM_BIN to a Chromium binary"
fi

# The clients the test runner talks to the databases with.
for client in psql redis-cli; do
  if command -v "$client" >/dev/null 2>&1; then
    ok "$client" "$(version_of "$client" --version)"
  else
    package=$([ "$client" = psql ] && echo postgresql-client || echo redis-tools)
    missing "$client" "install Debian's $package (Postgres and Redis themselves must run: see the README)"
  fi
done

if [ "$missing" -gt 0 ]; then
  echo "ERROR: $missing piece(s) missing; nothing was tested. Install them as said above and run make test again." >&2
  exit 1
fi
exit 0

#!/usr/bin/env bash
# Proves that the test command's set-up (scripts/setup-test.sh) reports every missing piece in
# one clear line before any test runs: it runs the set-up in --check mode in a clean
# environment where cargo-nextest, cargo-fuzz and Chromium are absent (a PATH holding only
# the toolchain, Node and the system folders; CHROMIUM_BIN pointing nowhere) and checks what
# it printed and that it failed.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
for tool in cargo rustc rustup cargo-fmt cargo-clippy node npm psql redis-cli; do
  if path=$(command -v "$tool"); then ln -s "$path" "$bin/$tool"; fi
done

status=0
output=$(env -i HOME="$HOME" PATH="$bin:/usr/bin:/bin" CHROMIUM_BIN=/nonexistent/chromium \
  ${RUSTUP_HOME:+RUSTUP_HOME="$RUSTUP_HOME"} ${CARGO_HOME:+CARGO_HOME="$CARGO_HOME"} \
  scripts/setup-test.sh --check 2>&1) || status=$?
echo "$output" | sed 's/^/  | /'

failures=0
expect() { # expect PATTERN WHAT
  if grep -qE "$1" <<<"$output"; then echo "ok    $2"; else echo "FAIL  $2"; failures=$((failures + 1)); fi
}
expect '^MISSING  cargo-nextest: run: cargo install cargo-nextest --locked$' "a missing cargo-nextest is one line saying how to install it"
expect '^MISSING  cargo-fuzz: run: cargo install cargo-fuzz --locked$' "a missing cargo-fuzz is one line saying how to install it"
expect '^MISSING  chromium: .*apt-get install chromium' "a missing Chromium is one line saying how to install it"
expect '^ok       rust ' "the toolchain that is there is reported as present"
expect '^ERROR: 3 piece\(s\) missing; nothing was tested' "the run stops with the count of missing pieces"
if [ "$(grep -c '^MISSING' <<<"$output")" = 3 ]; then echo "ok    nothing present is reported missing"
else echo "FAIL  nothing present is reported missing"; failures=$((failures + 1)); fi
if [ "$status" -ne 0 ]; then echo "ok    it exits non-zero"; else echo "FAIL  it exits non-zero"; failures=$((failures + 1)); fi
[ "$failures" -eq 0 ] || { echo "ERROR: the set-up check failed $failures time(s)" >&2; exit 1; }

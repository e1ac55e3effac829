#!/usr/bin/env bash
# Runs every fuzz target for a bounded time: FUZZ_SECONDS each (default 30). Long runs and
# replaying a crash: fuzz/README.md.
#
# cargo-fuzz passes compiler flags that need a nightly toolchain; RUSTC_BOOTSTRAP=1 lets the
# stable one accept them. No sanitizer: the code under test is safe Rust, and what we look for
# is panics (unwraps, slicing, overflow with debug assertions on), which libFuzzer catches.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

if ! command -v cargo-fuzz >/dev/null; then
  echo "ERROR: cargo-fuzz is missing; install it with: cargo install cargo-fuzz --locked" >&2
  exit 1
fi
export RUSTC_BOOTSTRAP=1
seconds="${FUZZ_SECONDS:-30}"
# Builds go next to the workspace's (CI keeps CARGO_TARGET_DIR between runs).
target_dir="${CARGO_TARGET_DIR:-$PWD/../target}/fuzz"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for target in $(cargo fuzz list); do
  echo "--> $target for ${seconds} s"
  status=0
  # A target with a dictionary (fuzz/<target>.dict, or graphql.dict for the request target)
  # gets it: the tokens let libFuzzer build deeply nested input quickly.
  dict=()
  case "$target" in
    graphql_request) dict=(-dict=graphql.dict) ;;
  esac
  cargo fuzz run --sanitizer none --target-dir "$target_dir" "$target" -- -max_total_time="$seconds" -print_final_stats=1 \
    "${dict[@]}" >"$log" 2>&1 || status=$?
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log" >&2
    echo "ERROR: fuzz target $target failed (exit $status): a build error above, or a failing input saved in fuzz/artifacts/$target/" >&2
    exit 1
  fi
done

#!/usr/bin/env bash
# Where a session's CPU goes under load: runs the benchmark's ingest scenario in service mode
# (Postgres + Redis, one api, one worker) at one concurrency, samples the whole machine with
# `perf` in the middle of it, and prints
#   - CPU by process (postgres, tutorscore, tutorscore-worker, redis, the load generator),
#   - the hottest functions of each of our processes and of Postgres,
#   - with pg_stat_statements loaded, the statements by total time, with calls per stored
#     session (the session insert's calls are the sessions stored in the window).
#
# Usage: scripts/profile-ingest.sh [CONCURRENCY] [SECONDS]   (defaults 32 and 20)
# Needs: a release build (`cargo build --release -p api -p worker --bins --examples`), perf,
# and for the statements `shared_preload_libraries = 'pg_stat_statements'` in Postgres
# (docs/operations.md, "Profiling"). Writes into bench-results/profile-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."

concurrency="${1:-32}"
window="${2:-20}"
target="${CARGO_TARGET_DIR:-target}"
bench="$target/release/examples/bench"
psql_url="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
out="bench-results/profile-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

[ -x "$bench" ] || { echo "no $bench: run cargo build --release -p api -p worker --bins --examples" >&2; exit 1; }
command -v perf >/dev/null || { echo "perf is not installed (Debian: linux-perf)" >&2; exit 1; }

statements=false
if psql "$psql_url" -Atqc "show shared_preload_libraries" | grep -q pg_stat_statements; then
  psql "$psql_url" -qc "create extension if not exists pg_stat_statements" >/dev/null
  statements=true
else
  echo "(pg_stat_statements is not loaded: statements are not profiled)" >&2
fi

# The load runs long enough to cover settling, the sampled window and a margin.
"$bench" --mode service --scale small --scenarios ingest --concurrency "$concurrency" \
  --duration $((window + 25)) >"$out/bench.txt" 2>"$out/bench.log" &
bench_pid=$!
trap 'kill $bench_pid 2>/dev/null || true' EXIT

until grep -q "==> ingest: recordSession at concurrency $concurrency" "$out/bench.log"; do
  kill -0 $bench_pid 2>/dev/null || { cat "$out/bench.log" >&2; exit 1; }
  sleep 1
done
# The bench waits for the machine to settle before the load; sample well inside it.
sleep 12
# perf filters by thread: note each process's threads while they run.
threads() { ls "/proc/$1/task" 2>/dev/null | paste -sd, -; }
threads "$(pgrep -f '/tutorscore( |$)' | head -1)" >"$out/api.tids" || true
threads "$(pgrep -f '/tutorscore-worker( |$)' | head -1)" >"$out/worker.tids" || true
$statements && psql "$psql_url" -qAtc "select pg_stat_statements_reset()" >/dev/null
perf record -a -F 499 -o "$out/perf.data" -- sleep "$window" 2>"$out/perf.log"
if $statements; then
  psql "$psql_url" -qAt -F $'\t' -c "
    select calls, round(total_exec_time::numeric, 1), round(mean_exec_time::numeric, 3),
           regexp_replace(left(query, 110), '\s+', ' ', 'g')
    from pg_stat_statements where query not like '%pg_stat_statements%'
    order by total_exec_time desc limit 30" >"$out/statements.tsv"
  psql "$psql_url" -qAt -F $'\t' -c "
    select sum(calls), round(sum(total_exec_time)::numeric, 1) from pg_stat_statements
    where query not like '%pg_stat_statements%'" >"$out/statements-total.tsv"
fi
wait $bench_pid || true
trap - EXIT

# Our processes by their threads (the runtime's threads share one name); the rest by name.
api_tids=$(cat "$out/api.tids" 2>/dev/null || true)
worker_tids=$(cat "$out/worker.tids" 2>/dev/null || true)
share() { # share PERF-REPORT-FILTER...: the percentage of all samples the filter keeps
  perf report -i "$out/perf.data" --stdio --sort comm "$@" 2>/dev/null \
    | awk '/^ +[0-9.]+%/ { sum += $1 } END { printf "%5.1f%%", sum }'
}
hottest() { # hottest TITLE PERF-REPORT-FILTER...
  echo
  echo "Hottest functions in $1 (share of all samples)"
  perf report -i "$out/perf.data" --stdio --sort dso,symbol "${@:2}" 2>/dev/null \
    | grep -E '^ +[0-9]' | head -20 | cut -c1-150 || true
}
echo "CPU by process, $window s at concurrency $concurrency (100% = all $(nproc) cores busy)"
[ -n "$api_tids" ] && echo "  api        $(share --tid "$api_tids")"
[ -n "$worker_tids" ] && echo "  worker     $(share --tid "$worker_tids")"
echo "  postgres   $(share --comm postgres)"
echo "  redis      $(share --comm redis-server)"
echo "  idle       $(share --comm swapper)"
echo "  (the rest: the load generator, whose threads share the runtime's name, and the kernel's)"
[ -n "$api_tids" ] && hottest "the api" --tid "$api_tids"
[ -n "$worker_tids" ] && hottest "the worker" --tid "$worker_tids"
hottest postgres --comm postgres
if $statements; then
  # A new session is one statement: the plain insert, or (since the one-statement ingest) the
  # data-modifying WITH that starts with it, in one shape with a reschedule and one without.
  stored=$(awk -F'\t' '$4 ~ /^(WITH "stored" AS \()?INSERT INTO "sessions"/ {n += $1} END {if (n) print n}' "$out/statements.tsv")
  echo
  echo "Statements by total time in the window (${stored:-?} sessions stored)"
  printf '%8s %8s %10s %9s  %s\n' calls per-sess total-ms mean-ms statement
  awk -F'\t' -v s="${stored:-0}" '{ printf "%8d %8s %10.1f %9.3f  %s\n", $1, (s > 0 ? sprintf("%.2f", $1 / s) : "-"), $2, $3, $4 }' \
    "$out/statements.tsv"
  awk -F'\t' -v s="${stored:-0}" '{ printf "%8d %8s %10.1f            all statements\n", $1, (s > 0 ? sprintf("%.2f", $1 / s) : "-"), $2 }' \
    "$out/statements-total.tsv"
fi
echo
grep -E "ingest: recordSession, concurrency $concurrency " "$out/bench.txt" | head -1 || true
echo "(raw: $out)"

# The two commands of the README's quick start, plus the pieces they are made of.
.PHONY: run test lint schema bench signal

# Build everything and run it on the embedded default (SQLite, in-process worker).
run:
	./scripts/run.sh

# Every test, on SQLite and on Postgres.
test:
	./scripts/test.sh

# What CI checks besides the tests.
lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# The benchmark harness, in release mode: it starts the system itself (embedded: SQLite;
# service: Postgres + Redis + worker processes), loads data with the real generator, measures
# and prints tables, and writes bench-results/<mode>-<scale>-<timestamp>.json. Examples:
#   make bench
#   make bench MODE=service SCALE=large
#   make bench MODE=service SCENARIOS=ingest,e2e DURATION=5 WORKERS=2
# 10,000 WebSockets need as many open files in the bench and in the api it spawns: the limit
# is raised to 65536 (or to the hard limit) for both.
MODE ?= embedded
SCALE ?= small
DURATION ?= 10
SCENARIOS ?= ingest,limit,e2e,fanout,reads,recompute
WORKERS ?= 1
BENCH_ARGS ?=
bench:
	cargo build --release -p api -p worker --bins --examples
	ulimit -n 65536 2>/dev/null || ulimit -n "$$(ulimit -Hn)"; \
	  "$${CARGO_TARGET_DIR:-target}/release/examples/bench" --mode $(MODE) --scale $(SCALE) \
	  --duration $(DURATION) --scenarios $(SCENARIOS) --workers $(WORKERS) $(BENCH_ARGS)

# The labelled evaluation of the scoring rules: tutors generated with known true rates and
# sample sizes, scored by the real rules (the first rule and the rules in force, SCORE_*
# variables included), operating characteristic and acceptance figures printed, charts and
# figures written to docs/. Seeded and deterministic. Examples:
#   make signal
#   make signal SIGNAL_ARGS="--tutors 200 --grid-only"
#   SCORE_RESCHEDULE_FLAG_PROBABILITY=50 make signal SIGNAL_ARGS=--no-files
SIGNAL_ARGS ?=
signal:
	cargo run --release -p worker --example signal -- $(SIGNAL_ARGS)

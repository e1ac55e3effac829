# The two commands of the README's quick start, plus the pieces they are made of.
.PHONY: run test lint schema

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

#!/usr/bin/env bash
# README command 2: the whole test suite.
#  1. unit, property, fuzz and integration tests (SQLite; PostgreSQL too when TEST_DATABASE_URL
#     is set)
#  2. the release build (optimised wasm) and Playwright in Debian's Chromium, with and without JS
#  3. the farmer's first view on a throttled phone (bytes within budget)
#  4. schemathesis against the API, and the crash test (SIGKILL during writes) on each engine
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo "note: TEST_DATABASE_URL is unset: the PostgreSQL half of the integration tests is SKIPPED."
  echo "      e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bash scripts/test.sh"
fi

# cargo-nextest runs each test in its own process with a time limit (.config/nextest.toml), so
# a test that hangs fails with its name instead of stalling the run; plain cargo test otherwise.
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked
  cargo test --workspace --locked --doc
else
  echo "note: cargo-nextest is not installed: running cargo test (no per-test time limit)."
  cargo test --workspace --locked
fi
cargo leptos build --release --precompress
(cd end2end && npx playwright test)

# Every main page of every role, first view on a throttled phone (slow 4G, CPU 4x, 360x740):
# <= 60 KB, FCP <= 1.5 s, no wasm.
E2E_PORT=3199 E2E_DB=target/e2e/first-view.db bash end2end/start-server.sh >target/e2e/first-view-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -sf http://127.0.0.1:3199/healthz >/dev/null && break; sleep 0.5; done
RUNS=3 node bench/first-view.mjs http://127.0.0.1:3199
kill $server 2>/dev/null || true

# Hostile requests to every API operation, then SIGKILL in the middle of writes.
bash scripts/schemathesis.sh
python3 bench/crash.py --engine sqlite
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  BENCH_PG_URL="$TEST_DATABASE_URL" python3 bench/crash.py --engine postgres
fi
echo "all tests passed"

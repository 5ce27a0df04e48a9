#!/usr/bin/env bash
# Starts the built server on a fresh SQLite file with the demo data, for Playwright.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/e2e
db=${E2E_DB:-target/e2e/tianlian-e2e.db}
rm -f "$db" "$db-wal" "$db-shm"
export DATABASE_URL="sqlite://$db"
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:-3100}"
# Many sign-ins from one address in a short run: lift the per-minute limit for tests only.
export TIANLIAN_LOGIN_ATTEMPTS_PER_MINUTE=1000
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
exec "${TIANLIAN_BIN:-target/release/tianlian}" serve --demo

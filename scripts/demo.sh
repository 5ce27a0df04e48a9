#!/usr/bin/env bash
# README command 1: install what is missing, build the release app, load the demo data into
# the embedded SQLite file (data/tianlian.db) and serve on http://127.0.0.1:3000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo leptos build --release --precompress
exec target/release/tianlian serve --demo

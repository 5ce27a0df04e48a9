#!/usr/bin/env bash
# Installs what a fresh machine lacks to build Tianlian (idempotent; fast when all is there).
#   bash scripts/setup.sh          # build tools: wasm target, cargo-leptos, wasm-bindgen, wasm-opt
#   bash scripts/setup.sh --test   # also Chromium (Debian) and the Playwright package (npm)
# Versions are pinned: see shared TOOLCHAIN notes in the README ("Building").
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10          # 0.3.11 needs rustc 1.96
BINARYEN_VERSION=123.0.0             # Debian's binaryen 108 produces broken wasm
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)

say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt-get install ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

if ! command -v cc >/dev/null || ! command -v make >/dev/null || ! command -v perl >/dev/null; then
  apt_install build-essential perl
fi

rustup target list --installed | grep -qx wasm32-unknown-unknown || { say "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "cargo install cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes on 2 cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Without --locked: its lockfile names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  if dpkg -s binaryen >/dev/null 2>&1; then
    say "removing Debian's binaryen (its wasm-opt breaks hydration)"
    as_root apt-get remove -y -qq binaryen >/dev/null
  fi
  say "npm install -g binaryen@$BINARYEN_VERSION"
  as_root npm install -g --silent "binaryen@$BINARYEN_VERSION"
fi

if [ "${1:-}" = "--test" ]; then
  # A CJK font so that screenshots (test artefacts) show Chinese, not empty boxes.
  apt_install chromium fonts-wqy-microhei curl
  # schemathesis lives in a virtualenv (target/py); the crash test creates databases with psql.
  python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
  if [ -n "${TEST_DATABASE_URL:-}" ] && ! command -v psql >/dev/null; then apt_install postgresql-client; fi
  if [ ! -d end2end/node_modules/@playwright/test ]; then
    say "npm ci (end2end)"
    (cd end2end && npm ci --silent --no-audit --no-fund)
  fi
fi
say "toolchain ready"

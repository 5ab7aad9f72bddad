#!/usr/bin/env bash
# Runs every check and test, in order, and ends with one summary line. Exits non-zero if any
# step failed. Steps after a failure still run, so one report shows everything that is wrong.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_INCREMENTAL=0
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PATH="$HOME/.cargo/bin:$PATH"

passed=0; failed=0; failures=(); notes=()
step() {
  local name="$1"; shift
  printf '\n\033[1;34m==> %s\033[0m\n' "$name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); printf '\033[32m--- ok: %s (%ss)\033[0m\n' "$name" $((SECONDS - t0))
  else
    failed=$((failed + 1)); failures+=("$name"); printf '\033[31m--- FAILED: %s (%ss)\033[0m\n' "$name" $((SECONDS - t0))
  fi
}

scripts/bootstrap.sh test || { echo "bootstrap failed"; echo "summary: 0 passed, 1 failed"; exit 1; }

# PostgreSQL: start the local cluster if it is installed but stopped, and hand its URL to the
# tests. When there is none, say so in the summary rather than skip quietly.
pg_note() {
  if [ -z "${ONESTOP_TEST_PG:-}" ]; then
    if command -v pg_lsclusters >/dev/null; then
      pg_lsclusters --no-header 2>/dev/null | while read -r ver name _port status _; do
        [ "$status" = online ] || pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || true
      done
      if command -v psql >/dev/null && psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname='test'" | grep -q 1 \
          || psql -h 127.0.0.1 -U postgres -d postgres -c 'create database test' >/dev/null
        export ONESTOP_TEST_PG="postgres://postgres@127.0.0.1:5432/test"
      fi
    fi
  elif command -v pg_lsclusters >/dev/null; then
    pg_lsclusters --no-header 2>/dev/null | while read -r ver name _port status _; do
      [ "$status" = online ] || pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || true
    done
  fi
}
pg_note
if [ -n "${ONESTOP_TEST_PG:-}" ]; then
  notes+=("PostgreSQL tests ran against ${ONESTOP_TEST_PG}")
else
  notes+=("PostgreSQL NOT available: the PostgreSQL store tests did not run")
fi

# The voucher tests print through a real CUPS queue (cups-pdf); start cupsd and the queue if needed.
if [ -x scripts/cups.sh ]; then
  scripts/cups.sh || notes+=("CUPS could not be started: the printing tests will fail")
fi

step "ui build" scripts/build-ui.sh
step "cargo fmt --check" cargo fmt --all --check
step "cargo clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo build (binaries)" cargo build --workspace --bins --locked
step "workspace tests" cargo nextest run --workspace --locked --no-fail-fast -E 'not package(onestop-e2e)'
step "ui eslint" npm --prefix ui run lint
step "ui vue-tsc" npm --prefix ui run typecheck
step "ui vitest" npm --prefix ui run test
step "end-to-end (xvfb)" xvfb-run -a -s "-screen 0 1366x768x24" \
  cargo nextest run --workspace --locked --no-fail-fast --test-threads 1 -E 'package(onestop-e2e)'

echo
for n in "${notes[@]}"; do echo "note: $n"; done
[ $failed -gt 0 ] && echo "failed steps: ${failures[*]}"
echo "summary: $passed passed, $failed failed"
[ $failed -eq 0 ]

#!/usr/bin/env bash
# Fuzzes the server's API against its own OpenAPI document (/openapi.json) with schemathesis:
# a throwaway onestop-server on SQLite with the demo catalogue, first unauthenticated, then as
# the county's administrator. Fails on any 5xx and on any answer that contradicts the document
# (status code, content type, body schema). Not part of `make test`: it is randomised and needs
# schemathesis from PyPI. See docs/benchmarks.md ("onestop-server (load)" → schemathesis).
#
#   python3 -m venv /work/venv-st && /work/venv-st/bin/pip install schemathesis
#   ST=/work/venv-st/bin/st scripts/schemathesis.sh          # ST defaults to `st` on PATH
#   ST_EXAMPLES=200 ST_SEED=7 scripts/schemathesis.sh         # more cases, another seed
set -euo pipefail
cd "$(dirname "$0")/.."
ST="${ST:-st}"
PORT="${ST_PORT:-8498}"
EXAMPLES="${ST_EXAMPLES:-30}"
SEED="${ST_SEED:-1}"
BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/onestop-server"
BASE="http://127.0.0.1:$PORT"

command -v "$ST" >/dev/null || { echo "schemathesis ($ST) not found; see the header of $0" >&2; exit 2; }
cargo build -q -p onestop-server

DATA="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$DATA"
}
trap cleanup EXIT

# Cheap password hashes: the fuzzer logs in many times; nothing here is kept.
export ONESTOP_DATABASE="$DATA/server.db" ONESTOP_UPLOAD_DIR="$DATA/uploads" \
  ONESTOP_PASSWORD_MEMORY_KIB=256 ONESTOP_PASSWORD_ITERATIONS=1 ONESTOP_LOG=warn
"$BIN" import-catalogue assets/catalogue/demo.json >/dev/null
ONESTOP_ADMIN_PASSWORD=st-admin-pass "$BIN" create-admin --username admin --county 990101 >/dev/null
"$BIN" --listen "127.0.0.1:$PORT" serve >"$DATA/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

TOKEN="$(curl -fsS -H 'content-type: application/json' \
  -d '{"username":"admin","password":"st-admin-pass"}' "$BASE/v1/auth/login" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"

# not_a_server_error, status_code_conformance, content_type_conformance,
# response_headers_conformance and response_schema_conformance: what the owner's run checks.
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
# The tus chunk upload (PATCH /v1/uploads/{id}, operation id `patch`) is left out: its body is
# `application/offset+octet-stream`, which schemathesis cannot generate; tests/uploads_api.rs
# covers it.
common=(--checks "${ST_CHECKS:-$CHECKS}" --max-examples "$EXAMPLES" --seed "$SEED" --workers 2
        --phases "${ST_PHASES:-examples,coverage,fuzzing}" --suppress-health-check all
        --warnings off --exclude-operation-id patch)

status=0
echo "== schemathesis, unauthenticated"
# From the scratch folder: st keeps its `.schemathesis/` cache in the working directory.
(cd "$DATA" && "$ST" run "$BASE/openapi.json" "${common[@]}") || status=1
echo "== schemathesis, as the administrator (logout excluded, so the token stays valid)"
(cd "$DATA" && "$ST" run "$BASE/openapi.json" "${common[@]}" \
  -H "Authorization: Bearer $TOKEN" --exclude-path /v1/auth/logout) || status=1
if grep -q '"level":"ERROR"' "$DATA/server.log"; then
  echo "the server logged errors:" >&2
  grep '"level":"ERROR"' "$DATA/server.log" | head -20 >&2
  status=1
fi
exit "$status"

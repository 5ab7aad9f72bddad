#!/usr/bin/env bash
# Runs the product: onestop-server on its SQLite file with the demo catalogue, and the desktop app
# connected to it. Ctrl-C stops both. Data stays in ./onestop-data between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${ONESTOP_DEMO_DATA:-$PWD/onestop-data}"
PORT="${ONESTOP_DEMO_PORT:-8480}"
BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug"
mkdir -p "$DATA"

server_pid=""
app_pid=""
stop() {
  trap - INT TERM EXIT
  [ -n "$app_pid" ] && kill -TERM "$app_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "已停止：服务器和客户端均已退出。"
}
trap stop INT TERM EXIT

"$BIN/onestop-server" --database "$DATA/server.db" import-catalogue assets/catalogue/demo.json
# The demo county's administrator (kept on later runs: "already exists" is fine).
ADMIN_PASSWORD="${ONESTOP_DEMO_ADMIN_PASSWORD:-demo-admin-2026}"
ONESTOP_ADMIN_PASSWORD="$ADMIN_PASSWORD" "$BIN/onestop-server" --database "$DATA/server.db" \
  create-admin --username admin --county 990101 >/dev/null 2>&1 || true
"$BIN/onestop-server" --database "$DATA/server.db" --listen "127.0.0.1:$PORT" serve \
  >>"$DATA/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "服务器未能启动，见 $DATA/server.log" >&2; exit 1; }
  sleep 0.1
done
echo "服务器已启动：http://127.0.0.1:$PORT （日志 $DATA/server.log，API 文档 /openapi.json）"

# First run: issue a one-time enrolment code for a demo window and a clerk account for it, through
# the server's own admin API, and keep them so later runs show the same ones.
ACCOUNTS="$DATA/demo-accounts.txt"
if [ ! -f "$ACCOUNTS" ]; then
  python3 - "http://127.0.0.1:$PORT" "$ADMIN_PASSWORD" >"$ACCOUNTS.tmp" <<'PY'
import json, sys, urllib.request
base, password = sys.argv[1], sys.argv[2]
def call(path, body, token=None):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.load(r)
token = call("/v1/auth/login", {"username": "admin", "password": password})["token"]
code = call("/v1/admin/enrolment-codes", {"county_code": "990101", "level": "county",
            "window_name": "示范县政务服务中心 综合受理 1 号窗口", "parent_window_id": None}, token)
call("/v1/admin/users", {"username": "clerk", "display_name": "演示经办人", "password": "demo-clerk-2026",
     "role": {"role": "window_clerk"}, "county_code": "990101", "department": None,
     "window_id": code["window_id"]}, token)
print("服务器地址：" + base)
print("本机登记码：" + code["code"] + "（一次性，" + code["expires_at"] + " 前有效）")
print("经办人账号：clerk    密码：demo-clerk-2026")
print("管理员账号：admin    密码：" + password)
PY
  mv "$ACCOUNTS.tmp" "$ACCOUNTS"
fi
echo "—— 演示账号（亦见 $ACCOUNTS）——"
cat "$ACCOUNTS"

export ONESTOP_SERVER_URL="http://127.0.0.1:$PORT"
export ONESTOP_DATA_DIR="$DATA/desk"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  "$BIN/onestop-app" &
else
  echo "没有图形显示（DISPLAY 未设置）：客户端在 Xvfb 虚拟屏幕中运行。"
  xvfb-run -a -s "-screen 0 1366x768x24" "$BIN/onestop-app" &
fi
app_pid=$!
echo "客户端已启动。按 Ctrl-C 停止。"
# Whichever exits first (the clerk closes the window, or the server dies) ends the demo.
wait -n "$app_pid" "$server_pid" || true

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
"$BIN/onestop-server" --database "$DATA/server.db" --listen "127.0.0.1:$PORT" serve \
  >>"$DATA/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "服务器未能启动，见 $DATA/server.log" >&2; exit 1; }
  sleep 0.1
done
echo "服务器已启动：http://127.0.0.1:$PORT （日志 $DATA/server.log，API 文档 /openapi.json）"

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

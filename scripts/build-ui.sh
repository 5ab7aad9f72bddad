#!/usr/bin/env bash
# Builds ui/dist unless it is newer than every UI source. Tauri embeds ui/dist at compile time,
# so this must run before any cargo build of src-tauri.
set -euo pipefail
cd "$(dirname "$0")/../ui"
stamp=dist/index.html
if [ -f "$stamp" ] && [ -z "$(find src index.html package.json package-lock.json vite.config.* -newer "$stamp" 2>/dev/null | head -1)" ]; then
  echo "ui/dist is current"
  exit 0
fi
npm run build

#!/usr/bin/env bash
# Installs what Onestop needs on Debian 12 (also UOS/Kylin), skipping whatever is already there.
# Usage: scripts/bootstrap.sh [demo|test]   (test adds the test-only tools)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# The apt list measured in ARCHITECTURE.md §9, split by what needs it.
APT_BUILD=(build-essential pkg-config curl wget file ca-certificates libwebkit2gtk-4.1-dev
  libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev fonts-dejavu-core fonts-noto-cjk)
APT_RUN=(python3 xvfb xauth fonts-wqy-microhei fonts-hanazono cups cups-bsd printer-driver-cups-pdf)
APT_TEST=(webkit2gtk-driver poppler-utils zbar-tools postgresql fontconfig)

pkgs=("${APT_BUILD[@]}" "${APT_RUN[@]}")
[ "$mode" = test ] && pkgs+=("${APT_TEST[@]}")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
    --no-install-recommends "${missing[@]}"
else
  say "apt: all ${#pkgs[@]} packages present"
fi

# Rust comes from rustup (Debian's cargo is too old for Tauri 2); we check rather than guess.
if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust 1.85 or newer with rustup, then run this again." >&2
  exit 1
fi
# Node 20.19+ for Vite; Debian 12's nodejs is 18, so we ask rather than install the wrong one.
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)'; then
  echo "Node.js 20.19 or newer is required (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

# npm ci only when the lockfile changed since the last install.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  say "npm ci (ui/)"
  (cd ui && npm ci --no-audit --no-fund)
else
  say "npm: ui/node_modules is current"
fi

if [ "$mode" = test ]; then
  if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    say "cargo install tauri-driver"
    cargo install tauri-driver --locked
  fi
  if ! cargo nextest --version >/dev/null 2>&1; then
    say "cargo install cargo-nextest"
    cargo install cargo-nextest --locked
  fi
fi

#!/usr/bin/env bash
# Installs everything building, running and testing the app needs on a fresh
# Debian/Ubuntu machine: system libraries (WebKitGTK 4.1 and its WebDriver,
# Xvfb), Node ≥ 18.19, Rust (through rustup, only when cargo is missing), the
# npm packages and tauri-driver. Safe to run again: each step is skipped when
# its result is already there. Runs as root or through sudo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "setup.sh installs system packages: run it as root or install sudo." >&2
  exit 1
fi

APT_PACKAGES=(
  build-essential curl wget file pkg-config libssl-dev
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev
  webkit2gtk-driver xvfb xauth poppler-utils qpdf xdotool
  # The system's file dialogs are drawn by GTK with the system's fonts (the
  # window and the PDFs use the fonts shipped in the app): one CJK font so
  # 另存为 and file names read as Chinese, not boxes.
  fonts-wqy-zenhei
)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

apt_install() {
  say "apt-get install $*"
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$@"
}

missing=()
for p in "${APT_PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
else
  say "system packages present"
fi

node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>18||(a===18&&b>=19)?0:1)'
}
if ! node_ok; then
  apt_install nodejs npm
  if ! node_ok; then
    echo "Node.js ≥ 18.19 with npm is required; this system's packages give $(node --version 2>/dev/null || echo none)." >&2
    echo "Install a newer Node.js (e.g. from your distribution's backports) and run this script again." >&2
    exit 1
  fi
fi
say "node $(node --version), npm $(npm --version)"

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v cargo >/dev/null 2>&1; then
  say "installing Rust with rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --no-modify-path
fi
say "$(cargo --version)"

# npm ci wipes node_modules; only do it when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund
else
  say "node_modules up to date"
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
  say "cargo install tauri-driver"
  cargo install tauri-driver --locked
fi
say "tauri-driver at $(command -v tauri-driver), WebKitWebDriver at $(command -v WebKitWebDriver)"

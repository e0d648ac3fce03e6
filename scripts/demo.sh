#!/usr/bin/env bash
# Opens the app on demo data: installs what is missing, builds the CLI, fills
# a demo database with `qingdan demo` and starts the app in development mode
# (`npx tauri dev`, with the UI served by Vite and reloaded on change).
#
# The demo database is its own file, demo.db beside the everyday qingdan.db
# in the app-data folder, so trying the demo never touches real work;
# QINGDAN_DB names another file. Pass --built to run the debug build instead
# of the dev server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh
cargo build --locked -p qingdan-core --bin qingdan
export QINGDAN_DB="${QINGDAN_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/cn.qingdan.app/demo.db}"
./target/debug/qingdan --db "$QINGDAN_DB" demo --with-campaign

if [ "${1:-}" = "--built" ]; then
  npx tauri build --debug --no-bundle
  exec ./target/debug/qingdan-desktop
fi
exec npx tauri dev

#!/usr/bin/env bash
# Opens the app on demo data: installs what is missing, builds the CLI, fills
# the database with `qingdan demo` and starts the app in development mode
# (`npx tauri dev`, with the UI served by Vite and reloaded on change).
#
# The database is the one the app uses every day (the default path) unless
# QINGDAN_DB names another file; to try the demo without touching real data:
#   QINGDAN_DB=/tmp/qingdan-demo.db scripts/demo.sh
# Pass --built to run the bundled debug build instead of the dev server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh
cargo build --locked -p qingdan-core --bin qingdan
db_args=()
if [ -n "${QINGDAN_DB:-}" ]; then db_args=(--db "$QINGDAN_DB"); fi
./target/debug/qingdan "${db_args[@]}" demo

if [ "${1:-}" = "--built" ]; then
  npx tauri build --debug --no-bundle
  exec ./target/debug/qingdan-desktop
fi
exec npx tauri dev

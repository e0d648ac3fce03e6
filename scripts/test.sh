#!/usr/bin/env bash
# Everything CI checks, in order: setup, the Rust tests of the workspace (which
# also regenerate the TypeScript bindings), the UI unit tests and type check,
# the debug build of the app and of the CLI, and the end-to-end tests of the
# built app under Xvfb. A failed step does not stop the independent ones; the
# summary at the end lists every step, and the exit status is non-zero if any
# failed. Debug builds only, to stay well inside CI's time on two cores.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

results=()
failed=0
declare -A ok

step() {
  local name=$1
  shift
  printf '\n\033[1;34m━━ %s\033[0m  (%s)\n' "$name" "$*"
  local start=$SECONDS
  if "$@"; then
    ok[$name]=1
    results+=("PASS  $(printf '%5ss' $((SECONDS - start)))  $name")
  else
    ok[$name]=0
    failed=1
    results+=("FAIL  $(printf '%5ss' $((SECONDS - start)))  $name")
  fi
}

skip() {
  ok[$1]=0
  failed=1
  results+=("SKIP         $1 (needs: $2)")
}

rust_tests() {
  if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --locked && cargo test --workspace --locked --doc
  else
    cargo test --workspace --locked
  fi
}

e2e() {
  rm -rf tests/e2e/artifacts
  xvfb-run -a -s '-screen 0 1600x1000x24' npm run test:e2e
}

step setup bash scripts/setup.sh
if [ "${ok[setup]}" != 1 ]; then
  printf '\nsetup failed; nothing else can run.\n' >&2
  exit 1
fi

step "rust tests" rust_tests
bindings_current() {
  # cargo test rewrote ui/src/bindings from the Rust structs; a difference means
  # a type changed without its TypeScript twin being committed.
  git diff --exit-code --stat -- ui/src/bindings && test -z "$(git status --porcelain -- ui/src/bindings)"
}
if [ -d .git ]; then step "ts bindings current" bindings_current; fi
step "ui unit tests" npm run test:ui
step "ui typecheck" npm run typecheck
step "app build" npx tauri build --debug --no-bundle
step "cli build" cargo build --locked -p qingdan-core --bin qingdan
if [ "${ok[app build]}" = 1 ] && [ "${ok[cli build]}" = 1 ]; then
  step "e2e" e2e
else
  skip "e2e" "app build, cli build"
fi

printf '\n\033[1m━━ summary (%ss in all)\033[0m\n' "$SECONDS"
printf '  %s\n' "${results[@]}"
if [ "$failed" -ne 0 ]; then
  printf '\033[1;31mFAILED\033[0m\n'
  exit 1
fi
printf '\033[1;32mall passed\033[0m\n'

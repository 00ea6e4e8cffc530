#!/usr/bin/env bash
# Runs the test suite RUNS times in a row (default 5) while CPU hogs, one per core, run beside it, and
# stops at the first failing run. The suite must not depend on how fast the machine is; this is the check.
#   scripts/stress-test.sh [RUNS] [jest arguments...]    e.g. scripts/stress-test.sh 2 test/fault
# HOGS overrides the number of hogs (default: the number of cores).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs="${1:-5}"
shift || true
hogs="${HOGS:-$(node -p 'require("node:os").availableParallelism()')}"

pids=()
stop_hogs() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_hogs EXIT
for _ in $(seq "$hogs"); do
  node -e 'for (;;) {}' &
  pids+=("$!")
done
echo "[stress] $hogs CPU hogs running (pids ${pids[*]}); $runs runs of: npx jest $*"

for run in $(seq "$runs"); do
  started=$(date +%s)
  if npx jest "$@"; then
    echo "[stress] run $run of $runs passed ($(($(date +%s) - started)) s)"
  else
    echo "[stress] run $run of $runs FAILED ($(($(date +%s) - started)) s)"
    exit 1
  fi
done
echo "[stress] all $runs runs passed beside $hogs CPU hogs"

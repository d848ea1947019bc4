#!/usr/bin/env bash
# Bench row of issue 28: `kdx wait --for condition=Ready -l SELECTOR` over
# WAIT_COUNT custom objects that become Ready together, against kubectl wait:
# internal/bench/waitload times each tool's exit after the last write
# (kdx watches once; kubectl lists and watches each object in turn).
# Budget: kdx <= 0.5x kubectl.
#
# scripts/bench.sh runs it with bench-lib.sh sourced; on its own:
#
#   KDX=bin/kdx KUBECONFIG=... bash scripts/bench-wait.sh
#
# Environment: KDX, KUBECTL, KUBECONFIG; WAIT_COUNT (default 500).
set -uo pipefail
if ! declare -F bench_print_row >/dev/null; then
  # shellcheck source=scripts/bench-lib.sh
  source "${BENCH_LIB:-$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh}"
  bench_init || exit 1
fi

wait_count=${WAIT_COUNT:-500}
row="wait -l, $wait_count Ready at once"
waitload=$BENCH_WORK/bin/waitload
if [ ! -x "$waitload" ]; then
  (cd "$BENCH_ROOT" && go build -o "$waitload" ./internal/bench/waitload) || {
    bench_print_row "$row" - - - - - - - - - "n/a (waitload did not build)"
    exit 0
  }
fi

bench_log "wait: $wait_count objects become Ready together, kdx wait then kubectl wait"
if ! result=$("$waitload" -kdx "$KDX" -kubectl "$KUBECTL" -count "$wait_count" 2>"$BENCH_WORK/waitload.err"); then
  bench_print_row "$row" - - - - - - - - - "n/a ($(tail -n1 "$BENCH_WORK/waitload.err"))"
  exit 0
fi
read -r kdx_s kubectl_s <<<"$result"
time_x=$(bench_ratio "$kdx_s" "$kubectl_s")
bench_print_row "$row" "$kdx_s" "$kubectl_s" - "$time_x" - - - - "$(bench_budget_text 0.5 -)" "$(bench_verdict "$time_x" - 0.5 -)"

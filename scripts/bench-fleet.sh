#!/usr/bin/env bash
# Bench row of issue 12: one query over three clusters. Starts three control
# planes of its own (contexts a, b, c; small seed each: 2,000 ConfigMaps and
# 2,000 custom objects) and times `kdx get configmaps -A --context a,b,c`
# (table) against (i) a shell loop of `kubectl --context X get configmaps -A`
# over the three and (ii) the three kubectl run in parallel, as
# kubectl-foreach does; kdx on one cluster is reported beside them.
# Budgets: <= 1.5x its floor (the same three table lists as plain HTTP, in
# parallel, from one process: what no client can beat on this machine, where
# the three servers share its cores; issue 23 made it floor-relative, as the
# apply and tree rows are, since the floor itself measured 0.16-0.23x of the
# loop and the old budget was 0.2x of the loop), <= 0.5x the parallel
# kubectl's, and a peak RSS <= 0.3x the sum of the three parallel kubectl's. The measure
# helper reports the peak RSS of the largest process, so for the parallel
# side that is one kubectl (the three list clusters of the same size): the
# RSS budget is 0.9x of it (0.3x of three).
#
# scripts/bench.sh runs it with bench-lib.sh sourced; on its own:
#
#   KDX=bin/kdx KUBECTL=path/to/kubectl-v1.37.2 bash scripts/bench-fleet.sh
set -uo pipefail
if ! declare -F bench_row >/dev/null; then
  # shellcheck source=scripts/bench-lib.sh
  source "${BENCH_LIB:-$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh}"
  bench_init || exit 1
fi

fleet_dir=$BENCH_WORK/fleet
fleet_bin=$fleet_dir/kdx-controlplane
fleet_pids=()
mkdir -p "$fleet_dir"

stop_fleet() {
  local pid
  for pid in "${fleet_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${fleet_pids[@]}"; do wait "$pid" 2>/dev/null; done
  fleet_pids=()
}
trap stop_fleet EXIT

(cd "$BENCH_ROOT" && go build -o "$fleet_bin" ./internal/cmd/kdx-controlplane) || exit 0
kubeconfigs=""
for name in a b c; do
  mkdir -p "$fleet_dir/$name"
  "$fleet_bin" up --name "$name" --kubeconfig "$fleet_dir/$name.kubeconfig" --state "$fleet_dir/$name" \
    >"$fleet_dir/$name.log" 2>&1 </dev/null &
  fleet_pids+=($!)
  kubeconfigs=${kubeconfigs:+$kubeconfigs:}$fleet_dir/$name.kubeconfig
done
waited=0
for name in a b c; do
  until [ -f "$fleet_dir/$name.kubeconfig" ]; do
    if [ $waited -ge 1800 ]; then
      bench_print_row "fleet get configmaps -A (3)" - - - - - - - - - "n/a (control plane $name did not start)"
      exit 0
    fi
    sleep 0.1; waited=$((waited + 1))
  done
done
export KUBECONFIG=$kubeconfigs
for name in a b c; do
  "$BENCH_SEED_BIN" --kubeconfig "$fleet_dir/$name.kubeconfig" --namespaces 10 --crds 20 \
    --custom-objects 2000 --configmaps 2000 >&2 || bench_log "seeding $name failed"
done

cache=$fleet_dir/cache
loop='for c in a b c; do "$@" --context "$c" get configmaps -A || exit 1; done'
# Each job is waited for by its pid: `wait -n` in a non-interactive bash
# misses a job that ended before it was called (exit 127), which failed the
# row whenever two of the three ended together.
parallel='pids=(); for c in a b c; do "$@" --context "$c" get configmaps -A & pids+=($!); done; fail=0; for p in "${pids[@]}"; do wait "$p" || fail=1; done; exit $fail'
bench_row "kdx get configmaps -A, 1 cluster" - - \
  "$KDX" --cache-dir "$cache/kdx" --context a get configmaps -A \
  --vs "$KUBECTL" --cache-dir "$cache/kubectl" --context a get configmaps -A
bench_row --floor "--contexts a,b,c table /api/v1/configmaps" "fleet get cm -A (3) vs loop" f1.5 - \
  "$KDX" --cache-dir "$cache/kdx" --context a,b,c get configmaps -A \
  --vs bash -c "$loop" bash "$KUBECTL" --cache-dir "$cache/kubectl"
bench_row "fleet get cm -A (3) vs parallel" 0.5 0.9 \
  "$KDX" --cache-dir "$cache/kdx" --context a,b,c get configmaps -A \
  --vs bash -c "$parallel" bash "$KUBECTL" --cache-dir "$cache/kubectl"

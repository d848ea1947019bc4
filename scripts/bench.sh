#!/usr/bin/env bash
# make bench: start a fresh local control plane, seed it, and time kdx against
# kubectl v1.37.2 on it, printing medians, ratios and the budgets of the issues.
# The bench reports; a missed budget never makes it fail.
#
#   bash scripts/bench.sh path/to/kdx
#
# Environment:
#   BENCH_SCALE=small   a quick run: 10 namespaces, 20 CRDs, 1000 custom objects,
#                       1000 ConfigMaps (default: the full seed of issue 2)
#   BENCH_SEED="FLAGS"  extra flags for internal/bench/seed (--crds 50 ...), or
#                       "none" to skip seeding
#   BENCH_RUNS=5        measured runs per command (after one warm-up run)
#   BENCH_KUBECONFIG=F  bench an already running server instead of starting one
#   BENCH_WORK=DIR      scratch directory (default: a new temporary one, removed)
#   BENCH_KEEP=1        keep the scratch directory (logs, results.tsv)
#   BENCH_ROWS="a b"    run only these groups: version api-resources get extra
#   BENCH_EXTRA_SCRIPTS the row scripts of the other commands (default:
#                       scripts/bench-apply.sh bench-export.sh bench-watch.sh bench-fleet.sh bench-grep.sh bench-where.sh bench-diff.sh bench-tree.sh bench-wait.sh bench-explain.sh bench-ui.sh,
#                       each run when present; see scripts/bench-lib.sh)
set -uo pipefail
KDX=$(cd "$(dirname "${1:?usage: bench.sh path/to/kdx}")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh

BENCH_SCALE=${BENCH_SCALE:-full}
BENCH_ROWS=${BENCH_ROWS:-version api-resources get extra}
BENCH_EXTRA_SCRIPTS=${BENCH_EXTRA_SCRIPTS:-scripts/bench-apply.sh scripts/bench-export.sh scripts/bench-watch.sh scripts/bench-fleet.sh scripts/bench-grep.sh scripts/bench-where.sh scripts/bench-diff.sh scripts/bench-tree.sh scripts/bench-wait.sh scripts/bench-explain.sh scripts/bench-ui.sh}
controlplane_pid=""
own_work=""

# cleanup stops the control plane this script started (always) and removes
# the scratch directory unless BENCH_KEEP is set.
cleanup() {
  local rc=$?
  stop_controlplane
  if [ -n "$own_work" ] && [ -z "${BENCH_KEEP:-}" ]; then
    rm -rf "$BENCH_WORK"
  elif [ -n "${BENCH_WORK:-}" ]; then
    bench_log "scratch directory kept: $BENCH_WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# stop_controlplane sends SIGTERM, waits up to 30 s, then sends SIGKILL.
stop_controlplane() {
  [ -n "$controlplane_pid" ] || return 0
  local pid=$controlplane_pid waited=0
  controlplane_pid=""
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 300 ]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; fi
  wait "$pid" 2>/dev/null
  bench_log "control plane stopped"
}

# start_controlplane starts kdx-controlplane in the background and waits for
# its kubeconfig, as `make up` does, but with its state in BENCH_WORK.
start_controlplane() {
  local bin=$BENCH_WORK/bin/kdx-controlplane log=$BENCH_WORK/controlplane.log waited=0
  export KUBECONFIG=$BENCH_WORK/kubeconfig
  go build -o "$bin" ./internal/cmd/kdx-controlplane || return 1
  mkdir -p "$BENCH_WORK/state"
  "$bin" up --kubeconfig "$KUBECONFIG" --state "$BENCH_WORK/state" >"$log" 2>&1 </dev/null &
  controlplane_pid=$!
  bench_log "starting the control plane (pid $controlplane_pid, log $log)"
  until [ -f "$KUBECONFIG" ]; do
    if ! kill -0 "$controlplane_pid" 2>/dev/null; then
      controlplane_pid=""
      bench_log "the control plane failed to start:"; cat "$log" >&2; return 1
    fi
    if [ $waited -ge $((${KDX_UP_TIMEOUT:-180} * 10)) ]; then
      bench_log "the control plane is not ready after ${KDX_UP_TIMEOUT:-180}s; see $log"; return 1
    fi
    sleep 0.1; waited=$((waited + 1))
  done
}

# seed_flags prints the seed flags of BENCH_SCALE and BENCH_SEED.
seed_flags() {
  case $BENCH_SCALE in
    small) printf '%s\n' "--namespaces 10 --crds 20 --custom-objects 1000 --configmaps 1000" ;;
    full | default) printf '\n' ;;
    *) bench_log "unknown BENCH_SCALE=$BENCH_SCALE (want small or full)"; return 1 ;;
  esac
}

# seed fills the server, unless BENCH_SEED is "none".
seed() {
  [ "${BENCH_SEED:-}" = none ] && { bench_log "not seeding (BENCH_SEED=none)"; return 0; }
  local flags
  flags="$(seed_flags) ${BENCH_SEED:-}" || return 1
  bench_log "seeding: $BENCH_SEED_BIN $flags"
  # shellcheck disable=SC2086
  "$BENCH_SEED_BIN" $flags >&2
}

# rows_version: issue 2.
rows_version() {
  bench_row "version" - - "$KDX" version --vs "$KUBECTL" version
}

# rows_api_resources: issue 3, cold and warm discovery caches.
rows_api_resources() {
  local warm=$BENCH_WORK/cache/warm
  bench_row "api-resources (cold cache)" 1.0 - \
    "$KDX" api-resources --cache-dir "{fresh}" --vs "$KUBECTL" api-resources --cache-dir "{fresh}"
  bench_row "api-resources (warm cache)" 1.0 - \
    "$KDX" api-resources --cache-dir "$warm/kdx" --vs "$KUBECTL" api-resources --cache-dir "$warm/kubectl"
  bench_row --floor "count" "api-resources --count vs cold" f1.3 - \
    "$KDX" api-resources --count --cache-dir "{fresh}" --vs "$KUBECTL" api-resources --cache-dir "{fresh}"
}

# rows_get: issue 4, with warm discovery caches and the plain-HTTP floor.
rows_get() {
  local c=$BENCH_WORK/cache/get types
  local -a kdx=("$KDX" --cache-dir "$c/kdx") kubectl=("$KUBECTL" --cache-dir "$c/kubectl")
  bench_row --floor "table /api/v1/configmaps" "get configmaps -A" 0.2 0.3 \
    "${kdx[@]}" get configmaps -A --vs "${kubectl[@]}" get configmaps -A
  bench_row --floor "json /api/v1/configmaps" "get configmaps -A -o yaml" 0.35 0.15 \
    "${kdx[@]}" get configmaps -A -o yaml --vs "${kubectl[@]}" get configmaps -A -o yaml
  types=$("${kubectl[@]}" api-resources --verbs=list -o name | paste -sd, -)
  if [ -z "$types" ]; then
    bench_print_row "get --all-types -A -o name" - - - - - - - - - "n/a (kubectl api-resources failed)"
    return
  fi
  bench_log "kubectl side of --all-types: $(tr ',' '\n' <<<"$types" | wc -l) listable types"
  bench_row --floor "metadata" "get --all-types -A -o name" 0.1 0.15 \
    "${kdx[@]}" get --all-types -A -o name --vs "${kubectl[@]}" get "$types" -A -o name
}

# rows_extra runs the scripts of BENCH_EXTRA_SCRIPTS that exist, each in its
# own bash with bench-lib.sh sourced and KDX, KUBECTL, KUBECONFIG, BENCH_RUNS,
# BENCH_WORK and the helpers exported; a failing script is reported, not fatal.
rows_extra() {
  local script
  for script in $BENCH_EXTRA_SCRIPTS; do
    [ -f "$script" ] || continue
    bench_log "running $script"
    bash -c 'source "$BENCH_LIB" && source "$1"' "$script" "$script" || bench_log "$script failed (exit $?)"
  done
}

# print_summary prints the collected table again, in one piece.
print_summary() {
  echo
  echo "Summary (medians of $BENCH_RUNS runs; ratios are kdx/kubectl; budgets are maximum ratios):"
  bench_header
  while IFS=$'\t' read -r -a fields; do
    bench_print_row_plain "${fields[@]}"
  done <"$BENCH_RESULTS"
}

# bench_print_row_plain prints a row without recording it.
bench_print_row_plain() { BENCH_RESULTS="" bench_print_row "$@"; }

main() {
  [ -n "${BENCH_WORK:-}" ] || own_work=1
  bench_init || return 1
  if [ -n "${BENCH_KUBECONFIG:-}" ]; then
    export KUBECONFIG=$BENCH_KUBECONFIG
  else
    start_controlplane || return 1
  fi
  seed || return 1
  export BENCH_RESULTS=$BENCH_WORK/results.tsv
  : >"$BENCH_RESULTS"
  bench_log "kdx: $KDX ($("$KDX" version --client 2>/dev/null | head -n 1)); kubectl: $KUBECTL"
  bench_log "server: $(server_url); $(nproc) cores; $BENCH_RUNS runs per command after 1 warm-up run"
  bench_header
  local group
  for group in $BENCH_ROWS; do
    case $group in
      version) rows_version ;;
      api-resources) rows_api_resources ;;
      get) rows_get ;;
      extra) rows_extra ;;
      *) bench_log "unknown row group $group in BENCH_ROWS" ;;
    esac
  done
  print_summary
}

# server_url prints the server of the current context.
server_url() {
  "$KUBECTL" config view --minify -o jsonpath='{.clusters[0].cluster.server}' 2>/dev/null
}

main

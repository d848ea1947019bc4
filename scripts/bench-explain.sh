#!/usr/bin/env bash
# Bench rows of issue 24: `kdx explain TYPE.path` against `kubectl explain`,
# cold (empty caches: discovery and the OpenAPI documents are fetched) and
# warm (both caches filled: kdx reads the OpenAPI index and no document).
# Budget: kdx <= 0.7x the wall time and <= 0.5x the peak RSS of kubectl.
# `kdx explain --find image` (every listable type's fields; no kubectl
# equivalent) has absolute budgets: <= 2.5 s cold, <= 0.25 s warm.
#
# scripts/bench.sh runs it with bench-lib.sh sourced; on its own:
#
#   KDX=bin/kdx KUBECTL=path/to/kubectl-v1.37.2 KUBECONFIG=... bash scripts/bench-explain.sh
#
# Environment: KDX, KUBECTL, KUBECONFIG of a seeded server; BENCH_RUNS (default 5).
set -uo pipefail
if ! declare -F bench_row >/dev/null; then
  # shellcheck source=scripts/bench-lib.sh
  source "${BENCH_LIB:-$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh}"
  bench_init || exit 1
fi

path=deployments.spec.template.spec.containers.image
bench_row "explain TYPE.path cold" 0.7 0.5 \
  "$KDX" --cache-dir "{fresh}" explain "$path" \
  --vs "$KUBECTL" --cache-dir "{fresh}" explain "$path"

explain_cache=$BENCH_WORK/explain-cache
mkdir -p "$explain_cache/kdx" "$explain_cache/kubectl"
"$KDX" --cache-dir "$explain_cache/kdx" explain "$path" >/dev/null 2>&1 || true
"$KUBECTL" --cache-dir "$explain_cache/kubectl" explain "$path" >/dev/null 2>&1 || true
bench_row "explain TYPE.path warm" 0.7 0.5 \
  "$KDX" --cache-dir "$explain_cache/kdx" explain "$path" \
  --vs "$KUBECTL" --cache-dir "$explain_cache/kubectl" explain "$path"

# The explain rows' memory floor: kdx started, doing no work. Most of
# explain's RSS is the binary's own pages, which every kdx run maps (package
# init touches code all over it); this row shows that floor beside the
# kubectl explain above, with no budget of its own.
kubectl_warm_rss=$_bc_rss
if bench_measure _ev -- "$KDX" version --client; then
  bench_print_row "kdx version --client (floor)" "$_ev_time" - - - "$_ev_rss" "$kubectl_warm_rss" - \
    "$(bench_ratio "$_ev_rss" "$kubectl_warm_rss")" - "info: kdx's RSS before any work"
fi

# explain_abs_row NAME SECONDS CMD... measures CMD and prints a row with an
# absolute time budget.
explain_abs_row() {
  local name=$1 budget=$2 result
  shift 2
  bench_log "measuring: $name"
  bench_measure _ek -- "$@" || true
  if [ "$_ek_ok" != 1 ]; then
    result="n/a (kdx: $_ek_err)"
  elif awk -v t="$_ek_time" -v b="$budget" 'BEGIN { exit !(t + 0 <= b + 0) }'; then
    result=PASS
  else
    result="FAIL (time ${_ek_time}s > ${budget}s)"
  fi
  bench_print_row "$name" "$_ek_time" - - - "$_ek_rss" - - - "t<=${budget}s" "$result"
}

explain_abs_row "explain --find image cold" 2.5 "$KDX" --cache-dir "{fresh}" explain --find image
"$KDX" --cache-dir "$explain_cache/kdx" explain --find image >/dev/null 2>&1 || true
explain_abs_row "explain --find image warm" 0.25 "$KDX" --cache-dir "$explain_cache/kdx" explain --find image

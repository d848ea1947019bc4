#!/usr/bin/env bash
# Bench row of issue 13: `kdx get configmaps -A --where EXPR -o name` (a
# metadata-only expression: kdx lists metadata and filters it) against the
# way people filter today, `kubectl get configmaps -A -o json | jq ...`.
# Both use a warm discovery cache. Budget: kdx <= 0.15x the wall time and
# <= 0.15x the peak RSS. The RSS of the pipe is the larger of kubectl's and
# jq's (rusage of the shell's children), not their sum: a kdx within budget
# against it is within budget against the sum too.
#
# scripts/bench.sh runs it with bench-lib.sh sourced; on its own:
#
#   KDX=bin/kdx KUBECTL=path/to/kubectl-v1.37.2 KUBECONFIG=... bash scripts/bench-where.sh
#
# Environment: KDX, KUBECTL, KUBECONFIG of a seeded server; BENCH_RUNS (default 5).
set -uo pipefail
if ! declare -F bench_row >/dev/null; then
  # shellcheck source=scripts/bench-lib.sh
  source "${BENCH_LIB:-$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh}"
  bench_init || exit 1
fi
if ! command -v jq >/dev/null; then
  bench_print_row "get configmaps -A --where -o name" - - - - - - - - - "n/a (no jq)"
  exit 0
fi

where_cache=$BENCH_WORK/where-cache
mkdir -p "$where_cache/kdx" "$where_cache/kubectl"
"$KDX" --cache-dir "$where_cache/kdx" api-resources >/dev/null 2>&1 || true
"$KUBECTL" --cache-dir "$where_cache/kubectl" api-resources >/dev/null 2>&1 || true

# The pipe runs in sh, as people type it; its exit code is jq's.
bench_row "get configmaps -A --where -o name" 0.15 0.15 \
  "$KDX" --cache-dir "$where_cache/kdx" get configmaps -A -o name --where 'object.metadata.name.endsWith("7")' \
  --vs sh -c '"$1" --cache-dir "$2" get configmaps -A -o json | jq -r ".items[] | select(.metadata.name | endswith(\"7\")) | \"configmap/\" + .metadata.name"' \
  sh "$KUBECTL" "$where_cache/kubectl"

# That both sides print the same names, for the log.
kdx_n=$("$KDX" --cache-dir "$where_cache/kdx" get configmaps -A -o name --where 'object.metadata.name.endsWith("7")' 2>/dev/null | sort | md5sum)
jq_n=$("$KUBECTL" --cache-dir "$where_cache/kubectl" get configmaps -A -o json 2>/dev/null |
  jq -r '.items[] | select(.metadata.name | endswith("7")) | "configmap/" + .metadata.name' | sort | md5sum)
if [ "$kdx_n" = "$jq_n" ]; then bench_log "--where and jq print the same names"; else bench_log "--where and jq print DIFFERENT names"; fi

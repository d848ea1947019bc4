#!/usr/bin/env bash
# Bench row of issue 13 (grep): `kdx grep NEEDLE --all-types -A`, for a value
# the seed writes into exactly one object (internal/bench GrepNeedle), against
# the way people search a cluster today: `kubectl get <every listable type> -A
# -o json | grep NEEDLE`. Both use a warm discovery cache.
# Budget: kdx <= 0.2x the wall time and <= 0.2x the peak RSS (the measure
# tool's peak RSS is that of the largest process of the pipe: kubectl's).
#
# scripts/bench.sh runs it with bench-lib.sh sourced; on its own:
#
#   KDX=bin/kdx KUBECTL=path/to/kubectl-v1.37.2 KUBECONFIG=... bash scripts/bench-grep.sh
set -uo pipefail
if ! declare -F bench_row >/dev/null; then
  # shellcheck source=scripts/bench-lib.sh
  source "${BENCH_LIB:-$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh}"
  bench_init || exit 1
fi

needle=kdx-bench-needle-4b1d
grep_cache=$BENCH_WORK/grep-cache
mkdir -p "$grep_cache/kdx" "$grep_cache/kubectl"
grep_types=$("$KUBECTL" --cache-dir "$grep_cache/kubectl" api-resources --verbs=list -o name | paste -sd, -)
if [ -z "$grep_types" ]; then
  bench_print_row "grep NEEDLE --all-types -A" - - - - - - - - - "n/a (kubectl api-resources failed)"
  exit 0
fi
"$KDX" --cache-dir "$grep_cache/kdx" api-resources >/dev/null 2>&1 || true
found=$("$KDX" --cache-dir "$grep_cache/kdx" grep -F "$needle" --all-types -A 2>/dev/null | wc -l)
bench_log "kdx grep finds $found match line(s) for $needle (the seed writes it into one ConfigMap)"

bench_row "grep NEEDLE --all-types -A" 0.2 0.2 \
  "$KDX" --cache-dir "$grep_cache/kdx" grep -F "$needle" --all-types -A \
  --vs sh -c 'kubectl=$1 cache=$2 types=$3 needle=$4; "$kubectl" --cache-dir "$cache" get "$types" -A -o json | grep -F "$needle"' \
  sh "$KUBECTL" "$grep_cache/kubectl" "$grep_types" "$needle"

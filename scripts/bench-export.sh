#!/usr/bin/env bash
# Bench row of issue 7: `kdx export --all-types -A --dir DIR` (one clean file
# per object) against the way people export a cluster today, one
# `kubectl get <every listable type> -A -o yaml` into one file. Both write
# into a new empty directory per run and use a warm discovery cache.
# Budget: kdx <= 0.2x the wall time and <= 0.15x the peak RSS.
#
# scripts/bench.sh runs it with bench-lib.sh sourced; on its own:
#
#   KDX=bin/kdx KUBECTL=path/to/kubectl-v1.37.2 KUBECONFIG=... bash scripts/bench-export.sh
#
# Environment: KDX, KUBECTL, KUBECONFIG of a seeded server; BENCH_RUNS (default 5).
set -uo pipefail
if ! declare -F bench_row >/dev/null; then
  # shellcheck source=scripts/bench-lib.sh
  source "${BENCH_LIB:-$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh}"
  bench_init || exit 1
fi

export_cache=$BENCH_WORK/export-cache
mkdir -p "$export_cache/kdx" "$export_cache/kubectl"
export_types=$("$KUBECTL" --cache-dir "$export_cache/kubectl" api-resources --verbs=list -o name | paste -sd, -)
if [ -z "$export_types" ]; then
  bench_print_row "export --all-types -A --dir" - - - - - - - - - "n/a (kubectl api-resources failed)"
  exit 0
fi
bench_log "kubectl side of export: $(tr ',' '\n' <<<"$export_types" | wc -l) listable types into one file"
# Warm kdx's discovery cache too.
"$KDX" --cache-dir "$export_cache/kdx" api-resources >/dev/null 2>&1 || true

# The kubectl side writes its YAML into a file, as people do (exec keeps the
# measured process kubectl itself).
bench_row "export --all-types -A --dir" 0.2 0.15 \
  "$KDX" --cache-dir "$export_cache/kdx" export --all-types -A --dir "{fresh}" -q \
  --vs sh -c 'dir=$1; shift; exec "$@" >"$dir/all.yaml"' sh "{fresh}" \
  "$KUBECTL" --cache-dir "$export_cache/kubectl" get "$export_types" -A -o yaml

# What the kdx tree holds, for the log: files written.
export_probe=$BENCH_WORK/export-probe
rm -rf "$export_probe"
"$KDX" --cache-dir "$export_cache/kdx" export --all-types -A --dir "$export_probe" -q >/dev/null 2>&1 &&
  bench_log "kdx export wrote $(find "$export_probe" -type f | wc -l) files"
rm -rf "$export_probe"

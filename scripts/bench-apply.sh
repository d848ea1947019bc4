#!/usr/bin/env bash
# Bench row of issue 6: `kdx apply -f` of 2,000 objects (1,000 ConfigMaps and
# 1,000 custom objects of the demo gadgets CRD, after their Namespace, in one
# multi-document file) against `kubectl apply --server-side -f` of the same
# file. Before every run (untimed) the file is rewritten with a new value in
# every object, so each run updates all 2,000 objects. Budget: kdx <= 0.3x.
# The floor (`floor --concurrency 64 apply FILE`, as many in flight as kdx
# keeps by default) sends the same 2,000 apply requests, bodies
# encoded beforehand, as plain concurrent HTTP, after the same rewrite: what
# is left is the API server's own time.
#
# scripts/bench.sh runs it with bench-lib.sh sourced; on its own:
#
#   KDX=bin/kdx KUBECTL=path/to/kubectl-v1.37.2 KUBECONFIG=... bash scripts/bench-apply.sh
#
# Environment: KDX, KUBECTL, KUBECONFIG; BENCH_RUNS (default 5);
# BENCH_APPLY_OBJECTS (default 2000, half ConfigMaps, half gadgets).
set -uo pipefail
if ! declare -F bench_row >/dev/null; then
  # shellcheck source=scripts/bench-lib.sh
  source "${BENCH_LIB:-$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh}"
  bench_init || exit 1
fi

apply_objects=${BENCH_APPLY_OBJECTS:-2000}
apply_ns=kdx-bench-apply
apply_dir=$BENCH_WORK/apply
apply_file=$apply_dir/objects.yaml
apply_gen=$apply_dir/generation

# apply_write_file writes the manifest with the next generation number in
# every object, so that a run always changes all of them.
apply_write_file() {
  local gen
  gen=$(($(cat "$apply_gen" 2>/dev/null || echo 0) + 1))
  echo "$gen" >"$apply_gen"
  awk -v n="$apply_objects" -v ns="$apply_ns" -v gen="$gen" 'BEGIN {
    printf "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n", ns
    for (i = 0; i < n; i++) {
      if (i % 2 == 0) {
        printf "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%05d\n  namespace: %s\n  labels:\n    bench: apply\ndata:\n  generation: \"%d\"\n  payload: \"%s\"\n", i, ns, gen, "0123456789abcdef0123456789abcdef"
      } else {
        printf "---\napiVersion: multi.example.org/v2\nkind: Gadget\nmetadata:\n  name: gadget-%05d\n  namespace: %s\n  labels:\n    bench: apply\nspec:\n  color: c%d\n  size: %d\n", i, ns, gen, i
      }
    }
  }' >"$apply_file"
}

# apply_prepare installs the demo CRDs and waits for gadgets to be served.
apply_prepare() {
  mkdir -p "$apply_dir" || return 1
  "$KUBECTL" apply --server-side --force-conflicts -f "$BENCH_ROOT/testdata/demo/10-crds.yaml" >/dev/null || return 1
  "$KUBECTL" wait --for condition=established --timeout=60s crd/gadgets.multi.example.org >/dev/null || return 1
  apply_write_file
  # Create everything once, so that every measured run is an update.
  "$KUBECTL" apply --server-side --force-conflicts -f "$apply_file" >/dev/null
}

# apply_cleanup deletes the namespace and waits until it is gone: its 2,000
# objects are deleted by the namespace controller, work that would otherwise
# still load the server while the next row is measured.
apply_cleanup() {
  "$KUBECTL" delete namespace "$apply_ns" --wait=true --timeout=180s >/dev/null 2>&1 || true
}

main() {
  if ! apply_prepare; then
    bench_print_row "apply -f ($apply_objects objects)" - - - - - - - - - "n/a (could not prepare the demo CRDs)"
    return 0
  fi
  export -f apply_write_file
  export apply_objects apply_ns apply_file apply_gen
  bench_row --setup "apply_write_file" --floor "--concurrency 64 apply $apply_file" "apply -f ($apply_objects objects)" f1.1 - \
    "$KDX" apply --force-conflicts -f "$apply_file" \
    --vs "$KUBECTL" apply --server-side --force-conflicts -f "$apply_file"
  apply_cleanup
}

main

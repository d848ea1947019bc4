#!/usr/bin/env bash
# Bench rows of issue 15 (drift):
#  - `kdx diff -f` of a 2,000-object file (1,000 ConfigMaps, 1,000 gadgets,
#    as the apply row's), applied once, then with one change to every tenth
#    object, against `kubectl diff --server-side -f` of the same file.
#    Budget: kdx <= 0.2x the wall time.
#  - `kdx diff --all-types -A --dir TREE` of the seeded server's export
#    against `kdx export --all-types -A --dir` of the same scope (the KUBECTL
#    column holds that export). Budget: <= 1.3x its wall time.
# Both diffs exit 1 (there is drift): the measured commands count exit 1 as
# success.
#
# scripts/bench.sh runs it with bench-lib.sh sourced; on its own:
#
#   KDX=bin/kdx KUBECTL=path/to/kubectl-v1.37.2 KUBECONFIG=... bash scripts/bench-diff.sh
set -uo pipefail
if ! declare -F bench_row >/dev/null; then
  # shellcheck source=scripts/bench-lib.sh
  source "${BENCH_LIB:-$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh}"
  bench_init || exit 1
fi

diff_objects=${BENCH_DIFF_OBJECTS:-2000}
diff_ns=kdx-bench-diff
diff_dir=$BENCH_WORK/diff
diff_file=$diff_dir/objects.yaml

# diff_write_file writes the manifest; with "changed", every tenth object
# has another value.
diff_write_file() {
  awk -v n="$diff_objects" -v ns="$diff_ns" -v changed="${1:-}" 'BEGIN {
    printf "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n", ns
    for (i = 0; i < n; i++) {
      v = (changed != "" && i % 10 == 0) ? "changed" : "original"
      if (i % 2 == 0) {
        printf "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%05d\n  namespace: %s\ndata:\n  value: %s\n  payload: \"%s\"\n", i, ns, v, "0123456789abcdef0123456789abcdef"
      } else {
        printf "---\napiVersion: multi.example.org/v2\nkind: Gadget\nmetadata:\n  name: gadget-%05d\n  namespace: %s\nspec:\n  color: %s\n  size: %d\n", i, ns, v, i
      }
    }
  }' >"$diff_file"
}

diff_prepare() {
  mkdir -p "$diff_dir" || return 1
  "$KUBECTL" apply --server-side --force-conflicts -f "$BENCH_ROOT/testdata/demo/10-crds.yaml" >/dev/null || return 1
  "$KUBECTL" wait --for condition=established --timeout=60s crd/gadgets.multi.example.org >/dev/null || return 1
  diff_write_file
  "$KDX" apply --force-conflicts -f "$diff_file" >/dev/null || return 1
  diff_write_file changed
}

# Exit 1 is a diff's "there is drift": success here.
diff_ok='"$@"; [ $? -le 1 ]'

if diff_prepare; then
  bench_row "diff -f ($diff_objects objects, 1 in 10 changed)" 0.2 - \
    sh -c "$diff_ok" sh "$KDX" diff -f "$diff_file" \
    --vs sh -c "$diff_ok" sh "$KUBECTL" diff --server-side --force-conflicts -f "$diff_file"
  "$KUBECTL" delete namespace "$diff_ns" --wait=true --timeout=180s >/dev/null 2>&1 || true
else
  bench_print_row "diff -f ($diff_objects objects)" - - - - - - - - - "n/a (could not prepare)"
fi

# diff --dir against the export it compares with.
diff_cache=$BENCH_WORK/diff-cache
diff_tree=$diff_dir/tree
"$KDX" --cache-dir "$diff_cache" export --all-types -A --dir "$diff_tree" -q >/dev/null 2>&1
bench_log "diff --dir: a tree of $(find "$diff_tree" -type f | wc -l) files"
bench_row "diff --all-types -A --dir (vs kdx export)" 1.3 - \
  sh -c "$diff_ok" sh "$KDX" --cache-dir "$diff_cache" diff --all-types -A --dir "$diff_tree" --stat \
  --vs "$KDX" --cache-dir "$diff_cache" export --all-types -A --dir "{fresh}" -q

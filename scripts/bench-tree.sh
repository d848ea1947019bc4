#!/usr/bin/env bash
# Bench row of issue 14 (tree): `kdx tree` of a root ConfigMap that owns
# 2,000 objects spread over 20 types (100 ConfigMaps and 100 objects of each
# of 19 seeded CRDs, in their own namespace) on the seeded server, against
# kubectl-tree's method, reproduced by the floor tool (`floor kubectl-tree
# UID`: a full JSON list of every listable type, concurrently, decoded into
# maps, then a walk), as kubectl-tree itself is not served by the module
# proxy. The floor is metadata-only lists of every listable type,
# concurrently, nothing decoded (`floor metadata`). Budget: kdx <= 1.5x the floor.
#
# scripts/bench.sh runs it with bench-lib.sh sourced; on its own:
#
#   KDX=bin/kdx KUBECTL=path/to/kubectl-v1.37.2 KUBECONFIG=... bash scripts/bench-tree.sh
set -uo pipefail
if ! declare -F bench_row >/dev/null; then
  # shellcheck source=scripts/bench-lib.sh
  source "${BENCH_LIB:-$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh}"
  bench_init || exit 1
fi

tree_ns=kdx-bench-tree
tree_dir=$BENCH_WORK/tree
tree_cache=$BENCH_WORK/tree-cache
mkdir -p "$tree_dir"

# tree_prepare creates the root and its 2,000 children; prints the root's uid.
tree_prepare() {
  local uid types
  "$KDX" apply -f - >/dev/null <<YAML || return 1
apiVersion: v1
kind: Namespace
metadata: {name: $tree_ns}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: tree-root, namespace: $tree_ns}
YAML
  uid=$("$KUBECTL" get configmap tree-root -n "$tree_ns" -o jsonpath='{.metadata.uid}') || return 1
  types=$("$KUBECTL" get crd -l bench.kdx.example/seed -o jsonpath='{range .items[?(@.spec.scope=="Namespaced")]}{.spec.group}/{.spec.versions[0].name} {.spec.names.kind}{"\n"}{end}' | head -n 19)
  [ "$(wc -l <<<"$types")" -eq 19 ] || return 1
  { echo "v1 ConfigMap"; echo "$types"; } | awk -v ns="$tree_ns" -v uid="$uid" '{
    for (i = 0; i < 100; i++) {
      printf "---\napiVersion: %s\nkind: %s\nmetadata:\n  name: child-%02d-%03d\n  namespace: %s\n", $1, $2, NR, i, ns
      printf "  ownerReferences:\n  - {apiVersion: v1, kind: ConfigMap, name: tree-root, uid: %s}\n", uid
    }
  }' >"$tree_dir/children.yaml"
  "$KDX" apply -f "$tree_dir/children.yaml" >/dev/null || return 1
  echo "$uid"
}

if ! uid=$(tree_prepare); then
  bench_print_row "tree (2,000 owned, 20 types)" - - - - - - - - - "n/a (could not prepare)"
  exit 0
fi
"$KDX" --cache-dir "$tree_cache" api-resources >/dev/null 2>&1 || true
bench_log "kdx tree shows $("$KDX" --cache-dir "$tree_cache" tree configmap/tree-root -n "$tree_ns" 2>/dev/null | wc -l) lines; $("$BENCH_FLOOR" kubectl-tree "$uid" 2>/dev/null | head -n 1)"
bench_row --floor "metadata" "tree (2,000 owned, 20 types) vs kubectl-tree's method" f1.5 - \
  "$KDX" --cache-dir "$tree_cache" tree configmap/tree-root -n "$tree_ns" \
  --vs "$BENCH_FLOOR" kubectl-tree "$uid"
"$KUBECTL" delete namespace "$tree_ns" --wait=true --timeout=180s >/dev/null 2>&1 || true

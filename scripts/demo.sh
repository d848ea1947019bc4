#!/usr/bin/env bash
# make demo: start a local control plane, load the demo CRDs and objects from
# testdata/demo/, run kdx's main commands against it, and end by printing the
# one command that opens the explorer (kdx ui) on it: the demo's control plane
# is left running when the demo succeeds (make down KDX_STATE=... stops it; the
# next make demo starts a fresh one).
set -uo pipefail
KDX=${1:?usage: demo.sh path/to/kdx}
cd "$(dirname "$0")/.."
export KDX_STATE=${KDX_STATE:-$PWD/.kdx-state/demo}
failures=0

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
run() {
  printf '\033[36m$ kdx %s\033[0m\n' "$*"
  "$KDX" "$@"
  local rc=$?
  if [ $rc -ne 0 ]; then echo "(exit $rc)"; failures=$((failures + 1)); fi
}

say "Starting a local control plane (etcd, kube-apiserver, kube-controller-manager v1.37.2)"
if [ ! -x "${KDX_CONTROLPLANE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kdx/controlplane/v1.37.2}/kube-apiserver" ]; then
  echo "The first run builds the control plane from source through the Go module proxy: about 15 minutes on 2 cores. Later runs reuse it."
fi
keep_up="" # set once the demo succeeded: its cluster stays up for the explorer
trap '[ -n "$keep_up" ] || make -s down KDX_STATE="$KDX_STATE" >/dev/null 2>&1; make -s down KDX_STATE="$KDX_STATE-b" >/dev/null 2>&1' EXIT
make -s down KDX_STATE="$KDX_STATE" >/dev/null 2>&1 # the cluster a previous demo left up
eval "$(make -s up KDX_STATE="$KDX_STATE")" || { echo "control plane failed to start" >&2; exit 1; }
echo "KUBECONFIG=$KUBECONFIG"

say "Loading the demo CRDs and objects (testdata/demo)"
run apply -f testdata/demo/ -R
# The API server publishes a new CRD's OpenAPI document a few seconds after
# the CRD is established; until then explain says the server lists none.
# The explain steps wait for the demo's documents (at most 30 s).
for _ in $(seq 60); do "$KDX" explain --find widgetClass >/dev/null 2>&1 && break; sleep 0.5; done

source scripts/demo-steps.sh

if [ $failures -ne 0 ]; then
  echo; echo "demo: $failures command(s) failed" >&2
  exit 1
fi
keep_up=1
echo; echo "demo: done. Its cluster is still up; explore it (q quits; make down KDX_STATE=$KDX_STATE stops the cluster):"
printf '  KUBECONFIG=%q %q ui -n demo\n' "$KUBECONFIG" "$KDX"

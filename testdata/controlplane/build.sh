#!/usr/bin/env bash
# Builds the control plane that kdx's tests and demo run against: kube-apiserver,
# kube-controller-manager and kubectl v1.37.2 from k8s.io/kubernetes, and etcd v3.6.16,
# all through the Go module proxy. Binaries are cached outside the repository and
# rebuilt only when missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=v1.37.2
out=${KDX_CONTROLPLANE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kdx/controlplane/$version}
mkdir -p "$out"
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=37 -X $pkg.gitTreeState=clean -X $pkg.buildDate=2026-01-01T00:00:00Z"
build() { # name dir pkg
  local name=$1 dir=$2 target=$3
  if [ -x "$out/$name" ]; then return 0; fi
  echo "controlplane: building $name (first time only; the cold build of all four takes ~15 minutes on 2 cores)..." >&2
  local start=$SECONDS
  (cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$out/$name.tmp" "$target")
  mv "$out/$name.tmp" "$out/$name"
  echo "controlplane: built $name in $((SECONDS - start))s" >&2
}
build etcd "$here/etcd" go.etcd.io/etcd/server/v3
build kube-apiserver "$here" ./kube-apiserver
build kube-controller-manager "$here" ./kube-controller-manager
build kubectl "$here" ./kubectl
echo "$out"

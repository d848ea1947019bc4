#!/usr/bin/env bash
# Builds k9s v0.50.16, the explorer kdx ui is benched against (issue 25), through
# the Go module proxy from this module (go.mod pins it as a tool with the
# versions of its own go.mod). The binary is cached outside the repository and
# rebuilt only when missing; the path of the binary is printed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=v0.50.16
out=${KDX_K9S_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kdx/k9s/$version}
mkdir -p "$out"
if [ ! -x "$out/k9s" ]; then
  echo "k9s: building k9s $version (first time only; a few minutes on 2 cores)..." >&2
  start=$SECONDS
  pkg=github.com/derailed/k9s/cmd
  (cd "$here" && go build -trimpath -ldflags "-s -w -X $pkg.version=$version -X $pkg.commit=proxy -X $pkg.date=2026-01-01T00:00:00Z" \
    -o "$out/k9s.tmp" github.com/derailed/k9s)
  mv "$out/k9s.tmp" "$out/k9s"
  echo "k9s: built in $((SECONDS - start))s" >&2
fi
echo "$out/k9s"

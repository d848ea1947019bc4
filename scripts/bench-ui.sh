#!/usr/bin/env bash
# Bench rows of issue 25: the explorer, `kdx ui configmaps -A`, beside k9s
# v0.50.16 on the same server, each the real binary under a pseudo-terminal
# of 200x50 whose screen is read by a terminal emulator in Go
# (internal/bench/uibench, on internal/ttytest). The KUBECTL columns hold k9s.
#  1. first rows: from the start to the first ConfigMap row on screen
#     (budget <= 0.5 s and <= 0.25x k9s);
#  2. whole list: from the start until the title's count is every ConfigMap
#     and G (end) shows the last row (budget <= 1.5 s);
#  3. / filter: from the "/" keystroke (the name of one ConfigMap typed
#     after it) to the screen of the one row (budget <= 50 ms);
#  4. RSS: the peak RSS of each after UI_LIVE of live updates, one write a
#     second, both running at once (budget <= 0.3x k9s and <= 120 MB).
# Medians of BENCH_RUNS runs after one warm-up run.
#
# scripts/bench.sh runs it with bench-lib.sh sourced; on its own:
#
#   KDX=bin/kdx KUBECONFIG=... bash scripts/bench-ui.sh
#
# Environment: KDX, KUBECONFIG; UI_LIVE, the live updates before the RSS
# is read (default 5m, 1m with BENCH_SCALE=small; 0 for no RSS row);
# BENCH_K9S, the k9s binary (default: built once by testdata/k9s/build.sh,
# a few minutes on 2 cores, then cached), or "none" for kdx alone.
set -uo pipefail
if ! declare -F bench_print_row >/dev/null; then
  # shellcheck source=scripts/bench-lib.sh
  source "${BENCH_LIB:-$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh}"
  bench_init || exit 1
fi

case ${BENCH_SCALE:-full} in
  small) ui_live=${UI_LIVE:-1m} ;;
  *) ui_live=${UI_LIVE:-5m} ;;
esac
uibench=$BENCH_WORK/bin/uibench
if [ ! -x "$uibench" ]; then
  (cd "$BENCH_ROOT" && go build -o "$uibench" ./internal/bench/uibench) || {
    bench_print_row "ui first rows cm -A" - - - - - - - - - "n/a (uibench did not build)"
    exit 0
  }
fi
k9s=${BENCH_K9S:-}
if [ -z "$k9s" ]; then
  bench_log "ui: building k9s v0.50.16 (cached after the first time)"
  k9s=$(bash "$BENCH_ROOT/testdata/k9s/build.sh") || { bench_log "ui: k9s did not build; kdx alone"; k9s=none; }
fi
[ "$k9s" = none ] && k9s=""

bench_log "ui: kdx ui and ${k9s:-no k9s} under a 200x50 pty, $BENCH_RUNS runs; then ${ui_live} of live updates"
out=$("$uibench" -kdx "$KDX" -k9s "$k9s" -kubeconfig "$KUBECONFIG" -work "$BENCH_WORK/ui" -runs "$BENCH_RUNS" -live "$ui_live" 2>"$BENCH_WORK/uibench.err")
status=$?
grep '^uibench: ' "$BENCH_WORK/uibench.err" >&2
if [ $status -ne 0 ] || [ -z "$out" ]; then
  bench_print_row "ui first rows cm -A" - - - - - - - - - "n/a ($(tail -n1 "$BENCH_WORK/uibench.err"))"
  exit 0
fi

# field NAME KEY prints KEY= of NAME's line ("-" when missing).
field() { awk -v n="$1" -v k="$2" '$1 == n { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' <<<"$out" | grep . || echo -; }
# absolute VALUE MAX prints nothing when VALUE <= MAX, else what missed.
absolute() { [ "$1" = - ] && { echo "no figure"; return; }; bench_within "$1" "$2" || echo "$1 > $2"; }
verdict() { # MISSED...
  local missed=""
  for m in "$@"; do [ -n "$m" ] && missed="${missed:+$missed, }$m"; done
  if [ -n "$missed" ]; then echo "FAIL ($missed)"; else echo PASS; fi
}
ratio_missed() { # RATIO MAX
  [ "$1" = - ] && return
  bench_within "$1" "$2" || echo "${1}x > ${2}x"
}

total=$(field kdx total)
for row in first whole filter; do
  k=$(field kdx $row) c=$(field k9s $row)
  x=$(bench_ratio "$k" "$c")
  case $row in
    first) name="ui first rows cm -A ($total)"; budget="t<=0.5s,0.25x" result=$(verdict "$(absolute "$k" 0.5)" "$(ratio_missed "$x" 0.25)") ;;
    whole) name="ui whole list cm -A"; budget="t<=1.5s" result=$(verdict "$(absolute "$k" 1.5)") ;;
    filter) name="ui / filter (1 row)"; budget="t<=0.05s" result=$(verdict "$(absolute "$k" 0.05)") ;;
  esac
  bench_print_row "$name" "$k" "$c" - "$x" - - - - "$budget" "$result"
done
if [ "$ui_live" != 0 ]; then
  k=$(field kdx rss) c=$(field k9s rss)
  x=$(bench_ratio "$k" "$c")
  bench_print_row "ui RSS after ${ui_live} live" - - - - "$k" "$c" - "$x" "rss<=0.3x,120MB" \
    "$(verdict "$(absolute "$k" 120)" "$(ratio_missed "$x" 0.3)")"
fi

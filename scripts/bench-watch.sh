#!/usr/bin/env bash
# Bench rows of issue 5: `kdx watch -o jsonl` against a writer.
#  1. events/s: a writer (internal/bench/watchload) creates 10,000 ConfigMaps
#     as fast as the server takes them; kdx must keep up: the last event
#     arrives within 1 s of the last write (LAG s, budget <= 1).
#  2. RSS: the same watch then sees WATCH_ROUNDS rounds of updates of every
#     object; peak RSS after the last round over peak RSS after the creations
#     must stay flat (budget <= 1.1x): kdx keeps key -> resourceVersion only.
#
# scripts/bench.sh runs it with bench-lib.sh sourced; on its own:
#
#   KDX=bin/kdx KUBECONFIG=... bash scripts/bench-watch.sh
#
# Environment: KDX, KUBECONFIG; WATCH_COUNT (default 10000), WATCH_ROUNDS (default 5).
set -uo pipefail
if ! declare -F bench_print_row >/dev/null; then
  # shellcheck source=scripts/bench-lib.sh
  source "${BENCH_LIB:-$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh}"
  bench_init || exit 1
fi

watch_count=${WATCH_COUNT:-10000}
watch_rounds=${WATCH_ROUNDS:-5}
watchload=$BENCH_WORK/bin/watchload
if [ ! -x "$watchload" ]; then
  (cd "$BENCH_ROOT" && go build -o "$watchload" ./internal/bench/watchload) || {
    bench_print_row "watch -o jsonl events/s" - - - - - - - - - "n/a (watchload did not build)"
    exit 0
  }
fi

bench_log "watch: $watch_count creates, then $watch_rounds rounds of updates, while kdx watch -o jsonl reads"
if ! result=$("$watchload" -kdx "$KDX" -count "$watch_count" -rounds "$watch_rounds" 2>"$BENCH_WORK/watchload.err"); then
  bench_print_row "watch -o jsonl events/s" - - - - - - - - - "n/a ($(tail -n1 "$BENCH_WORK/watchload.err"))"
  exit 0
fi
read -r rate lag rss_first rss_last events <<<"$result"
bench_log "watch: kdx printed $events events; $(grep -c '^Warning' "$BENCH_WORK/watchload.err" || true) reconnection warnings"

lag_verdict=PASS
bench_within "$lag" 1 || lag_verdict="FAIL (last event ${lag}s after the last write)"
bench_print_row "watch -o jsonl ${rate} ev/s" "$lag" - - - "$rss_first" - - - "lag<=1s" "$lag_verdict"

rss_x=$(bench_ratio "$rss_last" "$rss_first")
rss_verdict=PASS
bench_within "$rss_x" 1.1 || rss_verdict="FAIL (rss ${rss_x}x > 1.1x)"
bench_print_row "watch RSS after $((watch_count * (watch_rounds + 1))) ev" - - - - "$rss_last" "$rss_first" - "$rss_x" "rss<=1.1" "$rss_verdict"

# shellcheck shell=bash
# Functions for `make bench` scripts: scripts/bench.sh sources this file and
# runs scripts/bench-*.sh with it already sourced. A script run on its own
# sources it first:
#
#   source "${BENCH_LIB:-$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh}"
#   bench_init            # needs KDX, KUBECTL, KUBECONFIG; builds the helpers
#   bench_row "get configmaps -A" 0.2 0.3 --floor "table /api/v1/configmaps" \
#     "$KDX" get configmaps -A --vs "$KUBECTL" get configmaps -A
#
# Environment: KDX, KUBECTL (v1.37.2, not the one on PATH), KUBECONFIG,
# BENCH_RUNS (measured runs per command, default 5), BENCH_WORK (scratch
# directory), BENCH_RESULTS (a TSV file that every row is appended to).

# BENCH_LIB is this file, for scripts that need to source it again.
BENCH_LIB=${BENCH_LIB:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/bench-lib.sh}
BENCH_ROOT=${BENCH_ROOT:-$(cd "$(dirname "$BENCH_LIB")/.." && pwd)}
BENCH_RUNS=${BENCH_RUNS:-5}
export BENCH_LIB BENCH_ROOT BENCH_RUNS

# bench_log prints a progress message on stderr.
bench_log() { printf 'bench: %s\n' "$*" >&2; }

# bench_default_kubectl prints the path of kubectl v1.37.2 from the control
# plane build (the kubectl on PATH is outside the supported version skew).
bench_default_kubectl() {
  printf '%s/kubectl\n' "${KDX_CONTROLPLANE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kdx/controlplane/v1.37.2}"
}

# bench_init checks KDX and KUBECTL, creates BENCH_WORK (a new temporary
# directory when unset) and builds the Go helpers (measure, floor, seed) into
# BENCH_WORK/bin once. The commands reach the server of KUBECONFIG.
bench_init() {
  : "${KDX:?KDX must name the kdx binary}"
  KUBECTL=${KUBECTL:-$(bench_default_kubectl)}
  [ -x "$KUBECTL" ] || { bench_log "kubectl not found at $KUBECTL (run make controlplane)"; return 1; }
  if [ -z "${BENCH_WORK:-}" ]; then
    BENCH_WORK=$(mktemp -d -t kdx-bench.XXXXXX) || return 1
  fi
  mkdir -p "$BENCH_WORK" && BENCH_WORK=$(cd "$BENCH_WORK" && pwd) || return 1
  export KDX KUBECTL BENCH_WORK
  bench_build_helpers
}

# bench_build_helpers builds the helpers unless BENCH_MEASURE etc. are set.
bench_build_helpers() {
  local bin=$BENCH_WORK/bin
  mkdir -p "$bin" || return 1
  if [ ! -x "$bin/measure" ] || [ ! -x "$bin/floor" ] || [ ! -x "$bin/seed" ]; then
    (cd "$BENCH_ROOT" && go build -o "$bin/" ./internal/bench/measure ./internal/bench/floor ./internal/bench/seed) || return 1
  fi
  BENCH_MEASURE=${BENCH_MEASURE:-$bin/measure}
  BENCH_FLOOR=${BENCH_FLOOR:-$bin/floor}
  BENCH_SEED_BIN=${BENCH_SEED_BIN:-$bin/seed}
  export BENCH_MEASURE BENCH_FLOOR BENCH_SEED_BIN
}

# bench_measure PREFIX [MEASURE_FLAGS...] -- COMMAND [ARG...]
# runs COMMAND BENCH_RUNS times (after one warm-up run; stdout to /dev/null)
# and sets PREFIX_ok (1 or 0), PREFIX_time (median seconds), PREFIX_rss
# (median peak RSS in MB), PREFIX_bytes (output size of the warm-up run, -1
# when unknown) and PREFIX_err (the first stderr line of a failed run,
# without "error: "). "{fresh}" in an argument is a new directory per run;
# --setup 'shell command' runs untimed before every run; --warmup N.
bench_measure() {
  local prefix=$1 line status time rss bytes
  shift
  line=$("$BENCH_MEASURE" --runs "$BENCH_RUNS" "$@" 2>&1 | tail -n 1)
  read -r status time rss _ _ bytes <<<"$line"
  printf -v "${prefix}_bytes" %s "${bytes:--1}"
  if [ "$status" = ok ]; then
    printf -v "${prefix}_ok" 1
    printf -v "${prefix}_time" %s "$time"
    printf -v "${prefix}_rss" %s "$rss"
    printf -v "${prefix}_err" ''
    return 0
  fi
  line=${line#error }
  line=${line#error: }
  [ ${#line} -gt 90 ] && line="${line:0:87}..."
  printf -v "${prefix}_ok" 0
  printf -v "${prefix}_time" '-'
  printf -v "${prefix}_rss" '-'
  printf -v "${prefix}_err" %s "${line:-measure failed}"
  return 1
}

# bench_ratio A B prints A/B with two decimals, or "-" when either is not a number.
bench_ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0) { print "-"; exit }
    printf "%.2f\n", a / b }'
}

# bench_within RATIO BUDGET succeeds when RATIO <= BUDGET.
bench_within() {
  awk -v r="$1" -v b="$2" 'BEGIN { exit !(r + 0 <= b + 0) }'
}

# BENCH_FORMAT lays out a table row: name, kdx s, kubectl s, floor s, time
# ratio, kdx MB, kubectl MB, floor MB, RSS ratio, budget, result.
BENCH_FORMAT='%-30s %7s %9s %7s %6s %7s %10s %8s %6s  %-18s %s\n'

# bench_header prints the column titles.
bench_header() {
  # shellcheck disable=SC2059
  printf "$BENCH_FORMAT" ROW "KDX s" "KUBECTL s" "FLOOR s" "TIME x" "KDX MB" "KUBECTL MB" "FLOOR MB" "RSS x" BUDGET RESULT
}

# bench_print_row NAME KDX_S KUBECTL_S FLOOR_S TIME_X KDX_MB KUBECTL_MB FLOOR_MB RSS_X BUDGET RESULT
# prints one row and appends it, tab-separated, to BENCH_RESULTS when set.
# Scripts whose figures are not a pair of commands (events per second, ...)
# call it directly.
bench_print_row() {
  # shellcheck disable=SC2059
  printf "$BENCH_FORMAT" "$@"
  if [ -n "${BENCH_RESULTS:-}" ]; then
    local IFS=$'\t'
    printf '%s\n' "$*" >>"$BENCH_RESULTS"
  fi
}

# bench_budget_text TIME_BUDGET RSS_BUDGET prints the budget column.
bench_budget_text() {
  local text=""
  case $1 in
    -) ;;
    f*) text="t<=${1#f}x floor" ;;
    *) text="t<=$1" ;;
  esac
  [ "$2" != - ] && text="${text:+$text }rss<=$2"
  printf '%s\n' "${text:--}"
}

# bench_verdict TIME_X RSS_X TIME_BUDGET RSS_BUDGET prints PASS, FAIL (with
# what missed) or "report" when there is no budget.
bench_verdict() {
  local missed=""
  if [ "$3" = - ] && [ "$4" = - ]; then printf 'report\n'; return; fi
  if [ "$3" != - ] && ! bench_within "$1" "$3"; then missed="time ${1}x > ${3}x"; fi
  if [ "$4" != - ] && ! bench_within "$2" "$4"; then missed="${missed:+$missed, }rss ${2}x > ${4}x"; fi
  if [ -n "$missed" ]; then printf 'FAIL (%s)\n' "$missed"; else printf 'PASS\n'; fi
}

# bench_output_note KDX_BYTES KUBECTL_BYTES prints a warning to append to the
# result when the two commands printed very different amounts (a sign that
# they did not do the same work), and nothing otherwise.
bench_output_note() {
  awk -v k="$1" -v c="$2" 'BEGIN {
    if (k < 0 || c < 0) exit
    if (k == c || (k >= c / 2 && k <= c * 2 && k > 0)) exit
    printf " [output: kdx %d B, kubectl %d B]", k, c }'
}

# bench_row [--setup CMD] [--warmup N] [--floor "FLOOR_ARGS"] NAME TIME_BUDGET RSS_BUDGET KDX_CMD... --vs KUBECTL_CMD...
# measures both commands the same way and prints a row with the medians, the
# kdx/kubectl ratios and PASS or FAIL against the budgets (maximum ratios, "-"
# for none; a time budget "fN" is N times the floor instead of kubectl). --floor runs the floor helper with FLOOR_ARGS (split on spaces)
# for the FLOOR column, with the same --setup and --warmup as the commands. A
# command that fails shows as n/a with its first error line. Missing a budget
# never fails the bench: it returns 0.
bench_row() {
  local -a opts=() kdx=() kubectl=()
  local floor_args=""
  while [ $# -gt 0 ]; do
    case $1 in
      --setup | --warmup) opts+=("$1" "$2"); shift 2 ;;
      --floor) floor_args=$2; shift 2 ;;
      *) break ;;
    esac
  done
  local name=$1 tbudget=$2 rbudget=$3
  shift 3
  while [ $# -gt 0 ] && [ "$1" != --vs ]; do kdx+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  kubectl=("$@")
  bench_log "measuring: $name"
  bench_measure _bk "${opts[@]}" -- "${kdx[@]}" || true
  bench_measure _bc "${opts[@]}" -- "${kubectl[@]}" || true
  _bf_time=- _bf_rss=-
  if [ -n "$floor_args" ]; then
    # shellcheck disable=SC2086
    bench_measure _bf "${opts[@]}" -- "$BENCH_FLOOR" --kubeconfig "$KUBECONFIG" $floor_args ||
      bench_log "floor failed: $_bf_err"
  fi
  bench_emit_row "$name" "$tbudget" "$rbudget"
}

# bench_emit_row NAME TIME_BUDGET RSS_BUDGET prints the row of the
# measurements bench_row left in _bk_* (kdx), _bc_* (kubectl) and _bf_* (floor).
bench_emit_row() {
  local name=$1 tbudget=$2 rbudget=$3 budget tx rx result vtx vtbudget
  budget=$(bench_budget_text "$tbudget" "$rbudget")
  tx=$(bench_ratio "$_bk_time" "$_bc_time")
  rx=$(bench_ratio "$_bk_rss" "$_bc_rss")
  # A time budget "fN" is N times the floor (the same requests as plain
  # HTTP), not a ratio to kubectl.
  vtx=$tx vtbudget=$tbudget
  case $tbudget in
    f*) vtx=$(bench_ratio "$_bk_time" "$_bf_time") vtbudget=${tbudget#f} ;;
  esac
  if [ "$_bk_ok" != 1 ]; then
    result="n/a (kdx: $_bk_err)"
  elif [ "$_bc_ok" != 1 ]; then
    result="n/a (kubectl: $_bc_err)"
  else
    result="$(bench_verdict "$vtx" "$rx" "$vtbudget" "$rbudget")$(bench_output_note "$_bk_bytes" "$_bc_bytes")"
  fi
  bench_print_row "$name" "$_bk_time" "$_bc_time" "$_bf_time" "$tx" "$_bk_rss" "$_bc_rss" "$_bf_rss" "$rx" "$budget" "$result"
}

# bench_manifest FILE [SEED_FLAGS...] writes seeded-style objects as one
# multi-document YAML file (namespaces and CRDs first, then custom objects and
# ConfigMaps interleaved) for write benches, e.g. 1,000 of each under other
# names than the seed's:
#   bench_manifest "$BENCH_WORK/apply.yaml" --crds 20 --custom-objects 1000 --configmaps 1000 --name-prefix apply-
bench_manifest() {
  local file=$1
  shift
  "$BENCH_SEED_BIN" --manifest "$file" "$@"
}

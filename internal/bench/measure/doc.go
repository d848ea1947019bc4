// Command measure runs a command several times with its output discarded and
// prints the median wall time and the median peak RSS (the rusage Maxrss of
// the command and its descendants) on one line, for scripts/bench-lib.sh:
//
//	measure [--runs 5] [--warmup 1] [--setup 'shell command'] [--timeout 10m] -- COMMAND [ARG...]
//
// prints "ok MEDIAN_SECONDS MEDIAN_RSS_MB MIN_SECONDS MAX_SECONDS OUTPUT_BYTES"
// and exits 0 (OUTPUT_BYTES is the size of the first warm-up run's output,
// which is counted instead of going to /dev/null; -1 without warm-up),
// or, when a run fails, "error FIRST_LINE_OF_ITS_STDERR" and exits 1. Each
// "{fresh}" in the arguments becomes a new empty directory for every run (a
// cold cache); --setup runs before every run, untimed.
//
// Go starts the command with vfork, and Linux counts the parent's resident
// memory at that moment (about 4 MB for measure) in the child's peak: a
// command that stays below it reads as about 4 MB.
package main

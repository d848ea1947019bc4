// Command cpuacct tells where the CPU time of a command and everything it
// starts went, by process name, with the kernel's process accounting: each
// process leaves a record when it exits (its name, its parent, its user and
// system time), so a process that lives 10 ms is counted as surely as one
// that lives 10 minutes. It measured where `make test`'s CPU-seconds go:
//
//	sudo go run ./internal/bench/cpuacct -- make test
//	sudo go run ./internal/bench/cpuacct --parents -- go test -race ./test/e2e
//
// prints one line per process name (with --parents, per name and parent
// name), the most CPU first:
//
//	355.0 CPU-s  1082 processes  kdx <- e2e.test
//
// Accounting is machine-wide and needs CAP_SYS_PACCT (root): every process
// that exits while it is on is counted, so measure on a quiet machine. The
// records are kept with --file.
package main

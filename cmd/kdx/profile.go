package main

import (
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile to $KDX_CPUPROFILE when it is set, for
// `go tool pprof`; the returned function stops it.
func startProfile() func() {
	path := os.Getenv("KDX_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

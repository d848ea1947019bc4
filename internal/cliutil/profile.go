package cliutil

import (
	"os"
	"runtime"
	"runtime/pprof"
)

// StartProfile writes a CPU profile to $KDX_CPUPROFILE and a heap profile
// to $KDX_MEMPROFILE (at exit: what was allocated where, alloc_space, and
// what is still held, inuse_space) when they are set, for `go tool pprof`;
// the returned function stops them.
func StartProfile() func() {
	stopCPU := func() {}
	if path := os.Getenv("KDX_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if err := pprof.StartCPUProfile(f); err != nil {
				f.Close()
			} else {
				stopCPU = func() { pprof.StopCPUProfile(); f.Close() }
			}
		}
	}
	mem := os.Getenv("KDX_MEMPROFILE")
	return func() {
		stopCPU()
		if mem == "" {
			return
		}
		if f, err := os.Create(mem); err == nil {
			runtime.GC() // up to date inuse figures
			_ = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
}

// Package version reports the version of the kdx binary.
package version

import (
	"runtime"
	"runtime/debug"
)

// Version is set at build time with
// -ldflags "-X github.com/kdxproject/kdx/internal/version.Version=v1.2.3".
var Version = ""

// Info describes a kdx build, with field names that match the server's
// /version document so that both print alike.
type Info struct {
	GitVersion string `json:"gitVersion"`
	GitCommit  string `json:"gitCommit,omitempty"`
	GoVersion  string `json:"goVersion"`
	Compiler   string `json:"compiler"`
	Platform   string `json:"platform"`
}

// Get returns the version of the running binary: the linker-set Version, else
// the module version recorded by `go install`, else "v0.0.0-dev".
func Get() Info {
	info := Info{
		GitVersion: Version,
		GoVersion:  runtime.Version(),
		Compiler:   runtime.Compiler,
		Platform:   runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if info.GitVersion == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.GitVersion = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				info.GitCommit = s.Value
			}
		}
	}
	if info.GitVersion == "" {
		info.GitVersion = "v0.0.0-dev"
	}
	return info
}

// UserAgent is the User-Agent kdx sends to API servers.
func UserAgent() string {
	return "kdx/" + Get().GitVersion + " (" + runtime.GOOS + "/" + runtime.GOARCH + ")"
}

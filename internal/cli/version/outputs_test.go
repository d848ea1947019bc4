package version

import (
	"runtime"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// TestVersionOutputs pins what version prints, byte for byte, for one
// context and a fleet: every -o, --client, a server out of reach, a fleet
// with a context down or all down, and bad flags (testdata/outputs.golden).
func TestVersionOutputs(t *testing.T) {
	srv := clitest.NewAPIServer(t).URL
	one := clitest.ForServer
	fleet := func(servers map[string]string) func() *clitest.Factory { return clitest.ForFleet(srv, servers) }
	up, oneDown, allDown := fleet(nil), fleet(map[string]string{"b": ""}), fleet(map[string]string{"a": "", "b": "", "c": ""})
	cases := []struct {
		f    func() *clitest.Factory
		args []string
	}{
		{one(srv), nil},
		{one(srv), []string{"-o", "json"}},
		{one(srv), []string{"-o", "yaml"}},
		{one(srv), []string{"--client"}},
		{one(srv), []string{"--client", "-o", "json"}},
		{one(srv), []string{"--client", "-o", "yaml"}},
		{one(""), nil},
		{one(""), []string{"-o", "json"}},
		{one(""), []string{"-o", "yaml"}},
		{one(""), []string{"--client"}},
		{one(srv), []string{"-o", "wide"}},
		{one(srv), []string{"--bogus"}},
		{one(srv), []string{"extra"}},
		{up, nil},
		{up, []string{"-o", "json"}},
		{up, []string{"-o", "yaml"}},
		{up, []string{"--client"}},
		{up, []string{"--client", "-o", "json"}},
		{oneDown, nil},
		{oneDown, []string{"-o", "json"}},
		{oneDown, []string{"-o", "yaml"}},
		{allDown, nil},
		{allDown, []string{"-o", "json"}},
		{allDown, []string{"-o", "yaml"}},
		{up, []string{"-o", "name"}},
	}
	var b strings.Builder
	for _, c := range cases {
		f := c.f()
		b.WriteString(clitest.Run(f, NewCmd(f), c.args...))
	}
	// the client's build, the same on every machine
	got := strings.NewReplacer(runtime.Version(), "GOVERSION", runtime.GOOS+"/"+runtime.GOARCH, "PLATFORM", "linux/amd64", "PLATFORM").Replace(b.String())
	clitest.Golden(t, "outputs", got)
}

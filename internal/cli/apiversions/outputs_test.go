package apiversions

import (
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// TestAPIVersionsOutputs pins what api-versions prints, byte for byte, for
// one context and a fleet: a group that cannot be read (a warning), a
// server out of reach, a fleet whose contexts serve different groups, with
// a context down or all down, and a bad argument (testdata/outputs.golden).
func TestAPIVersionsOutputs(t *testing.T) {
	srv := clitest.NewAPIServer(t, resources[0], resources[1],
		clitest.Resource{Group: "broken.example.com", Plural: "widgets", Kind: "Widget", Stale: true}).URL
	other := clitest.NewAPIServer(t, resources[0], resources[2]).URL
	one := clitest.ForServer
	fleet := func(servers map[string]string) func() *clitest.Factory { return clitest.ForFleet(srv, servers) }
	cases := []struct {
		f    func() *clitest.Factory
		args []string
	}{
		{one(srv), nil},
		{one(other), nil},
		{one(""), nil},
		{one(srv), []string{"v1"}},
		{one(srv), []string{"--bogus"}},
		{fleet(map[string]string{"b": other}), nil},
		{fleet(map[string]string{"b": ""}), nil},
		{fleet(map[string]string{"a": "", "b": "", "c": ""}), nil},
		{fleet(nil), []string{"v1"}},
	}
	var b strings.Builder
	for _, c := range cases {
		f := c.f()
		b.WriteString(clitest.Run(f, NewCmd(f), c.args...))
	}
	clitest.Golden(t, "outputs", b.String())
}

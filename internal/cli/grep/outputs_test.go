package grep

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// TestGrepOutputs pins what grep prints, byte for byte, for one context
// and a fleet: match lines, every -o, nothing matched, a type that cannot
// be listed, an unknown type, a server out of reach, a fleet whose
// contexts hold different objects and types, with a context down or all
// down, and bad input; exit codes are grep's (testdata/outputs.golden).
func TestGrepOutputs(t *testing.T) {
	srv := newServer(t).URL
	// other: ConfigMaps only, d (color: blue) in default
	otherAPI := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	otherAPI.Put("/api/v1/namespaces/default/configmaps/d", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d","namespace":"default"},"data":{"color":"blue"}}`)
	other := otherAPI.URL
	// forbidding: srv, where Secrets may not be listed
	forbidding := clitest.Refusing(t, srv, func(r *http.Request) bool { return strings.Contains(r.URL.Path, "/secrets") },
		http.StatusForbidden, "Forbidden", `secrets is forbidden: User "u" cannot list resource "secrets"`)
	one := clitest.ForServer
	fleet := func(servers map[string]string) func() *clitest.Factory { return clitest.ForFleet(srv, servers) }
	up, withDown, allDown := fleet(map[string]string{"b": other}), fleet(map[string]string{"b": ""}), fleet(map[string]string{"a": "", "b": "", "c": ""})
	forbiddingFleet := fleet(map[string]string{"b": other, "c": forbidding})
	cases := []struct {
		f    func() *clitest.Factory
		args []string
	}{
		{one(srv), []string{"blue", "cm,secrets"}},
		{one(srv), []string{"-i", "blue", "cm", "-A"}},
		{one(srv), []string{"blue", "cm,secrets", "-A", "-o", "name"}},
		{one(srv), []string{"blue", "cm,secrets", "-o", "json"}},
		{one(srv), []string{"blue", "cm,secrets", "-o", "jsonl"}},
		{one(srv), []string{"blue", "cm,secrets", "-o", "yaml"}},
		{one(srv), []string{"nothing", "cm"}},
		{one(srv), []string{"nothing", "cm", "-o", "json"}},
		{one(srv), []string{"nothing", "cm", "-o", "yaml"}},
		{one(srv), []string{"nothing", "cm", "-o", "name"}},
		{one(srv), []string{"blue", "--all-types", "-A"}},
		{one(srv), []string{"blue", "cm/a", "cm/zz"}},
		{one(srv), []string{"blue", "nosuch"}},
		{one(forbidding), []string{"blue", "cm,secrets"}},
		{one(forbidding), []string{"blue", "secrets"}},
		{one(forbidding), []string{"blue", "--all-types"}},
		{one(""), []string{"blue", "cm"}},
		{one(srv), []string{"(", "cm"}},
		{one(srv), []string{"blue"}},
		{one(srv), []string{"blue", "cm", "-o", "wide"}},
		{up, []string{"blue", "cm"}},
		{up, []string{"-i", "blue", "cm", "-A"}},
		{up, []string{"blue", "cm", "-A", "-o", "name"}},
		{up, []string{"blue", "cm", "-o", "json"}},
		{up, []string{"blue", "cm", "-o", "jsonl"}},
		{up, []string{"blue", "cm", "-o", "yaml"}},
		{up, []string{"nothing", "cm"}},
		{up, []string{"nothing", "cm", "-o", "json"}},
		{up, []string{"nothing", "cm", "-o", "yaml"}},
		{up, []string{"blue", "cm,secrets"}},
		{up, []string{"blue", "--all-types"}},
		{forbiddingFleet, []string{"blue", "cm,secrets"}},
		{forbiddingFleet, []string{"blue", "secrets", "-o", "json"}},
		{withDown, []string{"blue", "cm"}},
		{withDown, []string{"blue", "cm", "-o", "yaml"}},
		{withDown, []string{"nothing", "cm"}},
		{allDown, []string{"blue", "cm"}},
		{allDown, []string{"blue", "cm", "-o", "json"}},
		{up, []string{"(", "cm"}},
	}
	var b strings.Builder
	for _, c := range cases {
		f := c.f()
		b.WriteString(clitest.Run(f, NewCmd(f), c.args...))
	}
	got := strings.NewReplacer(srv, "SERVER", other, "OTHER", forbidding, "FORBIDDING").Replace(b.String())
	clitest.Golden(t, "outputs", got)
}

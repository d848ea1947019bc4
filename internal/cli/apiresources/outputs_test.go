package apiresources

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// TestAPIResourcesOutputs pins what api-resources prints, byte for byte,
// for one context and a fleet: every -o, --count (with a type that cannot
// be counted), --cached and --refresh, --strict, the filters, a server out
// of reach, a fleet whose contexts serve different types, with a context
// down or all down, and bad flags (testdata/outputs.golden).
func TestAPIResourcesOutputs(t *testing.T) {
	cm := clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"}
	gadgets := clitest.Resource{Group: "shop.example.com", Plural: "gadgets", Kind: "Gadget", Short: "gd"}
	widgets := clitest.Resource{Group: "apps.example.com", Plural: "widgets", Kind: "Widget", Short: "wd"}
	stale := clitest.Resource{Group: "broken.example.com", Plural: "things", Kind: "Thing", Stale: true}
	api := clitest.NewAPIServer(t, cm, gadgets, stale)
	api.Put("/api/v1/namespaces/default/configmaps/a", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default"}}`)
	api.Put("/api/v1/namespaces/shop/configmaps/b", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"shop"}}`)
	srv := api.URL
	other := clitest.NewAPIServer(t, cm, widgets).URL
	// forbidding: srv, where gadgets may not be listed
	forbidding := clitest.Refusing(t, srv, func(r *http.Request) bool { return strings.Contains(r.URL.Path, "/gadgets") },
		http.StatusForbidden, "Forbidden", `gadgets.shop.example.com is forbidden: User "u" cannot list resource "gadgets"`)
	// refusing: srv, whose discovery answers but whose lists refuse the credentials
	refusing := clitest.Refusing(t, srv, func(r *http.Request) bool { return r.URL.Path != "/api" && r.URL.Path != "/apis" },
		http.StatusUnauthorized, "Unauthorized", "Unauthorized")
	cache := t.TempDir()
	withCache := func(mk func() *clitest.Factory) func() *clitest.Factory { // every run shares one discovery cache
		return func() *clitest.Factory {
			f := mk()
			f.Cache = cache
			return f
		}
	}
	one := func(server string) func() *clitest.Factory { return withCache(clitest.ForServer(server)) }
	inShop := func() *clitest.Factory {
		f := one(srv)()
		f.Namespace, f.ExplicitNamespace = "shop", true
		return f
	}
	fleet := func(servers map[string]string) func() *clitest.Factory {
		return withCache(clitest.ForFleet(srv, servers))
	}
	up, withDown, allDown := fleet(map[string]string{"b": other}), fleet(map[string]string{"b": ""}), fleet(map[string]string{"a": "", "b": "", "c": ""})
	forbiddingFleet := fleet(map[string]string{"b": other, "c": forbidding})
	refusingFleet := fleet(map[string]string{"b": other, "c": refusing})
	cases := []struct {
		f    func() *clitest.Factory
		args []string
	}{
		{one(srv), nil},
		{one(srv), []string{"-o", "wide"}},
		{one(srv), []string{"-o", "name"}},
		{one(srv), []string{"-o", "json"}},
		{one(srv), []string{"-o", "yaml"}},
		{one(srv), []string{"--no-headers"}},
		{one(srv), []string{"--sort-by", "name"}},
		{one(srv), []string{"--sort-by", "kind", "-o", "wide"}},
		{one(srv), []string{"--api-group", ""}},
		{one(srv), []string{"--api-group", "shop.example.com", "-o", "name"}},
		{one(srv), []string{"--namespaced=false"}},
		{one(srv), []string{"--verbs", "list,watch", "--categories", "all"}},
		{one(srv), []string{"--count"}},
		{inShop, []string{"--count"}},
		{one(srv), []string{"--count", "-o", "wide"}},
		{one(srv), []string{"--count", "-o", "json"}},
		{one(srv), []string{"--count", "-o", "yaml"}},
		{one(srv), []string{"--count", "-o", "name"}},
		{one(forbidding), []string{"--count"}},
		{one(forbidding), []string{"--count", "-o", "json"}},
		{one(refusing), []string{"--count"}},
		{one(srv), []string{"--cached"}},
		{one(srv), []string{"--refresh", "-o", "name"}},
		{one(srv), []string{"--strict"}},
		{one(other), []string{"--strict", "-o", "name"}},
		{one(""), nil},
		{one(""), []string{"-o", "json"}},
		{one(srv), []string{"-o", "table"}},
		{one(srv), []string{"--sort-by", "group"}},
		{one(srv), []string{"--cached", "--refresh"}},
		{one(srv), []string{"--count", "--cached"}},
		{one(srv), []string{"extra"}},
		{up, nil},
		{up, []string{"--no-headers", "--sort-by", "kind"}},
		{up, []string{"-o", "wide"}},
		{up, []string{"-o", "name"}},
		{up, []string{"-o", "json"}},
		{up, []string{"-o", "yaml"}},
		{up, []string{"--count"}},
		{up, []string{"--count", "-o", "json"}},
		{up, []string{"--cached"}},
		{up, []string{"--strict"}},
		{forbiddingFleet, []string{"--count"}},
		{forbiddingFleet, []string{"--count", "-o", "yaml"}},
		{refusingFleet, []string{"--count"}},
		{refusingFleet, []string{"--count", "-o", "json"}},
		{withDown, nil},
		{withDown, []string{"-o", "json"}},
		{withDown, []string{"-o", "name"}},
		{allDown, nil},
		{allDown, []string{"-o", "json"}},
		{allDown, []string{"-o", "yaml"}},
		{allDown, []string{"-o", "name"}},
		{up, []string{"-o", "table"}},
	}
	var b strings.Builder
	for _, c := range cases {
		f := c.f()
		b.WriteString(clitest.Run(f, NewCmd(f), c.args...))
	}
	got := strings.NewReplacer(srv, "SERVER", other, "OTHER", forbidding, "FORBIDDING", refusing, "REFUSING").Replace(b.String())
	clitest.Golden(t, "outputs", got)
}

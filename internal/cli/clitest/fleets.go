package clitest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// ClosedServer is a cluster that refuses every request (403 Forbidden,
// "forbidden: the cluster is closed"): the member of a fleet that is down.
func ClosedServer(t testing.TB) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeStatus(w, http.StatusForbidden, "Forbidden", "forbidden: the cluster is closed")
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// GoldenFleet is a shape the golden tests run each case in: one context
// (east) when Contexts is nil, else a fleet of Contexts.
type GoldenFleet struct {
	Name     string
	Contexts []string
}

// GoldenFleets are one context, a fleet of two (east, west) and a fleet of
// three whose second member (down) refuses every request.
var GoldenFleets = []GoldenFleet{
	{Name: "one"},
	{Name: "two", Contexts: []string{"east", "west"}},
	{Name: "three", Contexts: []string{"east", "down", "west"}},
}

// Factory is a factory of the context east over servers (east, west and
// down by name), a fleet of g's contexts.
func (g GoldenFleet) Factory(servers map[string]string) *Factory {
	f := New()
	f.Server, f.Context, f.ContextList, f.Servers = servers["east"], "east", g.Contexts, servers
	return f
}

// GoldenName is a file name for a run's arguments.
func GoldenName(args []string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '=' || r == ',' {
			return r
		}
		return '_'
	}, strings.Join(args, "_"))
}

// GoldenAtOnce runs every case in every GoldenFleet at once (watches, each
// waiting out its time), then compares each run's transcript with
// testdata/PREFIX+FLEET_ARGS.golden. A fleet's lines come in the order its
// clusters answer: they are sorted before the comparison.
func GoldenAtOnce(t *testing.T, prefix string, cases [][]string, run func(fleet GoldenFleet, args []string) (stdout, stderr string, err error)) {
	t.Helper()
	type result struct{ name, got string }
	var results []*result
	var wg sync.WaitGroup
	for _, fleet := range GoldenFleets {
		for _, args := range cases {
			r := &result{name: prefix + fleet.Name + "_" + GoldenName(args)}
			results = append(results, r)
			wg.Go(func() {
				out, errOut, err := run(fleet, args)
				if fleet.Contexts != nil {
					out, errOut = SortedLines(out), SortedLines(errOut)
				}
				r.got = Transcript(args, out, errOut, err)
			})
		}
	}
	wg.Wait()
	for _, r := range results {
		t.Run(r.name, func(t *testing.T) { Golden(t, r.name, r.got) })
	}
}

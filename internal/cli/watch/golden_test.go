package watch

import (
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// fleetServers are east (newServer's objects), west (ConfigMaps a and b in
// default, c in shop) and down (a server that refuses every request).
func fleetServers(t *testing.T) map[string]string {
	west := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"},
		clitest.Resource{Group: "shop.example.com", Plural: "gadgets", Kind: "Gadget", Short: "gd"})
	for _, o := range []struct{ ns, name string }{{"default", "a"}, {"default", "b"}, {"shop", "c"}} {
		west.Put("/api/v1/namespaces/"+o.ns+"/configmaps/"+o.name, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"`+o.name+`","namespace":"`+o.ns+`","resourceVersion":"7","creationTimestamp":"2026-01-02T03:04:05Z"},"data":{"k":"w"}}`)
	}
	return map[string]string{"east": newServer(t).URL, "west": west.URL, "down": clitest.ClosedServer(t)}
}

// watchCases are the watches whose output the golden files pin, in one
// context (east) and in fleets; each ends at --timeout.
var watchCases = [][]string{
	{"cm"},
	{"cm", "-A"},
	{"cm,gadgets"},
	{"cm,gadgets", "-A", "--show-labels"},
	{"cm", "-o", "name"},
	{"cm", "-A", "-o", "name"},
	{"cm", "-o", "json"},
	{"cm", "-o", "yaml"},
	{"cm", "-A", "-o", "jsonl", "--output-watch-events"},
	{"cm", "--output-watch-events"},
	{"cm", "-o", "jsonpath={.metadata.name}"},
	{"cm", "--watch-only"},
	{"cm", "nope"},
	{"cm", "a", "nope", "-o", "name"},
	{"--all-types", "-o", "name"},
	{"--all-types", "--exclude", "configmaps,gadgets.shop.example.com"},
	{"nosuchtype"},
	{"cm", "-A", "--where", `object.metadata.name != "a"`},
}

// TestWatchGolden pins watch's output in one context and over fleets of
// two and three (one cluster refusing every request). A fleet's events
// come in arrival order: their lines are sorted before the comparison.
// Not parallel: its watches run at once, alone, not beside the timed
// watches of TestWatch and TestWatchChanges.
func TestWatchGolden(t *testing.T) {
	servers := fleetServers(t)
	clitest.GoldenAtOnce(t, "", watchCases, func(fleet clitest.GoldenFleet, args []string) (string, string, error) {
		// each waits for its --timeout, long enough for its list on a busy machine
		f := fleet.Factory(servers)
		return clitest.Execute(f, NewCmd(f), append(args, "--timeout", "8s")...)
	})
}

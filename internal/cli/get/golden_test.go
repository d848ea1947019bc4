package get

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// fleetServers are east (server's objects), west (ConfigMaps a in default
// and d in shop, a Gadget g in default) and down (a server that refuses
// every request).
func fleetServers(t *testing.T) map[string]string {
	east := server(t)
	west := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"},
		clitest.Resource{Group: "shop.example.com", Plural: "gadgets", Kind: "Gadget", Short: "gd"})
	west.Put("/api/v1/namespaces/default/configmaps/a", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default","creationTimestamp":"2026-01-02T03:04:05Z","labels":{"app":"web"}},"data":{"k":"w"}}`)
	west.Put("/api/v1/namespaces/shop/configmaps/d", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d","namespace":"shop","creationTimestamp":"2026-01-02T03:04:05Z"}}`)
	west.Put("/apis/shop.example.com/v1/namespaces/default/gadgets/g", `{"apiVersion":"shop.example.com/v1","kind":"Gadget","metadata":{"name":"g","namespace":"default","creationTimestamp":"2026-01-02T03:04:05Z"},"spec":{"size":2}}`)
	return map[string]string{"east": east.URL, "west": west.URL, "down": clitest.ClosedServer(t)}
}

// getCases are the runs of get whose output the golden files pin, in one
// context (east) and in fleets: the output of each must stay byte for byte.
var getCases = [][]string{
	{"cm"},
	{"cm", "-A"},
	{"cm", "-o", "wide"},
	{"cm", "-A", "--show-labels"},
	{"cm", "-L", "app,rank"},
	{"cm", "--show-kind"},
	{"cm", "--no-headers"},
	{"cm,gadgets", "-A"},
	{"cm", "gadgets", "-A"},
	{"gadgets,cm", "-A"},
	{"configmap/a", "cm/zz", "gadget/g"},
	{"cm", "a", "zz"},
	{"cm", "a", "zz", "-o", "name"},
	{"cm", "a", "zz", "-o", "json"},
	{"cm", "zz", "--ignore-not-found"},
	{"cm", "a", "-o", "json"},
	{"cm", "a", "-o", "yaml"},
	{"cm", "-A", "-o", "json"},
	{"cm", "-A", "-o", "yaml"},
	{"cm", "-A", "-o", "jsonl"},
	{"cm", "-A", "-o", "name"},
	{"cm", "-A", "-o", "kyaml"},
	{"cm", "-A", "-o", "jsonpath={.items[*].metadata.name}"},
	{"cm", "-A", "-o", "go-template={{range .items}}{{.metadata.name}} {{end}}"},
	{"cm", "-A", "-o", "custom-columns=NS:.metadata.namespace,N:.metadata.name"},
	{"cm", "-A", "-o", "custom-columns=NS:.metadata.namespace,N:.metadata.name", "--no-headers"},
	{"cm", "-A", "--sort-by", "{.metadata.name}", "-o", "name"},
	{"cm", "-A", "--where", `object.metadata.name != "a"`},
	{"cm", "-A", "--where", `object.data.k == "v"`, "-o", "name"},
	{"cm", "-l", "app=none"},
	{"cm", "-l", "app=none", "-A"},
	{"cm", "-l", "app=none", "-o", "json"},
	{"cm", "-l", "app=none", "-o", "yaml"},
	{"gadgets"},
	{"gadgets", "-o", "name"},
	{"--all-types"},
	{"--all-types", "-A"},
	{"--all-types", "-A", "-o", "name"},
	{"--all-types", "-A", "-o", "json"},
	{"nosuchtype"},
	{"cm", "a", "-A"},
	{"--raw", "/version"},
	{"cm", "--server-print=false", "-A"},
}

// TestGetGolden pins get's output in one context and over fleets, with a
// cluster whose objects differ and one that refuses every request.
func TestGetGolden(t *testing.T) {
	servers := fleetServers(t)
	for _, fleet := range clitest.GoldenFleets {
		for _, args := range getCases {
			name := fleet.Name + " " + strings.Join(args, " ")
			t.Run(name, func(t *testing.T) {
				f := fleet.Factory(servers)
				start := time.Now()
				out, errOut, err := clitest.Execute(f, NewCmd(f), args...)
				if args[0] == "--raw" { // the server's /version
					out = strings.ReplaceAll(out, clitest.ServerVersion, "VERSION")
				}
				if slices.Contains(args, "--server-print=false") { // kdx's own AGE column
					out = maskAge(t, out, start, time.Now())
				}
				clitest.Golden(t, fleet.Name+"_"+clitest.GoldenName(args), clitest.Transcript(args, out, errOut, err))
			})
		}
	}
}

// maskAge writes "<age of clitest.Created>" for the age of the fake
// servers' objects at the ends of out's lines: the age kubectl prints for
// that creation time as of a moment from start to end, when get ran. It is
// the one part of the output that changes with the day; an age that is
// not that one stays, and fails the comparison.
func maskAge(t *testing.T, out string, start, end time.Time) string {
	t.Helper()
	created, err := time.Parse(time.RFC3339, clitest.Created)
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{start, end} {
		out = strings.ReplaceAll(out, " "+duration.HumanDuration(now.Sub(created))+"\n", " <age of clitest.Created>\n")
	}
	return out
}

// getWatchCases are the runs of get -w whose output the golden files pin;
// each is interrupted after a while (exit status 1, as kubectl's).
var getWatchCases = [][]string{
	{"cm", "-w"},
	{"cm", "-w", "-A", "-o", "name"},
	{"cm", "-w", "-o", "json", "--output-watch-events"},
	{"cm", "--watch-only"},
	{"cm", "a", "zz", "-w"},
	{"cm", "zz", "-w", "--ignore-not-found"},
	{"--all-types", "-w", "-o", "name"},
	{"--all-types", "-w", "--exclude", "configmaps,gadgets.shop.example.com"},
	{"nosuchtype", "-w"},
	{"cm", "-w", "-o", "kyaml"},
}

// TestGetWatchGolden pins get -w's output in one context and over fleets;
// a fleet's events come in arrival order: their lines are sorted.
func TestGetWatchGolden(t *testing.T) {
	servers := fleetServers(t)
	clitest.GoldenAtOnce(t, "watch_", getWatchCases, func(fleet clitest.GoldenFleet, args []string) (string, string, error) {
		// all at once, each long enough for its list on a busy machine
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
		defer cancel()
		f := fleet.Factory(servers)
		cmd := NewCmd(f)
		cmd.SetArgs(args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.ExecuteContext(ctx)
		return f.Out.String(), f.ErrOut.String(), err
	})
}

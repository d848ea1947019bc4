package cluster_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestMain starts one control plane for the end-to-end tests of the package.
func TestMain(m *testing.M) {
	testenv.Main(m, testenv.Options{NoControllerManager: true})
}

// TestExampleTwoClusters runs the package example's code against two real
// control planes: every object of every listable type, of both contexts,
// that the filter keeps, in context order; a context whose server is down
// is one line and the others are listed.
func TestExampleTwoClusters(t *testing.T) {
	env := testenv.Require(t)
	peer := testenv.StartPeer(t)
	ns := env.Namespace(t)
	peer.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n", ns))
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: " + ns + ", labels: {team: %s}}\n"
	secret := "apiVersion: v1\nkind: Secret\nmetadata: {name: %s, namespace: " + ns + ", labels: {team: %s}}\n"
	env.Apply(t, fmt.Sprintf(cm, "a1", "a")+"---\n"+fmt.Sprintf(cm, "a2", "b")+"---\n"+fmt.Sprintf(secret, "as", "a"))
	peer.Apply(t, fmt.Sprintf(cm, "b1", "a")+"---\n"+fmt.Sprintf(cm, "b2", "b"))
	down := testenv.StartPeer(t)
	kc := testenv.WriteFleetKubeconfig(t,
		testenv.FleetContext{Name: "a", Config: env.Config},
		testenv.FleetContext{Name: "b", Config: peer.Config},
		testenv.FleetContext{Name: "down", Config: down.Config})
	down.Stop()

	var out bytes.Buffer
	if err := listEverything(context.Background(), &out, kc, []string{"b", "down", "a"}, `object.metadata.labels.team == "a"`); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.Contains(line, " "+ns+"/") || strings.HasPrefix(line, "down: ") {
			got = append(got, line)
		}
	}
	want := []string{"b configmaps " + ns + "/b1", "down: ", "a configmaps " + ns + "/a1", "a secrets " + ns + "/as"}
	if len(got) != len(want) {
		t.Fatalf("got:\n%s\nwant:\n%s\nall output:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), out.String())
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("line %d: %q, want %q", i, got[i], want[i])
		}
	}
}

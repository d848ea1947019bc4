package e2e

// End-to-end test of `kdx ui` over a fleet: three contexts, one down.

import (
	"fmt"
	"strings"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/internal/testenv"
	"github.com/kdxproject/kdx/internal/ttytest"
)

// TestUIFleetOfThreeWithOneDown opens config maps over a (the main
// server), b (the shared peer) and c-down (a closed port): the table is
// kdx get's over the same fleet, CONTEXT first; c-down is a line naming it
// and the others stay live; a delete on b's row deletes in b only; :ctx
// switches to one context.
func TestUIFleetOfThreeWithOneDown(t *testing.T) {
	env := testenv.Require(t)
	peer := testenv.SharedPeer(t)
	t.Parallel()
	ns := env.Namespace(t)
	peer.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n", ns))
	t.Cleanup(func() { peer.RunKubectl(t, "delete", "namespace", ns, "--wait=false") })
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: " + ns + "\ndata:\n  k: v\n"
	env.Apply(t, fmt.Sprintf(cm, "only-in-a"))
	env.Apply(t, fmt.Sprintf(cm, "twin"))
	peer.Apply(t, fmt.Sprintf(cm, "only-in-b"))
	peer.Apply(t, fmt.Sprintf(cm, "twin"))
	down := rest.CopyConfig(peer.Config)
	down.Host = "https://127.0.0.1:1"
	kc := testenv.WriteFleetKubeconfig(t,
		testenv.FleetContext{Name: "a", Config: env.Config},
		testenv.FleetContext{Name: "b", Config: peer.Config},
		testenv.FleetContext{Name: "c-down", Config: down})

	term := startUI(t, env, 200, 24, "--kubeconfig", kc, "--context", "a,b,c-down", "-n", ns, "configmaps")
	screen := term.WaitFor("the rows of a and b", 0, func(s string) bool {
		return strings.Contains(s, "\na         only-in-a ") && strings.Contains(s, "\nb         only-in-b ") && !strings.Contains(s, "(listing)")
	})
	if !strings.Contains(screen, `context "c-down": `) || !strings.Contains(strings.Split(screen, "\n")[0], "context: a, b, c-down |") {
		t.Errorf("the cluster down is not named on the last line, or the title does not name the fleet:\n%s", screen)
	}
	want := env.Kdx(t, "get", "configmaps", "--kubeconfig", kc, "--context", "a,b,c-down", "-n", ns)
	if want.ExitCode != 1 || !strings.Contains(want.Stderr, `error: context "c-down"`) {
		t.Fatalf("kdx get over the fleet: exit %d, stderr %s", want.ExitCode, want.Stderr)
	}
	if got := tableOnScreen(screen); got != withoutAges(strings.TrimRight(want.Stdout, "\n")) {
		t.Errorf("the fleet's table on screen:\n%s\nkdx get prints:\n%s", got, want.Stdout)
	}

	// b is live while c-down is down
	peer.Apply(t, fmt.Sprintf(cm, "new-in-b"))
	term.WaitText("\nb         new-in-b ")

	// a delete on b's twin (the last row) deletes it in b only
	term.Send("G", ctrlD)
	screen = term.WaitText("Delete configmap/twin?")
	if !strings.Contains(screen, "context: b ") {
		t.Errorf("the dialog does not name b:\n%s", screen)
	}
	term.Send("y")
	term.WaitText(`configmap "twin" deleted from ` + ns + " namespace (context b)")
	term.WaitFor("b's twin to go", 0, func(s string) bool { return !strings.Contains(s, "\nb         twin ") })
	if r := peer.RunKubectl(t, "get", "configmap", "twin", "-n", ns); r.ExitCode == 0 {
		t.Errorf("b's twin is still there")
	}
	kubectl(t, env, "get", "configmap", "twin", "-n", ns) // a's is not touched

	// :ctx lists the contexts; :ctx b uses b alone
	term.Type(":ctx")
	term.Send(ttytest.Enter)
	screen = term.WaitText("contexts: 3")
	// a row per context with kubectl config get-contexts's columns, the
	// current one named with (*) as k9s does, those in use marked *
	contexts := kubectl(t, env, "config", "get-contexts", "--kubeconfig", kc)
	for _, c := range []string{"a", "b", "c-down"} {
		var want []string
		for _, l := range strings.Split(contexts, "\n")[1:] {
			if f := strings.Fields(l); len(f) > 1 && (f[0] == c || f[0] == "*" && f[1] == c) {
				want = f
			}
		}
		if want == nil {
			t.Fatalf("kubectl config get-contexts does not list %s:\n%s", c, contexts)
		}
		if want[0] == "*" { // kubectl's CURRENT
			want = append([]string{want[1] + "(*)"}, want[2:]...)
		}
		row := lineStarting(screen, "*  "+want[0]+" ")
		if got := strings.Fields(row); strings.Join(got, " ") != "* "+strings.Join(want, " ") {
			t.Errorf(":ctx's row of %s is %q; kubectl config get-contexts says %q:\n%s", c, row, want, screen)
		}
	}
	if got := strings.Join(strings.Fields(lineStarting(screen, "   NAME ")), " "); got != "NAME CLUSTER AUTHINFO NAMESPACE" {
		t.Errorf(":ctx has no CLUSTER, AUTHINFO and NAMESPACE columns:\n%s", screen)
	}
	term.Send(ttytest.Esc)
	// an escape followed at once by ":" reads as alt+: (one key): wait
	// until the escape has closed the list
	term.WaitFor("the contexts list to close", 0, func(s string) bool { return !strings.Contains(s, "contexts: 3") })
	term.Type(":ctx b")
	term.Send(ttytest.Enter)
	term.WaitText("context: b | namespace: " + ns + " | api-resources: ")
	term.Type(":cm")
	term.Send(ttytest.Enter)
	screen = term.WaitText("\nonly-in-b ")
	if strings.Contains(screen, "CONTEXT") || strings.Contains(screen, "only-in-a") {
		t.Errorf("after :ctx b, the table is still the fleet's:\n%s", screen)
	}
	quit(t, term)
}

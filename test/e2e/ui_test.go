package e2e

// End-to-end tests of `kdx ui`: the built binary under a pseudo-terminal
// against the real control plane, its screen read by a terminal emulator.

import (
	"context"
	"encoding/base64"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
	"github.com/kdxproject/kdx/internal/ttytest"
)

// startUI runs `kdx ui args...` on a cols x rows terminal.
func startUI(t *testing.T, env *testenv.Env, cols, rows int, args ...string) *ttytest.Term {
	t.Helper()
	return startUIWith(t, env, nil, cols, rows, args...)
}

// startUIWith is startUI with more environment variables ("NAME=value").
func startUIWith(t *testing.T, env *testenv.Env, vars []string, cols, rows int, args ...string) *ttytest.Term {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cmd := env.KdxCommand(ctx, t, append([]string{"ui"}, args...)...)
	cmd.Env = append(append(cmd.Env, "TERM=xterm-256color"), vars...)
	return ttytest.Start(t, cmd, cols, rows)
}

// kubectl runs kubectl against env and fails the test if it fails.
func kubectl(t *testing.T, env *testenv.Env, args ...string) string {
	t.Helper()
	r := env.RunKubectl(t, args...)
	if r.ExitCode != 0 {
		t.Fatalf("kubectl %s: %s", strings.Join(args, " "), r.Stderr)
	}
	return r.Stdout
}

// tableOnScreen is the screen between the title and the footer lines,
// without its trailing blank lines and with its ages cut (see withoutAges).
func tableOnScreen(screen string) string {
	lines := strings.Split(screen, "\n")
	lines = lines[1 : len(lines)-1]
	return withoutAges(strings.TrimRight(strings.Join(lines, "\n"), "\n"))
}

// lineStarting is the first line of s that starts with prefix.
func lineStarting(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return strings.TrimRight(l, " ")
		}
	}
	return ""
}

// quit presses q and checks that kdx exits 0 with the terminal restored.
func quit(t *testing.T, term *ttytest.Term) {
	t.Helper()
	term.Send("q")
	if err := term.Wait(0); err != nil {
		t.Fatalf("kdx ui exited with %v after q; its output:\n%q", err, term.Output())
	}
	if bad := term.Restored(); bad != "" {
		t.Errorf("after q, the terminal is not restored: %s", bad)
	}
}

func TestUIHomeTableLiveAndFilter(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	kubectl(t, env, "create", "configmap", "alpha", "-n", ns, "--from-literal=a=1")
	kubectl(t, env, "create", "configmap", "beta", "-n", ns, "--from-literal=a=1", "--from-literal=b=2")

	term := startUI(t, env, 160, 30, "-n", ns)
	// home: the API surface with counts, as api-resources --count prints it
	began := time.Now()
	home := term.WaitFor("the counts", time.Minute, func(s string) bool {
		return strings.Contains(s, "COUNT") && strings.Contains(s, "configmaps ")
	})
	t.Logf("home with counts %v after start", time.Since(began).Round(time.Millisecond))
	if !strings.Contains(home, "namespace: "+ns) || !strings.Contains(home, "context: admin") {
		t.Errorf("the title does not say the context and namespace:\n%s", home)
	}
	ar := env.Kdx(t, "api-resources", "--count", "-n", ns)
	for _, want := range []string{"NAME ", "configmaps "} {
		if got, want := lineStarting(home, want), lineStarting(ar.Stdout, want); got != want || got == "" {
			t.Errorf("home shows\n%s\napi-resources --count prints\n%s", got, want)
		}
	}
	// the palette: a short name
	term.Type(":cm")
	term.WaitText("configmaps")
	term.Send(ttytest.Enter)
	screen := term.WaitText("cm: 3")
	want := env.Kdx(t, "get", "configmaps", "-n", ns)
	if want.ExitCode != 0 {
		t.Fatalf("kdx get: %s", want.Stderr)
	}
	if got := tableOnScreen(screen); got != withoutAges(strings.TrimRight(want.Stdout, "\n")) {
		t.Errorf("the table on screen:\n%s\nkdx get prints:\n%s", got, want.Stdout)
	}

	// a row appears and leaves with the writes
	start := time.Now()
	kubectl(t, env, "create", "configmap", "gamma", "-n", ns)
	term.WaitFor("gamma's row", 0, func(s string) bool { return strings.Contains(s, "\ngamma ") })
	t.Logf("a created config map was on screen %v after kubectl create began", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	kubectl(t, env, "delete", "configmap", "gamma", "-n", ns)
	term.WaitFor("gamma's row to go", 0, func(s string) bool { return !strings.Contains(s, "\ngamma ") })
	t.Logf("a deleted config map left the screen %v after kubectl delete began", time.Since(start).Round(time.Millisecond))

	// the filter
	term.Type("/bet")
	screen = term.WaitText("filter: /bet")
	if !strings.Contains(screen, "\nbeta ") || strings.Contains(screen, "\nalpha ") {
		t.Errorf("the filter /bet:\n%s", screen)
	}
	term.Send(ttytest.Enter, ttytest.Esc)
	term.WaitGone("filter: /bet")
	// esc goes back home
	term.Send(ttytest.Esc)
	term.WaitText("api-resources: ")
	quit(t, term)
}

func TestUICategoryAllNamespacesAndUnknownType(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	kubectl(t, env, "create", "service", "clusterip", "web", "--tcp=80:8080", "-n", ns)
	kubectl(t, env, "create", "configmap", "settings", "-n", ns)

	term := startUI(t, env, 160, 30, "-n", ns)
	term.WaitText("api-resources: ")
	// an unknown type is one line, and the explorer goes on
	term.Type(":nosuchtype")
	term.Send(ttytest.Enter)
	term.WaitText(`the server doesn't have a resource type "nosuchtype"`)
	// a category: every type in it, as kdx get all prints it
	term.Type(":all")
	term.Send(ttytest.Enter)
	screen := term.WaitText("service/web")
	want := env.Kdx(t, "get", "all", "-n", ns)
	if got := tableOnScreen(screen); got != withoutAges(strings.TrimRight(want.Stdout, "\n")) {
		t.Errorf("all on screen:\n%s\nkdx get all prints:\n%s", got, want.Stdout)
	}
	term.Send(ttytest.Esc)
	// an escape followed at once by q reads as alt+q (one key): wait until
	// the escape has left the view
	term.WaitGone("service/web")
	quit(t, term)

	// -A opens a type with a NAMESPACE column
	term = startUI(t, env, 160, 30, "configmaps", "-A")
	term.WaitText("kube-root-ca.crt") // keys typed ahead would reach the terminal in line mode
	term.Type("/settings")
	term.Send(ttytest.Enter)
	screen = term.WaitText("namespace: all")
	term.WaitFor("the row of "+ns, 0, func(s string) bool {
		return strings.Contains(s, "NAMESPACE") && strings.Contains(s, "\n"+ns+" ")
	})
	quit(t, term)
}

func TestUISignalsRestoreTheTerminal(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		term := startUI(t, env, 80, 24, "configmaps", "-n", "default")
		term.WaitText("kube-root-ca.crt")
		term.Signal(sig)
		err := term.Wait(0)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("after %v, kdx ui exited with %v, want exit code 1", sig, err)
		}
		if bad := term.Restored(); bad != "" {
			t.Errorf("after %v, the terminal is not restored: %s", sig, bad)
		}
	}
}

func TestUINeedsATerminal(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	r := env.Kdx(t, "ui")
	if r.ExitCode != 1 || !strings.Contains(r.Stderr, "error: kdx ui needs a terminal") {
		t.Errorf("kdx ui without a terminal: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
}

func TestUIObjectYAMLAndSecret(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	kubectl(t, env, "create", "configmap", "alpha", "-n", ns, "--from-literal=color=blue")
	kubectl(t, env, "create", "secret", "generic", "creds", "-n", ns, "--from-literal=password=hunter2")
	const value = "aHVudGVyMg==" // hunter2

	term := startUI(t, env, 200, 40, "configmaps", "-n", ns)
	term.WaitText("alpha")
	term.Send(ttytest.Enter) // alpha, the first row
	screen := term.WaitText("configmap/alpha -n " + ns)
	want := env.Kdx(t, "get", "configmap", "alpha", "-n", ns, "-o", "yaml")
	if got := tableOnScreen(screen); got != strings.TrimRight(want.Stdout, "\n") {
		t.Errorf("the YAML on screen:\n%s\nkdx get -o yaml prints:\n%s", got, want.Stdout)
	}
	// d describes it, as kdx describe does (but for the age of its creation)
	term.Send("d")
	screen = term.WaitText("describe configmap/alpha -n " + ns)
	want = env.Kdx(t, "describe", "configmap", "alpha", "-n", ns)
	created := regexp.MustCompile(`(?m)^Created: .*$`)
	if got, want := created.ReplaceAllString(tableOnScreen(screen), ""), created.ReplaceAllString(strings.TrimRight(want.Stdout, "\n"), ""); got != want {
		t.Errorf("the description on screen:\n%s\nkdx describe prints:\n%s", got, want)
	}
	term.Send(ttytest.Esc)
	term.WaitGone("describe configmap/alpha -n " + ns) // an escape at once followed by q reads as alt+q
	quit(t, term)

	term = startUI(t, env, 200, 40, "secrets", "-n", ns)
	term.WaitText("creds")
	term.Send(ttytest.Enter)
	screen = term.WaitText("secret/creds -n " + ns + " (values hidden)")
	if strings.Contains(screen, value) || !strings.Contains(screen, "password: '***'") {
		t.Errorf("a Secret's value is not masked:\n%s", screen)
	}
	term.Send("x")
	term.WaitText("password: " + value)
	term.Send("x")
	term.WaitGone(value)
	quit(t, term)
}

func TestUILabelSelectorAndWhere(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	for _, cm := range [][]string{{"a", "tier=a", "color=blue"}, {"b", "tier=a", "color=red"}, {"c", "tier=b", "color=blue"}} {
		kubectl(t, env, "create", "configmap", cm[0], "-n", ns, "--from-literal="+cm[2])
		kubectl(t, env, "label", "configmap", cm[0], "-n", ns, cm[1])
	}
	args := []string{"configmaps", "-n", ns, "-l", "tier=a", "--where", `object.data.color == "blue"`}
	term := startUI(t, env, 200, 20, args...)
	screen := term.WaitText(`configmaps: 1 | -l tier=a | --where object.data.color == "blue"`)
	want := env.Kdx(t, append([]string{"get"}, args...)...)
	if want.ExitCode != 0 || !strings.Contains(want.Stdout, "\na ") {
		t.Fatalf("kdx get %v: %s%s", args, want.Stdout, want.Stderr)
	}
	if got := tableOnScreen(screen); got != withoutAges(strings.TrimRight(want.Stdout, "\n")) {
		t.Errorf("the filtered table on screen:\n%s\nkdx get prints:\n%s", got, want.Stdout)
	}
	// a change that makes an object match shows it
	kubectl(t, env, "label", "configmap", "b", "-n", ns, "--overwrite", "tier=b")
	kubectl(t, env, "label", "configmap", "c", "-n", ns, "--overwrite", "tier=a")
	term.WaitFor("c's row", 0, func(s string) bool { return strings.Contains(s, "\nc ") })
	quit(t, term)
}

// TestUISurvivesAPIServerRestart stops and starts the API server under a
// live table: the last line says the watch is lost while it is, and the
// table goes on once it is back. It stops its server, so it runs on a
// control plane of its own (testenv.Alone).
func TestUISurvivesAPIServerRestart(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	kubectl(t, env, "create", "configmap", "before", "-n", ns)
	term := startUI(t, env, 200, 20, "configmaps", "-n", ns)
	term.WaitText("before")

	env.StopAPIServer()
	term.WaitFor("the lost watch said", 60*time.Second, func(s string) bool { return strings.Contains(s, "lost the watch of configmaps") })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := env.StartAPIServer(ctx); err != nil {
		t.Fatalf("start the API server again: %v", err)
	}
	kubectl(t, env, "create", "configmap", "after", "-n", ns)
	screen := term.WaitFor("the row written after the restart", 60*time.Second, func(s string) bool {
		return strings.Contains(s, "\nafter ") && !strings.Contains(s, "lost the watch")
	})
	if !strings.Contains(screen, "\nbefore ") {
		t.Errorf("the rows before the restart are gone:\n%s", screen)
	}
	// a smaller terminal: the screen is drawn again at its size
	term.Resize(80, 8)
	term.WaitFor("the screen at 80x8", 0, func(s string) bool {
		lines := strings.Split(s, "\n")
		return len(lines) == 8 && strings.HasPrefix(lines[7], "enter open") && len(lines[0]) <= 80
	})
	quit(t, term)
}

// It applies CRDs, so it runs on a control plane of its own (testenv.Alone).
func TestUICustomResourceByShortName(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	env.Apply(t, `apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: sprocket, namespace: `+ns+`}
spec: {color: red, size: 3, widgetClass: standard}
`)
	term := startUI(t, env, 160, 20, "-n", ns)
	term.WaitText("api-resources: ")
	term.Type(":gd")
	term.Send(ttytest.Enter)
	screen := term.WaitText("sprocket")
	want := env.Kdx(t, "get", "gadgets", "-n", ns)
	if got := tableOnScreen(screen); got != withoutAges(strings.TrimRight(want.Stdout, "\n")) {
		t.Errorf("gadgets on screen:\n%s\nkdx get gadgets prints:\n%s", got, want.Stdout)
	}
	quit(t, term)
}

// cursorLine is the line of the screen under the explorer's cursor (the
// reversed line below the title), "" for none.
func cursorLine(term *ttytest.Term) string {
	lines := term.Lines()
	for _, y := range term.Reversed() {
		if y > 0 && y < len(lines) {
			return strings.TrimRight(lines[y], " ")
		}
	}
	return ""
}

// waitCursor waits until the cursor's line is want (with exact) or holds it.
func waitCursor(t *testing.T, term *ttytest.Term, want string, exact bool) {
	t.Helper()
	got := ""
	term.WaitFor("the cursor on "+want, 0, func(string) bool {
		got = cursorLine(term)
		return got == want || !exact && strings.Contains(got, want)
	})
}

// linesOf are the lines of s, each without its trailing spaces (the
// cursor's line is padded to the screen's width).
func linesOf(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// TestUITreeJump: t on a Deployment draws what it owns as kdx tree does;
// enter on one of its Pods opens the Pod; esc comes back to the tree on
// that line, then to the table.
func TestUITreeJump(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	env.Apply(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: `+ns+`}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: registry.invalid/web:1}]}
`)
	full := regexp.MustCompile(`deployment\.apps/web .*\n` + ns + `\s+└─replicaset\.apps/web-\w+\s.*\n` + ns + `\s+  └─pod/(web-\w+-\w+)\s`)
	want := waitTree(t, env, full, "deployment.apps/web", "-n", ns)
	pod := full.FindStringSubmatch(want.Stdout)[1]

	term := startUI(t, env, 200, 30, "deployments", "-n", ns)
	term.WaitText("\nweb ")
	term.Send("t")
	screen := term.WaitText("└─pod/" + pod)
	if !strings.Contains(screen, "tree deployment.apps/web -n "+ns) {
		t.Errorf("the title does not say the tree:\n%s", screen)
	}
	if got, want := linesOf(withoutAges(tableOnScreen(screen))), linesOf(withoutAges(strings.TrimRight(want.Stdout, "\n"))); got != want {
		t.Errorf("the tree on screen:\n%s\nkdx tree prints:\n%s", got, want)
	}
	term.Send(ttytest.Down, ttytest.Down) // the ReplicaSet, then the Pod
	waitCursor(t, term, "└─pod/"+pod, false)
	term.Send(ttytest.Enter)
	screen = term.WaitText("pod/" + pod + " -n " + ns + "\n")
	if !strings.Contains(screen, "\nkind: Pod\n") {
		t.Errorf("enter did not open the pod's YAML:\n%s", screen)
	}
	term.Send(ttytest.Esc)
	term.WaitText("tree deployment.apps/web -n " + ns)
	waitCursor(t, term, "└─pod/"+pod, false) // where it was
	term.Send(ttytest.Esc)
	term.WaitText("deployments: 1")
	quit(t, term)
}

// TestUIGrepMatchOpened: :grep searches every type of the namespace and
// shows the matches as kdx grep --all-types prints them, a Secret's value
// hidden; enter opens the object's YAML with the cursor on the field.
func TestUIGrepMatchOpened(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	const needle = "kdx-needle-7f3a"
	kubectl(t, env, "create", "configmap", "settings", "-n", ns, "--from-literal=color=blue", "--from-literal=note=find "+needle+" here")
	kubectl(t, env, "create", "secret", "generic", "creds", "-n", ns, "--from-literal=token="+needle)
	want := env.Kdx(t, "grep", needle, "--all-types", "-n", ns)
	if want.ExitCode != 0 || !strings.Contains(want.Stdout, "configmap/settings  data.note") {
		t.Fatalf("kdx grep: exit %d\n%s%s", want.ExitCode, want.Stdout, want.Stderr)
	}

	term := startUI(t, env, 200, 30, "-n", ns)
	term.WaitText("api-resources: ")
	term.Type(":grep " + needle)
	term.Send(ttytest.Enter)
	// the final title (while it searches: "searching... N matches in M objects so far")
	screen := term.WaitText("in every type: 2 matches in 2 objects")
	if got := linesOf(tableOnScreen(screen)); got != strings.TrimRight(want.Stdout, "\n") {
		t.Errorf("the matches on screen:\n%s\nkdx grep --all-types prints:\n%s", got, want.Stdout)
	}
	if strings.Contains(screen, base64.StdEncoding.EncodeToString([]byte(needle))) || strings.Contains(screen, "token: "+needle) {
		t.Errorf("a Secret's value is on screen:\n%s", screen)
	}
	term.Send(ttytest.Enter) // the config map's match, the first
	term.WaitText("configmap/settings -n " + ns + "\n")
	waitCursor(t, term, "  note: find "+needle+" here", true)
	// i explains the field under the cursor: a key of data, so data
	term.Send("i")
	screen = term.WaitFor("the schema of data", time.Minute, func(s string) bool { return strings.Contains(s, "FIELD: data <map[string]string>") })
	if !strings.Contains(screen, "explain configmaps data\n") {
		t.Errorf("the title does not say the field explained:\n%s", screen)
	}
	// back to the matches, then the Secret's YAML, values hidden
	term.Send(ttytest.Esc) // one at a time: two ESCs at once read as alt+esc
	term.WaitText("| configmap/settings -n " + ns + "\n")
	term.Send(ttytest.Esc)
	term.WaitText("2 matches in 2 objects")
	term.Send(ttytest.Down, ttytest.Enter)
	screen = term.WaitText("secret/creds -n " + ns + " (values hidden)")
	waitCursor(t, term, "  token: '***'", true)
	quit(t, term)
}

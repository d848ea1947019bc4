package wait

import (
	"context"
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cli/clitest"
)

var gadgets = discovery.Mapping{
	GVR: schema.GroupVersionResource{Group: "example.org", Version: "v1", Resource: "gadgets"},
	GVK: schema.GroupVersionKind{Group: "example.org", Version: "v1", Kind: "Gadget"}, Namespaced: true}

// gadget is a gadget in ns with status.phase.
func gadget(name, phase string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "example.org/v1", "kind": "Gadget",
		"metadata": map[string]any{"name": name, "namespace": "ns"},
		"status":   map[string]any{"phase": phase},
	}}
}

// listWatcher lists its objects (those a source names, or all), says
// SYNCED, then sends what later carries, and waits for the end.
type listWatcher struct {
	objects []*unstructured.Unstructured
	later   []*unstructured.Unstructured
	// reconnect: a notice that the watch resumed, before later.
	reconnect bool
}

func (l *listWatcher) Watch(ctx context.Context, sources []dynamicclient.WatchSource, opts dynamicclient.WatchOptions, handle func(dynamicclient.WatchEvent) error) error {
	send := func(typ watch.EventType, objs []*unstructured.Unstructured) error {
		for i, s := range sources {
			for _, o := range objs {
				if name, ok := strings.CutPrefix(s.FieldSelector, "metadata.name="); ok && name != o.GetName() {
					continue
				}
				if err := handle(dynamicclient.WatchEvent{Type: typ, Source: i, Object: o}); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := send(watch.Added, l.objects); err != nil {
		return err
	}
	if err := handle(dynamicclient.WatchEvent{Type: dynamicclient.Synced, Source: -1}); err != nil {
		return err
	}
	if l.reconnect {
		opts.Notify(dynamicclient.Notice{Kind: dynamicclient.NoticeReconnected, Resource: sources[0].Name(), ResourceVersion: "42"})
	}
	if err := send(watch.Modified, l.later); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// run runs kdx wait with args against clusters, by context name ("" for
// the one context), and returns stdout, stderr and the exit code.
func run(t *testing.T, f *clitest.Factory, clusters map[string]*listWatcher, args ...string) (string, string, int) {
	t.Helper()
	reach := func(_ context.Context, f cli.Factory, args []string, allNamespaces bool) (*clusterWait, error) {
		w, ok := clusters[f.ContextName()]
		if !ok {
			return nil, errors.New("the server is out of reach")
		}
		return &clusterWait{targets: []discovery.Target{{Mapping: gadgets, Names: names(args)}}, namespace: "ns", watcher: w}, nil
	}
	cmd := newCmd(f, reach)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true // as the root command
	cmd.SetOut(f.Out)
	code := cli.Execute(t.Context(), cmd, args, f.ErrOut)
	return f.Out.String(), f.ErrOut.String(), code
}

// names are the names of TYPE/NAME arguments.
func names(args []string) []string {
	var out []string
	for _, a := range args {
		if _, name, ok := strings.Cut(a, "/"); ok {
			out = append(out, name)
		}
	}
	return out
}

func TestWaitValidate(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--for", "create"}, "error: you must name what to wait on: TYPE/NAME, TYPE NAME..., or TYPE with -l SELECTOR, --field-selector or --all\n"},
		{[]string{"gadgets", "--for", "create"}, "error: resource(s) were provided, but no name was specified: name objects (TYPE/NAME), or select them with -l, --field-selector or --all\n"},
		{[]string{"gadgets/a", "-l", "a=b", "--for", "create"}, "error: names cannot be given with -l, --field-selector or --all: wait on TYPE/NAME, or on TYPE -l SELECTOR\n"},
		{[]string{"gadgets", "a", "--all", "--for", "create"}, "error: names cannot be given with -l, --field-selector or --all: wait on TYPE/NAME, or on TYPE -l SELECTOR\n"},
		{[]string{"gadgets/a", "-A", "--for", "create"}, "error: -A waits on the objects of -l, --field-selector or --all in every namespace, not on names: use -n NAMESPACE\n"},
		{[]string{"gadgets/a"}, "error: --for is required: create, delete, condition=NAME[=VALUE], jsonpath='{PATH}'[=VALUE], or a CEL expression over object such as 'object.status.phase == \"Running\"'\n"},
		{[]string{"gadgets/a", "--for", "Ready"}, "error: unrecognized condition: \"Ready\": --for takes create, delete,"},
		{[]string{"gadgets/a", "--for", "object.status.phase =="}, "error: invalid --for \"object.status.phase ==\": 1:23: Syntax error"},
		{[]string{"gadgets/a", "--for", "delete", "--for", "create"}, "error: --for=delete cannot be combined with another --for"},
		{[]string{"gadgets/a", "--for", "create", "-o", "json"}, `error: unable to match a printer suitable for the output format "json", allowed formats are: name`},
	}
	for _, tc := range cases {
		stdout, stderr, code := run(t, clitest.New(), nil, tc.args...)
		if code != 1 || stdout != "" || !strings.HasPrefix(stderr, tc.want) {
			t.Errorf("kdx wait %q: exit %d, stdout %q, stderr %q; want exit 1 and %q", tc.args, code, stdout, stderr, tc.want)
		}
	}
}

func TestWaitOneCluster(t *testing.T) {
	cases := []struct {
		name           string
		cluster        *listWatcher
		args           []string
		stdout, stderr string
		code           int
	}{
		{"met at once", &listWatcher{objects: []*unstructured.Unstructured{gadget("a", "Ready")}},
			[]string{"gadgets/a", "--for", "jsonpath={.status.phase}=Ready"}, "gadget.example.org/a condition met\n", "", 0},
		{"met later", &listWatcher{objects: []*unstructured.Unstructured{gadget("a", "Pending")}, later: []*unstructured.Unstructured{gadget("a", "Ready")}},
			[]string{"gadgets/a", "--for", `object.status.phase == "Ready"`}, "gadget.example.org/a condition met\n", "", 0},
		{"timeout says why", &listWatcher{objects: []*unstructured.Unstructured{gadget("a", "Pending"), gadget("b", "Ready")}},
			[]string{"gadgets/a", "gadgets/b", "--for", `object.status.phase == "Ready"`, "--timeout", "50ms"}, "gadget.example.org/b condition met\n",
			"error: timed out waiting for the condition on gadgets/a: object.status.phase is \"Pending\"\n", 1},
		{"once", &listWatcher{objects: []*unstructured.Unstructured{gadget("a", "Pending")}},
			[]string{"gadgets/a", "--for", "condition=Ready", "--timeout", "0"}, "", "error: condition not met for gadgets/a\n", 1},
		{"not found", &listWatcher{},
			[]string{"gadgets/a", "--for", "condition=Ready"}, "", "error: gadgets.example.org \"a\" not found\n", 1},
		{"nothing matched", &listWatcher{},
			[]string{"gadgets", "--all", "--for", "condition=Ready"}, "", "error: no matching resources found\n", 1},
		{"nothing to delete", &listWatcher{},
			[]string{"gadgets", "--all", "--for", "delete"}, "", "", 0},
		{"out of reach", nil, []string{"gadgets/a", "--for", "create"}, "", "error: the server is out of reach\n", 1},
		{"-o name", &listWatcher{objects: []*unstructured.Unstructured{gadget("a", "Ready")}},
			[]string{"gadgets/a", "--for", "create", "-o", "name"}, "gadget.example.org/a\n", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clusters := map[string]*listWatcher{}
			if tc.cluster != nil {
				clusters[""] = tc.cluster
			}
			stdout, stderr, code := run(t, clitest.New(), clusters, tc.args...)
			if stdout != tc.stdout || stderr != tc.stderr || code != tc.code {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, %q, %q", code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
			}
		})
	}
}

func TestWaitFleet(t *testing.T) {
	f := clitest.New()
	f.ContextList = []string{"a", "b", "c"}
	clusters := map[string]*listWatcher{
		"a": {objects: []*unstructured.Unstructured{gadget("g", "Pending")}, later: []*unstructured.Unstructured{gadget("g", "Ready")}, reconnect: true},
		// b is out of reach
		"c": {objects: []*unstructured.Unstructured{gadget("g", "Ready")}},
	}
	stdout, stderr, code := run(t, f, clusters, "gadgets/g", "--for", `object.status.phase == "Ready"`)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 || !contains(lines, "a: gadget.example.org/g condition met") || !contains(lines, "c: gadget.example.org/g condition met") {
		t.Errorf("stdout:\n%s", stdout)
	}
	// a's warning names it, as it comes; b's failure, once a and b are done
	if stderr != "Warning: context \"a\": reconnected the watch of gadgets.example.org, resumed from resourceVersion 42\n"+
		"error: context \"b\": the server is out of reach\n" || code != 1 {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}

	// -o name: get -o name's lines over a fleet
	f = clitest.New()
	f.ContextList = []string{"a", "c"}
	stdout, _, code = run(t, f, clusters, "gadgets/g", "--for", "create", "-o", "name")
	lines = strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 || !contains(lines, "gadget.example.org/g -n ns --context=a") || !contains(lines, "gadget.example.org/g -n ns --context=c") || code != 0 {
		t.Errorf("exit %d, stdout:\n%s", code, stdout)
	}

	// a timeout names each context's objects, in context order
	f = clitest.New()
	f.ContextList = []string{"a", "c"}
	clusters["a"] = &listWatcher{objects: []*unstructured.Unstructured{gadget("g", "Pending")}}
	_, stderr, code = run(t, f, clusters, "gadgets/g", "--for", `object.status.phase == "Ready"`, "--timeout", "50ms")
	if stderr != "error: context \"a\": timed out waiting for the condition on gadgets/g: object.status.phase is \"Pending\"\n" || code != 1 {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

func TestWaitCompletesFor(t *testing.T) {
	f := clitest.New()
	stdout, _, _ := run(t, f, nil, "__complete", "gadgets/a", "--for", "")
	for _, want := range []string{"create\n", "delete\n", "condition=\n", "jsonpath=\n", ":6\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("completion of --for has no %q:\n%s", want, stdout)
		}
	}
}

package wait

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
)

var now = time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)

func mustParse(t *testing.T, fors ...string) *Condition {
	t.Helper()
	c, err := Parse(fors, now)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		fors []string
		want string
	}{
		{nil, "--for is required: create, delete, condition=NAME[=VALUE], jsonpath="},
		{[]string{"bogus"}, `unrecognized condition: "bogus": --for takes create, delete,`},
		{[]string{`object.status.phase ==`}, `invalid --for "object.status.phase ==": 1:`},
		{[]string{`size(object.status)`}, `invalid --for "size(object.status)": the expression is of type int, not bool`},
		{[]string{"jsonpath={.data"}, "unexpected path string, expected a 'name1.name2'"},
		{[]string{"jsonpath={.metadata.name}="}, "jsonpath wait has to have a value after equal sign"},
		{[]string{"jsonpath="}, "jsonpath expression cannot be empty"},
		{[]string{"jsonpath={.a}=b=c"}, "jsonpath wait format must be"},
		{[]string{"condition="}, `invalid --for "condition=": the condition has no name`},
		{[]string{"delete", "condition=Ready"}, "--for=delete cannot be combined with another --for"},
	}
	for _, tc := range cases {
		_, err := Parse(tc.fors, now)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error with %q", tc.fors, err, tc.want)
		}
	}
}

func TestChecks(t *testing.T) {
	ready := object(deployments, "ns", "web", nil, conditions("Available=True", "Progressing=True"))
	notReady := object(deployments, "ns", "web", nil, conditions("Available=False", "Progressing=True"))
	stale := object(deployments, "ns", "web", nil, map[string]any{"observedGeneration": int64(1),
		"conditions": []any{map[string]any{"type": "Available", "status": "True"}}})
	stale.SetGeneration(2)
	bare := object(deployments, "ns", "web", nil, nil)
	phase := object(widgets, "ns", "w", nil, map[string]any{"phase": "Pending", "replicas": int64(2)})
	cases := []struct {
		fors    []string
		obj     map[string]any
		ok      bool
		why     string
		wantErr string
	}{
		{[]string{"condition=Available"}, ready.Object, true, "", ""},
		{[]string{"condition=available=TRUE"}, ready.Object, true, "", ""},
		{[]string{"condition=Available"}, notReady.Object, false, "Available=False (BecauseFalse)", ""},
		{[]string{"condition=Available=false"}, notReady.Object, true, "", ""},
		{[]string{"condition=Available"}, stale.Object, false, "Available=True, observed at generation 1, the object is at generation 2", ""},
		{[]string{"condition=Ready"}, ready.Object, false, "no condition Ready (has Available=True, Progressing=True)", ""},
		{[]string{"condition=Ready"}, bare.Object, false, "no status.conditions", ""},
		{[]string{"jsonpath={.status.phase}=Running"}, phase.Object, false, `{.status.phase} is "Pending"`, ""},
		{[]string{"jsonpath=.status.phase=Pending"}, phase.Object, true, "", ""},
		{[]string{"jsonpath={.status.replicas}=2"}, phase.Object, true, "", ""},
		{[]string{"jsonpath={.status.other}"}, phase.Object, false, "{.status.other} not found", ""},
		{[]string{"jsonpath={.status.phase}"}, phase.Object, true, "", ""},
		{[]string{"jsonpath={.status}=x"}, phase.Object, false, "", "nested object or list which is not supported"},
		{[]string{`object.status.phase == "Running" && object.status.replicas >= 2`}, phase.Object, false,
			`object.status.phase is "Pending", object.status.replicas is 2`, ""},
		{[]string{`object.status.ready == true`}, phase.Object, false, "object.status.ready is missing", ""},
		{[]string{`object.status.phase == "Pending"`, "condition=Ready"}, phase.Object, false, "no status.conditions", ""},
		{[]string{`object.status.replicas / 0 > 1`}, phase.Object, false, "object.status.replicas is 2; evaluation failed: division by zero", ""},
	}
	for _, tc := range cases {
		c := mustParse(t, tc.fors...)
		ok, why, err := c.Check(newObj(tc.obj))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %v, want %q", tc.fors, err, tc.wantErr)
			}
			continue
		}
		if err != nil || ok != tc.ok || !strings.HasPrefix(why, tc.why) {
			t.Errorf("%q: Check = %v, %q, %v; want %v, %q", tc.fors, ok, why, err, tc.ok, tc.why)
		}
	}
}

// waitFor runs a wait in the background and returns its result later.
type waitFor struct {
	out  bytes.Buffer
	done chan struct{}
	res  *Result
	err  error
}

func start(ctx context.Context, w Watcher, req Request) *waitFor {
	wf := &waitFor{done: make(chan struct{})}
	req.Out = &syncWriter{b: &wf.out}
	go func() {
		defer close(wf.done)
		wf.res, wf.err = Run(ctx, w, req)
	}()
	return wf
}

func (wf *waitFor) result(t *testing.T) *Result {
	t.Helper()
	select {
	case <-wf.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the wait did not end")
	}
	if wf.err != nil {
		t.Fatal(wf.err)
	}
	return wf.res
}

func target(m discovery.Mapping, names ...string) []discovery.Target {
	return []discovery.Target{{Mapping: m, Names: names}}
}

func TestRunNamedMetAtOnce(t *testing.T) {
	f := newFake(object(deployments, "ns", "web", nil, conditions("Available=True")))
	wf := start(t.Context(), f, Request{Targets: target(deployments, "web"), Namespace: "ns", Condition: mustParse(t, "condition=Available")})
	r := wf.result(t)
	if got := wf.out.String(); got != "deployment.apps/web condition met\n" {
		t.Errorf("output %q", got)
	}
	if !r.OK(mustParse(t, "condition=Available")) || r.Met != 1 {
		t.Errorf("result %+v", r)
	}
	if fs := f.sources[0].FieldSelector; fs != "metadata.name=web" {
		t.Errorf("the watch selects %q, want the name", fs)
	}
}

func TestRunSelectorWaitsForEachThenEnds(t *testing.T) {
	lbl := map[string]any{"app": "x"}
	f := newFake(
		object(widgets, "ns", "a", lbl, map[string]any{"phase": "Running"}),
		object(widgets, "ns", "b", lbl, map[string]any{"phase": "Pending"}),
		object(widgets, "ns", "other", nil, map[string]any{"phase": "Pending"}),
	)
	c := mustParse(t, `object.status.phase == "Running"`)
	wf := start(t.Context(), f, Request{Targets: target(widgets), Namespace: "ns", LabelSelector: "app=x", Condition: c})
	// created after the wait began: not waited on, as kubectl's set
	f.send(watch.Added, object(widgets, "ns", "later", lbl, map[string]any{"phase": "Pending"}))
	f.send(watch.Modified, object(widgets, "ns", "b", lbl, map[string]any{"phase": "Running"}))
	r := wf.result(t)
	if got := wf.out.String(); got != "widget.example.com/a condition met\nwidget.example.com/b condition met\n" {
		t.Errorf("output %q", got)
	}
	if !r.OK(c) || r.Met != 2 {
		t.Errorf("result %+v", r)
	}
}

func TestRunTimeoutSaysWhy(t *testing.T) {
	lbl := map[string]any{"app": "x"}
	f := newFake(
		object(deployments, "ns", "a", lbl, conditions("Available=True")),
		object(deployments, "ns", "b", lbl, conditions("Available=False")),
		object(deployments, "ns", "c", lbl, nil),
	)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	c := mustParse(t, "condition=Available")
	wf := start(ctx, f, Request{Targets: target(deployments), Namespace: "ns", LabelSelector: "app=x", Condition: c})
	r := wf.result(t)
	if r.OK(c) || r.Met != 1 || len(r.Pending) != 2 {
		t.Fatalf("result %+v", r)
	}
	got := strings.Join(TimeoutLines(r.Pending, false), "\n")
	want := "timed out waiting for the condition on deployments/b: Available=False (BecauseFalse)\n" +
		"timed out waiting for the condition on deployments/c: no status.conditions"
	if got != want {
		t.Errorf("timeout lines:\n%s\nwant:\n%s", got, want)
	}
}

func TestRunNamedNotFound(t *testing.T) {
	f := newFake(object(deployments, "ns", "web", nil, conditions("Available=True")))
	c := mustParse(t, "condition=Available")
	wf := start(t.Context(), f, Request{Targets: target(deployments, "nope", "web"), Namespace: "ns", Condition: c})
	r := wf.result(t)
	if len(r.Failures) != 1 || !apierrors.IsNotFound(r.Failures[0].Err) || r.Failures[0].Name != "nope" {
		t.Fatalf("failures %+v, want nope not found", r.Failures)
	}
	if got := r.Failures[0].Err.Error(); got != `deployments.apps "nope" not found` {
		t.Errorf("error %q", got)
	}
	if wf.out.String() != "deployment.apps/web condition met\n" || r.OK(c) {
		t.Errorf("output %q, result %+v", wf.out.String(), r)
	}
}

func TestRunCreate(t *testing.T) {
	f := newFake()
	c := mustParse(t, "create", "condition=Available")
	wf := start(t.Context(), f, Request{Targets: target(deployments, "web"), Namespace: "ns", Condition: c})
	f.send(watch.Added, object(deployments, "ns", "web", nil, conditions("Available=False")))
	f.send(watch.Modified, object(deployments, "ns", "web", nil, conditions("Available=True")))
	r := wf.result(t)
	// kubectl prints a line for each --for
	if wf.out.String() != "deployment.apps/web condition met\ndeployment.apps/web condition met\n" || !r.OK(c) {
		t.Errorf("output %q, result %+v", wf.out.String(), r)
	}
}

func TestRunCreatePendingSaysNotFound(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	wf := start(ctx, newFake(), Request{Targets: target(deployments, "web"), Namespace: "ns", Condition: mustParse(t, "create")})
	r := wf.result(t)
	if got := strings.Join(TimeoutLines(r.Pending, false), "\n"); got != "timed out waiting for the condition on deployments/web: not found" {
		t.Errorf("timeout lines %q", got)
	}
}

func TestRunDelete(t *testing.T) {
	web := object(deployments, "ns", "web", nil, nil)
	f := newFake(web)
	c := mustParse(t, "delete")
	wf := start(t.Context(), f, Request{Targets: target(deployments, "gone", "web"), Namespace: "ns", Condition: c})
	f.send(watch.Deleted, web)
	r := wf.result(t)
	// kubectl prints nothing for an object already gone
	if wf.out.String() != "deployment.apps/web condition met\n" || !r.OK(c) {
		t.Errorf("output %q, result %+v", wf.out.String(), r)
	}
}

func TestRunDeleteNothingMatched(t *testing.T) {
	c := mustParse(t, "delete")
	r := start(t.Context(), newFake(), Request{Targets: target(deployments), Namespace: "ns", LabelSelector: "a=b", Condition: c}).result(t)
	if !r.NoMatch || !r.OK(c) {
		t.Errorf("result %+v: want no match, and ok for delete", r)
	}
	c = mustParse(t, "condition=Ready")
	r = start(t.Context(), newFake(), Request{Targets: target(deployments), Namespace: "ns", LabelSelector: "a=b", Condition: c}).result(t)
	if !r.NoMatch || r.OK(c) {
		t.Errorf("result %+v: want no match, a failure", r)
	}
}

func TestRunDeletedWhileWaiting(t *testing.T) {
	web := object(deployments, "ns", "web", nil, conditions("Available=False"))
	f := newFake(web)
	ctx, cancel := context.WithCancel(t.Context())
	wf := start(ctx, f, Request{Targets: target(deployments, "web"), Namespace: "ns", Condition: mustParse(t, "condition=Available")})
	f.send(watch.Deleted, web)
	time.Sleep(50 * time.Millisecond)
	cancel()
	r := wf.result(t)
	if len(r.Pending) != 1 || r.Pending[0].Why != "deleted" {
		t.Errorf("pending %+v, want web deleted", r.Pending)
	}
}

func TestRunOnce(t *testing.T) {
	f := newFake(object(deployments, "ns", "a", nil, conditions("Available=True")), object(deployments, "ns", "b", nil, nil))
	c := mustParse(t, "condition=Available")
	r := start(t.Context(), f, Request{Targets: target(deployments, "a", "b"), Namespace: "ns", Condition: c, Once: true}).result(t)
	if r.Met != 1 || len(r.Failures) != 1 || r.Failures[0].Err.Error() != "condition not met for deployments/b" {
		t.Errorf("result %+v", r)
	}
}

func TestRunStoppedWatch(t *testing.T) {
	f := newFake(object(deployments, "ns", "a", nil, conditions("Available=True")))
	forbidden := errors.New("widgets is forbidden")
	f.stop = map[string]error{"widgets": forbidden}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	c := mustParse(t, "condition=Available")
	req := Request{Targets: append(target(deployments, "a"), target(widgets, "w")...), Namespace: "ns", Condition: c}
	r := start(ctx, f, req).result(t)
	if r.Met != 1 || len(r.Failures) != 1 || r.Failures[0].Err != forbidden || r.Failures[0].String() != "widgets/w" {
		t.Errorf("result %+v", r)
	}
	// every watch stopped: the wait could not be made
	_, err := Run(t.Context(), f, Request{Targets: target(widgets), Namespace: "ns", Condition: c})
	if err != forbidden {
		t.Errorf("error %v, want %v", err, forbidden)
	}
}

func TestTimeoutLinesGroupCauses(t *testing.T) {
	var pending []Pending
	for i := range 13 {
		pending = append(pending, Pending{Object: Object{Resource: "pods", Namespace: "ns", Name: fmt.Sprintf("p%02d", i)}, Why: "Ready=False"})
	}
	pending = append(pending, Pending{Object: Object{Resource: "pods", Namespace: "other", Name: "q"}, Why: "no status.conditions"})
	lines := TimeoutLines(pending, true)
	want := []string{
		"timed out waiting for the condition on pods/p00 -n ns, pods/p01 -n ns, pods/p02 -n ns, pods/p03 -n ns, pods/p04 -n ns, pods/p05 -n ns, pods/p06 -n ns, pods/p07 -n ns, pods/p08 -n ns, pods/p09 -n ns and 3 more: Ready=False",
		"timed out waiting for the condition on pods/q -n other: no status.conditions",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestRunCreateSelector: with --for=create, a selector that finds nothing
// when the wait begins waits for the first object it finds, as kubectl
// does; nothing found in time is no match.
func TestRunCreateSelector(t *testing.T) {
	f := newFake()
	c := mustParse(t, "create")
	wf := start(t.Context(), f, Request{Targets: target(deployments), Namespace: "ns", LabelSelector: "app=x", Condition: c})
	f.send(watch.Added, object(deployments, "ns", "other", nil, nil))
	f.send(watch.Added, object(deployments, "ns", "web", map[string]any{"app": "x"}, nil))
	r := wf.result(t)
	if wf.out.String() != "deployment.apps/web condition met\n" || !r.OK(c) {
		t.Errorf("output %q, result %+v", wf.out.String(), r)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	r = start(ctx, newFake(), Request{Targets: target(deployments), Namespace: "ns", LabelSelector: "app=x", Condition: c}).result(t)
	if !r.NoMatch || r.OK(c) {
		t.Errorf("result %+v, want no match", r)
	}
}

// TestRunWatchStopsWhileWaiting: a type whose watch stops for good once
// the wait has begun (access revoked, the CRD deleted) fails its objects
// at once, and the wait ends when nothing else is left.
func TestRunWatchStopsWhileWaiting(t *testing.T) {
	f := newFake(object(deployments, "ns", "a", nil, conditions("Available=True")), object(widgets, "ns", "w", nil, nil))
	c := mustParse(t, "condition=Available")
	wf := start(t.Context(), f, Request{Targets: append(target(deployments, "a"), target(widgets, "w")...), Namespace: "ns", Condition: c})
	f.send("STOP", object(widgets, "ns", "w", nil, nil))
	r := wf.result(t) // before the test's deadline: no timeout given
	if r.Met != 1 || len(r.Failures) != 1 || r.Failures[0].Err != errStoppedLater || len(r.Pending) != 0 {
		t.Errorf("result %+v", r)
	}
}

// TestCheckMasksSecretValues: what is seen of a Secret never shows its
// values, while the condition is checked on them.
func TestCheckMasksSecretValues(t *testing.T) {
	secret := newObj(map[string]any{"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": "s", "namespace": "ns"},
		"data":     map[string]any{"password": "c2VjcmV0"}})
	for _, f := range []string{`object.data.password == "other"`, "jsonpath={.data.password}=other"} {
		ok, why, err := mustParse(t, f).Check(secret)
		if ok || err != nil || strings.Contains(why, "c2VjcmV0") || !strings.Contains(why, `"***"`) {
			t.Errorf("--for %s: Check = %v, %q, %v; want not met, the value masked", f, ok, why, err)
		}
	}
	if ok, _, _ := mustParse(t, `object.data.password == "c2VjcmV0"`).Check(secret); !ok {
		t.Error("the condition was not checked on the Secret's value")
	}
}

// TestTimeoutLinesAreSafe: what the server wrote (a condition's reason, a
// name) cannot move the cursor or forge a line, and why is bounded.
func TestTimeoutLinesAreSafe(t *testing.T) {
	lines := TimeoutLines([]Pending{
		{Object: Object{Resource: "pods", Name: "p\x1b[2J"}, Why: "Ready=False (\x1b]0;title\x07)\nerror: forged"},
		{Object: Object{Resource: "pods", Name: "q"}, Why: strings.Repeat("x", 10000)},
	}, false)
	for _, l := range lines {
		if strings.ContainsAny(l, "\x1b\x07\n") || len(l) > 500 {
			t.Errorf("unsafe or long line (%d bytes): %q", len(l), l)
		}
	}
}

// TestRunOutputFails: a line that cannot be printed ends the wait with
// that error.
func TestRunOutputFails(t *testing.T) {
	f := newFake()
	f.send(watch.Added, object(deployments, "ns", "a", nil, nil)) // once the wait has begun
	broken := errors.New("broken pipe")
	_, err := Run(t.Context(), f, Request{Targets: target(deployments, "a"), Namespace: "ns", Condition: mustParse(t, "create"),
		Out: failingWriter{broken}})
	if err != broken {
		t.Errorf("error %v, want %v", err, broken)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// neverLists is a watch whose first list never comes back.
type neverLists struct{}

func (neverLists) Watch(ctx context.Context, _ []dynamicclient.WatchSource, _ dynamicclient.WatchOptions, _ func(dynamicclient.WatchEvent) error) error {
	<-ctx.Done()
	return nil
}

// TestRunTimeoutBeforeTheList: a selector's wait whose time runs out before
// its objects are listed is a timeout, not a wait met by nothing.
func TestRunTimeoutBeforeTheList(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	c := mustParse(t, "condition=Available")
	r, err := Run(ctx, neverLists{}, Request{Targets: target(deployments), Namespace: "ns", LabelSelector: "app=x", Condition: c})
	if err == nil || !strings.HasPrefix(err.Error(), "timed out waiting for the condition") {
		t.Errorf("result %+v, error %v; want a timeout", r, err)
	}
}

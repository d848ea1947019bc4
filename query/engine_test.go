package query

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
)

// pageSink records the pages of one target; err, when set, is returned
// for every page.
type pageSink struct {
	target string
	err    error
	pages  []runtime.Object // written by the reading goroutine only
}

func (s *pageSink) Page(obj runtime.Object) error {
	s.pages = append(s.pages, obj)
	return s.err
}

// objectNames are the names of the objects of the sink's pages.
func (s *pageSink) objectNames(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, p := range s.pages {
		switch p := p.(type) {
		case *metav1.Table:
			for _, r := range p.Rows {
				out = append(out, fmt.Sprint(r.Cells[0]))
			}
		case *unstructured.Unstructured:
			out = append(out, p.GetName())
		default:
			items, err := meta.ExtractList(p)
			if err != nil {
				t.Fatalf("page %T: %v", p, err)
			}
			for _, it := range items {
				m, _ := meta.Accessor(it)
				out = append(out, m.GetName())
			}
		}
	}
	return out
}

// run is one Each with recording open and done; failSink names a target
// whose sink fails, failDone one whose done fails.
type run struct {
	failSink, failDone string
	onDone             func(t discovery.Target) // called first in done

	mu   sync.Mutex // guards done
	done []*pageSink
}

func (r *run) open(t discovery.Target) Sink {
	s := &pageSink{target: t.QualifiedName()}
	if s.target == r.failSink {
		s.err = errBoom
	}
	return s
}

func (r *run) doneFn(t discovery.Target, s Sink) error {
	if r.onDone != nil {
		r.onDone(t)
	}
	ps := s.(*pageSink)
	if ps.target != t.QualifiedName() {
		return fmt.Errorf("done(%s) with the sink of %s", t.QualifiedName(), ps.target)
	}
	r.mu.Lock()
	r.done = append(r.done, ps)
	r.mu.Unlock()
	if ps.target == r.failDone {
		return errBoom
	}
	return nil
}

func (r *run) doneTargets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.done {
		out = append(out, s.target)
	}
	return out
}

func (r *run) each(ctx context.Context, l Lister, req Request, rep *Report) error {
	return (&Engine{Lister: l}).Each(ctx, req, rep, r.open, r.doneFn)
}

func targets(resources ...string) []discovery.Target {
	var out []discovery.Target
	for _, r := range resources {
		out = append(out, target(r))
	}
	return out
}

func seq(prefix string, n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%s%d", prefix, i))
	}
	return out
}

// TestEachDoneInTargetOrder: targets finish in reverse order, four at a
// time; done still comes in target order, and only once all before are read.
func TestEachDoneInTargetOrder(t *testing.T) {
	defer noLeak(t)()
	res := seq("t", 8)
	by := map[string]*behaviour{}
	for _, r := range res {
		by[r] = &behaviour{pages: 2, gate: make(chan struct{}), started: make(chan struct{}), done: make(chan struct{})}
	}
	l := newFakeLister(by)
	var r run
	rep := NewReport("list", "type")
	errc := make(chan error, 1)
	go func() {
		errc <- r.each(context.Background(), l, Request{Targets: targets(res...), Concurrency: 4}, rep)
	}()

	for _, wave := range [][]string{{"t3", "t2", "t1", "t0"}, {"t7", "t6", "t5", "t4"}} {
		for _, name := range wave {
			wait(t, by[name].started, name+" to start")
		}
		for _, name := range wave {
			if name == "t0" {
				if got := r.doneTargets(); len(got) != 0 {
					t.Errorf("done called for %q before t0 was read", got)
				}
			}
			close(by[name].gate)
			wait(t, by[name].done, name+" to be read")
		}
	}
	if err := <-errc; err != nil {
		t.Fatalf("Each: %v", err)
	}
	if got := r.doneTargets(); !slices.Equal(got, res) {
		t.Errorf("done order %q, want %q", got, res)
	}
	for _, s := range r.done {
		if got, want := s.objectNames(t), []string{s.target + "-0", s.target + "-1"}; !slices.Equal(got, want) {
			t.Errorf("%s: sink got %q, want %q", s.target, got, want)
		}
	}
	if got := l.maxRunning.Load(); got != 4 {
		t.Errorf("%d lists ran at once, want 4", got)
	}
	if rep.Len() != 0 {
		t.Errorf("report: %q", rep.Lines())
	}
}

func TestEachConcurrencyLimit(t *testing.T) {
	for _, c := range []int{0, 1, 4, 16} {
		l := newFakeLister(nil)
		var r run
		res := seq("t", 40)
		if err := r.each(context.Background(), l, Request{Targets: targets(res...), Concurrency: c}, NewReport("list", "type")); err != nil {
			t.Fatalf("concurrency %d: %v", c, err)
		}
		if got, limit := l.maxRunning.Load(), int32(max(c, 1)); got > limit {
			t.Errorf("concurrency %d: %d lists ran at once", c, got)
		}
		if got := r.doneTargets(); !slices.Equal(got, res) {
			t.Errorf("concurrency %d: done order %q", c, got)
		}
	}
}

func TestEachNoTargets(t *testing.T) {
	l := newFakeLister(nil)
	var r run
	if err := r.each(context.Background(), l, Request{Concurrency: 4}, NewReport("list", "type")); err != nil {
		t.Errorf("Each of nothing: %v", err)
	}
	if len(l.Calls()) != 0 || len(r.done) != 0 {
		t.Errorf("calls %v, done %v", l.Calls(), r.done)
	}
}

func TestEachForbiddenTarget(t *testing.T) {
	tests := []struct {
		name            string
		ignoreForbidden bool
		want            []string
	}{
		{"reported", false, []string{"could not list 1 type (forbidden): secrets"}},
		{"ignored", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newFakeLister(map[string]*behaviour{"secrets": {err: forbidden("secrets")}})
			var r run
			rep := NewReport("list", "type")
			res := []string{"configmaps", "secrets", "pods", "services"}
			req := Request{Targets: targets(res...), Concurrency: 2, IgnoreForbidden: tt.ignoreForbidden}
			if err := r.each(context.Background(), l, req, rep); err != nil {
				t.Fatalf("Each: %v", err)
			}
			for _, name := range res {
				if !l.called(name) {
					t.Errorf("%s not read", name)
				}
			}
			if got := r.doneTargets(); !slices.Equal(got, res) {
				t.Errorf("done %q, want %q", got, res)
			}
			if got := rep.Lines(); !slices.Equal(got, tt.want) {
				t.Errorf("report %q, want %q", got, tt.want)
			}
			if got, want := rep.Err() != nil, !tt.ignoreForbidden; got != want {
				t.Errorf("report Err = %v", rep.Err())
			}
		})
	}
}

// TestEachOtherFailuresReported: every class a list can fail with is
// reported under the target's name, and the other targets are read.
func TestEachOtherFailuresReported(t *testing.T) {
	l := newFakeLister(map[string]*behaviour{
		"podmetrics": {err: apierrors.NewServiceUnavailable("the server is currently unable to handle the request")},
		"gadgets":    {pages: 1, err: conversionErr()},
		"jobs":       {err: apierrors.NewTimeoutError("request did not complete within 60s", 0)},
		"olds":       {err: apierrors.NewNotFound(podsGR, "")},
	})
	var r run
	rep := NewReport("list", "type")
	res := []string{"configmaps", "podmetrics", "gadgets", "jobs", "olds", "pods"}
	if err := r.each(context.Background(), l, Request{Targets: targets(res...), Concurrency: 3}, rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]Class{}
	for _, f := range rep.Failures() {
		got[f.What] = f.Class
	}
	want := map[string]Class{"podmetrics": Unavailable, "gadgets": ConversionWebhook, "jobs": Timeout, "olds": NotFound}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("failures %v, want %v", got, want)
	}
	if got := r.doneTargets(); !slices.Equal(got, res) {
		t.Errorf("done %q, want %q", got, res)
	}
	if len(rep.Lines()) != 4 {
		t.Errorf("lines %q, want 4", rep.Lines())
	}
}

// TestEachReportVanished: for types a user named, a vanished type is a
// failure in kubectl's words, listed or read by name; an object missing
// from a type still served stays the server's not found.
func TestEachReportVanished(t *testing.T) {
	notFound := apierrors.NewNotFound(podsGR, "")
	l := newFakeLister(map[string]*behaviour{
		"gones":  {err: notFound, objects: map[string]error{"x": notFound}},
		"stills": {objects: map[string]error{"y": apierrors.NewNotFound(podsGR, "y")}},
	})
	gone := func(_ context.Context, t discovery.Target) bool { return t.QualifiedName() == "gones" }
	for _, tt := range []struct {
		name    string
		targets []discovery.Target
		want    []string
	}{
		{"listed", targets("gones"), []string{`the server doesn't have a resource type "gones"`}},
		{"by name", []discovery.Target{target("gones", "x"), target("stills", "y")},
			[]string{`pods "y" not found`, `the server doesn't have a resource type "gones"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var r run
			rep := NewReport("get", "type")
			rep.Itemize = true
			req := Request{Targets: tt.targets, Concurrency: 1, Vanished: gone, ReportVanished: true}
			if err := r.each(context.Background(), l, req, rep); err != nil {
				t.Fatal(err)
			}
			if got := rep.Lines(); !slices.Equal(got, tt.want) {
				t.Errorf("report %q, want %q", got, tt.want)
			}
			if rep.Err() == nil {
				t.Error("report Err = nil, want exit 1")
			}
		})
	}
}

// TestEachVanishedTarget: a list that answers 404 asks Vanished; a type
// that is gone is left out quietly, one still served is reported.
func TestEachVanishedTarget(t *testing.T) {
	notFound := apierrors.NewNotFound(podsGR, "")
	l := newFakeLister(map[string]*behaviour{"gones": {err: notFound}, "stills": {err: notFound}})
	var asked []string
	var mu sync.Mutex
	req := Request{Targets: targets("configmaps", "gones", "stills"), Concurrency: 2,
		Vanished: func(_ context.Context, t discovery.Target) bool {
			mu.Lock()
			defer mu.Unlock()
			asked = append(asked, t.QualifiedName())
			return t.QualifiedName() == "gones"
		}}
	var r run
	rep := NewReport("list", "type")
	if err := r.each(context.Background(), l, req, rep); err != nil {
		t.Fatal(err)
	}
	slices.Sort(asked)
	if !slices.Equal(asked, []string{"gones", "stills"}) {
		t.Errorf("Vanished asked for %q, want the two 404s", asked)
	}
	fs := rep.Failures()
	if len(fs) != 1 || fs[0].What != "stills" || fs[0].Class != NotFound {
		t.Errorf("failures %+v, want only stills (not found)", fs)
	}
}

// TestEachFatalStopsReading: once the server is unreachable or refuses the
// credentials, the targets not yet started are not read; the report's
// error is the server's.
func TestEachFatalStopsReading(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"connection refused", refused("t0")},
		{"unauthorized", apierrors.NewUnauthorized("Unauthorized")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer noLeak(t)()
			res := seq("t", 10)
			by := map[string]*behaviour{"t0": {err: tt.err}}
			for _, name := range res[1:4] { // running beside t0, held until t0 is reported
				by[name] = &behaviour{pages: 1, gate: make(chan struct{})}
			}
			l := newFakeLister(by)
			r := run{onDone: func(t discovery.Target) {
				if t.QualifiedName() == "t0" {
					for _, name := range res[1:4] {
						close(by[name].gate)
					}
				}
			}}
			rep := NewReport("list", "type")
			if err := r.each(context.Background(), l, Request{Targets: targets(res...), Concurrency: 4}, rep); err != nil {
				t.Fatalf("Each: %v", err)
			}
			// t1-t3 start beside t0 and may or may not get to read
			// before t0's failure is seen; nothing after them is read.
			for _, name := range res[4:] {
				if l.called(name) {
					t.Errorf("%s read after the server was found unreachable", name)
				}
			}
			if got := r.doneTargets(); !slices.Equal(got, res) {
				t.Errorf("done %q, want every target %q", got, res)
			}
			if err := rep.Err(); err != tt.err {
				t.Errorf("report Err = %v, want %v", err, tt.err)
			}
			if got := rep.Lines(); len(got) != 0 {
				t.Errorf("report lines %q, want none", got)
			}
		})
	}
}

func TestEachNamedTargets(t *testing.T) {
	notFound := apierrors.NewNotFound(podsGR, "b")
	tests := []struct {
		name           string
		ignoreNotFound bool
		wantLines      []string
	}{
		{"not found reported", false, []string{`pods "b" not found`, `pods "d" is forbidden: no`}},
		{"not found ignored", true, []string{`pods "d" is forbidden: no`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newFakeLister(map[string]*behaviour{"pods": {objects: map[string]error{
				"b": notFound,
				"d": apierrors.NewForbidden(podsGR, "d", errors.New("no")),
			}}})
			var r run
			rep := NewReport("get", "object")
			req := Request{Targets: []discovery.Target{target("pods", "a", "b", "c", "d"), target("secrets", "s")}, Concurrency: 4, IgnoreNotFound: tt.ignoreNotFound}
			if err := r.each(context.Background(), l, req, rep); err != nil {
				t.Fatal(err)
			}
			var gets []string
			for _, c := range l.Calls() {
				if c.Resource == "pods" {
					gets = append(gets, c.Method+" "+c.Name)
				}
			}
			if want := []string{"Get a", "Get b", "Get c", "Get d"}; !slices.Equal(gets, want) {
				t.Errorf("calls %q, want %q", gets, want)
			}
			if len(r.done) != 2 {
				t.Fatalf("done %q", r.doneTargets())
			}
			if got, want := r.done[0].objectNames(t), []string{"a", "c"}; !slices.Equal(got, want) {
				t.Errorf("pods sink %q, want %q", got, want)
			}
			if got, want := r.done[1].objectNames(t), []string{"s"}; !slices.Equal(got, want) {
				t.Errorf("secrets sink %q, want %q", got, want)
			}
			if got := rep.Lines(); !slices.Equal(got, tt.wantLines) {
				t.Errorf("report %q, want %q", got, tt.wantLines)
			}
			if rep.Err() == nil {
				t.Error("report Err = nil, want exit 1")
			}
		})
	}
}

// TestEachNamedUnreachable: an unreachable server met by a get by name is
// fatal too, as Each's doc says: one error, and no further target tried.
func TestEachNamedUnreachable(t *testing.T) {
	l := newFakeLister(map[string]*behaviour{"pods": {objects: map[string]error{"a": refused("pods"), "b": refused("pods")}}})
	var r run
	rep := NewReport("get", "object")
	req := Request{Targets: []discovery.Target{target("pods", "a", "b"), target("secrets", "s")}, Concurrency: 1}
	if err := r.each(context.Background(), l, req, rep); err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("report Err = %v, want the connection refused error", err)
	}
	if got := rep.Lines(); len(got) != 0 {
		t.Errorf("report lines %q, want none besides the fatal error", got)
	}
	if l.called("secrets") {
		t.Error("secrets read after the server was found unreachable")
	}
}

func TestEachSinkOrDoneErrorStops(t *testing.T) {
	tests := []struct {
		name          string
		run           run
		wantDone      []string
		wantPagesOfT1 int
	}{
		{"sink error", run{failSink: "t1"}, []string{"t0"}, 1},
		{"done error", run{failDone: "t1"}, []string{"t0", "t1"}, 3},
	}
	for i := range tests {
		tt := &tests[i]
		t.Run(tt.name, func(t *testing.T) {
			defer noLeak(t)()
			// t2 may start while t1's error is on its way; it then holds
			// the only slot until the stop, so t3 and later cannot start.
			l := newFakeLister(map[string]*behaviour{"t1": {pages: 3}, "t2": {pages: 1, gate: make(chan struct{})}})
			res := seq("t", 6)
			err := tt.run.each(context.Background(), l, Request{Targets: targets(res...), Concurrency: 1}, NewReport("list", "type"))
			if !errors.Is(err, errBoom) {
				t.Errorf("Each = %v, want %v", err, errBoom)
			}
			if got := tt.run.doneTargets(); !slices.Equal(got, tt.wantDone) {
				t.Errorf("done %q, want %q", got, tt.wantDone)
			}
			for _, name := range res[3:] {
				if l.called(name) {
					t.Errorf("%s read after the stop", name)
				}
			}
		})
	}
}

// TestEachCancel: cancelling the context in the middle of lists returns
// context.Canceled, reports nothing and leaves no goroutine.
func TestEachCancel(t *testing.T) {
	defer noLeak(t)()
	by := map[string]*behaviour{
		"t0": {pages: 1, gate: make(chan struct{}), started: make(chan struct{})},
		"t1": {pages: 1, gate: make(chan struct{}), started: make(chan struct{})},
	}
	l := newFakeLister(by)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var r run
	rep := NewReport("list", "type")
	errc := make(chan error, 1)
	go func() { errc <- r.each(ctx, l, Request{Targets: targets(seq("t", 6)...), Concurrency: 2}, rep) }()
	wait(t, by["t0"].started, "t0 to start")
	wait(t, by["t1"].started, "t1 to start")
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Each = %v, want %v", err, context.Canceled)
		}
	case <-time.After(guard):
		t.Fatal("Each did not return after cancel")
	}
	if rep.Len() != 0 {
		t.Errorf("report %q, want nothing: a cancel is not a failure", rep.Lines())
	}
	if got := r.doneTargets(); len(got) != 0 {
		t.Errorf("done %q after the cancel", got)
	}
	for _, name := range seq("t", 6)[2:] {
		if l.called(name) {
			t.Errorf("%s read after the cancel", name)
		}
	}
}

func TestEachReadKinds(t *testing.T) {
	base := Request{Namespace: "ns1", LabelSelector: "app=web", FieldSelector: "metadata.name!=x", ChunkSize: 50, Subresource: "status", Concurrency: 2}
	opts := metav1.ListOptions{LabelSelector: "app=web", FieldSelector: "metadata.name!=x", Limit: 50}
	tests := []struct {
		name     string
		read     Read
		names    []string
		want     call
		wantPage string // %T of what the sink receives
	}{
		{"objects", Objects, nil, call{Method: "ListPages", Opts: opts}, "*unstructured.UnstructuredList"},
		{"metadata", Metadata, nil, call{Method: "MetadataPages", Opts: opts}, "*v1.PartialObjectMetadataList"},
		{"tables", Tables, nil, call{Method: "PrintablePages", Opts: opts, Include: dynamicclient.IncludePrintedMetadata}, "*v1.Table"},
		{"tables with objects", TablesWithObjects, nil, call{Method: "PrintablePages", Opts: opts, Include: metav1.IncludeObject}, "*v1.Table"},
		{"object by name", Objects, []string{"web-0"}, call{Method: "Get", Name: "web-0", Subresource: "status"}, "*unstructured.Unstructured"},
		{"metadata by name", Metadata, []string{"web-0"}, call{Method: "Get", Name: "web-0", Subresource: "status"}, "*unstructured.Unstructured"},
		{"table by name", Tables, []string{"web-0"}, call{Method: "GetPrintable", Name: "web-0", Subresource: "status", Include: dynamicclient.IncludePrintedMetadata}, "*v1.Table"},
		{"table with object by name", TablesWithObjects, []string{"web-0"}, call{Method: "GetPrintable", Name: "web-0", Subresource: "status", Include: metav1.IncludeObject}, "*v1.Table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newFakeLister(nil)
			var r run
			req := base
			req.Read = tt.read
			req.Targets = []discovery.Target{target("pods", tt.names...)}
			if err := r.each(context.Background(), l, req, NewReport("list", "type")); err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.Resource, want.Namespace = "pods", "ns1"
			if got := l.Calls(); len(got) != 1 || fmt.Sprintf("%+v", got[0]) != fmt.Sprintf("%+v", want) {
				t.Errorf("calls %+v, want [%+v]", got, want)
			}
			if len(r.done) != 1 || len(r.done[0].pages) != 1 {
				t.Fatalf("done %+v", r.done)
			}
			if got := fmt.Sprintf("%T", r.done[0].pages[0]); got != tt.wantPage {
				t.Errorf("sink got a %s, want a %s", got, tt.wantPage)
			}
		})
	}
}

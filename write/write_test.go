package write

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
)

var (
	cmRef     = Ref{Mapping: discovery.Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}, GVK: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, Namespaced: true}, Namespace: "ns", Name: "c"}
	gadgetRef = Ref{Mapping: discovery.Mapping{GVR: schema.GroupVersionResource{Group: "multi.example.org", Version: "v2", Resource: "gadgets"}, GVK: schema.GroupVersionKind{Group: "multi.example.org", Version: "v2", Kind: "Gadget"}, Namespaced: true}, Namespace: "ns", Name: "g"}
	nsRef     = Ref{Mapping: discovery.Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, GVK: schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}}, Name: "ns"}
)

func TestLine(t *testing.T) {
	cases := []struct {
		name string
		r    Result
		want string
	}{
		{"apply", Result{Task: Task{Ref: gadgetRef}, Action: ActionApplied}, "gadget.multi.example.org/g serverside-applied"},
		{"create dry run", Result{Task: Task{Ref: cmRef}, Action: ActionCreated, DryRun: true}, "configmap/c created (server dry run)"},
		{"delete namespaced", Result{Task: Task{Ref: cmRef}, Action: ActionDeleted}, `configmap "c" deleted from ns namespace`},
		{"delete cluster-scoped, forced", Result{Task: Task{Ref: nsRef}, Action: ActionForceDeleted}, `namespace "ns" force deleted`},
		{"failure", Result{Task: Task{Ref: cmRef}, Err: errors.New("x")}, ""},
		{"ignored missing", Result{Task: Task{Ref: cmRef}, Action: ActionDeletedNotPresent}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Line(c.r); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	gr := schema.GroupResource{Resource: "configmaps"}
	invalid := apierrors.NewInvalid(schema.GroupKind{Kind: "ConfigMap"}, "c", nil)
	invalid.ErrStatus.Details.Causes = []metav1.StatusCause{
		{Type: metav1.CauseTypeFieldValueInvalid, Field: "data.a", Message: `Invalid value: "x": bad`},
		{Type: metav1.CauseType("FieldValueForbidden"), Field: "data", Message: "Forbidden: field is immutable when `immutable` is set"},
	}
	applyConflict := apierrors.NewConflict(gr, "c", errors.New("Apply failed with 1 conflict"))
	applyConflict.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: metav1.CauseTypeFieldManagerConflict, Field: ".data.a", Message: `conflict with "alice" using v1`}}
	nsMissing := apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, "gone")
	unsupported := &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: http.StatusUnsupportedMediaType, Reason: metav1.StatusReasonUnsupportedMediaType, Message: "the body of the request was in an unknown format"}}
	typed := apierrors.NewInternalError(errors.New("failed to create typed patch object (ns/g; multi.example.org/v2, Kind=Gadget): errors:\n  .spec.color: expected string, got 3\n  .spec.extra: field not declared in schema"))
	badPatch := apierrors.NewInvalid(schema.GroupKind{Kind: "ConfigMap"}, "c", nil)
	badPatch.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: metav1.CauseTypeFieldValueInvalid, Field: "patch",
		Message: `Invalid value: "{\"apiVersion\":\"v1\",\"bogus\":1,\"metadata\":{\"managedFields\":[]}}": strict decoding error: unknown field "bogus"`}}
	cases := []struct {
		name string
		err  error
		want string
		dry  bool
	}{
		{"a patched object that does not decode, without the object", badPatch, `failed to apply configmap/c from f.yaml document 1 (line 1): the patched object does not fit the resource's type: strict decoding error: unknown field "bogus" (--validate=warn drops unknown fields with a warning, as kubectl patch does; --validate=ignore drops them silently)`, false},
		{"missing namespace in a dry run", nsMissing, `failed to apply configmap/c from f.yaml document 1 (line 1): namespace "gone" does not exist, and a server dry run creates nothing, not even a Namespace of the same input: create the namespace first to check the objects in it`, true},
		{"invalid, one field per line", invalid, "failed to apply configmap/c from f.yaml document 1 (line 1): the object is invalid:\n  data.a: Invalid value: \"x\": bad\n  data: Forbidden: field is immutable when `immutable` is set\n  (an immutable field cannot change: delete the object and create it again to change it)", false},
		{"apply conflict", applyConflict, "failed to apply configmap/c from f.yaml document 1 (line 1): the apply conflicts with fields other field managers own:\n  .data.a: conflict with \"alice\" using v1\n  take them over with --force-conflicts, drop them from the input, or set them to the current values to share them", false},
		{"missing namespace", nsMissing, `failed to apply configmap/c from f.yaml document 1 (line 1): namespace "gone" does not exist: create it first, or put the Namespace in the same input`, false},
		{"415", unsupported, "failed to apply configmap/c from f.yaml document 1 (line 1): the server does not accept this patch type here: custom resources support no strategic merge patch; use --type merge, --type json or --type apply (the body of the request was in an unknown format)", false},
		{"typed patch", typed, "failed to apply configmap/c from f.yaml document 1 (line 1): the object does not fit the resource's schema:\n  .spec.color: expected string, got 3\n  .spec.extra: field not declared in schema", false},
		{"plain error", errors.New("boom"), "failed to apply configmap/c from f.yaml document 1 (line 1): boom", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Result{Task: Task{Ref: cmRef, Source: "f.yaml document 1 (line 1)"}, Verb: "apply", Err: c.err, DryRun: c.dry}
			if got := Explain(r); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestFieldPaths(t *testing.T) {
	raw := `{"f:data":{".":{},"f:a":{},"f:b":{}},"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:name":{}}},"f:list":{"v:\"x\"":{}},"f:items":{"i:0":{}}}}`
	got := fieldPaths(&metav1.FieldsV1{Raw: []byte(raw)}, 10)
	want := []string{".data.a", ".data.b", ".spec.items[0]", `.spec.list[="x"]`, ".spec.ports[port=80,protocol=TCP].name"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := fieldPaths(&metav1.FieldsV1{Raw: []byte(raw)}, 2); len(got) != 3 || got[2] != "... and 3 more" {
		t.Errorf("limited: %q", got)
	}
}

func TestNoOp(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 10, 0, time.UTC)
	obj := func(at time.Time) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{}}
		u.SetManagedFields([]metav1.ManagedFieldsEntry{
			{Manager: "kdx", Operation: metav1.ManagedFieldsOperationApply, Time: &metav1.Time{Time: at}},
			{Manager: "kdx", Operation: metav1.ManagedFieldsOperationApply, Subresource: "status", Time: &metav1.Time{Time: now}},
		})
		return u
	}
	cases := []struct {
		name string
		resp Response
		want bool
	}{
		{"written now", Response{Object: obj(now), Date: now}, false},
		{"written a second ago (same write, slow answer)", Response{Object: obj(now.Add(-time.Second)), Date: now}, false},
		{"written long ago", Response{Object: obj(now.Add(-time.Minute)), Date: now}, true},
		{"no Date header", Response{Object: obj(now.Add(-time.Minute))}, false},
		{"no object", Response{Date: now}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := noOp(c.resp, "kdx", metav1.ManagedFieldsOperationApply, ""); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestRunOrderedEmitsInOrder(t *testing.T) {
	tasks := make([]Task, 200)
	for i := range tasks {
		tasks[i] = Task{Ref: Ref{Name: fmt.Sprint(i)}}
	}
	var inFlight, peak atomic.Int32
	op := func(_ context.Context, t Task) Result {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
		inFlight.Add(-1)
		return Result{Task: t, Action: ActionCreated}
	}
	var got []string
	RunOrdered(context.Background(), tasks, 8, op, func(r Result) { got = append(got, r.Task.Ref.Name) })
	for i, name := range got {
		if name != fmt.Sprint(i) {
			t.Fatalf("result %d is %s: not in task order", i, name)
		}
	}
	if len(got) != len(tasks) || peak.Load() > 8 || peak.Load() < 2 {
		t.Errorf("%d results, peak concurrency %d (limit 8)", len(got), peak.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errs int
	RunOrdered(ctx, tasks[:3], 1, op, func(r Result) {
		if errors.Is(r.Err, context.Canceled) {
			errs++
		}
	})
	if errs != 3 {
		t.Errorf("after cancel: %d failed tasks, want 3", errs)
	}
}

func TestNamespaceFor(t *testing.T) {
	cases := []struct {
		name, objNS, flagNS string
		enforce             bool
		want, wantErr       string
	}{
		{"default from context", "", "ctx", false, "ctx", ""},
		{"object's own", "own", "ctx", false, "own", ""},
		{"-n fills in", "", "flag", true, "flag", ""},
		{"-n agrees", "flag", "flag", true, "flag", ""},
		{"-n contradicts", "own", "flag", true, "", `the namespace from the provided object "own" does not match the namespace "flag". You must pass '--namespace=own' to perform this operation.`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := &Batch{Namespace: c.flagNS, EnforceNamespace: c.enforce}
			got, err := b.namespaceFor(c.objNS)
			if c.wantErr != "" {
				if err == nil || err.Error() != c.wantErr {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// TestWriterRequests checks the requests the verbs send, against a fake server.
func TestWriterRequests(t *testing.T) {
	var seen []string
	var putBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+" "+r.Header.Get("Content-Type"))
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost:
			w.WriteHeader(http.StatusCreated)
		case r.Method == http.MethodDelete:
			fmt.Fprint(w, `{"apiVersion":"v1","kind":"Status","status":"Success"}`)
			return
		case r.Method == http.MethodPut:
			b, _ := io.ReadAll(r.Body)
			putBody = string(b)
		}
		fmt.Fprint(w, `{"apiVersion":"multi.example.org/v2","kind":"Gadget","metadata":{"name":"g","namespace":"ns","resourceVersion":"42"}}`)
	}))
	defer srv.Close()
	c, err := NewClient(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	w := &Writer{Client: c, Options: Options{FieldManager: "kdx", FieldValidation: "Strict", DryRun: true, ForceConflicts: true, Subresource: "status"}}
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "multi.example.org/v2", "kind": "Gadget", "metadata": map[string]any{"name": "g", "managedFields": []any{}}}}
	ctx := context.Background()
	results := []Result{
		w.Apply(ctx, Task{Ref: gadgetRef, Object: obj}),
		w.Replace(ctx, Task{Ref: gadgetRef, Object: obj}),
		w.Delete(ctx, Task{Ref: gadgetRef}, DeleteOptions{Wait: true}),
	}
	w.Options.Subresource = ""
	results = append(results, w.Create(ctx, Task{Ref: gadgetRef, Object: obj}))
	want := []string{
		"PATCH /apis/multi.example.org/v2/namespaces/ns/gadgets/g/status?dryRun=All&fieldManager=kdx&fieldValidation=Ignore&force=true application/apply-patch+yaml",
		"GET /apis/multi.example.org/v2/namespaces/ns/gadgets/g? ",
		"PUT /apis/multi.example.org/v2/namespaces/ns/gadgets/g/status?dryRun=All&fieldManager=kdx&fieldValidation=Strict application/json",
		"DELETE /apis/multi.example.org/v2/namespaces/ns/gadgets/g? application/json",
		"POST /apis/multi.example.org/v2/namespaces/ns/gadgets?dryRun=All&fieldManager=kdx&fieldValidation=Strict application/json",
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(putBody, `"resourceVersion":"42"`) {
		t.Errorf("a replace without resourceVersion sent %s, want the live object's resourceVersion 42", putBody)
	}
	if obj.GetResourceVersion() != "" {
		t.Errorf("the replace changed its input: resourceVersion %q", obj.GetResourceVersion())
	}
	actions := []string{ActionApplied, ActionReplaced, ActionDeleted, ActionCreated}
	for i, r := range results {
		if r.Err != nil || r.Action != actions[i] || !r.DryRun {
			t.Errorf("result %d: %+v, want %s (dry run)", i, r, actions[i])
		}
	}
}

func TestNoNameNoCollectionRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
	}))
	defer srv.Close()
	c, err := NewClient(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	w := &Writer{Client: c}
	ref := cmRef
	ref.Name = ""
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap"}}
	ctx := context.Background()
	for _, r := range []Result{
		w.Delete(ctx, Task{Ref: ref}, DeleteOptions{}),
		w.Apply(ctx, Task{Ref: ref, Object: obj}),
		w.Replace(ctx, Task{Ref: ref, Object: obj}),
		w.Patch(ctx, Task{Ref: ref}, "application/merge-patch+json", []byte("{}")),
	} {
		if !errors.Is(r.Err, errNoName) {
			t.Errorf("%s without a name: %v, want errNoName", r.Verb, r.Err)
		}
	}
}

// TestDeleteWaitGivesUpDuringARead: a wait whose time runs out while a GET
// is under way gave up waiting, naming the finalizers, as when it runs out
// between two reads; not a bare "context deadline exceeded".
func TestDeleteWaitGivesUpDuringARead(t *testing.T) {
	held := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","uid":"u1","finalizers":["example.org/hold"],"deletionTimestamp":"2026-01-02T03:04:05Z"}}`
	for _, slowFirstGet := range []bool{true, false} {
		gets := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.Method == http.MethodGet {
				gets++
				if slowFirstGet || gets > 1 {
					<-r.Context().Done() // the read is under way when the time runs out
					return
				}
			}
			fmt.Fprint(w, held)
		}))
		c, err := NewClient(&rest.Config{Host: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		r := (&Writer{Client: c}).Delete(ctx, Task{Ref: cmRef}, DeleteOptions{Wait: true, PollInterval: time.Millisecond})
		cancel()
		srv.Close()
		want := "gave up waiting for the deletion (finalizers still set: [example.org/hold]): context deadline exceeded"
		if r.Err == nil || r.Err.Error() != want {
			t.Errorf("slow first GET %v: error %v, want %q", slowFirstGet, r.Err, want)
		}
	}
}

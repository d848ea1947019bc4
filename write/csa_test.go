package write

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/rest"
)

// step is one request a scripted server expects, and its answer.
type step struct {
	// want is "METHOD query content-type", e.g. "PATCH fieldManager=kdx application/apply-patch+yaml".
	want string
	code int
	body string
}

// scripted serves steps in order and records the bodies it was sent; a
// request out of the script fails t.
type scripted struct {
	t      *testing.T
	steps  []step
	n      int
	bodies []string
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	got := strings.TrimSpace(r.Method + " " + r.URL.RawQuery + " " + r.Header.Get("Content-Type"))
	w.Header().Set("Content-Type", "application/json")
	if s.n >= len(s.steps) {
		s.t.Errorf("request %d not in the script: %s %s", s.n+1, got, b)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	st := s.steps[s.n]
	s.n++
	if got != st.want {
		s.t.Errorf("request %d: got %q, want %q", s.n, got, st.want)
	}
	s.bodies = append(s.bodies, string(b))
	w.WriteHeader(st.code)
	fmt.Fprint(w, st.body)
}

// done fails t unless every step was served.
func (s *scripted) done() {
	if s.n != len(s.steps) {
		s.t.Errorf("%d of %d requests sent", s.n, len(s.steps))
	}
}

func scriptedWriter(t *testing.T, o Options, steps ...step) (*Writer, *scripted) {
	s := &scripted{t: t, steps: steps}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := NewClient(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return &Writer{Client: c, Options: o}, s
}

const (
	csaFields   = `{"f:data":{".":{},"f:a":{}},"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}}}`
	lastApplied = `{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"c","namespace":"ns"}}`
)

// liveCM is ConfigMap ns/c at resourceVersion rv with the managedFields entries.
func liveCM(rv string, annotated bool, entries ...string) string {
	ann := ""
	if annotated {
		q, _ := json.Marshal(lastApplied + "\n")
		ann = `"annotations":{"kubectl.kubernetes.io/last-applied-configuration":` + string(q) + `},`
	}
	return `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"ns",` + ann +
		`"resourceVersion":"` + rv + `","managedFields":[` + strings.Join(entries, ",") + `]},"data":{"a":"2"}}`
}

func entry(manager, op, fields string) string {
	return fmt.Sprintf(`{"manager":%q,"operation":%q,"apiVersion":"v1","time":"2026-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":%s}`, manager, op, fields)
}

func applyConflictBody(managers ...string) string {
	var causes []string
	for _, m := range managers {
		causes = append(causes, fmt.Sprintf(`{"reason":"FieldManagerConflict","message":%q,"field":".data.a"}`, "conflict with "+m))
	}
	return `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Apply failed","reason":"Conflict","details":{"name":"c","kind":"configmaps","causes":[` +
		strings.Join(causes, ",") + `]},"code":409}`
}

const (
	applyReq     = "PATCH fieldManager=kdx&fieldValidation=Ignore application/apply-patch+yaml"
	getReq       = "GET"
	migrateReq   = "PATCH fieldManager=kdx application/json-patch+json"
	csaUpdate    = `"kubectl-client-side-apply" using v1 at 2026-01-01T00:00:00Z`
	conflictBody = `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the object has been modified","reason":"Conflict","code":409}`
)

// wantMigration fails t unless patch is the JSON patch that moves the fields
// of kubectl-client-side-apply to manager's Apply entry at resourceVersion rv.
func wantMigration(t *testing.T, patch, manager, rv string) {
	t.Helper()
	var ops []struct {
		Op, Path string
		Value    json.RawMessage
	}
	if err := json.Unmarshal([]byte(patch), &ops); err != nil || len(ops) != 2 {
		t.Fatalf("migration patch %s: %v", patch, err)
	}
	var entries []metav1.ManagedFieldsEntry
	if err := json.Unmarshal(ops[0].Value, &entries); err != nil {
		t.Fatal(err)
	}
	if ops[0].Path != "/metadata/managedFields" || len(entries) != 1 || entries[0].Manager != manager ||
		entries[0].Operation != metav1.ManagedFieldsOperationApply || string(entries[0].FieldsV1.Raw) != csaFields {
		t.Errorf("migration patch %s: want the fields of kubectl-client-side-apply in an Apply entry of %s", patch, manager)
	}
	if ops[1].Path != "/metadata/resourceVersion" || string(ops[1].Value) != `"`+rv+`"` {
		t.Errorf("migration patch %s: want it guarded by resourceVersion %s", patch, rv)
	}
}

func cmTask() Task {
	return Task{Ref: cmRef, Object: &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "c", "namespace": "ns"}, "data": map[string]any{"a": "2"}}}}
}

func TestApplyTakesOverClientSideApply(t *testing.T) {
	migrated := liveCM("8", true, entry("kdx", "Apply", csaFields))
	applied := liveCM("9", false, entry("kdx", "Apply", `{"f:data":{"f:a":{}}}`))
	w, s := scriptedWriter(t, Options{FieldManager: "kdx"},
		step{applyReq, 409, applyConflictBody(csaUpdate)},
		step{getReq, 200, liveCM("7", true, entry("kubectl-client-side-apply", "Update", csaFields))},
		step{migrateReq, 200, migrated},
		step{applyReq, 200, applied},
	)
	r := w.Apply(context.Background(), cmTask())
	s.done()
	if r.Err != nil || r.Action != ActionApplied || len(r.Warnings) > 0 {
		t.Fatalf("result %+v, want serverside-applied", r)
	}
	wantMigration(t, s.bodies[2], "kdx", "7")
	if s.bodies[3] != s.bodies[0] {
		t.Errorf("applied again %q, want the input as first sent %q", s.bodies[3], s.bodies[0])
	}
}

func TestApplyOverClientSideDryRunForces(t *testing.T) {
	w, s := scriptedWriter(t, Options{FieldManager: "kdx", DryRun: true},
		step{"PATCH dryRun=All&fieldManager=kdx&fieldValidation=Ignore application/apply-patch+yaml", 409, applyConflictBody(csaUpdate)},
		step{getReq, 200, liveCM("7", true, entry("kubectl-client-side-apply", "Update", csaFields))},
		step{"PATCH dryRun=All&fieldManager=kdx&fieldValidation=Ignore&force=true application/apply-patch+yaml", 200, liveCM("7", true)},
	)
	r := w.Apply(context.Background(), cmTask())
	s.done()
	if r.Err != nil || r.Action != ActionApplied || !r.DryRun {
		t.Fatalf("result %+v, want serverside-applied (dry run)", r)
	}
}

func TestApplyKeepsOtherConflicts(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
	}{
		{"another manager besides the client-side apply", []step{
			{applyReq, 409, applyConflictBody(csaUpdate, `"alice" using v1 at 2026-01-01T00:00:00Z`)},
			{getReq, 200, liveCM("7", true, entry("kubectl-client-side-apply", "Update", csaFields), entry("alice", "Update", `{"f:data":{"f:a":{}}}`))},
		}},
		{"kubectl create without --save-config: no annotation", []step{
			{applyReq, 409, applyConflictBody(`"kubectl-create" using v1 at 2026-01-01T00:00:00Z`)},
			{getReq, 200, liveCM("7", false, entry("kubectl-create", "Update", `{"f:data":{".":{},"f:a":{}}}`))},
		}},
		{"an applier", []step{{applyReq, 409, applyConflictBody(`"helm"`)}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, s := scriptedWriter(t, Options{FieldManager: "kdx"}, c.steps...)
			r := w.Apply(context.Background(), cmTask())
			s.done()
			if !apierrors.IsConflict(r.Err) || !strings.Contains(Cause(r.Err), "conflicts with fields other field managers own") {
				t.Errorf("error %v, want the apply conflict", r.Err)
			}
		})
	}
}

func TestApplyUpgradesAfterwards(t *testing.T) {
	// The apply changes no field of the client-side apply (no conflict), but
	// its fields stay with kubectl-client-side-apply: as kubectl does, kdx
	// moves them and applies again, so that fields the input dropped go.
	first := liveCM("7", true, entry("kubectl-client-side-apply", "Update", csaFields), entry("kdx", "Apply", `{"f:data":{"f:b":{}}}`))
	w, s := scriptedWriter(t, Options{FieldManager: "kdx"},
		step{applyReq, 200, first},
		step{migrateReq, 200, liveCM("8", true, entry("kdx", "Apply", csaFields))},
		step{applyReq, 200, liveCM("9", false, entry("kdx", "Apply", `{"f:data":{"f:b":{}}}`))},
	)
	r := w.Apply(context.Background(), cmTask())
	s.done()
	if r.Err != nil || r.Action != ActionApplied || r.Object.GetResourceVersion() != "9" {
		t.Fatalf("result %+v, want serverside-applied at resourceVersion 9", r)
	}
	if !strings.Contains(s.bodies[1], `"f:b":{}`) || !strings.Contains(s.bodies[1], `"f:a":{}`) || strings.Contains(s.bodies[1], "kubectl-client-side-apply") {
		t.Errorf("migration %s: want the union of both entries under kdx", s.bodies[1])
	}
}

func TestApplyAsKubectlKeepsLastApplied(t *testing.T) {
	kubectlApply := "PATCH fieldManager=kubectl&fieldValidation=Ignore application/apply-patch+yaml"
	annotationOnly := `{"f:metadata":{"f:annotations":{"f:kubectl.kubernetes.io/last-applied-configuration":{}}}}`
	w, s := scriptedWriter(t, Options{FieldManager: "kubectl"},
		step{kubectlApply, 200, liveCM("7", true, entry("kubectl-client-side-apply", "Update", csaFields))},
		step{"PATCH fieldManager=kubectl-last-applied application/apply-patch+yaml", 200,
			liveCM("8", true, entry("kubectl-client-side-apply", "Update", csaFields), entry("kubectl-last-applied", "Apply", annotationOnly))},
		step{"PATCH fieldManager=kubectl application/json-patch+json", 200, liveCM("9", true)},
		step{kubectlApply, 200, liveCM("10", true)},
	)
	r := w.Apply(context.Background(), cmTask())
	s.done()
	if r.Err != nil || len(r.Warnings) > 0 {
		t.Fatalf("result %+v", r)
	}
	var kept unstructured.Unstructured
	if err := kept.UnmarshalJSON([]byte(s.bodies[1])); err != nil {
		t.Fatal(err)
	}
	if a := kept.GetAnnotations(); len(a) != 1 || a["kubectl.kubernetes.io/last-applied-configuration"] != lastApplied+"\n" || kept.Object["data"] != nil {
		t.Errorf("kept %s, want the annotation alone", s.bodies[1])
	}
	var ops []struct{ Value []metav1.ManagedFieldsEntry }
	_ = json.Unmarshal([]byte(s.bodies[2]), &ops)
	if len(ops) == 0 || len(ops[0].Value) != 2 || ops[0].Value[0].Manager != "kubectl" || ops[0].Value[1].Manager != "kubectl-last-applied" {
		t.Errorf("migration %s: want kubectl's Apply entry and kubectl-last-applied's", s.bodies[2])
	}
}

func TestMigrateRetriesWhenTheObjectChanged(t *testing.T) {
	w, s := scriptedWriter(t, Options{FieldManager: "kdx"},
		step{migrateReq, 409, conflictBody},
		step{getReq, 200, liveCM("12", true, entry("kubectl-client-side-apply", "Update", csaFields))},
		step{migrateReq, 200, liveCM("13", true)},
	)
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON([]byte(liveCM("7", true, entry("kubectl-client-side-apply", "Update", csaFields)))); err != nil {
		t.Fatal(err)
	}
	moved, err := w.migrate(context.Background(), cmRef, obj, sets.New("kubectl-client-side-apply"))
	s.done()
	if err != nil || !moved {
		t.Fatalf("migrate: %v, %v", moved, err)
	}
	wantMigration(t, s.bodies[2], "kdx", "12")
}

func TestApplyWarnsWhenTheUpgradeFails(t *testing.T) {
	w, s := scriptedWriter(t, Options{FieldManager: "kdx"},
		step{applyReq, 200, liveCM("7", true, entry("kubectl-client-side-apply", "Update", csaFields))},
		step{migrateReq, 403, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"forbidden","reason":"Forbidden","code":403}`},
	)
	r := w.Apply(context.Background(), cmTask())
	s.done()
	want := `configmap/c: failed to take over the fields of "kubectl-client-side-apply" for server-side apply: forbidden; the apply is done, and the next apply tries again`
	if r.Err != nil || len(r.Warnings) != 1 || r.Warnings[0] != want {
		t.Fatalf("result %+v, want applied with the warning %q", r, want)
	}
}

func TestConflictManagers(t *testing.T) {
	conflict := func(msgs ...string) error {
		err := apierrors.NewConflict(schema.GroupResource{Resource: "configmaps"}, "c", errors.New("Apply failed"))
		for _, m := range msgs {
			err.ErrStatus.Details.Causes = append(err.ErrStatus.Details.Causes, metav1.StatusCause{Type: metav1.CauseTypeFieldManagerConflict, Field: ".data.a", Message: m})
		}
		return err
	}
	cases := []struct {
		name string
		err  error
		want []string
		ok   bool
	}{
		{"update managers", conflict(`conflict with "kubectl-client-side-apply" using v1 at 2026-01-01T00:00:00Z`, `conflict with "kubectl-create" using v1`), []string{"kubectl-client-side-apply", "kubectl-create"}, true},
		{"an applier", conflict(`conflict with "helm"`), nil, false},
		{"a subresource's", conflict(`conflict with "kube-controller-manager" with subresource "status" using v1`), nil, false},
		{"a plain conflict", conflict(), nil, false},
		{"not a status", errors.New("x"), nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := conflictManagers(c.err)
			if ok != c.ok || (ok && !got.Equal(sets.New(c.want...))) {
				t.Errorf("got %v, %v; want %v, %v", sets.List(got), ok, c.want, c.ok)
			}
		})
	}
}

func TestApplyTakeoverRefused(t *testing.T) {
	w, s := scriptedWriter(t, Options{FieldManager: "kdx"},
		step{applyReq, 409, applyConflictBody(csaUpdate)},
		step{getReq, 200, liveCM("7", true, entry("kubectl-client-side-apply", "Update", csaFields))},
		step{migrateReq, 403, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"configmaps \"c\" is forbidden: cannot patch","reason":"Forbidden","code":403}`},
	)
	r := w.Apply(context.Background(), cmTask())
	s.done()
	want := `failed to apply configmap/c: the object was last applied client-side (by "kubectl-client-side-apply"), and taking over its fields for server-side apply failed: configmaps "c" is forbidden: cannot patch`
	if got := Explain(r); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

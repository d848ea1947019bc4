package write

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/sets"
	"sigs.k8s.io/yaml"
)

// deploymentTakeover is a Deployment kubectl applied client-side with two
// containers, env and ports, then applied by kdx (dry run) with the
// sidecar, the env and the port dropped and the image changed; the
// controller owns the revision annotation.
const deploymentTakeover = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    deployment.kubernetes.io/revision: "1"
    kubectl.kubernetes.io/last-applied-configuration: "{}"
  labels: {app: web, tier: front}
  managedFields:
  - manager: kubectl-client-side-apply
    operation: Update
    apiVersion: apps/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:annotations: {.: {}, f:kubectl.kubernetes.io/last-applied-configuration: {}}
        f:labels: {.: {}, f:app: {}, f:tier: {}}
      f:spec:
        f:progressDeadlineSeconds: {}
        f:template:
          f:spec:
            f:containers:
              'k:{"name":"web"}':
                .: {}
                f:env: {.: {}, 'k:{"name":"A"}': {.: {}, f:name: {}, f:value: {}}}
                f:image: {}
                f:name: {}
                f:ports: {.: {}, 'k:{"containerPort":80,"protocol":"TCP"}': {.: {}, f:containerPort: {}, f:protocol: {}}}
                f:resources: {}
              'k:{"name":"sidecar"}': {.: {}, f:image: {}, f:name: {}}
  - manager: kdx
    operation: Apply
    apiVersion: apps/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:labels: {f:app: {}}
      f:spec:
        f:template:
          f:spec:
            f:containers:
              'k:{"name":"web"}': {.: {}, f:image: {}, f:name: {}}
  - manager: kube-controller-manager
    operation: Update
    apiVersion: apps/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:annotations: {f:deployment.kubernetes.io/revision: {}}
spec:
  progressDeadlineSeconds: 600
  replicas: 0
  template:
    spec:
      containers:
      - name: web
        image: web:2
        env: [{name: A, value: "1"}]
        ports: [{containerPort: 80, protocol: TCP}]
        resources: {}
      - name: sidecar
        image: side:1
`

func TestPruneTakenOver(t *testing.T) {
	// What stays: the fields kdx applied, the controller's annotation, and
	// with kubectl's manager the last-applied annotation (ANNOTATION).
	const kept = `apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
ANNOTATION  labels:
    app: web
  name: web
spec:
  replicas: 0
  template:
    spec:
      containers:
      - image: web:2
        name: web
`
	cases := []struct {
		manager string
		want    string
	}{
		{"kdx", strings.Replace(kept, "ANNOTATION", "", 1)},
		{"kubectl", strings.Replace(kept, "ANNOTATION", "    kubectl.kubernetes.io/last-applied-configuration: '{}'\n", 1)},
	}
	for _, c := range cases {
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(deploymentTakeover), &obj.Object); err != nil {
			t.Fatal(err)
		}
		if !pruneTakenOver(obj, sets.New("kubectl-client-side-apply"), c.manager) {
			t.Fatal("nothing removed")
		}
		obj.SetManagedFields(nil)
		got, _ := yaml.Marshal(obj.Object)
		if string(got) != c.want {
			t.Errorf("manager %s:\n%s\nwant:\n%s", c.manager, got, c.want)
		}
	}
}

func TestDiffPreviewsTheTakeover(t *testing.T) {
	forced := liveCM("7", true, entry("kubectl-client-side-apply", "Update", `{"f:data":{".":{},"f:old":{}},"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}}}`),
		entry("kdx", "Apply", `{"f:data":{"f:a":{}}}`))
	forced = strings.Replace(forced, `"data":{"a":"2"}`, `"data":{"a":"2","old":"x"}`, 1)
	w, s := scriptedWriter(t, Options{FieldManager: "kdx", DryRun: true},
		step{"PATCH dryRun=All&fieldManager=kdx&fieldValidation=Ignore application/apply-patch+yaml", 409, applyConflictBody(csaUpdate)},
		step{getReq, 200, liveCM("7", true, entry("kubectl-client-side-apply", "Update", csaFields))},
		step{"PATCH dryRun=All&fieldManager=kdx&fieldValidation=Ignore&force=true application/apply-patch+yaml", 200, forced},
		step{"PUT dryRun=All&fieldManager=kdx application/json", 200, liveCM("7", false)},
	)
	r := w.Apply(context.Background(), cmTask())
	s.done()
	if r.Err != nil || r.Action != ActionApplied || r.Object.GetAnnotations() != nil {
		t.Fatalf("result %+v, want the dry-run update's object", r)
	}
	var put map[string]any
	if err := json.Unmarshal([]byte(s.bodies[3]), &put); err != nil {
		t.Fatal(err)
	}
	meta := put["metadata"].(map[string]any)
	if put["data"].(map[string]any)["old"] != nil || meta["annotations"] != nil || meta["managedFields"] != nil || meta["resourceVersion"] != "7" {
		t.Errorf("dry-run update of %s: want data.old, the annotation and managedFields removed, at resourceVersion 7", s.bodies[3])
	}
}

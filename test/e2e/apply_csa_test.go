package e2e

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// csaManifest is a ConfigMap and a Deployment named name in ns: version 1
// has data {mode: fast, old: x} and image web:1, version 2 {mode: slow}
// (old dropped) and image web:2.
func csaManifest(ns, name string, version int) string {
	data, image := "{mode: fast, old: x}", "web:1"
	if version == 2 {
		data, image = "{mode: slow}", "web:2"
	}
	return fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: %[2]s, namespace: %[1]s}
data: %[3]s
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: %[2]s, namespace: %[1]s}
spec:
  replicas: 0
  selector: {matchLabels: {app: %[2]s}}
  template:
    metadata: {labels: {app: %[2]s}}
    spec: {containers: [{name: web, image: registry.invalid/%[4]s}]}
`, ns, name, data, image)
}

// writeManagers are the managers of writes by kubectl and kdx; the
// controllers' entries, written when they get to it, are left out of
// comparisons.
var writeManagers = map[string]bool{"kdx": true, "kubectl": true, "kubectl-last-applied": true, "kubectl-client-side-apply": true, "kubectl-create": true}

// csaState is what a comparison of two objects looks at: the managedFields
// entries of writeManagers without their times, the last-applied annotation
// with the object's name replaced, and the data or the image.
func csaState(t *testing.T, env *testenv.Env, ns, kind, name string) string {
	t.Helper()
	res := env.RunKubectl(t, "get", kind, name, "-n", ns, "-o", "json")
	if res.ExitCode != 0 {
		t.Fatalf("kubectl get %s %s: %s", kind, name, res.Stderr)
	}
	var obj struct {
		Metadata struct {
			Annotations   map[string]string `json:"annotations"`
			ManagedFields []struct {
				Manager, Operation, APIVersion, Subresource string
				FieldsV1                                    json.RawMessage
			} `json:"managedFields"`
		} `json:"metadata"`
		Data map[string]string `json:"data"`
		Spec struct {
			Template struct {
				Spec struct {
					Containers []struct{ Image string } `json:"containers"`
				} `json:"spec"`
			} `json:"template"`
		} `json:"spec"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &obj); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range obj.Metadata.ManagedFields {
		if writeManagers[e.Manager] {
			lines = append(lines, fmt.Sprintf("managedFields: %s %s %s %s %s", e.Manager, e.Operation, e.APIVersion, e.Subresource, e.FieldsV1))
		}
	}
	sort.Strings(lines)
	if a, ok := obj.Metadata.Annotations["kubectl.kubernetes.io/last-applied-configuration"]; ok {
		lines = append(lines, "last-applied: "+strings.ReplaceAll(a, name, "NAME"))
	}
	lines = append(lines, fmt.Sprintf("data: %v", obj.Data))
	for _, c := range obj.Spec.Template.Spec.Containers {
		lines = append(lines, "image: "+c.Image)
	}
	return strings.Join(lines, "\n")
}

// TestApplyTakesOverClientSideApply: objects kubectl applied client-side
// (kubectl apply, kubectl create --save-config), then changed in the file,
// are applied and diffed by kdx with no conflict and no --force-conflicts,
// as kubectl apply --server-side does them; the fields the file dropped are
// removed, and the managedFields kdx leaves are kubectl's: those of kubectl
// apply --server-side with kdx's manager, and, with --field-manager kubectl,
// those of kubectl apply --server-side itself. An object kubectl created
// without --save-config conflicts, for kdx as for kubectl.
func TestApplyTakesOverClientSideApply(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	kubectl := func(t *testing.T, manifest string, args ...string) testenv.Result {
		t.Helper()
		return env.RunKubectlIn(t, strings.NewReader(manifest), nil, append(args, "-f", "-")...)
	}
	for _, origin := range []struct {
		name string
		args []string
	}{
		{"apply", []string{"apply"}},
		{"save-config", []string{"create", "--save-config"}},
	} {
		t.Run(origin.name, func(t *testing.T) {
			// Four twins made by kubectl alike, then changed by kdx and kubectl.
			mine, ref := origin.name+"-kdx", origin.name+"-ref"
			mineAsKubectl, kubectlRef := origin.name+"-kdx-as-kubectl", origin.name+"-kubectl"
			for _, name := range []string{mine, ref, mineAsKubectl, kubectlRef} {
				if res := kubectl(t, csaManifest(ns, name, 1), origin.args...); res.ExitCode != 0 {
					t.Fatalf("kubectl %s: %s", strings.Join(origin.args, " "), res.Stderr)
				}
			}
			file := manifestFile(t, "v2.yaml", csaManifest(ns, mine, 2))

			res := env.Kdx(t, "diff", "-f", file)
			if res.ExitCode != 1 || !strings.Contains(res.Stdout, "-  mode: fast\n-  old: x\n+  mode: slow\n") ||
				!strings.Contains(res.Stdout, "-      - image: registry.invalid/web:1\n+      - image: registry.invalid/web:2\n") {
				t.Errorf("kdx diff -f: exit %d (want 1 and the changes, the dropped key too)\nstdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
			}
			res = env.Kdx(t, "apply", "--dry-run=server", "-o", "json", "-f", file)
			wantResult(t, res, 0)
			preview := res.Stdout

			res = env.Kdx(t, "apply", "-f", file)
			wantResult(t, res, 0)
			want := fmt.Sprintf("configmap/%[1]s serverside-applied\ndeployment.apps/%[1]s serverside-applied\n", mine)
			if res.Stdout != want || res.Stderr != "" {
				t.Errorf("kdx apply -f: stdout %q, stderr %q; want %q and nothing on stderr", res.Stdout, res.Stderr, want)
			}
			if res := kubectl(t, csaManifest(ns, ref, 2), "apply", "--server-side", "--force-conflicts", "--field-manager", "kdx"); res.ExitCode != 0 {
				t.Fatalf("kubectl apply --server-side --field-manager kdx: %s", res.Stderr)
			}
			res = env.Kdx(t, "apply", "--field-manager", "kubectl", "-f", manifestFile(t, "as-kubectl.yaml", csaManifest(ns, mineAsKubectl, 2)))
			wantResult(t, res, 0)
			if res := kubectl(t, csaManifest(ns, kubectlRef, 2), "apply", "--server-side"); res.ExitCode != 0 {
				t.Fatalf("kubectl apply --server-side (no --force-conflicts): %s", res.Stderr)
			}

			for _, kind := range []string{"configmap", "deployment"} {
				got, want := csaState(t, env, ns, kind, mine), csaState(t, env, ns, kind, ref)
				if got != want {
					t.Errorf("%s after kdx apply:\n%s\nafter kubectl apply --server-side --field-manager kdx:\n%s", kind, got, want)
				}
				if strings.Contains(got, "kubectl-client-side-apply") || strings.Contains(got, "kubectl-create") || strings.Contains(got, "last-applied:") {
					t.Errorf("%s after kdx apply: the client-side apply's fields or annotation are left:\n%s", kind, got)
				}
				got, want = csaState(t, env, ns, kind, mineAsKubectl), csaState(t, env, ns, kind, kubectlRef)
				if got != want {
					t.Errorf("%s after kdx apply --field-manager kubectl:\n%s\nafter kubectl apply --server-side:\n%s", kind, got, want)
				}
			}
			if got := csaState(t, env, ns, "configmap", mine); !strings.Contains(got, "data: map[mode:slow]") {
				t.Errorf("configmap after kdx apply: want the dropped key removed, as kubectl apply does:\n%s", got)
			}
			// The dry run showed what the apply did, defaults included.
			var list struct{ Items []map[string]any }
			if err := json.Unmarshal([]byte(preview), &list); err != nil || len(list.Items) != 2 {
				t.Fatalf("kdx apply --dry-run=server -o json: %v\n%s", err, preview)
			}
			for i, kind := range []string{"configmap", "deployment"} {
				field := map[string]string{"configmap": "data", "deployment": "spec"}[kind]
				after := map[string]any{}
				if err := json.Unmarshal([]byte(env.RunKubectl(t, "get", kind, mine, "-n", ns, "-o", "json").Stdout), &after); err != nil {
					t.Fatal(err)
				}
				want, _ := json.Marshal(after[field])
				got, _ := json.Marshal(list.Items[i][field])
				if string(got) != string(want) {
					t.Errorf("%s %s: the dry run showed\n%s\nthe apply made\n%s", kind, field, got, want)
				}
			}

			res = env.Kdx(t, "diff", "-f", file)
			if res.ExitCode != 0 || res.Stdout != "" {
				t.Errorf("kdx diff -f after the apply: exit %d (want 0, no difference)\nstdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
			}
		})
	}

	t.Run("create without --save-config", func(t *testing.T) {
		mine, ref := "create-kdx", "create-ref"
		for _, name := range []string{mine, ref} {
			if res := kubectl(t, csaManifest(ns, name, 1), "create"); res.ExitCode != 0 {
				t.Fatalf("kubectl create: %s", res.Stderr)
			}
		}
		res := kubectl(t, csaManifest(ns, ref, 2), "apply", "--server-side")
		if res.ExitCode != 1 || !strings.Contains(res.Stderr, `conflict with "kubectl-create"`) {
			t.Fatalf("kubectl apply --server-side: exit %d, want 1 and a conflict with kubectl-create:\n%s", res.ExitCode, res.Stderr)
		}
		file := manifestFile(t, "v2.yaml", csaManifest(ns, mine, 2))
		wantResult(t, env.Kdx(t, "apply", "-f", file), 1, `.data.mode: conflict with "kubectl-create"`, "--force-conflicts")
		if res := env.Kdx(t, "diff", "-f", file); res.ExitCode != 2 || !strings.Contains(res.Stderr, `conflict with "kubectl-create"`) {
			t.Errorf("kdx diff -f: exit %d, want 2 and the conflict:\n%s", res.ExitCode, res.Stderr)
		}
	})
}

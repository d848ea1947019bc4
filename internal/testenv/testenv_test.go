package testenv_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/internal/testenv"
)

func TestMain(m *testing.M) {
	testenv.Main(m, testenv.Options{})
}

// clientset returns a clientset for cfg, failing t on error.
func clientset(t *testing.T, cfg *rest.Config) kubernetes.Interface {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("failed to create client: %v", err)
	}
	return cs
}

func TestServerVersion(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	info, err := clientset(t, env.Config).Discovery().ServerVersion()
	if err != nil {
		t.Fatalf("failed to get /version: %v", err)
	}
	if info.GitVersion != testenv.Version {
		t.Errorf("server version: got %q, want %q", info.GitVersion, testenv.Version)
	}
}

func TestRestrictedUserIsForbidden(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	_, err := clientset(t, env.RestrictedConfig).CoreV1().Pods("default").List(t.Context(), metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("listing pods as restricted: got %v, want Forbidden", err)
	}
	if _, err := clientset(t, env.RestrictedConfig).Discovery().ServerGroups(); err != nil {
		t.Errorf("discovery as restricted: got %v, want no error", err)
	}
}

func TestControllerManagerPublishesRootCA(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	cs := clientset(t, env.Config)
	var cm *corev1.ConfigMap
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, 30*time.Second, true,
		func(ctx context.Context) (bool, error) {
			var err error
			cm, err = cs.CoreV1().ConfigMaps(ns).Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
			return err == nil, nil
		})
	if err != nil {
		t.Fatalf("kube-root-ca.crt in %s: %v", ns, err)
	}
	if got, want := cm.Data["ca.crt"], string(env.Config.CAData); got != want {
		t.Errorf("kube-root-ca.crt: got %q, want the apiserver's CA %q", got, want)
	}
}

func TestKubectl(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	res := env.RunKubectl(t, "version", "--client", "-o", "json")
	var version struct {
		ClientVersion struct{ GitVersion string } `json:"clientVersion"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &version); err != nil || res.ExitCode != 0 {
		t.Fatalf("kubectl version: exit %d, %v\n%s%s", res.ExitCode, err, res.Stdout, res.Stderr)
	}
	if version.ClientVersion.GitVersion != testenv.Version {
		t.Errorf("kubectl client version: got %q, want %q", version.ClientVersion.GitVersion, testenv.Version)
	}
}

func TestKubeconfigContexts(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantExit int
		wantOut  string
	}{
		{"current context is admin in default", []string{"get", "serviceaccount", "default", "-o", "name"}, 0, "serviceaccount/default"},
		{"restricted is forbidden", []string{"--context", "restricted", "get", "pods"}, 1, "Forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := env.RunKubectl(t, tt.args...)
			if res.ExitCode != tt.wantExit || !strings.Contains(res.Stdout+res.Stderr, tt.wantOut) {
				t.Errorf("kubectl %v: got exit %d, output %q%q; want exit %d and %q",
					tt.args, res.ExitCode, res.Stdout, res.Stderr, tt.wantExit, tt.wantOut)
			}
		})
	}
}

const widgetCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.testenv.kdx.io
spec:
  group: testenv.kdx.io
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`

func TestApplyCRDAndCustomResource(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	objs := env.Apply(t, widgetCRD+"---\napiVersion: testenv.kdx.io/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: "+ns+"\nsize: 3\n")
	if len(objs) != 2 || objs[1].GetUID() == "" {
		t.Fatalf("Apply: got %d objects, want 2 stored objects", len(objs))
	}
	env.WaitForCRD(t, "widgets.testenv.kdx.io")
	res := env.RunKubectl(t, "get", "widgets", "-n", ns, "-o", "name")
	if strings.TrimSpace(res.Stdout) != "widget.testenv.kdx.io/w1" {
		t.Errorf("kubectl get widgets: got %q (stderr %q), want widget.testenv.kdx.io/w1", res.Stdout, res.Stderr)
	}
}

func TestApplyFileDefaultsNamespace(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cm.yaml")
	manifest := "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: testenv-applyfile}\n  data: {a: b}\n"
	if err := os.WriteFile(path, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	objs := env.ApplyFile(t, path)
	if len(objs) != 1 || objs[0].GetNamespace() != "default" {
		t.Fatalf("ApplyFile: got %v, want one ConfigMap in default", objs)
	}
	t.Cleanup(func() {
		_ = clientset(t, env.Config).CoreV1().ConfigMaps("default").Delete(context.Background(), "testenv-applyfile", metav1.DeleteOptions{})
	})
	// DeleteFile deletes what exists, and again finds nothing to delete.
	env.DeleteFile(t, path)
	if _, err := clientset(t, env.Config).CoreV1().ConfigMaps("default").Get(context.Background(), "testenv-applyfile", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("after DeleteFile, the ConfigMap: %v, want not found", err)
	}
	env.DeleteFile(t, path)
}

// TestAPIServerRestart is not parallel: it stops the shared apiserver.
func TestAPIServerRestart(t *testing.T) {
	env := testenv.Require(t)
	ns := env.Namespace(t)
	cs := clientset(t, env.Config)
	createConfigMap(t, cs, ns, "before-restart")
	if err := env.RestartAPIServer(t.Context()); err != nil {
		t.Fatalf("RestartAPIServer: %v", err)
	}
	getConfigMap(t, cs, ns, "before-restart")

	extra, stopExtra, err := env.StartExtraAPIServer(t.Context())
	if err != nil {
		t.Fatalf("StartExtraAPIServer: %v", err)
	}
	defer stopExtra()
	env.StopAPIServer()
	t.Cleanup(func() { _ = env.StartAPIServer(context.Background()) })
	if _, err := cs.CoreV1().Namespaces().Get(t.Context(), ns, metav1.GetOptions{}); err == nil {
		t.Errorf("get through the stopped apiserver: got no error")
	}
	createConfigMap(t, clientset(t, extra), ns, "while-down")
	if err := env.StartAPIServer(t.Context()); err != nil {
		t.Fatalf("StartAPIServer: %v", err)
	}
	getConfigMap(t, cs, ns, "while-down")
}

// createConfigMap creates an empty ConfigMap, failing t on error.
func createConfigMap(t *testing.T, cs kubernetes.Interface, ns, name string) {
	t.Helper()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(t.Context(), cm, metav1.CreateOptions{}); err != nil {
		t.Fatalf("failed to create ConfigMap %s: %v", name, err)
	}
}

// getConfigMap gets a ConfigMap, failing t on error.
func getConfigMap(t *testing.T, cs kubernetes.Interface, ns, name string) {
	t.Helper()
	if _, err := cs.CoreV1().ConfigMaps(ns).Get(t.Context(), name, metav1.GetOptions{}); err != nil {
		t.Errorf("failed to get ConfigMap %s: %v", name, err)
	}
}

func TestSecondControlPlane(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	start := time.Now()
	second, err := testenv.Start(t.Context(), testenv.Options{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(second.Stop)
	t.Logf("second control plane ready in %v", time.Since(start).Round(time.Millisecond))
	if second.URL == env.URL || second.Dir == env.Dir {
		t.Fatalf("second control plane shares URL %s or Dir %s with the first", second.URL, second.Dir)
	}
	ns := second.Namespace(t)
	dyn, err := dynamic.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	nsResource := schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	if _, err := dyn.Resource(nsResource).Get(t.Context(), ns, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("namespace %s of the second control plane in the first: got %v, want NotFound", ns, err)
	}
}

func TestStopRemovesDir(t *testing.T) {
	testenv.Require(t)
	t.Parallel()
	env, err := testenv.Start(t.Context(), testenv.Options{NoControllerManager: true})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	env.Stop()
	if _, err := os.Stat(env.Dir); !os.IsNotExist(err) {
		t.Errorf("Dir after Stop: got %v, want it removed", err)
	}
	if _, err := clientset(t, env.Config).Discovery().ServerVersion(); err == nil {
		t.Errorf("apiserver after Stop: still answering")
	}
}

// TestCompactEtcdExpiresContinue lists from etcd (NoWatchCache), compacts
// etcd between two pages and checks that the second page is a 410 carrying
// the token of an inconsistent continuation, which then reads the rest.
func TestCompactEtcdExpiresContinue(t *testing.T) {
	testenv.Require(t)
	t.Parallel()
	env, err := testenv.Start(t.Context(), testenv.Options{NoControllerManager: true, NoWatchCache: true})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(env.Stop)
	ns := env.Namespace(t)
	cs := clientset(t, env.Config)
	for _, name := range []string{"a", "b", "c"} {
		createConfigMap(t, cs, ns, name)
	}
	first, err := cs.CoreV1().ConfigMaps(ns).List(t.Context(), metav1.ListOptions{Limit: 1})
	if err != nil || first.Continue == "" {
		t.Fatalf("first page: got continue %q, error %v; want a continue token", first.Continue, err)
	}
	createConfigMap(t, cs, ns, "d") // a revision after the list's
	rev, err := env.CompactEtcd(t.Context())
	if err != nil {
		t.Fatalf("CompactEtcd: %v", err)
	}
	t.Logf("compacted etcd at revision %d", rev)
	_, err = cs.CoreV1().ConfigMaps(ns).List(t.Context(), metav1.ListOptions{Limit: 1, Continue: first.Continue})
	var se *apierrors.StatusError
	if !apierrors.IsResourceExpired(err) || !errors.As(err, &se) || se.ErrStatus.ListMeta.Continue == "" {
		t.Fatalf("second page after the compaction: got %v, want 410 Expired with a continue token", err)
	}
	remainder, err := cs.CoreV1().ConfigMaps(ns).List(t.Context(), metav1.ListOptions{Limit: 10, Continue: se.ErrStatus.ListMeta.Continue})
	if err != nil {
		t.Fatalf("list with the token of the 410: %v", err)
	}
	var names []string
	for _, cm := range remainder.Items {
		names = append(names, cm.Name)
	}
	if got, want := strings.Join(names, ","), "b,c,d"; got != want {
		t.Errorf("rest of the list: got %s, want %s", got, want)
	}
}

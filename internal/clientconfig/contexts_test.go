package clientconfig

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const fleetKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: u
  user: {token: t}
contexts:
- name: prod-b
  context: {cluster: c, user: u}
- name: staging
  context: {cluster: c, user: u}
- name: prod-a
  context: {cluster: c, user: u}
- name: arn:aws:eks:eu-west-1:1:cluster/prod
  context: {cluster: c, user: u}
current-context: staging
`

func TestSelectContexts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(fleetKubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		context string
		all     bool
		want    []string
		wantErr string
	}{
		{context: "", want: nil},
		{context: "staging", want: []string{"staging"}},
		{context: "prod-a,staging", want: []string{"prod-a", "staging"}},
		{context: "prod-*", want: []string{"prod-b", "prod-a"}}, // kubeconfig order
		{context: "staging,prod-*,prod-a", want: []string{"staging", "prod-b", "prod-a"}},
		{all: true, want: []string{"prod-b", "staging", "prod-a", "arn:aws:eks:eu-west-1:1:cluster/prod"}},
		{context: "*/prod", want: []string{"arn:aws:eks:eu-west-1:1:cluster/prod"}}, // '*' crosses '/'
		{context: "arn:*,staging", want: []string{"arn:aws:eks:eu-west-1:1:cluster/prod", "staging"}},
		{context: "prod-a,nope", wantErr: `context "nope" not found in kubeconfig (available: arn:aws:eks:eu-west-1:1:cluster/prod, prod-a, prod-b, staging)`},
		{context: "dev-*", wantErr: `context "dev-*" not found in kubeconfig (available: arn:aws:eks:eu-west-1:1:cluster/prod, prod-a, prod-b, staging)`},
		{context: "staging", all: true, wantErr: "--context and --all-contexts cannot be used together"},
	}
	for _, tt := range tests {
		flags := NewFlags()
		flags.KubeConfig, flags.Context = path, tt.context
		got, err := SelectContexts(flags, tt.all)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("SelectContexts(%q, %v): error %v, want %q", tt.context, tt.all, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SelectContexts(%q, %v) = %q, %v; want %q", tt.context, tt.all, got, err, tt.want)
		}
	}
	var ce *ContextError
	flags := NewFlags()
	flags.KubeConfig, flags.Context = path, "x,y"
	if _, err := SelectContexts(flags, false); !errors.As(err, &ce) || !IsConfigError(err) {
		t.Errorf("unknown context: got %v, want a *ContextError", err)
	}
}

func TestListContexts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	kubeconfig := strings.Replace(fleetKubeconfig, "- name: prod-a\n  context: {cluster: c, user: u}", "- name: prod-a\n  context: {cluster: c, user: u, namespace: shop}", 1)
	if err := os.WriteFile(path, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := NewFlags()
	flags.KubeConfig, flags.Context = path, "prod-a" // --context changes nothing listed
	got, err := ListContexts(flags)
	if err != nil {
		t.Fatal(err)
	}
	want := []ContextInfo{
		{Name: "prod-b", Cluster: "c", User: "u"},
		{Name: "staging", Cluster: "c", User: "u", Current: true},
		{Name: "prod-a", Cluster: "c", User: "u", Namespace: "shop"},
		{Name: "arn:aws:eks:eu-west-1:1:cluster/prod", Cluster: "c", User: "u"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListContexts:\n got %+v\nwant %+v", got, want)
	}
	flags.KubeConfig = filepath.Join(t.TempDir(), "missing")
	if _, err := ListContexts(flags); err == nil {
		t.Error("ListContexts of a missing kubeconfig: no error")
	}
}

// TestPreload: after Preload, the Flags of every context load what the
// files held when it ran (they are not read again), each as its own copy,
// and as they would have without Preload; a failed read is not kept.
func TestPreload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	kubeconfig := `apiVersion: v1
kind: Config
clusters:
- name: one
  cluster: {server: "https://127.0.0.1:1"}
- name: two
  cluster: {server: "https://127.0.0.1:2"}
users:
- name: u
  user: {token: t}
contexts:
- name: a
  context: {cluster: one, user: u, namespace: shop}
- name: b
  context: {cluster: two, user: u}
current-context: a
`
	if err := os.WriteFile(path, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	load := func(f *Flags) string {
		t.Helper()
		c, err := Load(f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return c.REST.Host + " " + c.REST.BearerToken + " " + c.Namespace + " " + c.Context
	}
	fresh := &Flags{KubeConfig: path, Namespace: ""}
	want := map[string]string{"a": load(fresh.ForContext("a")), "b": load(fresh.ForContext("b"))}
	if want["a"] != "https://127.0.0.1:1 t shop a" || want["b"] != "https://127.0.0.1:2 t default b" {
		t.Fatalf("without Preload: %q", want)
	}

	f := &Flags{KubeConfig: path}
	f.Preload()
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(kubeconfig, "127.0.0.1", "10.9.9.9")), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b"} {
		if got := load(f.ForContext(name)); got != want[name] {
			t.Errorf("context %s after Preload: %q, want %q", name, got, want[name])
		}
	}
	raw, err := f.ForContext("a").ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		t.Fatal(err)
	}
	raw.Contexts["a"].Namespace = "changed"
	if got := load(f.ForContext("a")); got != want["a"] {
		t.Errorf("a loader changed what the next one loads: %q", got)
	}

	missing := &Flags{KubeConfig: filepath.Join(t.TempDir(), "none")}
	missing.Preload()
	if _, err := Load(missing, Options{}); err == nil {
		t.Error("a kubeconfig that is not there loaded after Preload")
	}
}

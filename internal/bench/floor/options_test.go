package main

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/client-go/rest"
)

// TestLoadConfigsContexts: --contexts loads one config per context, from a
// kubeconfig given as a list of files (as KUBECONFIG is for a fleet), in the
// order given.
func TestLoadConfigsContexts(t *testing.T) {
	dir := t.TempDir()
	write := func(name, server string) string {
		path := filepath.Join(dir, name+".kubeconfig")
		body := "apiVersion: v1\nkind: Config\ncurrent-context: " + name + "\n" +
			"clusters:\n- name: " + name + "\n  cluster:\n    server: " + server + "\n" +
			"users:\n- name: " + name + "\n  user:\n    token: t\n" +
			"contexts:\n- name: " + name + "\n  context:\n    cluster: " + name + "\n    user: " + name + "\n"
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	a, b := write("a", "https://127.0.0.1:1"), write("b", "https://127.0.0.1:2")
	list := a + string(filepath.ListSeparator) + b
	configs, err := loadConfigs(list, []string{"b", "a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(configs) != 2 || configs[0].Host != "https://127.0.0.1:2" || configs[1].Host != "https://127.0.0.1:1" {
		t.Fatalf("got %d configs, hosts %v", len(configs), hosts(configs))
	}
	one, err := loadConfigs(list, nil)
	if err != nil || len(one) != 1 || one[0].Host != "https://127.0.0.1:1" {
		t.Fatalf("current context: %v %v", err, hosts(one))
	}
	if _, err := loadConfigs(list, []string{"nope"}); err == nil {
		t.Fatal("an unknown context loaded")
	}
}

func hosts(configs []*rest.Config) []string {
	var out []string
	for _, c := range configs {
		out = append(out, c.Host)
	}
	return out
}

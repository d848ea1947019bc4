package edit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// run runs the command with args against f.
func run(f *clitest.Factory, args ...string) (string, string, error) {
	return clitest.Execute(f, NewCmd(f), args...)
}

func TestEditErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "you must name the object to edit: TYPE/NAME or TYPE NAME"},
		{[]string{"cm/a", "--field-manager", ""}, "--field-manager must not be empty"},
		{[]string{"cm/a", "-o", "name"}, `--output must be yaml or json, not "name"`},
		{[]string{"cm/a"}, clitest.ErrNoServer.Error()},
	}
	for _, c := range cases {
		_, _, err := run(clitest.New(), c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err %v, want %q", c.args, err, c.want)
		}
	}
	f := clitest.New()
	f.ContextList = []string{"a", "b"}
	if _, _, err := run(f, "cm/a"); err == nil || !strings.Contains(err.Error(), "this command runs against one context") {
		t.Errorf("over two contexts: %v", err)
	}
}

func TestEditRun(t *testing.T) {
	const path = "/api/v1/namespaces/default/configmaps/"
	s := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	s.Put(path+"a", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default","resourceVersion":"7","uid":"u"},"data":{"k":"1"}}`)
	s.Put(path+"b", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"default","resourceVersion":"7"}}`)
	script := filepath.Join(t.TempDir(), "editor.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nsed -i 's/k: \"1\"/k: \"2\"/' \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBE_EDITOR", script)
	t.Setenv("EDITOR", "false")
	f := clitest.New()
	f.Server = s.URL
	out, errOut, err := run(f, "cm", "a")
	if err != nil || out != "configmap/a edited\n" || errOut != "" {
		t.Fatalf("stdout %q, stderr %q, err %v", out, errOut, err)
	}
	if p := s.Patches(); len(p) != 1 || p[0] != path+`a {"data":{"k":"2"},"metadata":{"resourceVersion":"7"}}` {
		t.Errorf("patches %q", p)
	}
	f = clitest.New()
	f.Server = s.URL
	if _, _, err := run(f, "cm", "a", "b"); err == nil || err.Error() != "kdx edit edits one object: name it as TYPE/NAME or TYPE NAME" {
		t.Errorf("two objects: %v", err)
	}
}

package label

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cli/clitest"
)

const cmPath = "/api/v1/namespaces/default/configmaps/"

func server(t *testing.T) *clitest.APIServer {
	s := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	s.Put(cmPath+"a", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default","resourceVersion":"5","labels":{"x":"1"}}}`)
	return s
}

// run runs the command with args against f.
func run(f *clitest.Factory, args ...string) (string, string, error) {
	return clitest.Execute(f, NewCmd(f), args...)
}

func TestLabelErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"cm", "a"}, "at least one label update is required"},
		{[]string{"x=1"}, "one or more resources must be specified as <resource> <name> or <resource>/<name>"},
		{[]string{"cm", "x=1", "a"}, "all resources must be specified before label changes: a"},
		{[]string{"cm", "a", "x=1", "x-"}, "can not both modify and remove a label in the same command"},
		{[]string{"cm", "a", "x=1=2"}, "invalid label spec: x=1=2"},
		{[]string{"cm", "a", "x"}, "at least one label update is required"}, // "x" is a resource argument, as kubectl reads it
		{[]string{"cm", "--all", "-l", "a=b", "x=1"}, "cannot set --all and --selector at the same time"},
		{[]string{"cm", "--all", "--field-selector", "a=b", "x=1"}, "cannot set --all and --field-selector at the same time"},
		{[]string{"cm", "--all", "--where", "true", "x=1"}, "cannot set --all and --where at the same time"},
		{[]string{"cm", "a", "-A", "x=1"}, "--all-namespaces (-A) needs -l, --field-selector, --where or --all"},
		{[]string{"cm", "a", "--list", "x=1"}, "--list prints the labels and changes nothing: give it no KEY=VALUE or KEY-"},
		{[]string{"cm", "a", "--list", "-o", "yaml"}, "--list and --output may not be specified together"},
		{[]string{"cm", "a", "x=1", "--dry-run=client"}, "--dry-run=client is not supported"},
		{[]string{"cm", "a", "x=1", "--where", "object."}, "--where"},
		{[]string{"cm", "a", "x=1"}, clitest.ErrNoServer.Error()}, // valid: reaches for the server
	}
	for _, c := range cases {
		_, _, err := run(clitest.New(), c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err %v, want %q", c.args, err, c.want)
		}
	}
}

func TestLabelRun(t *testing.T) {
	s := server(t)
	cases := []struct {
		args        []string
		out, errOut string
		patch       string
		wantErr     string
	}{
		{args: []string{"cm", "a", "y=2"}, out: "configmap/a labeled\n", patch: `{"metadata":{"labels":{"y":"2"}}}`},
		{args: []string{"cm/a", "y=2"}, out: "configmap/a not labeled\n"},
		{args: []string{"cm", "a", "y-", "z-"}, out: "label \"z\" not found.\nconfigmap/a unlabeled\n", patch: `{"metadata":{"labels":{"y":null}}}`},
		{args: []string{"cm", "a", "x=2"}, wantErr: "exit", errOut: "error: failed to label configmap/a: 'x' already has a value (1), and --overwrite is false\n"},
		{args: []string{"cm", "a", "x=2", "--overwrite", "--dry-run=server", "-o", "name"}, out: "configmap/a\n", patch: `{"metadata":{"labels":{"x":"2"}}}`},
		{args: []string{"cm", "a", "b", "x=2", "--resource-version", "5"}, wantErr: "--resource-version may only be used with a single resource"},
		{args: []string{"cm", "a", "--list"}, out: "x=1\n"},
		{args: []string{"cm", "nope", "x=1"}, wantErr: "exit", errOut: "error: failed to label configmap/nope: not found\n"},
	}
	for _, c := range cases {
		f := clitest.New()
		f.Server = s.URL
		before := len(s.Patches())
		out, errOut, err := run(f, c.args...)
		switch {
		case c.wantErr == "exit":
			if err == nil || !strings.Contains(err.Error(), "exit") {
				t.Errorf("%v: err %v, want an exit code", c.args, err)
			}
		case c.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%v: err %v, want %q", c.args, err, c.wantErr)
			}
		case err != nil:
			t.Errorf("%v: %v", c.args, err)
		}
		if out != c.out || errOut != c.errOut {
			t.Errorf("%v: stdout %q, stderr %q; want %q, %q", c.args, out, errOut, c.out, c.errOut)
		}
		patches := s.Patches()[before:]
		if c.patch == "" && len(patches) != 0 || c.patch != "" && (len(patches) != 1 || patches[0] != cmPath+"a "+c.patch) {
			t.Errorf("%v: patches %q, want %q", c.args, patches, c.patch)
		}
	}
}

func TestLabelFromFile(t *testing.T) {
	s := server(t)
	file := filepath.Join(t.TempDir(), "cm.yaml")
	if err := os.WriteFile(file, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := clitest.New()
	f.Server = s.URL
	out, errOut, err := run(f, "-f", file, "f=1")
	if err != nil || out != "configmap/a labeled\n" || errOut != "" {
		t.Errorf("stdout %q, stderr %q, err %v", out, errOut, err)
	}
	for _, args := range [][]string{{"-f", file, "cm", "a", "f=1"}, {"-f", file, "-l", "a=b", "f=1"}} {
		if _, _, err := run(clitest.New(), args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestLabelFleetWriter: label runs once per context of a list.
func TestLabelFleetWriter(t *testing.T) {
	s := server(t)
	f := clitest.New()
	f.Server, f.ContextList = s.URL, []string{"a", "b"}
	out, _, err := run(f, "cm", "a", "y=1")
	if err != nil || out != "a: configmap/a labeled\nb: configmap/a not labeled\n" {
		t.Errorf("stdout %q, err %v", out, err)
	}
	var _ cli.FleetWriter = cli.NewMetaOptions(f, "labels")
}

package annotate

import (
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

const cmPath = "/api/v1/namespaces/default/configmaps/"

// run runs the command with args against f.
func run(f *clitest.Factory, args ...string) (string, string, error) {
	return clitest.Execute(f, NewCmd(f), args...)
}

func TestAnnotateErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"cm", "a"}, "at least one annotation update is required"},
		{[]string{"k=v"}, "one or more resources must be specified"},
		{[]string{"cm", "k=v", "a"}, "all resources must be specified before annotation changes: a"},
		{[]string{"cm", "a", "k=v", "k-", "j=1", "j-"}, "can not both modify and remove the following annotation(s) in the same command: k, j"},
		{[]string{"cm", "--all", "-l", "a=b", "k=v"}, "cannot set --all and --selector at the same time"},
		{[]string{"cm", "a", "--list", "-o", "json"}, "--list and --output may not be specified together"},
	}
	for _, c := range cases {
		_, _, err := run(clitest.New(), c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err %v, want %q", c.args, err, c.want)
		}
	}
}

func TestAnnotateRun(t *testing.T) {
	s := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	s.Put(cmPath+"a", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default","annotations":{"note":"old"}}}`)
	cases := []struct {
		args        []string
		out, errOut string
		patch       string
	}{
		{args: []string{"cm", "a", "desc=a b=c"}, out: "configmap/a annotated\n", patch: `{"metadata":{"annotations":{"desc":"a b=c"}}}`},
		{args: []string{"cm", "a", "note=new"}, errOut: "error: failed to annotate configmap/a: --overwrite is false but found the following declared annotation(s): 'note' already has a value (old)\n"},
		{args: []string{"cm", "a", "gone-"}, out: "configmap/a annotated\n"}, // nothing to change: nothing sent, kubectl's line
		{args: []string{"cm", "a", "--list"}, out: "desc=a b=c\nnote=old\n"},
	}
	for _, c := range cases {
		f := clitest.New()
		f.Server = s.URL
		before := len(s.Patches())
		out, errOut, _ := run(f, c.args...)
		if out != c.out || errOut != c.errOut {
			t.Errorf("%v: stdout %q, stderr %q; want %q, %q", c.args, out, errOut, c.out, c.errOut)
		}
		patches := s.Patches()[before:]
		if c.patch == "" && len(patches) != 0 || c.patch != "" && (len(patches) != 1 || patches[0] != cmPath+"a "+c.patch) {
			t.Errorf("%v: patches %q, want %q", c.args, patches, c.patch)
		}
	}
}

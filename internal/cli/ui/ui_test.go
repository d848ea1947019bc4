package ui

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
	"github.com/kdxproject/kdx/internal/clientconfig"
	explorer "github.com/kdxproject/kdx/ui"
)

func run(f *clitest.Factory, args ...string) error {
	_, _, err := clitest.Execute(f, NewCmd(f), args...)
	return err
}

func TestNeedsATerminal(t *testing.T) {
	f := clitest.New()
	f.Server = "http://127.0.0.1:1"
	if err := run(f); !errors.Is(err, errNoTerminal) {
		t.Errorf("kdx ui over buffers: %v, want %v", err, errNoTerminal)
	}
}

func TestFleet(t *testing.T) {
	f := clitest.New()
	f.Server, f.Namespace = "http://127.0.0.1:1", "team-a"
	f.ContextList = []string{"a", "b", "c"}
	o := &Options{f: f}
	cmd := NewCmd(f)
	if err := o.Complete(cmd, nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o.contexts, []string{"a", "b", "c"}) || o.opts.Context != "a" || o.opts.Namespace != "team-a" {
		t.Errorf("contexts %q, options %+v: want the fleet, home on its first context", o.contexts, o.opts)
	}
	// kdx ui over a fleet is refused only for want of a terminal
	if err := run(f); !errors.Is(err, errNoTerminal) {
		t.Errorf("kdx ui --context a,b,c over buffers: %v, want %v", err, errNoTerminal)
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name     string
		explicit bool
		args     []string
		want     explorer.Options
	}{
		{"home", false, nil, explorer.Options{Context: "kind-a", Namespace: "team-a"}},
		{"-n counts in the namespace", true, nil, explorer.Options{Context: "kind-a", Namespace: "team-a", CountNamespace: "team-a"}},
		{"-A counts everywhere", true, []string{"-A", "pods"}, explorer.Options{Context: "kind-a", Namespace: "team-a", AllNamespaces: true, Open: []string{"pods"}}},
		{"filters", false, []string{"-l", "app=web", "--where", "object.data.a == '1'"}, explorer.Options{Context: "kind-a", Namespace: "team-a", LabelSelector: "app=web", Where: []string{"object.data.a == '1'"}}},
		{"a type and names", false, []string{"cm", "a", "b"}, explorer.Options{Context: "kind-a", Namespace: "team-a", Open: []string{"cm", "a", "b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := clitest.New()
			f.Server, f.Context, f.Namespace, f.ExplicitNamespace = "http://127.0.0.1:1", "kind-a", "team-a", tt.explicit
			o := &Options{f: f}
			cmd := NewCmd(f)
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			o.allNamespaces, _ = cmd.Flags().GetBool("all-namespaces")
			o.selector, _ = cmd.Flags().GetString("selector")
			o.where.Exprs, _ = cmd.Flags().GetStringArray("where")
			if err := o.Complete(cmd, cmd.Flags().Args()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(o.opts, tt.want) {
				t.Errorf("options %+v, want %+v", o.opts, tt.want)
			}
		})
	}
}

func TestBadFilters(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-l", "app in (web"}, `-l "app in (web" is not a label selector`},
		{[]string{"--where", "object.spec.replicas >"}, "Syntax error"},
	} {
		f := clitest.New()
		f.Server = "http://127.0.0.1:1"
		err := run(f, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n\n") {
			t.Errorf("kdx ui %s: %v, want an error with %q", strings.Join(tt.args, " "), err, tt.want)
		}
	}
}

// TestAllContexts: :ctx lists the kubeconfig's contexts as the factory
// reads them: cluster, user, namespace and the current one.
func TestAllContexts(t *testing.T) {
	f := clitest.New()
	f.Kubeconfig = []clientconfig.ContextInfo{{Name: "a", Cluster: "c-a", User: "u-a", Namespace: "team-a"}, {Name: "b", Cluster: "c-b", User: "u-b", Current: true}}
	o := &Options{f: f}
	want := []explorer.KubeContext{{Name: "a", Cluster: "c-a", User: "u-a", Namespace: "team-a"}, {Name: "b", Cluster: "c-b", User: "u-b", Current: true}}
	if got := o.allContexts(); !reflect.DeepEqual(got, want) {
		t.Errorf("allContexts: %+v, want %+v", got, want)
	}
}

package apiversions

import (
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

var resources = []clitest.Resource{
	{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"},
	{Group: "shop.example.com", Plural: "gadgets", Kind: "Gadget", Short: "gd"},
	{Group: "apps.example.com", Plural: "widgets", Kind: "Widget", Short: "wd"},
}

// TestAPIVersions: the served group/versions, sorted, one a line.
func TestAPIVersions(t *testing.T) {
	f := clitest.New()
	f.Server = clitest.NewAPIServer(t, resources...).URL
	f.Cache = t.TempDir()
	out, stderr, err := clitest.Execute(f, NewCmd(f))
	if err != nil || stderr != "" {
		t.Fatalf("err %v, stderr %q", err, stderr)
	}
	if want := "apps.example.com/v1\nshop.example.com/v1\nv1\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
}

// TestAPIVersionsFleet: one column per context.
func TestAPIVersionsFleet(t *testing.T) {
	f := clitest.New()
	f.Server = clitest.NewAPIServer(t, resources[:2]...).URL
	f.ContextList = []string{"east", "west"}
	out, _, err := clitest.Execute(f, NewCmd(f))
	if err != nil {
		t.Fatal(err)
	}
	want := "GROUP/VERSION         east   west\nshop.example.com/v1   yes    yes\nv1                    yes    yes\n"
	if out != want {
		t.Errorf("stdout\n%s\nwant\n%s", out, want)
	}
}

func TestAPIVersionsErrors(t *testing.T) {
	f := clitest.New()
	if _, _, err := clitest.Execute(f, NewCmd(f), "v1"); err == nil || err.Error() != `unknown command "v1" for "api-versions"` {
		t.Errorf("an argument: %v", err)
	}
	f = clitest.New()
	if _, _, err := clitest.Execute(f, NewCmd(f)); err != clitest.ErrNoServer {
		t.Errorf("no server: %v, want %v", err, clitest.ErrNoServer)
	}
}

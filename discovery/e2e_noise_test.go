package discovery

import (
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestE2EAmbiguityWarnings: "events" (core events beside events.k8s.io,
// the same objects through two built-in APIs) resolves as kubectl does
// without a warning; a custom resource named like a built-in still warns.
func TestE2EAmbiguityWarnings(t *testing.T) {
	env := testenv.Require(t)
	installDemo(t, env)
	ns := env.Namespace(t)
	res := env.Kdx(t, "get", "events", "-n", ns)
	if res.ExitCode != 0 || strings.Contains(res.Stderr, "Warning") || strings.Contains(res.Stderr, "also matches") {
		t.Errorf("kdx get events: exit %d, stderr:\n%s", res.ExitCode, res.Stderr)
	}
	res = env.Kdx(t, "get", "deployments", "-n", ns)
	want := `Warning: "deployments" also matches deployments.shadow.example.org; using deployments.apps (name the group to choose)`
	if res.ExitCode != 0 || !strings.Contains(res.Stderr, want) {
		t.Errorf("kdx get deployments: exit %d, stderr:\n%s\nwant %s", res.ExitCode, res.Stderr, want)
	}
}

// TestE2EUnknownVersionSuggestsVersions: a version the resource does not
// have suggests the versions it has, after kubectl's error.
func TestE2EUnknownVersionSuggestsVersions(t *testing.T) {
	env := testenv.Require(t)
	installDemo(t, env)
	res := env.Kdx(t, "get", "gadgets.v3.multi.example.org", "-n", "demo")
	kubectl := env.RunKubectl(t, "get", "gadgets.v3.multi.example.org", "-n", "demo")
	want := `error: the server doesn't have a resource type "gadgets" in group "multi.example.org" and version "v3"; did you mean gadgets.v2.multi.example.org or gadgets.v1.multi.example.org?` + "\n"
	if res.ExitCode != 1 || res.Stderr != want {
		t.Errorf("kdx: exit %d, stderr %q\nwant %q", res.ExitCode, res.Stderr, want)
	}
	// kubectl names the type the same way (it says no more).
	if kubectl.ExitCode != 1 || !strings.Contains(kubectl.Stderr, `error: the server doesn't have a resource type "gadgets"`) {
		t.Errorf("kubectl: exit %d, stderr %q", kubectl.ExitCode, kubectl.Stderr)
	}
}

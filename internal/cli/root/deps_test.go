package root

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryDeps keeps the packages that cost kdx ~10 MB of resident memory
// out of the binary: client-go's discovery and restmapper import
// client-go/kubernetes/scheme, which registers every built-in API type.
// Only the types of aggregated discovery (k8s.io/api/apidiscovery/v2) are
// needed.
func TestBinaryDeps(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goBin, "list", "-deps", "../../../cmd/kdx").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		heavy := strings.HasPrefix(pkg, "k8s.io/api/") && pkg != "k8s.io/api/apidiscovery/v2" ||
			pkg == "k8s.io/client-go/discovery" || pkg == "k8s.io/client-go/restmapper" ||
			strings.HasPrefix(pkg, "k8s.io/client-go/kubernetes")
		if heavy {
			t.Errorf("kdx imports %s; run `go list -deps ./cmd/kdx` and `go mod why` to find which import brings it", pkg)
		}
	}
}

package testenv

import (
	"strings"
	"testing"
)

// TestKdxBuildArgs: the kdx binary is built with -race when the tests are,
// and with coverage of every package when asked.
func TestKdxBuildArgs(t *testing.T) {
	got := strings.Join(kdxBuildArgs("/x/kdx", true, true), " ")
	want := "build -o /x/kdx -race -cover -coverpkg=" + modulePath + "/... " + modulePath + "/cmd/kdx"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if got := strings.Join(kdxBuildArgs("/x/kdx", false, false), " "); got != "build -o /x/kdx "+modulePath+"/cmd/kdx" {
		t.Fatalf("plain build: %s", got)
	}
}

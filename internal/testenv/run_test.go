package testenv

import (
	"strings"
	"testing"
)

// TestKdxBuildArgs: the kdx binary is built with -race when the tests are,
// and with coverage of every package when asked.
func TestKdxBuildArgs(t *testing.T) {
	got := strings.Join(kdxBuildArgs("/x/kdx", true, true), " ")
	want := "build -o /x/kdx -ldflags=-w -race -cover -coverpkg=" + modulePath + "/... " + modulePath + "/cmd/kdx"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if got := strings.Join(kdxBuildArgs("/x/kdx", false, false), " "); got != "build -o /x/kdx -ldflags=-w "+modulePath+"/cmd/kdx" {
		t.Fatalf("plain build: %s", got)
	}
}

// TestRaceOptions: the race-built kdx exits without the race runtime's
// second of sleep, unless the user's GORACE says otherwise; the user's
// other options are kept.
func TestRaceOptions(t *testing.T) {
	for _, c := range []struct{ user, want string }{
		{"", "atexit_sleep_ms=0"},
		{"halt_on_error=1", "halt_on_error=1 atexit_sleep_ms=0"},
		{"log_path=/tmp/r atexit_sleep_ms=500", "log_path=/tmp/r atexit_sleep_ms=500"},
	} {
		if got := raceOptions(c.user); got != c.want {
			t.Errorf("raceOptions(%q) = %q, want %q", c.user, got, c.want)
		}
	}
}

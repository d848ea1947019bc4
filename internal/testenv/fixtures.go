package testenv

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/rest"
)

// The fixtures below are shared by the end-to-end tests (test/e2e) and the
// tests of the commands that run kdx in-process: one copy each.

// WriteFile writes content to the file name in dir, mode 0600, and returns
// its path; it fails t on error.
func WriteFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// YAMLBomb is a "billion laughs": a ConfigMap named bomb with nine levels
// of aliases, each repeating the one before nine times.
var YAMLBomb = func() string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n")
	b.WriteString(`l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 1; i < 9; i++ {
		prev := "*l" + string(rune('0'+i-1))
		b.WriteString("l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [" + strings.Repeat(prev+",", 8) + prev + "]\n")
	}
	return b.String()
}()

// UnreachableKubeconfig is a kubeconfig (context "down") whose server is a
// closed port of 127.0.0.1. Its token, never sent, keeps kubectl from
// asking for a user name on stdin.
func UnreachableKubeconfig(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return WriteFleetKubeconfig(t, FleetContext{Name: "down", Config: &rest.Config{Host: "https://" + addr, BearerToken: "unused"}})
}

// HangingServer is a server on 127.0.0.1 that accepts connections and
// never answers: it returns a kubeconfig (context "hangs") naming it, and a
// channel that receives a value for each connection it accepts (dropped
// when full). It stops when t ends.
func HangingServer(t testing.TB) (string, <-chan struct{}) {
	t.Helper()
	conns := make(chan struct{}, 1)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		var accepted []net.Conn
		defer func() {
			for _, c := range accepted {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted = append(accepted, c)
			select {
			case conns <- struct{}{}:
			default:
			}
		}
	}()
	return WriteFleetKubeconfig(t, FleetContext{Name: "hangs", Config: &rest.Config{Host: "https://" + l.Addr().String(), BearerToken: "unused"}}), conns
}

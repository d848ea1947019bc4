package clientconfig

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"k8s.io/client-go/rest"
)

// recorder is an httptest handler that remembers the Authorization header
// of every request it got, and answers with reply.
type recorder struct {
	mu    sync.Mutex
	auth  []string
	reply http.HandlerFunc
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.auth = append(r.auth, req.URL.Path+" "+req.Header.Get("Authorization"))
	r.mu.Unlock()
	r.reply(w, req)
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.auth...)
}

// kubeconfigFor writes a kubeconfig for server with a bearer token (and
// the CA of an httptest TLS server) and returns its path.
func kubeconfigFor(t *testing.T, server *httptest.Server, token string) string {
	t.Helper()
	ca := ""
	if server.TLS != nil {
		data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw})
		ca = fmt.Sprintf("certificate-authority-data: %q", base64.StdEncoding.EncodeToString(data))
	}
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: %q, %s}
users:
- name: u
  user: {token: %q}
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
`, server.URL, ca, token)
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// get sends a GET of path through the HTTP client of the kubeconfig's
// configuration, as every kdx client has it (Load, then client-go's
// transport with its credential wrappers).
func get(t *testing.T, kubeconfig, path string) ([]byte, error) {
	t.Helper()
	flags := NewFlags()
	flags.KubeConfig = kubeconfig
	cfg, err := Load(flags, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hc, err := rest.HTTPClientFor(cfg.REST)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, cfg.REST.Host+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// TestRedirectToAnotherOriginIsRefused: a redirect to another port, or from
// https to http, is an error naming both ends, and the target never gets a
// request, so never the token.
func TestRedirectToAnotherOriginIsRefused(t *testing.T) {
	const token = "s3cr3t-token"
	// clientcmd adds credentials only for https servers; httptest's TLS
	// servers share one certificate, so the kubeconfig's CA trusts both.
	tests := []struct {
		name     string
		thiefTLS bool // the redirect target is https
		other    string
	}{
		{"another port", true, "port"},
		{"https to http", false, "scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := &recorder{reply: func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "{}") }}
			var thief *httptest.Server
			if tt.thiefTLS {
				thief = httptest.NewTLSServer(target)
			} else {
				thief = httptest.NewServer(target)
			}
			defer thief.Close()
			origin := &recorder{reply: func(w http.ResponseWriter, req *http.Request) {
				http.Redirect(w, req, thief.URL+req.URL.Path, http.StatusFound)
			}}
			server := httptest.NewTLSServer(origin)
			defer server.Close()

			_, err := get(t, kubeconfigFor(t, server, token), "/api")
			if got := target.requests(); len(got) != 0 {
				t.Errorf("the redirect target got %q, want no request at all", got)
			}
			var re *RedirectError
			if !errors.As(err, &re) {
				t.Fatalf("GET /api: error %v, want a *RedirectError", err)
			}
			msg := re.Error()
			if !strings.Contains(msg, server.URL) || !strings.Contains(msg, thief.URL+"/api") || !strings.Contains(msg, "(another "+tt.other+")") {
				t.Errorf("error %q does not name %s, %s/api and the %s", msg, server.URL, thief.URL, tt.other)
			}
			if got := origin.requests(); len(got) != 1 || got[0] != "/api Bearer "+token {
				t.Errorf("the server got %q, want one request with its token", got)
			}
		})
	}
}

// TestRedirectToTheSameOriginIsFollowed: a redirect on the same server is
// followed with the credentials, as before.
func TestRedirectToTheSameOriginIsFollowed(t *testing.T) {
	const token = "s3cr3t-token"
	origin := &recorder{reply: func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/old" {
			http.Redirect(w, req, "/new", http.StatusMovedPermanently)
			return
		}
		fmt.Fprint(w, `{"ok":true}`)
	}}
	server := httptest.NewTLSServer(origin)
	defer server.Close()
	body, err := get(t, kubeconfigFor(t, server, token), "/old")
	if err != nil || string(body) != `{"ok":true}` {
		t.Fatalf("GET /old = %q, %v; want the body of /new", body, err)
	}
	want := []string{"/old Bearer " + token, "/new Bearer " + token}
	if got := origin.requests(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests %q, want %q", got, want)
	}
}

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"https://h:443/a", "https://H/b", true},
		{"http://h/a", "http://h:80/b?x", true},
		{"https://h:6443", "https://h:6443/x", true},
		{"https://h:6443", "https://h:6444", false},
		{"https://h", "http://h", false},
		{"https://h:8080", "http://h:8080", false},
		{"https://h", "https://h.evil", false},
		{"https://[::1]:6443", "https://[::1]:6443/x", true},
	}
	for _, tt := range tests {
		a, _ := url.Parse(tt.a)
		b, _ := url.Parse(tt.b)
		if got := sameOrigin(a, b); got != tt.same {
			t.Errorf("sameOrigin(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

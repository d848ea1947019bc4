package watch

import (
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// newServer holds ConfigMap a and Gadget g1; its watches send nothing, so
// each watch prints the objects listed first and ends at --timeout.
func newServer(t *testing.T) *clitest.APIServer {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"},
		clitest.Resource{Group: "shop.example.com", Plural: "gadgets", Kind: "Gadget", Short: "gd"})
	srv.Put("/api/v1/namespaces/default/configmaps/a", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default","resourceVersion":"5","creationTimestamp":"2026-01-02T03:04:05Z"}}`)
	srv.Put("/apis/shop.example.com/v1/namespaces/default/gadgets/g1", `{"apiVersion":"shop.example.com/v1","kind":"Gadget","metadata":{"name":"g1","namespace":"default","resourceVersion":"6","creationTimestamp":"2026-01-02T03:04:05Z"}}`)
	return srv
}

// timeout ends each watch; the fake server's watches send nothing.
const timeout = "2s"

func TestWatch(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tests := []struct {
		args        []string
		out, errOut string
	}{
		{[]string{"cm"}, "NAME   CREATED AT\na      2026-01-02T03:04:05Z\n", ""},
		{[]string{"cm,gadgets"}, "NAME          CREATED AT\nconfigmap/a   2026-01-02T03:04:05Z\n\n" +
			"NAME                         CREATED AT\ngadget.shop.example.com/g1   2026-01-02T03:04:05Z\n", ""},
		{[]string{"cm", "-o", "name"}, "configmap/a\n", ""},
		{[]string{"cm", "--output-watch-events", "-o", "json"}, `{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"creationTimestamp":"2026-01-02T03:04:05Z","name":"a","namespace":"default","resourceVersion":"5"}}}` + "\n", ""},
		{[]string{"cm", "--watch-only"}, "", ""},
		{[]string{"cm", "nope"}, "", "Waiting for configmap \"nope\" to be created...\n"},
	}
	// All at once: each waits for its --timeout, long enough for its list
	// on a busy machine.
	type result struct {
		out, errOut string
		err         error
	}
	results := make([]result, len(tests))
	var wg sync.WaitGroup
	for i, tt := range tests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := clitest.New()
			f.Server = srv.URL
			r := &results[i]
			r.out, r.errOut, r.err = clitest.Execute(f, NewCmd(f), append(tt.args, "--timeout", timeout)...)
		}()
	}
	wg.Wait()
	for i, tt := range tests {
		if r := results[i]; r.err != nil || r.out != tt.out || r.errOut != tt.errOut {
			t.Errorf("watch %v: %v\n%s---stderr\n%s---want\n%s---stderr\n%s", tt.args, r.err, r.out, r.errOut, tt.out, tt.errOut)
		}
	}
}

// TestWatchChanges: the objects created while kdx watches are printed as
// they come, after the listed ones. (Changes of listed objects are tested
// end to end, on the real server: the fake's resourceVersions, one counter
// for every fake server, made a MODIFIED event here come and go.)
func TestWatchChanges(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for _, tt := range []struct {
		args []string
		out  string
	}{
		{[]string{"cm"}, "NAME   CREATED AT\na      2026-01-02T03:04:05Z\nb      " + clitest.Created + "\n"},
		{[]string{"cm", "-o", "name"}, "configmap/a\nconfigmap/b\n"},
		{[]string{"cm", "--output-watch-events"}, "EVENT      NAME   CREATED AT\nADDED      a      2026-01-02T03:04:05Z\nADDED      b      " + clitest.Created + "\n"},
	} {
		wg.Add(1)
		go func() { // at once: each watch lasts its --timeout
			defer wg.Done()
			srv := newServer(t)
			f := clitest.New()
			f.Server = srv.URL
			done := make(chan error)
			go func() {
				_, _, err := clitest.Execute(f, NewCmd(f), append(tt.args, "--timeout", "3s")...)
				done <- err
			}()
			for start := time.Now(); srv.Watches() == 0; time.Sleep(10 * time.Millisecond) {
				if time.Since(start) > 10*time.Second {
					t.Errorf("watch %v: kdx never started watching", tt.args)
					return
				}
			}
			request(t, http.MethodPost, srv.URL+"/api/v1/namespaces/default/configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}`)
			if err := <-done; err != nil || f.Out.String() != tt.out || f.ErrOut.String() != "" {
				t.Errorf("watch %v: %v\n%s---stderr\n%s---want\n%s", tt.args, err, f.Out, f.ErrOut, tt.out)
			}
		}()
	}
	wg.Wait()
}

// request sends body to url as a client of the server would (from any
// goroutine: it reports with t.Errorf).
func request(t *testing.T, method, url, body string) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Errorf("%s %s: %s", method, url, resp.Status)
	}
}

// TestWatchFleet: a CONTEXT column, rows in arrival order.
func TestWatchFleet(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	f := clitest.New()
	f.Server, f.ContextList = srv.URL, []string{"east", "west"}
	out, _, err := clitest.Execute(f, NewCmd(f), "cm", "--timeout", timeout)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) > 1 {
		sort.Strings(lines[1:])
	}
	want := "CONTEXT   NAME   CREATED AT\neast      a      2026-01-02T03:04:05Z\nwest      a      2026-01-02T03:04:05Z"
	if err != nil || strings.Join(lines, "\n") != want {
		t.Errorf("fleet watch: %v\n%s---want\n%s", err, out, want)
	}
	f = clitest.New()
	f.Server, f.ContextList = srv.URL, []string{"east", "west"}
	_, _, err = clitest.Execute(f, NewCmd(f), "cm", "-o", "kyaml")
	if want := "-o kyaml is not supported when watching several contexts: use a table, json, yaml, jsonl or name (they say which context each event is from)"; errString(err) != want {
		t.Errorf("fleet -o kyaml: %v, want %q", err, want)
	}
}

// TestWatchValidate asserts every error of Complete and Validate.
func TestWatchValidate(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		// Complete
		{[]string{"cm", "--where", "object."}, "invalid --where \"object.\": 1:8: Syntax error: no viable alternative at input '.'\n | object.\n | .......^"},
		{[]string{"cm", "-o", "bogus"}, `unable to match a printer suitable for the output format "bogus", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonl,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml`},
		{[]string{"cm", "-o", "go-template"}, "template format specified but no template given"},
		// Validate
		{nil, "you must specify the type of resource to watch (e.g. 'kdx watch pods,deployments'), or --all-types"},
		{[]string{"cm", "--all-types"}, "--all-types watches every type: give no TYPE or NAME with it"},
		{[]string{"cm", "--include-events"}, "--include-events, --exclude and --ignore-forbidden only apply with --all-types"},
		{[]string{"cm", "--exclude", "pods"}, "--include-events, --exclude and --ignore-forbidden only apply with --all-types"},
		{[]string{"cm", "--ignore-forbidden"}, "--include-events, --exclude and --ignore-forbidden only apply with --all-types"},
		{[]string{"--all-types", "--concurrency", "0"}, "--concurrency must be at least 1, not 0"},
		{[]string{"cm", "--timeout", "-1s"}, "--timeout must not be negative, not -1s"},
		// flags
		{[]string{"cm", "--timeout", "5"}, `invalid argument "5" for "--timeout" flag: must be a duration like "30s" or "5m"`},
	}
	for _, tt := range tests {
		f := clitest.New()
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("watch %v:\n got %q\nwant %q", tt.args, got, tt.wantErr)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

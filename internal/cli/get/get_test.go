package get

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// server is a fake API server with ConfigMaps a (app=web) and b (rank=1)
// in default, c (rank=0) in shop, and Gadgets.
func server(t *testing.T) *clitest.APIServer {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"},
		clitest.Resource{Group: "shop.example.com", Plural: "gadgets", Kind: "Gadget", Short: "gd"})
	put := func(ns, name, labels string) {
		srv.Put("/api/v1/namespaces/"+ns+"/configmaps/"+name, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"`+name+
			`","namespace":"`+ns+`","creationTimestamp":"2026-01-02T03:04:05Z","labels":{`+labels+`}},"data":{"k":"v"}}`)
	}
	put("default", "a", `"app":"web"`)
	put("default", "b", `"rank":"1"`)
	put("shop", "c", `"rank":"0"`)
	return srv
}

func run(t *testing.T, server string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	f := clitest.New()
	f.Server = server
	return clitest.Execute(f, NewCmd(f), args...)
}

func TestGetOutputs(t *testing.T) {
	srv := server(t)
	tests := []struct {
		name        string
		args        []string
		out, errOut string
	}{
		{"server's table", []string{"configmaps"},
			"NAME   CREATED AT\na      2026-01-02T03:04:05Z\nb      2026-01-02T03:04:05Z\n", ""},
		{"short name and -A", []string{"cm", "-A"},
			"NAMESPACE   NAME   CREATED AT\ndefault     a      2026-01-02T03:04:05Z\ndefault     b      2026-01-02T03:04:05Z\nshop        c      2026-01-02T03:04:05Z\n", ""},
		{"selector", []string{"cm", "-l", "app=web"}, "NAME   CREATED AT\na      2026-01-02T03:04:05Z\n", ""},
		{"show labels", []string{"cm", "a", "--show-labels"}, "NAME   CREATED AT             LABELS\na      2026-01-02T03:04:05Z   app=web\n", ""},
		{"label column", []string{"cm", "-L", "app"}, "NAME   CREATED AT             APP\na      2026-01-02T03:04:05Z   web\nb      2026-01-02T03:04:05Z   \n", ""},
		{"no headers", []string{"cm", "--no-headers"}, "a     2026-01-02T03:04:05Z\nb     2026-01-02T03:04:05Z\n", ""},
		{"names", []string{"cm", "-o", "name"}, "configmap/a\nconfigmap/b\n", ""},
		{"TYPE/NAME", []string{"configmap/b", "cm/a", "-o", "name"}, "configmap/b\nconfigmap/a\n", ""},
		{"jsonpath", []string{"cm", "-o", "jsonpath={.items[*].metadata.name}"}, "a b", ""},
		{"custom columns", []string{"cm", "-A", "-o", "custom-columns=NS:.metadata.namespace,N:.metadata.name"}, "NS        N\ndefault   a\ndefault   b\nshop      c\n", ""},
		{"-n of the context", []string{"cm", "-o", "name", "--field-selector="}, "configmap/a\nconfigmap/b\n", ""},
		{"nothing found", []string{"cm", "-l", "app=none"}, "", "No resources found in default namespace.\n"},
		{"nothing found of a type in every namespace", []string{"gadgets", "-A"}, "", "No resources found\n"},
		{"nothing found, quiet", []string{"gadgets", "--ignore-not-found"}, "", ""},
		{"--all-types", []string{"--all-types", "-o", "name"}, "configmap/a\nconfigmap/b\n", ""},
		{"--sort-by", []string{"cm", "-A", "--sort-by", "{.metadata.labels.rank}", "-o", "name", "-l", "app!=web"}, "configmap/c\nconfigmap/b\n", ""},
		{"--server-print=false", []string{"cm", "-l", "app=web", "--server-print=false", "-o", "custom-columns=N:.metadata.name,K:.data.k"}, "N     K\na     v\n", ""},
		{"--raw", []string{"--raw", "/version"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := run(t, srv.URL, tt.args...)
			if err != nil {
				t.Fatalf("get %v: %v", tt.args, err)
			}
			if tt.name == "--raw" {
				if !strings.Contains(out, `"gitVersion":"`+clitest.ServerVersion+`"`) {
					t.Errorf("--raw /version: %q", out)
				}
				return
			}
			if out != tt.out || errOut != tt.errOut {
				t.Errorf("get %v:\n%s---stderr\n%s---want\n%s---stderr\n%s", tt.args, out, errOut, tt.out, tt.errOut)
			}
		})
	}
}

func TestGetJSON(t *testing.T) {
	srv := server(t)
	out, _, err := run(t, srv.URL, "cm", "a", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var obj struct {
		Kind     string
		Metadata struct{ Name, Namespace string }
		Data     map[string]string
	}
	if err := json.Unmarshal([]byte(out), &obj); err != nil || obj.Kind != "ConfigMap" || obj.Metadata.Name != "a" || obj.Data["k"] != "v" {
		t.Errorf("-o json: %v\n%s", err, out)
	}
	out, _, err = run(t, srv.URL, "cm", "-o", "json")
	var list struct {
		Kind  string
		Items []struct{ Metadata struct{ Name string } }
	}
	if err != nil || json.Unmarshal([]byte(out), &list) != nil || list.Kind != "List" || len(list.Items) != 2 || list.Items[1].Metadata.Name != "b" {
		t.Errorf("-o json of a list: %v\n%s", err, out)
	}
}

// TestGetNotFound: the server's message, exit 1, and the objects that
// exist still printed.
func TestGetNotFound(t *testing.T) {
	srv := server(t)
	out, errOut, err := run(t, srv.URL, "cm", "a", "zz", "-o", "name")
	if err == nil || err.Error() != "exit status 1" {
		t.Errorf("err %v, want exit status 1", err)
	}
	if out != "configmap/a\n" || errOut != "error: configmaps \"zz\" not found\n" {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	out, errOut, err = run(t, srv.URL, "cm", "zz", "--ignore-not-found")
	if err != nil || out != "" || errOut != "" {
		t.Errorf("--ignore-not-found: %v, %q, %q", err, out, errOut)
	}
}

// TestGetValidate asserts every error of Complete and Validate, and of the
// checks made before any list, with the messages the user reads.
func TestGetValidate(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		// Complete
		{[]string{"cm", "-o", "bogus"}, `unable to match a printer suitable for the output format "bogus", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonl,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml`},
		{[]string{"cm", "-o", "jsonpath"}, "template format specified but no template given"},
		{[]string{"cm", "--where", "object."}, "invalid --where \"object.\": 1:8: Syntax error: no viable alternative at input '.'\n | object.\n | .......^"},
		// Validate
		{nil, "you must specify the type of resource to get (e.g. 'kdx get pods'), or --all-types; 'kdx api-resources' lists the types"},
		{[]string{"--all-types", "cm"}, "--all-types lists every type: give no TYPE or NAME with it"},
		{[]string{"cm", "--include-events"}, "--include-events, --exclude and --ignore-forbidden only apply with --all-types"},
		{[]string{"cm", "--exclude", "secrets"}, "--include-events, --exclude and --ignore-forbidden only apply with --all-types"},
		{[]string{"cm", "--ignore-forbidden"}, "--include-events, --exclude and --ignore-forbidden only apply with --all-types"},
		{[]string{"--all-types", "--concurrency", "0"}, "--concurrency must be at least 1, not 0"},
		{[]string{"cm", "--chunk-size", "-1"}, "--chunk-size must be 0 or more, not -1"},
		{[]string{"cm", "a", "--subresource", "logs"}, `invalid subresource value: "logs". Must be one of [status scale]`},
		{[]string{"--raw", "/api", "cm"}, "arguments may not be passed when --raw is specified"},
		{[]string{"--raw", "/api", "-l", "a=b"}, "--raw may not be specified with other flags that filter the server request or alter the output"},
		{[]string{"--raw", "/api", "--field-selector", "a=b"}, "--raw may not be specified with other flags that filter the server request or alter the output"},
		{[]string{"--raw", "/api", "-A"}, "--raw may not be specified with other flags that filter the server request or alter the output"},
		{[]string{"--raw", "/api", "--all-types"}, "--raw may not be specified with other flags that filter the server request or alter the output"},
		{[]string{"--raw", "/api", "--where", "true"}, "--raw may not be specified with other flags that filter the server request or alter the output"},
		{[]string{"--raw", "/api", "-o", "json"}, "--raw and --output are mutually exclusive"},
		{[]string{"--raw", "x y"}, `--raw must be a valid URL path: parse "x y": invalid URI for request`},
		{[]string{"cm", "--show-labels", "-o", "json"}, "--show-labels option cannot be used with json printer"},
		{[]string{"cm", "-L", "app", "-o", "custom-columns=N:.metadata.name"}, "--label-columns option cannot be used with custom-columns=N:.metadata.name printer"},
		// flags
		{[]string{"cm", "--chunk-size", "x"}, `invalid argument "x" for "--chunk-size" flag: must be an integer`},
	}
	for _, tt := range tests {
		// no server: each error comes before any request
		f := clitest.New()
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("get %v:\n got %q\nwant %q", tt.args, got, tt.wantErr)
		}
	}
}

// TestGetArgumentErrors: what kubectl refuses once the types are known.
func TestGetArgumentErrors(t *testing.T) {
	srv := server(t)
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"cm", "a", "-A"}, "a resource cannot be retrieved by name across all namespaces"},
		{[]string{"cm", "a", "-l", "app=web"}, "name cannot be provided when a selector is specified"},
		{[]string{"cm", "a", "--field-selector", "metadata.name=a"}, "name cannot be provided when a selector is specified"},
		{[]string{"cm", "--subresource", "status"}, "--subresource needs object names: kdx get configmaps NAME --subresource status"},
	}
	for _, tt := range tests {
		out, _, err := run(t, srv.URL, tt.args...)
		if got := errString(err); got != tt.wantErr || out != "" {
			t.Errorf("get %v: %q (stdout %q), want %q", tt.args, got, out, tt.wantErr)
		}
	}
}

// TestGetFleet: a CONTEXT column, and what get cannot do over several
// contexts.
func TestGetFleet(t *testing.T) {
	srv := server(t)
	f := clitest.New()
	f.Server, f.ContextList = srv.URL, []string{"east", "west"}
	out, _, err := clitest.Execute(f, NewCmd(f), "cm", "-l", "app=web")
	want := "CONTEXT   NAME   CREATED AT\neast      a      2026-01-02T03:04:05Z\nwest      a      2026-01-02T03:04:05Z\n"
	if err != nil || out != want {
		t.Errorf("fleet table: %v\n%s---want\n%s", err, out, want)
	}
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--raw", "/version"}, "--raw reads one server: give one --context"},
		{[]string{"cm", "-o", "kyaml"}, "-o kyaml is not supported with several contexts: use a table, json, yaml, jsonl, name, custom-columns or a template"},
		{[]string{"cm", "-w", "-o", "jsonpath={.metadata.name}"}, "-o jsonpath={.metadata.name} is not supported when watching several contexts: use a table, json, yaml, jsonl or name (they say which context each event is from)"},
	} {
		f := clitest.New()
		f.Server, f.ContextList = srv.URL, []string{"east", "west"}
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("fleet get %v: %q, want %q", tt.args, got, tt.wantErr)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestGetWatch: get -w lists, then prints the rows of the objects created
// and changed, until interrupted.
func TestGetWatch(t *testing.T) {
	srv := server(t)
	f := clitest.New()
	f.Server = srv.URL
	out := &syncBuffer{}
	cmd := NewCmd(f.WithStreams(genericiooptions.IOStreams{In: f.In, Out: out, ErrOut: f.ErrOut}))
	cmd.SetArgs([]string{"cm", "-w", "-l", "app=web"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	for start := time.Now(); srv.Watches() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatal("kdx never started watching")
		}
	}
	for _, r := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/v1/namespaces/default/configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d","labels":{"app":"web"}}}`},
		{http.MethodPut, "/api/v1/namespaces/default/configmaps/a", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"app":"web"}},"data":{"k":"w"}}`},
	} {
		req, _ := http.NewRequest(r.method, srv.URL+r.path, strings.NewReader(r.body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	want := "NAME   CREATED AT\na      2026-01-02T03:04:05Z\nd      " + clitest.Created + "\na      2026-01-02T03:04:05Z\n"
	for start := time.Now(); out.String() != want && time.Since(start) < 10*time.Second; time.Sleep(10 * time.Millisecond) {
	}
	cancel()
	err := <-done
	if got := out.String(); got != want {
		t.Errorf("get -w: %v\n%s---want\n%s", err, got, want)
	}
}

// syncBuffer is a buffer a test reads while a command writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

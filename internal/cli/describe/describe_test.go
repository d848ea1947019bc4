package describe

import (
	"regexp"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// newServer holds ConfigMap settings, Gadget g1 (a finalizer, a condition
// whose message has an ESC) and an event of g1.
func newServer(t *testing.T) *clitest.APIServer {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"},
		clitest.Resource{Group: "shop.example.com", Plural: "gadgets", Kind: "Gadget", Short: "gd"}, clitest.Resource{Plural: "events", Kind: "Event", Short: "ev"})
	srv.Put("/api/v1/namespaces/default/configmaps/settings", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"default","uid":"s-uid","labels":{"app":"web"},"creationTimestamp":"2026-01-02T03:04:05Z"},"data":{"k":"v"}}`)
	srv.Put("/apis/shop.example.com/v1/namespaces/default/gadgets/g1", `{"apiVersion":"shop.example.com/v1","kind":"Gadget","metadata":{"name":"g1","namespace":"default","uid":"g1-uid","creationTimestamp":"2026-01-02T03:04:05Z","finalizers":["shop.example.com/cleanup"]},"spec":{"size":3},"status":{"conditions":[{"type":"Ready","status":"False","reason":"Waiting","message":"for \u001b parts","lastTransitionTime":"2026-01-02T03:04:05Z"}]}}`)
	srv.Put("/api/v1/namespaces/default/events/e1", `{"apiVersion":"v1","kind":"Event","metadata":{"name":"e1","namespace":"default"},"involvedObject":{"kind":"Gadget","name":"g1","namespace":"default","uid":"g1-uid"},"reason":"Started","message":"hello","type":"Normal","count":1,"lastTimestamp":"2026-01-02T03:04:05Z","firstTimestamp":"2026-01-02T03:04:05Z","source":{"component":"shop"}}`)
	return srv
}

func run(t *testing.T, server string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	f := clitest.New()
	f.Server = server
	return clitest.Execute(f, NewCmd(f), args...)
}

// ages are relative to today.
var ages = regexp.MustCompile(`\b\d+[smhdy](\d+[smh])?\b`)

const gadget = `Name:         g1
Namespace:    default
Kind:         Gadget.shop.example.com/v1
Labels:       <none>
Annotations:  <none>
Created:      2026-01-02T03:04:05Z (AGE ago)
Owners:       <none>
Finalizers:   [shop.example.com/cleanup]
Spec:
  size:  3
Conditions:
  Type   Status  Reason   Age   Message
  ----   ------  ------   ---   -------
  Ready  False   Waiting  AGE  for ^[ parts
`

const gadgetEvents = `Events:
  Type    Reason   Age   From  Message
  ----    ------   ----  ----  -------
  Normal  Started  AGE  shop  hello
`

const settings = `Name:         settings
Namespace:    default
Kind:         ConfigMap/v1
Labels:       app=web
Annotations:  <none>
Created:      2026-01-02T03:04:05Z (AGE ago)
Owners:       <none>
Finalizers:   <none>
Data:
  k:  v
Events:  <none>
`

func TestDescribe(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		args        []string
		out, errOut string
	}{
		{[]string{"gd", "g1"}, gadget + gadgetEvents, ""},
		{[]string{"gadgets.shop.example.com/g1", "--show-events=false"}, gadget, ""},
		{[]string{"cm/settings"}, settings, ""},
		{[]string{"cm", "-l", "app=web"}, settings, ""},
		{[]string{"gd/g1", "cm/settings"}, gadget + gadgetEvents + "\n\n" + settings, ""},
		{[]string{"cm", "-l", "app=none"}, "", "No resources found in default namespace.\n"},
		{[]string{"cm", "-A", "-l", "app=none"}, "", "No resources found\n"},
	}
	for _, tt := range tests {
		out, errOut, err := run(t, srv.URL, tt.args...)
		if got := ages.ReplaceAllString(out, "AGE"); err != nil || got != tt.out || errOut != tt.errOut {
			t.Errorf("describe %v: %v\n%s---stderr\n%s---want\n%s---stderr\n%s", tt.args, err, got, errOut, tt.out, tt.errOut)
		}
	}
	out, errOut, err := run(t, srv.URL, "cm", "nope", "settings")
	if errString(err) != "exit status 1" || ages.ReplaceAllString(out, "AGE") != settings || errOut != "error: configmaps \"nope\" not found\n" {
		t.Errorf("a missing object among others: %v\n%s---stderr\n%s", err, out, errOut)
	}
}

// TestDescribeErrors asserts every error of Complete and Validate, and the
// argument checks made once the types are known.
func TestDescribeErrors(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{nil, "you must specify the type of resource to describe (e.g. 'kdx describe pods web')"},
		{[]string{"cm", "--concurrency", "0"}, "--concurrency must be at least 1, not 0"},
	}
	for _, tt := range tests {
		f := clitest.New()
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("describe %v:\n got %q\nwant %q", tt.args, got, tt.wantErr)
		}
	}
	srv := newServer(t)
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"cm", "settings", "-l", "app=web"}, "name cannot be provided when a selector is specified"},
		{[]string{"cm", "settings", "-A"}, "a resource cannot be retrieved by name across all namespaces"},
		{[]string{"nosuch"}, `the server doesn't have a resource type "nosuch"`},
	} {
		out, _, err := run(t, srv.URL, tt.args...)
		if got := errString(err); got != tt.wantErr || out != "" {
			t.Errorf("describe %v: %q (stdout %q), want %q", tt.args, got, out, tt.wantErr)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
